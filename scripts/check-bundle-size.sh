#!/usr/bin/env bash
# Fails unless the release bundles' binaries are what users should download: no debug info and at
# most 20 MiB each (issue 12: with line tables they were 71 MB). Run after
# `cargo xtask bundle ringscope-plugin --release`.
#   scripts/check-bundle-size.sh [bundle dir]    (default: $CARGO_TARGET_DIR/bundled or target/bundled)
set -euo pipefail
cd "$(dirname "$0")/.."

dir="${1:-${CARGO_TARGET_DIR:-target}/bundled}"
libs=("$dir/Ringscope.clap" "$dir/Ringscope.vst3/Contents/x86_64-linux/Ringscope.so")
limit=$((20 * 1024 * 1024))

status=0
for lib in "${libs[@]}"; do
    if [[ ! -f "$lib" ]]; then
        echo "check-bundle-size: missing $lib (run: cargo xtask bundle ringscope-plugin --release)" >&2
        status=1
        continue
    fi
    size=$(stat -c %s "$lib")
    debug=$(readelf -S --wide "$lib" | grep -c '\.debug_' || true)
    printf 'check-bundle-size: %s: %d bytes (%.1f MiB), %d debug sections\n' \
        "$lib" "$size" "$(awk "BEGIN { print $size / 1048576 }")" "$debug"
    if ((size > limit)); then
        echo "check-bundle-size: $lib is larger than 20 MiB" >&2
        status=1
    fi
    if ((debug > 0)); then
        echo "check-bundle-size: $lib carries debug info (a debug build, or the release profile lost strip)" >&2
        status=1
    fi
done
exit $status
