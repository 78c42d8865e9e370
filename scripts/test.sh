#!/usr/bin/env bash
# Ringscope's test command: installs what is missing, builds, and runs every test.
# CI (.ci/run) runs exactly this on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "system packages"
scripts/install-deps.sh --gui
# The host tests' real hosts (issue 12): JACK for the standalone's Ctrl-C test, Ardour 7.
scripts/install-deps.sh --hosts

step "format and lints"
cargo fmt --all -- --check
# The standalone feature is on here so that main.rs is linted too; the bundle step below
# builds without it.
cargo clippy --workspace --all-targets --features ringscope-plugin/standalone -- -D warnings

step "unit, property, integration and doc tests (debug)"
# ringscope-host-tests needs the bundles and an X server: it runs in its own step below.
cargo test --workspace --exclude ringscope-host-tests

# --- plugin (issue 4) ---------------------------------------------------------------------
step "plugin: debug bundles (assert_process_allocs active) link only the C runtime"
cargo xtask bundle ringscope-plugin
scripts/check-bundle-libs.sh
step "plugin: standalone app builds (feature 'standalone': JACK/ALSA stay out of the bundles)"
cargo build --package ringscope-plugin --features standalone --bin ringscope
# -------------------------------------------------------------------------------------------

# Host-level tests (plugin/host-tests, issue 5): load the debug Ringscope.clap / Ringscope.vst3
# built above the way a DAW does (clack-host, VST3 COM), open the editor 100+ times while audio
# runs, and run the standalone app built above with `--backend dummy` and capture its window
# (docs/screenshot.png). The debug build matters: nice-plug's assert_process_allocs aborts on any
# allocation in process(), and the tests report which call allocated. Xvfb provides the display,
# Mesa the OpenGL.
step "host-level tests: the bundles and the standalone app, loaded as a DAW and a user would"
# One test at a time: every editor test runs Mesa's software renderer in its own process, and
# three of them at once on 2 cores starve baseview's window threads (seen: a window that never
# drew, a window thread gone before its close). Serially the editor tests take ~55 s.
# RINGSCOPE_REQUIRE_JACK: the JACK test fails instead of skipping where `jackd -d dummy` cannot
# start (install-deps --hosts installed it). The Ardour test (Debian's ardour, headless) skips
# only where Ardour is missing.
RINGSCOPE_REQUIRE_JACK=1 xvfb-run -a -s "-screen 0 1280x1024x24 -noreset" cargo test -p ringscope-host-tests --no-fail-fast -- --test-threads=1

step "ring buffer: two-thread stress test, 10^8 elements (release)"
cargo test --release -p ringscope --test stress

# --- release bundles (issue 12) --------------------------------------------------------------
# The one release build of the plugin in this script, after the host tests (it replaces the
# debug bundles in target/bundled) and after the stress test (same release profile: the root
# crate and its dependencies are built once). The profile strips debug info.
step "release bundles: stripped, each binary at most 20 MiB"
cargo xtask bundle ringscope-plugin --release
scripts/check-bundle-size.sh
# -------------------------------------------------------------------------------------------

step "ring buffer: loom models of every concurrent operation pair"
RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test --release -p ringscope --test loom

# --- python (issue 10) --------------------------------------------------------------------
# The Python package (python/): built once in debug into this workspace's target dir and
# installed into target/python-venv with `pip install ./python`; pytest (ringbuf's examples,
# both seed APIs, differential runs against ringbuf 2.6 and PortAudio's own ring, a PortAudio
# callback on a JACK dummy server, C threads under seccomp, bad input), ruff, mypy --strict,
# stubtest. The header's drift check and the C API's allocation test are ringscope-capi's
# Rust tests (cargo test above).
step "python: the ringscope package (venv, pip install ./python, pytest, ruff, mypy --strict)"
scripts/install-deps.sh --python
python/test.sh
# -------------------------------------------------------------------------------------------
