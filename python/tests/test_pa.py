"""``ringscope.pa``: pa_ringbuffer 0.1.4's module, a test per call, against its documented contract
and, call by call, against PortAudio's own ring buffer (``pa_ringbuffer.o`` from Debian's
``libportaudio.a``, wrapped by the real ``pa_ringbuffer`` package through CFFI).
"""

from __future__ import annotations

import gc
import random
import shutil
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from support import build_cffi, import_or_require, load_module, require

import ringscope
import ringscope.pa
from ringscope.pa import RingBuffer

# --- one test per call ------------------------------------------------------------------


def test_constructor_takes_any_sizes() -> None:
    """RingBuffer(elementsize, size): any sizes ≥ 1, not only powers of two; len() is size."""
    ring = RingBuffer(3, 5)
    assert (ring.elementsize, len(ring), ring.write_available, ring.read_available) == (3, 5, 5, 0)
    ring = RingBuffer(elementsize=8, size=1024)
    assert (ring.elementsize, len(ring)) == (8, 1024)


def test_write_all_of_data_and_only_what_fits() -> None:
    """write(data) writes all of data (size -1), at most what fits; returns elements written."""
    ring = RingBuffer(2, 4)
    assert ring.write(b"aabbcc") == 3
    assert ring.write(b"ddeeff") == 1
    assert ring.write(b"gg") == 0
    assert ring.read() == b"aabbccdd"


def test_write_size_elements() -> None:
    """write(data, size) writes the first size elements of data."""
    ring = RingBuffer(2, 8)
    assert ring.write(b"aabbccdd", 2) == 2
    assert ring.write(np.arange(4, dtype=np.uint16), size=1) == 1
    assert ring.write(b"xx", 0) == 0
    assert ring.read() == b"aabb" + np.arange(1, dtype=np.uint16).tobytes()


def test_write_advances_the_write_index() -> None:
    """'calling advance_write_index is not necessary': written data is readable at once."""
    ring = RingBuffer(1, 4)
    ring.write(b"ab")
    assert ring.read_available == 2
    assert ring.write_available == 2


def test_read_all_or_size() -> None:
    """read() reads all available elements, read(size) at most size; a new buffer of bytes."""
    ring = RingBuffer(2, 8)
    ring.write(b"aabbccdd")
    first = ring.read(1)
    assert isinstance(first, bytearray)
    assert first == b"aa"
    assert ring.read(10) == b"bbccdd"  # 'Its size may be less than the requested size.'
    assert ring.read() == b""
    assert ring.read(-1) == b""


def test_readinto_a_user_buffer() -> None:
    """readinto(data) reads into the user's buffer, returns elements read (maybe fewer)."""
    ring = RingBuffer(4, 8)
    ring.write(np.array([1, 2, 3], dtype=np.int32))
    out = np.zeros(5, dtype=np.int32)
    assert ring.readinto(out) == 3
    np.testing.assert_array_equal(out, [1, 2, 3, 0, 0])
    assert ring.readinto(bytearray(8)) == 0


def test_get_write_buffers_then_advance_write_index() -> None:
    """get_write_buffers(size) → (count, buf1, buf2) writable; advance_write_index publishes."""
    ring = RingBuffer(2, 4)
    ring.write(b"xxyyzz")
    ring.read(2)  # the write position is now 3 of 4: the free space wraps
    count, buf1, buf2 = ring.get_write_buffers(3)
    assert (count, len(buf1), len(buf2)) == (3, 2, 4)  # 1 element, then 2 after the wrap
    buf1[:] = b"11"
    buf2[0:4] = b"2233"
    assert ring.read_available == 1  # nothing published yet
    position = ring.advance_write_index(count)
    assert position == 6  # 'The new position': elements ever written
    assert ring.read() == b"zz112233"


def test_get_write_buffers_count_is_the_smaller() -> None:
    """'The room available to be written or the given size, whichever is smaller'."""
    ring = RingBuffer(1, 4)
    assert ring.get_write_buffers(10)[0] == 4
    assert ring.get_write_buffers(2)[0] == 2
    ring.write(b"abcd")
    count, buf1, buf2 = ring.get_write_buffers(2)
    assert (count, len(buf1), len(buf2)) == (0, 0, 0)


