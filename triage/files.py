"""Writing files safely: new files only (or replacing one the person agreed to), never half-written.

Every file about a person is created with mode 0600 (:data:`PRIVATE`); files
about nobody (the FHIR Questionnaire, the JSON Schemas) are :data:`PUBLIC`.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

_NEW_FILE = os.O_CREAT | os.O_EXCL | os.O_WRONLY

PRIVATE: int = 0o600
"""The mode of every file about a person (summaries, answers, QuestionnaireResponses)."""
PUBLIC: int = 0o644
"""The mode of files about nobody (the FHIR Questionnaire, JSON Schemas); the umask still applies."""


def write_new(path: Path, data: bytes, mode: int = PRIVATE) -> None:
    """Create ``path`` (failing if it exists, even as a dangling link) and write all of ``data``.

    On any failure (disk full, interrupted) the half-written file is removed again.
    """
    fd = os.open(path, _NEW_FILE, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())  # a full disk or quota shows up here, not later
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise


def write(path: Path, text: str, *, replace: bool = False, mode: int = PRIVATE) -> None:
    """Write a summary; ``replace`` only once the person agreed to replace ``path``.

    Every file about a person keeps the default ``mode`` (0600); only files about
    nobody (see :data:`PUBLIC`) pass another. Raises ``FileExistsError`` if ``path``
    exists and ``replace`` is false.
    """
    data = text.encode("utf-8")
    if not replace:
        write_new(path, data, mode)
        return
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write_new(temporary, data, mode)
    try:
        temporary.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
