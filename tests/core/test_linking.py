"""Resolving references (SPEC 4), driven by the table in linking_cases.yaml beside it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from backlog_audit.core.linking import (
    Resolver,
    Target,
    normalise,
    split_free_text,
    starts_with_id,
)
from backlog_audit.core.references import ReferenceReader, own_references
from backlog_audit.model import DEFAULT_LABEL_PREFIXES, KeyResult, Objective, OkrSet
from tests.builders import load_yaml, okrs_from_dict

TABLE = load_yaml(Path(__file__).parent / "linking_cases.yaml")
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
def test_labels_count_with_a_pattern_prefix(case: dict[str, Any]) -> None:
    # Without an OKR set nothing is named exactly: only the prefix makes a label a reference.
    prefixes = tuple(case.get("prefixes", DEFAULT_LABEL_PREFIXES))
    assert own_references((), tuple(case["labels"]), prefixes) == tuple(case["expect"])


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        # SPEC 4: without the prefix a label counts when it names the OKR set exactly ...
        (("important", "KR1.1", "sms"), ("KR1.1",)),
        (
            ("BAU", "KR0.3", "O2", "activation tech leads"),
            ("BAU", "KR0.3", "O2", "activation tech leads"),
        ),
        # ... and is ignored otherwise, never dangling: not even a prefix match names it
        (("ticketing", "KR1.1-frontend", "KR9.9", "frontend"), ()),
        # a prefixed label is a reference whatever it names (KR9.9 will be dangling)
        (("okr:KR9.9", "okr:", "kr: KR2.1"), ("KR9.9", "KR2.1")),
    ],
)
def test_a_label_without_the_prefix_counts_when_it_names_the_okr_set_exactly(
    labels: tuple[str, ...], expected: tuple[str, ...]
) -> None:
    reader = ReferenceReader(DEFAULT_LABEL_PREFIXES, RESOLVERS["main"])
    assert own_references((), labels, DEFAULT_LABEL_PREFIXES, (), reader) == expected


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


@pytest.mark.parametrize(
    "value", ["N/A", "n/a", "n.a.", "NA", "none", "None", "-", "—", "TBD", "tbd", "No KR", "?"]
)
def test_a_placeholder_is_no_reference(value: str) -> None:
    reader = ReferenceReader(DEFAULT_LABEL_PREFIXES, RESOLVERS["main"])
    assert own_references((value,), ("okr:" + value,), (), (value,), reader) == ()


def test_a_placeholder_the_okr_set_names_is_a_reference() -> None:
    okrs = okrs_from_dict({"objectives": [], "exempt": ["N/A"]})
    reader = ReferenceReader(DEFAULT_LABEL_PREFIXES, Resolver(okrs))
    assert own_references(("N/A",), (), (), (), reader) == ("N/A",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # SPEC 4: a free-text value that names an alias or title whole is one reference,
        # commas and all; the prefix rule does not apply to the whole value
        (
            "Time to first value from 30 to 10 minutes",
            ("Time to first value from 30 to 10 minutes",),
        ),
        ("Make billing self-serve", ("Make billing self-serve",)),
        # otherwise it is split on , ; and newlines
        ("KR1.1, KR2.1", ("KR1.1", "KR2.1")),
        ("KR1.1 - Activation, and more", ("KR1.1 - Activation", "and more")),
    ],
)
def test_free_text_is_tried_whole_before_it_is_split(text: str, expected: tuple[str, ...]) -> None:
    reader = ReferenceReader(DEFAULT_LABEL_PREFIXES, RESOLVERS["main"])
    assert own_references((), (), (), (text,), reader) == expected


def test_a_whole_value_with_a_comma_resolves_to_its_kr() -> None:
    okrs = okrs_from_dict(
        {"objectives": [{"id": "O1", "key_results": [
            {"id": "KR1.2", "aliases": ["Testing, Iteration & Documentation (D2)"]}]}]}
    )  # fmt: skip
    reader = ReferenceReader(DEFAULT_LABEL_PREFIXES, Resolver(okrs))
    refs = own_references((), (), (), ("Testing, Iteration & Documentation (D2)",), reader)
    assert [Resolver(okrs).resolve(ref).id for ref in refs] == ["KR1.2"]


def test_select_values_are_never_split() -> None:
    reader = ReferenceReader(DEFAULT_LABEL_PREFIXES, RESOLVERS["main"])
    assert own_references(("KR1.1, KR2.1",), (), (), (), reader) == ("KR1.1, KR2.1",)


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
