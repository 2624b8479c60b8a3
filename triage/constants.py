"""Every user-facing sentence, in one place."""

from __future__ import annotations

from triage.i18n import N_, NP_

APP_NAME = N_("Back-pain triage")

LEVEL_ADVICE: dict[str, str] = {
    "emergency": (
        N_("Seek emergency care now: call the emergency number or go to the emergency department.")
    ),
    "urgent_doctor": N_("See a doctor today or within 24 hours."),
    "doctor": N_("Book an appointment with a doctor in the coming days or weeks."),
    "acupuncturist": (
        N_("Discuss your back pain with your acupuncturist; see a doctor if it gets worse, "
        "lasts, or new symptoms appear.")
    ),
}

LEVEL_TITLE: dict[str, str] = {
    "emergency": N_("EMERGENCY"),
    "urgent_doctor": N_("See a doctor today"),
    "doctor": N_("See a doctor soon"),
    "acupuncturist": N_("Discuss with your acupuncturist"),
}

DISCLAIMER = (
    N_("This is not a diagnosis and does not replace medical care. It names possibly "
    "relevant causes to discuss with a health professional. If you feel very unwell, "
    "or your symptoms get worse, seek medical help.")
)

CLOSING_EMERGENCY = N_("What to do now: call {number} or go to the emergency department.")
CLOSING_EMERGENCY_NO_NUMBER = (
    N_("What to do now: call the emergency number or go to the emergency department.")
)
CLOSING_STAFF = N_("Tell a member of staff now.")
CLOSING_LEVEL = N_("What to do now: {suggestion}")
CLOSING_URGENT_NUMBER = N_("If you cannot see a doctor today, call {number}.")
CLINIC_EMERGENCY_NUMBER = N_("Here, the emergency number is {number}.")
CLINIC_PHONE = N_("For questions about this result, the clinic's phone number is {phone}.")
EMERGENCY_NOW = (
    N_("Do not wait, and do not drive yourself if you can avoid it. "
    "Tell them about your back pain and the warning signs below.")
)

STOPPED_EARLY = N_("The questionnaire stopped here, so no more questions were asked.")

INCOMPLETE_TITLE = N_("Some warning signs were not answered")
INCOMPLETE_INTRO = (
    N_("This result is incomplete. These questions about warning signs were left without an "
    "answer, so they cannot be ruled out. Please answer them, or go through them with a doctor:")
)
CAUTIONS_TITLE = N_("Before any treatment with needles")
CHECKLIST_ASKED_WHEN = N_("the answers before it let acupuncture be discussed (the result suggests it)")
IGNORED_TITLE = N_("Answers not used")
IGNORED_ITEM = N_("“{question}”: {answer}; {reason}.")
IGNORED_WARNINGS: dict[str, str] = {
    "not_asked": (
        N_("You answered Yes to “{question}”, a warning sign, but this result did not use that answer: "
        "the question is not asked with your other answers. Tell a doctor about it.")
    ),
    "after_stop": (
        N_("You answered Yes to “{question}”, a warning sign, but this result did not use that answer: "
        "the questionnaire stopped before it. Tell a doctor about it too.")
    ),
}


ACUPUNCTURE_EVIDENCE = (
    N_("The evidence is mixed: the American College of Physicians lists acupuncture among "
    "the non-drug options for short- and long-term low back pain (Qaseem et al., 2017), "
    "while the UK's NICE guideline NG59 (2016) advises not to offer acupuncture for low "
    "back pain.")
)

ACUPUNCTURE_PRIMARY = (
    N_("You may discuss your back pain with an acupuncturist, as a complement to medical "
    "care, never instead of it.")
)

ACUPUNCTURE_COMPLEMENT = (
    N_("Alongside seeing your doctor, you may also discuss acupuncture with them as a "
    "complement to medical care, never instead of it.")
)

WELCOME = (
    N_("This questionnaire asks about your back pain and suggests where to seek help. "
    "It is not a diagnosis and it is not for emergencies: if you have an emergency, "
    "call the emergency number now. It takes about 3 to 5 minutes.")
)

WHO_FOR = (
    N_("It is for people aged 16 and over. Children and teenagers answer the questions about "
    "warning signs and how long the pain has lasted, and are then sent to a doctor.")
)

KEYS_HELP = (
    N_("Keys: arrows and Enter to answer · b: back to the previous question · "
    "? or w: why we ask · Ctrl-C: stop")
)

CANCELLED = N_("Stopped; nothing was saved.")


IGNORED_REASONS: dict[str, str] = {
    "not_asked": N_("not asked, because the question it depends on was answered otherwise"),
    "after_stop": N_("not asked, because the questionnaire stopped before it"),
}

