"""One catalogue of every error message, each saying where, what and how to fix.

Messages are templates; code formats them through :func:`problem` and tests
assert against the same templates, so wording lives in one place.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

# --- reading files ---------------------------------------------------------
FILE_NOT_FOUND = "cannot read the file: it does not exist; check the path"
FILE_UNREADABLE = "cannot read the file: {reason}"
NOT_A_DIRECTORY = "expected a folder of rule files (*.yaml); check the path"
NO_RULE_FILES = "no rule files (*.yaml) in this folder; add at least one"
BAD_YAML = "this is not valid YAML: {reason}; fix the syntax here"
DUPLICATE_KEY = "`{key}` is given twice in the same mapping; keep one"
EXPECTED_MAPPING = "expected a mapping of {what}, found {found}"

# --- structure (pydantic) ----------------------------------------------------
UNKNOWN_KEY = "{where}: unknown key `{key}`{hint}"
MISSING_KEY = "{where}: missing required key `{key}`; add it"
WRONG_VALUE = "{where}: {reason}"
BAD_CONDITION = (
    "{where}: a condition needs one of `question`, `all`, `any`, `not`, `cause` or "
    "`red_flag`; found {found}"
)
BAD_THEN = "{where}: `then` needs exactly one of {kinds}; found {found}"

# --- references in the knowledge base ---------------------------------------
DUPLICATE_ID = "duplicate {kind} id `{id}` (also at {other}); ids must be unique"
UNKNOWN_QUESTION = "{where}: unknown question `{id}`{hint}"
UNKNOWN_OPTION = "{where}: `{value}` is not an option of `{question}`{hint}"
UNKNOWN_SECTION = "{where}: unknown section `{id}`{hint}"
UNKNOWN_FINDING = "{where}: unknown {kind} `{id}`{hint}"
BAD_OPERATOR = (
    "{where}: operator `{operator}` does not apply to `{question}` ({type}); "
    "use one of {valid}"
)
BAD_COMPARED_VALUE = "{where}: `{question}` is {type}; {expected}, not {found}"
ASK_IF_FINDING = "{where}: an ask_if may only test answers, not a {kind}; use a question"
ASK_IF_LATER = (
    "{where}: its ask_if refers to `{other}`, which is not asked before it; "
    "ask_if may only use earlier questions"
)
UNKNOWN_SOURCE = (
    "{where}: unknown source `{id}`{hint}; add it to a `sources` catalogue or cite one that is there"
)
NO_SOURCE = (
    "{where}: needs a `source`: the ids of catalogue sources that say what it does, "
    "or `clinical_consensus` where no published source does"
)
ADVICE_TWICE = "{where}: there is already {kind} advice for `{level}` (at {other}); keep one"
STOP_BEFORE_NEGATED = (
    "{where}: it stops the questionnaire and tests that `{other}` does not hold, but it can hold "
    "before `{other}` is asked; ask `{other}` earlier"
)
FINDING_CYCLE = "{where}: rules for {kind} `{id}` depend on themselves ({path}); break the cycle"
UNREACHABLE = "{where}: no rule declares it; add a rule that does, or remove it"
UNUSED_QUESTION = "{where}: no rule or ask_if uses it; use it in a rule or remove it"
NO_EXAMPLES = (
    "{where}: needs `examples`: answers that fire it (`fires`) and answers that must not "
    "(`does_not_fire`)"
)
EXAMPLE_FAILS = "{where}: example {n} of `{group}` {actual}; fix the rule or the example"

# --- answers files ----------------------------------------------------------
ANSWER_UNKNOWN_QUESTION = "`{id}` is not a question{hint}"
ANSWER_WRONG_TYPE = "`{id}` {expected}, not {found}"
ANSWER_OUT_OF_RANGE = "`{id}` must be a whole number from {min} to {max}, not {found}"
ANSWER_UNKNOWN_OPTION = "`{id}`: `{value}` is not an option{hint}"
ANSWERS_NOT_MAPPING = (
    "expected `question_id: answer` pairs (or a FHIR QuestionnaireResponse), found {found}"
)

# --- command line -----------------------------------------------------------
NOT_A_TERMINAL = (
    "the questionnaire needs a terminal to answer in. To assess answers from a file, "
    "run: triage assess FILE"
)
UNKNOWN_ID = "`{id}` is not a question, cause, red flag or rule{hint}"
BAD_WHAT_IF = "--what-if {text}: {reason}"
OUTPUT_EXISTS = "{path} already exists; choose another name or remove it first"
INTERNAL = "something went wrong inside the tool ({kind}: {detail}); please report it"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean `x`?)' hint, or a list of the valid choices when few."""
    pool = sorted({str(c) for c in choices})
    close = difflib.get_close_matches(str(word), pool, n=1, cutoff=0.6)
    if close:
        return f" (did you mean `{close[0]}`?)"
    if 0 < len(pool) <= 8:
        return " (valid: " + ", ".join(f"`{c}`" for c in pool) + ")"
    return ""


