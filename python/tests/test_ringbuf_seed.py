"""``ringbuf``'s documented examples, verbatim under ``from ringscope import RingBuffer``.

Then the same calls through the real ``ringbuf`` 2.6 and ours side by side, where its
semantics matter (overflow return, underflow, empty pop, reset, availability, errors).
"""

from __future__ import annotations

import array
import random
from functools import partial
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from support import import_or_require

import ringscope


def test_seed_numpy_example() -> None:
    """The seed's first example."""
    import numpy as np

    from ringscope import RingBuffer

    buffer = RingBuffer(format='f', capacity=100)
    data = np.linspace(-1, 1, num=100, dtype='f')
    buffer.push(data)
    popped = buffer.pop(100)
    assert np.array_equal(data, popped)  # type: ignore[arg-type]  # pop may return None


def test_seed_bytes_example() -> None:
    """The seed's second example."""
    from ringscope import RingBuffer

    buffer = RingBuffer(format='B', capacity=11)
    buffer.push(b'hello world')
    popped = buffer.pop(11)
    assert bytes(popped) == b'hello world'  # type: ignore[arg-type]


def test_seed_overflow_example() -> None:
    """"When RingBuffer.push() overflows, it returns the data that couldn't be pushed"."""
    from ringscope import RingBuffer

    buffer = RingBuffer(format='B', capacity=10)
    overflowed = buffer.push(b'spam eggs ham')
    assert overflowed == b'ham'


def test_seed_underflow_example() -> None:
    """"When RingBuffer.pop() underflows, it returns whatever data could be popped"."""
    from ringscope import RingBuffer

    buffer = RingBuffer(format='B', capacity=13)
    buffer.push(b'spam eggs ham')
    popped = buffer.pop(buffer.capacity * 100)
    assert bytes(popped) == b'spam eggs ham'  # type: ignore[arg-type]


def test_seed_reset_and_concatenate() -> None:
    """The seed's changelog: ``reset()`` clears the buffer; ``concatenate`` joins buffers."""
    from ringscope import RingBuffer, concatenate

    buffer = RingBuffer(format="d", capacity=8)
    buffer.push(array.array("d", [1.0, 2.0]))
    buffer.reset()
    assert buffer.pop(8) is None
    joined = concatenate(array.array("d", [1.0]), np.array([2.0, 3.0]))
    assert joined.format == "d"
    assert joined.tolist() == [1.0, 2.0, 3.0]
    with pytest.raises(TypeError, match="Mismatched format"):
        concatenate(array.array("d", [1.0]), array.array("f", [1.0]))
    with pytest.raises(ValueError, match="at least one"):
        concatenate()
    with pytest.raises(ValueError, match="1-dimensional"):
        concatenate(np.zeros((2, 2)))


@pytest.fixture(scope="module")
def ringbuf() -> ModuleType:
    """The real ringbuf 2.6 (boost's spsc_queue), for differential tests."""
    module = import_or_require("ringbuf")
    assert module.__version__.startswith("2.6")
    return module


def outcome(call: Any) -> tuple[str, Any]:  # noqa: ANN401
    """A call's result as comparable data: ('ok', value) or ('error', exception type)."""
    try:
        value = call()
    except Exception as error:  # noqa: BLE001 - the type is the result
        return ("error", type(error))
    if value is None:
        return ("ok", None)
    if isinstance(value, bytes | bytearray | int | bool | str):
        return ("ok", value)
    kind = type(value).__name__ if isinstance(value, np.ndarray | array.array) else "buffer"
    return ("ok", (kind, bytes(memoryview(value).cast("B"))))