# --- educator and clinic tools: red-flags, explain, what-if ---------------------
RED_FLAGS_TITLE = N_("Warning signs (red flags), most urgent first")

RED_FLAGS_INTRO = (
    N_("These are the warning signs this questionnaire looks for, what each may mean and "
    "what to do. Having a warning sign does not mean you have the condition: it means a "
    "doctor should check you, as soon as it says.")
)

LABEL_WHAT_TO_DO = N_("What to do")
LABEL_SIGN = N_("Warning sign")
LABEL_SIGNS = N_("Warning signs (any one is enough)")
LABEL_MEANS = N_("What it may mean")
LABEL_SOURCES = N_("Sources")
LABEL_SOURCE = N_("Source")
LABEL_BECAUSE = N_("Because")
LABEL_WHEN = N_("When")
LABEL_WHY_ASKED = N_("Why we ask")
LABEL_WHEN_ASKED = N_("When it is asked")
LABEL_ANSWERS = N_("Possible answers")
LABEL_SECTION = N_("Section")
LABEL_ABOUT = N_("About")
LABEL_ACUPUNCTURE = N_("Acupuncture")
LABEL_LEADS_TO = N_("Leads to")
LABEL_STOPS = N_("Stops the questionnaire")
LABEL_FIRES_FOR = N_("Fires, for example, with")
LABEL_NOT_FOR = N_("Does not fire, for example, with")
LABEL_DEFINED_IN = N_("Defined in")

NO_RULE_YET = N_("No rule in this knowledge base leads here yet.")
ALWAYS_ASKED = N_("always, in its turn")
ASKED_ONLY_WHEN = N_("only when")
STOPS_YES = N_("yes, as soon as this rule applies no more questions are asked")
NO_ANSWERS_EXAMPLE = N_("no answers at all")

ACUPUNCTURE_RESPONSIVE = (
    N_("this is one of the causes the seed article says acupuncture may help with, "
    "as a complement to medical care and never instead of it.")
)

ACUPUNCTURE_WITHHELD = (
    N_("while this cause is possible, acupuncture is not suggested: a doctor should see "
    "you first.")
)

EXPLAIN_QUESTION_TITLE = N_("Question `{id}`")
EXPLAIN_CAUSE_TITLE = N_("Possible cause: {name} (`{id}`)")
EXPLAIN_RED_FLAG_TITLE = N_("Warning sign (red flag): {name} (`{id}`)")
EXPLAIN_RULE_TITLE = N_("Rule `{id}`")
EXPLAIN_RULES_USING = N_("Rules that use this answer")
EXPLAIN_QUESTIONS_DEPENDING = N_("Questions asked only depending on this answer")
EXPLAIN_NOT_USED = N_("No rule uses this answer directly.")
EXPLAIN_LEADS_HERE = N_("How the questionnaire finds it")
EXPLAIN_FOLLOWS = N_("What follows from it")
EXPLAIN_RELIES_ON = N_("Findings this rule relies on")
EXPLAIN_POSITION = N_("question {n} of {total}")
EXPLAIN_SOURCE_TITLE = N_("Source: {short} (`{id}`)")
EXPLAIN_LIST_TITLE = N_("What can be explained (triage explain ID, or words such as \"saddle\")")
EXPLAIN_KINDS: dict[str, str] = {
    "question": N_("Questions"), "cause": N_("Possible causes"), "red_flag": N_("Warning signs (red flags)"),
    "rule": N_("Rules"), "source": N_("Sources"),
}
EXPLAIN_SOURCE_ITEMS = N_("The items of its lists, and what catches each")
EXPLAIN_SOURCE_RULES = N_("Rules that cite it")
EXPLAIN_NO_ITEMS = N_("The guideline coverage catalogue lists no item of this source.")
COVERAGE_CAUGHT = N_("{sign} ({heading}; at least {tier}): caught by {rules} when {answers}")
COVERAGE_NOT_ASKED = N_("{sign} ({heading}; {tier}): not asked. {why}")

CONCLUDES_CAUSE = N_("the possible cause {name}")
CONCLUDES_RED_FLAG = N_("the warning sign {name} and the suggestion {title}. {advice}")
CONCLUDES_LEVEL = N_("the suggestion {title}. {advice}")
CONCLUDES_CAUTION = N_("a caution to tell an acupuncturist before any treatment with needles")

ANSWER_KINDS: dict[str, str] = {
    "yes_no": N_("Yes, No or Not sure"),
    "number": N_("a whole number from {min} to {max}"),
    "scale": N_("a whole number from 0 to 10"),
    "choice": N_("one of: {options}"),
    "multi": N_("any of: {options}; or none of them"),
}

