/*
 * rs_cthread: a plain CPython C extension that uses ringscope through its capsule, the way a
 * C library shipping its own extension module would (no linking against ringscope: the
 * function table comes from PyCapsule_Import("ringscope._ringscope._C_API", 0)).
 *
 * It starts C threads that push (or pop) sequence-numbered frames through a handle Python gave
 * it, with no GIL. With `strict` set, each thread first enters seccomp's strict mode, where the
 * kernel kills the thread on any system call other than read, write, _exit and sigreturn: a
 * thread that reports `completed` made none while it used the ring.
 *
 * Frames are `channels` uint32 samples; sample c of frame i holds i * channels + c.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <linux/seccomp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ringscope.h"

static const RingscopeApi *rs;

#define MAX_BLOCK 4096
#define MAX_CHANNELS 8

typedef struct {
    pthread_t thread;
    int producer; /* 1: pushes, 0: pops */
    void *handle;
    uint64_t total;    /* frames to move */
    size_t block;      /* frames per call */
    size_t channels;
    int zero_copy;     /* regions + commit instead of push/pop */
    int strict;        /* seccomp strict mode */
    int entered_strict;
    /* results, written by the thread */
    uint64_t moved;
    uint64_t spins;    /* calls that found the ring full (producer) or empty (consumer) */
    uint64_t errors;   /* sequence mismatches (consumer) */
    int abandoned;     /* stopped because the other end was gone */
    atomic_int completed;
} worker;

static void fill(uint32_t *dst, uint64_t first_frame, size_t frames, size_t channels) {
    if (channels == 1) { /* the common case, kept simple enough to vectorise */
        for (size_t i = 0; i < frames; i++)
            dst[i] = (uint32_t)(first_frame + i);
        return;
    }
    for (size_t i = 0; i < frames; i++)
        for (size_t c = 0; c < channels; c++)
            dst[i * channels + c] = (uint32_t)((first_frame + i) * channels + c);
}

static uint64_t check(const uint32_t *src, uint64_t first_frame, size_t frames, size_t channels) {
    uint64_t errors = 0;
    for (size_t i = 0; i < frames; i++)
        for (size_t c = 0; c < channels; c++)
            errors += src[i * channels + c] != (uint32_t)((first_frame + i) * channels + c);
    return errors;
}

static void *run(void *arg) {
    worker *w = arg;
    uint32_t block[MAX_BLOCK * MAX_CHANNELS];
    if (w->strict) {
        if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) != 0)
            return NULL; /* entered_strict stays 0: the test fails */
        w->entered_strict = 1;
    }
    while (w->moved < w->total) {
        uint64_t left = w->total - w->moved;
        size_t want = left < w->block ? (size_t)left : w->block;
        size_t n;
        if (w->producer && w->zero_copy) {
            RingscopeWriteRegions r;
            n = rs->producer_write_regions(w->handle, want, &r);
            fill(r.first, w->moved, r.first_len, w->channels);
            fill(r.second, w->moved + r.first_len, r.second_len, w->channels);
            n = rs->producer_commit(w->handle, n);
        } else if (w->producer) {
            /* A retrying producer: push only what fits, so nothing counts as dropped. */
            size_t free = rs->producer_write_available(w->handle);
            n = want < free ? want : free;
            fill(block, w->moved, n, w->channels);
            n = rs->producer_push(w->handle, block, n);
        } else if (w->zero_copy) {
            RingscopeReadRegions r;
            n = rs->consumer_read_regions(w->handle, want, &r);
            w->errors += check(r.first, w->moved, r.first_len, w->channels);
            w->errors += check(r.second, w->moved + r.first_len, r.second_len, w->channels);
            n = rs->consumer_commit(w->handle, n);
        } else {
            n = rs->consumer_pop(w->handle, block, want);
            w->errors += check(block, w->moved, n, w->channels);
        }
        w->moved += n;
        if (n == 0) {
            w->spins++;
            /* Nothing moved: is the other end still there? */
            if (w->producer ? rs->producer_is_abandoned(w->handle)
                            : rs->consumer_is_abandoned(w->handle) &&
                                  !rs->consumer_read_available(w->handle)) {
                w->abandoned = 1;
                break;
            }
        }
    }
    if (!w->abandoned)
        atomic_store_explicit(&w->completed, 1, memory_order_release);
    if (w->strict)
        syscall(SYS_exit, 0); /* strict mode allows _exit only, not exit_group or munmap */
    return NULL;
}

static void destroy(PyObject *capsule) {
    free(PyCapsule_GetPointer(capsule, "rs_cthread.worker"));
}

