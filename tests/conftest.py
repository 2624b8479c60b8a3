"""Shared fixtures: the shipped knowledge base, its engine, and the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from triage import loader
from triage.__main__ import main
from triage.engine import Engine, engine_for
from triage.models import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return loader.load()


@pytest.fixture(scope="session")
def engine(kb: KnowledgeBase) -> Engine:
    return engine_for(kb)


@dataclass(frozen=True)
class Wheel:
    path: Path
    site: Path
    """The wheel unpacked as site-packages would hold it."""


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Wheel:
    """The project's wheel, built once for the tests that need it."""
    if shutil.which("uv") is None:
        pytest.skip("building the wheel needs uv")
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(["uv", "build", "--wheel", "--out-dir", str(folder / "dist"), "--quiet"],
                   cwd=ROOT, check=True, capture_output=True)
    path = next((folder / "dist").glob("*.whl"))
    with zipfile.ZipFile(path) as archive:
        archive.extractall(folder / "site")
    return Wheel(path, folder / "site")


@dataclass
class Run:
    status: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Call ``main(argv)`` in-process and capture what it prints."""

    def run(*argv: str) -> Run:
        status = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return Run(status, captured.out, captured.err)

    return run


@pytest.fixture
def assessed(cli: Callable[..., Run]) -> Callable[[Path], dict[str, Any]]:
    """``triage assess FILE --format json`` as a dict, without the file's name (its `source`)."""

    def assess(file: Path) -> dict[str, Any]:
        run = cli("assess", file, "--format", "json")
        assert run.status == 0, run.err
        result: dict[str, Any] = json.loads(run.out)
        result.pop("source")
        return result

    return assess
