# distutils: language = c++
# cython: language_level=3
"""A C++ thread pushing into a ringbuf 2.6 RingBuffer through queue_void_ptr(), as ringbuf's
Cython example does: the rival of rs_cthread.c's producer in python/bench.py.

Frames are uint32 sequence numbers; the thread pushes only whole elements that fit (a retrying
producer), block by block, until it has pushed `total`.
"""

from libc.stdint cimport uint64_t
from ringbuf.ringbufcy cimport RingBuffer

cdef extern from *:
    """
    #include <algorithm>
    #include <atomic>
    #include <cstdint>
    #include <thread>
    #include <vector>
    #include <boost/lockfree/spsc_queue.hpp>

    struct rb_producer {
        std::thread thread;
        uint64_t pushed = 0;
    };

    static rb_producer *rb_start(void *q, uint64_t total, size_t block) {
        auto *p = new rb_producer;
        auto *queue = static_cast<boost::lockfree::spsc_queue<char> *>(q);
        p->thread = std::thread([p, queue, total, block] {
            std::vector<uint32_t> buf(block);
            uint64_t sent = 0;
            while (sent < total) {
                size_t n = (size_t)std::min<uint64_t>(block, total - sent);
                size_t room = queue->write_available() / sizeof(uint32_t);
                n = std::min(n, room);
                for (size_t i = 0; i < n; i++) buf[i] = (uint32_t)(sent + i);
                sent += queue->push(reinterpret_cast<const char *>(buf.data()),
                                    n * sizeof(uint32_t)) / sizeof(uint32_t);
            }
            p->pushed = sent;
        });
        return p;
    }

    static uint64_t rb_join(rb_producer *p) {
        p->thread.join();
        uint64_t pushed = p->pushed;
        delete p;
        return pushed;
    }
    """
    ctypedef struct rb_producer:
        pass
    rb_producer *rb_start(void *q, uint64_t total, size_t block) nogil
    uint64_t rb_join(rb_producer *p) nogil


cdef class Producer:
    """A running C++ producer thread; join() waits for it and returns how many it pushed."""

    cdef rb_producer *p
    cdef RingBuffer ring  # keeps the queue alive while the thread pushes

    def __cinit__(self, RingBuffer ring, uint64_t total, size_t block):
        if ring.itemsize != 4:
            raise ValueError("the producer pushes uint32 elements")
        self.ring = ring
        self.p = rb_start(ring.queue_void_ptr(), total, block)

    def join(self):
        cdef uint64_t pushed
        with nogil:
            pushed = rb_join(self.p)
        self.p = NULL
        return pushed