WHAT_IF_BEFORE = N_("Before")
WHAT_IF_AFTER = N_("After, if {changes}")
WHAT_IF_NOTHING = N_("Nothing changed: the same suggestion, causes and warning signs.")
WHAT_IF_LEVEL = N_("Suggestion: {before} -> {after}")
WHAT_IF_SAME_LEVEL = N_("Suggestion: unchanged ({title})")
WHAT_IF_NEW_RED_FLAG = N_("New warning sign: {name}")
WHAT_IF_GONE_RED_FLAG = N_("No longer a warning sign: {name}")
WHAT_IF_NEW_CAUSE = N_("New possible cause: {name}")
WHAT_IF_GONE_CAUSE = N_("No longer a possible cause: {name}")
WHAT_IF_UNANSWERED = N_("unanswered")
WHAT_IF_NOT_ASKED = (
    N_("`{id}` is not asked with these answers ({reason}), so changing it changes nothing.")
)

# --- the interactive questionnaire (triage/terminal) ------------------------
QUESTION_HEADER = N_("{section} · question {number}")
HINT_KEYS = N_("b: back · ? or w: why we ask")
HINT_KEYS_FIRST = N_("? or w: why we ask")
HINT_MULTI = N_("Space: tick or untick · Enter: done (nothing ticked means none of these)")
NONE_OF_THESE = N_("None of these")
YES, NO, NOT_SURE_LABEL = N_("Yes"), N_("No"), N_("Not sure")
WHY_WE_ASK = N_("Why we ask: {why}")
FIRST_QUESTION = N_("This is the first question, so there is nothing to go back to.")
ANSWER_ECHO = N_("Answer: {answer}")
NUMBER_EMPTY = N_("Please type a number from {min} to {max}.")
NUMBER_NOT_WHOLE = N_("Please type a whole number, {min} to {max}.")
NUMBER_OUT_OF_RANGE = N_("The number must be from {min} to {max}.")

HEADING_RED_FLAGS = N_("Warning signs (red flags)")
HEADING_CAUSES = N_("Possibly relevant causes (not a diagnosis)")
HEADING_WHY_LEVEL = N_("Why this suggestion")
WHY_LEVEL_FROM_FLAGS = N_("The warning signs above set this suggestion.")
HEADING_ACUPUNCTURE = N_("About acupuncture")
HEADING_ANSWERS = N_("Your answers")
ANSWER_AS_SEEN = N_("{answer} (the person read {question} and answered {seen})")
SUMMARY_IN_OTHER_LANGUAGE = N_("The person answered in {language}; each answer is quoted as they read it.")
BECAUSE_YOU_SAID = N_("Because you said {said}")
BECAUSE_OF_FINDING = N_("Because of: {names} (explained above)")
RULE_SOURCE = N_("Source: {source} (rule {rule})")
RULE_SOURCE_PERSON = N_("Source: {source}")
KB_FOOTER = NP_("Knowledge base {version}; {asked} question asked.",
                "Knowledge base {version}; {asked} questions asked.")

SAVE_QUESTION = N_("Would you like to save a summary to show a doctor or therapist?")
SAVE_NO = N_("No, finish here")
SAVE_MARKDOWN = N_("Yes, as a document to read (Markdown, .md)")
SAVE_JSON = N_("Yes, as data for a clinic system (JSON, .json)")
SAVE_FHIR = N_("Yes, as a FHIR QuestionnaireResponse for health records (.fhir.json)")
SAVE_FILE_NAME = N_("File name:")
SUMMARY_FILE_STEM = N_("back-pain-summary")
"""The name a saved or downloaded summary starts with (a file name: no slash, no dot)."""
SAVE_EMPTY_NAME = N_("Please type a file name.")
SAVE_NO_FOLDER = N_("There is no folder called {folder}; please type another name.")
SAVE_EXISTS = N_("{name} already exists. Replace it?")
SAVE_REPLACE_NO = N_("No, choose another name")
SAVE_REPLACE_YES = N_("Yes, replace it")
SAVED = N_("Saved to {path} (only your user account can read it).")
SAVE_FAILED = N_("Could not save to {path}: {reason}.")
SUMMARY_TITLE = N_("Back-pain triage: summary for a clinician")
SUMMARY_INTRO = (
    N_("Made on {date} by a back-pain questionnaire (knowledge base {version}) from the "
    "person's own answers. It is not a diagnosis.")
)
SUMMARY_SUGGESTION = N_("Suggestion")
SUMMARY_MATCHED = N_("Answered {said}")
SUMMARY_QUESTION, SUMMARY_ANSWER = N_("Question"), N_("Answer")
SAVE_IS_FOLDER = N_("{name} is a folder; please type a file name.")

