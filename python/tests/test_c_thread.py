"""C threads push and pop through handles with no GIL: 10^7 frames into NumPy, no system calls.

The C side is tests/c/rs_cthread.c, a plain C extension that takes ringscope's function table
from the capsule ``ringscope._ringscope._C_API``.
"""

from __future__ import annotations

import array
import gc
import time
from types import ModuleType

import numpy as np
import pytest

from ringscope import RingBuffer

TEN_MILLION = 10_000_000


def test_capsule_table_matches_this_header(rs_cthread: ModuleType) -> None:
    """The capsule's table is the one ringscope.h describes (checked again in PyInit)."""
    import ringscope

    info = rs_cthread.api_info()
    assert info["abi_version"] == ringscope.ABI_VERSION
    assert info["size"] > 0


def test_ringbuf_cython_example_through_a_handle(rs_cthread: ModuleType) -> None:
    """Ringbuf's Cython example: a C callback gets the queue as a void * and pushes 5 doubles.

    ``buffer.queue_void_ptr()`` becomes ``buffer.producer_handle()``; the callback calls
    ``producer_push`` from the capsule's table instead of ``spsc_queue<char>::push``.
    """
    buffer = RingBuffer(format="d", capacity=100)
    queue = buffer.producer_handle()
    rs_cthread.some_c_function(queue)
    assert array.array("d", buffer.pop(5)) == array.array("d", range(1, 6))  # type: ignore[arg-type]
    rs_cthread.release_producer(queue)


@pytest.mark.parametrize("zero_copy", [False, True], ids=["push", "regions"])
def test_c_thread_pushes_ten_million_frames_python_pops_them_with_numpy(
    rs_cthread: ModuleType, zero_copy: bool
) -> None:
    """A C thread pushes 10^7 numbered frames; Python pops them into NumPy and checks each one.

    The thread runs in seccomp strict mode, so it completes only if no ringscope call it made
    entered the kernel. Nothing is lost, duplicated or reordered; no push was refused.
    """
    ring = RingBuffer("I", capacity=8192)
    worker = rs_cthread.start_producer(ring.producer_handle(), TEN_MILLION, block=512,
                                       zero_copy=zero_copy, strict=True)
    out = np.empty(4096, dtype=np.uint32)
    expected = np.arange(out.size, dtype=np.uint32)
    received = 0
    progress = time.monotonic()
    while received < TEN_MILLION:
        n = ring.pop_into(out)
        if n == 0:
            # A thread that made a system call was killed: nothing more arrives.
            assert time.monotonic() - progress < 10, f"the C thread stopped at {received} frames"
            time.sleep(0)  # let the producer run on a busy machine
            continue
        np.testing.assert_array_equal(out[:n], expected[:n] + np.uint32(received))
        received += n
        progress = time.monotonic()
    result = rs_cthread.join(worker)
    assert result["entered_strict"] and result["completed"], result
    assert result["moved"] == TEN_MILLION
    assert (result["written"], result["dropped"]) == (TEN_MILLION, 0)
    assert ring.read_available == 0
    assert (ring.read, ring.dropped) == (TEN_MILLION, 0)


def test_c_threads_on_both_ends_make_no_system_call(rs_cthread: ModuleType) -> None:
    """Producer and consumer both in C (strict seccomp): every real-time call is syscall-free.

    Stereo frames, each thread alternating plain and zero-copy calls on a ring of odd size.
    """
    ring = RingBuffer("I", capacity=1021, channels=2)
    total = 2_000_000
    producer = rs_cthread.start_producer(ring.producer_handle(), total, block=97, channels=2,
                                         zero_copy=True, strict=True)
    consumer = rs_cthread.start_consumer(ring.consumer_handle(), total, block=61, channels=2,
                                         zero_copy=False, strict=True)
    popped = rs_cthread.join(consumer)
    pushed = rs_cthread.join(producer)
    for result in (pushed, popped):
        assert result["entered_strict"] and result["completed"], result
        assert result["moved"] == total
    assert popped["errors"] == 0


def test_a_handle_keeps_the_ring_alive_after_close_and_garbage_collection(
    rs_cthread: ModuleType,
) -> None:
    """Python closes and drops the ring while a C thread still pushes into it.

    The thread's handle keeps the ring's memory: it goes on pushing until it sees the consumer
    gone (``producer_is_abandoned``), then stops; its counters are still readable, and the
    memory is freed when ``join`` releases the handle.
    """
    ring = RingBuffer("I", capacity=256)
    worker = rs_cthread.start_producer(ring.producer_handle(), 10**12, block=64)
    received = 0
    while received < 10_000:
        popped = ring.pop(100)
        if popped is None:
            time.sleep(0)
            continue
        assert popped.tolist() == list(range(received, received + len(popped)))
        received += len(popped)
    ring.close()
    with pytest.raises(ValueError, match="closed"):
        ring.pop(1)
    with pytest.raises(ValueError, match="closed"):
        ring.push(array.array("I", [1]))
    del ring, popped
    gc.collect()
    result = rs_cthread.join(worker)
    assert result["abandoned"] and not result["completed"], result
    assert result["moved"] >= received
    assert result["written"] == result["moved"]


def test_a_handle_outlives_its_python_ring(rs_cthread: ModuleType) -> None:
    """A handle stays valid after its Python ring was closed and collected, until released.

    The C thread starts only then and pushes 4000 frames into the ring (its memory alive,
    though no one will read it), reads its counters, and ``join`` releases the handle.
    """
    ring = RingBuffer("I", capacity=4096)
    handle = ring.producer_handle()
    ring.close()
    del ring
    gc.collect()
    worker = rs_cthread.start_producer(handle, 4000, block=100, strict=True)
    result = rs_cthread.join(worker)  # releases the handle, and with it the ring's memory
    assert result["completed"] and result["entered_strict"], result
    assert (result["moved"], result["written"], result["dropped"]) == (4000, 4000, 0)