@dataclass(frozen=True, order=True)
class Problem:
    """One problem, located in a file (and a line where there is one)."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.message}"


class TriageError(Exception):
    """Problems that stop a command; the CLI prints them, one a line."""

    def __init__(self, problems: Iterable[Problem], status: int = 2) -> None:
        self.problems = tuple(problems)
        self.status = status
        super().__init__("\n".join(str(p) for p in self.problems))


def fail(file: str, line: int | None, template: str, /, **fields: object) -> TriageError:
    return TriageError([Problem(file, line, template.format(**fields))])


# --- educator and clinic tools: what-if, export, FHIR, schemas ----------------
WHAT_IF_NO_EQUALS = "write it as QUESTION=VALUE, for example fever=true or age=70"
WHAT_IF_NOT_YAML = "`{value}` cannot be read as a value ({reason}); for a list write [a, b]"
WHAT_IF_TWICE = "`{id}` is changed twice; keep one --what-if for it"
FHIR_NOT_A_LIST = "`{key}` of a FHIR QuestionnaireResponse must be a list, found {found}"
FHIR_NO_LINK_ID = "item {n} has no `linkId`; each answered item needs the question id as linkId"
FHIR_ANSWERED_TWICE = "`{id}` is answered twice (also at line {other}); keep one"
FHIR_ONE_ANSWER = "`{id}` takes one answer, but the response gives {n}; keep one"
FHIR_BAD_ANSWER = "`{id}`: a FHIR answer needs one value[x] such as {expected}, found {found}"
FHIR_NOT_EXPRESSIBLE = (
    "`{id}` is asked only when {condition}; FHIR enableWhen cannot say this, so the "
    "exported form always shows it (the condition is kept in an extension)"
)
SCHEMA_STALE = "out of date with the models; run: triage schema --out {folder}"
SCHEMA_MISSING = "this schema does not exist yet; run: triage schema --out {folder}"
CANNOT_WRITE = "cannot write the file: {reason}"

# --- demonstrations (triage demo) --------------------------------------------------
UNKNOWN_SCENARIO = "`{id}` is not a demonstration{hint}; list them with: triage demo --list"
SCENARIOS_NOT_A_FOLDER = "expected a folder of demonstration files (*.yaml); check the path"
NO_SCENARIOS = "no demonstration files (*.yaml) in this folder; add at least one"
SCENARIO_NOT_MAPPING = (
    "expected a demonstration with `id`, `title`, `story`, `answers` and `expect_level`; found {found}"
)
SCENARIO_MISSING_KEY = "missing `{key}`; add it (a demonstration needs {keys})"
SCENARIO_UNKNOWN_KEY = "unknown key `{key}`{hint}"
SCENARIO_NOT_TEXT = "`{key}` must be text, found {found}"
SCENARIO_BAD_ID = (
    "`id` must be lower-case letters and digits joined by dashes (like `desk-worker`), not {found}"
)
SCENARIO_DUPLICATE_ID = "the id `{id}` is also used by {other}; give each demonstration its own id"
SCENARIO_BAD_LEVEL = "`expect_level` must be one of {levels}, not {found}{hint}"
SCENARIO_ANSWERS_NOT_MAPPING = "`answers` must be `question_id: answer` pairs, found {found}"
SCENARIO_UNANSWERED = (
    "the questionnaire asks `{id}` with these answers, but there is no answer to it; add one"
)
SCENARIO_NOT_ASKED = "`{id}` is {reason}; remove it"
SCENARIO_LEVEL_MISSED = (
    "`expect_level` is `{expected}`, but the rules suggest `{level}` for these answers; "
    "check the rules, or change the answers or expect_level"
)
