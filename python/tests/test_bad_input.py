"""Bad input: a clear TypeError or ValueError, nothing written, nothing lost, never a crash.

Each bad call is made on a ring holding known data; afterwards the ring still holds exactly
that data and its counters are unchanged.
"""

from __future__ import annotations

import array
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import ringscope.pa
from ringscope import RingBuffer

KNOWN = np.arange(6, dtype=np.float32).reshape(3, 2)


def stereo_ring() -> RingBuffer:
    """A 2-channel float32 ring of 8 frames holding KNOWN (3 frames)."""
    ring = RingBuffer("f", capacity=8, channels=2)
    assert ring.push(KNOWN) is None
    return ring


def assert_untouched(ring: RingBuffer) -> None:
    """The ring holds KNOWN and nothing else, with counters of one push of it."""
    assert (ring.written, ring.read, ring.dropped) == (3, 0, 0)
    popped = ring.pop(100)
    assert popped is not None
    np.testing.assert_array_equal(np.asarray(popped), KNOWN)


BAD_PUSHES: list[tuple[str, Any, type[Exception], str | None]] = [
    ("float64 into float32", np.zeros((2, 2)), TypeError, "Mismatched format"),
    ("int32 of the same size", np.zeros((2, 2), dtype=np.int32), TypeError, "Mismatched format"),
    ("bytes", b"12345678", TypeError, "Mismatched format"),
    ("not a buffer", 3.5, TypeError, None),
    ("a list", [[0.0, 0.0]], TypeError, None),
    ("None", None, TypeError, None),
    ("1-D into 2 channels", np.zeros(4, dtype="f"), ValueError, r"shape \(n, 2\)"),
    ("3 channels into 2", np.zeros((2, 3), dtype="f"), ValueError, r"shape \(n, 2\)"),
    ("3-D", np.zeros((2, 2, 2), dtype="f"), ValueError, r"shape \(n, 2\)"),
    ("scalar", np.float32(1.0), ValueError, r"shape \(n, 2\)"),
    ("strided rows", np.zeros((4, 2), dtype="f")[::2], ValueError, "C-contiguous"),
    ("Fortran order", np.asfortranarray(np.zeros((3, 2), dtype="f")), ValueError, "C-contiguous"),
    ("transposed", np.zeros((2, 4), dtype="f").T, ValueError, "C-contiguous"),
]


@pytest.mark.parametrize(("data", "error", "match"), [b[1:] for b in BAD_PUSHES],
                         ids=[b[0] for b in BAD_PUSHES])
def test_bad_push_is_refused_whole(data: Any, error: type[Exception], match: str | None) -> None:  # noqa: ANN401
    """Push of a wrong format, shape or layout raises and writes nothing."""
    ring = stereo_ring()
    with pytest.raises(error, match=match):
        ring.push(data)
    assert_untouched(ring)


def read_only(array: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """The array, made read-only."""
    array.flags.writeable = False
    return array


BAD_OUTS: list[tuple[str, Any, type[Exception], str | None]] = [
    ("read-only array", read_only(np.zeros((4, 2), dtype="f")), TypeError, "writable"),
    ("bytes", bytes(32), TypeError, "writable"),
    ("wrong format", np.zeros((4, 2), dtype=np.float64), TypeError, "Mismatched format"),
    ("wrong channels", np.zeros((4, 3), dtype="f"), ValueError, r"shape \(n, 2\)"),
    ("strided", np.zeros((8, 2), dtype="f")[::2], ValueError, "C-contiguous"),
    ("not a buffer", "abc", TypeError, None),
]


@pytest.mark.parametrize(("out", "error", "match"), [b[1:] for b in BAD_OUTS],
                         ids=[b[0] for b in BAD_OUTS])
def test_bad_pop_into_pops_nothing(out: Any, error: type[Exception], match: str | None) -> None:  # noqa: ANN401
    """pop_into a read-only, mistyped, misshapen or strided buffer raises and pops nothing."""
    ring = stereo_ring()
    with pytest.raises(error, match=match):
        ring.pop_into(out)
    assert_untouched(ring)


@pytest.mark.parametrize(
    ("count", "error"),
    [(-1, ValueError), (-(2**70), ValueError), (1.5, TypeError), ("3", TypeError),
     (None, TypeError)],
)
def test_bad_pop_counts(count: Any, error: type[Exception]) -> None:  # noqa: ANN401
    """Negative, huge negative, fractional and non-integer counts: a clear error, nothing popped."""
    ring = stereo_ring()
    with pytest.raises(error):
        ring.pop(count)
    assert_untouched(ring)


def test_oversized_pop_count_pops_what_there_is() -> None:
    """pop(2**70) is 'everything', not an allocation of 2**70 frames."""
    ring = stereo_ring()
    popped = ring.pop(2**70)
    assert popped is not None
    assert popped.shape == (3, 2)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"format": "f", "capacity": 0}, ValueError, "capacity must be > 0"),
        ({"format": "f", "capacity": -5}, ValueError, "capacity must be > 0"),
        ({"format": "f", "capacity": 2**64}, ValueError, "capacity"),
        ({"format": "f", "capacity": 2**62}, ValueError, "too large|TooLarge|address"),
        ({"format": "f", "capacity": 1.5}, TypeError, None),
        ({"format": "f", "capacity": 4, "channels": 0}, ValueError, "channels"),
        ({"format": "f", "capacity": 4, "channels": 2**63}, ValueError, "large|ring"),
        ({"format": "ff", "capacity": 4}, ValueError, "unsupported format"),
        ({"format": "x", "capacity": 4}, ValueError, "unsupported format"),
        ({"format": ">f", "capacity": 4}, ValueError, "unsupported format"),
        ({"format": "", "capacity": 4}, ValueError, "unsupported format"),
    ],
)
def test_bad_construction(
    kwargs: dict[str, Any], error: type[Exception], match: str | None
) -> None:
    """Zero, negative, absurd or non-integer capacities and channel counts, unknown formats."""
    with pytest.raises(error, match=match):
        RingBuffer(**kwargs)


