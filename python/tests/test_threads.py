"""Two Python threads on one ring object: a producer and a consumer run at the same time (no
"Already borrowed", no lock between them), and threads sharing one end are serialised, never
corrupting the ring.
"""

from __future__ import annotations

import threading
import time

import numpy as np

import ringscope
from ringscope import RingBuffer

BLOCK = 512


def test_producer_and_consumer_threads_on_the_same_object() -> None:
    """One thread pushes numbered stereo blocks while another pops: all arrive, in order."""
    ring = RingBuffer("i", capacity=4 * BLOCK, channels=2)
    total = 400 * BLOCK
    errors: list[BaseException] = []

    def produce() -> None:
        try:
            sent = 0
            while sent < total:
                block = np.arange(sent, sent + BLOCK, dtype=np.int32).repeat(2).reshape(BLOCK, 2)
                rest = ring.push(block)
                sent += BLOCK - (0 if rest is None else len(rest))
                if rest is not None:
                    time.sleep(0)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    thread = threading.Thread(target=produce)
    thread.start()
    received = 0
    out = np.empty((BLOCK, 2), dtype=np.int32)
    deadline = time.monotonic() + 60
    while received < total and time.monotonic() < deadline and not errors:
        n = ring.pop_into(out)
        if n:
            expected = np.arange(received, received + n, dtype=np.int32)
            np.testing.assert_array_equal(out[:n, 0], expected)
            np.testing.assert_array_equal(out[:n, 1], expected)
            received += n
        else:
            time.sleep(0)
    thread.join()
    assert not errors, errors
    assert received == total
    assert (ring.written, ring.read, ring.dropped) == (total, total, 0)


def test_gil_free_copies_let_both_ends_work_at_once() -> None:
    """Large blocks are copied with the GIL released: a producer and a consumer thread moving
    blocks above DETACH_BYTES overlap and still deliver every frame intact.
    """
    frames = ringscope._ringscope.DETACH_BYTES // 8 * 2
    ring = RingBuffer("d", capacity=4 * frames)
    rounds = 40
    data = np.arange(frames, dtype=np.float64)
    errors: list[BaseException] = []

    def produce() -> None:
        try:
            for r in range(rounds):
                block = data + r * frames
                while (rest := ring.push(block)) is not None:
                    block = rest
                    time.sleep(0)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    thread = threading.Thread(target=produce)
    thread.start()
    out = np.empty(frames)
    got = 0
    while got < rounds * frames and not errors:
        n = ring.pop_into(out)
        np.testing.assert_array_equal(out[:n], np.arange(got, got + n, dtype=np.float64))
        got += n
        if not n:
            time.sleep(0)
    thread.join()
    assert not errors, errors
    assert got == rounds * frames


def test_threads_sharing_an_end_are_serialised() -> None:
    """Three producer threads push at once, two consumer threads pop at once, with blocks large
    enough (16 MB) to be copied without the GIL for a millisecond or more, so the calls really
    overlap: each end's lock serialises its threads, and every frame arrives exactly once,
    intact, and in each producer's order as each consumer sees the ring. (Without the locks
    this test fails: overlapping pushes reserve the same slots.)
    """
    frames = 700_000  # 3 int64 samples per frame: 16.8 MB per block
    assert frames * 24 > 50 * ringscope._ringscope.DETACH_BYTES
    ring = RingBuffer("q", capacity=3 * frames, channels=3)
    producers, blocks = 3, 8
    received: list[list[np.ndarray]] = [[], []]
    done = threading.Event()
    errors: list[BaseException] = []

    def produce(tag: int) -> None:
        try:
            for b in range(blocks):
                index = np.arange(b * frames, (b + 1) * frames, dtype=np.int64)
                block = np.stack([np.full(frames, tag), index, tag * 10**9 + index], axis=1)
                rest = ring.push(block)
                while rest is not None:
                    time.sleep(0)
                    rest = ring.push(rest)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    def consume(into: list[np.ndarray]) -> None:
        out = np.empty((frames // 2, 3), dtype=np.int64)
        try:
            while not done.is_set() or ring.read_available:
                n = ring.pop_into(out)
                if n:
                    into.append(out[:n].copy())
                else:
                    time.sleep(0)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    consumers = [threading.Thread(target=consume, args=(r,)) for r in received]
    writers = [threading.Thread(target=produce, args=(t,)) for t in range(producers)]
    for thread in consumers + writers:
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    for thread in consumers:
        thread.join()
    assert not errors, errors
    everything = np.concatenate([chunk for r in received for chunk in r])
    assert (everything[:, 2] == everything[:, 0] * 10**9 + everything[:, 1]).all(), "torn frames"
    for tag in range(producers):
        mine = np.sort(everything[everything[:, 0] == tag, 1])
        np.testing.assert_array_equal(mine, np.arange(blocks * frames))  # once each
    for r in received:
        seen = np.concatenate(r)
        for tag in range(producers):
            assert (np.diff(seen[seen[:, 0] == tag, 1]) > 0).all(), "reordered"
    assert ring.written == ring.read == producers * blocks * frames
