"""Every user-facing sentence, in one place."""

from __future__ import annotations

APP_NAME = "Back-pain triage"

LEVEL_ADVICE: dict[str, str] = {
    "emergency": (
        "Seek emergency care now: call the emergency number or go to the emergency department."
    ),
    "urgent_doctor": "See a doctor today or within 24 hours.",
    "doctor": "Book an appointment with a doctor in the coming days or weeks.",
    "acupuncturist": (
        "Discuss your back pain with your acupuncturist; see a doctor if it gets worse, "
        "lasts, or new symptoms appear."
    ),
}

LEVEL_TITLE: dict[str, str] = {
    "emergency": "EMERGENCY",
    "urgent_doctor": "See a doctor today",
    "doctor": "See a doctor soon",
    "acupuncturist": "Discuss with your acupuncturist",
}

DISCLAIMER = (
    "This is not a diagnosis and does not replace medical care. It names possibly "
    "relevant causes to discuss with a health professional. If you feel very unwell, "
    "or your symptoms get worse, seek medical help."
)

EMERGENCY_NOW = (
    "Call the emergency number or go to the nearest emergency department now. "
    "Do not wait, and do not drive yourself if you can avoid it. "
    "Tell them about your back pain and the warning signs below."
)

STOPPED_EARLY = "The questionnaire stopped here, so no more questions were asked."

INCOMPLETE_TITLE = "Some warning signs were not answered"
INCOMPLETE_INTRO = (
    "This result is incomplete. These questions about warning signs were left without an "
    "answer, so they cannot be ruled out. Please answer them, or go through them with a doctor:"
)
CAUTIONS_TITLE = "Before any treatment with needles"
IGNORED_TITLE = "Answers not used"
IGNORED_ITEM = "“{question}”: {answer}; {reason}."
IGNORED_WARNINGS: dict[str, str] = {
    "not_asked": (
        "You answered Yes to “{question}”, a warning sign, but this result did not use that answer: "
        "the question is not asked with your other answers. Tell a doctor about it."
    ),
    "after_stop": (
        "You answered Yes to “{question}”, a warning sign, but this result did not use that answer: "
        "the questionnaire stopped before it. Tell a doctor about it too."
    ),
}


ACUPUNCTURE_EVIDENCE = (
    "The evidence is mixed: the American College of Physicians lists acupuncture among "
    "the non-drug options for short- and long-term low back pain (Qaseem et al., 2017), "
    "while the UK's NICE guideline NG59 (2016) advises not to offer acupuncture for low "
    "back pain."
)

ACUPUNCTURE_PRIMARY = (
    "You may discuss your back pain with an acupuncturist, as a complement to medical "
    "care, never instead of it."
)

ACUPUNCTURE_COMPLEMENT = (
    "Alongside seeing your doctor, you may also discuss acupuncture with them as a "
    "complement to medical care, never instead of it."
)

WELCOME = (
    "This questionnaire asks about your back pain and suggests where to seek help. "
    "It is not a diagnosis and it is not for emergencies: if you have an emergency, "
    "call the emergency number now. It takes about 3 to 5 minutes."
)

KEYS_HELP = (
    "Keys: arrows and Enter to answer · b: back to the previous question · "
    "? or w: why we ask · Ctrl-C: stop"
)

CANCELLED = "Stopped; nothing was saved."


IGNORED_REASONS: dict[str, str] = {
    "not_asked": "not asked, because the question it depends on was answered otherwise",
    "after_stop": "not asked, because the questionnaire stopped before it",
}

# --- educator and clinic tools: red-flags, explain, what-if ---------------------
RED_FLAGS_TITLE = "Warning signs (red flags), most urgent first"

RED_FLAGS_INTRO = (
    "These are the warning signs this questionnaire looks for, what each may mean and "
    "what to do. Having a warning sign does not mean you have the condition: it means a "
    "doctor should check you, as soon as it says."
)