def test_get_read_buffers_then_advance_read_index() -> None:
    """get_read_buffers(size) → (count, buf1, buf2) read-only; advance_read_index releases."""
    ring = RingBuffer(1, 4)
    ring.write(b"abc")
    ring.read(2)
    ring.write(b"def")  # c d | e f wraps
    count, buf1, buf2 = ring.get_read_buffers(10)
    assert (count, bytes(buf1), bytes(buf2)) == (4, b"cd", b"ef")
    assert buf1[0] == ord("c")
    assert buf2[0:2] == b"ef"
    with pytest.raises(TypeError):
        buf1[0] = 1  # read views are read-only
    with pytest.raises(ValueError, match="read-only"):
        np.frombuffer(buf1, np.uint8)[0] = 1  # type: ignore[call-overload]  # (the array, too)
    gc.collect()
    assert ring.advance_read_index(3) == 5  # elements ever read
    assert ring.read() == b"f"


def test_flush_empties() -> None:
    """flush() resets the buffer to empty."""
    ring = RingBuffer(1, 4)
    ring.write(b"abc")
    ring.flush()
    assert (ring.read_available, ring.write_available) == (0, 4)
    assert ring.write(b"xyzw") == 4
    assert ring.read() == b"xyzw"


def test_available_properties() -> None:
    """read_available and write_available count elements."""
    ring = RingBuffer(5, 3)
    ring.write(bytes(10))
    assert (ring.read_available, ring.write_available) == (2, 1)


def test_cdef_is_the_header_for_cffi() -> None:
    """cdef() parses in CFFI and declares every ringscope_* function of ringscope.h."""
    cffi = import_or_require("cffi")
    ffi = cffi.FFI()
    ffi.cdef(ringscope.pa.cdef())
    header = (Path(ringscope.get_include()) / "ringscope.h").read_text()
    functions = {line.split("(")[0].split()[-1].lstrip("*")
                 for line in header.splitlines() if "ringscope_" in line and "(" in line
                 and not line.startswith((" ", "/"))}
    assert len(functions) >= 23
    lib = ffi.dlopen(ringscope.get_library())
    for name in functions:
        assert callable(getattr(lib, name)), name
    assert lib.RINGSCOPE_ABI_VERSION == ringscope.ABI_VERSION == lib.ringscope_abi_version()


# --- views: never touch slots that were handed over ---------------------------------


def test_advance_with_a_live_view_raises_buffer_error() -> None:
    """While a memoryview or array of a lent view lives, advancing raises BufferError."""
    ring = RingBuffer(4, 4)
    _, buf1, _ = ring.get_write_buffers(2)
    array = np.frombuffer(buf1, dtype=np.int32)  # type: ignore[call-overload]
    array[:] = [5, 6]
    with pytest.raises(BufferError, match="still alive"):
        ring.advance_write_index(2)
    with pytest.raises(BufferError):
        ring.write(b"abcd")  # a write would publish the lent slots too
    assert ring.read_available == 0
    del array
    assert ring.advance_write_index(2) == 2
    _, rbuf, _ = ring.get_read_buffers(2)
    view = memoryview(rbuf)
    for call in (lambda: ring.advance_read_index(1), ring.read, ring.flush,
                 lambda: ring.readinto(bytearray(4)), ring.consumer_handle, ring.close):
        with pytest.raises(BufferError):
            call()
    assert bytes(view) == np.array([5, 6], dtype=np.int32).tobytes()
    view.release()
    assert ring.read() == np.array([5, 6], dtype=np.int32).tobytes()


