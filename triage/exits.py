"""The exit statuses of every command, in one place."""

from __future__ import annotations

EXIT_OK = 0
EXIT_PROBLEMS = 1
"""`check` found problems, a demonstration missed its level, or a summary could not be saved."""
EXIT_USAGE = 2
"""A file, an option or a knowledge base that cannot be used; the messages say why."""
EXIT_INTERRUPTED = 130
"""Ctrl-C or the end of input at a prompt."""
EXIT_INTERNAL = 70
"""Something went wrong inside the tool: never reachable from any input (the tests show it)."""