LABEL_WHAT_TO_DO = "What to do"
LABEL_SIGN = "Warning sign"
LABEL_SIGNS = "Warning signs (any one is enough)"
LABEL_MEANS = "What it may mean"
LABEL_SOURCES = "Sources"
LABEL_SOURCE = "Source"
LABEL_BECAUSE = "Because"
LABEL_WHEN = "When"
LABEL_WHY_ASKED = "Why we ask"
LABEL_WHEN_ASKED = "When it is asked"
LABEL_ANSWERS = "Possible answers"
LABEL_SECTION = "Section"
LABEL_ABOUT = "About"
LABEL_ACUPUNCTURE = "Acupuncture"
LABEL_LEADS_TO = "Leads to"
LABEL_STOPS = "Stops the questionnaire"
LABEL_FIRES_FOR = "Fires, for example, with"
LABEL_NOT_FOR = "Does not fire, for example, with"
LABEL_DEFINED_IN = "Defined in"

NO_RULE_YET = "No rule in this knowledge base leads here yet."
ALWAYS_ASKED = "always, in its turn"
ASKED_ONLY_WHEN = "only when"
STOPS_YES = "yes, as soon as this rule applies no more questions are asked"
NO_ANSWERS_EXAMPLE = "no answers at all"

ACUPUNCTURE_RESPONSIVE = (
    "this is one of the causes the seed article says acupuncture may help with, "
    "as a complement to medical care and never instead of it."
)

ACUPUNCTURE_WITHHELD = (
    "while this cause is possible, acupuncture is not suggested: a doctor should see "
    "you first."
)

EXPLAIN_QUESTION_TITLE = "Question `{id}`"
EXPLAIN_CAUSE_TITLE = "Possible cause: {name} (`{id}`)"
EXPLAIN_RED_FLAG_TITLE = "Warning sign (red flag): {name} (`{id}`)"
EXPLAIN_RULE_TITLE = "Rule `{id}`"
EXPLAIN_RULES_USING = "Rules that use this answer"
EXPLAIN_QUESTIONS_DEPENDING = "Questions asked only depending on this answer"
EXPLAIN_NOT_USED = "No rule uses this answer directly."
EXPLAIN_LEADS_HERE = "How the questionnaire finds it"
EXPLAIN_FOLLOWS = "What follows from it"
EXPLAIN_RELIES_ON = "Findings this rule relies on"
EXPLAIN_POSITION = "question {n} of {total}"

CONCLUDES_CAUSE = "the possible cause {name}"
CONCLUDES_RED_FLAG = "the warning sign {name} and the suggestion {title}. {advice}"
CONCLUDES_LEVEL = "the suggestion {title}. {advice}"
CONCLUDES_CAUTION = "a caution to tell an acupuncturist before any treatment with needles"

ANSWER_KINDS: dict[str, str] = {
    "yes_no": "Yes, No or Not sure",
    "number": "a whole number from {min} to {max}",
    "scale": "a whole number from 0 to 10",
    "choice": "one of: {options}",
    "multi": "any of: {options}; or none of them",
}

WHAT_IF_BEFORE = "Before"
WHAT_IF_AFTER = "After, if {changes}"
WHAT_IF_CHANGED = "What changed"
WHAT_IF_NOTHING = "Nothing changed: the same suggestion, causes and warning signs."
WHAT_IF_LEVEL = "Suggestion: {before} -> {after}"
WHAT_IF_SAME_LEVEL = "Suggestion: unchanged ({title})"
WHAT_IF_NEW_RED_FLAG = "New warning sign: {name}"
WHAT_IF_GONE_RED_FLAG = "No longer a warning sign: {name}"
WHAT_IF_NEW_CAUSE = "New possible cause: {name}"
WHAT_IF_GONE_CAUSE = "No longer a possible cause: {name}"
WHAT_IF_UNANSWERED = "unanswered"
WHAT_IF_NOT_ASKED = (
    "`{id}` is not asked with these answers ({reason}), so changing it changes nothing."
)

