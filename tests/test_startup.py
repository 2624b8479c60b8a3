"""How the program starts: its own bytecode cache, and the garbage collector paused meanwhile.

Under ``PYTHONDONTWRITEBYTECODE`` (set by many container images) Python writes no compiled modules,
so every start would compile the program and its libraries again. The program keeps them in its
virtual environment instead (:func:`triage.use_bytecode_cache`); these tests check where, when not,
and that nothing is written beside the sources.
"""

from __future__ import annotations

import gc
import importlib.util
import os
import py_compile
import shutil
import subprocess
import sys
import sysconfig
import venv
from dataclasses import dataclass
from pathlib import Path

import pytest

import triage
from triage import BYTECODE_CACHE, BYTECODE_CACHE_OPT_OUT, ReuseCompiled, bytecode_cache_folder
from triage.__main__ import main

ROOT = Path(__file__).resolve().parent.parent


# --- where the cache goes ------------------------------------------------------------------------
def test_in_a_virtual_environment_the_cache_is_inside_it(tmp_path: Path) -> None:
    prefix = tmp_path / "env"
    prefix.mkdir()
    folder = bytecode_cache_folder({}, str(prefix), "/usr")
    assert folder == prefix / "var" / "cache" / "backpain-triage" / "pycache" == prefix / BYTECODE_CACHE
    assert folder.is_dir()


def test_the_opt_out_leaves_python_be(tmp_path: Path) -> None:
    assert bytecode_cache_folder({BYTECODE_CACHE_OPT_OUT: "1"}, str(tmp_path), "/usr") is None
    assert list(tmp_path.iterdir()) == []  # not even the folder is made
    assert bytecode_cache_folder({BYTECODE_CACHE_OPT_OUT: ""}, str(tmp_path), "/usr") is not None


def test_outside_a_virtual_environment_nothing_is_written(tmp_path: Path) -> None:
    assert bytecode_cache_folder({}, str(tmp_path), str(tmp_path)) is None
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_cannot_be_made_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "var").write_text("a file where the folder would go")
    assert bytecode_cache_folder({}, str(tmp_path), "/usr") is None


def test_a_folder_that_cannot_be_written_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "access", lambda path, mode: False)  # as a read-only file system says
    assert bytecode_cache_folder({}, str(tmp_path), "/usr") is None


def test_a_link_out_of_the_environment_is_not_followed(tmp_path: Path) -> None:
    prefix, elsewhere = tmp_path / "env", tmp_path / "elsewhere"
    prefix.mkdir()
    elsewhere.mkdir()
    (prefix / "var").symlink_to(elsewhere, target_is_directory=True)
    assert bytecode_cache_folder({}, str(prefix), "/usr") is None


# --- when it is turned on ------------------------------------------------------------------------
@pytest.fixture
def interpreter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This process as if it ran in a virtual environment at ``tmp_path``, told not to write bytecode."""
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    monkeypatch.setattr(sys, "base_prefix", str(tmp_path / "base"))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.setattr(sys, "pycache_prefix", None)
    monkeypatch.delenv(BYTECODE_CACHE_OPT_OUT, raising=False)
    return tmp_path


def test_bytecode_is_then_written_to_the_cache(interpreter: Path) -> None:
    triage.use_bytecode_cache()
    assert sys.pycache_prefix == str(interpreter / BYTECODE_CACHE)
    assert sys.dont_write_bytecode is False


def test_a_chosen_pycache_prefix_is_kept(interpreter: Path) -> None:
    sys.pycache_prefix = str(interpreter / "chosen")
    triage.use_bytecode_cache()
    assert sys.pycache_prefix == str(interpreter / "chosen")
    assert sys.dont_write_bytecode is True


def test_nothing_changes_when_bytecode_may_be_written(interpreter: Path) -> None:
    sys.dont_write_bytecode = False
    triage.use_bytecode_cache()
    assert sys.pycache_prefix is None
    assert not (interpreter / "var").exists()


def test_main_called_with_a_list_leaves_the_process_be(interpreter: Path) -> None:
    assert main(["--lang", "xx"]) == 2  # an unknown language: the quickest way through main()
    assert sys.pycache_prefix is None and sys.dont_write_bytecode is True


# --- compiled copies beside the sources ----------------------------------------------------------
def test_a_compiled_copy_beside_the_source_serves_through_a_link(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    name = "triage_startup_probe"
    folder = tmp_path / "lib"
    folder.mkdir()
    source = folder / f"{name}.py"
    source.write_text("VALUE = 1\n")
    beside = folder / "__pycache__" / f"{name}.{sys.implementation.cache_tag}.pyc"
    py_compile.compile(str(source), cfile=str(beside), doraise=True)
    shipped = beside.read_bytes()
    cache = tmp_path / "cache"
    monkeypatch.setattr(sys, "pycache_prefix", str(cache))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.setattr(sys, "meta_path", [ReuseCompiled, *sys.meta_path])
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.delitem(sys.modules, name, raising=False)

    assert importlib.import_module(name).VALUE == 1
    link = Path(importlib.util.cache_from_source(str(source)))
    assert link.is_relative_to(cache)
    assert link.is_symlink() and link.resolve() == beside.resolve()

    # The source changes: its copy beside it is stale, so it is compiled again, into the cache only.
    del sys.modules[name]
    source.write_text("VALUE = 222\n")
    stamp = source.stat().st_mtime + 10
    os.utime(source, (stamp, stamp))
    importlib.invalidate_caches()
    assert importlib.import_module(name).VALUE == 222
    assert link.is_file() and not link.is_symlink()
    assert beside.read_bytes() == shipped  # what lies beside the source is never written
    del sys.modules[name]


def test_without_a_copy_beside_the_source_it_is_compiled_into_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = "triage_startup_probe_uncompiled"
    folder = tmp_path / "lib"
    folder.mkdir()
    source = folder / f"{name}.py"
    source.write_text("VALUE = 3\n")
    monkeypatch.setattr(sys, "pycache_prefix", str(tmp_path / "cache"))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.setattr(sys, "meta_path", [ReuseCompiled, *sys.meta_path])
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.delitem(sys.modules, name, raising=False)

    assert importlib.import_module(name).VALUE == 3
    compiled = Path(importlib.util.cache_from_source(str(source)))
    assert compiled.is_file() and not compiled.is_symlink()
    assert not (folder / "__pycache__").exists()
    del sys.modules[name]


# --- the real program, in a new virtual environment ------------------------------------------------
@dataclass(frozen=True)
class Environment:
    python: Path
    cache: Path
    source: Path
    """A copy of the program's source (the package and its knowledge base), on PYTHONPATH."""

    def run(self, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
        variables = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(self.source), **env}
        variables.pop("PYTHONPYCACHEPREFIX", None)
        return subprocess.run([str(self.python), "-m", "triage", *argv], cwd=self.source.parent,
                              env=variables, capture_output=True, text=True, check=False, timeout=120)