FHIR_DESCRIPTION = (
    N_("Fill it in with any FHIR form and assess the QuestionnaireResponse with "
    "`triage assess FILE`. The questionnaire stops as soon as an emergency warning sign "
    "is known; a form cannot stop early, so answers given after that point are ignored "
    "by the assessment, and emergency advice is given.")
)
BACK_TO = N_("Back to question {number}.")
CHOOSE_WITH_ARROWS = N_("Use the arrow keys to choose your answer, then press Enter.")
KEYS_HELP_TYPED = (
    N_("Keys: type your answer and press Enter · b: back to the previous question · "
    "? or w: why we ask · Ctrl-C: stop")
)
TYPED_LETTER = N_("{letter} for {answer}")
TYPED_HINT_YES_NO = N_("Type the number of your answer, or {letters}, then press Enter.")
TYPED_HINT_CHOICE = N_("Type the number of your answer, or its first letters, then press Enter.")
TYPED_HINT_MULTI = (
    N_("Type the numbers of all that apply, separated by commas or spaces, then press Enter. "
    "Press Enter alone for none of these.")
)
TYPED_PROBLEM_YES_NO = N_("Please type {numbers}, or {letters}.")
TYPED_PROBLEM_CHOICE = N_("Please type a number from 1 to {count}, or the first letters of one answer.")
TYPED_PROBLEM_MULTI = (
    N_("Please type numbers from 1 to {count}, separated by commas or spaces, or nothing for none of these.")
)
CHANGE_LAST_OFFER = (
    N_("If you chose an answer by mistake, you can change your last answer; the result is worked out again.")
)
CHANGE_LAST_FINISH = N_("Finish")
CHANGE_LAST = N_("Change my last answer")
CLEAR_AT_END_WAIT = N_("Press Enter when you have read this; the screen will be cleared.")

# --- demonstrations (triage demo) --------------------------------------------------
DEMO_TITLE = N_("Demonstration")
DEMO_NOTE = N_("Made-up answers, played through the real questionnaire. Nothing is saved.")
DEMO_CHOOSE = N_("Which demonstration would you like to watch?")
DEMO_SKIPPED = NP_("Skipped ahead: {n} more answer was given at once.",
                   "Skipped ahead: {n} more answers were given at once.")
DEMO_SPEED = N_("must be a number, 0 or more: 1 is normal, 2 twice as fast, 0 shows everything at once")

# --- hardening: saving and privacy ---
SAVE_OTHER_NAME = (
    N_("Type another file name to save the summary there, or leave it empty to show the summary here:")
)
SAVE_SHOWN_INSTEAD = N_("The summary was not saved, so here it is to copy or print:")

