"""The intake kiosk (``triage serve``): the questionnaire as web pages. Imported only by ``serve``."""
