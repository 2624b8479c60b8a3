"""Every public vignette passes through `triage assess --format json`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from vignette_answers import read, unmet, vignette_files, write_answers

from triage.models import LEVELS, KnowledgeBase

CASES = [pytest.param(path, id=path.stem.replace("_", "-")) for path in vignette_files()]


def test_all_public_vignettes_are_here() -> None:
    assert len(CASES) >= 27


@pytest.mark.parametrize("vignette", CASES)
def test_vignette(vignette: Path, kb: KnowledgeBase, cli: Callable[..., Any], tmp_path: Path) -> None:
    answers_file = write_answers(kb, vignette, tmp_path)
    run = cli("assess", answers_file, "--format", "json")
    assert run.status == 0, run.err
    result = json.loads(run.out)
    assert unmet(result, read(vignette)["expect"]) == []


def test_batch_gives_one_object_per_file_in_order(
    kb: KnowledgeBase, cli: Callable[..., Any], tmp_path: Path
) -> None:
    files = [write_answers(kb, v, tmp_path) for v in vignette_files()]
    run = cli("assess", *files, "--format", "json")
    lines = run.out.splitlines()
    assert run.status == 0
    assert [json.loads(line)["source"].rsplit("/", 1)[-1] for line in lines] == [f.name for f in files]
    scores = [not unmet(json.loads(line), read(v)["expect"]) for line, v in zip(lines, vignette_files(),
                                                                                strict=True)]
    assert all(scores)


def test_no_vignette_is_under_triaged(kb: KnowledgeBase, cli: Callable[..., Any], tmp_path: Path) -> None:
    """Safety as published audits measure it: never less urgent than expected."""
    for vignette in vignette_files():
        run = cli("assess", write_answers(kb, vignette, tmp_path), "--format", "json")
        level = json.loads(run.out)["level"]
        assert LEVELS.index(level) <= LEVELS.index(read(vignette)["expect"]["level"]), vignette.name
