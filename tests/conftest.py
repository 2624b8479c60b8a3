"""Shared fixtures: the shipped knowledge base, its engine, and the CLI."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

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
