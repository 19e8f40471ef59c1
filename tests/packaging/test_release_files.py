"""The release files that cannot run on this Debian machine, checked offline.

- ``.github/workflows/*.yml``: GitHub's workflow schema (check-jsonschema's vendored copy),
  then what the release needs: the triggers, the three runners, Python 3.11, the frozen
  program's ``--self-test`` on each platform, actions pinned to commits, the upload and the
  release job; every ``run:`` script through shellcheck; actionlint too where installed.
- ``packaging/windows/ally.iss``: no Inno Setup compiler here, so a small reader applies
  the preprocessor lines, parses the sections and checks the keys, the per-user install,
  the output name from the version, and that every file it takes exists or is built.
- ``packaging/windows/build_installer.py --dry-run``: the ISCC command it would run.
- ``packaging/macos/build_dmg.sh`` and ``check_dmg.sh``: ``bash -n``, shellcheck, and a
  run of each against stand-ins for hdiutil, ditto and plutil.

A missing tool (shellcheck, check-jsonschema, a YAML reader) skips its test on a
workstation and fails it under CI=true. Nothing here uses the network.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = REPO / ".github" / "workflows"
RELEASE = WORKFLOWS / "release.yml"
CI_WORKFLOW = WORKFLOWS / "ci.yml"
WINDOWS = REPO / "packaging" / "windows"
MACOS = REPO / "packaging" / "macos"
ISS = WINDOWS / "ally.iss"
BUILD_DMG = MACOS / "build_dmg.sh"
CHECK_DMG = MACOS / "check_dmg.sh"
SPEC = REPO / "packaging" / "ally.spec"
ICONS = REPO / "packaging" / "icons.py"
README = REPO / "packaging" / "README.md"
SHELL_SCRIPTS = (BUILD_DMG, CHECK_DMG)
RUNNERS = {"Linux": "ubuntu-22.04", "Windows": "windows-latest", "macOS": "macos-14"}
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


VERSION: str = _load(REPO / "packaging" / "version.py", "_ally_version").read_version()


def skip_or_fail(reason: str) -> None:
    """Skip for lack of a tool, except under CI, where that is a failure."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


def _shellcheck() -> str:
    found = shutil.which("shellcheck") or shutil.which(
        "shellcheck", path=Path(sys.executable).parent
    )
    if found is None:
        skip_or_fail("shellcheck is not installed (Debian package shellcheck)")
    assert found is not None
    return found


# -- the workflows ---------------------------------------------------------------------------


