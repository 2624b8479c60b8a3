"""`triage check` and `triage assess` on generated knowledge bases of growing size.

Each knowledge base is the shipped questionnaire with N generated rules in
chains of findings (rule k tests the cause of rule k-1, ten rules a chain,
listed in reverse order), each with an example that fires and one that does
not. The figures show how time grows with N: near-linear is the target, with
`check` on 2,000 rules within a few seconds.

    uv run python benchmarks/bench_check.py [N ...]
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from triage import check, loader  # noqa: E402
from triage.engine import Engine  # noqa: E402
from triage.flow import simulate  # noqa: E402

SIGNS = ["fever", "night_pain", "muscle_tension", "morning_stiffness", "recent_trauma"]
CHAIN = 10


def knowledge_base(folder: Path, n: int) -> tuple[Path, Path]:
    """The shipped questions and sources, and ``n`` chained rules (listed last first)."""
    rules_dir = folder / "rules"
    rules_dir.mkdir(parents=True)
    shutil.copy(ROOT / "questions.yaml", folder / "questions.yaml")
    shutil.copy(ROOT / "rules" / "sources.yaml", rules_dir / "sources.yaml")
    causes = [{"id": f"c{k}", "name": f"Cause {k}", "about": "A generated cause."} for k in range(n)]
    rules = []
    for k in reversed(range(n)):
        sign = SIGNS[k % len(SIGNS)]
        when: dict[str, object] = {"question": sign, "operator": "=", "answer": True}
        fires = {s: True for s in SIGNS}
        if k % CHAIN:
            when = {"all": [{"cause": f"c{k - 1}"}, when]}
        rules.append({"id": f"r{k}", "when": when, "then": {"cause": f"c{k}"},
                      "because": "A generated rule for the benchmark.", "source": "clinical_consensus",
                      "examples": {"fires": [fires], "does_not_fire": [{sign: False}]}})
    rules.append({"id": "level", "when": {"all": []}, "then": {"level": "acupuncturist"},
                  "because": "Always, for the benchmark.", "source": "clinical_consensus",
                  "examples": {"fires": [{}]}})
    dumper = type("NoAliases", (yaml.SafeDumper,), {"ignore_aliases": lambda self, data: True})
    text = yaml.dump({"topic": "Generated", "causes": causes, "rules": rules}, Dumper=dumper, sort_keys=False)
    (rules_dir / "generated.yaml").write_text(text, encoding="utf-8")
    return folder / "questions.yaml", rules_dir


def main(sizes: list[int]) -> None:
    print(f"{'rules':>6} {'load (s)':>9} {'check (s)':>10} {'engine (s)':>11} "
          f"{'assess, none fire (ms)':>23} {'assess, all fire (ms)':>22}")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            questions, rules = knowledge_base(Path(tmp), n)
            start = time.perf_counter()
            kb = loader.load(questions, rules)
            loaded = time.perf_counter()
            problems = check.lint(kb)
            checked = time.perf_counter()
            engine = Engine(kb)
            built = time.perf_counter()
            simulate(kb, engine, dict.fromkeys(SIGNS, False))
            quiet = time.perf_counter()
            simulate(kb, engine, dict.fromkeys(SIGNS, True))
            assessed = time.perf_counter()
            unexpected = [p for p in problems if "no rule or ask_if uses it" not in p.message]
            assert not unexpected, unexpected[:3]
            print(f"{n:>6} {loaded - start:>9.2f} {checked - loaded:>10.2f} {built - checked:>11.2f} "
                  f"{(quiet - built) * 1000:>23.1f} {(assessed - quiet) * 1000:>22.1f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [250, 500, 1000, 2000])
