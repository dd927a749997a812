"""librosa, imported once per process under a file lock, so numba's cache stays sound.

librosa compiles its numba kernels (``util._localmin``, ``pitch._pi_wrapper``…) when they
are built, and writes them to numba's on-disk cache. Each generalised ufunc is two cache
entries, written one after the other. When two processes compile the same kernel at the
same moment, one entry can come from each, and every later process that loads them
crashes with a segmentation fault (numba issue #10128). On a fresh install that is what
happened when the test suite's two workers first imported librosa together. After that,
every ``voicesim analyze`` died with exit -11 and no message until the cache was deleted.
Two processes importing librosa on an empty cache, started together, left it broken in 2
of 20 trials, and in 3 of 20 in a later run; through this module, 0 of 20 (twice).

So the first import in a process, and the building of any of librosa's kernels (below), run
under an exclusive lock on a file in the temporary directory. The lock only makes processes
queue while they start at the same time.

librosa's modules import ``scipy.signal``, ``scipy.interpolate`` and ``scipy.ndimage`` when
they load, and voicesim's measures call none of them (the Hann window for ``stft`` is
``acoustics.hann``). Loading them cost a third of librosa's first import: a fresh process
computing the frame features of 30 s took 1.99-2.08 CPU-s and 269 MB with them, 1.50-1.55 s and
233-234 MB without (forty-fifth session). So before librosa is imported each of the three
not yet loaded is left as a placeholder module (``Deferred``, what ``lazy_loader`` does for
librosa's own submodules), which imports the real one the first time anything is read from
it: a librosa function that does use one still works, after a pause. ``librosa.sequence``
(pyin's Viterbi decoding; it loads ``scipy.spatial``, 70 ms) and ``numpy.f2py`` (read by
scipy's array-API layer with every name numpy has) are left the same way.

librosa also declares numba functions as its modules load: jit functions, stencils and seven
ufuncs (``numba.guvectorize`` and ``numba.vectorize`` given signatures build at once: from
numba's cache, or compiled). The measures call none of them (``librosa.yin`` used three
ufuncs; the pitch is now :mod:`voicesim.analysis.yin`, the same values without them). So
while the modules the measures use load (``KERNEL_MODULES``; librosa otherwise loads a module
the first time one of its names is read), ``import numba`` gives a placeholder whose
decorators return a :class:`Kernel`, which loads numba and builds the function the first
time it is used, under the same lock: numba (with llvmlite) is not loaded at all unless a
librosa function that needs it is called. A fresh process computing the frame features of
30 s: 1.50-1.67 CPU-s and 287 MB with every ufunc built (and ``librosa.sequence`` loaded),
1.25-1.39 s and 274-277 MB with ``librosa.yin``'s three, 1.18-1.19 s and 262 MB with
``numpy.f2py`` deferred too (forty-sixth session); with no ufunc built, 0.42-0.59 CPU-s and
156 MB (forty-seventh session); after faster-whisper's imports, as in ``analyze``, 0.59-0.62
CPU-s and 176 MB peak with numba loaded, 0.44-0.49 CPU-s and 119 MB without (forty-eighth
session). On an empty numba cache (a first run, or a cache that cannot be written) nothing is
compiled. The features are the same bit for bit.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

LOCK_NAME = "voicesim-librosa-import.lock"
UNUSED_BY_THE_MEASURES = (
    "scipy.signal",
    "scipy.interpolate",
    "scipy.ndimage",
    "librosa.sequence",
    "numpy.f2py",
)
"""Packages librosa loads (or has loaded) and voicesim's measures never call."""
KERNEL_DECORATORS = ("jit", "njit", "stencil", "guvectorize", "vectorize")
"""numba's decorators librosa's modules use as they load; while they load each gives a Kernel."""
KERNEL_MODULES = (
    "librosa.util.utils",
    "librosa.core.audio",
    "librosa.core.pitch",
    "librosa.feature.spectral",
)
"""librosa's modules the measures load (librosa loads one when a name of it is first read),
loaded while numba is not: their numba functions then wait until used."""

_module: ModuleType | None = None
_in_process = threading.RLock()
_depth = 0  # how many nested holders of the file lock this process has


def lock_path() -> Path:
    """The file whose lock serialises librosa's first import across processes."""
    return Path(tempfile.gettempdir()) / LOCK_NAME


def librosa() -> ModuleType:
    """The librosa module, imported under the file lock (its kernels built on first use)."""
    global _module
    if _module is not None:
        return _module
    with file_locked():
        if _module is None:
            for name in UNUSED_BY_THE_MEASURES:
                defer(name)
            with numba_on_first_use():
                import librosa as lib  # heavy (scipy): only the analysis needs it

                for name in KERNEL_MODULES:  # librosa loads its modules on first use
                    importlib.import_module(name)
            _module = lib
    return _module


@contextmanager
def file_locked() -> Iterator[None]:
    """Hold the lock file's exclusive lock (and this process's lock) for the block.

    Re-entrant within the process: a kernel built while the lock is held (say, by a
    librosa call during the import) does not wait for it (a second ``flock`` on another
    descriptor would)."""
    global _depth
    with _in_process:
        fd = None
        if _depth == 0:
            fd = _open_lock()
            if fd is not None:
                _flock(fd)
        _depth += 1
        try:
            yield
        finally:
            _depth -= 1
            if fd is not None:
                os.close(fd)  # closing the file releases the lock


