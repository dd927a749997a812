"""librosa's first import waits for the lock other voicesim processes hold (librosa_guard).

Two processes compiling librosa's numba kernels at once can leave numba's cache broken, and
every later analysis then crashes. The guard makes them take turns; here a real second
process is seen waiting on the lock, and going on once it is released.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from voicesim.analysis import librosa_guard
from voicesim.analysis.librosa_guard import librosa, lock_path

CHILD = """
import sys
from voicesim.analysis import librosa_guard
print("ready", flush=True)
librosa_guard.librosa()
print("loaded" if "librosa" in sys.modules else "missing", flush=True)
"""


BUILD_CHILD = """
import os
from pathlib import Path
from voicesim.analysis import librosa_guard

def holds_flock():
    pid = str(os.getpid())
    lines = Path("/proc/locks").read_text().splitlines()
    return any("FLOCK" in f and pid in f and "->" not in f for f in map(str.split, lines))

first = librosa_guard.librosa()
import librosa.util.utils as utils
kernel = utils._localmax
build, held = kernel._build, []
def watched():
    held.append(holds_flock())
    return build()
kernel._build = watched
peaks = utils.localmax(__import__("numpy").array([0.0, 2.0, 1.0]))
print(held, peaks.tolist(), first is librosa_guard.librosa(), holds_flock())
"""


def _waiting_on_flock(pid: int) -> bool:
    """True if /proc/locks shows process pid blocked waiting for a FLOCK."""
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if "->" in fields and "FLOCK" in fields and str(pid) in fields:
            return True
    return False


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux's /proc/locks")
def test_first_import_waits_for_the_lock_another_process_holds() -> None:
    fd = os.open(lock_path(), os.O_RDWR | os.O_CREAT, 0o666)
    child = None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        child = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 30
        while not _waiting_on_flock(child.pid):
            assert child.poll() is None, "the child loaded librosa without waiting"
            assert time.monotonic() < deadline, "the child never waited on the lock"
            time.sleep(0.05)
        time.sleep(0.5)
        assert child.poll() is None  # still waiting while the lock is held
    finally:
        os.close(fd)  # releases the lock
    out, _ = child.communicate(timeout=120)
    assert child.returncode == 0
    assert out.strip() == "loaded"


def test_librosa_is_loaded_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    # The guard is made to forget an earlier test's load: the first call here imports under
    # the lock, and the later ones return that module without taking the lock again.
    monkeypatch.setattr(librosa_guard, "_module", None)
    locked: list[int] = []
    real = librosa_guard.file_locked

    def counted() -> Any:
        locked.append(1)
        return real()

    monkeypatch.setattr(librosa_guard, "file_locked", counted)
    first = librosa()
    assert librosa() is first and locked == [1]


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux's /proc/locks")
def test_a_kernel_is_built_under_the_lock_when_first_used() -> None:
    """A librosa kernel (``util._localmax``, which localmax calls) is built the first time it
    is used, while the process holds the lock, and gives librosa's answer; the lock is let go
    after."""
    out = subprocess.run(
        [sys.executable, "-c", BUILD_CHILD], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    assert out.strip() == "[True] [False, True, False] True False"


UNUSED = """
import sys
import numpy as np
from voicesim.analysis.acoustics import frame_features
x = np.random.default_rng(0).standard_normal(16000 * 3).astype(np.float32) * 0.1
frame_features(x, 16000)
names = ("scipy.signal", "scipy.interpolate", "scipy.ndimage")
print(" ".join(type(sys.modules[n]).__name__ for n in names))
import scipy.signal
window = scipy.signal.get_window("hann", 8)  # the first read loads the real module
print(type(sys.modules["scipy.signal"]).__name__, scipy.signal is sys.modules["scipy.signal"])
print(len(window), type(sys.modules["scipy.interpolate"]).__name__)  # scipy.signal uses it
"""


def test_the_measures_leave_the_scipy_packages_they_never_call_unloaded() -> None:
    """librosa imports scipy.signal, .interpolate and .ndimage as it loads; the frame features
    use none of them, so they stay placeholders (a third of librosa's first import, in CPU
    and memory). The first attribute read loads the real module in its place."""
    out = subprocess.run(
        [sys.executable, "-c", UNUSED], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:3] == [
        "Deferred Deferred Deferred",
        "module True",
        "8 module",  # the real scipy.signal loaded scipy.interpolate in its place too
    ]


def test_a_module_loaded_already_is_not_deferred() -> None:
    import json

    assert not librosa_guard.defer("json")
    assert sys.modules["json"] is json
    assert not librosa_guard.defer("voicesim.no_such_module")
    assert not librosa_guard.defer("no_such_package.signal")


def test_the_hann_window_is_scipys_bit_for_bit() -> None:
    """acoustics.hann replaces the measures' one call into scipy.signal: the same values."""
    import numpy as np
    import scipy.signal

    from voicesim.analysis.acoustics import hann

    for n in (2, 3, 400, 640, 1024, 2047):
        assert np.array_equal(hann(n), scipy.signal.get_window("hann", n, fftbins=True)), n


