#!/usr/bin/env bash
# Builds (release) and runs Ringscope's standalone app. Arguments go to the app:
#   scripts/run.sh                       JACK if it runs, else ALSA, else no audio device
#   scripts/run.sh --backend dummy       no audio device at all (test signal on)
#   scripts/run.sh --backend jack --connect-jack-inputs system:capture_1,system:capture_2
#   scripts/run.sh --backend alsa --input-device hw:0    (list devices: --input-device '')
#   scripts/run.sh --help                every option
# With no input connected the app starts with its test signal switched on.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --app

if [[ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
    echo "run.sh: no display (DISPLAY is not set). On a headless machine, run it under a" >&2
    echo "        virtual X server:  xvfb-run -a scripts/run.sh --backend dummy" >&2
    exit 1
fi

exec cargo run --release --package ringscope-plugin --features standalone --bin ringscope -- "$@"