@pytest.mark.parametrize("seed", range(20))
def test_random_calls_match_ringbuf(ringbuf: ModuleType, seed: int) -> None:
    """Random push/pop/reset sequences: every result equals ringbuf 2.6's (values and types)."""
    rng = random.Random(seed)
    fmt = rng.choice("bBhHiIqQfd")
    capacity = rng.randint(1, 40)
    theirs = ringbuf.RingBuffer(format=fmt, capacity=capacity)
    ours = ringscope.RingBuffer(format=fmt, capacity=capacity)
    counter = 0
    for _ in range(200):
        op = rng.choice(["push", "push", "pop", "pop", "available", "reset"])
        if op == "push":
            n = rng.randint(0, capacity + 5)
            kind = rng.choice(["numpy", "array", "bytes"] if fmt == "B" else ["numpy", "array"])
            values = [(counter + i) % 100 for i in range(n)]
            counter += n
            data: Any = (np.array(values, dtype=fmt) if kind == "numpy"
                         else array.array(fmt, values) if kind == "array" else bytes(values))
            # Overflow: a slice of the same type as what was pushed, or None.
            assert outcome(partial(ours.push, data)) == outcome(partial(theirs.push, data))
        elif op == "pop":
            n = rng.randint(1, capacity + 5)  # ringbuf refuses pop(0) (see below)
            assert outcome(partial(ours.pop, n)) == outcome(partial(theirs.pop, n))
        elif op == "available":
            assert (ours.read_available, ours.write_available) == (
                theirs.read_available, theirs.write_available)
        else:
            theirs.reset()
            ours.reset()
    assert ours.capacity == theirs.capacity
    assert ours.format == theirs.format
    assert ours.itemsize == theirs.itemsize
    assert ours.is_lock_free and theirs.is_lock_free


def test_errors_match_ringbuf(ringbuf: ModuleType) -> None:
    """The same bad calls fail with the same exception types as in ringbuf (or a documented,
    clearer ValueError where ringbuf raises BufferError or struct.error).
    """
    for cls in (ringbuf.RingBuffer, ringscope.RingBuffer):
        with pytest.raises(ValueError, match="capacity must be > 0"):
            cls(format="f", capacity=0)
        ring = cls(format="f", capacity=4)
        with pytest.raises(TypeError, match="Mismatched format"):
            ring.push(np.zeros(2, dtype="d"))
        with pytest.raises(ValueError, match=r"(?i)1-dimensional"):
            ring.push(np.zeros((2, 2, 2), dtype="f"))
        with pytest.raises(TypeError):
            ring.push(3)  # type: ignore[type-var]
        with pytest.raises(ValueError):  # noqa: PT011 - both libraries' own messages
            ring.pop(-1)
        assert ring.pop(1) is None  # an empty pop returns None in both
    # Where they differ, ours is the more specific error:
    with pytest.raises(BufferError):
        ringbuf.RingBuffer(format="f", capacity=4).push(np.zeros(8, "f")[::2])
    with pytest.raises(ValueError, match="C-contiguous"):
        ringscope.RingBuffer(format="f", capacity=4).push(np.zeros(8, "f")[::2])
    with pytest.raises(ValueError, match="unsupported format"):
        ringscope.RingBuffer(format="z", capacity=3)
    # ringbuf raises on pop(0) (a Cython array of shape (0,)); ours returns None, like any
    # pop that finds nothing.
    with pytest.raises(ValueError, match="Invalid shape"):
        ringbuf.RingBuffer(format="f", capacity=4).pop(0)
    assert ringscope.RingBuffer(format="f", capacity=4).pop(0) is None


def test_popped_objects_are_used_as_ringbufs_are(ringbuf: ModuleType) -> None:
    """bytes(), array.array(), numpy and len() accept what pop returns, in both libraries."""
    for cls in (ringbuf.RingBuffer, ringscope.RingBuffer):
        ring = cls(format="d", capacity=8)
        ring.push(array.array("d", [1.0, 2.0, 3.0]))
        popped = ring.pop(8)
        assert popped is not None
        assert len(popped) == 3
        assert list(popped) == [1.0, 2.0, 3.0]
        assert array.array("d", popped) == array.array("d", [1.0, 2.0, 3.0])
        assert bytes(popped) == array.array("d", [1.0, 2.0, 3.0]).tobytes()
        as_array = np.asarray(popped)
        assert as_array.dtype == np.float64
        assert as_array.shape == (3,)
        as_array[0] = 9.0  # writable, as ringbuf's
        assert popped[0] == 9.0
