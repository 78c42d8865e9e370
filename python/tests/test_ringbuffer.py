"""``ringscope.RingBuffer`` beyond ringbuf: channels, pop_into, counters, formats, handles."""

from __future__ import annotations

import array
import gc
import struct
import sys

import numpy as np
import pytest

import ringscope
from ringscope import RingBuffer

# Every format character, with values NumPy and array.array can both hold.
FORMATS = "bBhHiIlLqQnNefd?c"


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_round_trips(fmt: str) -> None:
    """Each struct format character: pushed through one type of buffer, popped bit-exact, with
    the ring's format and itemsize in the popped view.
    """
    ring = RingBuffer(fmt, capacity=5)
    assert ring.itemsize == struct.calcsize(fmt)
    if fmt == "c":
        data: object = memoryview(b"abc").cast("c")
        expected = b"abc"
    elif fmt in "nN":
        data = memoryview(struct.pack(f"3{fmt}", 1, 2, 3)).cast(fmt)  # type: ignore[call-overload]
        expected = struct.pack(f"3{fmt}", 1, 2, 3)
    else:
        values = [0, 1, 1] if fmt == "?" else [1, 2, 3]
        dtype = np.dtype(fmt)
        data = np.array(values, dtype=dtype)
        expected = np.array(values, dtype=dtype).tobytes()
    assert ring.push(data) is None  # type: ignore[type-var]
    popped = ring.pop(5)
    assert popped is not None
    assert popped.format == fmt
    assert popped.itemsize == ring.itemsize
    assert popped.shape == (3,)
    assert bytes(popped) == expected


def test_equivalent_format_spellings_are_accepted() -> None:
    """'l' and 'q' (both 8-byte signed on LP64), '<f' on a little-endian machine, '@d', '=i'."""
    assert RingBuffer("q", 4).push(np.zeros(2, dtype=np.int64)) is None  # NumPy says 'l'
    assert RingBuffer("l", 4).push(array.array("q", [1, 2])) is None
    if sys.byteorder == "little":
        assert RingBuffer("<f", 4).push(np.zeros(2, dtype="<f4")) is None
        with pytest.raises(TypeError, match="Mismatched format"):
            RingBuffer("f", 4).push(np.zeros(2, dtype=">f4"))
    assert RingBuffer("@d", 4).push(np.zeros(2)) is None
    assert RingBuffer("=i", 4).push(np.zeros(2, dtype=np.int32)) is None
    with pytest.raises(TypeError, match="Mismatched format"):
        RingBuffer("b", 4).push(b"xy")  # bytes are 'B' (unsigned)


def test_frames_of_several_channels() -> None:
    """channels=2: (n, 2) arrays go in, (n, 2) views come out; capacity counts frames."""
    ring = RingBuffer(format="f", capacity=4800, channels=2)
    assert (ring.capacity, ring.channels, ring.write_available) == (4800, 2, 4800)
    block = np.arange(1024, dtype=np.float32).reshape(512, 2)
    for _ in range(9):
        assert ring.push(block) is None
    rest = ring.push(block)  # 9 * 512 = 4608 frames in; 192 fit
    assert isinstance(rest, np.ndarray)
    assert rest.shape == (320, 2)
    np.testing.assert_array_equal(rest, block[192:])
    assert ring.read_available == 4800
    popped = ring.pop(512)
    assert popped is not None
    assert (popped.shape, popped.format) == ((512, 2), "f")
    np.testing.assert_array_equal(np.asarray(popped), block)
    assert np.asarray(popped)[1].tolist() == [2.0, 3.0]


def test_mono_accepts_n_by_1_arrays() -> None:
    """Sounddevice hands mono blocks as (n, 1): a 1-channel ring takes them as n frames."""
    ring = RingBuffer("f", capacity=8)
    assert ring.push(np.ones((3, 1), dtype=np.float32)) is None
    assert ring.read_available == 3


def test_pop_into_fills_a_callers_array_without_allocating() -> None:
    """pop_into(out) copies into the start of out and returns the number of frames."""
    ring = RingBuffer("h", capacity=16, channels=3)
    ring.push(np.arange(30, dtype=np.int16).reshape(10, 3))
    out = np.full((4, 3), -1, dtype=np.int16)
    assert ring.pop_into(out) == 4
    np.testing.assert_array_equal(out, np.arange(12).reshape(4, 3))
    big = np.full((100, 3), -1, dtype=np.int16)
    assert ring.pop_into(big) == 6
    np.testing.assert_array_equal(big[:6], np.arange(12, 30).reshape(6, 3))
    assert (big[6:] == -1).all(), "pop_into wrote past what it popped"
    assert ring.pop_into(big) == 0
    mono = RingBuffer("B", 4)
    mono.push(b"ab")
    target = bytearray(3)
    assert mono.pop_into(target) == 2
    assert target == b"ab\x00"
    assert mono.pop_into(memoryview(bytearray(1))) == 0


