"""The project's own frozen models: questionnaire, conditions, rules, results.

Everything outside :mod:`triage.engine` speaks these models; experta never
leaks out of that module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal, NamedTuple, TypeVar, cast

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, PrivateAttr, Tag
from pydantic.json_schema import SkipJsonSchema

LEVELS: tuple[str, ...] = ("emergency", "urgent_doctor", "doctor", "acupuncturist")
"""Suggestion levels, most urgent first."""

Level = Literal["emergency", "urgent_doctor", "doctor", "acupuncturist"]
QuestionType = Literal["yes_no", "number", "scale", "choice", "multi"]
Operator = Literal["exists", "=", "!=", ">", "<", ">=", "<=", "contains"]
Scalar = bool | int | str
AnswerValue = bool | int | str | tuple[str, ...]
NOT_SURE = "not_sure"


def rank(level: str) -> int:
    """0 for the most urgent level; larger is less urgent."""
    return LEVELS.index(level)



_T = TypeVar("_T")

FindingKind = Literal["cause", "red_flag"]


class Finding(NamedTuple):
    """A cause or red flag that rules declare and other rules may test: the one way a finding is
    written in the project (``str()`` gives ``cause:kidney_stones``, as the JSON result has it)."""

    kind: FindingKind
    id: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"

    @classmethod
    def parse(cls, text: str) -> Finding:
        """``cause:kidney_stones`` back into a finding."""
        kind, _, fid = text.partition(":")
        if kind not in ("cause", "red_flag") or not fid:
            raise ValueError(f"not a finding: {text!r} (a finding is cause:ID or red_flag:ID)")
        return cls(kind, fid)  # type: ignore[arg-type]  # checked just above

class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Located(Frozen):
    """An item with an id that remembers where it was defined (set by the loader)."""

    id: str
    file: SkipJsonSchema[str] = Field(default="", exclude=True)
    line: SkipJsonSchema[int] = Field(default=0, exclude=True)


# --- conditions ------------------------------------------------------------
class QuestionCondition(Frozen):
    """Compares one answer, as FHIR enableWhen does (question, operator, answer)."""

    question: str = Field(description="Id of the question whose answer is compared.")
    operator: Operator = Field(
        description="exists, =, !=, >, <, >=, <= (as FHIR enableWhen), or contains (multi).")
    answer: Scalar | tuple[str, ...] = Field(
        description="The value compared with: true/false/not_sure, a number, an option id, or a list.")


class AllCondition(Frozen):
    all: tuple[Condition, ...]


class AnyCondition(Frozen):
    any: tuple[Condition, ...]


class NotCondition(Frozen):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    not_: Condition = Field(alias="not")


class CauseCondition(Frozen):
    """Holds when another rule has derived this cause."""

    cause: str


class RedFlagCondition(Frozen):
    """Holds when another rule has derived this red flag."""

    red_flag: str


class UnansweredCondition(Frozen):
    """Holds when this question was put to the person but has no answer.

    Only an answers file or a FHIR form can leave a question unanswered; a
    question that was not asked (its ``ask_if``, or a stop) never holds here.
    """

    unanswered: str = Field(
        description="Id of a question that holds here when it was asked and left without an answer.")


CONDITION_KEYS = ("question", "all", "any", "not", "cause", "red_flag", "unanswered")


def _condition_kind(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        return {
            QuestionCondition: "question",
            AllCondition: "all",
            AnyCondition: "any",
            NotCondition: "not",
            CauseCondition: "cause",
            RedFlagCondition: "red_flag",
            UnansweredCondition: "unanswered",
        }.get(type(value))
    if isinstance(value, dict):
        for key in CONDITION_KEYS:
            if key in value:
                return key
    return None


Condition = Annotated[
    Annotated[QuestionCondition, Tag("question")]
    | Annotated[AllCondition, Tag("all")]
    | Annotated[AnyCondition, Tag("any")]
    | Annotated[NotCondition, Tag("not")]
    | Annotated[CauseCondition, Tag("cause")]
    | Annotated[RedFlagCondition, Tag("red_flag")]
    | Annotated[UnansweredCondition, Tag("unanswered")],
    Discriminator(
        _condition_kind,
        custom_error_type="bad_condition",
        custom_error_message="not a condition",
    ),
]

for _model in (AllCondition, AnyCondition, NotCondition):
    _model.model_rebuild()


# --- questionnaire ---------------------------------------------------------
class Option(Frozen):
    id: str
    label: str


class Section(Frozen):
    id: str
    title: str
    ask_if: Condition | None = Field(
        default=None,
        description="Ask this section's questions only when this condition on earlier answers holds.")
    before_needling: bool = Field(
        default=False,
        description="The acupuncturist's own checklist: asked last, and only when the answers so far let "
                    "acupuncture be discussed. Only `caution` rules may use its answers: they change no "
                    "level.")


class Question(Located):
    id: str = Field(description="Unique id, used by answers files, rules and ask_if (snake_case).")
    type: QuestionType = Field(
        description="yes_no (Yes / No / Not sure), number (min-max), scale (0-10), "
                    "choice (one option) or multi (any options, or none).")
    section: str = Field(description="Id of a section listed under `sections`.")
    text: str = Field(description="The question as the person reads it.")
    why: str = Field(description="Why it is asked, in plain words; shown at the prompt and in explanations.")
    min: int | None = Field(default=None, description="Smallest allowed answer (number questions only).")
    max: int | None = Field(default=None, description="Largest allowed answer (number questions only).")
    options: tuple[Option, ...] = Field(
        default=(), description="The answers to choose from (choice and multi questions only).")
    ask_if: Condition | None = Field(
        default=None, description="Ask this question only when this condition on earlier answers holds.")

    @property
    def bounds(self) -> tuple[int, int]:
        if self.type == "scale":
            return (0, 10)
        return (self.min if self.min is not None else 0, self.max if self.max is not None else 0)

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)

    def label(self, option_id: str) -> str:
        for option in self.options:
            if option.id == option_id:
                return option.label
        return option_id


class Questionnaire(Frozen):
    title: str = "Back-pain triage"
    sections: tuple[Section, ...]
    questions: tuple[Question, ...]


# --- rules -----------------------------------------------------------------
class ThenCause(Frozen):
    cause: str


class ThenRedFlag(Frozen):
    red_flag: str
    level: Level


class ThenLevel(Frozen):
    level: Level
    stop: bool = Field(
        default=False,
        description="Stop the questionnaire as soon as this rule fires (emergency levels always stop).")
    acupuncture_responsive: bool = Field(
        default=False,
        description="What this rule finds (such as long-lasting pain) is something acupuncture may help "
                    "with: at the doctor level, acupuncture may be discussed as a complement.")
    acupuncture_withheld: bool = Field(
        default=False,
        description="While this rule holds, acupuncture is not suggested until a doctor has seen the person.")


class ThenCaution(Frozen):
    """A caution for a treatment, said in the rule's ``because``; it sets no level."""

    caution: Literal["acupuncture"] = Field(
        description="What the caution is for (acupuncture); the rule's `because` is what is said.")


