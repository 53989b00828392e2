"""Progress in phases on a terminal: reading or fetching (a bar when the size is known, a
running count when not), auditing, writing each report, saving.

Drawn with `rich` on stderr, and only there: not when stderr is not a terminal (cron, CI,
pipes) nor with `-q`. The display animates by itself between updates, so a phase that
reports nothing for seconds (auditing 200,000 items) still shows that it runs; it is
cleared when the run ends, leaving the summary alone.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

from backlog_audit.cli.text.console import console
from backlog_audit.reports.figures import count

if TYPE_CHECKING:
    from rich.progress import Progress, Task, TaskID
    from rich.text import Text


class Phases:
    """The phases of one run on the display: `phase` starts one, `progress` sizes it."""

    def __init__(self, display: Progress) -> None:
        self._display = display
        self._task: TaskID | None = None

    def phase(self, label: str) -> None:
        """End the current phase (ticked) and start `label`, its size unknown."""
        self._finish()
        self._task = self._display.add_task(label, total=None, counted=False)

    def progress(self, received: int, total: int | None) -> None:
        """`received` of `total` (None: not known) in the current phase: a source's items."""
        if self._task is None:
            self.phase("Fetching")
        assert self._task is not None
        self._display.update(self._task, completed=received, total=total, counted=True)

    def _finish(self) -> None:
        """Tick the current phase: full, its count kept, its clock stopped."""
        if self._task is None:
            return
        task = next(task for task in self._display.tasks if task.id == self._task)
        done = task.completed if task.fields.get("counted") else 1
        self._display.update(self._task, total=done, completed=done)
        self._display.stop_task(self._task)


def _count_column() -> type:
    from rich.progress import ProgressColumn
    from rich.text import Text

    class Count(ProgressColumn):
        """`12,345 of 200,000`, `12,345` while the total is unknown; nothing for a phase
        that counts nothing."""

        def render(self, task: Task) -> Text:
            if not task.fields.get("counted"):
                return Text("")
            done = count(int(task.completed))
            if task.total is None:
                return Text(done)
            return Text(f"{done} of {count(int(task.total))}")

    return Count


@contextmanager
def phases(enabled: bool, stream: TextIO | None = None) -> Iterator[Phases | None]:
    """A `Phases` display on `stream` (stderr), or None when disabled or not a terminal."""
    stream = stream or sys.stderr
    if not enabled or not stream.isatty():
        yield None
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    display = Progress(
        SpinnerColumn(finished_text="✓"),
        TextColumn("{task.description}"),
        BarColumn(bar_width=30),
        _count_column()(),
        TimeElapsedColumn(),
        console=console(stream),
        transient=True,
    )
    with display:
        yield Phases(display)
