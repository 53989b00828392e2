"""The CSV source reads Jira, Asana and plain exports (SPEC 7, issue 2 item 5)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from backlog_audit.adapters.csv import CsvConfig
from backlog_audit.adapters.csv.source import CsvSource
from backlog_audit.core.linking import Resolver
from backlog_audit.core.references import ReferenceReader
from backlog_audit.errors import InputError, UsageError
from backlog_audit.model import Item, OkrSet, StatusCategory
from tests.adapters.parts import split
from tests.builders import okrs_from_dict


def write(tmp_path: Path, text: str, name: str = "export.csv", bom: bool = True) -> str:
    path = tmp_path / name
    path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8", newline="")
    return str(path)


def fetch(path: str, **config: object) -> dict[str, Item]:
    backlog = CsvSource(*split(CsvConfig, input_path=path, **config)).fetch()
    return {item.key: item for item in backlog.items}


OKRS = okrs_from_dict(
    {"objectives": [{"id": "O1", "key_results": [{"id": "KR1.1"}, {"id": "KR2.1"}]}]}
)


def refs(
    item: Item, okrs: OkrSet | None = None, prefixes: tuple[str, ...] = ("okr:", "kr:")
) -> tuple[str, ...]:
    """The item's own references as the audit reads them (`core.references`): the CSV source
    hands over whole cells, the core tries them whole, then splits them."""
    reader = ReferenceReader(prefixes, Resolver(okrs) if okrs else None)
    return reader.own(item)


JIRA = (
    "Summary,Issue key,Issue id,Issue Type,Status,Status Category,Project key,Assignee,"
    "Sprint,Sprint,Labels,Labels,Description,Parent,Parent summary,"
    "Custom field (OKR),Custom field (OKR),Custom field (Story point estimate)\r\n"
    "Guided setup,APP-1,101,Epic,In Progress,In Progress,APP,Ann,,,,,,,,KR1.1,,\r\n"
    "Template picker,APP-2,102,Story,In Review,In Progress,APP,Bo,Sprint 1,Sprint 2,ux,okr:KR2.1,"
    '"two\nlines, with comma",101,Guided setup,KR1.2,KR3.1,5.0\r\n'
    "Fix typo,APP-3,103,Bug,Done,Done,APP,,,,,,,,,,,\r\n"
    "Write API,APP-4,104,Sub-task,To Do,To Do,APP,Ann,Sprint 2,,,,,102,Template picker,,,2\r\n"
)


def test_jira_export_reads_repeated_headers_as_one_field(tmp_path: Path) -> None:
    items = fetch(write(tmp_path, JIRA), jira_url="https://acme.atlassian.net/")
    story = items["APP-2"]
    assert story.id == "102"
    assert refs(story) == ("KR1.2", "KR3.1", "KR2.1")  # the link cells, then a prefixed label
    assert story.labels == ("ux", "okr:KR2.1")
    assert story.sprints == ("Sprint 1", "Sprint 2")
    assert story.sprint == "Sprint 2"  # exports list sprints oldest first
    assert story.points == 5.0
    assert story.status_category is StatusCategory.IN_PROGRESS
    assert story.url == "https://acme.atlassian.net/browse/APP-2"
    assert story.assignee == "Bo"
    assert story.project == "APP"


def test_jira_parent_column_holds_the_parent_issue_id(tmp_path: Path) -> None:
    items = fetch(write(tmp_path, JIRA))
    assert items["APP-2"].parent == "101"
    assert items["APP-4"].parent == "102"
    assert items["APP-1"].parent is None


def test_jira_export_without_a_level_leaves_scope_to_the_type_name(tmp_path: Path) -> None:
    items = fetch(write(tmp_path, JIRA))
    assert {item.level for item in items.values()} == {None}
    assert items["APP-1"].type == "Epic"
    assert items["APP-4"].type == "Sub-task"


def test_jira_export_unestimated_and_done(tmp_path: Path) -> None:
    bug = fetch(write(tmp_path, JIRA))["APP-3"]
    assert bug.points is None
    assert bug.status_category is StatusCategory.DONE
    assert refs(bug) == ()
    assert bug.url is None  # no JIRA_URL: no link rather than a wrong one


def test_epic_link_key_is_a_parent_when_parent_is_empty(tmp_path: Path) -> None:
    text = (
        "Issue key,Issue id,Summary,Issue Type,Custom field (Epic Link),Custom field (OKR)\n"
        "APP-1,101,Epic,Epic,,KR1.1\n"
        "APP-2,102,Story,Story,APP-1,\n"
    )
    assert fetch(write(tmp_path, text))["APP-2"].parent == "101"


ASANA = (
    "Task ID,Created At,Completed At,Last Modified,Name,Section/Column,Assignee,"
    "Assignee Email,Start Date,Due Date,Tags,Notes,Projects,Parent task,OKR,Story Points\n"
    '11,2026-10-01,,2026-10-02,Invite flow,Sprint 12,Ann,a@x.io,,,"ux,okr:KR2.2",,Growth,,'
    '"KR1.1, KR2.1",3\n'
    "12,2026-10-01,2026-10-05,2026-10-05,Invite copy,Sprint 12,,,,,,,Growth,Invite flow,,1\n"
)


def test_asana_export(tmp_path: Path) -> None:
    items = fetch(write(tmp_path, ASANA))
    task, sub = items["11"], items["12"]
    assert task.title == "Invite flow"
    assert task.free_text == ("KR1.1, KR2.1",)  # a cell, whole: the core splits it
    assert refs(task) == ("KR1.1", "KR2.1", "KR2.2")  # the cell split, then a prefixed tag
    assert task.labels == ("ux", "okr:KR2.2")
    assert task.sprint == "Sprint 12"
    assert task.points == 3.0
    assert task.level == 0 and task.type == "Task"
    assert task.status_category is StatusCategory.TODO
    assert task.url == "https://app.asana.com/0/0/11"
    assert sub.parent == "11"  # the parent's name, resolved to its task id
    assert sub.level == -1 and sub.type == "Subtask"
    assert sub.status_category is StatusCategory.DONE


def test_plain_csv_needs_only_key_and_link_column(tmp_path: Path) -> None:
    items = fetch(write(tmp_path, "key,okr\nA-1,KR1.1; KR2.1\nA-2,\n", bom=False))
    assert refs(items["A-1"]) == ("KR1.1", "KR2.1")
    assert refs(items["A-2"]) == ()


def test_plain_csv_all_columns(tmp_path: Path) -> None:
    text = (
        "key,title,type,status,status_category,points,okr,parent,sprint,assignee,project\n"
        "A-1,Epic,Epic,Open,todo,,KR1.1,,,,\n"
        "A-2,Story,Story,Ready for QA,in_progress,2,,A-1,S1,Ann,APP\n"
    )
    items = fetch(write(tmp_path, text))
    assert items["A-2"].parent == "A-1"
    assert items["A-2"].status_category is StatusCategory.IN_PROGRESS
    assert items["A-2"].points == 2.0
    assert items["A-2"].project == "APP"


def test_status_names_map_through_the_configured_table(tmp_path: Path) -> None:
    text = "key,status,okr\nA-1,Ready for QA,KR1\nA-2,Shipped,KR1\n"
    config = {"status_map": {"shipped": StatusCategory.DONE}}
    items = fetch(write(tmp_path, text), **config)
    assert items["A-1"].status_category is StatusCategory.TODO  # unknown name: to do
    assert items["A-2"].status_category is StatusCategory.DONE


def test_okr_and_points_fields_by_name(tmp_path: Path) -> None:
    text = "key,Key Result,Estimate\nA-1,KR1.1,3\n"
    items = fetch(write(tmp_path, text), okr_field="key result", points_field="ESTIMATE")
    assert refs(items["A-1"]) == ("KR1.1",)
    assert items["A-1"].points == 3.0


def test_labels_as_the_okr_field_are_read_by_the_one_label_rule(tmp_path: Path) -> None:
    # Issue 11, point 4: a label is a reference with the prefix, or when it names the OKR set
    # exactly; "growth" is ignored, not a dangling link.
    text = "Issue key,Summary,Labels,Labels\nA-1,x,KR1.1,growth\n"
    items = fetch(write(tmp_path, text), okr_field="Labels")
    assert items["A-1"].free_text == () and items["A-1"].labels == ("KR1.1", "growth")
    assert refs(items["A-1"], OKRS) == ("KR1.1",)


def test_labels_as_the_okr_field_drop_a_matching_label_prefix(tmp_path: Path) -> None:
    # Regression: `okr:KR1.1` was kept whole and listed as a dangling link beside KR1.1.
    text = "Issue key,Summary,Labels,Labels,Labels\nA-1,x,okr:KR1.1,KR:KR2.1,okr\n"
    items = fetch(write(tmp_path, text), okr_field="labels")
    assert refs(items["A-1"], OKRS) == ("KR1.1", "KR2.1")
    assert refs(items["A-1"], OKRS, ("goal:",)) == ()


def test_labels_as_the_okr_field_read_a_bare_prefix_as_no_reference(tmp_path: Path) -> None:
    # Regression: `okr:` stayed a reference here ("okr:" dangling) where Jira dropped it.
    text = "Issue key,Summary,Labels,Labels\nA-1,x,okr:,KR:\nA-2,x,okr:,KR1.1\n"
    items = fetch(write(tmp_path, text), okr_field="labels")
    assert refs(items["A-1"], OKRS) == ()
    assert refs(items["A-2"], OKRS) == ("KR1.1",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id,name\n1,x\n", "not a Jira, Asana or plain CSV export"),
        ("key,title\nA-1,x\n", "no column 'OKR'"),
        ("key,okr\n,KR1\n", "row 2: no value in 'key'"),
        ("", "the file is empty"),
    ],
)
def test_bad_exports_give_one_clear_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        fetch(write(tmp_path, text, bom=False))
    assert "\n" not in str(caught.value)
    assert str(tmp_path) in str(caught.value)


@pytest.mark.parametrize("value", ["three", "nan", "inf", "-3", "1e308", "1000000000.5", "XL"])
def test_points_that_are_no_estimate_are_unestimated_with_one_warning(
    tmp_path: Path, value: str
) -> None:
    # Issue 11, point 6: the same rule in every source: a warning, not exit 2. Two values
    # beyond a billion would sum to infinity: no estimate is plausible there.
    path = write(tmp_path, f"key,okr,points\nA-1,KR1,{value}\nA-2,KR1,3\n", bom=False)
    backlog = CsvSource(*split(CsvConfig, input_path=path)).fetch()
    assert [item.points for item in backlog.items] == [None, 3.0]
    assert backlog.warnings == (
        f"{path}: A-1: 'points' {value!r} is not a number of points from 0 to 1,000,000,000: "
        "counted as unestimated",
    )


def test_points_up_to_a_billion_are_read(tmp_path: Path) -> None:
    # a time estimate of 8 weeks in seconds, as a Jira export writes Original Estimate
    text = 'key,okr,points\nA-1,KR1,0\nA-2,KR1,1152000\nA-3,KR1,"2,5"\nA-4,KR1,-0\n'
    text += "A-5,KR1,1000000000\n"
    items = fetch(write(tmp_path, text, bom=False))
    points = [items[k].points for k in ("A-1", "A-2", "A-3", "A-4", "A-5")]
    assert points == [0.0, 1_152_000.0, 2.5, 0.0, 1e9]


def test_an_export_saved_by_excel_in_cp1252_is_read_as_such(tmp_path: Path) -> None:
    # Excel's plain "CSV" is Windows-1252: é is the single byte 0xE9 (issue 11, point 10).
    path = tmp_path / "export.csv"
    path.write_bytes("key;okr;title\nA-1;KR1.1;Caf\u00e9 menu \u2014 5 \u20ac\n".encode("cp1252"))
    assert fetch(str(path))["A-1"].title == "Caf\u00e9 menu \u2014 5 \u20ac"


def test_missing_file_and_missing_flag(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        fetch(str(tmp_path / "nope.csv"))
    with pytest.raises(UsageError, match="--input"):
        CsvSource(*split(CsvConfig))


def test_unknown_points_field_lists_columns(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no column 'SP' .*none of its 2 columns looks like one"):
        fetch(write(tmp_path, "key,okr\nA-1,KR1\n"), points_field="SP")


def test_fields_lists_columns_once_and_marks_likely_ones(tmp_path: Path) -> None:
    source = CsvSource(*split(CsvConfig, input_path=write(tmp_path, JIRA)))
    fields = {f.name: f for f in source.fields()}
    assert list(fields).count("Sprint") == 1
    assert fields["Custom field (OKR)"].likely == "okr"
    assert fields["Custom field (Story point estimate)"].likely == "points"
    assert [f.name for f in source.fields("okr")] == ["Custom field (OKR)"]


def test_a_huge_cell_in_any_column_does_not_fail_the_audit(tmp_path: Path) -> None:
    notes = "x" * 200_000  # over csv's default 128 KiB cell limit
    items = fetch(write(tmp_path, f'key,okr,notes\nA-1,KR1.1,"{notes}"\n'))
    assert refs(items["A-1"]) == ("KR1.1",)


def test_rows_that_repeat_a_key_are_warned_about(tmp_path: Path) -> None:
    path = write(tmp_path, "key,okr\nA-1,KR1.1\nA-2,\nA-1,KR2.1\n")
    backlog = CsvSource(*split(CsvConfig, input_path=path)).fetch()
    assert backlog.warnings == (
        f"{path}: 1 rows repeat an item already read (first: A-1); each item is counted once",
    )


def test_rows_read_are_reported_as_they_go(tmp_path: Path) -> None:
    # A 200,000-row export must not show "0 items" until it is all read: the bar moves
    # every PROGRESS_EVERY rows, of the export's rows (a blank one is no item).
    rows = "".join(f"A-{n},KR1.1\n" for n in range(1, 5_001))
    path = write(tmp_path, "key,okr\n" + rows + ",\n")
    heard: list[tuple[int, int | None]] = []
    backlog = CsvSource(*split(CsvConfig, input_path=path)).fetch(
        lambda read, total: heard.append((read, total))
    )
    assert len(backlog.items) == 5_000
    assert heard == [(0, 5_001), (2_000, 5_001), (4_000, 5_001), (5_000, 5_000)]


@pytest.mark.parametrize("name", ["export[1].csv", "export*.csv"])
def test_a_file_name_is_a_name_not_a_pattern(tmp_path: Path, name: str) -> None:
    # The engine reads a UTF-8 file itself, by its name: never as a glob pattern.
    write(tmp_path, "key,okr\nB-1,KR2.1\n", "export1.csv", bom=False)
    items = fetch(write(tmp_path, "key,okr\nA-1,KR1.1\n", name, bom=False))
    assert list(items) == ["A-1"]


def test_a_path_that_starts_with_a_tilde_is_the_folder_so_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `~` is the shell's to expand: a path that still has one names a folder called `~`.
    (tmp_path / "~").mkdir()
    write(tmp_path / "~", "key,okr\nA-1,KR1.1\n", bom=False)
    (tmp_path / "home").mkdir()
    write(tmp_path / "home", "key,okr\nB-1,KR2.1\n", bom=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    assert list(fetch("~/export.csv")) == ["A-1"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_an_export_piped_in_is_read_once(tmp_path: Path) -> None:
    # `--input <(curl ...)`: the pipe cannot be mapped nor read twice; what was read is used.
    pipe = tmp_path / "export.csv"
    os.mkfifo(pipe)
    writer = threading.Thread(target=pipe.write_bytes, args=(b"key,okr\nA-1,KR1.1\n",))
    writer.start()
    read: list[dict[str, Item]] = []
    reader = threading.Thread(target=lambda: read.append(fetch(str(pipe))), daemon=True)
    reader.start()
    reader.join(timeout=30)
    writer.join(timeout=1)
    assert [list(items) for items in read] == [["A-1"]]
