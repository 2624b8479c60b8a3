"""One catalogue of every error message, each saying where, what and how to fix.

Messages are templates; code formats them through :func:`problem` and tests
assert against the same templates, so wording lives in one place.
"""

from __future__ import annotations

import difflib
import re
import sys
import types
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from triage.i18n import N_, listing, translated

# --- reading files ---------------------------------------------------------
FILE_NOT_FOUND = N_("cannot read the file: it does not exist; check the path")
FILE_UNREADABLE = N_("cannot read the file: {reason}")
NOT_A_DIRECTORY = N_("expected a folder of rule files (*.yaml); check the path")
NO_RULE_FILES = N_("no rule files (*.yaml) in this folder; add at least one")
BAD_YAML = N_("this is not valid YAML: {reason}; fix the syntax here")
BAD_JSON = N_("this is not valid JSON: {reason}; fix the syntax here")
DUPLICATE_KEY = N_("`{key}` is given twice in the same mapping; keep one")
EXPECTED_MAPPING = N_("expected a mapping of {what}, found {found}")
NOT_A_REGULAR_FILE = N_("cannot read it: it is {kind}, not a regular file; give the path of a file")
TOO_LARGE = N_("the file is larger than {limit} (the most this tool reads); split it or check the path")
TOO_DEEP = N_("lists and mappings are nested more than {limit} levels deep here; flatten the file")
TOO_MANY_ITEMS = N_("a list or mapping with more than {limit} items; check the file")
TOO_MANY_ALIASES = N_("more than {limit} aliases (*name); write the values out instead")
ALIAS_TO_ITSELF = N_("the alias *{name} refers to a value that contains it; write the value out instead")
TOO_MANY_NODES = (
    N_("the aliases here would expand to more than {limit} values; write the values out instead")
)
NUMBER_TOO_LONG = N_("a number with more than {limit} digits; check the value")
TEXT_TOO_LONG = N_("a text of {length} characters, more than the {limit} this tool reads; shorten it")
MORE_PROBLEMS = N_("and {n} more problems in this file (the first {shown} are shown); fix these first")

# --- structure (pydantic) ----------------------------------------------------
UNKNOWN_KEY = N_("{where}: unknown key `{key}`{hint}")
MISSING_KEY = N_("{where}: missing required key `{key}`; add it")
WRONG_VALUE = N_("{where}: {reason}")
BAD_CONDITION = (
    N_("{where}: a condition needs one of `question`, `all`, `any`, `not`, `cause` or "
    "`red_flag`; found {found}")
)
BAD_THEN = N_("{where}: `then` needs exactly one of {kinds}; found {found}")

# --- references in the knowledge base ---------------------------------------
DUPLICATE_ID = N_("duplicate {kind} id `{id}` (also at {other}); ids must be unique")
UNKNOWN_QUESTION = N_("{where}: unknown question `{id}`{hint}")
UNKNOWN_OPTION = N_("{where}: `{value}` is not an option of `{question}`{hint}")
UNKNOWN_SECTION = N_("{where}: unknown section `{id}`{hint}")
UNKNOWN_FINDING = N_("{where}: unknown {kind} `{id}`{hint}")
BAD_OPERATOR = (
    N_("{where}: operator `{operator}` does not apply to `{question}` ({type}); "
    "use one of {valid}")
)
BAD_COMPARED_VALUE = N_("{where}: `{question}` is {type}; {expected}, not {found}")
ASK_IF_FINDING = N_("{where}: an ask_if may only test answers, not a {kind}; use a question")
CHECKLIST_NOT_LAST = N_(
    "{where}: it is in the checklist before needling (section `{section}`), but `{other}` comes after it; "
    "put the checklist's sections and questions last")
CHECKLIST_SETS_LEVEL = N_(
    "{where}: it uses `{other}`, from the checklist before needling, but is not a `caution` rule; the "
    "checklist changes no level: use `then: {{caution: acupuncture}}`, or move the question out of the "
    "checklist")