THEN_KINDS = ("red_flag", "cause", "level", "caution")


def _then_kind(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        return {ThenCause: "cause", ThenRedFlag: "red_flag", ThenLevel: "level",
                ThenCaution: "caution"}.get(type(value))
    if isinstance(value, dict):
        for key in THEN_KINDS:
            if key in value:
                return key
    return None


Then = Annotated[
    Annotated[ThenRedFlag, Tag("red_flag")]
    | Annotated[ThenCause, Tag("cause")]
    | Annotated[ThenLevel, Tag("level")]
    | Annotated[ThenCaution, Tag("caution")],
    Discriminator(_then_kind, custom_error_type="bad_then", custom_error_message="not a then"),
]


AnyThen = ThenCause | ThenRedFlag | ThenLevel | ThenCaution


def then_kind(then: AnyThen) -> str:
    kind = _then_kind(then)
    assert kind is not None
    return kind


def then_level(then: AnyThen) -> str | None:
    return then.level if isinstance(then, ThenRedFlag | ThenLevel) else None


def then_stops(then: AnyThen) -> bool:
    if isinstance(then, ThenLevel) and then.stop:
        return True
    return then_level(then) == "emergency"


def _one_or_many(value: Any) -> Any:
    return (value,) if isinstance(value, str) else value


SourceIds = Annotated[
    tuple[str, ...], BeforeValidator(_one_or_many, json_schema_input_type=str | list[str])
]
"""One source id, or a list of them (the loader reports an empty one)."""


class Examples(Frozen):
    fires: tuple[dict[str, Any], ...] = ()
    does_not_fire: tuple[dict[str, Any], ...] = ()


class Rule(Located):
    id: str = Field(description="Unique rule id.")
    when: Condition = Field(
        description="The condition: a comparison of one answer, a cause or red_flag found by "
                    "another rule, or all/any/not of conditions.")
    then: Then = Field(
        description="What the rule concludes: a cause, a red_flag with its level, a level, or a caution.")
    because: str = Field(description="Why, in plain words; shown to the person with the result.")
    source: SourceIds = Field(
        description="Id (or list of ids) of the sources in a `sources` catalogue that say what the rule "
                    "does; `clinical_consensus` where no published source does.")
    examples: Examples = Field(
        default=Examples(),
        description="Answers that fire the rule and answers that must not; `triage check` runs them.")

    @property
    def finding(self) -> Finding | None:
        """The cause or red flag this rule declares, if any."""
        if isinstance(self.then, ThenCause):
            return Finding("cause", self.then.cause)
        if isinstance(self.then, ThenRedFlag):
            return Finding("red_flag", self.then.red_flag)
        return None


class CauseDef(Located):
    name: str = Field(description="The cause's name as the person reads it.")
    about: str = Field(description="What it is, in plain words.")
    acupuncture_responsive: bool = Field(
        default=False, description="True for causes that acupuncture may help with.")
    acupuncture_withheld: bool = Field(
        default=False,
        description="True for causes (such as a possible cancer) during which acupuncture is not suggested "
                    "until a doctor has seen the person.")


class RedFlagDef(Located):
    name: str = Field(description="The warning sign's name as the person reads it.")
    means: str = Field(description="What it may mean, in plain words.")


class SourceDef(Located):
    """One entry of the sources catalogue; rules cite it by id."""

    id: str = Field(description="Unique source id, cited by rules and advice (snake_case).")
    short: str = Field(
        description="How explanations name it, for example: NICE NG59 (2016, updated 2020).")
    reference: str = Field(description="The full reference.")
    year: int | None = Field(default=None, description="Year of publication, where there is one.")
    url: str | None = Field(default=None, description="Web address, where there is one.")


AdviceKind = Literal["safety_net", "self_care", "notice"]


class AdviceDef(Located):
    """Advice that every result at ``levels`` carries, in words and in the JSON."""

    kind: AdviceKind = Field(
        description="safety_net (when to get help sooner), self_care (what helps meanwhile) or notice "
                    "(said with the suggestion, where `when` holds).")
    levels: tuple[Level, ...] = Field(description="The suggestion levels whose results carry this advice.")
    when: Condition | None = Field(
        default=None, description="Only when this condition on the answers holds (a notice's condition).")
    title: str = Field(description="The heading the person reads.")
    points: tuple[str, ...] = Field(min_length=1, description="The advice, one plain sentence or two each.")
    source: SourceIds = Field(description="Id (or list of ids) of the sources that support the advice.")


class CoverageItem(Located):
    """One item of a list in a guideline the contract relies on, and what catches it.

    Either ``shows`` (answers that show this item and nothing else) with the
    ``rules`` that bring them to ``tier``, or ``not_asked`` (why the
    questionnaire does not ask about it).
    """

    id: str = Field(description="Unique item id (snake_case), prefixed by its list.")
    source: str = Field(description="Id of the catalogue source whose list names the item.")
    heading: str = Field(description="Which list of that source, as it is headed there.")
    sign: str = Field(description="The item, as the source puts it.")
    tier: Level = Field(description="The least urgent level a result may give for it.")
    shows: dict[str, Any] | None = Field(
        default=None,
        description="Answers that show this item and nothing else (other yes/no questions No, "
                    "multi questions none).")
    ages: tuple[int, ...] = Field(
        default=(),
        description="Ages to play `shows` at, each side of any threshold (default: the tests' adult ages).")
    rules: tuple[str, ...] = Field(
        default=(), description="Ids of the rules that bring `shows` to `tier`; each is needed.")
    not_asked: str | None = Field(
        default=None, description="Why the questionnaire does not ask about this item.")


class VignetteScore(Frozen):
    """The public vignettes' results, as published symptom-checker audits count them."""

    total: int
    level_exact: int = Field(description="Vignettes whose level is exactly the expected one.")
    safe: int = Field(description="Vignettes whose level is at least as urgent as expected.")
    expectations: int = Field(description="Vignettes whose every expectation holds.")


class Release(Frozen):
    """One version of the knowledge base, in its change log (newest first)."""

    version: str = Field(description="The knowledge base's version, as results carry it.")
    date: str = Field(description="When it was released (YYYY-MM-DD).")
    contract: int = Field(description="The version of the clinical contract it follows.")
    changes: tuple[str, ...] = Field(min_length=1, description="What changed, one line each.")
    vignettes: VignetteScore = Field(description="Its results on the public vignettes.")


class RuleFile(Frozen):
    """One topic file of ``rules/``."""

    topic: str
    causes: tuple[CauseDef, ...] = ()
    red_flags: tuple[RedFlagDef, ...] = ()
    rules: tuple[Rule, ...] = ()
    sources: tuple[SourceDef, ...] = ()
    advice: tuple[AdviceDef, ...] = ()
    coverage: tuple[CoverageItem, ...] = ()
    history: tuple[Release, ...] = ()


class KnowledgeBase(Frozen):
    questionnaire: Questionnaire
    rules: tuple[Rule, ...]
    causes: tuple[CauseDef, ...]
    red_flags: tuple[RedFlagDef, ...]
    sources: tuple[SourceDef, ...] = ()
    advice: tuple[AdviceDef, ...] = ()
    coverage: tuple[CoverageItem, ...] = ()
    history: tuple[Release, ...] = ()
    fingerprint: str = Field(description="A hash of the questionnaire and rule files as read.")
    questions_file: str
    rules_dir: str

    _questions: dict[str, Question] = PrivateAttr(default_factory=dict)

    _index: dict[str, int] = PrivateAttr(default_factory=dict)

    _asked_when: dict[str, Condition | None] = PrivateAttr(default_factory=dict)

    _rules: tuple[tuple[Rule, ...], dict[str, Rule]] | None = PrivateAttr(default=None)

    _derived: dict[str, tuple[Any, Any, Any]] = PrivateAttr(default_factory=dict)

    _written: KnowledgeBase | None = PrivateAttr(default=None)
    """For a copy in another language, the knowledge base as written (in English)."""

    @property
    def as_written(self) -> KnowledgeBase:
        """The knowledge base in the words it is written in (English), whatever this copy's language."""
        return self._written or self

    def written_in_english_as(self, written: KnowledgeBase) -> None:
        """Record that this copy is ``written`` in other words (:func:`triage.overlay.apply`)."""
        self._written = written.as_written

    def model_post_init(self, context: Any, /) -> None:
        self._questions.update((q.id, q) for q in self.questionnaire.questions)
        self._index.update((q.id, i) for i, q in enumerate(self.questionnaire.questions))

    def derived(self, name: str, compute: Callable[[KnowledgeBase], _T]) -> _T:
        """A value worked out from the questions and rules, once (``name`` says which); a copy with
        other questions or rules works it out again."""
        kept = self._derived.get(name)
        if kept is None or kept[0] is not self.rules or kept[1] is not self.questionnaire:
            kept = self._derived[name] = (self.rules, self.questionnaire, compute(self))
        return cast(_T, kept[2])

    @property
    def asked_when_memo(self) -> dict[str, Condition | None]:
        """Each question's :func:`triage.conditions.asked_when`, as worked out so far."""
        return self._asked_when

    @property
    def question_index(self) -> dict[str, int]:
        """Position of each question in the questionnaire's order."""
        return self._index

    def question(self, qid: str) -> Question:
        return self._questions[qid]

    @property
    def questions(self) -> tuple[Question, ...]:
        return self.questionnaire.questions

    def has_question(self, qid: str) -> bool:
        return qid in self._questions

    def cause(self, cid: str) -> CauseDef:
        return next(c for c in self.causes if c.id == cid)

    def red_flag(self, rid: str) -> RedFlagDef:
        return next(r for r in self.red_flags if r.id == rid)

    def rule(self, rule_id: str) -> Rule:
        if self._rules is None or self._rules[0] is not self.rules:  # a copy may bring other rules
            self._rules = (self.rules, {r.id: r for r in reversed(self.rules)})  # the first of an id wins
        return self._rules[1][rule_id]

    def source(self, sid: str) -> SourceDef:
        return next(s for s in self.sources if s.id == sid)

    def cite(self, source_ids: tuple[str, ...]) -> str:
        """Short citations: "NICE NG59 (2016, updated 2020); Finucane et al., JOSPT 2020"."""
        from triage import i18n

        return i18n.clauses(self.source(sid).short for sid in source_ids)

    @property
    def version(self) -> str:
        """The newest release in the change log; the fingerprint where there is no log."""
        return self.history[0].version if self.history else self.fingerprint

    @property
    def traced_version(self) -> str:
        """The version and the fingerprint of the files as read ("3.0.0+dbd66c69b368227a")."""
        return self.version if self.version == self.fingerprint else f"{self.version}+{self.fingerprint}"

    def coverage_of(self, source_id: str) -> tuple[CoverageItem, ...]:
        """The coverage catalogue's items from one source's lists."""
        return tuple(item for item in self.coverage if item.source == source_id)

    def section(self, sid: str) -> Section:
        return next(s for s in self.questionnaire.sections if s.id == sid)

    @property
    def checklist(self) -> tuple[Question, ...]:
        """The acupuncturist's questions before needling (sections marked ``before_needling``), in order."""
        marked = {s.id for s in self.questionnaire.sections if s.before_needling}
        return tuple(q for q in self.questions if q.section in marked)

    def is_checklist(self, question: Question) -> bool:
        return self.section(question.section).before_needling

    def section_title(self, sid: str) -> str:
        for section in self.questionnaire.sections:
            if section.id == sid:
                return section.title
        return sid


# --- what the engine derives -------------------------------------------------
@dataclass(frozen=True)
class Firing:
    """One rule that fired, with the answers and findings that matched it."""

    rule_id: str
    matched: tuple[tuple[str, AnswerValue], ...]
    via: tuple[Finding, ...] = ()
    missing: tuple[str, ...] = ()
    """Questions asked but left unanswered that the rule tested."""


@dataclass(frozen=True)
class Evaluation:
    """Everything the engine derived from one set of answers."""

    firings: tuple[Firing, ...]
    level: str
    stop: bool

    @property
    def fired(self) -> frozenset[str]:
        return frozenset(f.rule_id for f in self.firings)
