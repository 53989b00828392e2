"""The Jira source: Cloud and Data Center, JQL and board scopes, parents for inheritance.

A fetch costs: serverInfo, the field list, the board configuration and its sprints (board
scopes only), on Cloud a page of ids per 5,000 issues and a bulk fetch per 100 (Data Center:
a page per 1000), and one batch per 100 parents per level (none with --no-inherit: without
inheritance, parents outside the scope are not read). Batches and pages go several at once
(`adapters/parallel.py`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from backlog_audit.adapters.interface import (
    BacklogSource,
    FieldInfo,
    FieldOption,
    Progress,
)
from backlog_audit.adapters.jira import JiraConfig
from backlog_audit.adapters.jira.fields import (
    EPIC_LINK_TYPE,
    SPRINT_TYPE,
    TIME_FIELDS,
    FieldCatalog,
    JiraField,
    LogicalField,
    UnknownFieldError,
)
from backlog_audit.adapters.jira.http import JiraHttp, JiraHttpError, credentials_from
from backlog_audit.adapters.jira.issues import (
    ParentRef,
    ReadPlan,
    choose_points,
    parent_ref,
    to_item,
)
from backlog_audit.adapters.jira.scope import (
    BoardConfig,
    BoardReads,
    Scope,
    check_scope_flags,
    scope_label,
)
from backlog_audit.adapters.jira.search import IssueSearch, SearchResult
from backlog_audit.adapters.jira.values import ValueKind
from backlog_audit.adapters.points import BadPoints
from backlog_audit.adapters.retry import RetryPolicy
from backlog_audit.adapters.settings import SourceSettings
from backlog_audit.core.references import own_references
from backlog_audit.errors import SourceError
from backlog_audit.model import MAX_INHERIT_DEPTH, Backlog, Item

__all__ = ["MAX_PARENT_LEVELS", "JiraSource"]

LOG = logging.getLogger(__name__)
MAX_PARENT_LEVELS = MAX_INHERIT_DEPTH
DEFAULT_OKR_FIELD = "OKR"
_OPTION_KINDS = (ValueKind.OPTION, ValueKind.OPTIONS, ValueKind.CASCADING)


def _has_references(item: Item, plan: ReadPlan) -> bool:
    """Whether the audit will find references on `item` (its field, or matching labels)."""
    return bool(own_references(item.references, item.labels, plan.label_prefixes, item.free_text))


def _missing_parents(missing: set[str], parents: dict[str, ParentRef]) -> str:
    """The warning for parents Jira would not send, named by key where Jira told us one
    (Cloud's parent field carries both id and key)."""
    names = {ref.handle: ref.key or ref.handle for ref in parents.values()}
    return (
        f"{len(missing)} parent issue(s) could not be read (no permission, or deleted): "
        + ", ".join(sorted(names.get(h, h) for h in missing))
    )


class JiraSource(BacklogSource):
    """Backlog items from Jira Cloud or Data Center (see the module docstring)."""

    def __init__(
        self, settings: SourceSettings, config: JiraConfig, credentials: Mapping[str, str]
    ) -> None:
        self._settings = settings
        self._config = config
        creds = credentials_from(credentials, config.jira_url)
        policy = RetryPolicy(sleep=time.sleep if settings.sleep is None else settings.sleep)
        self._http = JiraHttp(creds, settings.timeout, policy, settings.deadline)
        self._cloud: bool | None = None

    @property
    def request_count(self) -> int:
        """HTTP requests made so far (retries included)."""
        return self._http.request_count

    # --- connection ----------------------------------------------------------------------

    def _is_cloud(self) -> bool:
        if self._cloud is None:
            info = self._http.get_site("/rest/api/2/serverInfo")
            if not isinstance(info, dict):  # some other JSON API behind the URL
                raise SourceError(
                    f"{self._http.base_url} answered serverInfo with no Jira server information:"
                    " check JIRA_URL or --jira-url"
                )
            self._cloud = str(info.get("deploymentType", "")).casefold() == "cloud"
        return self._cloud

    def _api(self) -> str:
        # Cloud: v3 (the current API; text areas come as ADF). Data Center only has v2.
        return "/rest/api/3" if self._is_cloud() else "/rest/api/2"

    def _catalog(self) -> FieldCatalog:
        return FieldCatalog.from_json(self._http.get_site(f"{self._api()}/field"))

    # --- fetch ---------------------------------------------------------------------------

    def fetch(self, progress: Progress | None = None) -> Backlog:
        """Pull the items in scope and the parents they may inherit links from."""
        cfg = self._config
        check_scope_flags(cfg.board, cfg.sprint, cfg.jql)  # before the first request
        reads = BoardReads(self._http, cfg.board, cfg.sprint, cfg.jql)
        # The board's configuration and sprints need nothing of the site's information
        # (server info, field list): they are read meanwhile, two round trips saved, in an
        # audit of one team as in a portfolio run (where the site's reads are shared).
        with reads.ahead():
            catalog = self._catalog()
            board = reads.config()
            warnings: list[str] = []
            plan = self._plan(catalog, board, warnings)
            scope = reads.scope(board, warnings)
        warnings.extend(w for w in scope.warnings if w)
        search = IssueSearch(self._http, self._is_cloud(), plan.request_fields())
        found = self._search(search, scope, progress)
        items = self._items(found, search, plan, scope, warnings)
        return Backlog(
            kind="jira",
            scope=scope_label(cfg.board, cfg.sprint, cfg.jql),
            items=items,
            warnings=tuple(warnings),
            supports_jql=True,
        )

    def _plan(
        self, catalog: FieldCatalog, board: BoardConfig | None, warnings: list[str]
    ) -> ReadPlan:
        points = self._points_field(catalog, board, warnings)
        detected = points is not None and points == catalog.detect_points()
        return ReadPlan(
            okr=self._okr_field(catalog, warnings),
            points=points,
            # Detected, not named: the other usual points fields are read too (issue 11)
            points_alternates=catalog.other_points_fields(points) if detected and points else (),
            sprint=catalog.of_type(SPRINT_TYPE),
            epic_link=None if self._is_cloud() else catalog.of_type(EPIC_LINK_TYPE),
            label_prefixes=self._settings.label_prefixes,
            points_map=self._settings.points_map,
        )

    def _okr_field(self, catalog: FieldCatalog, warnings: list[str]) -> LogicalField | None:
        name = self._settings.okr_field
        try:
            return catalog.resolve(name, "OKR field (--okr-field)")
        except UnknownFieldError:
            if name.strip().casefold() != DEFAULT_OKR_FIELD.casefold():
                raise
        # The default name is absent: labels (--label-prefix) may still carry the links.
        warnings.append(f"Jira has no field named {name!r}: only labels are read as OKR links")
        return None

    def _points_field(
        self, catalog: FieldCatalog, board: BoardConfig | None, warnings: list[str]
    ) -> LogicalField | None:
        named = self._settings.points_field
        if named:
            return catalog.resolve(named, "story-point field (--points-field)")
        estimation = board.estimation_field if board else None
        if estimation and estimation.casefold() in TIME_FIELDS:
            warnings.append(
                f"board {board.id if board else ''} estimates in time ({estimation}), "
                "not story points: using the story-point field instead"
            )
        elif estimation and catalog.by_id(estimation) is not None:
            return catalog.resolve(estimation, "board estimation field")
        found = catalog.detect_points()
        if found is None:
            warnings.append("no story-point field found: points are empty (pass --points-field)")
        return found

    def _search(self, search: IssueSearch, scope: Scope, progress: Progress | None) -> SearchResult:
        if scope.empty:
            return SearchResult(total=0)
        if scope.backlog_board is not None:
            return search.board_backlog(scope.backlog_board, self._config.jql, progress)
        assert scope.jql is not None
        return search.jql(scope.jql, progress)

    def _items(
        self,
        found: SearchResult,
        search: IssueSearch,
        plan: ReadPlan,
        scope: Scope,
        warnings: list[str],
    ) -> tuple[Item, ...]:
        if found.blank:
            warnings.append(
                f"Jira sent {len(found.blank)} issue(s) without their fields, left out of the "
                f"audit: {', '.join(found.blank)}"
            )
        # Distinct issues: a page that overlaps the one before must not make up the count.
        sent = len({str(issue["id"]) for issue in found.issues}) + len(set(found.blank))
        if found.total is not None and found.total != sent:
            warnings.append(
                f"Jira counted {found.total} issues but sent {sent}: "
                "the scope changed during the audit, or some issues are hidden"
            )
        base = self._http.base_url
        by_id: dict[str, Item] = {}
        parents: dict[str, ParentRef] = {}
        bad_points = BadPoints()
        for issue in found.issues:
            if str(issue["id"]) in by_id:  # the same issue twice counts (and warns) once
                continue
            item = by_id[str(issue["id"])] = to_item(
                issue,
                plan,
                base,
                scope.sprint_ids,
                bad_points=None if plan.points_alternates else bad_points,
            )
            ref = parent_ref(issue, plan)
            if ref is not None:
                parents[item.id] = ref
        if plan.points_alternates:
            warning = choose_points(found.issues, plan, by_id, bad_points)
            warnings.extend([warning] if warning else [])
        warnings.extend(bad_points.warnings())
        if not by_id:
            warnings.append("the scope holds no issues")
        if self._settings.inherit:
            self._add_parents(by_id, parents, search, plan, warnings)
        else:
            self._add_parent_stubs(by_id, parents)
        carriers = sum(1 for item in by_id.values() if item.carrier_only)
        LOG.info("jira: %d items, %d parents", len(by_id) - carriers, carriers)
        LOG.info("jira: %d requests", self._http.request_count)
        return tuple(self._with_parent_ids(by_id, parents))

    def _add_parents(
        self,
        by_id: dict[str, Item],
        parents: dict[str, ParentRef],
        search: IssueSearch,
        plan: ReadPlan,
        warnings: list[str],
    ) -> None:
        """Fetch parents outside the scope, level by level, as carriers of links.

        Every in-scope item's parent is wanted (its own links may conflict with the parent's).
        A fetched parent's own parent is wanted only when that parent carries no references:
        inheritance stops at the first ancestor that has any (SPEC 5), so going further up
        would cost a request per level for nothing.
        """
        missing: set[str] = set()
        follow = dict(parents)
        for _ in range(MAX_PARENT_LEVELS):
            known = set(by_id) | {item.key for item in by_id.values()}
            wanted = sorted({ref.handle for ref in follow.values()} - known - missing)
            if not wanted:
                break
            follow, fetched = self._parent_level(wanted, search, plan, by_id, parents)
            missing |= set(wanted) - fetched
        if missing:
            warnings.append(_missing_parents(missing, parents))
            # An epic nobody may read still names its children's parent in the reports and
            # the fix list: a stub with the id and key the child's parent field gave.
            self._add_parent_stubs(by_id, parents)

    def _parent_level(
        self,
        wanted: list[str],
        search: IssueSearch,
        plan: ReadPlan,
        by_id: dict[str, Item],
        parents: dict[str, ParentRef],
    ) -> tuple[dict[str, ParentRef], set[str]]:
        """Fetch one level of parents into `by_id` as carriers.

        Returns the parents to follow one level further up (those of fetched issues without
        references of their own) and the ids and keys Jira sent.
        """
        got = search.by_ids(wanted)
        follow: dict[str, ParentRef] = {}
        for issue in got:
            item = to_item(issue, plan, self._http.base_url, frozenset(), carrier_only=True)
            by_id.setdefault(item.id, item)
            ref = parent_ref(issue, plan)
            if ref is not None:
                parents.setdefault(item.id, ref)
                if not _has_references(item, plan):
                    follow[item.id] = ref
        fetched = {str(i["id"]) for i in got} | {str(i.get("key")) for i in got}
        return follow, fetched

    def _add_parent_stubs(self, by_id: dict[str, Item], parents: dict[str, ParentRef]) -> None:
        """Name out-of-scope parents that were not fetched: without inheritance (--no-inherit),
        or because Jira would not send them (no permission, deleted).

        Their links would be read for nothing, but the reports still name each item's parent
        by key (the fix list groups by it): a carrier that holds only what the child's own
        parent field says (Cloud: id and key; Data Center's Epic Link: the key).
        """
        known = set(by_id) | {item.key for item in by_id.values()}
        for ref in parents.values():
            if ref.handle in known:
                continue
            key = ref.key or ref.handle
            stub = Item(
                id=ref.id or key,
                key=key,
                # /browse/ takes a key: a parent named by id alone gets no link, not a dead one
                url=f"{self._http.base_url}/browse/{key}" if ref.key else None,
                carrier_only=True,
            )
            by_id.setdefault(stub.id, stub)
            known.update((stub.id, key))

    @staticmethod
    def _with_parent_ids(by_id: dict[str, Item], parents: dict[str, ParentRef]) -> list[Item]:
        id_of_key = {item.key: item.id for item in by_id.values()}
        out = []
        for item in by_id.values():
            ref = parents.get(item.id)
            parent = (ref.id or id_of_key.get(ref.key or "")) if ref else None
            out.append(replace(item, parent=parent) if parent else item)
        return out

    # --- fields --------------------------------------------------------------------------

    def fields(self, search: str | None = None) -> list[FieldInfo]:
        """The site's fields matching `search`, with the options of option fields."""
        catalog = self._catalog()
        return [self._field_info(catalog, field) for field in catalog.matching(search)]

    def _field_info(self, catalog: FieldCatalog, field: JiraField) -> FieldInfo:
        info = catalog.info(field)
        if field.kind not in _OPTION_KINDS:
            return info
        return replace(info, options=self._options(field))

    def _options(self, field: JiraField) -> tuple[FieldOption, ...]:
        """Options of a select-like field; none when the site will not list them to us."""
        try:
            raw = self._cloud_options(field) if self._is_cloud() else self._dc_options(field)
        except JiraHttpError as exc:
            if exc.status in (403, 404):  # needs admin rights, or an older server: no options
                return ()
            raise
        unique = {str(o.get("id")): o for o in raw if isinstance(o, dict) and o.get("id")}
        return tuple(
            FieldOption(id=oid, value=str(o.get("value", "")), disabled=bool(o.get("disabled")))
            for oid, o in unique.items()
        )

    def _cloud_options(self, field: JiraField) -> list[Any]:
        # Both lists are paged (contexts 50, options 100 a page by default): read them all.
        base = f"/rest/api/3/field/{field.id}/context"
        options: list[Any] = []
        warnings: list[str] = []
        for ctx in self._http.values(base, warnings):
            if ctx.get("id") is not None:
                options.extend(self._http.values(f"{base}/{ctx['id']}/option", warnings))
        for warning in warnings:
            # `backlog-audit fields` prints a listing, not a report: the log is its only channel
            LOG.warning("%s", warning)
        return options

    def _dc_options(self, field: JiraField) -> list[Any]:
        # Data Center's paging parameters for this list are not those of Cloud's PageBean (and
        # not in the specs we test against): one large page covers any sensible OKR field.
        numeric = field.id.removeprefix("customfield_")
        page = self._http.get(f"/rest/api/2/customFields/{numeric}/options", {"maxResults": 1000})
        return list((page if isinstance(page, dict) else {}).get("values") or [])