ASK_IF_LATER = (
    N_("{where}: its ask_if refers to `{other}`, which is not asked before it; "
    "ask_if may only use earlier questions")
)
UNKNOWN_SOURCE = (
    N_("{where}: unknown source `{id}`{hint}; add it to a `sources` catalogue or cite one that is there")
)
NO_SOURCE = (
    N_("{where}: needs a `source`: the ids of catalogue sources that say what it does, "
    "or `clinical_consensus` where no published source does")
)
ADVICE_TWICE = N_("{where}: there is already {kind} advice for `{level}` (at {other}); keep one")
STOP_BEFORE_NEGATED = (
    N_("{where}: it stops the questionnaire and tests that `{other}` does not hold, but it can hold "
    "before `{other}` is asked; ask `{other}` earlier")
)
TOO_COMPLEX = (
    N_("{where}: its condition has more than {limit} ways to hold once its `all`s and `any`s are "
    "multiplied out; split it into several rules, or give a part its own rule and test that finding")
)
FINDING_CYCLE = N_("{where}: rules for {kind} `{id}` depend on themselves ({path}); break the cycle")
UNREACHABLE = N_("{where}: no rule declares it; add a rule that does, or remove it")
UNUSED_QUESTION = N_("{where}: no rule or ask_if uses it; use it in a rule or remove it")
NO_EXAMPLES = (
    N_("{where}: needs `examples`: answers that fire it (`fires`) and answers that must not "
    "(`does_not_fire`)")
)
EXAMPLE_FAILS = N_("{where}: example {n} of `{group}` {actual}; fix the rule or the example")
RULE_UNREACHABLE = (
    N_("{where}: none of its `fires` examples fires when played through the questionnaire (an "
    "ask_if or an earlier stop keeps its answers from being asked); make the rule reachable, or give "
    "an example a person could answer")
)
COVERAGE_NEITHER = (
    N_("{where}: says neither what catches it (`shows` with the `rules` that catch it) nor why it is "
    "not asked (`not_asked`); add one of them")
)
COVERAGE_BOTH = (
    N_("{where}: has `not_asked` and also `shows` or `rules`; keep what catches it, or the reason "
    "it is not asked")
)
COVERAGE_HALF = N_("{where}: `shows` and `rules` go together; give both")
COVERAGE_BELOW_TIER = (
    N_("{where}: its `shows` answers reach `{level}`, less urgent than its tier `{tier}` (at age "
    "{age}); add a rule that catches it or fix the answers")
)
HISTORY_TWICE = N_("version `{version}` is in the change log twice (also at {other}); keep one")

# --- answers files ----------------------------------------------------------
ANSWER_UNKNOWN_QUESTION = N_("`{id}` is not a question{hint}")
ANSWER_WRONG_TYPE = N_("`{id}` {expected}, not {found}")
ANSWER_OUT_OF_RANGE = N_("`{id}` must be a whole number from {min} to {max}, not {found}")
ANSWER_UNKNOWN_OPTION = N_("`{id}`: `{value}` is not an option{hint}")
ANSWERS_NOT_MAPPING = (
    N_("expected `question_id: answer` pairs (or a FHIR QuestionnaireResponse), found {found}")
)

# --- command line -----------------------------------------------------------
NOT_A_TERMINAL = (
    N_("the questionnaire needs a terminal to answer in. To assess answers from a file, "
    "run: triage assess FILE")
)
UNKNOWN_ID = N_("`{id}` is not a question, cause, red flag, rule or source{hint}")
SEVERAL_MATCH = N_("`{words}` matches several ids: {ids}; give one of them (triage explain --list shows all)")
PORT_IN_USE = N_("cannot listen on {host} port {port}: {reason}; choose another with --port")
BAD_WHAT_IF = N_("--what-if {text}: {reason}")
OUTPUT_EXISTS = N_("{path} already exists; choose another name or remove it first")
INTERNAL = N_("something went wrong inside the tool ({kind}: {detail}); please report it")


DID_YOU_MEAN = N_(" (did you mean `{word}`?)")
VALID_CHOICES = N_(" (valid: {choices})")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean `x`?)' hint, or a list of the valid choices when few."""
    pool = sorted({str(c) for c in choices})
    close = difflib.get_close_matches(str(word), pool, n=1, cutoff=0.6)
    if close:
        return translated(DID_YOU_MEAN).format(word=close[0])
    if 0 < len(pool) <= 8:
        return translated(VALID_CHOICES).format(choices=listing(f"`{c}`" for c in pool))
    return ""