class Kernel:
    """A numba function librosa declares (jit function, stencil or ufunc), built the first
    time it is called or read from.

    numba compiles a function with the globals its code names, and a Kernel is no type numba
    knows: so the Kernels the function names (a ufunc's stencil, a jit function's helpers)
    are built first, and each name is bound to what was built, as the Kernel's own name is
    after its build (a later compile that names it then finds numba's object)."""

    def __init__(
        self, build: Callable[[], object], fn: Callable[..., object] | None = None
    ) -> None:
        self._build: Callable[[], object] | None = build
        self._fn = fn  # the Python function given to numba's decorator
        self._built: object = None
        self._building = False

    def built(self) -> object:
        """numba's object, built now if it has not been (under the file lock)."""
        if self._build is not None:  # another thread building it holds the lock: wait
            with file_locked():
                if self._build is not None and not self._building:
                    self._building = True  # a cycle of names leaves this one as it is
                    try:
                        scope = _bind_built(self._fn)
                        self._built = self._build()
                    finally:
                        self._building = False
                    self._build = None
                    for name, value in list(scope.items()):
                        if value is self:
                            scope[name] = self._built
        return self._built

    def __call__(self, *args: object, **kwargs: object) -> object:
        return self.built()(*args, **kwargs)  # type: ignore[operator]

    def __getattr__(self, attr: str) -> object:
        if attr in ("_build", "_fn", "_built", "_building"):  # not set yet (made without __init__)
            raise AttributeError(attr)
        return getattr(self.built(), attr)


def _bind_built(fn: Callable[..., object] | None) -> dict[str, object]:
    """Build the Kernels fn's code names and bind those names to what was built; fn's globals."""
    scope: dict[str, object] = getattr(fn, "__globals__", {})
    code = getattr(fn, "__code__", None)
    codes = [code] if code is not None else []
    while codes:  # the function's code and the code of any function defined in it
        code = codes.pop()
        codes.extend(c for c in code.co_consts if isinstance(c, CodeType))
        for name in code.co_names:
            value = scope.get(name)
            if isinstance(value, Kernel) and not value._building:
                scope[name] = value.built()
    return scope


@contextmanager
def numba_on_first_use() -> Iterator[None]:
    """While the block runs, ``import numba`` gives a placeholder (:class:`Deferred`) whose
    decorators return a :class:`Kernel` each; anything else read from it loads numba. After the
    block ``import numba`` loads the real module. If numba is loaded already, it is left as
    it is (its decorators build at once)."""
    if not defer("numba"):
        yield
        return
    placeholder = sys.modules["numba"]
    for name in KERNEL_DECORATORS:
        setattr(placeholder, name, _on_first_use(name))
    try:
        yield
    finally:
        for name in KERNEL_DECORATORS:  # reads of them now load numba too
            delattr(placeholder, name)
        if sys.modules.get("numba") is placeholder:
            del sys.modules["numba"]


def _on_first_use(decorator: str) -> Callable[..., object]:
    """numba's decorator of that name, given the same arguments when the Kernel is built."""

    def real() -> Callable[..., Any]:
        numba = sys.modules.get("numba")
        if isinstance(numba, Deferred):  # built while librosa loads
            del sys.modules["numba"]
        built: Callable[..., Any] = getattr(importlib.import_module("numba"), decorator)
        return built

    def declare(*args: Any, **kwargs: Any) -> object:
        if len(args) == 1 and callable(args[0]) and not kwargs:  # used bare: @stencil
            fn = args[0]
            return Kernel(lambda: real()(fn), fn)
        return lambda fn: Kernel(lambda: real()(*args, **kwargs)(fn), fn)

    return declare


class Deferred(ModuleType):
    """A module not loaded yet: the first attribute read from it imports the real one, which
    takes its place in ``sys.modules`` and on its parent package, and answers the read.

    Its ``__spec__``, ``__file__`` and ``__path__`` are the real module's, so the import system
    takes it for a module already loaded (``import scipy.signal`` binds it and loads nothing)
    and ``inspect`` can walk ``sys.modules`` without loading it. Threads need no lock of their
    own: the import system's lock on the module's name makes one import it, the others wait.
    """

    def __getattr__(self, attr: str) -> object:
        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]
        return getattr(importlib.import_module(name), attr)


def defer(name: str) -> bool:
    """Put a :class:`Deferred` placeholder for the module ``name`` (a package's submodule) in
    ``sys.modules``, unless it is loaded already or cannot be found (True if put)."""
    if name in sys.modules:
        return False
    try:
        spec = importlib.util.find_spec(name)  # imports the parent package
    except ImportError:  # no such parent package
        return False
    if spec is None or spec.origin is None:
        return False
    module = Deferred(name)
    module.__spec__ = spec
    module.__file__ = spec.origin
    module.__path__ = list(spec.submodule_search_locations or [])
    module.__loader__ = spec.loader
    module.__package__ = name
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    return True


def _open_lock() -> int | None:
    """A descriptor of the lock file, or None where none can be opened (then no lock)."""
    path = lock_path()
    for flags in (os.O_RDWR | os.O_CREAT, os.O_RDONLY):
        try:
            return os.open(path, flags, 0o666)
        except OSError:
            continue
    return None


def _flock(fd: int) -> None:
    """Wait for the exclusive lock on fd (no-op where the platform has no flock)."""
    try:
        import fcntl
    except ImportError:  # not POSIX
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError:
        return