# --- the interactive questionnaire (triage/terminal) ------------------------
QUESTION_HEADER = "{section} · question {number}"
HINT_KEYS = "b: back · ? or w: why we ask"
HINT_KEYS_FIRST = "? or w: why we ask"
HINT_MULTI = "Space: tick or untick · Enter: done (nothing ticked means none of these)"
YES, NO, NOT_SURE_LABEL = "Yes", "No", "Not sure"
WHY_WE_ASK = "Why we ask: {why}"
FIRST_QUESTION = "This is the first question, so there is nothing to go back to."
ANSWER_ECHO = "Answer: {answer}"
NUMBER_EMPTY = "Please type a number from {min} to {max}."
NUMBER_NOT_WHOLE = "Please type a whole number, {min} to {max}."
NUMBER_OUT_OF_RANGE = "The number must be from {min} to {max}."

HEADING_RED_FLAGS = "Warning signs (red flags)"
HEADING_CAUSES = "Possibly relevant causes (not a diagnosis)"
HEADING_WHY_LEVEL = "Why this suggestion"
WHY_LEVEL_FROM_FLAGS = "The warning signs above set this suggestion."
HEADING_ACUPUNCTURE = "About acupuncture"
HEADING_ANSWERS = "Your answers"
BECAUSE_YOU_SAID = "Because you said {said}"
BECAUSE_OF_FINDING = "Because of: {names} (explained above)"
RULE_SOURCE = "Source: {source} (rule {rule})"
KB_FOOTER = "Knowledge base {version}; {asked} questions asked."

SAVE_QUESTION = "Would you like to save a summary to show a doctor or therapist?"
SAVE_NO = "No, finish here"
SAVE_MARKDOWN = "Yes, as a document to read (Markdown, .md)"
SAVE_JSON = "Yes, as data for a clinic system (JSON, .json)"
SAVE_FHIR = "Yes, as a FHIR QuestionnaireResponse for health records (.fhir.json)"
SAVE_FILE_NAME = "File name:"
SAVE_EMPTY_NAME = "Please type a file name."
SAVE_NO_FOLDER = "There is no folder called {folder}; please type another name."
SAVE_EXISTS = "{name} already exists. Replace it?"
SAVE_REPLACE_NO = "No, choose another name"
SAVE_REPLACE_YES = "Yes, replace it"
SAVED = "Saved to {path} (only your user account can read it)."
SAVE_FAILED = "Could not save to {path}: {reason}."
SUMMARY_TITLE = "Back-pain triage: summary for a clinician"
SUMMARY_INTRO = (
    "Made on {date} by a back-pain questionnaire (knowledge base {version}) from the "
    "person's own answers. It is not a diagnosis."
)
SUMMARY_SUGGESTION = "Suggestion"
SUMMARY_MATCHED = "Answered {said}"
SUMMARY_QUESTION, SUMMARY_ANSWER = "Question", "Answer"
SAVE_IS_FOLDER = "{name} is a folder; please type a file name."

FHIR_DESCRIPTION = (
    "Fill it in with any FHIR form and assess the QuestionnaireResponse with "
    "`triage assess FILE`. The questionnaire stops as soon as an emergency warning sign "
    "is known; a form cannot stop early, so answers given after that point are ignored "
    "by the assessment, and emergency advice is given."
)
KB_FOOTER_ONE = "Knowledge base {version}; 1 question asked."
BACK_TO = "Back to question {number}."

# --- demonstrations (triage demo) --------------------------------------------------
DEMO_TITLE = "Demonstration"
DEMO_NOTE = "Made-up answers, played through the real questionnaire. Nothing is saved."
DEMO_KEYS = "Press any key to go straight to the result · Ctrl-C: stop"
DEMO_CHOOSE = "Which demonstration would you like to watch?"
DEMO_SKIPPED = "Skipped ahead: {n} more answers were given at once."
DEMO_SKIPPED_ONE = "Skipped ahead: 1 more answer was given at once."
DEMO_SPEED = "must be a number, 0 or more: 1 is normal, 2 twice as fast, 0 shows everything at once"

# --- hardening: saving and privacy ---
SAVE_OTHER_NAME = (
    "Type another file name to save the summary there, or leave it empty to show the summary here:"
)
SAVE_SHOWN_INSTEAD = "The summary was not saved, so here it is to copy or print:"
