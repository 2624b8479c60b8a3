"""Question types: what each one means, in one place.

A question's ``type`` (:data:`triage.models.QuestionType`) decides what an
answer to it may be, how the answer reads, which conditions may test it and
how FHIR carries it. Each type has one handler here, in :data:`REGISTRY`
(:func:`get` looks one up by name and lists the valid names for any other;
:func:`of` gives a question's own):

* :meth:`QType.check` normalises a value from an answers file, or says what
  is wrong with it (:meth:`QType.expected_text` words what it must be);
* :meth:`QType.answer_text` is an answer in words: "Yes", "Not sure", "45",
  "Lower back, Upper back", "None of these" (:func:`answer_text` finds the
  question by id);
* ``operators`` are the condition operators that suit the type, and
  :meth:`QType.compared_problems` checks the value a condition compares
  with; ``options`` and ``min_max`` say which keys its questions take (the
  loader checks all of these);
* ``fhir_type``, ``fhir_repeats``, ``fhir_values``, ``fhir_expected`` and
  ``fhir_coding`` say how FHIR carries it (:mod:`triage.fhir` builds the
  resources from them, :mod:`triage.fhir_read` reads them);
* what a screen asks with, the same for the terminal and the kiosk:
  :meth:`QType.choices` are the answers to choose from as (key, label), in
  the one order every screen lists them; :meth:`QType.keys_of` are the keys
  that show an answer given before, and :meth:`QType.read_keys` reads the
  keys sent back (a form's values, a list prompt's choice); ``typed`` says
  that the answer is typed rather than chosen, and ``hint`` which hint a
  screen shows under the question;
* :meth:`QType.read_typed` reads an answer typed at the terminal (a
  number's field; a list's with ``--plain``, by the rules of
  :mod:`triage.typed_answers`), :meth:`QType.typed_default` is what its field
  starts with and :meth:`QType.typed_hint` says how to type it;
* :meth:`QType.stand_in` is a valid answer for a question left blank (a
  visit played from a vignette that does not mention it);
* :meth:`QType.demo_keys` are the keys that give a value to a fresh terminal
  prompt: what a demo plays, key by key.

This module imports no screen library (questionary, prompt_toolkit, rich,
FastAPI): the screens keep only their widgets, each in a table keyed by
type name that :func:`for_every_type` checks is complete, and ask this
module for everything else.

A new question type touches these files, and no others:

1. ``triage/models.py``: its name in ``QuestionType``;
2. ``triage/qtypes.py``: its handler, in :data:`REGISTRY`;
3. ``triage/terminal/prompts.py``: its prompt, in ``PROMPTS``;
4. ``triage/web/questions.py``: its form control, in ``WIDGETS``;
5. ``triage/words.py``: what its answers may be, in ``ANSWER_KINDS``;
6. ``triage/fhir.py`` (its Questionnaire item and answers) and
   ``triage/describe.py`` (a condition on it, in words).

The tables in 3 and 4 fail at import without it (:func:`for_every_type`);
the places in 6 are ``match`` statements on the type that end in
``case _: assert_never(...)``, so mypy names each one the new type is
missing from; ``tests/test_qtypes.py`` fails until :data:`REGISTRY`, the
screens and ``ANSWER_KINDS`` know every type.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeVar

from triage import errors, i18n, typed_answers, words
from triage.models import NOT_SURE, AnswerValue, KnowledgeBase, Operator, Question, QuestionType

Checked = tuple[AnswerValue | None, str | None]
"""(the value normalised, None), or (None, why it does not fit the question)."""
Problems = list[tuple[str, dict[str, object]]]
"""(a template from :mod:`triage.errors`, its fields) for each problem found."""


DOWN: Final = "down"
"""A key of :meth:`QType.demo_keys`: the pointer moves one choice down."""
SPACE: Final = "space"
"""A key of :meth:`QType.demo_keys`: the choice at the pointer is ticked."""

YES_NO_VALUES: Final[tuple[AnswerValue, ...]] = (True, False, NOT_SURE)
"""A yes/no question's answers, in the order a prompt lists them."""
YES_NO_KEYS: Final[tuple[str, ...]] = ("yes", "no", NOT_SURE)
"""The key of each of :data:`YES_NO_VALUES` (a form's value, a list prompt's choice), in the same order."""