MAX_PER_FILE = 50
"""Problems shown for one file; the rest are counted in one line."""
MAX_NAME = 80
MAX_QUOTED = 60

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_QUOTED = re.compile(r"`([^`]*)`|\"([^\"]*)\"")


def escape(text: str) -> str:
    """Control characters (and bidirectional overrides) as visible escapes: ``\x1b``."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters: the start and the end, with "…" between."""
    if len(text) <= limit:
        return text
    keep = limit - 1
    return text[: keep - keep // 3] + "…" + text[len(text) - keep // 3:]


def _clean_message(message: str) -> str:
    """A message safe to print: what it quotes from a file is shortened, controls escaped."""
    def short(match: re.Match[str]) -> str:
        text = match.group()
        mark = text[0]
        return mark + shorten(text[1:-1], MAX_QUOTED) + mark

    return escape(_QUOTED.sub(short, message))


@dataclass(frozen=True, order=True)
class Problem:
    """One problem, located in a file (and a line where there is one)."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        name = escape(shorten(self.file, MAX_NAME))
        where = name if self.line is None else f"{name}:{self.line}"
        return f"{where}: {_clean_message(self.message)}"


def report(problems: Iterable[Problem]) -> list[str]:
    """Problems as lines to print: at most ``MAX_PER_FILE`` a file, then how many more."""
    lines: list[str] = []
    shown: dict[str, int] = {}
    hidden: dict[str, int] = {}
    for problem in problems:
        if shown.get(problem.file, 0) < MAX_PER_FILE:
            shown[problem.file] = shown.get(problem.file, 0) + 1
            lines.append(str(problem))
        else:
            hidden[problem.file] = hidden.get(problem.file, 0) + 1
    for file, n in hidden.items():
        lines.append(str(Problem(file, None, translated(MORE_PROBLEMS).format(n=n, shown=MAX_PER_FILE))))
    return lines


class TriageError(Exception):
    """Problems that stop a command; the CLI prints them, one a line."""

    def __init__(self, problems: Iterable[Problem], status: int = 2) -> None:
        self.problems = tuple(problems)
        self.status = status
        super().__init__("\n".join(str(p) for p in self.problems))


def fail(file: str, line: int | None, template: str, /, **fields: object) -> TriageError:
    return TriageError([Problem(file, line, template.format(**fields))])


# --- educator and clinic tools: what-if, export, FHIR, schemas ----------------
WHAT_IF_NO_EQUALS = N_("write it as QUESTION=VALUE, for example fever=true or age=70")
WHAT_IF_NOT_YAML = N_("`{value}` cannot be read as a value ({reason}); for a list write [a, b]")
WHAT_IF_TWICE = N_("`{id}` is changed twice; keep one --what-if for it")
FHIR_NOT_A_LIST = N_("`{key}` of a FHIR QuestionnaireResponse must be a list, found {found}")
FHIR_NO_LINK_ID = N_("item {n} has no `linkId`; each answered item needs the question id as linkId")
FHIR_ANSWERED_TWICE = N_("`{id}` is answered twice (also at line {other}); keep one")
FHIR_ONE_ANSWER = N_("`{id}` takes one answer, but the response gives {n}; keep one")
FHIR_BAD_ANSWER = N_("`{id}`: a FHIR answer needs one value[x] such as {expected}, found {found}")
FHIR_NOT_EXPRESSIBLE = (
    N_("`{id}` is asked only when {condition}; FHIR enableWhen cannot say this, so the "
    "exported form always shows it (the condition is kept in an extension)")
)
SCHEMA_STALE = N_("out of date with the models; run: triage schema --out {folder}")
SCHEMA_MISSING = N_("this schema does not exist yet; run: triage schema --out {folder}")
CANNOT_WRITE = N_("cannot write the file: {reason}")

# --- demonstrations (triage demo) --------------------------------------------------
UNKNOWN_SCENARIO = N_("`{id}` is not a demonstration{hint}; list them with: triage demo --list")
SCENARIOS_NOT_A_FOLDER = N_("expected a folder of demonstration files (*.yaml); check the path")
NO_SCENARIOS = N_("no demonstration files (*.yaml) in this folder; add at least one")
SCENARIO_NOT_MAPPING = (
    N_("expected a demonstration with `id`, `title`, `story`, `answers` and `expect_level`; found {found}")
)
SCENARIO_MISSING_KEY = N_("missing `{key}`; add it (a demonstration needs {keys})")
SCENARIO_UNKNOWN_KEY = N_("unknown key `{key}`{hint}")
SCENARIO_NOT_TEXT = N_("`{key}` must be text, found {found}")
SCENARIO_BAD_ID = (
    N_("`id` must be lower-case letters and digits joined by dashes (like `desk-worker`), not {found}")
)
SCENARIO_DUPLICATE_ID = N_("the id `{id}` is also used by {other}; give each demonstration its own id")
SCENARIO_BAD_LEVEL = N_("`expect_level` must be one of {levels}, not {found}{hint}")
SCENARIO_ANSWERS_NOT_MAPPING = N_("`answers` must be `question_id: answer` pairs, found {found}")
SCENARIO_UNANSWERED = (
    N_("the questionnaire asks `{id}` with these answers, but there is no answer to it; add one")
)
SCENARIO_NOT_ASKED = N_("`{id}` is {reason}; remove it")
SCENARIO_LEVEL_MISSED = (
    N_("`expect_level` is `{expected}`, but the rules suggest `{level}` for these answers; "
    "check the rules, or change the answers or expect_level")
)

# --- hardening: saving and privacy ---
OUTPUT_IS_FOLDER = N_("{path} is a folder; give the name of a new file to save the summary to")
OUTPUT_NO_FOLDER = N_(
    "there is no folder {folder} to save {path} in; create it first or choose another place")
OUTPUT_NOT_WRITABLE = (
    N_("the folder {folder} cannot be written to, so {path} could not be saved there; choose another place")
)
SCHEMA_EXISTS = N_("this schema already exists; to replace it, run: triage schema --out {folder} --force")

# --- reading FHIR strictly ---
FHIR_UNKNOWN_KEY = (
    N_("{where}: unknown key `{key}`{hint}; correct its name (FHIR names are case-sensitive) or remove it")
)
FHIR_MODIFIER = (
    N_("{where}: `{key}` may change what the response means, which this tool cannot check; "
    "remove it, or enter the answers without it")
)
FHIR_NO_STATUS = (
    N_("the QuestionnaireResponse has no `status`; a finished form has `\"status\": \"completed\"`")
)
FHIR_BAD_STATUS = (
    N_("`status` is {found}, not a QuestionnaireResponse status{hint}; "
    "a finished form has `completed` (or `amended`)")
)
FHIR_STATUS_REFUSED = N_("`status` is `{found}`: {why}; only a `completed` or `amended` response is assessed")
FHIR_STATUS_WHY = {
    "in-progress": N_("the form is not finished, so answers may be missing; finish the form first"),
    "stopped": N_("the form was stopped before its end, so answers may be missing; fill in a new form"),
    "entered-in-error": N_("the response was marked as entered in error; assess the corrected response"),
}
FHIR_OTHER_QUESTIONNAIRE = (
    N_("`questionnaire` is {found}, but this tool reads answers to `{expected}` only; "
    "answer that form (triage export fhir-questionnaire)")
)
FHIR_OTHER_VERSION = (
    N_("`questionnaire` names version `{found}`, but the questions here are version `{expected}`; "
    "answer the current form (`{url}|{expected}`, from: triage export fhir-questionnaire)")
)
FHIR_WRONG_SYSTEM = (
    N_("`{id}`: the code `{code}` has {found}; the codes of `{id}` are {expected}; "
    "use the codings of the exported form")
)
FHIR_SYSTEM_FOUND = N_("the system `{system}`")
FHIR_SYSTEM_MISSING = N_("no `system`")
FHIR_YES_NO_SYSTEMS = N_("`Y` and `N` with the system `{yes_no}`, and `asked-unknown` with `{absent}`")
FHIR_OPTION_SYSTEM = N_("its option ids with the system `{system}`")
FHIR_UNKNOWN_CODE = N_(
    "`{id}`: `{code}` is not a code this questionnaire uses with the system `{system}`{hint}")
FHIR_NONE_WITH_OTHERS = (
    N_("`{id}`: “None of these” (`{none}`) is given together with {others}; "
    "keep either “None of these” or the options that apply")
)
FHIR_NO_ANSWERS = (
    N_("the QuestionnaireResponse answers no question; fill in the form, and check that items are "
    "under `item` and each answer under `answer`")
)

# --- translations (locales/<lang>/knowledge-base.yaml) -------------------------------
OVERLAY_LANGUAGE = N_("`language` is {found!r}, but this file is for `{language}`; fix it")
OVERLAY_ENTRY = N_("`{key}` needs exactly `from` (the English's fingerprint) and `text` (the translation)")
OVERLAY_UNKNOWN = N_("`{key}` is no text in the knowledge base{hint}; remove it or fix the key")
OVERLAY_STALE = (
    N_("`{key}` was translated from older English; the English is now \"{english}\": "
    "update the translation and set `from: {now}`")
)
OVERLAY_MISSING = N_("`{key}` has no translation; add it (English: \"{english}\"; `from: {now}`)")


# --- what a value must be (question types) ----------------------------------------------
SHOWN_TEXT = N_('the text "{value}"')
SHOWN_LIST = N_("a list")
SHOWN_MAPPING = N_("a mapping")
SHOWN_NOTHING = N_("nothing")
SHOWN_EMPTY_FILE = N_("an empty file")
SHOWN_EMPTY_MAPPING = N_("an empty mapping")
SHOWN_EMPTY_ANSWER = N_("an empty answer")
KIND_FOLDER = N_("a folder")
KIND_PIPE = N_("a pipe")
KIND_DEVICE = N_("a device")
KIND_SOCKET = N_("a socket")
KIND_OTHER = N_("not a file")
WHAT_QUESTIONNAIRE_KEYS = N_("`sections` and `questions`")
WHAT_RULE_FILE_KEYS = N_("`topic`, `causes`, `red_flags` and `rules`")
WHAT_CLINIC_KEYS = N_("clinic settings (`name`, `emergency_number`, ...)")
WHAT_OVERLAY_KEYS = N_("overlay keys")
WHAT_OVERLAY_ENTRIES = N_("entries (key: {from, text})")
WHERE_OVERLAY = N_("the overlay")
WHERE_RESPONSE = N_("the QuestionnaireResponse")
EXPECTED_YES_NO = N_("must be true, false or not_sure")
EXPECTED_NUMBER = N_("must be a whole number from {min} to {max}")
EXPECTED_CHOICE = N_("must be one option id ({options})")
EXPECTED_MULTI = N_("must be a list of option ids ({options}), or []")
COMPARE_OPTION = N_("compare with one option id")
COMPARE_YES_NO = N_("compare with true, false or not_sure")
COMPARE_NUMBER = N_("compare with a whole number")
COMPARE_LIST = N_("compare with a list of option ids (or use `contains`)")
NOT_VALID_YAML = N_("not valid YAML")


# --- where in a file: the item a message is about ---------------------------------------
WHERE: dict[str, str] = {
    "rule": N_("rule `{id}`"), "question": N_("question `{id}`"), "cause": N_("cause `{id}`"),
    "red flag": N_("red flag `{id}`"), "source": N_("source `{id}`"), "advice": N_("advice `{id}`"),
    "section": N_("section `{id}`"), "coverage": N_("coverage item `{id}`"),
}
WHERE_NTH: dict[str, str] = {
    "rule": N_("rule {n}"), "question": N_("question {n}"), "cause": N_("cause {n}"),
    "red flag": N_("red flag {n}"), "source": N_("source {n}"), "advice": N_("advice {n}"),
    "section": N_("section {n}"), "coverage": N_("coverage item {n}"),
}
WHERE_TOP = N_("top level")
IN_EXAMPLE = N_("{where}: example: {message}")
FHIR_ITEM = N_("item `{id}`")
FHIR_ITEM_NTH = N_("item {n}")
FHIR_AN_ANSWER = N_("an answer to `{id}`")
FHIR_VALUE_CODING = N_("the valueCoding of `{id}`")


class _Catalogue(types.ModuleType):
    """This module, whose messages read in the language of the moment (``errors.UNKNOWN_KEY``)."""

    def __getattribute__(self, name: str) -> Any:
        value = super().__getattribute__(name)
        if name.isupper() and not name.startswith("MAX_"):
            return translated(value)
        return value


sys.modules[__name__].__class__ = _Catalogue
