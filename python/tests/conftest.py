"""Shared fixtures: C code compiled at test time, a JACK server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from support import C_DIR, STRICT, load_module, require

import ringscope


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory for everything compiled during the session."""
    return tmp_path_factory.mktemp("build")


@pytest.fixture(scope="session")
def rs_cthread(build_dir: Path) -> ModuleType:
    """The plain C extension of tests/c/rs_cthread.c, compiled now with the system's cc.

    It reaches ringscope only through the capsule (no linking against the package).
    """
    cc = os.environ.get("CC", "cc")
    require(shutil.which(cc) is not None, f"no C compiler ({cc})")
    out = build_dir / f"rs_cthread{sysconfig.get_config_var('EXT_SUFFIX')}"
    include = sysconfig.get_paths()["include"]
    cmd = [cc, "-shared", "-fPIC", "-O2", "-std=c11", "-Wall", "-Wextra", "-Werror",
           "-Wno-unused-parameter", "-Wno-missing-field-initializers",
           f"-I{include}", f"-I{ringscope.get_include()}",
           str(C_DIR / "rs_cthread.c"), "-o", str(out), "-pthread"]
    subprocess.run(cmd, check=True)
    return load_module("rs_cthread", out)


@pytest.fixture(scope="session")
def jack_server() -> Iterator[str]:
    """A JACK server with the dummy driver (48 kHz, 1024-frame periods), under a unique name.

    Started in non-realtime mode (a container may not grant real-time scheduling) and stopped
    at the end of the session. Yields the server name, for JACK_DEFAULT_SERVER.
    """
    jackd = shutil.which("jackd")
    require(jackd is not None, "jackd is not installed (Debian: jackd2)")
    assert jackd is not None
    name = f"ringscope-pytest-{os.getpid()}"
    env = {**os.environ, "JACK_NO_AUDIO_RESERVATION": "1", "JACK_NO_START_SERVER": "1"}
    log = open(os.devnull, "wb")  # noqa: SIM115 - closed after the server stops
    server = subprocess.Popen(
        [jackd, "--no-realtime", "--name", name, "-d", "dummy", "-r", "48000", "-p", "1024"],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            probe = subprocess.run(["jack_lsp", "--server", name], capture_output=True, env=env,
                                   check=False)
            if probe.returncode == 0 and b"system:playback_1" in probe.stdout:
                break
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"jackd did not start (exit status {server.poll()})")
            time.sleep(0.1)
        yield name
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def pytest_report_header() -> list[str]:
    """Say which ringscope is under test (the installed one, never the source folder)."""
    return [f"ringscope {ringscope.__version__} from {ringscope.get_library()}",
            f"python {sys.version.split()[0]}, strict={STRICT}"]
