#!/usr/bin/env bash
# Fails unless the built plugin bundles link nothing but the C runtime: the audio backends
# (cpal, JACK, ALSA) belong to the standalone app only, and a plugin must load in any host.
#   scripts/check-bundle-libs.sh [bundle dir]    (default: $CARGO_TARGET_DIR/bundled or target/bundled)
set -euo pipefail
cd "$(dirname "$0")/.."

dir="${1:-${CARGO_TARGET_DIR:-target}/bundled}"
libs=("$dir/Ringscope.clap" "$dir/Ringscope.vst3/Contents/x86_64-linux/Ringscope.so")
allowed='^(libc|libm|libgcc_s|libpthread|libdl|librt|ld-linux-x86-64)\.so'

status=0
for lib in "${libs[@]}"; do
    if [[ ! -f "$lib" ]]; then
        echo "check-bundle-libs: missing $lib (run: cargo xtask bundle ringscope-plugin)" >&2
        status=1
        continue
    fi
    needed=$(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
    extra=$(grep -Ev "$allowed" <<<"$needed" || true)
    if [[ -n "$extra" ]]; then
        echo "check-bundle-libs: $lib links more than the C runtime:" $extra >&2
        status=1
    else
        echo "check-bundle-libs: $lib links only:" $needed
    fi
done
exit $status
