#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Ringscope needs that are missing, and nothing else.
#   build:     pkg-config, ALSA and JACK headers (the standalone app's audio backends)
#   --app:     build + what the editor window loads at run time (X11, OpenGL via Mesa through
#              EGL or GLX, libxkbcommon for baseview's keyboard handling)
#   --gui:     --app + GUI tests: Xvfb, xauth, ImageMagick (window capture)
#   --hosts:   --gui + the host tests' real hosts (issue 12): JACK's server and tools (jackd2:
#              `jackd -d dummy`, `jack_lsp`) and Ardour 7 (ardour: `ardour7-lua`,
#              `ardour-vst3-scanner`; ~53 MB, about a minute to install)
#   --python:  the Python package's tests and bench (python/): PortAudio (its JACK host API for
#              the callback test, and libportaudio.a, whose pa_ringbuffer.o is the reference of
#              ringscope.pa), a JACK server (jackd -d dummy), Boost (to build ringbuf 2.6 from
#              PyPI), Python's venv and headers (for the C extension built at test time)
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
# --python (issue 10), accepted anywhere among the arguments.
python_packages=(libportaudio2 portaudio19-dev jackd2 libboost-dev libboost-system-dev
    python3-venv python3-dev)
for arg in "$@"; do
    if [[ $arg == --python ]]; then packages+=("${python_packages[@]}"); fi
done

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
