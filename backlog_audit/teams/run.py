"""One portfolio audit, from `PortfolioRequest` to written reports and an exit code.

The order follows `run.execute`: plan the report paths, load and check every OKR set and
build every team's source (all usage errors before the first request), fetch the teams
(`fetch`), audit each against its set and the company set, roll up (`portfolio`), read the
history, render, then write the reports and record the portfolio and every team as one
commit. A failed team stops the run (exit 3, or 2 for a usage error such as an unknown
board; nothing written) unless `keep_going`: then the rest is reported and recorded, the
portfolio under a scope of its own that names the failed teams (a partial portfolio is no
point of the whole one's trend, and is compared with nothing), and the exit code is 3 all
the same (SPEC 11), a usage error found by a team's requests too: a run exiting 2 writes no
report (SPEC 8).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from backlog_audit.adapters import BacklogSource, Progress, make_source, plugin
from backlog_audit.core.audit import audit
from backlog_audit.errors import (
    EXIT_OK,
    EXIT_SOURCE,
    EXIT_THRESHOLD,
    EXIT_USAGE,
    BacklogAuditError,
    UsageError,
)
from backlog_audit.history import recording_all, with_history
from backlog_audit.model import AuditResult, Backlog, OkrSet
from backlog_audit.okrs import load_audited_okrs
from backlog_audit.okrs.lint import LintSettings, lint
from backlog_audit.output import Planned, publish
from backlog_audit.portfolio.figures import TeamShare, portfolio, team_share
from backlog_audit.portfolio.model import PortfolioResult, TeamRun
from backlog_audit.portfolio.rollup import RollUp, roll_up
from backlog_audit.portfolio.sets import combined
from backlog_audit.portfolio.table import site_of_url
from backlog_audit.run import Clock, utc_now
from backlog_audit.teams.fetch import Outcome, fetch_all, site_of
from backlog_audit.teams.reports import plan_targets, render_planned, team_breaches
from backlog_audit.teams.request import PortfolioRequest, TeamRequest

TeamDone = Callable[[str, Outcome], None]


@dataclass(frozen=True)
class PortfolioOutcome:
    """What a portfolio run produced."""

    portfolio: PortfolioResult
    written: tuple[str, ...]
    breaches: tuple[str, ...]
    failures: tuple[BacklogAuditError, ...] = ()  # the failed teams' errors (--keep-going)

    @property
    def exit_code(self) -> int:
        """3 when a team failed (--keep-going: the others were reported, SPEC 11), else 1
        when a threshold broke, else 0."""
        if self.failures:
            return EXIT_SOURCE
        return EXIT_THRESHOLD if self.breaches else EXIT_OK


def failure_code(errors: tuple[BacklogAuditError, ...]) -> int:
    """The exit code of a run that reports nothing because its teams failed with `errors`:
    2 when one of them is a usage error (a sprint the board does not have: nothing will
    change until the config does), else 3 (a source failed: trying again later may do)."""
    return EXIT_USAGE if any(e.exit_code == EXIT_USAGE for e in errors) else EXIT_SOURCE


@dataclass(frozen=True)
class _Team:
    """A team ready to fetch: its request, sets and source."""

    request: TeamRequest
    team_set: OkrSet | None
    okrs: OkrSet  # its set and the company's together
    rollup: RollUp
    source: BacklogSource


@dataclass
class _Audit:
    """A team's fetch, then its audit and its share of the portfolio on the same thread:
    that work overlaps the other teams' waits for their sites, instead of following all of
    them."""

    team: _Team
    moment: datetime
    company: OkrSet
    site: str  # `item_site`
    result: AuditResult | None = None
    share: TeamShare | None = None

    def fetch(self, progress: Progress | None = None) -> Backlog:
        """The team's backlog, audited into `result` against its sets, and its `share`."""
        backlog = self.team.source.fetch(progress)
        request = self.team.request
        found = audit(backlog, self.team.okrs, request.options, self.moment)
        self.result = replace(found, scope_id=f"team {request.name}: {found.history_scope}")
        run = _team_run(self.team, backlog, self.site, self.result)
        self.share = team_share(run, self.team.rollup, self.company)
        return backlog


