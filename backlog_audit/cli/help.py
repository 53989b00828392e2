"""What every command's `--help` shares: the exit codes, defined once, after its examples.

The meanings are those of SPEC 8 (`errors.py` holds the numbers); `okrs lint` and `audit`
read code 1 the same way, "a check the command makes failed".
"""

from __future__ import annotations

import signal

from backlog_audit.errors import EXIT_OK, EXIT_SOURCE, EXIT_THRESHOLD, EXIT_USAGE

# Ctrl-C and SIGTERM: 128 + the signal's number, as a shell reports a job it stopped.
EXIT_INTERRUPTED = 128 + signal.SIGINT
EXIT_TERMINATED = 128 + signal.SIGTERM

EXIT_CODES = f"""\b
Exit codes:
  {EXIT_OK}    success (audit: every threshold holds)
  {EXIT_THRESHOLD}    a check failed: a threshold breached (reports still written), a lint error
  {EXIT_USAGE}    usage, configuration or input error (one line on stderr, no traceback)
  {EXIT_SOURCE}    a source failed (unreachable, access refused, API errors after retries)
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C); {EXIT_TERMINATED}: stopped (SIGTERM)"""


def epilog(examples: str = "") -> str:
    """A command's epilog: its examples (a `\\b` block, if any), then the exit codes."""
    return f"{examples.strip()}\n\n{EXIT_CODES}" if examples.strip() else EXIT_CODES