def load_yaml(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    try:
        from ruamel.yaml import YAML  # comes with check-jsonschema
    except ImportError:
        try:
            import yaml
        except ImportError:
            skip_or_fail("no YAML reader: install check-jsonschema (ruamel.yaml) or PyYAML")
        data = yaml.safe_load(text)
    else:
        data = YAML(typ="safe", pure=True).load(text)
    assert isinstance(data, dict)
    if True in data:  # YAML 1.1 readers take the key `on` for a boolean
        data["on"] = data.pop(True)
    return data


@pytest.fixture(scope="module")
def release() -> dict[str, Any]:
    return load_yaml(RELEASE)


@pytest.fixture(scope="module")
def ci() -> dict[str, Any]:
    return load_yaml(CI_WORKFLOW)


def _steps(workflow: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for job_name, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_name, step


def _runs_on(condition: object, runner_os: str) -> bool:
    """Whether a step's `if:` lets it run on runner_os (other terms assumed true)."""
    if not isinstance(condition, str):
        return True
    for term in condition.split("&&"):
        match = re.fullmatch(r"\s*runner\.os\s*(==|!=)\s*'(\w+)'\s*", term)
        if match and (match.group(2) == runner_os) != (match.group(1) == "=="):
            return False
    return True


def test_workflows_match_githubs_schema() -> None:
    if importlib.util.find_spec("check_jsonschema") is None:
        skip_or_fail("check-jsonschema is not installed (PyPI; the dev extra)")
    workflows = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    assert len(workflows) >= 2
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            *workflows,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_release_runs_on_version_tags_and_by_hand(release: dict[str, Any]) -> None:
    triggers = release["on"]
    assert triggers["push"]["tags"] == ["v*"]
    assert "branches" not in triggers["push"]
    assert "workflow_dispatch" in triggers


def test_release_builds_on_each_platforms_runner(release: dict[str, Any]) -> None:
    build = release["jobs"]["build"]
    assert build["runs-on"] == "${{ matrix.os }}"
    runners = {entry["os"] for entry in build["strategy"]["matrix"]["include"]}
    assert runners == set(RUNNERS.values())
    assert build["strategy"]["fail-fast"] is False


def test_every_action_is_pinned_to_a_commit() -> None:
    for workflow in (RELEASE, CI_WORKFLOW):
        for line in workflow.read_text(encoding="utf-8").splitlines():
            match = re.match(r"\s*(?:-\s+)?uses:\s*(\S+)(.*)", line)
            if match:
                assert PINNED.match(match.group(1)), f"{workflow.name}: not pinned: {line}"
                assert re.search(r"#\s*v\d", match.group(2)), f"say which version: {line}"


def test_python_311_on_every_runner(release: dict[str, Any]) -> None:
    setups = [s for _, s in _steps(release) if str(s.get("uses", "")).startswith("actions/setup-")]
    assert [s["uses"].split("@")[0] for s in setups] == ["actions/setup-python"]
    assert str(setups[0]["with"]["python-version"]) == "3.11"
    assert "if" not in setups[0]


@pytest.mark.parametrize("runner_os", sorted(RUNNERS))
def test_each_platform_builds_and_smoke_tests_the_frozen_program(
    release: dict[str, Any], runner_os: str
) -> None:
    build = release["jobs"]["build"]
    steps = [s for s in build["steps"] if _runs_on(s.get("if"), runner_os)]
    scripts = "\n".join(str(s.get("run", "")) for s in steps)
    if runner_os == "Linux":
        assert "make package" in scripts
    else:
        assert '".[package]"' in scripts
        assert "packaging/ally.spec" in scripts
        assert "packaging/icons.py" in scripts
    smoke = [s for s in steps if "--self-test" in str(s.get("run", ""))]
    assert smoke, f"no --self-test on {runner_os}"
    for step in smoke:
        env = {**build.get("env", {}), **step.get("env", {})}
        assert env.get("QT_QPA_PLATFORM") in ("offscreen", "minimal"), step["name"]
    installers = {
        "Linux": ("make package",),
        "Windows": ("choco install innosetup", "packaging/windows/build_installer.py"),
        "macOS": ("packaging/macos/build_dmg.sh", "packaging/macos/check_dmg.sh"),
    }[runner_os]
    for needed in installers:
        assert needed in scripts, needed


def test_installers_are_uploaded_and_attached_to_the_release(release: dict[str, Any]) -> None:
    build = release["jobs"]["build"]
    patterns = {e["name"]: e["installers"] for e in build["strategy"]["matrix"]["include"]}
    assert patterns["linux"].split() == ["dist/ally_*_amd64.deb", "dist/ally-*-linux-x86_64.run"]
    assert patterns["windows"].strip() == "dist/*-windows-x64-setup.exe"
    assert patterns["macos"].strip() == "dist/*-macos-*.dmg"
    upload = next(s for s in build["steps"] if "upload-artifact" in str(s.get("uses", "")))
    assert upload["with"]["path"] == "${{ matrix.installers }}"
    assert upload["with"]["if-no-files-found"] == "error"
    assert "if" not in upload

    assert release["permissions"] == {"contents": "read"}
    job = release["jobs"]["release"]
    assert job["needs"] == "build"
    assert job["if"] == "startsWith(github.ref, 'refs/tags/v')"
    assert job["permissions"] == {"contents": "write"}
    scripts = "\n".join(str(s.get("run", "")) for s in job["steps"])
    assert "gh release create" in scripts
    assert "gh release upload" in scripts
    assert any("download-artifact" in str(s.get("uses", "")) for s in job["steps"])


def test_secrets_reach_only_the_steps_that_sign(release: dict[str, Any]) -> None:
    """A secret's value is in a step's env only where it signs; the job learns only whether."""
    for name, value in release["jobs"]["build"]["env"].items():
        assert re.fullmatch(r"\$\{\{ secrets\.\w+ != '' \}\}", value), name
    for _, step in _steps(release):
        env_text = str(step.get("env", {})) + str(step.get("with", {}))
        if "secrets." in env_text:
            assert re.search(r"sign|certificate|installer|disk image", step["name"], re.I), step
        assert "secrets." not in str(step.get("run", "")), step["name"]


def test_run_scripts_pass_shellcheck(release: dict[str, Any], ci: dict[str, Any]) -> None:
    shellcheck = _shellcheck()
    for workflow in (release, ci):
        for job_name, step in _steps(workflow):
            if "run" not in step:
                continue
            # As actionlint does: an expression becomes a plain word of the same length.
            script = re.sub(r"\$\{\{.*?\}\}", lambda m: "_" * len(m.group(0)), step["run"])
            checked = subprocess.run(
                [shellcheck, "--shell=bash", "--severity=style", "-"],
                input=script,
                capture_output=True,
                text=True,
                timeout=60,
            )
            where = f"{job_name} / {step.get('name', step['run'][:40])}"
            assert checked.returncode == 0, f"{where}:\n{checked.stdout}{checked.stderr}"


def test_ci_runs_the_project_ci_on_debian_as_root(ci: dict[str, Any]) -> None:
    (job,) = ci["jobs"].values()
    assert job["runs-on"] == "ubuntu-latest"
    assert job["container"]["image"] == "debian:12"
    assert "--user root" in job["container"]["options"]
    assert job["env"]["CI"] == "true"
    assert job["steps"][-1]["run"] == "bash .ci/run"


def test_workflow_scripts_exist_and_the_shell_ones_are_executable(release: dict[str, Any]) -> None:
    scripts = "\n".join(str(s.get("run", "")) for _, s in _steps(release))
    used = set(re.findall(r"packaging/[\w./-]+\.(?:py|sh|spec)", scripts))
    assert used >= {"packaging/version.py", "packaging/icons.py", "packaging/ally.spec"}
    for relative in sorted(used):
        path = REPO / relative
        if relative == "packaging/icons.py" and not path.exists():
            pytest.fail("packaging/icons.py is missing (it renders build/icons/)")
        assert path.is_file(), relative
        if path.suffix == ".sh":
            assert path.stat().st_mode & stat.S_IXUSR, f"{relative} is not executable"
    assert re.search(r"^package:", (REPO / "Makefile").read_text(encoding="utf-8"), re.M), (
        "the Linux job runs `make package`: the Makefile has no package target"
    )


# -- the Inno Setup script --------------------------------------------------------------------

SETUP_DIRECTIVES = {
    "AppId", "AppName", "AppVersion", "AppVerName", "AppPublisher", "AppPublisherURL",
    "AppSupportURL", "AppUpdatesURL", "AppCopyright", "AppContact", "AppComments",
    "VersionInfoVersion", "VersionInfoProductName", "VersionInfoProductVersion",
    "VersionInfoProductTextVersion", "VersionInfoTextVersion", "VersionInfoDescription",
    "VersionInfoCompany", "VersionInfoCopyright", "SourceDir", "OutputDir",
    "OutputBaseFilename", "SetupIconFile", "PrivilegesRequired",
    "PrivilegesRequiredOverridesAllowed", "DefaultDirName", "DefaultGroupName",
    "DisableProgramGroupPage", "DisableDirPage", "DisableWelcomePage", "DisableReadyPage",
    "UsePreviousAppDir", "ArchitecturesAllowed", "ArchitecturesInstallIn64BitMode",
    "MinVersion", "WizardStyle", "Compression", "SolidCompression", "AppMutex", "SetupMutex",
    "CloseApplications", "RestartApplications", "UninstallDisplayName", "UninstallDisplayIcon",
    "SignTool", "SignedUninstaller", "LicenseFile", "SetupLogging", "ChangesAssociations",
}  # fmt: skip
SECTIONS = {
    "Setup", "Languages", "CustomMessages", "Messages", "Types", "Components", "Tasks",
    "Dirs", "Files", "Icons", "INI", "InstallDelete", "Registry", "Run", "UninstallDelete",
    "UninstallRun", "Code",
}  # fmt: skip
ENTRY_PARAMETERS = {
    "Languages": {"Name", "MessagesFile", "LicenseFile", "InfoBeforeFile", "InfoAfterFile"},
    "Tasks": {"Name", "Description", "GroupDescription", "Flags", "Components", "Check"},
    "InstallDelete": {"Type", "Name", "Tasks", "Check"},
    "UninstallDelete": {"Type", "Name", "Tasks", "Check"},
    "Files": {"Source", "DestDir", "DestName", "Flags", "Excludes", "Tasks", "Check"},
    "Icons": {"Name", "Filename", "Parameters", "WorkingDir", "IconFilename", "IconIndex",
              "Comment", "Tasks", "Flags", "AppUserModelID", "Check"},
    "Run": {"Filename", "Parameters", "WorkingDir", "Description", "StatusMsg", "Flags",
            "Tasks", "Check"},
}  # fmt: skip
FLAGS = {
    "Tasks": {"unchecked", "exclusive", "checkedonce", "dontinheritcheck", "restart"},
    "Files": {"ignoreversion", "recursesubdirs", "createallsubdirs", "restartreplace",
              "skipifsourcedoesntexist", "replacesameversion"},
    "Icons": {"runminimized", "runmaximized", "createonlyiffileexists", "uninsneveruninstall",
              "preventpinning", "excludefromshowinnewinstall"},
    "Run": {"nowait", "postinstall", "skipifsilent", "skipifnotsilent", "shellexec",
            "unchecked", "runasoriginaluser", "waituntilterminated"},
}  # fmt: skip


def _ispp_value(expression: str, defines: dict[str, str]) -> str:
    """The tiny part of Inno's preprocessor this script uses: "text", names, +, AddBackslash."""
    parts = []
    for term in (t.strip() for t in expression.split("+")):
        if match := re.fullmatch(r'"(.*)"', term):
            parts.append(match.group(1))
        elif match := re.fullmatch(r"AddBackslash\((\w+)\)", term):
            value = defines[match.group(1)]
            parts.append(value if value.endswith(("\\", "/")) else value + "\\")
        else:
            parts.append(defines[term])
    return "".join(parts)


def preprocess(text: str, defines: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """Apply #ifdef/#ifndef/#else/#endif, #define and #error; expand {#Name}."""
    defines = {"SourcePath": str(ISS.parent) + "/", **defines}
    lines: list[str] = []
    stack: list[bool] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line.startswith("#"):
            word, _, rest = line[1:].strip().partition(" ")
            rest = rest.strip()
            if word in ("ifdef", "ifndef"):
                stack.append((rest in defines) == (word == "ifdef"))
            elif word == "else":
                stack[-1] = not stack[-1]
            elif word == "endif":
                stack.pop()
            elif not all(stack):
                pass
            elif word == "define":
                name, _, value = rest.partition(" ")
                defines[name] = _ispp_value(value, defines)
            elif word == "error":
                raise AssertionError(f"ally.iss:{number}: #error {rest}")
            else:
                raise AssertionError(f"ally.iss:{number}: directive #{word} not understood here")
            continue
        if all(stack):
            lines.append(re.sub(r"\{#(\w+)\}", lambda m: defines[m.group(1)], raw))
    assert not stack, "#if without #endif"
    return lines, defines


def parse_sections(lines: list[str]) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for raw in lines:
        line = raw.strip()
        if match := re.fullmatch(r"\[(\w+)\]", line):
            current = match.group(1)
            assert current in SECTIONS, f"unknown section [{current}]"
            assert current not in sections, f"[{current}] twice"
            sections[current] = []
        elif line and (current == "Code" or not line.startswith(";")):
            assert current is not None, f"outside any section: {line}"
            sections[current].append(line)
    return sections


def parse_entry(line: str) -> dict[str, str]:
    """'Name: "x"; Flags: a b' -> {"Name": "x", "Flags": "a b"} ("" is a quote inside)."""
    entry = {}
    position = 0
    pattern = re.compile(r'\s*(\w+):\s*("(?:[^"]|"")*"|[^;]*?)\s*(?:;|$)')
    while position < len(line):
        match = pattern.match(line, position)
        assert match, f"cannot read: {line[position:]}"
        value = match.group(2)
        if value.startswith('"'):
            value = value[1:-1].replace('""', '"')
        assert match.group(1) not in entry, f"{match.group(1)} twice in {line}"
        entry[match.group(1)] = value
        position = match.end()
    return entry


def _inno(defines: dict[str, str] | None = None) -> tuple[dict[str, list[str]], dict[str, str]]:
    if defines is None:
        defines = {"AppVersion": VERSION}
    lines, defined = preprocess(ISS.read_text(encoding="utf-8"), defines)
    return parse_sections(lines), defined


@pytest.fixture(scope="module")
def inno() -> dict[str, list[str]]:
    return _inno()[0]


@pytest.fixture(scope="module")
def setup(inno: dict[str, list[str]]) -> dict[str, str]:
    directives = {}
    for line in inno["Setup"]:
        key, sep, value = line.partition("=")
        assert sep, f"not a directive: {line}"
        assert key in SETUP_DIRECTIVES, f"unknown [Setup] directive {key}"
        assert key not in directives, f"{key} twice"
        directives[key] = value
    return directives


def _entries(inno: dict[str, list[str]], section: str) -> list[dict[str, str]]:
    entries = [parse_entry(line) for line in inno.get(section, [])]
    for entry in entries:
        assert set(entry) <= ENTRY_PARAMETERS[section], f"[{section}] {entry}"
        flags = set(entry.get("Flags", "").split())
        assert flags <= FLAGS.get(section, set()), f"[{section}] flags {flags}"
    return entries


def test_inno_script_needs_the_version() -> None:
    with pytest.raises(AssertionError, match="#error Pass the version"):
        _inno({})


def test_inno_script_identifies_ally_and_its_version(setup: dict[str, str]) -> None:
    assert re.fullmatch(r"\{\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", setup["AppId"])
    assert setup["AppId"][1:] == _load(WINDOWS / "check_installer.py", "_check").APP_ID
    assert setup["AppName"] == "Ally"
    assert setup["AppVersion"] == VERSION
    assert setup["OutputBaseFilename"] == f"ally-{VERSION}-windows-x64-setup"
    assert setup["OutputDir"] == "dist"
    assert setup["VersionInfoVersion"] == "0.0.0.0"  # build_installer.py passes the real one


def test_inno_script_installs_per_user(setup: dict[str, str]) -> None:
    assert setup["PrivilegesRequired"] == "lowest"
    assert "PrivilegesRequiredOverridesAllowed" not in setup
    # {autopf} is {userpf}, %LOCALAPPDATA%\Programs, in a per-user install.
    assert re.fullmatch(r"\{(autopf|localappdata\}\\Programs)\}?\\Ally", setup["DefaultDirName"])
    assert setup["ArchitecturesInstallIn64BitMode"] == "x64compatible"


def test_inno_script_has_uninstaller_running_check_and_icons(
    inno: dict[str, list[str]], setup: dict[str, str]
) -> None:
    assert setup["UninstallDisplayIcon"] == r"{app}\ally-gui.exe"
    assert setup.get("AppMutex"), "no AppMutex: a running Ally would not be noticed"
    assert setup.get("Uninstallable", "yes") == "yes"
    icons = _entries(inno, "Icons")
    start_menu = [i for i in icons if i["Name"] == r"{autoprograms}\Ally"]
    assert start_menu
    assert start_menu[0]["Filename"] == r"{app}\ally-gui.exe"
    assert "Tasks" not in start_menu[0]
    desktop = [i for i in icons if i["Name"].startswith("{autodesktop}")]
    assert [d["Tasks"] for d in desktop] == ["desktopicon"]
    tasks = {t["Name"]: t for t in _entries(inno, "Tasks")}
    assert "unchecked" in tasks["desktopicon"]["Flags"].split()
    assert {r["Filename"] for r in _entries(inno, "Run")} == {r"{app}\ally-gui.exe"}
    assert [lang["MessagesFile"] for lang in _entries(inno, "Languages")] == [
        "compiler:Default.isl"
    ]


def test_inno_script_leaves_the_users_data_alone(inno: dict[str, list[str]]) -> None:
    for section in ("InstallDelete", "UninstallDelete"):
        for entry in _entries(inno, section):
            assert entry["Name"] == "{app}" or entry["Name"].startswith("{app}\\"), entry
    code = "\n".join(inno["Code"])
    assert "DelTree" not in code
    assert "DeleteFile" not in code
    # ... and says so, through a message defined in [CustomMessages].
    used = set(re.findall(r"CustomMessage\('(\w+)'\)", code))
    defined = {line.split("=", 1)[0].split(".", 1)[1] for line in inno["CustomMessages"]}
    assert used
    assert used <= defined
    assert "{userappdata}\\Ally" in code
    assert "kept" in "\n".join(inno["CustomMessages"])


def test_inno_code_is_balanced_and_uses_known_events(inno: dict[str, list[str]]) -> None:
    code = "\n".join(inno["Code"])
    # Strings and comments out, in one pass from the left (a comment may hold a quote).
    code = re.sub(r"'[^']*'|\{[^}]*\}|\(\*.*?\*\)|//[^\n]*", " ", code, flags=re.S)
    assert len(re.findall(r"\bbegin\b", code, re.I)) == len(re.findall(r"\bend\b", code, re.I))
    events = {"CurUninstallStepChanged", "CurStepChanged", "InitializeSetup", "InitializeUninstall"}
    procedures = re.findall(r"\b(?:procedure|function)\s+(\w+)", code)
    assert {p for p in procedures if p not in ("RemoveStartAtLogin",)} <= events


def test_inno_script_takes_only_files_that_exist_or_are_built(
    inno: dict[str, list[str]], setup: dict[str, str]
) -> None:
    _, defines = _inno()
    root = Path(setup["SourceDir"].replace("\\", "/")).resolve()
    assert root == REPO, defines["RepoRoot"]

    spec = SPEC.read_text(encoding="utf-8")
    (files,) = _entries(inno, "Files")
    assert files["Source"] == r"dist\ally\*"
    assert files["DestDir"] == "{app}"
    assert {"recursesubdirs", "createallsubdirs"} <= set(files["Flags"].split())
    # PyInstaller's COLLECT makes dist/ally/, with ally.exe and ally-gui.exe on Windows.
    assert re.search(r"COLLECT\((?:.|\n)*?name=\"ally\"", spec), "the spec's COLLECT is not 'ally'"
    for program in ("ally", "ally-gui"):
        assert f'_exe("{program}"' in spec, f"the spec makes no {program}.exe"

    assert setup["SetupIconFile"] == r"build\icons\ally.ico"
    if not ICONS.is_file():
        pytest.fail("packaging/icons.py is missing: it makes build/icons/ally.ico")
    assert "ally.ico" in ICONS.read_text(encoding="utf-8")


def test_build_installer_dry_run_names_the_version() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALLY_WINDOWS_")}
    shown = subprocess.run(
        [sys.executable, str(WINDOWS / "build_installer.py"), "--dry-run"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    command, output = shown.stdout.strip().splitlines()
    assert f"/DAppVersion={VERSION}" in command
    assert command.endswith("ally.iss")
    assert output == f"dist/ally-{VERSION}-windows-x64-setup.exe"


def test_build_installer_hides_the_signing_password() -> None:
    env = {
        **os.environ,
        "ALLY_WINDOWS_CERTIFICATE": "ally.pfx",
        "ALLY_WINDOWS_CERTIFICATE_PASSWORD": "s3cret$ word",
    }
    shown = subprocess.run(
        [sys.executable, str(WINDOWS / "build_installer.py"), "--dry-run"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    assert "s3cret" not in shown.stdout
    assert "/DSignTool=allysign" in shown.stdout
    assert "$f" in shown.stdout


@pytest.mark.parametrize(
    ("version", "numeric"),
    [("0.1.0", "0.1.0.0"), ("1.2", "1.2.0.0"), ("2.0.0rc1", "2.0.0.0"), ("1.2.3.4.5", "1.2.3.4")],
)
def test_windows_file_version_has_four_numbers(version: str, numeric: str) -> None:
    assert _load(WINDOWS / "build_installer.py", "_build").numeric_version(version) == numeric


# -- the macOS scripts ------------------------------------------------------------------------


@pytest.mark.parametrize("script", SHELL_SCRIPTS, ids=lambda p: p.name)
def test_shell_scripts_parse(script: Path) -> None:
    assert script.stat().st_mode & stat.S_IXUSR, f"{script.name} is not executable"
    subprocess.run(["bash", "-n", str(script)], check=True, timeout=30)


@pytest.mark.parametrize("script", SHELL_SCRIPTS, ids=lambda p: p.name)
def test_shell_scripts_pass_shellcheck(script: Path) -> None:
    checked = subprocess.run(
        [_shellcheck(), "--severity=style", str(script)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


STUBS = {
    # hdiutil: `create` lists what it would pack; `attach` lays out an image's contents.
    "hdiutil": r"""#!/usr/bin/env bash
echo "hdiutil $*" >> "$STUB_LOG"
case $1 in
create)
    while [ $# -gt 1 ]; do
        [ "$1" = -srcfolder ] && src=$2
        shift
    done
    { ls -A "$src"; readlink "$src/Applications"; } > "$STUB_LOG.packed"
    [ -x "$src/Ally.app/Contents/MacOS/Ally" ] && echo "program ok" >> "$STUB_LOG.packed"
    : > "$1" ;;
attach)
    while [ $# -gt 1 ]; do
        [ "$1" = -mountpoint ] && mountpoint=$2
        shift
    done
    cp -R "$STUB_APP" "$mountpoint/Ally.app"
    ln -s /Applications "$mountpoint/Applications" ;;
detach)
    rm -rf "${2:?}/Ally.app" "$2/Applications" ;;
esac
""",
    "ditto": '#!/usr/bin/env bash\ncp -R "$1" "$2"\n',
    "plutil": r"""#!/usr/bin/env bash
case $2 in
CFBundleShortVersionString) echo "$STUB_VERSION" ;;
CFBundleExecutable) echo Ally ;;
*) exit 1 ;;
esac
""",
}
FAKE_PROGRAM = r"""#!/usr/bin/env bash
echo "program $*" >> "$STUB_LOG"
case $1 in
--version) echo "Ally $STUB_VERSION" ;;
--self-test) exit "${STUB_SELF_TEST_EXIT:-0}" ;;
esac
"""


def _write_executable(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)


@pytest.fixture
def mac(tmp_path: Path) -> dict[str, str]:
    """Stand-ins for macOS's tools, and a fake Ally.app, in tmp_path."""
    for name, text in STUBS.items():
        _write_executable(tmp_path / "bin" / name, text)
    app = tmp_path / "Ally.app"
    _write_executable(app / "Contents" / "MacOS" / "Ally", FAKE_PROGRAM)
    (app / "Contents" / "Info.plist").write_text("<plist/>\n")
    return {
        **os.environ,
        "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "STUB_LOG": str(tmp_path / "log"),
        "STUB_APP": str(app),
        "STUB_VERSION": VERSION,
        "APP": str(app),
        "DIST": str(tmp_path / "dist"),
        "ARCH": "arm64",
        "PYTHON": sys.executable,
        "TMPDIR": str(tmp_path),
        "MACOS_SIGNING_IDENTITY": "",
    }


def _run(script: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(script), *args], capture_output=True, text=True, env=env, timeout=60
    )


@pytest.mark.parametrize(
    ("arch", "named"), [("arm64", "arm64"), ("aarch64", "arm64"), ("x86_64", "x86_64")]
)
def test_build_dmg_packs_the_app_and_an_applications_link(
    mac: dict[str, str], tmp_path: Path, arch: str, named: str
) -> None:
    made = _run(BUILD_DMG, {**mac, "ARCH": arch})
    assert made.returncode == 0, made.stderr
    dmg = tmp_path / "dist" / f"ally-{VERSION}-macos-{named}.dmg"
    assert made.stdout.strip().splitlines()[-1] == str(dmg)
    assert dmg.is_file()
    create = next(
        line for line in (tmp_path / "log").read_text().splitlines() if " create " in line
    )
    assert "-format UDZO" in create
    assert create.endswith(str(dmg))
    assert (tmp_path / "log.packed").read_text().split("\n") == [
        "Ally.app", "Applications", "/Applications", "program ok", "",
    ]  # fmt: skip
    assert not list(tmp_path.glob("ally-dmg.*")), "the staging folder was left behind"


def test_build_dmg_refuses_an_app_of_another_version(mac: dict[str, str], tmp_path: Path) -> None:
    made = _run(BUILD_DMG, {**mac, "STUB_VERSION": "9.9.9"})
    assert made.returncode != 0
    assert "says version 9.9.9" in made.stderr
    assert not (tmp_path / "log").exists()


def test_build_dmg_refuses_a_missing_app(mac: dict[str, str], tmp_path: Path) -> None:
    made = _run(BUILD_DMG, {**mac, "APP": str(tmp_path / "nowhere" / "Ally.app")})
    assert made.returncode != 0
    assert "build it first" in made.stderr


def test_check_dmg_runs_the_app_from_the_image(mac: dict[str, str], tmp_path: Path) -> None:
    checked = _run(CHECK_DMG, mac, f"dist/ally-{VERSION}-macos-arm64.dmg")
    assert checked.returncode == 0, checked.stderr
    log = (tmp_path / "log").read_text().splitlines()
    assert "program --version" in log
    assert "program --self-test" in log
    assert log[-1].startswith("hdiutil detach")


def test_check_dmg_fails_when_the_self_test_fails(mac: dict[str, str], tmp_path: Path) -> None:
    checked = _run(
        CHECK_DMG, {**mac, "STUB_SELF_TEST_EXIT": "3"}, f"ally-{VERSION}-macos-arm64.dmg"
    )
    assert checked.returncode == 3
    assert (tmp_path / "log").read_text().splitlines()[-1].startswith("hdiutil detach")


def test_check_dmg_fails_on_a_version_mismatch(mac: dict[str, str]) -> None:
    checked = _run(CHECK_DMG, {**mac, "STUB_VERSION": "9.9.9"}, f"ally-{VERSION}-macos-arm64.dmg")
    assert checked.returncode != 0
    assert "Ally.app says 9.9.9" in checked.stderr


# -- the README -------------------------------------------------------------------------------


def test_readme_names_the_artefacts_and_the_secrets() -> None:
    readme = README.read_text(encoding="utf-8")
    for name in (
        "ally-<version>-windows-x64-setup.exe",
        "ally-<version>-macos-<arch>.dmg",
        "ally.iss",
        "build_dmg.sh",
        "release.yml",
        "__version__",
    ):
        assert name in readme, name
    for secret in sorted(set(re.findall(r"secrets\.(\w+)", RELEASE.read_text(encoding="utf-8")))):
        assert secret in readme, f"packaging/README.md does not explain the secret {secret}"


def test_no_version_is_written_into_the_release_files() -> None:
    """The version lives in ally_desktop/__init__.py alone: every file here reads it."""
    for path in (ISS, BUILD_DMG, CHECK_DMG, RELEASE, WINDOWS / "build_installer.py"):
        text = path.read_text(encoding="utf-8")
        assert VERSION not in re.sub(r"(?m)^\s*[;#].*$", "", text), path.name