Hint = Literal["bounds", "several"]
"""What a screen says under a question besides the question itself (:attr:`QType.hint`)."""


@dataclass(frozen=True)
class Refused:
    """What was sent or typed is no answer to the question; ``message`` says what to give instead."""

    message: str


def yes_no_answers() -> tuple[tuple[AnswerValue, str], ...]:
    """A yes/no question's answers and their words (in the language of the moment), in order."""
    return tuple(zip(YES_NO_VALUES, (words.YES, words.NO, words.NOT_SURE_LABEL), strict=True))


def _yes_no_index(value: object) -> int | None:
    """Where ``value`` is in :data:`YES_NO_VALUES` (``1`` is not ``True`` here), or None."""
    for index, answer in enumerate(YES_NO_VALUES):
        if answer is value or (not isinstance(answer, bool) and answer == value):
            return index
    return None


class UnknownQuestionType(ValueError):
    """A question type with no handler in :data:`REGISTRY`."""


def shown(value: object) -> str:
    """A value from a file, as a message quotes it: true, the text "x", a list, 45."""
    if isinstance(value, bool):
        return "true" if value else "false"  # as the file writes it, in every language
    if isinstance(value, str):
        return errors.SHOWN_TEXT.format(value=value)
    if isinstance(value, list | tuple):
        return errors.SHOWN_LIST
    if isinstance(value, dict):
        return errors.SHOWN_MAPPING
    return str(value)


def value_text(value: AnswerValue) -> str:
    """An answer to no known question in words, from its value alone: "Yes", "Not sure", "45"."""
    if isinstance(value, bool):
        return words.YES if value else words.NO
    return words.NOT_SURE_LABEL if value == NOT_SURE else str(value)