# --- the intake kiosk (triage serve) -------------------------------------------------
WEB_WELCOME_TITLE = N_("Back-pain questions")
WEB_IS = (
    N_("This asks about your back pain, one question at a time, and suggests where to seek "
    "help: emergency care, a doctor, or an acupuncturist alongside medical care.")
)
WEB_IS_NOT = (
    N_("It is not a diagnosis and it is not for emergencies. If you have an emergency, tell "
    "the staff or call the emergency number now.")
)
WEB_PRIVACY = (
    N_("Your answers stay on this device while you answer and are wiped when you finish, "
    "or after {minutes} minutes without activity. Nothing is saved unless you download it.")
)
WEB_START = N_("Start")
WEB_NEXT = N_("Next")
WEB_BACK = N_("Back")
WEB_CHANGE_LAST = N_("Change my last answer")
WEB_CHANGE_LAST_HINT = N_("Tapped the wrong answer? You can change it; the result is worked out again.")
WEB_WHY = N_("Why we ask")
WEB_NUMBER_HINT = N_("Type a whole number from {min} to {max}.")
WEB_MULTI_HINT = N_("Tick all that apply. Tick nothing if none of these apply.")
WEB_CHOOSE_ONE = N_("Please choose an answer.")
WEB_RESULT_TITLE = N_("Your result")
WEB_FOR_CLINICIAN = N_("For the clinician")
WEB_DOWNLOAD = N_("Download the summary")
WEB_DOWNLOAD_MARKDOWN = N_("As a document (Markdown)")
WEB_DOWNLOAD_JSON = N_("As data for a clinic system (JSON)")
WEB_DOWNLOAD_FHIR = N_("As a FHIR QuestionnaireResponse")
WEB_FINISH = N_("Finish: next patient")
WEB_FINISH_HINT = N_("Finish wipes your answers from this device.")
WEB_HELD_TITLE = N_("The person at this tablet needs emergency help")
WEB_HELD = (
    N_("Their answers have been wiped from this tablet. Staff: make sure they are being helped now, "
    "then press Finish for the next patient.")
)
WEB_EXPIRED_TITLE = N_("This page has expired")
WEB_EXPIRED = (
    N_("For privacy, answers are wiped after {minutes} minutes without activity or when someone "
    "presses Finish. Nothing was kept. Please start again.")
)
WEB_BAD_REQUEST_TITLE = N_("Something did not work")
WEB_BAD_REQUEST = N_("The page could not use that request. Nothing was kept. Please start again.")
WEB_NOT_FOUND_TITLE = N_("Page not found")
WEB_NOT_FOUND = N_("There is no page at this address.")
WEB_START_AGAIN = N_("Start again")
WEB_HOME = N_("Back to the start")
WEB_STAFF_PAGES = N_("For staff and educators")
WEB_RED_FLAGS_LINK = N_("Warning signs handout")
WEB_DEMOS_LINK = N_("Demonstrations")
WEB_DEMOS_TITLE = N_("Demonstrations")
WEB_DEMO_STEP = N_("Step {number} of {total}")
WEB_DEMO_ANSWER = N_("The made-up answer: {answer}")
WEB_DEMO_NEXT = N_("Next step")
WEB_DEMO_RESULT = N_("Show the result")
WEB_EXPLAIN_TITLE = N_("Explain {id}")
WEB_SKIP_LINK = N_("Skip to the main content")
WEB_SERVING = N_("Serving the questionnaire at {url} (press Ctrl-C to stop).")
WEB_NOT_LOOPBACK = (
    N_("Warning: {host} is not a loopback address, so other computers on the network can reach "
    "this questionnaire. Use it only on a network you trust.")
)
WEB_STOPPED = N_("Stopped serving.")
WEB_IDLE_MINUTES = N_("must be a number of minutes, more than 0 and at most 1440")
WEB_IDLE_TITLE = N_("Are you still there?")
WEB_IDLE_WARNING = (
    N_("For privacy, this screen will go back to the start in {seconds} seconds, and your answers "
    "will be wiped.")
)
WEB_IDLE_STAY = N_("I am still here")

# --- moving about a visit at the kiosk -----------------------------------------------------
WEB_PROGRESS_ABOUT = N_("Question {number} of about {total}")
WEB_STALE_TITLE = N_("This page was out of date")
WEB_STALE = N_("The questionnaire has moved on in another tab or window, and nothing was changed. "
    "Here is where you are now.")
WEB_GO_TO_QUESTION = N_("Go to question {number}")
WEB_GO_TO_RESULT = N_("Go to the result")
WEB_IN_PROGRESS_TITLE = N_("A questionnaire is already in progress on this tablet")
WEB_IN_PROGRESS = N_("Continue it, or start again (this clears the answers given so far).")
WEB_CONTINUE = N_("Continue")
WEB_CONFIRM_TITLE = N_("Start again?")
WEB_CONFIRM = N_("Starting again clears every answer given so far from this tablet and goes back "
    "to the first screen.")
WEB_CONFIRM_YES = N_("Yes, clear my answers")
WEB_CONFIRM_NO = N_("No, go back to the questions")
WEB_UNKNOWN_LANGUAGE = N_("That language is not offered here. Nothing was changed.")
WEB_STAFF_INTRO = N_("Pages for clinic staff and educators. The patients' pages do not link here.")
WEB_STAFF_EXPLAIN = N_("Why each question is asked")

# --- the hand-off to the practitioner (a printout, a QR code) ----------------------------
HANDOFF_WHEN = N_("Date and time")
HANDOFF_VISIT_CODE = N_("Visit code")
HANDOFF_NAME = N_("Name")
HANDOFF_MORE_ON_PRINTOUT = N_("…(more on the printout)")
HANDOFF_SHORTENED = N_("…(shortened)")
WEB_PRINT = N_("Print for the clinician")
WEB_PRINT_NAME = N_("Your name on the printout (optional; it is not sent or saved)")
WEB_PRINT_PAGE_LINK = N_("Open the one-page summary to print")
WEB_BACK_TO_RESULT = N_("Back to the result")
WEB_QR_LABEL = N_("QR code: the summary for the clinician, as text")
WEB_QR_HINT = (
    N_("The practitioner can scan this code with a phone camera to read the summary. It holds "
    "text only: no link, and nothing is sent.")
)
WEB_DOWNLOADS_OFF_TITLE = N_("Downloads are turned off")
WEB_DOWNLOADS_OFF = (
    N_("This kiosk does not save summaries as files, so nothing about you stays on this device. "
    "Ask a member of staff if you need a copy.")
)

