"""`triage assess` over many files shares them out to a worker per core: the output must be what
one process prints, byte for byte and in the files' order, problems included."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from triage import batch, loader
from triage.__main__ import main
from triage.engine import engine_for
from triage.models import KnowledgeBase, Question

ROOT = Path(__file__).resolve().parent.parent
KB = loader.load()


def some_value(question: Question, rng: random.Random) -> object:
    """A value as an answers file writes it (a list for several choices)."""
    if question.type == "yes_no":
        return rng.choices([False, True, "not_sure"], weights=[80, 15, 5])[0]
    if question.type in ("number", "scale"):
        low, high = question.bounds
        return rng.randint(max(low, 16) if question.id == "age" else low, high)
    if question.type == "choice":
        return rng.choice(question.option_ids)
    return [o for o in question.option_ids if rng.random() < 0.3]


def answers_files(folder: Path, kb: KnowledgeBase, count: int, *, broken: tuple[int, ...] = ()) -> list[Path]:
    """``count`` answers files of random answers; those at ``broken`` cannot be read."""
    rng = random.Random(11)
    paths = []
    for i in range(count):
        path = folder / f"a{i:04d}.yaml"
        if i in broken:
            path.write_text("age: [unclosed\n", encoding="utf-8")
        else:
            answers = {q.id: some_value(q, rng) for q in kb.questions if rng.random() < 0.9}
            path.write_text(yaml.safe_dump(answers), encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return answers_files(tmp_path_factory.mktemp("batch"), KB, 150, broken=(3, 77, 149))


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_workers_print_what_one_process_prints(files: list[Path], fmt: batch.Format) -> None:
    job = batch.Job(KB, engine_for(KB), fmt, titled=True)
    alone = list(batch.assess_all(job, files, workers=0))
    shared = list(batch.assess_all(job, files, workers=2))
    assert shared == alone
    assert [bool(o.problems) for o in shared].count(True) == 3
    assert shared[3].problems and not shared[3].output


def test_the_command_shares_many_files_out(files: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    """Through the command line: enough files for workers; the same lines, in order, as file by file;
    a file that cannot be read is reported, the others assessed, exit status 2."""
    assert batch.workers_for(len(files)) >= (2 if len(os.sched_getaffinity(0)) > 1 else 0)
    assert main(["assess", "--format", "json", *map(str, files)]) == 2
    together = capsys.readouterr()
    one_by_one = []
    for path in files:
        main(["assess", "--format", "json", str(path)])
        one_by_one.append(capsys.readouterr())
    assert together.out == "".join(o.out for o in one_by_one)
    assert together.err == "".join(o.err for o in one_by_one)
    assert len(together.out.splitlines()) == len(files) - 3


@given(st.integers(1, 500), st.integers(1, 40))
def test_runs_keep_every_file_once_in_order(files: int, count: int) -> None:
    paths = [Path(f"f{i}") for i in range(files)]
    cut = batch.runs(paths, count)
    assert [p for run in cut for p in run] == paths
    assert all(cut) and len(cut) == min(files, count)
    assert max(map(len, cut)) - min(map(len, cut)) <= 1


def test_few_files_stay_in_this_process() -> None:
    assert batch.workers_for(batch.PARALLEL_FROM - 1) == 0
    assert batch.workers_for(1) == 0


@pytest.mark.slow
def test_ctrl_c_during_a_batch_is_calm(tmp_path: Path) -> None:
    """Ctrl-C reaches every process of the batch: the command stops with its calm line and exit 130,
    and no worker prints a traceback."""
    paths = answers_files(tmp_path, KB, 3000)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen([sys.executable, "-m", "triage", "assess", "--format", "json", *map(str, paths)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT,
                             start_new_session=True)
    assert child.stdout is not None
    child.stdout.readline()  # the workers are at work
    time.sleep(0.2)
    os.killpg(child.pid, signal.SIGINT)  # as a terminal sends it: to the whole group
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130, err
    assert b"Traceback" not in err