KERNELS = """
import sys
import numpy as np
from voicesim.analysis.acoustics import frame_features
x = np.random.default_rng(0).standard_normal(16000 * 3).astype(np.float32) * 0.1
frame_features(x, 16000)
print("numba" in sys.modules, "numba.core" in sys.modules, "llvmlite" in sys.modules)
import librosa.util.utils as utils, librosa.core.audio as audio, librosa.core.pitch as pitch
kernels = {"_cabs2": utils._cabs2, "_localmin": utils._localmin, "_pi_wrapper": pitch._pi_wrapper,
           "_localmax": utils._localmax, "_zc_wrapper": audio._zc_wrapper,
           "_localmax_sten": utils._localmax_sten, "__count_unique": vars(utils)["__count_unique"]}
print(" ".join(f"{n}:{type(k).__name__}" for n, k in kernels.items()))
print(type(sys.modules["librosa.sequence"]).__name__, "scipy.spatial" in sys.modules,
      type(sys.modules["numpy.f2py"]).__name__)
y = np.array([0.5, -0.2, -0.3, 0.4, 0.1, -0.1], dtype=np.float32)
zc = np.flatnonzero(audio.zero_crossings(y, pad=False)).tolist()  # a kernel the measures never call
peaks = np.flatnonzero(utils.localmax(np.array([0.0, 2.0, 1.0, 3.0, 1.0]))).tolist()
unique = utils.count_unique(np.array([[0, 1, 1, 2], [3, 3, 3, 3]])).tolist()  # a jit function
import numba
print(zc, peaks, unique, numba.guvectorize.__module__, numba is sys.modules["numba"])
print(" ".join(type(k).__name__ for k in (audio._zc_wrapper, utils._localmax, utils._localmax_sten,
                                          vars(utils)["__count_unique"], utils._localmin)))
"""


def test_librosas_numba_functions_are_built_when_first_used() -> None:
    """The measures call none of librosa's numba functions (the pitch tracker is
    voicesim.analysis.yin, not ``librosa.yin`` with its ``_cabs2``, ``_localmin`` and
    ``_pi_wrapper``), so numba itself is not loaded. Each waits until something calls it, then
    gives librosa's answer, and its name is bound to numba's object (the ufunc ``_localmax``
    built its stencil first); numba is numba's own module after."""
    out = subprocess.run(
        [sys.executable, "-c", KERNELS], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    loaded, built, sequence, used, types = out.stdout.strip().split("\n")
    assert loaded == "False False False"
    assert built == (
        "_cabs2:Kernel _localmin:Kernel _pi_wrapper:Kernel _localmax:Kernel "
        "_zc_wrapper:Kernel _localmax_sten:Kernel __count_unique:Kernel"
    )
    # pyin's Viterbi not loaded, nor scipy.spatial; nor numpy's Fortran wrapper generator
    assert sequence == "Deferred False Deferred"
    # The signs change between 0.5 and -0.2, and between -0.3 and 0.4, 0.1 and -0.1
    # (librosa counts a crossing at the later sample); the local maxima are 2.0 and 3.0; the
    # rows hold 3 and 1 distinct values.
    assert used == "[1, 3, 5] [1, 3] [3, 1] numba.np.ufunc.decorators True"
    # what was used is numba's now; _localmin, never used, still waits
    assert types == "GUFunc GUFunc StencilFunc CPUDispatcher Kernel"


def test_a_kernel_built_while_the_lock_is_held_does_not_wait_for_it() -> None:
    """A kernel built while the process holds the file lock (a librosa call during the
    import) takes the lock too: within one process the lock is re-entrant (a second flock
    would wait forever)."""
    built: list[int] = []
    kernel = librosa_guard.Kernel(lambda: built.append(librosa_guard._depth) or "ufunc")
    with librosa_guard.file_locked():
        assert kernel.built() == "ufunc"
    assert built == [2] and librosa_guard._depth == 0
    assert kernel.built() == "ufunc" and built == [2]  # built once


def test_a_kernel_another_thread_is_building_is_waited_for() -> None:
    """A second thread asking for a Kernel while the first builds it waits, and gets the same
    object: it is built once."""
    import threading

    started, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def build() -> str:
        calls.append(1)
        started.set()
        release.wait(10)
        return "ufunc"

    kernel = librosa_guard.Kernel(build)
    got: list[object] = []
    first = threading.Thread(target=lambda: got.append(kernel.built()))
    first.start()
    assert started.wait(10)
    second = threading.Thread(target=lambda: got.append(kernel.built()))
    second.start()
    time.sleep(0.2)
    assert got == []  # the second waits while the first builds
    release.set()
    first.join(10)
    second.join(10)
    assert got == ["ufunc", "ufunc"] and calls == [1]


def test_a_kernel_builds_the_kernels_its_code_names_first() -> None:
    """numba compiles a function with the globals it names, so those Kernels are built first
    and their names bound to what was built; then the Kernel's own name. A function that names
    itself (a recursive jit function) is built once."""
    scope: dict[str, Any] = {}
    exec(
        "def helper(): pass\n"
        "def unused(): pass\n"
        "def main(): return [helper() for _ in range(2)]\n"  # named in a nested code object
        "def recursive(n): return recursive(n - 1)\n",
        scope,
    )
    order: list[str] = []

    def kernel(name: str) -> librosa_guard.Kernel:
        k = librosa_guard.Kernel(lambda: order.append(name) or f"numba's {name}", scope[name])
        scope[name] = k
        return k

    main, recursive, _, unused = (
        kernel("main"),
        kernel("recursive"),
        kernel("helper"),
        kernel("unused"),
    )
    assert main.built() == "numba's main"
    assert order == ["helper", "main"]
    assert scope["helper"] == "numba's helper" and scope["main"] == "numba's main"
    assert scope["unused"] is unused  # not named by main: still waiting
    assert recursive.built() == "numba's recursive" and order[-1:] == ["recursive"]
    assert scope["recursive"] == "numba's recursive" and order.count("recursive") == 1