def test_absurd_but_addressable_capacity_is_a_memory_error_not_an_abort() -> None:
    """A ring larger than the machine: MemoryError (the byte ring's fallible constructor)."""
    with pytest.raises(MemoryError):
        RingBuffer("d", capacity=2**59 // 8 * 7)  # ~ 2^62 bytes: fits isize, not the machine


# --- ringscope.pa ---------------------------------------------------------------------


def pa_ring() -> ringscope.pa.RingBuffer:
    """A pa ring of 8 elements of 3 bytes holding b'abcdefghi' (3 elements)."""
    ring = ringscope.pa.RingBuffer(3, 8)
    assert ring.write(b"abcdefghi") == 3
    return ring


def assert_pa_untouched(ring: ringscope.pa.RingBuffer) -> None:
    """The pa ring holds b'abcdefghi' and nothing else."""
    assert ring.read_available == 3
    assert ring.read() == b"abcdefghi"


PaCall = Callable[[ringscope.pa.RingBuffer], object]

PA_BAD: list[tuple[str, PaCall, type[Exception], str | None]] = [
    ("write: size not a multiple", lambda r: r.write(b"abcd"), ValueError, "multiple of"),
    ("write: size beyond data", lambda r: r.write(b"abcdef", 3), ValueError, "exceeds"),
    ("write: strided", lambda r: r.write(np.zeros(12, np.uint8)[::2]), ValueError, "C-contiguous"),
    ("write: not a buffer", lambda r: r.write(12), TypeError, None),  # type: ignore[arg-type]
    ("write: float size", lambda r: r.write(b"abc", 1.0), TypeError, None),  # type: ignore[arg-type]
    ("readinto: read-only", lambda r: r.readinto(b"xxx"), TypeError, "writable"),
    ("readinto: not a multiple", lambda r: r.readinto(bytearray(4)), ValueError, "multiple"),
    ("readinto: strided", lambda r: r.readinto(np.zeros(12, np.uint8)[::2]), ValueError,
     "C-contiguous"),
    ("get_write_buffers: negative", lambda r: r.get_write_buffers(-1), ValueError, ">= 0"),
    ("get_read_buffers: negative", lambda r: r.get_read_buffers(-1), ValueError, ">= 0"),
    ("advance_write_index: beyond free", lambda r: r.advance_write_index(6), ValueError, "only 5"),
    ("advance_write_index: negative", lambda r: r.advance_write_index(-1), ValueError, ">= 0"),
    ("advance_read_index: too far", lambda r: r.advance_read_index(4), ValueError, "only 3"),
    ("advance_read_index: huge", lambda r: r.advance_read_index(2**80), ValueError, "too large"),
    ("read: float size", lambda r: r.read(1.5), TypeError, None),  # type: ignore[arg-type]
]


@pytest.mark.parametrize(("call", "error", "match"), [b[1:] for b in PA_BAD],
                         ids=[b[0] for b in PA_BAD])
def test_pa_bad_calls_change_nothing(
    call: PaCall, error: type[Exception], match: str | None
) -> None:
    """Every pa call with bad arguments raises a clear error and leaves the ring as it was."""
    ring = pa_ring()
    with pytest.raises(error, match=match):
        call(ring)
    assert_pa_untouched(ring)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((3,), {}, TypeError, "size is required"),
        ((0, 8), {}, ValueError, "elementsize"),
        ((3, 0), {}, ValueError, "size"),
        ((3, -8), {}, ValueError, "size"),
        ((3, 2**62), {}, ValueError, "cannot make the ring"),
        ((3,), {"buffer": bytearray(24)}, TypeError, "buffer= is not supported"),
        ((3, 8), {"buffer": bytearray(24)}, TypeError, "buffer= is not supported"),
        ((1.5, 8), {}, TypeError, None),
    ],
)
def test_pa_bad_construction(args: tuple[Any, ...], kwargs: dict[str, Any],
                             error: type[Exception], match: str | None) -> None:
    """pa_ringbuffer's constructor errors, plus buffer= (memory the caller owns) refused."""
    with pytest.raises(error, match=match):
        ringscope.pa.RingBuffer(*args, **kwargs)


def test_pa_closed_ring_raises() -> None:
    """Every pa call on a closed ring raises ValueError."""
    ring = pa_ring()
    ring.close()
    for call in (lambda: ring.write(b"abc"), ring.read, lambda: ring.readinto(bytearray(3)),
                 lambda: ring.get_write_buffers(1), lambda: ring.get_read_buffers(1),
                 lambda: ring.advance_write_index(0), lambda: ring.advance_read_index(0),
                 ring.flush, lambda: ring.read_available, lambda: ring.write_available,
                 ring.producer_handle):
        with pytest.raises(ValueError, match="closed"):
            call()
    assert len(ring) == 8  # metadata stays readable


def test_array_module_buffers_of_wrong_type() -> None:
    """array.array of the wrong type code is refused like a NumPy array would be."""
    ring = RingBuffer("f", capacity=4)
    with pytest.raises(TypeError, match="Mismatched format"):
        ring.push(array.array("d", [1.0]))
    assert ring.read_available == 0