@dataclass(frozen=True)
class QType(ABC):
    """What one question type means: its answers, its conditions, its FHIR form."""

    name: QuestionType
    operators: tuple[Operator, ...]
    """The condition operators that suit its answers; the loader refuses the others."""
    fhir_type: str
    """The type of its Questionnaire item."""
    fhir_values: tuple[str, ...]
    """The value[x] a QuestionnaireResponse answer to it is read from; any other is refused."""
    fhir_expected: str
    """What an answer to it must hold, for the message about one that does not."""
    fhir_coding: Literal["yes_no", "options"] | None = None
    """What a valueCoding answer names: a yes/no/don't-know code, an option of its own, or nothing."""
    fhir_repeats: bool = False
    """Its item takes several answers (one a chosen option); no option is an answer of its own."""
    options: bool = False
    """Its questions list ``options`` to choose from (no other type's may)."""
    min_max: bool = False
    """Its questions give their own ``min`` and ``max`` (no other type's may)."""
    typed: bool = False
    """Its answer is typed as text, never chosen from a list (:meth:`choices` is empty)."""
    hint: Hint | None = None
    """The hint a screen shows under the question: ``"bounds"``, the range a typed number must be in;
    ``"several"``, that any of the answers may be ticked, or none. Each screen words it its own way."""

    @abstractmethod
    def expected_text(self, question: Question) -> str:
        """What an answer must be: "must be true, false or not_sure"."""

    @abstractmethod
    def check(self, question: Question, value: Any) -> Checked:
        """Normalise ``value`` (from an answers file) for ``question``, or say why it does not fit."""

    @abstractmethod
    def compared_problems(self, question: Question, op: Operator, value: Any) -> Problems:
        """What is wrong with the value a condition compares with (an operator other than ``exists``)."""

    @abstractmethod
    def answer_text(self, question: Question, value: AnswerValue) -> str:
        """An answer in words: "Yes", "Not sure", "45", "Lower back, Upper back"."""

    @abstractmethod
    def demo_keys(self, question: Question, value: AnswerValue) -> tuple[str, ...]:
        """The keys, before Enter, that give ``value`` to a fresh (not pre-filled) prompt.

        :data:`DOWN` moves the pointer one choice down, :data:`SPACE` ticks the
        choice at the pointer, and anything else is one character typed. The
        choices are those of :meth:`choices`, listed by the terminal, with the
        pointer on the first. A demo plays them one by one, each drawn as it
        lands::

            pointer, ticked, typed = 0, set(), ""
            for key in qtypes.of(question).demo_keys(question, value):
                if key == qtypes.DOWN:
                    pointer += 1
                elif key == qtypes.SPACE:
                    ticked.add(choices[pointer][0])
                else:
                    typed += key
                draw(pointer, ticked, typed)

        ``tests/test_qtypes.py`` plays them into the real prompts.
        """

    # --- what a screen asks with ------------------------------------------------------------
    @abstractmethod
    def choices(self, question: Question) -> tuple[tuple[str, str], ...]:
        """(key, label) of each answer to choose from, in the order every screen lists them.

        The key is what a form sends and a list prompt returns (:meth:`read_keys` reads it back);
        empty when the answer is typed (``typed``).
        """

    @abstractmethod
    def keys_of(self, question: Question, value: AnswerValue | None) -> tuple[str, ...]:
        """The keys that show ``value`` (an answer given before) as given; empty for no answer.

        :meth:`read_keys` reads them back as ``value``.
        """

    @abstractmethod
    def read_keys(self, question: Question, keys: Sequence[str]) -> AnswerValue | Refused:
        """The answer the keys sent give (a form's values, in order; a list prompt's choice), or what
        to do instead. One answer is read from the last key sent; a question's form may send none."""

    @abstractmethod
    def read_typed(self, question: Question, text: str) -> AnswerValue | Refused:
        """The answer ``text`` gives, typed at the terminal (a number's field; a list with
        ``--plain``: its number, its words or their start, a letter), or what may be typed instead."""

    def typed_default(self, question: Question, value: AnswerValue | None) -> str:
        """What the field for a typed answer starts with: ``value`` (the answer given before) as
        :meth:`read_typed` reads it; the numbers of its choices, for a list."""
        given = self.keys_of(question, value)
        listed = [key for key, _ in self.choices(question)]
        return ", ".join(str(number) for number, key in enumerate(listed, start=1) if key in given)

    @abstractmethod
    def typed_hint(self, question: Question) -> str:
        """How to type the answer at a numbered list (``--plain``); empty for a typed number."""

    @abstractmethod
    def stand_in(self, question: Question) -> AnswerValue:
        """A valid answer to stand in for one left blank (a vignette that does not mention the question):
        not sure, the first option, none ticked, the lowest number."""

    # --- shared by the handlers ---------------------------------------------------------
    def _wrong(self, question: Question, value: Any) -> Checked:
        return None, errors.ANSWER_WRONG_TYPE.format(
            id=question.id, expected=self.expected_text(question), found=shown(value))

    def _bad_compared(self, question: Question, value: Any, expected: str) -> Problems:
        return [(errors.BAD_COMPARED_VALUE,
                 {"question": question.id, "type": self.name, "expected": expected, "found": shown(value)})]

    @staticmethod
    def _unknown_option(question: Question, value: str) -> Problems:
        return [(errors.UNKNOWN_OPTION, {"value": value, "question": question.id,
                                         "hint": errors.did_you_mean(value, question.option_ids)})]

    def _compared_option(self, question: Question, value: Any) -> Problems:
        if not isinstance(value, str):
            return self._bad_compared(question, value, errors.COMPARE_OPTION)
        if value not in question.option_ids:
            return self._unknown_option(question, value)
        return []

    @staticmethod
    def _checked_option(question: Question, value: str) -> str | None:
        """The message for an option id the question does not have, or None."""
        if value in question.option_ids:
            return None
        return errors.ANSWER_UNKNOWN_OPTION.format(
            id=question.id, value=value, hint=errors.did_you_mean(value, question.option_ids))

    @staticmethod
    def _last(keys: Sequence[str]) -> str:
        """The key one answer is read from: the last sent (as a form's field is read), or ""."""
        return keys[-1] if keys else ""

    def _typed_choice(self, question: Question, text: str, problem: str, *,
                      by_letter: bool = False) -> AnswerValue | Refused:
        """The answer of the one choice ``text`` names (:func:`triage.typed_answers.read_one`),
        or ``problem``."""
        listed = self.choices(question)
        labels = [label for _, label in listed]
        index = typed_answers.read_one(text, labels, typed_answers.letters(labels) if by_letter else ())
        if index is None:
            return Refused(problem)
        return self.read_keys(question, [listed[index][0]])


