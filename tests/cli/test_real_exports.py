"""Real exports as they come (issue 11), each shape through the command line.

The exports are built by `tests/exports.py` in the shapes real Jira, Asana and spreadsheet
files take; each test names the numbered point of issue 11 it holds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests import exports as ex
from tests.cli_runner import invoke


def audit(tmp_path: Path, export: str, *args: str, code: int = 0) -> tuple[Result, Any]:
    """Audit `export` against the builders' OKR set; the CLI result and the JSON report."""
    report = tmp_path / "report.json"
    report.unlink(missing_ok=True)
    result = invoke(
        [
            "audit",
            "--okrs",
            ex.write_okrs(tmp_path),
            "--input",
            export,
            "--format",
            "json",
            "-o",
            str(report),
            "--no-history",
            *args,
        ],
        code,
    )
    data = json.loads(report.read_text(encoding="utf-8")) if report.exists() else None
    return result, data


def items(data: Any) -> dict[str, dict[str, Any]]:
    """The report's items by key."""
    return {item["key"]: item for item in data["items"]}


# --- 14. History scope identity ------------------------------------------------------------


def test_one_export_typed_three_ways_is_one_scope_in_the_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "examples"
    folder.mkdir()
    ex.small_jira_export(folder, [{"Custom field (OKR)": "KR1.1"}], name="x.csv")
    okrs = ex.write_okrs(tmp_path)
    db = str(tmp_path / "history.sqlite3")
    monkeypatch.chdir(tmp_path)
    for typed in ("examples/x.csv", "./examples/x.csv", str(folder / "x.csv")):
        invoke(
            [
                "audit",
                "--okrs",
                okrs,
                "--input",
                typed,
                "--history",
                db,
                "--format",
                "json",
                "-o",
                "-",
            ]
        )
    scopes = json.loads(invoke(["history", "--history", db, "--format", "json"]).stdout)["scopes"]
    assert [(s["scope"], len(s["runs"])) for s in scopes] == [
        (f"Jira export {(folder / 'x.csv').resolve()}", 3)
    ]


def test_scope_name_names_the_scope_in_the_history(tmp_path: Path) -> None:
    okrs = ex.write_okrs(tmp_path)
    db = str(tmp_path / "history.sqlite3")
    for name in ("a.csv", "b.csv"):  # a cron job whose export changes name every week
        export = ex.small_jira_export(tmp_path, [{"Custom field (OKR)": "KR1.1"}], name=name)
        args = ["audit", "--okrs", okrs, "--input", export, "--history", db, "-o", "-"]
        invoke([*args, "--format", "json", "--scope-name", "Checkout team"])
    scopes = json.loads(invoke(["history", "--history", db, "--format", "json"]).stdout)["scopes"]
    assert [(s["scope"], len(s["runs"])) for s in scopes] == [("Checkout team", 2)]


def test_scope_name_is_also_a_config_key(tmp_path: Path) -> None:
    config = tmp_path / "backlog-audit.toml"
    config.write_text('scope_name = "Checkout team"\n', encoding="utf-8")
    db = str(tmp_path / "history.sqlite3")
    export = ex.small_jira_export(tmp_path, [{"Custom field (OKR)": "KR1.1"}])
    okrs = ex.write_okrs(tmp_path)
    args = ["audit", "--config", str(config), "--okrs", okrs, "--input", export]
    invoke([*args, "--history", db, "--format", "json", "-o", "-"])
    out = invoke(["history", "--history", db, "--format", "json"]).stdout
    assert [s["scope"] for s in json.loads(out)["scopes"]] == ["Checkout team"]
    empty = invoke([*args, "--scope-name", " ", "--no-history"], 2)
    assert "--scope-name needs a name" in empty.stderr


