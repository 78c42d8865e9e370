#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Ringscope needs that are missing, and nothing else.
#   build:     pkg-config, ALSA and JACK headers (the standalone app's audio backends)
#   --app:     build + what the editor window loads at run time (X11, OpenGL via Mesa through
#              EGL or GLX, libxkbcommon for baseview's keyboard handling)
#   --gui:     --app + GUI tests: Xvfb, xauth, ImageMagick (window capture)
#   --hosts:   --gui + the host tests' real hosts (issue 12): JACK's server and tools (jackd2:
#              `jackd -d dummy`, `jack_lsp`) and Ardour 7 (ardour: `ardour7-lua`,
#              `ardour-vst3-scanner`; ~53 MB, about a minute to install)
set -euo pipefail

packages=(pkg-config libasound2-dev libjack-jackd2-dev)
# baseview (the editor's windowing) tries EGL before GLX: with EGL installed every machine takes
# the same path (the one the host tests run on).
app_runtime=(libgl1-mesa-dri libglx-mesa0 libgl1 libx11-xcb1 libxcursor1 libxrandr2
    libegl1 libegl-mesa0 libxkbcommon-x11-0)
case "${1:-}" in
    --app) packages+=("${app_runtime[@]}") ;;
    --gui) packages+=("${app_runtime[@]}" xvfb xauth imagemagick) ;;
    --hosts) packages+=("${app_runtime[@]}" xvfb xauth imagemagick jackd2 ardour) ;;
esac

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo=()
[[ $(id -u) -ne 0 ]] && sudo=(sudo)
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
