; Ally: the per-user Windows installer (Inno Setup 6).
;
; Build it with `python packaging\windows\build_installer.py`, which reads the version from
; ally_desktop\__init__.py and runs, from any folder:
;
;   ISCC.exe /Qp /DAppVersion=X.Y.Z /DAppNumericVersion=X.Y.Z.0 packaging\windows\ally.iss
;
; Inputs (paths relative to the repository root, see SourceDir below):
;   dist\ally\          the PyInstaller one-folder program (packaging\ally.spec): ally.exe for
;                       a terminal, ally-gui.exe (no console window) for the Start menu;
;   build\icons\ally.ico  the icon (packaging\icons.py).
; Output: dist\ally-<version>-windows-x64-setup.exe.
;
; What it does:
; - installs for the current user only, without administrator rights, into
;   %LOCALAPPDATA%\Programs\Ally ({autopf} is {userpf} in a per-user install);
; - adds a Start-menu entry, optionally a desktop icon, and an uninstaller listed in
;   Settings > Apps;
; - refuses to install over, or to uninstall, a running Ally (AppMutex; see the note there);
; - the uninstaller removes the program and Ally's start-at-login entry, and leaves the
;   user's data in %APPDATA%\Ally alone, saying where it is.
;
; tests/packaging/test_release_files.py checks this file's structure offline; the
; release workflow compiles it, installs it, runs the installed program and uninstalls it.

#ifndef AppVersion
  #error Pass the version: ISCC /DAppVersion=X.Y.Z (packaging\windows\build_installer.py does)
#endif
#ifndef AppNumericVersion
  ; Windows' file version has four numbers; build_installer.py derives them from AppVersion.
  #define AppNumericVersion "0.0.0.0"
#endif

#define AppName "Ally"
; The Start menu opens the windowed program; ally.exe is the same program with a console.
#define AppExeName "ally-gui.exe"
#define AppConsoleExeName "ally.exe"
; The repository root: Source, OutputDir and SetupIconFile paths are relative to it.
#define RepoRoot AddBackslash(SourcePath) + "..\.."
; Ally creates this named mutex on Windows while it runs (see packaging\README.md).
#define AppMutexName "AllyDesktopRunning"

[Setup]
; The AppId identifies Ally to every future installer and uninstaller: never change it.
AppId={{B1FD55B6-6201-409B-AC03-211D779A5862}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=The Ally developers
AppCopyright=Copyright (C) The Ally developers, GPL-3.0-or-later
VersionInfoVersion={#AppNumericVersion}
VersionInfoProductName={#AppName}
VersionInfoProductTextVersion={#AppVersion}
VersionInfoDescription={#AppName} setup
SourceDir={#RepoRoot}
OutputDir=dist
OutputBaseFilename=ally-{#AppVersion}-windows-x64-setup
SetupIconFile=build\icons\ally.ico
; Per user, no elevation, no choice of "all users": Ally's data is per user anyway.
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
; PySide6 6.8 and later need 64-bit Windows 10 or later.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
; A running Ally: the mutex (install and uninstall), and Windows' Restart Manager (install).
AppMutex={#AppMutexName}
SetupMutex={#AppMutexName}Setup
CloseApplications=yes
RestartApplications=no
UninstallDisplayName={#AppName}
UninstallDisplayIcon={app}\{#AppExeName}
#ifdef SignTool
; Defined by build_installer.py when a code-signing certificate is given: signs the
; setup program and the uninstaller it writes.
SignTool={#SignTool}
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
english.UserDataKept=Your Ally data was kept:%n%n%1%n%nIt holds your contacts, their history, your reminders and your backups. Installing Ally again finds it as it was. To remove it too, delete that folder.

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; PyInstaller keeps the runtime in _internal\: an upgrade replaces it whole, so that no
; module of the previous version lingers beside the new ones. (Program files only: the
; user's data is never in {app}.)
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "dist\ally\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExeName}"; WorkingDir: "{app}"; Comment: "Build and keep work allies"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExeName}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExeName}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only the program's folder, if something was left in it. %APPDATA%\Ally (the database,
; backups, settings and logs) is the user's and stays.
Type: dirifempty; Name: "{app}"

[Code]
const
  RunKey = 'Software\Microsoft\Windows\CurrentVersion\Run';

{ Ally's "Start at login" preference writes the value "Ally" under the Run key. Remove
  it with the program, but only when it points into this installation: an Ally run from
  Python or installed elsewhere keeps its own. }
procedure RemoveStartAtLogin;
var
  Command: String;
begin
  if RegQueryStringValue(HKEY_CURRENT_USER, RunKey, '{#AppName}', Command) and
     (Pos(Lowercase(ExpandConstant('{app}\')), Lowercase(Command)) > 0) then
    RegDeleteValue(HKEY_CURRENT_USER, RunKey, '{#AppName}');
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  if CurUninstallStep = usUninstall then
    RemoveStartAtLogin;
  if CurUninstallStep = usPostUninstall then
  begin
    DataDir := ExpandConstant('{userappdata}\{#AppName}');
    if DirExists(DataDir) and not UninstallSilent then
      MsgBox(FmtMessage(CustomMessage('UserDataKept'), [DataDir]), mbInformation, MB_OK);
  end;
end;
