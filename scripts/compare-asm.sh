#!/usr/bin/env bash
# Shows that the typed ring's hot paths compile to the same machine code as at an earlier
# commit (the byte ring shares their code, so the typed ring must not pay for it).
#
#   scripts/compare-asm.sh <commit>
#
# Lays out <commit>'s root crate as `ringscope_prev` (scripts/bench-against.sh --prepare), builds
# a cdylib (target/compare-asm) exporting the same small functions over both crates — push, pop,
# push_slice, pop_slice, write_chunk_uninit + commit, read_chunk + commit, the two *_available —
# then disassembles each pair and prints a Markdown table: instructions in each, and how many
# lines differ once addresses are masked. "same function" means LLVM merged the two into one
# symbol (identical machine code, byte for byte).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
commit=${1:?usage: scripts/compare-asm.sh <commit>}
"$ROOT/scripts/bench-against.sh" "$commit" --prepare
OUT=$ROOT/target/compare-asm
mkdir -p "$OUT/src"
cat >"$OUT/Cargo.toml" <<'TOML'
[package]
name = "compare_asm"
version = "0.0.0"
edition = "2024"
publish = false

[lib]
crate-type = ["cdylib"]

[dependencies]
ringscope = { path = "../.." }
ringscope_prev = { path = "../bench-against/prev" }

[profile.release]
debug = 0

[workspace]
TOML
cat >"$OUT/src/lib.rs" <<'RUST'
//! The typed ring's hot paths over this tree's crate (`ours_*`) and the earlier one (`prev_*`).
#![allow(clippy::missing_safety_doc)]
macro_rules! hot_paths {
    ($krate:ident, $push:ident, $pop:ident, $push_slice:ident, $pop_slice:ident,
     $uninit:ident, $read:ident, $available:ident) => {
        #[unsafe(no_mangle)]
        pub extern "C" fn $push(p: &mut $krate::Producer<f32>, v: f32) -> bool {
            p.push(v).is_ok()
        }
        #[unsafe(no_mangle)]
        pub extern "C" fn $pop(c: &mut $krate::Consumer<f32>) -> f32 {
            c.pop().unwrap_or(-1.0)
        }
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $push_slice(
            p: &mut $krate::Producer<[f32; 2]>, s: *const [f32; 2], n: usize,
        ) -> usize {
            // SAFETY: the caller passes `n` valid frames.
            p.push_slice(unsafe { std::slice::from_raw_parts(s, n) })
        }
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $pop_slice(
            c: &mut $krate::Consumer<[f32; 2]>, d: *mut [f32; 2], n: usize,
        ) -> usize {
            // SAFETY: the caller passes room for `n` frames.
            c.pop_slice(unsafe { std::slice::from_raw_parts_mut(d, n) })
        }
        #[unsafe(no_mangle)]
        pub extern "C" fn $uninit(p: &mut $krate::Producer<f32>, n: usize) -> usize {
            let mut chunk = p.write_chunk_uninit(n);
            let (a, b) = chunk.as_mut_slices();
            for slot in a.iter_mut().chain(b) {
                slot.write(0.5);
            }
            let len = chunk.len();
            // SAFETY: every slot was written just above.
            unsafe { chunk.commit_all() };
            len
        }
        #[unsafe(no_mangle)]
        pub extern "C" fn $read(c: &mut $krate::Consumer<f32>, n: usize) -> f32 {
            let chunk = c.read_chunk(n);
            let (a, b) = chunk.as_slices();
            let sum = a.iter().chain(b).sum();
            chunk.commit_all();
            sum
        }
        #[unsafe(no_mangle)]
        pub extern "C" fn $available(p: &$krate::Producer<f32>, c: &$krate::Consumer<f32>) -> usize {
            p.write_available() + c.read_available()
        }
    };
}
hot_paths!(ringscope, ours_push, ours_pop, ours_push_slice, ours_pop_slice,
    ours_write_chunk_uninit, ours_read_chunk, ours_available);
hot_paths!(ringscope_prev, prev_push, prev_pop, prev_push_slice, prev_pop_slice,
    prev_write_chunk_uninit, prev_read_chunk, prev_available);
RUST
export CARGO_TARGET_DIR=$OUT/target
(cd "$OUT" && cargo build --release --quiet)
lib=$OUT/target/release/libcompare_asm.so
short=$(git -C "$ROOT" rev-parse --short "$commit^{commit}")
# One function's instructions, addresses and comments masked.
body() {
    objdump -d --no-show-raw-insn --disassemble="$1" "$lib" | sed -n '/>:$/,/^$/p' | tail -n +2 |
        sed -E 's/^ *[0-9a-f]+:\s*//; s/[0-9a-f]{4,}( <[^>]*>)?/ADDR/g; s/#.*//' | grep -v '^\s*$' || true
}
address() { objdump -t "$lib" | awk -v f="$1" '$NF == f {print $1}'; }
echo "| function | this tree | $short | differing lines (addresses masked) |"
echo "|---|---|---|---|"
for f in push pop push_slice pop_slice write_chunk_uninit read_chunk available; do
    if [[ $(address "ours_$f") == $(address "prev_$f") ]]; then
        n=$(body "ours_$f" | wc -l)
        echo "| $f | $n | $n | 0 (same function: LLVM merged the two) |"
        continue
    fi
    diff_lines=$(diff <(body "ours_$f") <(body "prev_$f") | grep -c '^[<>]' || true)
    echo "| $f | $(body "ours_$f" | wc -l) | $(body "prev_$f" | wc -l) | $diff_lines |"
done
