"""The page guard every paginator uses (`adapters/paging.py`): complete, or refused."""

from __future__ import annotations

import pytest

from backlog_audit.adapters.paging import ListingError, PageGuard


def test_a_listing_that_ends_properly_passes() -> None:
    guard = PageGuard("the tasks")
    guard.page(["1", "2"], more=True, cursor="t1", total=4)
    guard.page(["2", "3", "4"], more=False, total=4)  # an overlap is no lie
    assert guard.distinct == 4 and guard.count_warning() is None


@pytest.mark.parametrize(
    ("pages", "why"),
    [
        ([(["1"], True, "t1"), ([], True, "t2")], "page 2 holds no items but says more follow"),
        ([(["1"], True, None)], "page 1 says more follow but gives no next-page token"),
        (
            [(["1"], True, "t1"), (["1"], True, "t2")],
            "page 2 repeats items already received (the server ignores paging?)",
        ),
        ([(["1"], True, "t1"), (["2"], True, "t1")], "page 2 hands out a page token given before"),
    ],
)
def test_a_listing_that_cannot_be_proved_complete_is_refused(
    pages: list[tuple[list[str], bool, str | None]], why: str
) -> None:
    guard = PageGuard("the tasks")
    with pytest.raises(ListingError) as caught:
        for ids, more, cursor in pages:
            guard.page(ids, more=more, cursor=cursor)
    assert str(caught.value).startswith(f"the tasks: {why}; the listing cannot be proved")
    assert caught.value.exit_code == 3


def test_pages_are_bounded_by_the_total_and_by_a_hard_cap() -> None:
    guard = PageGuard("the issues")
    with pytest.raises(ListingError, match="more than 3 pages"):
        for n in range(10):  # new ids for ever, one a page, while the total says 2
            guard.page([str(n)], more=True, cursor=n, total=2)
    capped = PageGuard("the issues", max_pages=5)
    with pytest.raises(ListingError, match="more than 5 pages"):
        for n in range(10):
            capped.page([str(n)], more=True, cursor=f"t{n}")


def test_a_total_that_disagrees_with_the_distinct_items_is_a_warning() -> None:
    guard = PageGuard("the issues")
    guard.page(["1", "2"], more=True, cursor=2, total=5)
    guard.page(["2", "3"], more=False, total=5)
    assert guard.count_warning() == (
        "the issues: the server counted 5 but sent 3: the scope changed while it was read, "
        "or some are hidden"
    )
