#!/usr/bin/env bash
# What the editor costs to draw, as a user without a GPU sees it: the standalone app
# (`--backend dummy`, test signal on, default 900 x 600 window) in each view layout and frame
# rate, on silence, frozen, and a bare nice-plug-egui window of the same size hosted the same way
# (plugin/examples/bare_window.rs), all under one Xvfb with Mesa's software rasteriser
# (llvmpipe). Prints a Markdown table: CPU of one core (the process's ticks from /proc/PID/stat
# over the measured window), frames drawn per second (counted by the app itself: it writes its
# frame count to $RINGSCOPE_FRAMES_FILE), CPU per frame, and its ratio to the bare window's at
# the same frame rate. The ratio is the figure that travels between machines.
#
#   scripts/gui-cost.sh [--before BINARY] [--seconds N] [--no-build] [--only PATTERN]
#
# --before BINARY  also measures an earlier build of the app (default layout, its own settings)
#                  for a "before" row. It must write the frame file: the README's "before" is
#                  commit 549e8f3 (main at b04175a plus only the frame counter and --set), built
#                  in a copy of that commit with `cargo build --release -p ringscope-plugin
#                  --features standalone --bin ringscope` and its binary copied aside
# --seconds N      length of each measured window (default 10; at least 10 for the README)
# --no-build       use the release binaries already in target/release
# --only PATTERN   measure only the rows whose label matches PATTERN (grep -E), and the bare
#                  window's rows: a quick check while working (e.g. --only 'split|vectorscope')
#
# Release build (built once here, then reused); takes ~3 minutes of measuring.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
APP=$TARGET/release/ringscope
BARE=$TARGET/release/examples/bare_window

BEFORE=""
SECONDS_MEASURED=10
BUILD=1
INNER=0
ONLY=""
while [ $# -gt 0 ]; do
    case "$1" in
        --before) BEFORE=$(realpath "$2"); shift 2 ;;
        --seconds) SECONDS_MEASURED=$2; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        --only) ONLY=$2; shift 2 ;;
        --inner) INNER=1; shift ;;
        *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
    esac
done

# Warm-up before each measured window: the window maps, the glyph atlas fills, caches settle.
WARMUP=4
# Silence: the default settle time is ~9.3 s (README); measure well after it.
SETTLE_WAIT=13

if [ "$INNER" = 0 ]; then
    if [ "$BUILD" = 1 ]; then
        cargo build --release -p ringscope-plugin --features standalone \
            --bin ringscope --example bare_window >&2
    fi
    for bin in "$APP" "$BARE" ${BEFORE:+"$BEFORE"}; do
        [ -x "$bin" ] || { echo "missing $bin" >&2; exit 1; }
    done
    args=(--inner --seconds "$SECONDS_MEASURED" ${BEFORE:+--before "$BEFORE"} ${ONLY:+--only "$ONLY"})
    exec xvfb-run -a -s "-screen 0 1280x1024x24 -noreset" "$0" "${args[@]}"
fi

# --- inside Xvfb from here on ---
export LIBGL_ALWAYS_SOFTWARE=1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
TICKS_PER_S=$(getconf CLK_TCK)

# utime + stime of process $1, in ticks (the fields after the parenthesised name).
ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
now() { date +%s.%N; }
# "<frames> <seconds>" from the app's frame file ("0 0" before its first write).
frames_at() { cat "$1" 2>/dev/null || echo "0 0"; }

stop() {
    local pid=$1
    kill -INT "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# measure LABEL FPS_KEY WAIT BINARY ARGS...: prints "LABEL|FPS_KEY|cpu%|fps|ms/frame".
measure() {
    local label=$1 key=$2 wait=$3
    shift 3
    if [ -n "$ONLY" ] && [[ $label != bare* ]] && ! grep -qE "$ONLY" <<<"$label"; then
        return 0
    fi
    local file=$WORK/frames.$RANDOM
    RINGSCOPE_FRAMES_FILE=$file "$@" --backend dummy >"$WORK/log" 2>&1 &
    local pid=$!
    sleep "$wait"
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "$label: the app exited early:" >&2
        cat "$WORK/log" >&2
        exit 1
    fi
    local t1 w1 f1 t2 w2 f2
    t1=$(ticks "$pid"); w1=$(now); f1=$(frames_at "$file")
    sleep "$SECONDS_MEASURED"
    t2=$(ticks "$pid"); w2=$(now); f2=$(frames_at "$file")
    stop "$pid"
    awk -v l="$label" -v k="$key" -v t1="$t1" -v t2="$t2" -v w1="$w1" -v w2="$w2" \
        -v f1="$f1" -v f2="$f2" -v hz="$TICKS_PER_S" 'BEGIN {
        split(f1, a, " "); split(f2, b, " ");
        cpu = (t2 - t1) / hz / (w2 - w1);
        fps = (b[2] > a[2]) ? (b[1] - a[1]) / (b[2] - a[2]) : 0;
        ms = (fps > 0.5) ? cpu / fps * 1000 : -1;
        printf "%s|%s|%.1f|%.1f|%.3f\n", l, k, cpu * 100, fps, ms;
    }'
}

RESULTS=$WORK/results
{
    for fps in 60 30 15; do
        RINGSCOPE_BARE_FPS=$fps measure "bare nice-plug-egui window, $fps fps" "$fps" "$WARMUP" "$BARE"
    done
    if [ -n "$BEFORE" ]; then
        measure "before: $(basename "$BEFORE"), default layout (Scope + spectrum)" 60 "$WARMUP" "$BEFORE"
    fi
    for view in split scope spectrum; do
        measure "layout $view, 60 fps" 60 "$WARMUP" "$APP" --set view=$view --set frame-rate=60
    done
    for layout in spectrogram vectorscope loudness spectrum-spectrogram scope-vectorscope \
        loudness-meters; do
        measure "layout $layout, 60 fps" 60 "$WARMUP" "$APP" --set layout=$layout \
            --set frame-rate=60
    done
    for fps in 30 15; do
        measure "layout split, $fps fps" "$fps" "$WARMUP" "$APP" --set frame-rate=$fps
    done
    measure "silent input, after the settle time (default settings)" - "$SETTLE_WAIT" "$APP" \
        --set test-signal=off
    measure "frozen (default settings)" - "$WARMUP" "$APP" --set freeze=On
} >"$RESULTS"

echo "| run | CPU (% of one core) | frames/s (counted) | CPU per frame (ms) | per frame vs bare window |"
echo "|---|---:|---:|---:|---:|"
awk -F'|' '
    NR == FNR { if ($1 ~ /^bare/) bare[$2] = $5; next }
    {
        ms = ($5 < 0) ? "—" : sprintf("%.2f", $5);
        # The bare window at the same frame rate; the "before" build drew at up to 60 fps.
        ratio = ($5 < 0 || !($2 in bare) || bare[$2] <= 0) ? "—" : sprintf("%.2f×", $5 / bare[$2]);
        printf "| %s | %s | %s | %s | %s |\n", $1, $3, $4, ms, ratio;
    }' "$RESULTS" "$RESULTS"
