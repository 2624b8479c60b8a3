"""Shared fixtures: the shipped knowledge base, its engine, and the CLI; what a run includes.

A plain `uv run pytest` is the quick run: it leaves out the tests marked
``slow`` or ``browser``, tries fewer hypothesis examples (the "dev" profile)
and spreads the tests over the cores (pytest-xdist, ``-n auto`` in
pyproject.toml). With ``CI=true`` in the environment, as CI sets it, every
test runs with every example (the "ci" profile), one after another. Naming
test files or tests on the command line runs them all in one process; ``-m``
chooses by marker (``-m ""``: every test).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from pty_terminal import Terminal

from triage import loader
from triage.__main__ import main
from triage.engine import Engine, engine_for
from triage.models import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

FULL_RUN = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
"""CI's run: every test, and every property with all its examples."""

# "ci" is Hypothesis's own profile for CI (derandomized, no example database), with the counts the
# tests give; "dev", for the quick run, keeps the example database and tries a tenth of them.
settings.register_profile("dev", settings.get_profile("default"), max_examples=10)
settings.load_profile("ci" if FULL_RUN else "dev")


def examples(ci: int, *, at_least: int = 10) -> int:
    """How many examples a property tries: ``ci`` in CI's run, a tenth of them in the quick run.

    The share follows the loaded profile (``--hypothesis-profile ci`` gives them all); never fewer
    than ``at_least``, so each safety property keeps a meaningful number in the quick run too.
    """
    share = settings().max_examples / 100  # 1 under "ci" (Hypothesis's 100), a tenth under "dev"
    return min(ci, max(at_least, round(ci * share)))


LEFT_OUT = ("slow", "browser")
"""Markers of the tests the quick run leaves out."""


def _quick_run(config: pytest.Config) -> bool:
    """`uv run pytest` naming no test (pyproject.toml's ``testpaths``), outside CI."""
    return not FULL_RUN and config.args_source is pytest.Config.ArgsSource.TESTPATHS


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The quick run leaves out the slow and browser tests, unless ``-m`` chooses (``-m ""``: all)."""
    if not _quick_run(config) or any(arg.startswith("-m") for arg in config.invocation_params.args):
        return
    kept: list[pytest.Item] = []
    left: list[pytest.Item] = []
    for item in items:
        (left if any(item.get_closest_marker(name) for name in LEFT_OUT) else kept).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept
    config.stash[LEFT_OUT_COUNT] = len(left)
    if hasattr(config, "workeroutput"):  # a pytest-xdist worker: the count goes back to the main process
        config.workeroutput["left_out"] = len(left)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """pytest-xdist: each worker collects every test, so any one of them tells how many were left out."""
    left = getattr(node, "workeroutput", {}).get("left_out")
    if left is not None:
        node.config.stash[LEFT_OUT_COUNT] = left


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):
        # A pytest-xdist worker takes pytest's own numbered temporary folder, as one process does,
        # not one inside the main process's: messages shorten a file name past 80 characters
        # (errors.MAX_NAME), and tests compare the names of their temporary files whole.
        config.option.basetemp = None


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto``: a worker per core for the quick run; none (one process) for CI or named tests."""
    return None if _quick_run(config) else 0


STARTED = pytest.StashKey[float]()
LEFT_OUT_COUNT = pytest.StashKey[int]()


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[STARTED] = time.monotonic()


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """The quick run says its real time and how many tests it left out, so the README's figure can be
    checked against any run."""
    if not _quick_run(config) or hasattr(config, "workerinput") or STARTED not in config.stash:
        return
    wall = time.monotonic() - config.stash[STARTED]
    ran = sum(len(terminalreporter.stats.get(kind, [])) for kind in ("passed", "failed", "error", "skipped"))
    left = config.stash.get(LEFT_OUT_COUNT, 0)
    terminalreporter.write_line(
        f"the quick run: {ran} tests in {wall:.0f} s of real time; {left} slow or browser tests left out "
        "(CI=true runs them all)")


def pytest_report_header(config: pytest.Config) -> str:
    if FULL_RUN:
        return "every test, every hypothesis example (CI=true)"
    return "the quick run: slow and browser tests left out, fewer hypothesis examples (CI=true runs all)"


KIOSK_URL = "http://127.0.0.1"
"""Where a test client finds the kiosk: as a browser on the same computer does. The kiosk answers
only to the names it is set up with (``Network.allowed_hosts``, this computer's by default), and
Starlette's TestClient calls itself ``testserver`` unless told otherwise."""


def _kiosk_test_client() -> None:
    """Every TestClient of the suite speaks to the kiosk at :data:`KIOSK_URL` unless a test names
    another address (``base_url=``: a host the kiosk refuses, or HTTPS)."""
    with warnings.catch_warnings():  # Starlette 1.x suggests httpx2 for its test client; httpx still works
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from starlette.testclient import TestClient

    plain = TestClient.__init__

    def at_the_kiosk(self: TestClient, app: Any, base_url: str = KIOSK_URL, *args: Any, **kw: Any) -> None:
        plain(self, app, base_url, *args, **kw)

    TestClient.__init__ = at_the_kiosk  # type: ignore[method-assign]


_kiosk_test_client()


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


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    """The pseudo-terminals a test opens (:class:`pty_terminal.Terminal`), each ended afterwards."""
    opened: list[Terminal] = []
    yield opened
    for terminal in opened:
        terminal.close()