@dataclass(frozen=True)
class YesNo(QType):
    """Yes, No or Not sure: ``true``, ``false`` or ``not_sure``."""

    def expected_text(self, question: Question) -> str:
        return errors.EXPECTED_YES_NO

    def check(self, question: Question, value: Any) -> Checked:
        if isinstance(value, bool) or value == NOT_SURE:
            return value, None
        return self._wrong(question, value)

    def compared_problems(self, question: Question, op: Operator, value: Any) -> Problems:
        if isinstance(value, bool) or value == NOT_SURE:
            return []
        return self._bad_compared(question, value, errors.COMPARE_YES_NO)

    def answer_text(self, question: Question, value: AnswerValue) -> str:
        index = _yes_no_index(value)
        return str(value) if index is None else yes_no_answers()[index][1]

    def demo_keys(self, question: Question, value: AnswerValue) -> tuple[str, ...]:
        index = _yes_no_index(value)
        if index is None:
            raise ValueError(f"{value!r} is no answer to a yes/no question")
        return (DOWN,) * index

    def choices(self, question: Question) -> tuple[tuple[str, str], ...]:
        return tuple((key, label) for key, (_, label) in zip(YES_NO_KEYS, yes_no_answers(), strict=True))

    def keys_of(self, question: Question, value: AnswerValue | None) -> tuple[str, ...]:
        index = _yes_no_index(value)
        return () if index is None else (YES_NO_KEYS[index],)

    def read_keys(self, question: Question, keys: Sequence[str]) -> AnswerValue | Refused:
        key = self._last(keys)
        return YES_NO_VALUES[YES_NO_KEYS.index(key)] if key in YES_NO_KEYS else Refused(words.WEB_CHOOSE_ONE)

    def read_typed(self, question: Question, text: str) -> AnswerValue | Refused:
        """1, 2 or 3, a letter (:func:`triage.typed_answers.letters`), the words or their start
        ("not" is Not sure)."""
        return self._typed_choice(question, text, self._typed_problem(question), by_letter=True)

    def _typed_problem(self, question: Question) -> str:
        labels = [label for _, label in self.choices(question)]
        initials = [letter for letter in typed_answers.letters(labels) if letter]
        if not initials:
            return words.TYPED_PROBLEM_CHOICE.format(count=len(labels))
        numbers = i18n.list_or([str(number) for number in range(1, len(labels) + 1)])
        return words.TYPED_PROBLEM_YES_NO.format(numbers=numbers, letters=i18n.list_or(initials))

    def typed_hint(self, question: Question) -> str:
        labels = [label for _, label in self.choices(question)]
        named = [words.TYPED_LETTER.format(letter=letter, answer=label)
                 for letter, label in zip(typed_answers.letters(labels), labels, strict=True) if letter]
        if named:
            return words.TYPED_HINT_YES_NO.format(letters=i18n.list_or(named))
        return words.TYPED_HINT_CHOICE

    def stand_in(self, question: Question) -> AnswerValue:
        return NOT_SURE


