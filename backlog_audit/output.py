"""Writing reports: every file atomically, stdout for `-`, nothing written on failure.

Every report is rendered before its target is touched: the workbook, Markdown, HTML and CSV
tables to bytes before the first file is written, the JSON report and the items table
(`reports.STREAMED`, `csv.items_chunks`) piece by piece straight into their temporary files
(a million items never make one string). Then the commit protocol of "reports + history"
(`publish`):

1. prepare: every report is written in full to a temporary file beside its target (a report
   that fails while it is written leaves nothing: its temporary file is removed);
2. the history takes the run (inserted, not yet committed): a history that cannot take it
   stops here, and no report was replaced;
3. write: each report is renamed over its target, the earlier report kept aside (a hard
   link beside it, so that nothing needs disk space);
4. commit the history. If the commit fails (a full disk, a quota, a file-size limit) or
   anything before it does (Ctrl-C), every report is put back: the earlier ones
   byte-identical, new ones removed, and the run is not recorded;
5. the kept earlier reports are removed.

So a failed or interrupted run (a read-only directory, a full disk, Ctrl-C) never leaves a
half-written report, nor some new reports beside some old ones, nor new reports of a run the
history does not hold. A report that cannot be written is a `UsageError` (exit 2) naming it.
Devices and FIFOs (`/dev/null`, `/dev/stdout`) are written in place, never replaced (nor put
back); links are followed.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
import sys
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from backlog_audit.errors import UsageError
from backlog_audit.model import AuditResult
from backlog_audit.reports import STREAMED, ReportFormat, chunks, render
from backlog_audit.reports import csv as csv_report

DEFAULT_STEM = "backlog-audit"
STDOUT = "-"
# Characters of a report's name kept in its temporary file's name (NAME_MAX is 255 bytes).
_TMP_NAME_KEEP = 32  # at most 4 bytes each in UTF-8: 128 bytes
# A new file only (never one that is there, nor through a link), as tempfile.mkstemp opens it.
_TMP_FLAGS = (
    os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
)


Body = bytes | Callable[[], Iterable[bytes]]


@dataclass(frozen=True)
class Planned:
    """One file (or stdout) and its report: its bytes, or its pieces, rendered as written."""

    path: str  # "-" for stdout
    body: Body

    @property
    def data(self) -> bytes:
        """The whole report (a streamed one rendered now, in memory)."""
        return b"".join(_pieces(self.body))


def _pieces(body: Body) -> Iterable[bytes]:
    return (body,) if isinstance(body, bytes) else body()


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` via a temporary file in the same directory and a rename."""
    staged = _stage(path, data)
    try:
        staged.swap()
    finally:
        staged.discard()


@dataclass
class _Staged:
    """A report ready to replace its target: the temporary file holds all of its bytes.

    A target that exists and is not a regular file (`/dev/null`, a FIFO) is written in place
    at swap: renaming over it would replace the device with a plain file. A symbolic link
    is followed, so the file it points at gets the report and the link stays.
    """

    path: Path  # as the user named it, for messages
    target: Path
    data: bytes = b""  # the report, for a target written in place
    tmp: Path | None = None
    kept: Path | None = None  # the earlier report, kept aside until the run is committed
    placed: bool = False  # the new report is at `target`

    def swap(self) -> None:
        """Put the report in place, keeping the earlier one aside for `restore`."""
        try:
            if self.tmp is None:
                with self.target.open("wb") as handle:
                    handle.write(self.data)
                return
            if self.target.is_file():
                self.kept = _keep_aside(self.target)
            os.replace(self.tmp, self.target)
            self.tmp, self.placed = None, True
        except OSError as exc:
            raise _write_error(self.path, exc) from None

    def restore(self) -> None:
        """Undo `swap`: the earlier report back in place (or none, as before)."""
        if self.kept is not None:
            os.replace(self.kept, self.target)
            self.kept = None
        elif self.placed:
            self.target.unlink(missing_ok=True)
        self.placed = False

    def discard(self) -> None:
        """Remove the temporary file and the kept earlier report, if they are still there."""
        for leftover in (self.tmp, self.kept):
            if leftover is not None:
                leftover.unlink(missing_ok=True)
        self.tmp = self.kept = None


