#!/usr/bin/env bash
# The Python package's checks, as scripts/test.sh runs them: a venv under target/, the
# extension built once (debug profile, into the workspace's target dir) and installed with
# `pip install ./python`, then pytest, ruff, mypy --strict and stubtest.
#
# Debug, because nothing here measures speed and the tests then run with Rust's overflow
# checks and the ring's debug assertions on (a panic surfaces as PanicException in a test);
# python/bench.py builds its own release copy. Set RINGSCOPE_PYTHON to choose the interpreter
# (CPython >= 3.11; default python3).
set -euo pipefail
cd "$(dirname "$0")"

venv=../target/python-venv
if [[ ! -x $venv/bin/python ]]; then
    "${RINGSCOPE_PYTHON:-python3}" -m venv "$venv"
fi
export PATH="$PWD/$venv/bin:$PATH"  # maturin's build backend calls `maturin` from PATH
python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
MATURIN_PEP517_ARGS="--profile dev" python -m pip install -q --disable-pip-version-check \
    --no-build-isolation --no-deps --force-reinstall .

# Strict: a missing tool (ringbuf, pa_ringbuffer, PortAudio, jackd, cc) fails instead of
# skipping. The tests import the installed package (pytest's importlib mode).
RINGSCOPE_TESTS_STRICT=1 python -P -m pytest -q  # -P: not the source folder on sys.path
ruff check .
mypy --strict ringscope tests bench.py
# The stubs match the compiled module (run outside this folder, so the installed package is
# the one inspected).
(cd / && python -m mypy.stubtest ringscope --allowlist "$OLDPWD/stubtest-allowlist.txt")
