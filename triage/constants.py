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

OUT_OF_SCOPE = (
    "This questionnaire is for people aged 16 or over. Please ask a doctor to check "
    "the back pain. If there is numbness around the bottom or genitals, trouble "
    "passing or controlling urine, new weakness in the legs, or a fever, seek care "
    "the same day."
)

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

KEYS_HELP = "Keys: Enter to answer · choose Back (or press b) to go back · ? or w: why we ask · Ctrl-C to quit"

CANCELLED = "Stopped; nothing was saved."

SOURCES = (
    "NICE NG59, Low back pain and sciatica in over 16s (2016, updated 2020); "
    "Finucane et al., International framework for red flags for potential serious spinal "
    "pathologies, JOSPT 2020; Qaseem et al., Noninvasive treatments for acute, subacute, "
    "and chronic low back pain, American College of Physicians, Ann Intern Med 2017; "
    "4 Main Causes of Back Pain and How Acupuncture Can Help."
)

IGNORED_REASONS: dict[str, str] = {
    "not_asked": "not asked, because the question it depends on was answered otherwise",
    "after_stop": "not asked, because the questionnaire stopped before it",
}
