"""ringscope against ringbuf 2.6 from Python: one Markdown table from one interleaved run.

Rows: push+pop of 512-frame float32 NumPy blocks, single-element push/pop calls, and a C
thread pushing while Python pops (ringscope through its producer handle and the capsule's
function table, ringbuf through ``queue_void_ptr()`` from Cython, as its docs show).

How the comparison is kept honest on a shared VM (as the Rust ring bench, benches/ring.rs):

- **Interleaving:** every repetition runs every case for every contender once, in an order
  that rotates from one repetition to the next.
- **An A/A control:** ringbuf runs twice per repetition. The code is identical, so the gap
  between its two columns is the harness's own error.
- **The verdict:** ``ours/ringbuf`` is the median over repetitions of the paired ratio, with a
  distribution-free 95 % confidence interval (order statistics at n/2 ∓ 0.98·√n). It says
  ``faster`` or ``slower`` only when that interval clears 1 by more than the A/A control's
  error; otherwise ``tie``.

Run it in a venv holding a *release* build (``pip install ./python``, no debug profile), with
``python/requirements-dev.txt`` and Cython installed::

    python3 -m venv target/bench-venv
    target/bench-venv/bin/pip install -r python/requirements-dev.txt cython
    target/bench-venv/bin/pip install ./python
    target/bench-venv/bin/python python/bench.py

``RINGSCOPE_BENCH_REPS`` sets the repetitions (default 21); ``--detach-sweep`` instead prints
the measurement behind ``DETACH_BYTES`` (copies with and without releasing the GIL).
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
# Not the source folder (it holds a `ringscope` package without its compiled module).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

import numpy as np  # noqa: E402
import ringbuf  # noqa: E402

import ringscope  # noqa: E402

sys.path.insert(0, str(HERE / "tests"))
from support import load_module as load  # noqa: E402 - the tests' helper, shared

CACHE = HERE.parent / "target" / "python-bench"
CPUS = sorted(os.sched_getaffinity(0))
CONSUMER_CPU, PRODUCER_CPU = CPUS[0], CPUS[-1]


def pin(cpu: int) -> None:
    """Moves the calling thread to one core."""
    os.sched_setaffinity(0, {cpu})
BLOCK = 512
C_THREAD_FRAMES = 4_000_000


def build_ours() -> ModuleType:
    """tests/c/rs_cthread.c (the C threads of the tests), compiled with -O2."""
    CACHE.mkdir(parents=True, exist_ok=True)
    out = CACHE / f"rs_cthread{sysconfig.get_config_var('EXT_SUFFIX')}"
    source = HERE / "tests" / "c" / "rs_cthread.c"
    cc = os.environ.get("CC", "cc")
    subprocess.run([cc, "-shared", "-fPIC", "-O2", "-std=c11",
                    f"-I{sysconfig.get_paths()['include']}", f"-I{ringscope.get_include()}",
                    str(source), "-o", str(out), "-pthread"], check=True)
    return load("rs_cthread", out)


def build_ringbuf() -> ModuleType:
    """bench_ringbuf_cthread.pyx: a C++ thread pushing through ringbuf's queue_void_ptr()."""
    from Cython.Build import cythonize
    from setuptools import Distribution, Extension

    CACHE.mkdir(parents=True, exist_ok=True)
    extension = Extension("bench_ringbuf_cthread", [str(HERE / "bench_ringbuf_cthread.pyx")],
                          language="c++", extra_compile_args=["-O2", "-std=c++17"])
    modules = cythonize([extension], include_path=[str(Path(ringbuf.__file__).parent.parent)],
                        build_dir=str(CACHE / "cython"), quiet=True)
    dist = Distribution({"ext_modules": modules})
    build = dist.get_command_obj("build_ext")
    build.build_lib = str(CACHE)
    build.build_temp = str(CACHE / "tmp")
    build.ensure_finalized()
    build.run()
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    return load("bench_ringbuf_cthread", CACHE / f"bench_ringbuf_cthread{suffix}")


