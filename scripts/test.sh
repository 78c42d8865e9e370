#!/usr/bin/env bash
# Ringscope's test command: installs what is missing, builds, and runs every test.
# CI (.ci/run) runs exactly this on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "system packages"
scripts/install-deps.sh --gui

step "format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings

step "unit, property, integration and doc tests (debug)"
cargo test --workspace

step "ring buffer: two-thread stress test, 10^8 elements (release)"
cargo test --release -p ringscope --test stress

step "ring buffer: loom models of every concurrent operation pair"
RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test --release -p ringscope --test loom
