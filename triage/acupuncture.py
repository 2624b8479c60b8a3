"""When acupuncture may be discussed, as the clinical contract says.

One decision, read by the flow (the acupuncturist's checklist before needling
is asked only then) and by the result (what the person is told):

- always at level ``acupuncturist``;
- at ``doctor`` only for an acupuncture-responsive cause or rule (long-lasting
  pain), and never while a red flag, a cause that withholds it (a possible
  cancer, infection or polymyalgia) or a rule that withholds it (a weak immune
  system, a warning sign not ruled out, unanswered warning signs) is open;
- never at ``urgent_doctor`` or ``emergency``.
"""

from __future__ import annotations

from typing import Literal

from triage.models import Evaluation, KnowledgeBase, ThenCause, ThenLevel, ThenRedFlag

Discussed = Literal["primary", "complement"]


def may_be_discussed(kb: KnowledgeBase, evaluation: Evaluation) -> Discussed | None:
    """``primary`` at level acupuncturist, ``complement`` where a doctor's result may add it, else None."""
    if evaluation.level == "acupuncturist":
        return "primary"
    if evaluation.level != "doctor":
        return None
    thens = [kb.rule(rule_id).then for rule_id in _rule_ids(evaluation)]
    if any(isinstance(then, ThenRedFlag) for then in thens):
        return None
    causes = [kb.cause(then.cause) for then in thens if isinstance(then, ThenCause)]
    levels = [then for then in thens if isinstance(then, ThenLevel)]
    if any(c.acupuncture_withheld for c in causes) or any(t.acupuncture_withheld for t in levels):
        return None
    if any(c.acupuncture_responsive for c in causes) or any(t.acupuncture_responsive for t in levels):
        return "complement"
    return None


def _rule_ids(evaluation: Evaluation) -> list[str]:
    return list(dict.fromkeys(f.rule_id for f in evaluation.firings))
