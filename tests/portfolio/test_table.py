"""Items across teams are identified by source site and key (SPEC 11, "Items"): the site is
the item's URL's scheme and host, else the team's source site."""

from __future__ import annotations

import polars as pl
import pytest

from backlog_audit.model import Item
from backlog_audit.portfolio.table import Joined, site_of_url, url_sites

URLS = [
    "https://Acme.atlassian.net/browse/A-1",  # hosts compare without case
    "https://acme.atlassian.net",
    "http://x.io?q=1",
    None,
    "",
    "relative/path",  # no host: the team's site
    "file:///tmp/export.csv",
    "mailto:someone@example.com",
    "http://[::1/x",  # a broken IPv6 host: the team's site, not a traceback
    "http://[::1]/x",
    " https://lead.space/x",  # what urlsplit strips or removes, it strips or removes here
    "https://ho\tst/x",
    "HTTPS://ÄBC.de/x",  # casefolded as Python does, beyond ASCII
    "https://user:pw@host:8080#f",
]


def test_the_site_is_the_urls_scheme_and_host_else_the_teams() -> None:
    assert site_of_url("https://Acme.atlassian.net/browse/A-1", "csv") == (
        "https://acme.atlassian.net"
    )
    assert site_of_url(None, "csv") == site_of_url("relative/path", "csv") == "csv"
    assert site_of_url("http://[::1/x", "csv") == "csv"


def test_a_column_of_urls_gets_the_same_sites_as_one_by_one() -> None:
    got = url_sites(pl.Series(URLS, dtype=pl.String), "csv").to_list()
    assert got == [site_of_url(url, "csv") for url in URLS]


def test_the_teams_items_read_as_one_sequence_without_copying() -> None:
    growth, onboarding = [Item("1", "GRO-1"), Item("2", "GRO-2")], [Item("1", "ON-1")]
    joined = Joined([growth, onboarding, []])
    assert len(joined) == 3 and joined.starts == [0, 2, 3]
    assert [joined[n].key for n in range(3)] == ["GRO-1", "GRO-2", "ON-1"]
    assert joined[-1].key == "ON-1" and [i.key for i in joined[1:]] == ["GRO-2", "ON-1"]
    with pytest.raises(IndexError):
        joined[3]