def test_counters_count_frames() -> None:
    """written, read and dropped count frames on both sides, as the Rust ring's Counters do."""
    ring = RingBuffer("f", capacity=4, channels=2)
    assert (ring.written, ring.read, ring.dropped) == (0, 0, 0)
    ring.push(np.zeros((6, 2), dtype="f"))  # 4 fit; the rest comes back, not dropped
    ring.pop(1)
    ring.reset()
    assert (ring.written, ring.read, ring.dropped) == (4, 4, 0)


def test_large_copies_run_without_the_gil_and_stay_correct() -> None:
    """Blocks above DETACH_BYTES take the GIL-free path; the data is unchanged either way."""
    frames = ringscope._ringscope.DETACH_BYTES // 8 * 4
    ring = RingBuffer("d", capacity=frames)
    data = np.random.default_rng(1).standard_normal(frames)
    assert ring.push(data) is None
    out = np.empty(frames)
    assert ring.pop_into(out) == frames
    np.testing.assert_array_equal(out, data)
    assert ring.push(data) is None
    popped = ring.pop(frames)
    assert popped is not None
    np.testing.assert_array_equal(np.asarray(popped), data)


def test_leftover_of_unsliceable_multi_dimensional_memoryview() -> None:
    """A 2-D memoryview cannot be sliced by rows; the leftover is then a view of its bytes."""
    ring = RingBuffer("B", capacity=3, channels=2)
    data = memoryview(bytes(range(10))).cast("B", (5, 2))
    rest = ring.push(data)
    assert rest is not None
    assert bytes(rest) == bytes(range(6, 10))


def test_close_and_context_manager() -> None:
    """close() lets go of both ends; later calls raise ValueError; with closes at the end."""
    with RingBuffer("f", capacity=4) as ring:
        ring.push(np.zeros(2, dtype="f"))
        assert not ring.closed
    assert ring.closed
    for call in (lambda: ring.push(np.zeros(1, "f")), lambda: ring.pop(1), ring.reset,
                 lambda: ring.read_available, lambda: ring.written, ring.producer_handle,
                 lambda: ring.pop_into(np.zeros(1, "f"))):
        with pytest.raises(ValueError, match="closed"):
            call()
    ring.close()  # again: nothing happens
    assert repr(ring) == "RingBuffer(format='f', capacity=4)"
    assert repr(RingBuffer("h", 2, channels=3)) == "RingBuffer(format='h', capacity=2, channels=3)"


def test_handed_over_ends_belong_to_c() -> None:
    """After producer_handle(), Python's push raises RuntimeError; the consumer side still
    works and reads the counters; a second handle of the same end is refused.
    """
    from support import import_or_require

    cffi = import_or_require("cffi")
    ffi = cffi.FFI()
    ffi.cdef(ringscope.pa.cdef())
    lib = ffi.dlopen(ringscope.get_library())  # ABI mode: calls from Python, for this check
    ring = RingBuffer("i", capacity=8)
    handle = ring.producer_handle()
    with pytest.raises(RuntimeError, match="handed to C"):
        ring.push(array.array("i", [1]))
    with pytest.raises(RuntimeError, match="handed to C"):
        ring.producer_handle()
    producer = ffi.cast("RingscopeProducer *", handle)
    data = ffi.new("int32_t[]", [7, 8, 9])
    assert lib.ringscope_producer_push(producer, data, 3) == 3
    assert (ring.read_available, ring.written, ring.write_available) == (3, 3, 5)
    assert ring.pop(3).tolist() == [7, 8, 9]  # type: ignore[union-attr]
    c_handle = ring.consumer_handle()
    with pytest.raises(RuntimeError, match="both ends"):
        _ = ring.written
    ring.close()
    lib.ringscope_producer_release(producer)
    lib.ringscope_consumer_release(ffi.cast("RingscopeConsumer *", c_handle))


def resident_bytes() -> int:
    """The resident set size of this process."""
    with open("/proc/self/statm") as statm:
        import os

        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_garbage_collected_rings_free_their_memory() -> None:
    """300 rings of 1 MiB, filled and popped, then dropped: the process does not grow by them
    (the ring memory, the popped frames and their exporters are all freed).
    """
    data = np.ones(1 << 17)  # 1 MiB of float64

    def churn() -> None:
        for _ in range(300):
            ring = RingBuffer("d", capacity=data.size)
            ring.push(data)
            popped = ring.pop(data.size)
            assert popped is not None
            del ring, popped

    churn()
    gc.collect()
    before = resident_bytes()
    churn()
    gc.collect()
    assert resident_bytes() - before < 64 << 20