# --- languages ------------------------------------------------------------------------
UNKNOWN_LANGUAGE = N_("`{lang}` is not a language this tool speaks; use one of: {valid}")
NOT_REVIEWED = N_(
    "This translation has not yet been reviewed by a clinician. If anything is unclear, "
    "ask the staff or use the English version.")
ARGPARSE_WORDS = (
    # argparse's own words, which it reads through the catalogue too.
    N_("usage: "), N_("options"), N_("positional arguments"), N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"), N_("the following arguments are required: %(args)s"),
    N_("unrecognized arguments: %(args)s"), N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("expected one argument"), N_("invalid %(type)s value: %(value)r"),
    N_("argument %(argument_name)s: %(message)s"),
    # the same messages as Python 3.11 words them, and the rest a person can meet with our options
    N_("the following arguments are required: %s"), N_("unrecognized arguments: %s"),
    N_("ambiguous option: %(option)s could match %(matches)s"), N_("expected at least one argument"),
    N_("expected at most one argument"), N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"), N_("ignored explicit argument %r"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
)
CHECK_SUMMARY = N_("knowledge base {version}: {questions}, {rules}, {causes}, {red_flags}; no problems")
N_QUESTIONS = NP_("{n} question", "{n} questions")
N_RULES = NP_("{n} rule", "{n} rules")
N_CAUSES = NP_("{n} cause", "{n} causes")
N_RED_FLAGS = NP_("{n} red flag", "{n} red flags")
N_PROBLEMS = NP_("{n} problem found", "{n} problems found")
WEB_LANGUAGE = N_("Language")

# --- conditions in words (explain, red-flags, FHIR's ask-if notes) ----------------------
DESCRIBE_ALL_OF = N_("all of:")
DESCRIBE_ANY_OF = N_("any of:")
DESCRIBE_NOT = N_("not:")
DESCRIBE_ALWAYS = N_("always (no condition)")
DESCRIBE_NEVER = N_("never")
DESCRIBE_UNANSWERED = N_("{question} is asked and left unanswered")
DESCRIBE_ANSWERED = N_("you answer {question}")
DESCRIBE_LEFT_UNANSWERED = N_("you leave {question} unanswered")
DESCRIBE_ANSWER = N_("you answer {answer} to {question}")
DESCRIBE_OTHER_ANSWER = N_("you answer something other than {answer} to {question}")
DESCRIBE_NUMBER: dict[str, str] = {
    "=": N_("the answer to {question} is {n}"),
    "!=": N_("the answer to {question} is not {n}"),
    ">": N_("the answer to {question} is more than {n}"),
    "<": N_("the answer to {question} is less than {n}"),
    ">=": N_("the answer to {question} is {n} or more"),
    "<=": N_("the answer to {question} is {n} or less"),
}
DESCRIBE_SCALE: dict[str, str] = {
    "=": N_("the answer to {question} is {n} out of 10"),
    "!=": N_("the answer to {question} is not {n} out of 10"),
    ">": N_("the answer to {question} is more than {n} out of 10"),
    "<": N_("the answer to {question} is less than {n} out of 10"),
    ">=": N_("the answer to {question} is {n} or more out of 10"),
    "<=": N_("the answer to {question} is {n} or less out of 10"),
}
DESCRIBE_AMONG = N_("{answer} is among your answers to {question}")
DESCRIBE_NONE_CHOSEN = N_("you choose none of the answers to {question}")
DESCRIBE_SOME_CHOSEN = N_("you choose at least one answer to {question}")
DESCRIBE_EXACTLY = N_("your answers to {question} are exactly {answers}")
DESCRIBE_NOT_EXACTLY = N_("your answers to {question} are not exactly {answers}")
DESCRIBE_CAUSE_FOUND = N_("the cause {name} is found")
DESCRIBE_RED_FLAG_FOUND = N_("the red flag {name} is found")
DESCRIBE_WHICH_MEANS = N_("{finding}, which means:")
ASKED_ONLY_WHEN_COLON = N_("only when:")
EXPLAIN_ASKED_ONLY_WHEN = N_("`{id}`: {question}, asked only when:")
WHAT_IF_CHANGE = N_("{id} = {value} (was {was})")
SAID = N_('"{answer}" to "{question}"')

# --- the kiosk's visits: when they begin, when the kiosk is full, when they expire ---------------
WEB_BUSY_TITLE = N_("The kiosk is busy")
WEB_BUSY = N_("Too many questionnaires are open on this kiosk right now, so a new one cannot start. "
    "Nobody’s answers were touched. Please try again in a minute, or ask a member of staff.")
WEB_EXPIRED_IDLE = N_("For privacy, answers are wiped after {minutes} minutes without activity. "
    "This questionnaire was left for longer than that, so its answers were wiped. Please start again.")
