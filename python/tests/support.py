"""Helpers for the tests: optional tools (strict under CI) and C code compiled at test time."""

from __future__ import annotations

import importlib
import importlib.util
import os
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import ringscope
import ringscope.pa

C_DIR = Path(__file__).parent / "c"

#: With RINGSCOPE_TESTS_STRICT=1 (scripts/test.sh sets it) a missing optional tool — the real
#: ringbuf and pa_ringbuffer for differential tests, a C compiler, PortAudio, jackd — fails the
#: test instead of skipping it, so CI can never pass by skipping.
STRICT = os.environ.get("RINGSCOPE_TESTS_STRICT") == "1"


def require(available: bool, why: str) -> None:
    """Skip (or, under RINGSCOPE_TESTS_STRICT=1, fail) when something the test needs is missing."""
    if not available:
        if STRICT:
            pytest.fail(f"required under RINGSCOPE_TESTS_STRICT=1: {why}")
        pytest.skip(why)


def import_or_require(name: str) -> ModuleType:
    """Import a module the test needs, or skip/fail as `require` does."""
    try:
        return importlib.import_module(name)
    except ImportError as error:
        require(False, f"{name} is not installed ({error})")
        raise  # unreachable: require skipped or failed


def load_module(name: str, path: Path) -> ModuleType:
    """Import an extension module from a file."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_cffi(build_dir: Path, name: str, cdef: str, source: str, **kwargs: Any) -> ModuleType:  # noqa: ANN401
    """Compiles a CFFI module (API mode) declaring `cdef`, linked against ringscope's library."""
    cffi = import_or_require("cffi")
    ffibuilder = cffi.FFI()
    ffibuilder.cdef(ringscope.pa.cdef())
    ffibuilder.cdef(cdef)
    include_dirs = [ringscope.get_include(), *kwargs.pop("include_dirs", [])]
    ffibuilder.set_source(
        name,
        source,
        include_dirs=include_dirs,
        extra_link_args=[ringscope.get_library(), *kwargs.pop("extra_link_args", [])],
        extra_compile_args=["-Wall", "-Werror", "-Wno-unused-parameter"],
        **kwargs,
    )
    target = build_dir / name
    target.mkdir(exist_ok=True)
    path = ffibuilder.compile(tmpdir=str(target), verbose=False)
    return load_module(name, Path(path))