def test_views_go_stale_once_their_slots_are_handed_over() -> None:
    """After an advance (or write, read, flush) the views lent before refuse to export."""
    ring = RingBuffer(1, 4)
    _, old_write, _ = ring.get_write_buffers(4)
    old_write[0:2] = b"ab"
    ring.advance_write_index(2)
    with pytest.raises(BufferError, match="stale"):
        memoryview(old_write)
    with pytest.raises(BufferError, match="stale"):
        old_write[0] = 0  # the consumer may be reading these slots now
    _, old_read, _ = ring.get_read_buffers(4)
    assert bytes(old_read) == b"ab"
    ring.flush()
    with pytest.raises(BufferError, match="stale"):
        bytes(old_read)  # these slots may be re-lent to the producer
    # A view lent twice before an advance is fine: the same slots, still the producer's.
    _, a, _ = ring.get_write_buffers(1)
    _, b, _ = ring.get_write_buffers(2)
    a[0:1] = b"x"
    assert b[0] == ord("x")


def test_the_other_side_does_not_invalidate_views() -> None:
    """Reading does not touch the write views' slots (and writing the read views'): both stay
    valid, and flush leaves write views alone (unlike PortAudio's flush).
    """
    ring = RingBuffer(1, 8)
    ring.write(b"abcd")
    _, rview, _ = ring.get_read_buffers(4)
    _, wview, _ = ring.get_write_buffers(2)
    held = memoryview(rview)
    assert ring.write(b"ef") == 2  # publishing the write side while a read view is exported
    with pytest.raises(BufferError, match="stale"):
        memoryview(wview)
    _, wview, _ = ring.get_write_buffers(2)
    held.release()
    ring.flush()
    wview[:] = b"gh"
    ring.advance_write_index(2)
    assert ring.read() == b"gh"


def test_close_and_handles_refuse_while_exported_and_invalidate_after() -> None:
    """close() and consumer_handle() refuse while views are exported; afterwards old views are
    stale, and the ring's memory is never freed under a live view.
    """
    ring = RingBuffer(1, 4)
    ring.write(b"ab")
    _, view, _ = ring.get_read_buffers(2)
    held = memoryview(view)
    with pytest.raises(BufferError):
        ring.close()
    held.release()
    ring.close()
    with pytest.raises(BufferError, match="stale"):
        memoryview(view)


def test_views_keep_the_ring_object_alive() -> None:
    """A view holds its ring: dropping the ring while a view is exported frees nothing."""
    ring = RingBuffer(1, 4)
    ring.write(b"wxyz")
    _, view, _ = ring.get_read_buffers(4)
    held = memoryview(view)
    del ring, view
    gc.collect()
    assert bytes(held) == b"wxyz"
    held.release()


# --- against PortAudio's ring buffer ----------------------------------------------------


@pytest.fixture(scope="module")
def portaudio_ring(build_dir: Path) -> type[Any]:
    """The reference: pa_ringbuffer 0.1.4 bound to PortAudio's own pa_ringbuffer.o.

    Debian's portaudio19-dev ships libportaudio.a, which holds PortAudio's pa_ringbuffer.o;
    it is compiled into a CFFI module with pa_ringbuffer.cdef().
    """
    pa_ringbuffer = import_or_require("pa_ringbuffer")
    assert pa_ringbuffer.__version__ == "0.1.4"
    cffi = import_or_require("cffi")
    archive = Path("/usr/lib/x86_64-linux-gnu/libportaudio.a")
    require(archive.exists() and shutil.which("ar") is not None,
            "libportaudio.a (Debian: portaudio19-dev) and ar are needed")
    target = build_dir / "paref"
    target.mkdir(exist_ok=True)
    subprocess.run(["ar", "x", str(archive), "pa_ringbuffer.o"], cwd=target, check=True)
    ffi = cffi.FFI()
    ffi.cdef(pa_ringbuffer.cdef())
    ffi.set_source("_paref", pa_ringbuffer.cdef(), extra_objects=[str(target / "pa_ringbuffer.o")])
    module = load_module("_paref", Path(ffi.compile(tmpdir=str(target))))
    ref: type[Any] = pa_ringbuffer.init(module.ffi, module.lib)
    return ref


