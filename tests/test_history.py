"""The knowledge base's change log stays true: its newest entry is the version results carry,
with the public vignettes' results as a fresh run gives them."""

from __future__ import annotations

import json

from vignette_answers import answers_for, read, unmet, vignette_files

from triage import flow, loader, result
from triage.answers import example_answers
from triage.engine import engine_for
from triage.models import LEVELS

KB = loader.load()


def test_newest_release_is_the_version_results_carry() -> None:
    assert KB.history, "rules/history.yaml needs at least one release"
    assert KB.version == KB.history[0].version
    versions = [tuple(int(p) for p in r.version.split(".")) for r in KB.history]
    assert versions == sorted(versions, reverse=True), "the change log lists the newest version first"
    assert [r.date for r in KB.history] == sorted((r.date for r in KB.history), reverse=True)


def test_newest_release_records_the_public_vignettes_as_they_run_now() -> None:
    engine = engine_for(KB)
    exact = safe = met = 0
    files = vignette_files()
    for path in files:
        story = read(path)
        answers = example_answers(KB, answers_for(KB, story))
        out = json.loads(result.build(KB, flow.simulate(KB, engine, answers), path.name).to_json())
        expected = story["expect"]["level"]
        exact += out["level"] == expected
        safe += LEVELS.index(out["level"]) <= LEVELS.index(expected)
        met += not unmet(out, story["expect"])
    recorded = KB.history[0].vignettes
    assert (recorded.total, recorded.level_exact, recorded.safe, recorded.expectations) == (
        len(files), exact, safe, met), "update the newest entry of rules/history.yaml"
