"""Ringscope's wait-free single-producer single-consumer ring buffer, from Python and C.

``from ringscope import RingBuffer`` is ``ringbuf``'s ``RingBuffer``, unchanged, plus frames of
several channels (``channels=``), ``pop_into(out)``, counters (``written``, ``read``,
``dropped``) and C handles (``producer_handle()``, ``consumer_handle()``).
``ringscope.pa`` is ``pa_ringbuffer``'s module (``cdef()``, ``init(ffi, lib)`` and its
``RingBuffer`` class).

C code (an audio callback, a C thread) pushes and pops through the functions of
``ringscope.h`` with no GIL, no lock and no allocation:

- link against the extension module, which exports them: compile with
  ``-I ringscope.get_include()`` and link ``ringscope.get_library()`` (a CFFI module does this
  with ``ringscope.pa.cdef()``, see ``ringscope.pa``), or
- take the function table ``RingscopeApi`` from the capsule
  ``"ringscope._ringscope._C_API"`` (``PyCapsule_Import``), as NumPy's C API does, with no
  linking at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ringscope import _ringscope
from ringscope._ringscope import ABI_VERSION, Frames, RingBuffer, __version__

if TYPE_CHECKING:
    from typing import Any

    from ringscope._ringscope import _BufferLike

__all__ = [
    "ABI_VERSION",
    "Frames",
    "RingBuffer",
    "__version__",
    "concatenate",
    "get_include",
    "get_library",
]


def get_include() -> str:
    """Return the directory holding ``ringscope.h``, for a C compiler's ``-I``."""
    return str(Path(__file__).parent / "include")


def get_library() -> str:
    """Return the path of the shared object exporting the ``ringscope_*`` functions.

    It is this package's extension module: link a C extension or a CFFI module against it
    (pass the path to the linker), and the dynamic loader resolves the functions to the copy
    Python has loaded, so handles from Python and calls from C meet in one library.
    """
    module_file = _ringscope.__file__
    if module_file is None:  # pragma: no cover - extension modules always have a file
        raise RuntimeError("ringscope's extension module has no file")
    return str(Path(module_file).resolve())


def concatenate(*items: _BufferLike) -> memoryview[Any]:
    """Join 1-dimensional buffers of one format into a new one (``ringbuf.concatenate``).

    Returns a ``memoryview`` of the joined items, of their format. ``ValueError`` without items
    or for an item that is not 1-dimensional, ``TypeError`` when formats differ.
    """
    if not items:
        raise ValueError("concatenate requires at least one positional argument")
    views = [memoryview(item) for item in items]  # type: ignore[arg-type]  # arrays too
    first = views[0].format
    for view in views:
        if view.ndim != 1:
            raise ValueError("Only 1-dimensional data can be joined with concatenate")
        if view.format != first:
            raise TypeError(f"Mismatched format in input (got {view.format!r}, expected {first!r})")
    joined = bytearray(b"".join(view.tobytes() for view in views))
    joined_view: memoryview[Any] = memoryview(joined).cast(first)  # type: ignore[call-overload]
    return joined_view