def _keep_aside(target: Path) -> Path:
    """A second name for the file at `target`, beside it, so that a rename over `target`
    leaves the earlier report reachable. A hard link needs no disk space; where links are
    not allowed (some network or FAT file systems) the file itself is moved aside."""
    name = f".{target.name[:_TMP_NAME_KEEP]}.{secrets.token_hex(6)}.kept"
    kept = target.with_name(name)
    try:
        os.link(target, kept)
    except OSError:
        os.rename(target, kept)
    return kept


def _stage(path: Path, body: Body) -> _Staged:
    """Write the report to a temporary file beside `path`'s target; nothing is replaced yet."""
    staged = _Staged(path, path)
    try:
        if path.is_dir():
            raise UsageError(f"cannot write report {path}: it is a directory")
        if path.exists() and not path.is_file():
            # A device or a FIFO, through any links (/dev/stdout): written in place at commit.
            staged.data = b"".join(_pieces(body))
            return staged
        staged.target = target = _link_target(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        # The name is cut so that the temporary name fits wherever the report's own name does.
        fd, tmp = _create_tmp(staged, target)
        with os.fdopen(fd, "wb") as handle:
            for piece in _pieces(body):
                handle.write(piece)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _mode_for(target))
    except BaseException as exc:
        staged.discard()
        if isinstance(exc, OSError):
            raise _write_error(path, exc) from None
        raise
    return staged