@dataclass(frozen=True)
class Number(QType):
    """A whole number within the question's bounds (a scale's are 0 to 10)."""

    def expected_text(self, question: Question) -> str:
        low, high = question.bounds
        return errors.EXPECTED_NUMBER.format(min=low, max=high)

    def check(self, question: Question, value: Any) -> Checked:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            return self._wrong(question, value)
        low, high = question.bounds
        if not low <= value <= high:
            return None, errors.ANSWER_OUT_OF_RANGE.format(id=question.id, min=low, max=high, found=value)
        return value, None

    def compared_problems(self, question: Question, op: Operator, value: Any) -> Problems:
        if isinstance(value, int) and not isinstance(value, bool):
            return []
        return self._bad_compared(question, value, errors.COMPARE_NUMBER)

    def answer_text(self, question: Question, value: AnswerValue) -> str:
        return str(value)

    def demo_keys(self, question: Question, value: AnswerValue) -> tuple[str, ...]:
        return tuple(str(value))

    def choices(self, question: Question) -> tuple[tuple[str, str], ...]:
        if self.typed:
            return ()
        low, high = question.bounds
        return tuple((str(number), str(number)) for number in range(low, high + 1))

    def keys_of(self, question: Question, value: AnswerValue | None) -> tuple[str, ...]:
        return () if value is None else (str(value),)

    def read_keys(self, question: Question, keys: Sequence[str]) -> AnswerValue | Refused:
        key = self._last(keys)
        if not key and not self.typed:  # a list of numbers with none chosen
            return Refused(words.WEB_CHOOSE_ONE)
        return self.read_typed(question, key)

    def read_typed(self, question: Question, text: str) -> AnswerValue | Refused:
        """A whole number in range, as :func:`read_number` reads it."""
        number = read_number(text, *question.bounds)
        return Refused(number) if isinstance(number, str) else number

    def typed_default(self, question: Question, value: AnswerValue | None) -> str:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else ""

    def typed_hint(self, question: Question) -> str:
        return ""

    def stand_in(self, question: Question) -> AnswerValue:
        return question.bounds[0]


@dataclass(frozen=True)
class Choice(QType):
    """One of the question's options, by its id."""

    def expected_text(self, question: Question) -> str:
        return errors.EXPECTED_CHOICE.format(options=i18n.listing(question.option_ids))

    def check(self, question: Question, value: Any) -> Checked:
        if not isinstance(value, str):
            return self._wrong(question, value)
        unknown = self._checked_option(question, value)
        return (None, unknown) if unknown else (value, None)

    def compared_problems(self, question: Question, op: Operator, value: Any) -> Problems:
        return self._compared_option(question, value)

    def answer_text(self, question: Question, value: AnswerValue) -> str:
        return question.label(str(value))

    def demo_keys(self, question: Question, value: AnswerValue) -> tuple[str, ...]:
        return (DOWN,) * question.option_ids.index(str(value))

    def choices(self, question: Question) -> tuple[tuple[str, str], ...]:
        return tuple((option.id, option.label) for option in question.options)

    def keys_of(self, question: Question, value: AnswerValue | None) -> tuple[str, ...]:
        return () if value is None else (str(value),)

    def read_keys(self, question: Question, keys: Sequence[str]) -> AnswerValue | Refused:
        key = self._last(keys)
        return key if key in question.option_ids else Refused(words.WEB_CHOOSE_ONE)

    def read_typed(self, question: Question, text: str) -> AnswerValue | Refused:
        """Its number, or the start of its words when no other answer starts so."""
        problem = words.TYPED_PROBLEM_CHOICE.format(count=len(question.options))
        return self._typed_choice(question, text, problem)

    def typed_hint(self, question: Question) -> str:
        return words.TYPED_HINT_CHOICE

    def stand_in(self, question: Question) -> AnswerValue:
        return question.option_ids[0]