@pytest.fixture
def environment(tmp_path: Path) -> Environment:
    """A new virtual environment, seeing this one's libraries through a ``.pth`` file."""
    prefix = tmp_path / "env"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(prefix)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site_packages = prefix / "lib" / version / "site-packages"
    libraries = sysconfig.get_paths()["purelib"]
    (site_packages / "libraries.pth").write_text(f"import site; site.addsitedir({libraries!r})\n")
    source = tmp_path / "src"
    shutil.copytree(ROOT / "triage", source / "triage", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "questions.yaml", source / "questions.yaml")
    for folder in ("rules", "locales"):
        shutil.copytree(ROOT / folder, source / folder)
    return Environment(prefix / "bin" / "python", prefix / BYTECODE_CACHE, source)


@pytest.mark.slow
def test_a_run_leaves_compiled_modules_in_the_environment_only(environment: Environment) -> None:
    done = environment.run("assess", str(ROOT / "examples" / "muscle-strain.yaml"))
    assert done.returncode == 0, done.stderr
    compiled = [path.relative_to(environment.cache) for path in environment.cache.rglob("*.pyc")]
    ours = {path.name.split(".")[0] for path in compiled
            if path.parent.as_posix().endswith("src/triage")}
    assert {"loader", "engine", "models", "result"} <= ours
    assert any("pydantic" in path.parts for path in compiled)  # the libraries' too
    assert not list(environment.source.rglob("__pycache__"))  # nothing beside the sources
    standard = Path(sys.base_prefix).resolve()
    links = [path for path in environment.cache.rglob("*.pyc") if path.is_symlink()]
    assert any(path.resolve().is_relative_to(standard) for path in links)  # the standard library's, shipped


@pytest.mark.slow
def test_the_opt_out_writes_no_cache(environment: Environment) -> None:
    done = environment.run("assess", str(ROOT / "examples" / "muscle-strain.yaml"),
                           **{BYTECODE_CACHE_OPT_OUT: "1"})
    assert done.returncode == 0, done.stderr
    assert not environment.cache.exists()
    assert not list(environment.source.rglob("__pycache__"))


# --- the garbage collector while the questionnaire starts -------------------------------------------
def test_collection_paused_then_resumed_with_the_objects_so_far_set_aside() -> None:
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    try:
        triage.pause_collection()
        assert not gc.isenabled()
        kept: list[list[int]] = [[] for _ in range(1000)]
        triage.resume_collection()
        assert gc.isenabled()
        assert gc.get_freeze_count() >= frozen + len(kept)
        triage.resume_collection()  # a second time: nothing more
        assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_resuming_what_was_not_paused_changes_nothing() -> None:
    gc.disable()  # as a caller may have chosen
    try:
        triage.resume_collection()
        assert not gc.isenabled()
    finally:
        gc.enable()