def execute(
    request: PortfolioRequest, done: TeamDone | None = None, now: Clock = utc_now
) -> PortfolioOutcome:
    """Run the portfolio audit, write its reports and record it (see the module docstring)."""
    targets = plan_targets(request)
    company = load_audited_okrs(request.okrs, request.credentials)
    teams = [_prepare(team, company) for team in request.teams]
    moment = now()
    sources = [
        (
            t.request.source,
            site_of(t.request.source, t.request.params, t.request.credentials),
            _Audit(t, moment, company, item_site(t.request)),
        )
        for t in teams
    ]
    outcomes = fetch_all(
        sources,
        request.jobs,
        request.keep_going,
        None if done is None else lambda i, o: done(teams[i].request.name, o),
    )
    _raise_first_failure(teams, outcomes, request.keep_going)
    audits = [audited for _kind, _site, audited in sources]
    runs = [
        _team_run(team, outcome, audited.site, audited.result)
        for team, outcome, audited in zip(teams, outcomes, audits, strict=True)
    ]
    rollups = {t.request.name: t.rollup for t in teams}
    shares = {a.team.request.name: a.share for a in audits if a.share is not None}
    result = portfolio(company, runs, rollups, moment, _scope(request), shares)
    result = _finish(result, request, company, teams, runs)
    planned = render_planned(result, targets)
    breaches = tuple(request.thresholds.breaches(result.result)) + team_breaches(
        result, request.fail_under_team
    )
    failures = tuple(o for o in outcomes if isinstance(o, BacklogAuditError))
    outcome = PortfolioOutcome(result, (), breaches, failures)
    written = publish(planned, _recording(request, result, outcome.exit_code))
    return replace(outcome, written=tuple(written))


def _prepare(team: TeamRequest, company: OkrSet) -> _Team:
    """Load a team's set, combine it with the company's and build its source (exit 2 on
    any problem, naming the team)."""
    try:
        team_set = load_audited_okrs(team.okrs, team.credentials) if team.okrs else None
        okrs = combined(team_set, company)
        rollup = roll_up(team_set, company)
        settings = replace(
            team.settings,
            okr_set=okrs,
            inherit=team.options.inherit,
            label_prefixes=team.options.label_prefixes,
            include_types=team.options.include_types,
            exclude_types=team.options.exclude_types,
        )
        source = make_source(team.source, settings, team.params, team.credentials)
    except UsageError as exc:
        raise UsageError(f"team {team.name!r}: {exc}") from None
    return _Team(team, team_set, okrs, rollup, source)


def _raise_first_failure(teams: list[_Team], outcomes: list[Outcome], keep_going: bool) -> None:
    """The first failed team's error (config order), named by team.

    With `keep_going`, none while a team was audited: any team's failure at fetch time is
    reported with the others, a usage error too (an unknown sprint is found by a request:
    the other teams are no less worth reporting). When every team failed there is nothing
    to report, so the run fails as without it (nothing written, nothing recorded), with the
    code of all the failures (`failure_code`).
    """
    failures = [o for o in outcomes if isinstance(o, BacklogAuditError)]
    if not failures or (keep_going and len(failures) < len(outcomes)):
        return
    failed = [
        t.request.name
        for t, o in zip(teams, outcomes, strict=False)
        if isinstance(o, BacklogAuditError)
    ]
    for team, outcome in zip(teams, outcomes, strict=False):
        if isinstance(outcome, BacklogAuditError):
            message = f"team {team.request.name!r}: {outcome}"
            if keep_going:  # every team failed: name the others, whose errors are not shown
                others = ", ".join(name for name in failed if name != team.request.name)
                message += f" (every team failed; also {others})" if others else ""
            error = type(outcome)(message)
            error.exit_code = failure_code(tuple(failures)) if keep_going else outcome.exit_code
            raise error from None


