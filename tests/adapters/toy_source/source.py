"""The toy source class: items from its one option; it insists on its token."""

from __future__ import annotations

from collections.abc import Mapping

from backlog_audit.adapters.interface import BacklogSource, FieldInfo, Progress
from backlog_audit.adapters.settings import SourceSettings
from backlog_audit.errors import UsageError
from backlog_audit.model import Backlog, Item
from tests.adapters.toy_source import ToyConfig

# What the last source built was given, for the tests to look at.
SEEN: list[tuple[SourceSettings, ToyConfig, dict[str, str]]] = []


class ToySource(BacklogSource):
    """Items `KEY=REF` from --toy-items."""

    def __init__(
        self, settings: SourceSettings, config: ToyConfig, credentials: Mapping[str, str]
    ) -> None:
        if not credentials.get("TOY_TOKEN"):
            raise UsageError("the toy source needs TOY_TOKEN")
        if not config.toy_items:
            raise UsageError("--source toy needs --toy-items")
        SEEN.append((settings, config, dict(credentials)))
        self._config = config

    def fetch(self, progress: Progress | None = None) -> Backlog:
        """One item per `KEY=REF` pair."""
        pairs = [pair.partition("=") for pair in (self._config.toy_items or "").split(",")]
        items = tuple(
            Item(
                id=key, key=key, title=f"toy {key}", type="Story", references=(ref,) if ref else ()
            )
            for key, _, ref in pairs
        )
        return Backlog(kind="toy", scope=f"toy {len(items)} items", items=items)

    def fields(self, search: str | None = None) -> list[FieldInfo]:
        """The toy has one field."""
        return [FieldInfo(id="ref", name="Reference", type="text", likely="okr")]
