#!/usr/bin/env bash
# Make dist/ally-<version>-macos-<arch>.dmg from dist/Ally.app (macOS only).
#
#   python packaging/icons.py                # build/icons/ally.icns
#   pyinstaller --noconfirm --distpath dist --workpath build/pyinstaller packaging/ally.spec
#   packaging/macos/build_dmg.sh             # prints the .dmg's path
#
# The disk image (compressed, UDZO) holds Ally.app and a symlink to /Applications, so a
# person opens it and drags Ally onto Applications. The version comes from
# ally_desktop/__init__.py (packaging/version.py); the architecture from `uname -m`
# (arm64 on Apple silicon, x86_64 on Intel).
#
# Optional signing and notarisation (packaging/README.md says how to get the credentials):
#   MACOS_SIGNING_IDENTITY  a "Developer ID Application: ..." identity in the keychain: signs
#                           Ally.app (hardened runtime, entitlements.plist) and the .dmg;
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD
#                           with the identity: notarise the .dmg with Apple, then staple
#                           the ticket to it.
# Without them the app is unsigned: it runs after right-click > Open (Gatekeeper asks once).
#
# Overrides for tests and odd set-ups: APP (default dist/Ally.app), DIST (where the .dmg goes,
# default dist), VERSION, ARCH, PYTHON.
set -euo pipefail
cd "$(dirname "$0")/../.."

die() {
    echo "build_dmg.sh: $*" >&2
    exit 1
}

app=${APP:-dist/Ally.app}
dist=${DIST:-dist}
python=${PYTHON:-python3}
version=${VERSION:-$("$python" packaging/version.py)}
arch=${ARCH:-$(uname -m)}
case $arch in
    arm64 | x86_64) ;;
    aarch64) arch=arm64 ;;
    *) die "unknown architecture '$arch'" ;;
esac
dmg="$dist/ally-${version}-macos-${arch}.dmg"
entitlements=packaging/macos/entitlements.plist

[ -d "$app/Contents/MacOS" ] || die "no $app: build it first with PyInstaller (packaging/ally.spec)"
command -v hdiutil >/dev/null || die "hdiutil not found: disk images are made on macOS"
if command -v plutil >/dev/null; then
    bundled=$(plutil -extract CFBundleShortVersionString raw -o - "$app/Contents/Info.plist")
    [ "$bundled" = "$version" ] || die "$app says version $bundled, ally_desktop says $version"
fi

identity=${MACOS_SIGNING_IDENTITY:-}
if [ -n "$identity" ]; then
    echo "signing $app as $identity"
    codesign --force --deep --options runtime --timestamp \
        --entitlements "$entitlements" --sign "$identity" "$app"
    codesign --verify --deep --strict --verbose=2 "$app"
fi

staging=$(mktemp -d "${TMPDIR:-/tmp}/ally-dmg.XXXXXX")
trap 'rm -rf "$staging"' EXIT
ditto "$app" "$staging/Ally.app"
ln -s /Applications "$staging/Applications"

mkdir -p "$dist"
rm -f "$dmg"
# hdiutil now and then fails with "Resource busy" on CI machines: try a few times.
for attempt in 1 2 3; do
    if hdiutil create -volname "Ally" -srcfolder "$staging" -fs HFS+ -format UDZO -ov "$dmg"; then
        break
    fi
    [ "$attempt" -lt 3 ] || die "hdiutil create failed $attempt times"
    sleep $((attempt * 5))
done

if [ -n "$identity" ]; then
    codesign --force --timestamp --sign "$identity" "$dmg"
    if [ -n "${APPLE_ID:-}" ] && [ -n "${APPLE_TEAM_ID:-}" ] && [ -n "${APPLE_APP_PASSWORD:-}" ]; then
        echo "notarising $dmg (this waits for Apple's answer)"
        xcrun notarytool submit "$dmg" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
            --password "$APPLE_APP_PASSWORD" --wait
        xcrun stapler staple "$dmg"
        xcrun stapler validate "$dmg"
    fi
fi

echo "$dmg"
