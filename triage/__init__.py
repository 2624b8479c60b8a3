"""Back-pain triage."""