@pytest.mark.parametrize("seed", range(25))
def test_random_calls_match_portaudio(portaudio_ring: type[Any], seed: int) -> None:
    """Random sequences of every call give PortAudio's results: counts, bytes, regions, and
    positions (PortAudio's index is ours modulo twice the size).
    """
    rng = random.Random(seed)
    elementsize = rng.choice([1, 2, 3, 8])
    size = rng.choice([1, 2, 4, 8, 16, 32])
    ref = portaudio_ring(elementsize, size)
    ours = RingBuffer(elementsize, size)
    counter = 0

    def data(n: int) -> bytes:
        nonlocal counter
        counter += n
        return bytes((counter - n + i) % 251 for i in range(n * elementsize))

    for _ in range(150):
        op = rng.choice(["write", "write_size", "read", "read_all", "readinto", "wbuf", "rbuf",
                         "flush", "available"])
        if op == "write":
            d = data(rng.randint(0, size + 2))
            assert ours.write(d) == ref.write(d)
        elif op == "write_size":
            n = rng.randint(0, size + 2)
            d = data(n + rng.randint(0, 2))
            assert ours.write(d, n) == ref.write(d, n)
        elif op == "read":
            n = rng.randint(0, size + 2)
            assert bytes(ours.read(n)) == bytes(ref.read(n))
        elif op == "read_all":
            assert bytes(ours.read()) == bytes(ref.read())
        elif op == "readinto":
            n = rng.randint(0, size + 2)
            a, b = bytearray(n * elementsize), bytearray(n * elementsize)
            assert ours.readinto(a) == ref.readinto(b)
            assert a == b
        elif op == "wbuf":
            n = rng.randint(0, size + 2)
            oc, o1, o2 = ours.get_write_buffers(n)
            rc, r1, r2 = ref.get_write_buffers(n)
            assert (oc, len(o1), len(o2)) == (rc, len(r1), len(r2))
            fill = data(oc)
            o1[:] = r1[:] = fill[:len(o1)]
            o2[:] = r2[:] = fill[len(o1):]
            k = rng.randint(0, oc)
            assert ours.advance_write_index(k) % (2 * size) == ref.advance_write_index(k)
        elif op == "rbuf":
            n = rng.randint(0, size + 2)
            oc, o1, o2 = ours.get_read_buffers(n)
            rc, r1, r2 = ref.get_read_buffers(n)
            assert (oc, bytes(o1), bytes(o2)) == (rc, bytes(r1), bytes(r2))
            k = rng.randint(0, oc)
            assert ours.advance_read_index(k) % (2 * size) == ref.advance_read_index(k)
        elif op == "flush":
            # PortAudio's flush moves both indices to 0 (its regions restart there); ours
            # discards what is readable and keeps the write position. Flush both only when
            # empty, where the two agree.
            if ours.read_available == 0 and ref.read_available == 0 and ref._ptr.writeIndex == 0:
                ours.flush()
                ref.flush()
        else:
            assert (ours.read_available, ours.write_available) == (
                ref.read_available, ref.write_available)
    assert (ours.elementsize, len(ours)) == (ref.elementsize, len(ref))


def test_flush_differs_from_portaudio_only_in_safety(portaudio_ring: type[Any]) -> None:
    """After a flush both rings are empty and take the same writes and reads; PortAudio's
    flush needs both sides idle, ours is safe while the writer writes.
    """
    ref, ours = portaudio_ring(1, 8), RingBuffer(1, 8)
    for ring in (ref, ours):
        ring.write(b"abcde")
        ring.flush()
        assert (ring.read_available, ring.write_available) == (0, 8)
        assert ring.write(b"0123456789") == 8
        assert bytes(ring.read()) == b"01234567"


# --- a CFFI module of the user's, through init(ffi, lib) --------------------------------

USER_CDEF = """
size_t c_push_ramp(RingscopeProducer *producer, size_t n);
size_t c_pop_sum(RingscopeConsumer *consumer, size_t n, uint64_t *sum);
"""

