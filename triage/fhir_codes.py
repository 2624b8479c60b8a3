"""The FHIR codes and addresses that writing (:mod:`triage.fhir`) and reading
(:mod:`triage.fhir_read`) a QuestionnaireResponse share.
"""

from __future__ import annotations

QUESTIONNAIRE_URL = "urn:backpain-triage:questionnaire"
OPTION_SYSTEM = "urn:backpain-triage:option:{question}"

YES_NO_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0136"
ABSENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
YES = {"system": YES_NO_SYSTEM, "code": "Y", "display": "Yes"}
NO = {"system": YES_NO_SYSTEM, "code": "N", "display": "No"}
NOT_SURE_CODING = {"system": ABSENT_SYSTEM, "code": "asked-unknown", "display": "Asked But Unknown"}
"""HL7's own display for the code; the person reads "Not sure" (see :data:`triage.fhir.NOT_SURE_OPTION`)."""
NONE_CODE = "none_of_these"