static PyObject *start(PyObject *self, PyObject *args, PyObject *kwargs, int producer) {
    static char *keywords[] = {"handle", "total", "block", "channels", "zero_copy", "strict", NULL};
    unsigned long long handle, total;
    Py_ssize_t block, channels = 1;
    int zero_copy = 0, strict = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "KKn|npp", keywords, &handle, &total, &block,
                                     &channels, &zero_copy, &strict))
        return NULL;
    if (block < 1 || block > MAX_BLOCK || channels < 1 || channels > MAX_CHANNELS) {
        PyErr_SetString(PyExc_ValueError, "block or channels out of range");
        return NULL;
    }
    size_t element = (size_t)channels * sizeof(uint32_t);
    size_t actual = producer ? rs->producer_element_size((RingscopeProducer *)(uintptr_t)handle)
                             : rs->consumer_element_size((RingscopeConsumer *)(uintptr_t)handle);
    if (actual != element) {
        PyErr_Format(PyExc_ValueError, "the ring's elements are %zu bytes, not %zu", actual, element);
        return NULL;
    }
    worker *w = calloc(1, sizeof *w);
    if (!w)
        return PyErr_NoMemory();
    *w = (worker){.producer = producer, .handle = (void *)(uintptr_t)handle, .total = total,
                  .block = (size_t)block, .channels = (size_t)channels, .zero_copy = zero_copy,
                  .strict = strict};
    PyObject *capsule = PyCapsule_New(w, "rs_cthread.worker", destroy);
    if (!capsule) {
        free(w);
        return NULL;
    }
    if (pthread_create(&w->thread, NULL, run, w) != 0) {
        Py_DECREF(capsule);
        PyErr_SetString(PyExc_OSError, "pthread_create failed");
        return NULL;
    }
    return capsule;
}

static PyObject *start_producer(PyObject *self, PyObject *args, PyObject *kwargs) {
    return start(self, args, kwargs, 1);
}

static PyObject *start_consumer(PyObject *self, PyObject *args, PyObject *kwargs) {
    return start(self, args, kwargs, 0);
}

/* Waits for the thread (without the GIL), releases its handle and returns its results. */
static PyObject *join(PyObject *self, PyObject *capsule) {
    worker *w = PyCapsule_GetPointer(capsule, "rs_cthread.worker");
    if (!w)
        return NULL;
    if (!w->handle) {
        PyErr_SetString(PyExc_ValueError, "already joined");
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    pthread_join(w->thread, NULL);
    Py_END_ALLOW_THREADS
    RingscopeCounters counters;
    if (w->producer) {
        counters = rs->producer_counters(w->handle);
        rs->producer_release(w->handle);
    } else {
        counters = rs->consumer_counters(w->handle);
        rs->consumer_release(w->handle);
    }
    w->handle = NULL;
    return Py_BuildValue("{s:K,s:K,s:K,s:O,s:O,s:O,s:K,s:K}", "moved", w->moved, "spins",
                         w->spins, "errors", w->errors, "abandoned",
                         w->abandoned ? Py_True : Py_False, "completed",
                         atomic_load(&w->completed) ? Py_True : Py_False, "entered_strict",
                         w->entered_strict ? Py_True : Py_False, "written", counters.written,
                         "dropped", counters.dropped);
}

/* ringbuf's Cython example, through a handle instead of queue_void_ptr(): a callback given
 * the producer as a void *, called by "some C library" on a thread of its own. */
static void callback(void *q) {
    double to_push[5] = {1.0, 2.0, 3.0, 4.0, 5.0};
    rs->producer_push((RingscopeProducer *)q, to_push, 5);
}

static void *some_c_library_thread(void *q) {
    callback(q);
    return NULL;
}

static PyObject *some_c_function(PyObject *self, PyObject *arg) {
    void *queue = PyLong_AsVoidPtr(arg);
    if (!queue && PyErr_Occurred())
        return NULL;
    pthread_t t;
    if (pthread_create(&t, NULL, some_c_library_thread, queue) != 0) {
        PyErr_SetString(PyExc_OSError, "pthread_create failed");
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    pthread_join(t, NULL);
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

static PyObject *release_producer(PyObject *self, PyObject *arg) {
    void *p = PyLong_AsVoidPtr(arg);
    if (!p && PyErr_Occurred())
        return NULL;
    rs->producer_release(p);
    Py_RETURN_NONE;
}

static PyObject *api_info(PyObject *self, PyObject *unused) {
    return Py_BuildValue("{s:I,s:n}", "abi_version", rs->abi_version, "size",
                         (Py_ssize_t)rs->size);
}

static PyMethodDef methods[] = {
    {"start_producer", (PyCFunction)(void (*)(void))start_producer, METH_VARARGS | METH_KEYWORDS,
     "Start a C thread pushing `total` frames through a producer handle."},
    {"start_consumer", (PyCFunction)(void (*)(void))start_consumer, METH_VARARGS | METH_KEYWORDS,
     "Start a C thread popping and checking `total` frames through a consumer handle."},
    {"join", join, METH_O, "Wait for a thread, release its handle, return its results."},
    {"some_c_function", some_c_function, METH_O,
     "Call the ringbuf-style callback with the handle on a C thread."},
    {"release_producer", release_producer, METH_O, "Release a producer handle."},
    {"api_info", api_info, METH_NOARGS, "The capsule table's version and size."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "rs_cthread", NULL, -1, methods};

PyMODINIT_FUNC PyInit_rs_cthread(void) {
    rs = PyCapsule_Import("ringscope._ringscope._C_API", 0);
    if (!rs)
        return NULL;
    if (rs->abi_version != RINGSCOPE_ABI_VERSION || rs->size < sizeof(RingscopeApi)) {
        PyErr_Format(PyExc_ImportError, "ringscope C API %u, built for %u", rs->abi_version,
                     RINGSCOPE_ABI_VERSION);
        return NULL;
    }
    return PyModule_Create(&module);
}