@dataclass(frozen=True)
class Multi(QType):
    """Any of the question's options, or none: a list of option ids (``[]`` for none of them)."""

    def expected_text(self, question: Question) -> str:
        return errors.EXPECTED_MULTI.format(options=i18n.listing(question.option_ids))

    def check(self, question: Question, value: Any) -> Checked:
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            return self._wrong(question, value)
        for item in value:
            unknown = self._checked_option(question, item)
            if unknown:
                return None, unknown
        order = question.option_ids
        return tuple(sorted(set(value), key=order.index)), None

    def compared_problems(self, question: Question, op: Operator, value: Any) -> Problems:
        if op == "contains":  # one option among the answers
            return self._compared_option(question, value)
        if not isinstance(value, tuple):
            return self._bad_compared(question, value,
                                      errors.COMPARE_LIST)
        return [problem for item in value if item not in question.option_ids
                for problem in self._unknown_option(question, item)]

    def answer_text(self, question: Question, value: AnswerValue) -> str:
        items = value if isinstance(value, tuple | list) else (value,)
        return i18n.listing(question.label(str(v)) for v in items) if items else words.NONE_OF_THESE

    def demo_keys(self, question: Question, value: AnswerValue) -> tuple[str, ...]:
        keys: list[str] = []
        at = 0
        for index, option in enumerate(question.option_ids):
            if isinstance(value, tuple) and option in value:
                keys += [DOWN] * (index - at) + [SPACE]
                at = index
        return tuple(keys)

    def choices(self, question: Question) -> tuple[tuple[str, str], ...]:
        return tuple((option.id, option.label) for option in question.options)

    def keys_of(self, question: Question, value: AnswerValue | None) -> tuple[str, ...]:
        return tuple(value) if isinstance(value, tuple) else ()

    def read_keys(self, question: Question, keys: Sequence[str]) -> AnswerValue | Refused:
        """The options ticked, in the question's order; nothing ticked is none of them."""
        ticked = set(keys)
        if not ticked <= set(question.option_ids):
            return Refused(words.WEB_CHOOSE_ONE)
        return tuple(option for option in question.option_ids if option in ticked)

    def read_typed(self, question: Question, text: str) -> AnswerValue | Refused:
        """Numbers, separated by commas or spaces; nothing typed is none of these."""
        chosen = typed_answers.read_numbers(text, len(question.options))
        if chosen is None:
            return Refused(words.TYPED_PROBLEM_MULTI.format(count=len(question.options)))
        return tuple(question.option_ids[index] for index in chosen)

    def typed_hint(self, question: Question) -> str:
        return words.TYPED_HINT_MULTI

    def stand_in(self, question: Question) -> AnswerValue:
        return ()


_COMPARE: Final[tuple[Operator, ...]] = ("exists", "=", "!=")
_ORDER: Final[tuple[Operator, ...]] = (*_COMPARE, ">", "<", ">=", "<=")
_OPTION_EXPECTED: Final = "valueCoding with an option code"

REGISTRY: Final[dict[str, QType]] = {
    "yes_no": YesNo(
        "yes_no", _COMPARE, fhir_type="choice", fhir_values=("valueCoding", "valueBoolean"),
        fhir_expected="valueCoding (Y, N or asked-unknown) or valueBoolean", fhir_coding="yes_no"),
    "number": Number(
        "number", _ORDER, fhir_type="integer", fhir_values=("valueInteger", "valueDecimal"),
        fhir_expected="valueInteger", min_max=True, typed=True, hint="bounds"),
    "scale": Number(
        "scale", _ORDER, fhir_type="integer", fhir_values=("valueInteger", "valueDecimal"),
        fhir_expected="valueInteger"),
    "choice": Choice(
        "choice", _COMPARE, fhir_type="choice", fhir_values=("valueCoding",),
        fhir_expected=_OPTION_EXPECTED, fhir_coding="options", options=True),
    "multi": Multi(
        "multi", ("exists", "contains", "=", "!="), fhir_type="choice", fhir_values=("valueCoding",),
        fhir_expected=_OPTION_EXPECTED, fhir_coding="options", fhir_repeats=True, options=True,
        hint="several"),
}
"""Question type name -> its handler, in the order of ``QuestionType``."""


