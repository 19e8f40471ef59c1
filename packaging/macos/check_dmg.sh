#!/usr/bin/env bash
# Smoke-test a disk image made by build_dmg.sh (macOS only): the release workflow runs it.
#
#   QT_QPA_PLATFORM=offscreen packaging/macos/check_dmg.sh dist/ally-<version>-macos-<arch>.dmg
#
# Mounts the image read-only, checks it holds Ally.app and the /Applications symlink, that
# the app's Info.plist has the version in the image's name, then runs the app's program
# from the image: `--version` and `--self-test`. Detaches the image whatever happens.
set -euo pipefail

die() {
    echo "check_dmg.sh: $*" >&2
    exit 1
}

[ $# -eq 1 ] || die "usage: check_dmg.sh ally-<version>-macos-<arch>.dmg"
dmg=$1
name=$(basename "$dmg")
version=${name#ally-}
version=${version%-macos-*.dmg}
[ "$version" != "$name" ] || die "$name is not named ally-<version>-macos-<arch>.dmg"

mountpoint=$(mktemp -d "${TMPDIR:-/tmp}/ally-dmg-mount.XXXXXX")
hdiutil attach -nobrowse -readonly -noautoopen -mountpoint "$mountpoint" "$dmg" >/dev/null
trap 'hdiutil detach "$mountpoint" -force >/dev/null || true; rmdir "$mountpoint" || true' EXIT

app="$mountpoint/Ally.app"
[ -d "$app" ] || die "no Ally.app in $name"
[ "$(readlink "$mountpoint/Applications")" = /Applications ] ||
    die "no /Applications symlink in $name"
bundled=$(plutil -extract CFBundleShortVersionString raw -o - "$app/Contents/Info.plist")
[ "$bundled" = "$version" ] || die "Ally.app says $bundled, the image's name $version"
program="$app/Contents/MacOS/$(plutil -extract CFBundleExecutable raw -o - "$app/Contents/Info.plist")"
[ -x "$program" ] || die "no program $program"

shown=$("$program" --version)
[ "$shown" = "Ally $version" ] || die "--version says '$shown', expected 'Ally $version'"
"$program" --self-test
if [ -n "${MACOS_SIGNING_IDENTITY:-}" ]; then
    codesign --verify --deep --strict --verbose=2 "$app"
fi
echo "$name: Ally.app $version runs from the image"
