"""The interactive questionnaire in a terminal (``triage`` with no command).

This package is the only place that imports questionary and rich; they,
and the engine, are imported when the questionnaire starts, so that
``triage --help`` and the other commands stay fast.
"""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    """Welcome, questions, result and (if asked) a saved summary; returns the exit status."""
    from triage.terminal.app import run as run_app

    return run_app(args)
