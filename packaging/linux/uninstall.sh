#!/bin/sh
# Uninstall Ally installed for this user by ally-<version>-linux-x86_64.run.
#
#   ~/.local/opt/ally/uninstall.sh [--quiet]
#
# Removes the files listed in installed-files (written by the installer: the link in
# ~/.local/bin, the menu entry, the icons), the folders the installer created if they
# are empty, and this folder. Ally's data (~/.local/share/Ally: the database, backups,
# settings) is kept: delete it by hand if you want it gone.
# (--keep-dirs, for the installer replacing an older version, keeps the folders.)
set -eu

quiet=false
keep_dirs=false
for arg in "$@"; do
    case $arg in
        --quiet) quiet=true ;;
        --keep-dirs) keep_dirs=true ;;
        *)
            echo "usage: $0 [--quiet]" >&2
            exit 2
            ;;
    esac
done

dest=$(cd "$(dirname "$0")" && pwd)
manifest="$dest/installed-files"
[ -f "$manifest" ] || {
    echo "ally uninstall: no $manifest: this is not an installed Ally" >&2
    exit 1
}
[ -x "$dest/ally" ] || {
    echo "ally uninstall: $dest does not hold Ally: nothing removed" >&2
    exit 1
}

while IFS= read -r line; do
    case $line in
        "file "*)
            path=${line#file }
            # Only a file or link this installer wrote: a link must still point here.
            if [ -L "$path" ]; then
                case $(readlink "$path") in
                    "$dest"/*) rm -f "$path" ;;
                esac
            elif [ -f "$path" ]; then
                rm -f "$path"
            fi
            ;;
    esac
done <"$manifest"

dirs=$(sed -n 's/^dir //p' "$manifest")
cd /
rm -rf "$dest"
if [ "$keep_dirs" = false ]; then
    # Deepest first (as listed); a folder the user has put something in stays.
    printf '%s\n' "$dirs" | while IFS= read -r dir; do
        if [ -n "$dir" ] && [ "$dir" != "$dest" ]; then
            rmdir "$dir" 2>/dev/null || true
        fi
    done
fi

if [ "$quiet" = false ]; then
    data="${XDG_DATA_HOME:-$HOME/.local/share}/Ally"
    echo "Ally is uninstalled."
    [ -d "$data" ] && echo "Your data is still in $data (delete it by hand if you want it gone)."
fi
exit 0