USER_SOURCE = """
#include <stdint.h>
#include "ringscope.h"

/* Pushes n 8-byte elements 0, 1, 2, ... (from a stack block; what fits). */
size_t c_push_ramp(RingscopeProducer *producer, size_t n) {
    uint64_t block[64];
    if (n > 64) n = 64;
    for (size_t i = 0; i < n; i++) block[i] = i;
    return ringscope_producer_push(producer, block, n);
}

/* Pops up to n elements, adding them up: the consumer side of the same C API. */
size_t c_pop_sum(RingscopeConsumer *consumer, size_t n, uint64_t *sum) {
    RingscopeReadRegions r;
    size_t lent = ringscope_consumer_read_regions(consumer, n, &r);
    const uint64_t *a = r.first, *b = r.second;
    for (size_t i = 0; i < r.first_len; i++) *sum += a[i];
    for (size_t i = 0; i < r.second_len; i++) *sum += b[i];
    return ringscope_consumer_commit(consumer, lent);
}
"""


@pytest.fixture(scope="module")
def user_module(build_dir: Path) -> ModuleType:
    """A user's CFFI module: built with ringscope.pa.cdef(), linked to ringscope's library."""
    return build_cffi(build_dir, "_user_cffi", USER_CDEF, USER_SOURCE)


def test_init_binds_the_class_to_the_users_cffi_module(user_module: ModuleType) -> None:
    """init(ffi, lib) returns the RingBuffer class of that module: C and Python share a ring.

    Its handles are typed pointers of the user's ffi; write/readinto take CFFI data too.
    """
    ffi, lib = user_module.ffi, user_module.lib
    bound = ringscope.pa.init(ffi, lib)
    assert bound.__name__ == "RingBuffer"
    assert issubclass(bound, RingBuffer)
    from_c = bound(8, 100)
    producer = from_c.producer_handle()
    assert ffi.typeof(producer) is ffi.typeof("RingscopeProducer *")
    assert lib.c_push_ramp(producer, 10) == 10
    np.testing.assert_array_equal(np.frombuffer(from_c.read(), dtype=np.uint64), np.arange(10))
    with pytest.raises(RuntimeError, match="handed to C"):
        from_c.write(bytes(8))
    lib.ringscope_producer_release(producer)

    to_c = bound(8, 16)
    values = ffi.new("uint64_t[]", [5, 6, 7])
    assert to_c.write(values) == 3  # a CFFI array: its whole size
    assert to_c.write(ffi.cast("uint64_t *", values), 2) == 2  # a pointer needs a size
    with pytest.raises(TypeError, match="size is required"):
        to_c.write(ffi.cast("uint64_t *", values))
    consumer = to_c.consumer_handle()
    total = ffi.new("uint64_t *", 0)
    assert lib.c_pop_sum(consumer, 16, total) == 5
    assert total[0] == 5 + 6 + 7 + 5 + 6
    lib.ringscope_consumer_release(consumer)

    back = bound(8, 4)
    back.write(np.array([9, 8], dtype=np.uint64))
    out = ffi.new("uint64_t[4]")
    assert back.readinto(out) == 2
    assert list(out) == [9, 8, 0, 0]


def test_init_refuses_a_module_of_another_version_or_another_copy(
    user_module: ModuleType, build_dir: Path
) -> None:
    """Init checks the C API version and that the module reaches the library Python loaded."""
    cffi = import_or_require("cffi")

    class WrongVersion:
        @staticmethod
        def ringscope_abi_version() -> int:
            return ringscope.ABI_VERSION + 1

    with pytest.raises(RuntimeError, match="version"):
        ringscope.pa.init(user_module.ffi, WrongVersion())
    copy = build_dir / "copy_of_ringscope.so"
    shutil.copyfile(ringscope.get_library(), copy)
    ffi = cffi.FFI()
    ffi.cdef(ringscope.pa.cdef())
    other = ffi.dlopen(str(copy))
    with pytest.raises(RuntimeError, match="another copy"):
        ringscope.pa.init(ffi, other)
    # The library itself, opened in CFFI's ABI mode, is the same copy: accepted.
    same = ringscope.pa.init(ffi, ffi.dlopen(ringscope.get_library()))
    assert same(1, 2).write(b"ab") == 2