WEB_EXPIRED_RESTARTED = N_("The kiosk was restarted after this page was shown, and answers are not kept "
    "when it restarts. Nothing was kept. Please start again.")
WEB_EXPIRED_NOT_STARTED = N_("No questionnaire was open in this browser, so nothing was kept. Please start "
    "from the first screen. If this keeps happening, the browser may be refusing cookies, which the "
    "questionnaire needs.")
WEB_EXPIRED_START = N_("The first screen had been open for more than {hours} hours, so it could not start "
    "the questionnaire. Nothing was kept. Press Start to begin.")
WEB_EXPIRED_FORM = N_("This form was out of date, or did not come from this questionnaire’s own pages, so "
    "nothing was changed. The answers given so far are kept.")
STORE_BAD_URL = N_("`{url}` is not a place the kiosk can keep its visits: use memory, or "
    "redis://HOST:PORT/DB (rediss:// for TLS, unix:///PATH for a socket)")
STORE_UNREACHABLE = N_("cannot reach Redis at {url}: {reason}; start it (redis-server --save \"\" "
    "--appendonly no) or check the address")
STORE_NOT_CHECKED = N_("cannot check that Redis at {url} keeps its data in memory only ({reason}); "
    "allow the CONFIG command, and run it with --save \"\" --appendonly no")
STORE_PERSISTS = N_("Redis at {url} writes its data to disk (save `{save}`, appendonly `{appendonly}`), "
    "but the kiosk's answers must stay in memory only: run it with --save \"\" --appendonly no")
STORE_WORKERS = N_("{workers} workers need their visits kept where every worker finds them: add "
    "--store redis://HOST:PORT/DB, or serve with one worker")
# (end of the kiosk's visits)

# --- the kiosk on a network: TLS, the allowed names, serving, stopping ----------------------------
WEB_PORT_RANGE = N_("must be a whole number from 0 to 65535 (0: any free port)")
WEB_WORKERS_RANGE = N_("must be a whole number of processes from 1 to {most}")
WEB_HOST_NAME = N_("must be a host name (kiosk.clinic.example) or an IP address, without a port or scheme")
WEB_NOTICE_WORDS = N_("must be the clinic's words for every page: 1 to {most} characters, on one line")
WEB_TLS_HALF = N_(
    "--certfile and --keyfile go together: give both (a certificate and its private key, in PEM) "
    "or neither")
WEB_TLS_UNUSABLE = N_(
    "the certificate and private key cannot be used ({reason}); give a PEM certificate with "
    "--certfile and the PEM private key that belongs to it with --keyfile")
WEB_TLS_PASSPHRASE = N_(
    "the private key is protected by a passphrase, which the kiosk cannot ask for; give it a copy "
    "without one (openssl pkey -in KEY -out NEW-KEY) that only this account can read")
WEB_NEEDS_TLS = N_(
    "--host {host} lets other computers reach the kiosk, and answers sent over plain HTTP can be read "
    "on the way; give a certificate with --certfile and --keyfile (HTTPS), or, on a network the clinic "
    "trusts, allow plain HTTP with --plain-http-notice \"...\" in the clinic's words, which every page "
    "then shows")
WEB_NO_ALLOWED_HOST = N_(
    "--host {host} listens on every address of this computer, but the kiosk answers only to the names "
    "it is given; add the name or address the tablets use, with --allowed-host (for example "
    "--allowed-host 192.168.1.20) or `allowed_hosts` in the clinic settings")
WEB_CANNOT_LISTEN_HOST = N_(
    "cannot listen on {host}: {reason}; give an address of this computer with --host (default: "
    "127.0.0.1, this computer only)")
WEB_OPEN_FILES = N_(
    "this process may open only {limit} files at once, too few for the kiosk; raise the limit to at "
    "least {least} (ulimit -n {least})")
WEB_ACCEPT_TROUBLE = N_(
    "Could not accept a connection ({reason}); the kiosk tries again in a second. If this goes on, "
    "raise the open-file limit (ulimit -n) or check the computer's memory.")
WEB_REPEATED = N_("{message} ({n} more like this in the last {seconds} seconds were not shown.)")
# (end of the kiosk on a network)

# --- the kiosk's limits and errors: sizes of requests, repeated fields, methods -------------------
WEB_TOO_LARGE_TITLE = N_("That was more than the kiosk takes")
WEB_TOO_LARGE = N_("The kiosk's forms send only short answers, and this request was longer than any "
                   "of them. Nothing was changed.")
WEB_WRONG_HOST_TITLE = N_("This is not the kiosk's address")
WEB_WRONG_HOST = N_("The kiosk answers only at the address the clinic set it up with. Please use "
                    "that address.")