def _create_tmp(staged: _Staged, target: Path) -> tuple[int, Path]:
    """Create `staged`'s temporary file beside `target`, exclusively: its descriptor and path.

    The name is recorded in `staged` before the file exists: a signal (SIGTERM, Ctrl-C)
    raised between its creation and its recording would otherwise leave a file that no
    cleanup knows about, as `tempfile.mkstemp` did.
    """
    # The name is cut so that the temporary name fits wherever the report's own name does.
    prefix = f".{target.name[:_TMP_NAME_KEEP]}."
    while True:
        staged.tmp = tmp = target.with_name(f"{prefix}{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, _TMP_FLAGS, 0o600), tmp
        except FileExistsError:
            staged.tmp = None  # someone else's file: never removed by our cleanup


def _link_target(path: Path) -> Path:
    """The file a link points at (the path itself when it is no link)."""
    if not path.is_symlink():
        return path
    try:
        return path.resolve()
    except RuntimeError:  # Python 3.11 and 3.12 raise it, not OSError, for a loop of links
        raise UsageError(f"cannot write report {path}: a loop of symbolic links") from None


def _to_stdout(data: bytes) -> None:
    """Write a report to stdout (`-o -`); a full or closed stdout is exit 2, as for a file."""
    try:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    except OSError as exc:
        _stdout_to_devnull()
        raise UsageError(f"cannot write the report to stdout: {exc.strerror or exc}") from None


def _stdout_to_devnull() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush does not fail again.

    What is still buffered would raise once more at exit and print "Exception ignored".
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass  # not a real file descriptor (a test runner's buffer): nothing flushes it at exit


def _mode_for(target: Path) -> int:
    """The permissions the report gets: the old file's, else what the umask allows.

    The temporary file is created readable by its owner only; a report is meant to be shared.
    """
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _write_error(path: Path, exc: OSError) -> UsageError:
    return UsageError(f"cannot write report {path}: {exc.strerror or exc}")


@dataclass(frozen=True)
class Target:
    """Where one report goes, known before anything is fetched or rendered."""

    path: str  # "-" for stdout
    fmt: ReportFormat
    table: str | None = None  # the CSV table this file holds; None: the whole report


def check_name(flag: str, path: str) -> None:
    """Exit 2 when `path` cannot name a file at all (a name longer than the file system
    allows), checked before anything is fetched: every later look at it would raise."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            shown = path if len(path) <= 60 else f"{path[:40]}...{path[-12:]}"
            raise UsageError(
                f"{flag} {shown}: the name is too long for the file system "
                f"({len(os.fsencode(path))} bytes)"
            ) from None
    except ValueError:  # a NUL byte
        raise UsageError(f"{flag}: the name holds a NUL character") from None


def plan_paths(formats: tuple[ReportFormat, ...], output: str | None) -> list[Target]:
    """Decide where each report goes (SPEC 8 `-o`); nothing is rendered or written.

    The paths depend only on the formats and `-o`, so a run checks them before its fetch.
    """
    formats = tuple(dict.fromkeys(formats))
    if output is not None and output != STDOUT:
        check_name("-o", output)
    if output == STDOUT:
        if len(formats) != 1 or not formats[0].streamable:
            raise UsageError("-o - writes one json, md, csv or html report to stdout")
        return [Target(STDOUT, formats[0])]
    # A trailing slash says "directory" even for one format (Path() would drop it).
    names_directory = output is not None and output.endswith(("/", os.sep))
    if output is not None and len(formats) == 1 and not names_directory:
        return _single(formats[0], Path(output))
    directory = Path(output) if output is not None else Path.cwd()
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"-o {output}: several formats need a directory, not a file")
    targets: list[Target] = []
    for fmt in formats:
        targets += _in_directory(fmt, directory)
    return targets


def _single(fmt: ReportFormat, path: Path) -> list[Target]:
    if fmt is ReportFormat.CSV and (path.is_dir() or path.suffix.lower() != ".csv"):
        return _csv_tables(path)
    if path.is_dir():
        return _in_directory(fmt, path)
    return [Target(str(path), fmt)]


def _in_directory(fmt: ReportFormat, directory: Path) -> list[Target]:
    if fmt is ReportFormat.CSV:
        return _csv_tables(directory / f"{DEFAULT_STEM}-csv")
    return [Target(str(directory / f"{DEFAULT_STEM}.{fmt.value}"), fmt)]


def _csv_tables(directory: Path) -> list[Target]:
    return [Target(str(directory / name), ReportFormat.CSV, name) for name in csv_report.TABLES]


def render_targets(
    result: AuditResult,
    targets: list[Target],
    each: Callable[[str], None] | None = None,
) -> list[Planned]:
    """Render the report of each target (CSV tables once for all of their files); `each`
    is told the path (or `-`) of every report before it is rendered."""
    tables: dict[str, bytes] | None = None
    planned: list[Planned] = []
    for target in targets:
        if each is not None:
            each(target.path)
        if target.table is None:
            planned.append(Planned(target.path, _body(target, result)))
            continue
        if target.table == csv_report.ITEMS_TABLE and target.path != STDOUT:
            planned.append(Planned(target.path, partial(csv_report.items_chunks, result)))
            continue
        if tables is None:
            tables = csv_report.tables(result, items=False)
        planned.append(Planned(target.path, tables[target.table]))
    return planned


def _body(target: Target, result: AuditResult) -> Body:
    """A streamed format's pieces, rendered while its file is written; else its bytes now."""
    if target.fmt in STREAMED and target.path != STDOUT:
        return partial(chunks, target.fmt, result)
    return render(target.fmt, result)


def plan(
    result: AuditResult, formats: tuple[ReportFormat, ...], output: str | None
) -> list[Planned]:
    """Render every report and decide where each goes (SPEC 8 `-o`)."""
    return render_targets(result, plan_paths(formats, output))


def write(planned: list[Planned]) -> list[str]:
    """Write planned reports; returns the paths written (stdout excluded). See `publish`."""
    return publish(planned, nullcontext())


def publish(planned: list[Planned], commit: AbstractContextManager[object]) -> list[str]:
    """Write planned reports under `commit` (the history recording the run; see the module
    docstring); returns the paths written (stdout excluded).

    `commit` is entered once every report is staged and exited once all are in place: a
    failure on entering replaces nothing, a failure on exiting (the history's commit) puts
    every earlier report back. Stdout gets its report once all of that succeeded.
    """
    staged: list[_Staged] = []
    try:
        # One at a time, so that a failure finds the files staged so far in `staged`.
        for report in planned:
            if report.path != STDOUT:
                staged.append(_stage(Path(report.path), report.body))  # noqa: PERF401
        try:
            with commit:
                for each in staged:
                    each.swap()
        except BaseException:
            for each in reversed(staged):
                each.restore()
            raise
    finally:
        for each in staged:
            each.discard()
    for report in planned:
        if report.path == STDOUT:
            _to_stdout(report.data)
    return [report.path for report in planned if report.path != STDOUT]