def get(name: str) -> QType:
    """The handler of the type ``name``; :class:`UnknownQuestionType`, naming the valid ones, for another."""
    try:
        return REGISTRY[name]
    except KeyError:
        valid = ", ".join(sorted(REGISTRY))
        raise UnknownQuestionType(f"unknown question type {name!r}; valid types: {valid}") from None


def of(question: Question) -> QType:
    """The handler of ``question``'s type."""
    return get(question.type)


Entry = TypeVar("Entry")


def for_every_type(table: Mapping[str, Entry], what: str) -> dict[str, Entry]:
    """A screen's table keyed by type name (its prompts, its form controls), in :data:`REGISTRY`'s
    order; ``ValueError`` at once, naming them, for a type it misses or a name that is no type."""
    missing = [name for name in REGISTRY if name not in table]
    unknown = sorted(name for name in table if name not in REGISTRY)
    if missing or unknown:
        valid = ", ".join(sorted(REGISTRY))
        raise ValueError(f"{what}: missing question types {missing}, unknown ones {unknown}; "
                         f"valid types: {valid}")
    return {name: table[name] for name in REGISTRY}


def entry(table: Mapping[str, Entry], name: str) -> Entry:
    """``table``'s entry for the type ``name`` (a table of :func:`for_every_type`);
    :class:`UnknownQuestionType`, naming the valid types, for a name no type has."""
    get(name)
    return table[name]


def answer_text(kb: KnowledgeBase, qid: str, value: AnswerValue) -> str:
    """An answer in words: "Yes", "Not sure", "45", "Lower back, Upper back"."""
    if not kb.has_question(qid):
        return value_text(value)
    question = kb.question(qid)
    return of(question).answer_text(question, value)


def names(flag: Literal["options", "min_max", "fhir_repeats"]) -> str:
    """The types whose handler has ``flag`` set, in words: "choice and multi" (for ``options``)."""
    chosen = [name for name, handler in REGISTRY.items() if getattr(handler, flag)]
    return i18n.list_and(chosen)


ASCII_DIGITS: Final = frozenset("0123456789")


def read_number(text: str, low: int, high: int) -> int | str:
    """A typed whole number in range, or a plain message saying what to type.

    Only the digits 0-9 count, full-width ones too (U+FF17 U+FF12, typed with a Chinese or Japanese
    input method, is 72: :func:`triage.typed_answers.plain`). ``str.isdigit`` also accepts
    superscripts, which ``int`` refuses; other scripts' digits (Arabic-Indic ``٧٢``) are
    refused, as the bounds and the messages show 0-9. A
    number with more digits than the bounds is out of range without being
    converted (``int`` refuses thousands of digits). The terminal's prompt and
    the kiosk's form both read numbers with it.
    """
    text = typed_answers.plain(text).strip()
    if not text:
        return words.NUMBER_EMPTY.format(min=low, max=high)
    if not set(text) <= ASCII_DIGITS:
        return words.NUMBER_NOT_WHOLE.format(min=low, max=high)
    digits = text.lstrip("0") or "0"
    if len(digits) > len(str(max(abs(low), abs(high)))):
        return words.NUMBER_OUT_OF_RANGE.format(value=f"{digits[:12]}…", min=low, max=high)
    value = int(digits)
    if not low <= value <= high:
        return words.NUMBER_OUT_OF_RANGE.format(value=value, min=low, max=high)
    return value
