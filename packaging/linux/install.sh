#!/bin/sh
# Install Ally for the current user; run by ally-<version>-linux-x86_64.run (makeself)
# from the folder it extracted. Needs no root and no Python.
#
#   ~/.local/opt/ally/                       the program (and uninstall.sh)
#   ~/.local/bin/ally                        a link to it (on the PATH of most shells)
#   ~/.local/share/applications/ally.desktop the menu entry
#   ~/.local/share/icons/hicolor/*/apps/     the icons
#
# It honours $HOME, and $XDG_DATA_HOME for the menu entry and the icons. Installing again
# (a newer version) replaces the program whole. ~/.local/opt/ally/uninstall.sh takes
# everything back out, from a list written here; Ally's data (~/.local/share/Ally) is
# never touched by either.
set -eu

die() {
    echo "ally install: $*" >&2
    exit 1
}

[ -n "${HOME:-}" ] || die "HOME is not set"
here=$(cd "$(dirname "$0")" && pwd)
version=$(cat "$here/VERSION")
prefix="$HOME/.local"
dest="$prefix/opt/ally"
bin="$prefix/bin"
share="${XDG_DATA_HOME:-$HOME/.local/share}"
manifest="$dest/installed-files"

[ -x "$here/ally/ally" ] || die "the archive is incomplete: no ally/ally"

# Directories this installation creates, recorded (deepest last) so that the uninstaller
# removes them again when they are left empty, and only those.
created=""
make_dir() {
    missing=""
    dir=$1
    while [ ! -d "$dir" ]; do
        missing="$dir
$missing"
        dir=$(dirname "$dir")
    done
    mkdir -p "$1"
    created="$created$missing"
}

# An older installation first: its uninstaller knows what it put where. The folders it
# had created stay (--keep-dirs) and are still this installation's to remove.
if [ -x "$dest/uninstall.sh" ] && [ -f "$manifest" ]; then
    echo "Replacing the Ally installed in $dest"
    created=$(sed -n 's/^dir //p' "$manifest")
    [ -z "$created" ] || created="$created
"
    "$dest/uninstall.sh" --quiet --keep-dirs
fi

make_dir "$prefix/opt"
rm -rf "$dest.new"
cp -RP "$here/ally" "$dest.new"
rm -rf "$dest"
mv "$dest.new" "$dest"

files=""
install_file() { # source target mode
    make_dir "$(dirname "$2")"
    cp "$1" "$2"
    chmod "$3" "$2"
    files="$files$2
"
}

make_dir "$bin"
ln -sfn "$dest/ally" "$bin/ally"
files="$files$bin/ally
"

# The menu entry runs the program by its full path: ~/.local/bin is not on the PATH of
# every desktop session.
sed -e "s|^Exec=ally\$|Exec=\"$dest/ally\"|" -e "s|^TryExec=ally\$|TryExec=$dest/ally|" \
    "$here/share/applications/ally.desktop" >"$here/ally.desktop"
install_file "$here/ally.desktop" "$share/applications/ally.desktop" 644

for icon in "$here"/share/icons/hicolor/*/apps/*; do
    relative=${icon#"$here/share/icons/"}
    install_file "$icon" "$share/icons/$relative" 644
done
# Icon caches look at the theme folder's time stamp.
touch "$share/icons/hicolor" 2>/dev/null || true

{
    echo "# Ally $version, installed for $(id -un) on $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    printf '%s' "$files" | sed 's/^/file /'
    # Deepest first, so that a parent is tried after its children.
    printf '%s' "$created" | grep -v '^$' | sort -ru | sed 's/^/dir /'
} >"$manifest"

echo "Ally $version is installed in $dest"
echo "  start it from the menu, or run: $bin/ally"
echo "  uninstall: $dest/uninstall.sh (your data in ${XDG_DATA_HOME:-$HOME/.local/share}/Ally stays)"
case ":${PATH:-}:" in
    *":$bin:"*) ;;
    *) echo "  note: $bin is not on your PATH" ;;
esac

# The system libraries Qt needs to show a window (the same as for any Qt 6 program).
missing=$(LD_LIBRARY_PATH="$dest/_internal" ldd "$dest/_internal/PySide6/Qt/plugins/platforms/libqxcb.so" \
    2>/dev/null | awk '/not found/ {print $1}' | sort -u | tr '\n' ' ')
if [ -n "$missing" ]; then
    echo "  warning: these system libraries are missing, install them to open the window:"
    echo "    $missing"
    echo "    (Debian, Ubuntu: libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0 ...;"
    echo "     Fedora: xcb-util-cursor xcb-util-wm xcb-util-keysyms libxkbcommon-x11 ...)"
fi
