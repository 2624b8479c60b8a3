"""Writing summaries for a clinician safely, from the terminal.

A summary is written only when the person asks (or ``--answers-out`` asks
for them): to a new file created with mode 0600, never over an existing
file unless the person said to replace it, and never half-written (a replaced
file is written beside it first, then renamed over it). What a summary says,
in each format, is :mod:`triage.summaries`.
"""

from __future__ import annotations

from pathlib import Path

from triage.files import PRIVATE, PUBLIC, write
from triage.summaries import FORMAT_SUFFIX, file_stem

__all__ = ["PRIVATE", "PUBLIC", "write"]  # the writer lives in triage.files; summaries use it here

def free_name(folder: Path, fmt: str) -> Path:
    """``back-pain-summary.md`` (in the person's language), or ``back-pain-summary-2.md`` and so on
    if taken."""
    suffix = FORMAT_SUFFIX.get(fmt, ".txt")
    stem = file_stem()
    candidate = folder / f"{stem}{suffix}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{number}{suffix}"
        number += 1
    return candidate
