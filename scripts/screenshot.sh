#!/usr/bin/env bash
# Refreshes docs/screenshot.png, the README's picture: builds the standalone app and runs the
# standalone host test under a virtual X server (Xvfb, Mesa). The test starts
# `ringscope --backend dummy` (test signal on), captures its window, and writes the capture to
# docs/screenshot.png only if it shows a drawn trace and spectrum; a failed check leaves the
# capture in target/host-tests/standalone.png instead. scripts/test.sh runs the same test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --gui
cargo build -p ringscope-plugin --features standalone --bin ringscope
xvfb-run -a -s "-screen 0 1280x1024x24 -noreset" cargo test -p ringscope-host-tests --test standalone
echo "docs/screenshot.png updated"