def timed(f: Callable[[], int]) -> float:
    """Runs ``f`` (which returns how many units it moved) and returns units per second."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        units = f()
        elapsed = time.perf_counter() - start
    finally:
        gc.enable()
    return units / elapsed


# --- the cases: each takes a RingBuffer class and returns units per second -------------------


def blocks_push_pop(cls: Any) -> float:  # noqa: ANN401 - either library's class
    """Push a 512-frame float32 NumPy block, pop 512 frames, again and again: frames/s."""
    ring = cls(format="f", capacity=4 * BLOCK)
    block = np.linspace(-1, 1, BLOCK, dtype=np.float32)
    n = 4000

    def run() -> int:
        push, pop = ring.push, ring.pop
        for _ in range(n):
            push(block)
            pop(BLOCK)
        return n * BLOCK

    return timed(run)


def blocks_push_pop_into(cls: Any) -> float:  # noqa: ANN401
    """Push and pop the same blocks, popped the fastest way each library offers: frames/s.

    pop_into for ringscope, pop for ringbuf (which has nothing else).
    """
    if cls is not ringscope.RingBuffer:
        return blocks_push_pop(cls)
    ring = cls(format="f", capacity=4 * BLOCK)
    block = np.linspace(-1, 1, BLOCK, dtype=np.float32)
    out = np.empty(BLOCK, dtype=np.float32)
    n = 4000

    def run() -> int:
        push, pop_into = ring.push, ring.pop_into
        for _ in range(n):
            push(block)
            pop_into(out)
        return n * BLOCK

    return timed(run)


def single_push_pop(cls: Any) -> float:  # noqa: ANN401
    """Push a 1-element float32 array, pop(1), again and again: pairs per second."""
    ring = cls(format="f", capacity=64)
    one = np.zeros(1, dtype=np.float32)
    n = 20_000

    def run() -> int:
        push, pop = ring.push, ring.pop
        for _ in range(n):
            push(one)
            pop(1)
        return n

    return timed(run)


def c_thread(cls: Any, pop_into: bool = False) -> float:  # noqa: ANN401
    """Time a C (or C++) thread feeding Python: frames per second, end to end.

    The thread pushes 4·10⁶ uint32 frames in 512-frame blocks into a 16384-frame
    ring; Python pops 4096 at a time (``pop``, or ``pop_into`` with ``pop_into=True``) until
    it has them all: frames per second, end to end. The two threads are pinned to different
    cores and both spin (a yield would hand the core to other work on a shared machine, and
    cost the faster consumer the most).
    """
    ring = cls(format="I", capacity=16384)
    out = np.empty(4096, dtype=np.uint32)
    # The producer thread on one core, Python on the other: a new thread inherits the
    # affinity of the thread that starts it.
    pin(PRODUCER_CPU)
    if cls is ringscope.RingBuffer:
        producer = OURS.start_producer(ring.producer_handle(), C_THREAD_FRAMES, block=BLOCK)
        join: Callable[[], Any] = lambda: OURS.join(producer)  # noqa: E731
    else:
        rival = RIVAL.Producer(ring, C_THREAD_FRAMES, BLOCK)
        join = rival.join
    pin(CONSUMER_CPU)

    def run() -> int:
        received = 0
        if pop_into and cls is ringscope.RingBuffer:
            take = ring.pop_into
            while received < C_THREAD_FRAMES:
                n = take(out)
                received += n
        else:
            pop = ring.pop
            while received < C_THREAD_FRAMES:
                popped = pop(4096)
                if popped is not None:
                    received += len(popped)
        return received

    rate = timed(run)
    join()
    return rate


CASES: list[tuple[str, float, Callable[[Any], float]]] = [
    ("512-frame float32 NumPy blocks, push + pop (Mframes/s)", 1e-6, blocks_push_pop),
    ("512-frame float32 NumPy blocks, push + pop_into (ours) / pop (ringbuf) (Mframes/s)", 1e-6,
     blocks_push_pop_into),
    ("single-element push + pop (kpairs/s)", 1e-3, single_push_pop),
    ("C thread → Python, pop(4096) (Mframes/s)", 1e-6, c_thread),
    ("C thread → Python, pop_into (ours) / pop (ringbuf) (Mframes/s)", 1e-6,
     lambda cls: c_thread(cls, pop_into=True)),
]
CONTENDERS: list[tuple[str, Any]] = [
    ("ringscope", ringscope.RingBuffer),
    ("ringbuf 2.6", ringbuf.RingBuffer),
    ("ringbuf 2.6 (A/A control)", ringbuf.RingBuffer),
]


def quantile(sorted_values: list[float], q: float) -> float:
    """Linear-interpolated quantile of sorted values."""
    position = q * (len(sorted_values) - 1)
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def median_interval(sorted_values: list[float]) -> tuple[float, float]:
    """Distribution-free 95 % confidence interval of the median.

    The order statistics at n/2 ∓ 0.98·√n (the normal approximation of the binomial), as
    benches/ring.rs.
    """
    n = len(sorted_values)
    low = max(0, math.floor((n - 1.96 * math.sqrt(n)) / 2))
    high = max(0, n - 1 - low)
    return sorted_values[min(low, high)], sorted_values[high]


def cell(samples: list[float], scale: float) -> str:
    """'median (±half the interquartile range, %)'."""
    s = sorted(samples)
    median = quantile(s, 0.5)
    spread = (quantile(s, 0.75) - quantile(s, 0.25)) / 2 / median * 100
    return f"{median * scale:.2f} (±{spread:.1f} %)" if median * scale < 100 else \
        f"{median * scale:.0f} (±{spread:.1f} %)"


def verdict(ratios: list[float], resolution: float) -> str:
    """'median (95 % CI low–high: faster|slower|tie)' of paired ratios."""
    s = sorted(ratios)
    low, high = median_interval(s)
    word = "faster" if low > 1 + resolution else "slower" if high < 1 - resolution else "tie"
    return f"{quantile(s, 0.5):.2f} (95 % CI {low:.2f}–{high:.2f}: {word})"


def main_table(reps: int) -> None:
    """Runs every case for every contender, interleaved, and prints the table."""
    pin(CONSUMER_CPU)
    samples: dict[tuple[str, str], list[float]] = {
        (case, name): [] for case, _, _ in CASES for name, _ in CONTENDERS
    }
    for rep in range(reps):
        for c, (case, _, run) in enumerate(CASES):
            shift = (rep + c) % len(CONTENDERS)
            for name, cls in CONTENDERS[shift:] + CONTENDERS[:shift]:
                samples[case, name].append(run(cls))
        print(f"repetition {rep + 1}/{reps}", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    names = [name for name, _ in CONTENDERS]
    print(f"| case | {' | '.join(names)} | ours/ringbuf | A/A control/ringbuf |")
    print("|---|" + "---|" * (len(names) + 2))
    for case, scale, _ in CASES:
        ours, theirs, control = (samples[case, name] for name in names)
        aa = sorted(c / t for c, t in zip(control, theirs, strict=True))
        aa_low, aa_high = median_interval(aa)
        resolution = max(1 - aa_low, aa_high - 1, 0.0)
        ratios = [o / t for o, t in zip(ours, theirs, strict=True)]
        cells = " | ".join(cell(samples[case, name], scale) for name in names)
        print(f"| {case} | {cells} | {verdict(ratios, resolution)} | "
              f"{quantile(aa, 0.5):.2f} ({aa_low:.2f}–{aa_high:.2f}) |")


def detach_sweep(reps: int) -> None:
    """Print where releasing the GIL for a copy starts to pay for itself.

    push + pop_into of blocks of several sizes, the copies made holding the GIL and made with
    it released, interleaved.
    """
    print("| block (bytes) | GIL held (GB/s) | GIL released (GB/s) | released/held |")
    print("|---|---|---|---|")
    for size in (4096, 16384, 65536, 262144, 1 << 20):
        frames = size // 4
        ring = ringscope.RingBuffer("f", capacity=frames)
        block = np.ones(frames, dtype=np.float32)
        out = np.empty(frames, dtype=np.float32)
        n = max(20, (64 << 20) // size)
        held: list[float] = []
        released: list[float] = []

        def run(ring: Any = ring, block: Any = block, out: Any = out, n: int = n) -> int:  # noqa: ANN401
            for _ in range(n):
                ring.push(block)
                ring.pop_into(out)
            return n * int(block.nbytes)

        for rep in range(reps):
            for threshold, into in sorted([(1 << 62, held), (0, released)],
                                          key=lambda t: (t[0] + rep) % 2):
                previous = ringscope._ringscope._set_detach_threshold(threshold)
                into.append(timed(run))
                ringscope._ringscope._set_detach_threshold(previous)
        ratios = [r / h for r, h in zip(released, held, strict=True)]
        print(f"| {size} | {cell(held, 1e-9)} | {cell(released, 1e-9)} | "
              f"{verdict(ratios, 0.0)} |")


def main() -> None:
    """Build the C helpers, then run the table (or the GIL sweep)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--detach-sweep", action="store_true",
                        help="measure copies with and without the GIL instead")
    args = parser.parse_args()
    if ringscope._ringscope._DEBUG_BUILD:
        sys.exit("ringscope is a debug build here: install a release build (pip install ./python)")
    reps = int(os.environ.get("RINGSCOPE_BENCH_REPS", "21"))
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text()
                .splitlines() if line.startswith("model name")), platform.processor())
    print(f"<!-- {cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, "
          f"NumPy {np.__version__}, ringscope {ringscope.__version__}, ringbuf "
          f"{ringbuf.__version__}; {reps} repetitions -->")
    if args.detach_sweep:
        detach_sweep(reps)
        return
    global OURS, RIVAL  # built once, used by the C-thread cases
    OURS, RIVAL = build_ours(), build_ringbuf()
    try:
        main_table(reps)
    finally:
        os.sched_setaffinity(0, CPUS)


OURS: ModuleType
RIVAL: ModuleType

if __name__ == "__main__":
    if shutil.which(os.environ.get("CC", "cc")) is None:
        sys.exit("a C compiler (cc) is needed for the C-thread rows")
    main()