def item_site(team: TeamRequest) -> str:
    """Where a team's items without a link of their own come from (SPEC 11: items are
    identified by source site and key; an item with a URL by the URL's site).

    The site a team names with a `*_url` option (a CSV export's `jira_url`: the Jira site
    its keys are issues of), read as an item's link is (`portfolio.table.site_of_url`); else
    the file it reads (two exports of different sites never merge, the same file read by two
    teams does); else its source and base URL, as the sources' requests go (`site_of`).
    """
    files = [team.params[name] for name in plugin(team.source).input_files if team.params.get(name)]
    if files:
        fallback = f"file {Path(str(files[0])).resolve()}"
    else:
        fallback = site_of(team.source, team.params, team.credentials)
    urls = [str(v) for k, v in team.params.items() if k.endswith("_url") and v]
    return site_of_url(urls[0], fallback) if urls else fallback


def _team_run(team: _Team, outcome: Outcome, site: str, result: AuditResult | None) -> TeamRun:
    """A team's audit (or its error) as the portfolio figures take it."""
    request = team.request
    okrs_file = team.team_set.source if team.team_set else None
    if isinstance(outcome, BacklogAuditError) or result is None:
        error = str(outcome) if isinstance(outcome, BacklogAuditError) else "not audited"
        return TeamRun(
            request.name, request.source, "", okrs_file, None, error, team.team_set, site
        )
    return TeamRun(
        request.name, request.source, result.scope, okrs_file, result, None, team.team_set, site
    )


def _scope(request: PortfolioRequest) -> str:
    """The portfolio's scope label: its teams (a subset is another scope)."""
    return ", ".join(team.name for team in request.teams)


def _finish(
    result: PortfolioResult,
    request: PortfolioRequest,
    company: OkrSet,
    teams: list[_Team],
    runs: list[TeamRun],
) -> PortfolioResult:
    """Lint, warnings, thresholds and the history's changes on the portfolio and its teams."""
    findings = list(lint(company, settings=LintSettings.from_mapping(request.lint_settings)))
    for team in teams:
        if team.team_set is not None:
            settings = LintSettings.from_mapping(team.request.lint_settings)
            findings += [
                replace(f, message=f"{team.request.name}: {f.message}")
                for f in lint(team.team_set, parent=company, settings=settings)
            ]
    warnings = [f"{run.name}: {w}" for run in runs if run.result for w in run.result.warnings]
    warnings += [failure_warning(run.name, run.error) for run in runs if run.error]
    if result.coverage_note:
        warnings.append(result.coverage_note)
    base = replace(
        result.result,
        lint=tuple(findings),
        warnings=tuple(warnings),
        fail_under=request.thresholds.fail_under,
        max_orphans=request.thresholds.max_orphans,
        scope_id=_scope_id(request, runs),
    )
    team_results = result.team_results
    if request.history is not None:
        if not result.failed:  # a partial portfolio is compared with nothing
            base = with_history(base, request.history)
        team_results = tuple(with_history(r, request.history) for r in team_results)
    return replace(result, result=base, team_results=team_results)


def failure_warning(team: str, error: str) -> str:
    """The reports' warning for a team that failed (--keep-going)."""
    return f"team {team} failed: {error}"


def _scope_id(request: PortfolioRequest, runs: list[TeamRun]) -> str:
    """The portfolio's scope in the history: its config and teams; a run in which teams
    failed (--keep-going) is a partial portfolio, a scope of its own naming them."""
    scope = f"portfolio {Path(request.config).resolve()} [{', '.join(r.name for r in runs)}]"
    failed = [run.name for run in runs if run.error is not None]
    return f"{scope} partial: {', '.join(failed)} failed" if failed else scope


def _recording(
    request: PortfolioRequest, result: PortfolioResult, exit_code: int
) -> AbstractContextManager[object]:
    """Record the portfolio and each audited team as one commit (a partial portfolio under
    its own scope, `_scope_id`)."""
    if request.history is None:
        return nullcontext()
    return recording_all([result.result, *result.team_results], request.history, exit_code)


__all__ = ["Planned", "PortfolioOutcome", "execute"]
