"""experta 1.9.4's agenda can leave a retracted activation behind.

Among activations with equal keys (here: six rules that each match only the
initial fact through a NOT), ``DepthStrategy`` searches for a removed one
only beside its bisect position. Which one it misses depends on
PYTHONHASHSEED, so the example runs in subprocesses under several seeds: the
stock strategy fires a rule whose NOT no longer holds under some seed; the
engine's strategy never does.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import sys
    from experta import Fact, KnowledgeEngine, NOT, OR, Rule
    from triage.engine import ExactRemovalStrategy

    fired = []
    namespace = {}
    if sys.argv[1] == "fixed":
        namespace["__strategy__"] = ExactRemovalStrategy
    for i in range(6):
        def fire(self, i=i):
            fired.append(i)
        namespace[f"r{i}"] = Rule(NOT(Fact(k=i)))(fire)
    # The example from experta's agenda bug, too.
    namespace["pair"] = Rule(NOT(Fact(a=1)), OR(NOT(Fact(b=1)), NOT(Fact(c=1))))(
        lambda self: fired.append("pair"))
    engine = type("E", (KnowledgeEngine,), namespace)()
    engine.reset()
    for i in (1, 2, 3, 4):
        engine.declare(Fact(k=i))
    engine.declare(Fact(a=1))
    engine.declare(Fact(c=1))
    engine.run()
    print(sorted(map(str, fired)))
    """
)
CORRECT = "['0', '5']"
SEEDS = [str(s) for s in range(12)]


def run(strategy: str, seed: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, strategy],
        env={"PYTHONHASHSEED": seed, "PATH": ""},
        capture_output=True, text=True, timeout=60, check=True,
    )
    return proc.stdout.strip()


@pytest.mark.slow
def test_stock_strategy_fires_a_stale_activation_under_some_seed() -> None:
    outcomes = {run("stock", seed) for seed in SEEDS}
    assert outcomes - {CORRECT}, "the stock strategy no longer shows the bug"


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_exact_removal_never_fires_a_stale_activation(seed: str) -> None:
    assert run("fixed", seed) == CORRECT


def test_the_triage_engine_uses_the_exact_removal_strategy() -> None:
    """The fix above is only worth something if the triage engine runs with it."""
    from triage import loader
    from triage.engine import ExactRemovalStrategy, engine_for

    engine = engine_for(loader.load())._engine
    assert type(engine).__strategy__ is ExactRemovalStrategy
    assert type(engine.strategy) is ExactRemovalStrategy
