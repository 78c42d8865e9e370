"""End to end, as the seeds' users run it: a real PortAudio callback on a JACK server feeds Python.

A JACK server with the dummy driver (started by the ``jack_server`` fixture) runs PortAudio's
JACK host API; the stream's C callback (tests/c/pa_callback.c, compiled now by CFFI with
``ringscope.pa.cdef()`` and linked against ``ringscope.get_library()``) pushes a
sequence-numbered stereo signal for at least 5 s into a ring of at most 8 callback blocks,
while Python pops it and checks that nothing was lost, duplicated or reordered and that the
callback never found the ring full. Once through each seed's API.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from support import C_DIR, build_cffi, require

import ringscope
import ringscope.pa

SAMPLE_RATE = 48_000
PERIOD = 1024  # the jack_server fixture's -p
BLOCKS = 8  # ring capacity in callback blocks
SECONDS = 5.0

CDEF = """
typedef struct {
    RingscopeProducer *producer;
    uint64_t next;
    uint64_t callbacks;
    uint64_t short_pushes;
    uint64_t too_large;
    unsigned long max_frames;
    size_t min_free;
    ...;
} callback_state;
int start_stream(callback_state *s, double sample_rate);
int stop_stream(callback_state *s);
const char *error_text(int err);
"""


@pytest.fixture(scope="module")
def pa_callback(build_dir: Path) -> ModuleType:
    """The CFFI module of tests/c/pa_callback.c, linked with PortAudio and ringscope."""
    header = Path("/usr/include/portaudio.h")
    require(header.exists(), "PortAudio headers are missing (Debian: portaudio19-dev)")
    return build_cffi(build_dir, "_rs_pa_callback", CDEF, (C_DIR / "pa_callback.c").read_text(),
                      libraries=["portaudio"])


def run_stream(
    pa_callback: ModuleType,
    jack_server: str,
    producer: Any,  # noqa: ANN401 - a RingscopeProducer * (CFFI)
    pop_into: Callable[[np.ndarray[Any, np.dtype[np.float32]]], int],
    capacity: int,
) -> tuple[Any, int]:
    """Runs the stream for SECONDS while popping and checking; returns (callback state, frames)."""
    ffi, lib = pa_callback.ffi, pa_callback.lib
    state = ffi.new("callback_state *")
    state.producer = producer
    os.environ["JACK_DEFAULT_SERVER"] = jack_server
    os.environ["JACK_NO_START_SERVER"] = "1"
    err = lib.start_stream(state, float(SAMPLE_RATE))
    assert err == 0, ffi.string(lib.error_text(err)).decode()
    out = np.empty((capacity, 2), dtype=np.float32)
    received = 0
    started = time.monotonic()
    try:
        while time.monotonic() - started < SECONDS or received < SECONDS * SAMPLE_RATE:
            assert time.monotonic() - started < 60, f"only {received} frames in 60 s"
            n = pop_into(out)
            if n == 0:
                time.sleep(0.002)
                continue
            seq = np.arange(received, received + n, dtype=np.float32)
            np.testing.assert_array_equal(out[:n, 0], seq)
            np.testing.assert_array_equal(out[:n, 1], -seq)
            received += n
    finally:
        stopped = lib.stop_stream(state)
    assert stopped == 0, ffi.string(lib.error_text(stopped)).decode()
    # Whatever the last callbacks pushed before the stream stopped.
    while (n := pop_into(out)) > 0:
        seq = np.arange(received, received + n, dtype=np.float32)
        np.testing.assert_array_equal(out[:n, 0], seq)
        received += n
    return state, received


def check(state: Any, received: int, capacity: int, dropped: int) -> None:  # noqa: ANN401
    """Every frame arrived once, in order; the callback never found the ring full."""
    assert state.callbacks > 0
    assert state.too_large == 0
    assert capacity <= BLOCKS * state.max_frames, (capacity, state.max_frames)
    assert received == state.next, "frames lost or duplicated"
    assert received >= SECONDS * SAMPLE_RATE
    assert state.short_pushes == 0, f"the callback found the ring full {state.short_pushes} times"
    assert dropped == 0
    assert state.min_free >= state.max_frames


def test_portaudio_callback_feeds_ringbuf_api(pa_callback: ModuleType, jack_server: str) -> None:
    """``ringscope.RingBuffer('f', channels=2)``: the callback gets ``producer_handle()``."""
    capacity = BLOCKS * PERIOD
    ring = ringscope.RingBuffer("f", capacity=capacity, channels=2)
    producer = pa_callback.ffi.cast("RingscopeProducer *", ring.producer_handle())
    try:
        state, received = run_stream(pa_callback, jack_server, producer, ring.pop_into, capacity)
        check(state, received, capacity, ring.dropped)
        assert ring.written == received
    finally:
        pa_callback.lib.ringscope_producer_release(producer)


def test_portaudio_callback_feeds_pa_ringbuffer_api(
    pa_callback: ModuleType, jack_server: str
) -> None:
    """``ringscope.pa.init(ffi, lib)``: the bound class hands C a typed ``RingscopeProducer *``."""
    ring_class = ringscope.pa.init(pa_callback.ffi, pa_callback.lib)
    capacity = BLOCKS * PERIOD
    ring = ring_class(elementsize=8, size=capacity)  # two float32 per element
    producer = ring.producer_handle()
    assert pa_callback.ffi.typeof(producer) is pa_callback.ffi.typeof("RingscopeProducer *")
    try:
        state, received = run_stream(pa_callback, jack_server, producer, ring.readinto, capacity)
        check(state, received, capacity, ring.dropped)
    finally:
        pa_callback.lib.ringscope_producer_release(producer)