def one_line(result: Result, *fragments: str) -> str:
    """The run's only stderr line, holding every fragment, under about 200 characters once
    the file's name (which the user chose) is left out."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


def short(line: str, path: str) -> None:
    assert len(line.replace(path, "FILE")) <= 200, line


# --- 1. Ids a spreadsheet rounded ----------------------------------------------------------


def test_ids_rounded_by_a_spreadsheet_stop_the_audit(tmp_path: Path) -> None:
    export = ex.asana_export(tmp_path, ex.mangled_ids(ex.asana_records()), "mangled.csv")
    result, _ = audit(tmp_path, export, code=2)
    line = one_line(result, "'1.20658E+15'", "rounded by a spreadsheet", "again from Asana")
    short(line, export)


def test_rows_sharing_an_id_under_different_names_stop_the_audit(tmp_path: Path) -> None:
    # A spreadsheet that kept 15 digits: 1206580000000037 -> 1206580000000000 for every task
    records = [{**r, "Task ID": "1206580000000000"} for r in ex.asana_records(10)]
    result, _ = audit(tmp_path, ex.asana_export(tmp_path, records), code=2)
    one_line(result, "'1206580000000000'", "rounded by a spreadsheet")


# --- 2. Two points columns -----------------------------------------------------------------


def test_the_points_column_that_holds_estimates_is_used(tmp_path: Path) -> None:
    result, data = audit(tmp_path, ex.both_points_export(tmp_path))
    assert data["summary"]["points"] == 1 + 2 + 3 + 4 + 5 + 6  # `Story Points`; the other empty
    assert data["summary"]["unestimated_items"] == 0
    assert result.stderr == ""


def test_two_points_columns_that_disagree_warn_and_name_the_one_used(tmp_path: Path) -> None:
    result, data = audit(tmp_path, ex.both_points_export(tmp_path, disagree=True))
    assert data["summary"]["points"] == 2 + 3 + 4 + 5 + 6 + 7  # the first, `Story point estimate`
    one_line(result, "6 items have different estimates", "'Story point estimate' is used")
    pinned, data = audit(
        tmp_path, ex.both_points_export(tmp_path, True), "--points-field", "Story Points"
    )
    assert data["summary"]["points"] == 21 and pinned.stderr == ""


def test_a_real_cloud_export_reads_its_story_points(tmp_path: Path) -> None:
    _, data = audit(tmp_path, ex.jira_cloud_export(tmp_path))
    assert data["summary"]["points"] == 3 + 5 + 2 + 8 + 1 + 3 + 2 + 13 + 5 + 3 + 5
    assert items(data)["CR-3"]["title"] == "Address autocomplete — ישראל"


# --- 3. Parents in Server/Data Center exports ----------------------------------------------


def test_a_server_export_names_parents_by_parent_id_and_key(tmp_path: Path) -> None:
    export = ex.jira_server_export(tmp_path)
    _, data = audit(tmp_path, export, "--include-types", "Sub-task")
    parents = {key: item["parent"] for key, item in items(data).items()}
    assert parents["CR-281"] == "CR-280"  # `Parent id` 10960, in the export
    assert parents["CR-285"] == parents["CR-286"] == "CR-284"  # not in it: `Parent key`
    fix = tmp_path / "fix"
    args = ["--include-types", "Sub-task", "--format", "csv", "-o", str(fix)]
    invoke(["audit", "--okrs", ex.write_okrs(tmp_path), "--input", export, "--no-history", *args])
    fix_list = (fix / "fix_list.csv").read_text(encoding="utf-8-sig")
    assert "parent,CR-284,CR-285" in fix_list and "10963" not in fix_list


# --- 4. Labels -----------------------------------------------------------------------------


@pytest.mark.parametrize("okr_field", [None, "Labels"])
def test_labels_link_by_prefix_or_exact_name_and_others_are_ignored(
    tmp_path: Path, okr_field: str | None
) -> None:
    args = ("--okr-field", okr_field) if okr_field else ()
    result, data = audit(tmp_path, ex.labels_only_export(tmp_path), *args)
    states = {key: item["link_state"] for key, item in items(data).items()}
    assert states == {
        "T-1": "orphaned",  # important, sms: no references, not dangling
        "T-2": "linked",  # KR1.1 (ticketing ignored)
        "T-3": "linked",  # okr:KR2.1
        "T-4": "exempt",  # BAU
        "T-5": "orphaned",  # frontend
        "T-6": "dangling",  # okr:KR9.9: a prefixed label is a reference
    }
    assert [link["reference"] for link in data["dangling_links"]] == ["KR9.9"]
    if okr_field is None:  # no OKR column: labels are read, and the run says so
        one_line(result, "no column 'OKR': reading labels only", "--okr-field")
    else:
        assert result.stderr == ""


# --- 5. Whole free-text values first -------------------------------------------------------


def test_a_free_text_value_that_is_an_alias_resolves_whole(tmp_path: Path) -> None:
    _, data = audit(tmp_path, ex.whole_alias_export(tmp_path))
    assert items(data)["T-1"]["key_results"] == ["KR1.2"]
    assert items(data)["T-2"]["key_results"] == ["KR1.1", "KR2.1"]  # not a name: split
    assert data["dangling_links"] == []


# --- 6. Estimates that are not plain numbers -----------------------------------------------


def test_select_estimates_and_t_shirt_sizes(tmp_path: Path) -> None:
    export = ex.select_estimates_export(tmp_path)
    result, data = audit(tmp_path, export)
    points = [items(data)[f"T-{n}"]["points"] for n in range(1, 8)]
    assert points == [0.5, 1.0, 3.0, None, None, None, 5.0]
    one_line(result, "3 items: 'Story Points' is not", "('XS', 'M', 'huge')", "unestimated")
    config = tmp_path / "backlog-audit.toml"
    config.write_text('[points_map]\nXS = 1\nS = 2\nM = 3\n"huge" = 13\n', encoding="utf-8")
    mapped, data = audit(tmp_path, export, "--config", str(config))
    points = [items(data)[f"T-{n}"]["points"] for n in range(1, 8)]
    assert points == [0.5, 1.0, 3.0, 1.0, 3.0, 13.0, 5.0]
    assert mapped.stderr == ""


def test_a_points_map_value_that_is_no_number_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "backlog-audit.toml"
    config.write_text('[points_map]\nXS = "one"\n', encoding="utf-8")
    result, _ = audit(
        tmp_path, ex.select_estimates_export(tmp_path), "--config", str(config), code=2
    )
    one_line(result, f"{config}: points_map: 'XS' = 'one' must be a number of points")


# --- 7. Test-management issue types --------------------------------------------------------


def test_xray_and_zephyr_test_types_are_out_of_scope_by_default(tmp_path: Path) -> None:
    result, data = audit(tmp_path, ex.xray_export(tmp_path))
    assert sorted(items(data)) == ["T-2", "T-3"]  # the two stories
    one_line(result, "5 test-management items", "not counted", "--include-types")
    _, data = audit(tmp_path, ex.xray_export(tmp_path), "--include-types", "Test")
    assert sorted(items(data)) == ["T-2", "T-3", "T-4"]


# --- 8. Statuses without a category --------------------------------------------------------


def test_custom_statuses_without_a_category_are_named_once(tmp_path: Path) -> None:
    export = ex.jira_server_export(tmp_path)
    result, _ = audit(tmp_path, export)
    line = one_line(result, "'Test in UAT', 'Verified - UAT'", "read as to do", "[status_map]")
    short(line, export)
    config = tmp_path / "backlog-audit.toml"
    config.write_text(
        '[status_map]\n"Test in UAT" = "in_progress"\n"Verified - UAT" = "done"\n'
        '"Ready for Dev" = "todo"\n',
        encoding="utf-8",
    )
    mapped, data = audit(tmp_path, export, "--config", str(config))
    assert mapped.stderr == ""
    assert {k: i["status_category"] for k, i in items(data).items()} == {
        "CR-280": "in_progress",
        "CR-282": "done",
        "CR-283": "todo",
    }


# --- 10. Files people re-save --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "delimiter", "encoding", "detected"),
    [
        ("semicolons-cp1252.csv", ";", "cp1252", "cp1252 text, columns separated by semicolons"),
        ("tabs-utf16.txt", "\t", "utf-16", "utf-16 text, columns separated by tabs"),
        ("semicolons-utf8.csv", ";", "utf-8-sig", "utf-8 text, columns separated by semicolons"),
    ],
)
def test_a_re_saved_export_gives_the_figures_of_the_original(
    tmp_path: Path, name: str, delimiter: str, encoding: str, detected: str
) -> None:
    records = ex.resaved_records()
    _, original = audit(tmp_path, ex.asana_export(tmp_path, records, "original.csv"))
    resaved = ex.asana_export(tmp_path, records, name, delimiter, encoding)
    result, data = audit(tmp_path, resaved, "-v")
    assert f"{resaved}: {detected}" in result.stderr  # the -v line says what was detected
    for key in ("summary", "key_results", "items"):
        assert json.dumps(data[key]) == json.dumps(original[key]).replace("original.csv", name)
    assert items(data)["1206580000000037"]["title"] == "Préparer le café n° 1 — 5 € à régler"


# --- 11. Messages a newcomer meets ---------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "fragments"),
    [
        (ex.trello_board_json, ("a Trello board export (JSON)", "use --source trello")),
        (ex.jira_api_json, ("a Jira API response (JSON)", "Export > CSV", "--source jira")),
    ],
)
def test_a_json_file_given_as_csv_is_named(
    tmp_path: Path, build: Any, fragments: tuple[str, ...]
) -> None:
    path = build(tmp_path)
    result, _ = audit(tmp_path, path, code=2)
    short(one_line(result, *fragments), path)


def test_no_link_column_names_at_most_five_likely_columns(tmp_path: Path) -> None:
    export = ex.wide_export(tmp_path, columns=380)
    header = Path(export).read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.count(",") + 1 == 380
    result, _ = audit(tmp_path, export, "--okr-field", "Initiative", code=2)
    line = one_line(result, "no column 'Initiative' (--okr-field); likely: ")
    assert line.endswith("likely: 'Custom field (Objective link)', 'Custom field (Key result)'")
    short(line, export)
    labels, _ = audit(tmp_path, export)  # the default OKR column absent: labels, and a hint
    one_line(labels, "reading labels only", "'Custom field (Objective link)'")


def test_the_headline_says_points_n_a_when_most_items_are_unestimated(tmp_path: Path) -> None:
    records: list[dict[str, object]] = [{"Custom field (OKR)": "KR1.1"}] * 5
    records.append({"Custom field (Story Points)": "3"})
    result, _ = audit(tmp_path, ex.small_jira_export(tmp_path, records))
    assert "(points n/a: 5 of 6 items unestimated; open items 83.3%)" in result.stdout
    assert "points 0.0%" not in result.stdout


# --- 12. fields --source csv ---------------------------------------------------------------


def test_fields_marks_goals_and_kr_valued_columns_not_time_tracking(tmp_path: Path) -> None:
    export = ex.jira_cloud_export(tmp_path)
    lines = invoke(["fields", "--source", "csv", "--input", export]).stdout.splitlines()
    marked = {line.split("\t")[0]: line.split("<- ")[-1] for line in lines if "<- " in line}
    assert marked == {
        "Custom field (Goals)": "likely okr field",
        "Custom field (OKR)": "likely okr field",
        "Custom field (Story point estimate)": "likely points field",
        "Custom field (Story Points)": "likely points field",
        "Custom field (T-shirt size)": "likely points field",
    }
    wide = ex.wide_export(tmp_path, columns=60)
    lines = invoke(["fields", "--source", "csv", "--input", wide]).stdout.splitlines()
    assert (
        "Custom field (Objective link)\tCustom field (Objective link)\tcolumn  <- likely okr field"
        in lines
    )


# --- 13. OKR lint --------------------------------------------------------------------------


def test_lint_finds_a_figure_with_a_magnitude_and_not_a_hyphenated_name(tmp_path: Path) -> None:
    okrs = tmp_path / "okrs.yaml"
    text = ex.OKRS_YAML.replace(
        "New teams reach a green pipeline on their own", "Improve our MRR to 330k"
    ).replace("Teams keep coming back every week", "Roll out 360-degree feedback")
    okrs.write_text(text, encoding="utf-8")
    out = invoke(["okrs", "lint", str(okrs)]).stdout
    assert "objective O1 contains a figure ('330k')" in out
    assert "O2" not in [
        line.split()[0] for line in out.splitlines() if "objective-has-number" in line
    ]


# --- 15. Placeholders are not typos --------------------------------------------------------


def test_placeholders_are_orphans_with_their_reason_not_dangling(tmp_path: Path) -> None:
    export = ex.placeholders_export(tmp_path)
    _, data = audit(tmp_path, export)
    states = {key: item["link_state"] for key, item in items(data).items()}
    assert [states[f"T-{n}"] for n in range(1, 9)] == ["orphaned"] * 6 + ["dangling", "linked"]
    assert [link["reference"] for link in data["dangling_links"]] == ["KR13"]
    out = tmp_path / "md"
    args = ["--format", "md", "--format", "csv", "-o", str(out), "--no-history"]
    invoke(["audit", "--okrs", ex.write_okrs(tmp_path), "--input", export, *args])
    markdown = (out / "backlog-audit.md").read_text(encoding="utf-8")
    assert "- T-1 Item 1 (To Do, unassigned, link says 'N/A')" in markdown
    fix_list = (out / "backlog-audit-csv" / "fix_list.csv").read_text(encoding="utf-8-sig")
    assert "no OKR link: its link field says 'TBD'" in fix_list
