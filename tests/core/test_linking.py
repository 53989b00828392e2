"""Resolving references (SPEC 4), driven by the table in fixtures/linking_cases.yaml."""

from __future__ import annotations

from typing import Any

import pytest

from backlog_audit.core.linking import (
    Resolver,
    Target,
    label_references,
    labels_field_references,
    normalise,
    own_references,
    split_free_text,
    starts_with_id,
)
from backlog_audit.model import DEFAULT_LABEL_PREFIXES, KeyResult, Objective, OkrSet
from tests.builders import load_yaml, okrs_from_dict

TABLE = load_yaml("linking_cases.yaml")
RESOLVERS = {name: Resolver(okrs_from_dict(data)) for name, data in TABLE["okr_sets"].items()}


def _case_id(case: dict[str, Any]) -> str:
    return f"{case.get('set', 'main')}:{case['ref']!r}"


@pytest.mark.parametrize("case", TABLE["cases"], ids=_case_id)
def test_reference_resolves_as_the_table_says(case: dict[str, Any]) -> None:
    resolution = RESOLVERS[case.get("set", "main")].resolve(case["ref"])

    assert resolution.target is Target(case["kind"]), case["why"]
    assert resolution.id == case.get("id"), case["why"]
    assert resolution.suggestion == case.get("suggestion"), case["why"]


def test_the_table_covers_every_kind_of_target() -> None:
    kinds = {case["kind"] for case in TABLE["cases"]}
    assert kinds == {target.value for target in Target}


@pytest.mark.parametrize("case", TABLE["normalise"], ids=lambda c: repr(c["text"]))
def test_normalise(case: dict[str, str]) -> None:
    assert normalise(case["text"]) == case["expect"]


@pytest.mark.parametrize("case", TABLE["labels"], ids=lambda c: repr(c["labels"]))
def test_labels_count_only_with_a_pattern_prefix(case: dict[str, Any]) -> None:
    prefixes = tuple(case.get("prefixes", DEFAULT_LABEL_PREFIXES))
    assert label_references(tuple(case["labels"]), prefixes) == tuple(case["expect"])


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (("okr:KR1.2", "KR: KR2.1 "), ("KR1.2", "KR2.1")),  # a matching prefix is removed
        (("growth", "okrs:KR1.1"), ("growth", "okrs:KR1.1")),  # others are references whole
        # a bare prefix names nothing: a blank value is no reference (SPEC 4)
        (("okr:", "okr: ", "kr:", "KR1.1"), ("KR1.1",)),
    ],
)
def test_a_labels_okr_field_makes_every_label_a_reference(
    labels: tuple[str, ...], expected: tuple[str, ...]
) -> None:
    assert labels_field_references(labels, DEFAULT_LABEL_PREFIXES) == expected


@pytest.mark.parametrize(
    ("references", "labels", "expected"),
    [
        (("KR1.1",), ("okr:KR2.1", "ux"), ("KR1.1", "KR2.1")),  # field first, then labels
        (("KR1.1", " "), ("okr:KR1.1",), ("KR1.1",)),  # each once, blanks dropped
        (("", "  "), ("okr:", "okr: ", "kr:"), ()),  # blanks and bare prefixes: nothing
        ((), ("frontend",), ()),  # a label without the prefix is no reference
    ],
)
def test_own_references_are_the_field_values_then_the_prefixed_labels(
    references: tuple[str, ...], labels: tuple[str, ...], expected: tuple[str, ...]
) -> None:
    assert own_references(references, labels, DEFAULT_LABEL_PREFIXES) == expected


def test_default_label_prefixes_are_okr_and_kr() -> None:
    assert {p.casefold() for p in DEFAULT_LABEL_PREFIXES} == {"okr:", "kr:"}


@pytest.mark.parametrize("case", TABLE["split"], ids=lambda c: repr(c["text"]))
def test_free_text_splits_on_commas_semicolons_and_newlines(case: dict[str, Any]) -> None:
    assert split_free_text(case["text"]) == tuple(case["expect"])


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("KR1.2", True),
        ("KR 1 . 2 - x", True),
        ("kr1.2|x", True),
        ("KR1.2 ", True),
        ("KR1.20", False),
        ("KR1.2.1", False),
        ("KR1", False),
        ("KR1.3", False),
    ],
)
def test_starts_with_id_needs_a_boundary_after_the_id(reference: str, expected: bool) -> None:
    assert starts_with_id(reference, "kr1.2") is expected


def test_suggestion_distance_counts_a_transposition_and_an_insertion_as_two() -> None:
    # "kr21" -> "kr12" (swap 2 and 1) -> "kr1.2" (insert the dot): Damerau-Levenshtein 2, so
    # KR1.2, the only candidate within 2, is suggested. (The restricted "optimal string
    # alignment" variant cannot edit inside a transposed pair and would say 3.)
    only = OkrSet(
        objectives=(
            Objective("O1", "Activation", (KeyResult("KR1.2", "O1", "Time to first value"),)),
        )
    )
    resolution = Resolver(only).resolve("KR21")

    assert resolution.target is Target.DANGLING
    assert resolution.suggestion == "KR1.2"


def test_a_resolver_answers_the_same_for_a_repeated_reference() -> None:
    resolver = RESOLVERS["main"]
    first = resolver.resolve("kr 1.2 - activation")
    assert resolver.resolve("kr 1.2 - activation") == first
    assert first.id == "KR1.2"
