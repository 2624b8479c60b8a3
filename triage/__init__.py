"""Back-pain triage.

Two things the command line does as the program starts, so that the first question comes on screen
sooner: it keeps its own bytecode cache (:func:`use_bytecode_cache`), and it pauses the garbage
collector while the questionnaire starts (:func:`pause_collection`). Nothing here runs on import.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Mapping, Sequence
from importlib.machinery import ModuleSpec, PathFinder
from pathlib import Path
from types import ModuleType

BYTECODE_CACHE_OPT_OUT = "TRIAGE_NO_BYTECODE_CACHE"
"""Set (to anything but the empty string) to keep Python's own behaviour about bytecode caches."""

BYTECODE_CACHE = Path("var", "cache", "backpain-triage", "pycache")
"""Where the program's bytecode cache goes, inside its virtual environment."""


def bytecode_cache_folder(environ: Mapping[str, str], prefix: str, base_prefix: str) -> Path | None:
    """The folder for the program's compiled modules, created if need be; None to leave Python be.

    None when ``environ`` opts out (:data:`BYTECODE_CACHE_OPT_OUT`), when the program is not in a
    virtual environment (``prefix`` is ``base_prefix``: a system or image-wide Python, whose owner
    chose not to have bytecode written, and whose folders are not the program's to fill), or when
    the folder cannot be created or written (a read-only environment), or would lie outside
    ``prefix`` (a link pointing elsewhere).
    """
    if environ.get(BYTECODE_CACHE_OPT_OUT) or Path(prefix) == Path(base_prefix):
        return None
    root = Path(prefix)
    folder = root / BYTECODE_CACHE
    try:
        folder.mkdir(parents=True, exist_ok=True)
        inside = folder.resolve().is_relative_to(root.resolve())
    except OSError:
        return None
    if not inside or not os.access(folder, os.W_OK | os.X_OK):
        return None
    return folder


class ReuseCompiled:
    """Finds modules as Python does, and lets a compiled copy beside a module's source serve.

    Under ``sys.pycache_prefix`` Python looks for every module's compiled copy in the cache only,
    the standard library's too: without this finder, the first start in a new environment would
    compile again the hundred and more modules of the standard library it imports (about half a
    second), though Python ships them compiled, and ignore the compiled copies of an environment
    compiled when it was installed. So when a module has no copy in the cache yet, but one lies
    beside its source (``__pycache__``), a link to it is put in the cache: it is read from there,
    never written (a stale copy is compiled again into the cache, over the link).
    """

    @staticmethod
    def find_spec(name: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        spec = PathFinder.find_spec(name, path, target)
        cached = spec.cached if spec is not None else None
        if spec is None or cached is None or not str(spec.origin).endswith(".py"):
            return spec
        if os.path.exists(cached):  # noqa: PTH110  asked at every import, where a Path costs more
            return spec
        link = Path(cached)
        beside = Path(str(spec.origin)).parent / "__pycache__" / link.name
        if beside.is_file():
            try:
                link.parent.mkdir(parents=True, exist_ok=True)
                link.symlink_to(beside)
            except OSError:  # made meanwhile by another start, or links cannot be made here: compiled then
                pass
        return spec


def use_bytecode_cache() -> None:
    """Read and write compiled modules in the virtual environment, even under PYTHONDONTWRITEBYTECODE.

    Without compiled modules, every start compiles the program and its libraries again (about half
    a second before the first question). Many container images set PYTHONDONTWRITEBYTECODE, so
    that nothing is written beside the sources; here the compiled modules go to one folder inside
    the virtual environment instead (``sys.pycache_prefix``), a folder that uv owns and that can be
    deleted at any time, and nothing is written beside the sources. Only bytecode is written there,
    never anything a person typed.

    ``sys.pycache_prefix`` applies to every module imported from then on, the standard library's
    too; :class:`ReuseCompiled` lets the compiled copies Python ships serve from the cache, so that
    the first start does not compile them again. Outside a virtual environment nothing changes
    (see :func:`bytecode_cache_folder`), nor when bytecode may be written anyway, nor when a
    ``PYTHONPYCACHEPREFIX`` was chosen.
    """
    if not sys.dont_write_bytecode or sys.pycache_prefix is not None:
        return
    folder = bytecode_cache_folder(os.environ, sys.prefix, sys.base_prefix)
    if folder is None:
        return
    sys.pycache_prefix = str(folder)
    sys.dont_write_bytecode = False
    if PathFinder in sys.meta_path and ReuseCompiled not in sys.meta_path:
        sys.meta_path.insert(sys.meta_path.index(PathFinder), ReuseCompiled)


_collection = {"paused": False}
"""Whether :func:`pause_collection` paused the collector, for :func:`resume_collection` to resume it."""


def pause_collection() -> None:
    """Pause the garbage collector while the questionnaire starts, until :func:`resume_collection`.

    Importing the libraries and loading the knowledge base make hundreds of thousands of objects that
    live as long as the program, and almost no garbage; the collector would go over them again and
    again (a few hundredths of a second before the first question) and free next to nothing.
    """
    if gc.isenabled():
        gc.disable()
        _collection["paused"] = True


def resume_collection() -> None:
    """Collect again, after :func:`pause_collection` (else nothing to do).

    The objects made meanwhile are first set aside for good (:func:`gc.freeze`): later collections
    skip them, so that none has them all to go over (which would pause a prompt); they are the
    program's modules and knowledge base, kept to the end anyway.
    """
    if _collection["paused"]:
        _collection["paused"] = False
        gc.freeze()
        gc.enable()