WEB_PRIVACY_REMOTE = (
    N_("Your answers are kept on the clinic's server, not on this device: in its memory only, while "
       "you answer. They are wiped when you finish, or after {minutes} minutes without activity. "
       "Nothing is saved unless you download it.")
)
WEB_FINISH_HINT_REMOTE = N_("Finish wipes your answers from the clinic's server.")
WEB_CLINIC_NOTE = N_("From the clinic:")
# (end of the kiosk's limits and errors)

# --- teaching: the one-page red-flag table ---
RED_FLAG_TABLE_TITLE = N_("Warning signs in back pain: what they may mean and what to do")
RED_FLAG_TABLE_INTRO = N_(
    "Every warning sign the questionnaire looks for, grouped by how soon to act. Any one sign is "
    "enough. The codes are for clinicians.")
RED_FLAG_TABLE_SEVERAL = NP_("The answer to {n} warning-sign question",
                             "The answers to {n} warning-sign questions")
RED_FLAG_TABLE_EMERGENCY_NUMBER = N_(
    "Seek emergency care now: call {number} or go to the emergency department.")
RED_FLAG_TABLE_AS_ABOVE = N_("As above; these signs of it are less urgent.")
# (end of the red-flag table)

# --- teaching: diagrams ---
DIAGRAM_AND = N_("and")
DIAGRAM_OR = N_("or")
DIAGRAM_NOT = N_("not")
DIAGRAM_ASKED_IF = N_("asked if")
DIAGRAM_HELP = N_("draw the knowledge base as a graph (Mermaid, DOT, or a picture: SVG or PNG)")
DIAGRAM_FORMAT_HELP = N_("mermaid or dot: text with ids, for authors; svg or png: a picture in words, "
                         "drawn by Graphviz (default: mermaid)")
DIAGRAM_OUT_HELP = N_("write to FILE instead of printing (never over an existing file)")
DIAGRAM_NO_DOT = N_("drawing --format {format} needs the `dot` program of Graphviz, which is not installed; "
                    "install it (on Debian or Ubuntu: sudo apt-get install graphviz), "
                    "or use --format mermaid or --format dot")
DIAGRAM_DOT_FAILED = N_("Graphviz `dot` could not draw the diagram: {reason}")
DIAGRAM_DOT_TIMEOUT = N_("Graphviz `dot` took more than {seconds} seconds; "
                         "draw a smaller part with --focus ID")
DIAGRAM_PNG_TO_TERMINAL = N_("a PNG picture cannot be shown in a terminal; "
                             "write it to a file with --out FILE")
# (end of diagrams)

# --- teaching: stepping through a demonstration ---
DEMO_STEP_KEYS = N_("Space or p: pause or play on · → (or n, l): next step · ← (or b, h): back one step · "
                    "r: straight to the result · q: quit")
DEMO_PAUSED = N_("Paused. Space or p plays on; → or n shows the next step, ← or b the one before.")
DEMO_BACK_TO_STEP = N_("Back to step {number}: the answers after it are undone.")
DEMO_FIRST_STEP = N_("This is the first step, so there is nothing to go back to.")
DEMO_QUIT = N_("The demonstration was stopped. Nothing was saved.")
DEMO_FIRED = N_("Rules fired so far")
DEMO_NONE_FIRED = N_("No rule has fired yet.")
DEMO_FIRED_RULE = N_("{because} ({rule})")
WEB_DEMO_PREVIOUS = N_("Previous step")
WEB_DEMO_ALL = N_("All demonstrations")
WEB_DEMO_STEPS = N_("Steps of the demonstration")
# (end of stepping through a demonstration)

# --- teaching: what-if ---
WHAT_IF_CHANGES_IF = N_("What changes if {changes}")
WHAT_IF_EACH_ALONE = N_("Each change alone, then all together")
WHAT_IF_AS_ANSWERED = N_("As answered")
WHAT_IF_COLUMN_ANSWER = N_("Changed answer")
WHAT_IF_COLUMN_LEVEL = N_("Suggestion")
WHAT_IF_COLUMN_RED_FLAGS = N_("New warning signs")
WHAT_IF_COLUMN_CAUSES = N_("New possible causes")
WHAT_IF_ROW_ANSWER = N_("{id} = {value}")
WHAT_IF_ALL_TOGETHER = N_("All together")
WHAT_IF_NONE = N_("none")
WHAT_IF_UNCHANGED = N_("unchanged")
WHAT_IF_NOT_ASKED_ALONE = (
    N_("Alone, `{id}` is not asked with these answers ({reason}), so alone it changes nothing.")
)
# (end of what-if)
