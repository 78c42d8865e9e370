r"""``pa_ringbuffer``'s module, on Ringscope's ring: ``cdef()``, ``init(ffi, lib)``, ``RingBuffer``.

``pa_ringbuffer`` 0.1.4 wraps PortAudio's ring buffer for CFFI users: ``cdef()`` gives the
C declarations for the user's CFFI module, ``init(ffi, lib)`` the ``RingBuffer`` class bound to
that module, so that the user's C code and Python share one ring. Here:

- ``cdef()`` returns the declarations of ``ringscope.h`` (the ``ringscope_*`` functions);
- a CFFI module built with them, linked against ``ringscope.get_library()``, gets its class
  from ``init(ffi, lib)``: instances hand C their ends as typed CFFI pointers
  (``producer_handle()`` → ``RingscopeProducer *``), and ``write``/``readinto`` accept CFFI
  pointers and arrays as well as buffers;
- ``RingBuffer(elementsize, size)`` works without any CFFI module.

Example (the user's build script, then their module)::

    from cffi import FFI
    import ringscope, ringscope.pa

    ffibuilder = FFI()
    ffibuilder.cdef(ringscope.pa.cdef())
    ffibuilder.cdef("int start_callback(RingscopeProducer *producer);")  # your own
    ffibuilder.set_source(
        "_mycffimodule",
        '#include "ringscope.h"\n/* your implementation, calling ringscope_producer_push */',
        include_dirs=[ringscope.get_include()],
        extra_link_args=[ringscope.get_library()],
    )

    import ringscope.pa
    from _mycffimodule import ffi, lib

    RingBuffer = ringscope.pa.init(ffi, lib)
    ring = RingBuffer(elementsize=8, size=8192)
    lib.start_callback(ring.producer_handle())   # C releases the handle when done
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ringscope
from ringscope import _ringscope

if TYPE_CHECKING:
    from ringscope._ringscope import _BufferLike

__all__ = ["RegionView", "RingBuffer", "cdef", "init"]

RingBuffer = _ringscope.PaRingBuffer
RegionView = _ringscope.RegionView

_CPLUSPLUS_GUARD = re.compile(r"^#ifdef __cplusplus\n.*?^#endif[^\n]*\n", re.MULTILINE | re.DOTALL)
_INTEGER_DEFINE = re.compile(r"^#define\s+\w+\s+-?\d+\s*$")


def cdef() -> str:
    """Return C declarations needed by CFFI: those of ``ringscope.h``.

    The header without its preprocessor lines (integer ``#define`` constants are kept, which
    CFFI understands), ready for ``FFI.cdef()``.
    """
    header = (Path(ringscope.get_include()) / "ringscope.h").read_text(encoding="utf-8")
    header = _CPLUSPLUS_GUARD.sub("", header)
    lines = [
        line
        for line in header.splitlines()
        if not line.startswith("#") or _INTEGER_DEFINE.match(line)
    ]
    return "\n".join(lines) + "\n"


def _linked_ring_new(ffi: Any, lib: Any) -> int:  # noqa: ANN401 - CFFI's objects are untyped
    """The address of the ``ringscope_ring_new`` that ``lib`` reaches.

    In API mode (a compiled module) the ``ringscope_api`` table it links to holds it
    (``ffi.addressof`` would give CFFI's own wrapper there); in ABI mode (``ffi.dlopen``) the
    table cannot be read but ``ffi.addressof`` gives the symbol itself.
    """
    try:
        function = lib.ringscope_api.ring_new
    except NotImplementedError:  # a dlopen() library: no access to non-integer constants
        function = ffi.addressof(lib, "ringscope_ring_new")
    return int(ffi.cast("uintptr_t", function))


def init(ffi: Any, lib: Any) -> type[RingBuffer]:  # noqa: ANN401 - CFFI's objects are untyped
    """Return RingBuffer class using the given CFFI instance.

    ``lib`` must be a CFFI module built with ``cdef()`` and linked against
    ``ringscope.get_library()``: ``RuntimeError`` if its C API version differs from this
    package's, or if it reaches another copy of the library than the one Python loaded.
    """
    version = int(lib.ringscope_abi_version())
    if version != ringscope.ABI_VERSION:
        raise RuntimeError(
            f"the CFFI module speaks ringscope C API version {version}, this package "
            f"{ringscope.ABI_VERSION}: rebuild it against this installation"
        )
    if _linked_ring_new(ffi, lib) != _ringscope._ring_new_address():
        raise RuntimeError(
            "the CFFI module reaches another copy of ringscope's library than the one Python "
            "loaded; link it against ringscope.get_library()"
        )

    def as_buffer(data: Any, size: int, elementsize: int) -> Any:  # noqa: ANN401
        """A CFFI pointer or array as a buffer of its bytes; anything else unchanged."""
        if not isinstance(data, ffi.CData):
            return data
        if size >= 0:
            return ffi.buffer(data, size * elementsize)
        if ffi.typeof(data).kind != "array":
            raise TypeError("size is required to write from a CFFI pointer")
        return ffi.buffer(data)

    class BoundRingBuffer(RingBuffer):
        __doc__ = RingBuffer.__doc__
        _ffi = ffi
        _lib = lib

        def producer_handle(self) -> Any:  # noqa: ANN401 - a CFFI pointer
            """Hand the writing end to C, as a ``RingscopeProducer *`` of ``ffi``."""
            return ffi.cast("RingscopeProducer *", super().producer_handle())

        def consumer_handle(self) -> Any:  # noqa: ANN401 - a CFFI pointer
            """Hand the reading end to C, as a ``RingscopeConsumer *`` of ``ffi``."""
            return ffi.cast("RingscopeConsumer *", super().consumer_handle())

        def write(self, data: _BufferLike | Any, size: int = -1) -> int:  # noqa: ANN401
            """Write data (a buffer, or a CFFI pointer or array) to the ring buffer."""
            return super().write(as_buffer(data, size, self.elementsize), size)

        def readinto(self, data: _BufferLike | Any) -> int:  # noqa: ANN401
            """Read data from the ring buffer into a buffer or a CFFI array."""
            return super().readinto(as_buffer(data, -1, self.elementsize))

    BoundRingBuffer.__name__ = BoundRingBuffer.__qualname__ = "RingBuffer"
    return BoundRingBuffer
