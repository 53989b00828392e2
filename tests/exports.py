"""Exports shaped like the real ones people hand the audit, built in Python (issue 11).

Every builder writes our own data in the shape a real tool or spreadsheet gives: Jira Cloud's
"Export CSV (all fields)" (both story points columns, repeated `Sprint`/`Labels`/`Comment`
columns, hundreds of columns, multi-line cells), a Jira Server/Data Center export (`Parent id`
and `Parent key` instead of `Parent`, no `Status Category`), an Asana export re-saved by a
spreadsheet (ids rounded to `1.20658E+15`, `;` separators, cp1252 or UTF-16), select estimates
(`.5 (30 min)`), T-shirt sizes, Xray test types and placeholder link values. Names include
Hebrew and em dashes, as real team exports do. No third-party file is copied.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

# The OKR set the builders' links name (SPEC 3 YAML), with an alias that holds a comma and an
# ampersand, as parent summaries used as links do.
OKRS_YAML = """\
cycle: 2026-Q4
objectives:
  - id: O1
    title: New teams reach a green pipeline on their own
    key_results:
      - id: KR1.1
        title: Activation of tech leads from 50% to 70%
        metric: activation rate
        baseline: 50
        target: 70
      - id: KR1.2
        title: Time to first green pipeline from 3 days to 1 day
        metric: median days
        baseline: 3
        target: 1
        aliases: ["Testing, Iteration & Documentation (D2)"]
  - id: O2
    title: Teams keep coming back every week
    key_results:
      - id: KR2.1
        title: Weekly active teams from 38% to 50%
        metric: weekly active teams
        baseline: 38
        target: 50
retired: [KR0.3]
exempt: [BAU, KTLO]
"""


def write_okrs(folder: Path) -> str:
    """The builders' OKR set as a YAML file in `folder`; its path."""
    path = folder / "okrs.yaml"
    path.write_text(OKRS_YAML, encoding="utf-8")
    return str(path)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]], delimiter: str = ",") -> str:
    """CSV text as spreadsheets and Jira write it: CRLF line ends, quoted where needed."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([["" if cell is None else str(cell) for cell in row] for row in rows])
    return out.getvalue()


def write_text(
    folder: Path, name: str, text: str, encoding: str = "utf-8-sig", newline: str = ""
) -> str:
    """Write `text` to `folder/name` in `encoding` (Excel's UTF-8 has a BOM); its path."""
    path = folder / name
    with path.open("w", encoding=encoding, newline=newline) as handle:
        handle.write(text)
    return str(path)


def table(header: Sequence[str], records: Sequence[Mapping[str, object]]) -> list[list[object]]:
    """Rows of `header`'s cells from records keyed by header name; a repeated header takes a
    list (one value per repeat), a missing key is an empty cell."""
    rows: list[list[object]] = []
    for record in records:
        repeats: dict[str, int] = {}
        row: list[object] = []
        for name in header:
            value = record.get(name)
            index = repeats.get(name, 0)
            repeats[name] = index + 1
            if isinstance(value, list):
                row.append(value[index] if index < len(value) else "")
            else:
                row.append(value if index == 0 else "")
        rows.append(row)
    return rows


# --- Jira Cloud: "Export CSV (all fields)" ----------------------------------------------------

JIRA_CLOUD_HEADER = [
    "Summary",
    "Issue key",
    "Issue id",
    "Issue Type",
    "Status",
    "Status Category",
    "Project key",
    "Project name",
    "Priority",
    "Assignee",
    "Reporter",
    "Created",
    "Sprint",
    "Sprint",
    "Labels",
    "Labels",
    "Description",
    "Original estimate",
    "Remaining Estimate",
    "Σ Original Estimate",
    "Parent",
    "Parent summary",
    "Comment",
    "Comment",
    "Custom field (Goals)",
    "Custom field (OKR)",
    "Custom field (Story point estimate)",
    "Custom field (Story Points)",
    "Custom field (T-shirt size)",
]


def jira_cloud_records() -> list[dict[str, object]]:
    """Twelve issues of a Cloud team: estimates in `Story Points` only (the first points column,
    `Story point estimate`, is empty, as in most company-managed projects), multi-line
    descriptions, Hebrew and em-dash names, one epic carrying the link."""
    base: dict[str, object] = {
        "Project key": "CR",
        "Project name": "Checkout — רכישה",
        "Priority": "Medium",
        "Reporter": "Dana Levi",
        "Created": "03/Nov/26 9:15 AM",
        "Original estimate": "28800",
        "Remaining Estimate": "14400",
        "Σ Original Estimate": "28800",
    }
    records: list[dict[str, object]] = [
        {
            **base,
            "Summary": "Checkout redesign — שלב א",
            "Issue key": "CR-1",
            "Issue id": "10001",
            "Issue Type": "Epic",
            "Status": "In Progress",
            "Status Category": "In Progress",
            "Custom field (OKR)": "KR1.1",
        }
    ]
    stories = [
        ("Pay with saved card", "Story", "Done", "Done", "3", "KR1.1"),
        ("Address autocomplete — ישראל", "Story", "In Progress", "In Progress", "5", ""),
        ("Retry failed payment\nwith a clear message", "Story", "To Do", "To Do", "2", "KR2.1"),
        ("Receipt e-mail in Hebrew", "Story", "To Do", "To Do", "8", ""),
        ("Crash on empty basket", "Bug", "Done", "Done", "1", ""),
        ("Remove legacy coupon code", "Task", "To Do", "To Do", "3", "KTLO"),
        ("Cart badge count", "Story", "In Progress", "In Progress", "2", ""),
        ("Guest checkout", "Story", "To Do", "To Do", "13", "KR1.2"),
        ("Apple Pay button", "Story", "To Do", "To Do", "5", ""),
        ("Slow order history", "Bug", "To Do", "To Do", "3", ""),
        ("Order confirmation page", "Story", "Done", "Done", "5", "KR1.1"),
    ]
    for number, (title, kind, status, category, points, okr) in enumerate(stories, start=2):
        records.append(
            {
                **base,
                "Summary": title,
                "Issue key": f"CR-{number}",
                "Issue id": str(10000 + number),
                "Issue Type": kind,
                "Status": status,
                "Status Category": category,
                "Assignee": "Noa Cohen" if number % 2 else "Yossi Mizrahi",
                "Sprint": ["CR Sprint 7", "CR Sprint 8"] if number % 3 else ["CR Sprint 8"],
                "Labels": ["checkout"],
                "Description": f"As a shopper\nI want {title.lower()}\n\nAcceptance: works.",
                "Parent": "10001",
                "Parent summary": "Checkout redesign — שלב א",
                "Comment": ["03/Nov/26;dana;Looks good", "04/Nov/26;noa;Agreed, ship it"],
                "Custom field (OKR)": okr,
                "Custom field (Story Points)": points,
            }
        )
    return records


def jira_cloud_export(folder: Path, records: list[dict[str, object]] | None = None) -> str:
    """A Jira Cloud all-fields export (UTF-8 with BOM); its path."""
    rows = table(JIRA_CLOUD_HEADER, jira_cloud_records() if records is None else records)
    return write_text(folder, "jira-cloud.csv", csv_text(JIRA_CLOUD_HEADER, rows))


# --- Jira Server / Data Center -----------------------------------------------------------------

JIRA_SERVER_HEADER = [
    "Summary",
    "Issue key",
    "Issue id",
    "Parent id",
    "Parent key",
    "Issue Type",
    "Status",
    "Project key",
    "Assignee",
    "Sprint",
    "Labels",
    "Labels",
    "Custom field (Epic Link)",
    "Custom field (OKR)",
    "Custom field (Story Points)",
]


def jira_server_records() -> list[dict[str, object]]:
    """A Data Center export: no `Status Category` column, custom workflow statuses, sub-tasks
    naming their parent by `Parent id` (and `Parent key`) with one parent not in the export."""
    rows = [
        ("Loyalty points on receipts", "CR-280", "10960", "", "", "Story", "Test in UAT", "KR1.1"),
        ("Points balance API", "CR-281", "10961", "10960", "CR-280", "Sub-task", "Done", ""),
        ("Points history page", "CR-282", "10962", "", "", "Story", "Verified - UAT", ""),
        ("Migrate card vault", "CR-283", "10964", "", "", "Story", "Ready for Dev", ""),
        ("Vault keys rotation", "CR-285", "10965", "10963", "CR-284", "Sub-task", "To Do", ""),
        ("Vault audit log", "CR-286", "10966", "10963", "CR-284", "Sub-task", "In Progress", ""),
    ]
    return [
        {
            "Summary": title,
            "Issue key": key,
            "Issue id": issue_id,
            "Parent id": parent_id,
            "Parent key": parent_key,
            "Issue Type": kind,
            "Status": status,
            "Project key": "CR",
            "Assignee": "Avi Ben-David",
            "Custom field (OKR)": okr,
            "Custom field (Story Points)": "3",
        }
        for title, key, issue_id, parent_id, parent_key, kind, status, okr in rows
    ]


def jira_server_export(folder: Path) -> str:
    """A Jira Server/Data Center export; its path."""
    rows = table(JIRA_SERVER_HEADER, jira_server_records())
    return write_text(folder, "jira-server.csv", csv_text(JIRA_SERVER_HEADER, rows))


# --- Jira exports with one shape each ----------------------------------------------------------

SMALL_JIRA_HEADER = [
    "Summary",
    "Issue key",
    "Issue id",
    "Issue Type",
    "Status",
    "Status Category",
    "Parent",
    "Parent summary",
    "Labels",
    "Labels",
    "Custom field (OKR)",
    "Custom field (Story Points)",
]


def small_jira_export(
    folder: Path,
    records: list[dict[str, object]],
    header: Sequence[str] = SMALL_JIRA_HEADER,
    name: str = "jira.csv",
) -> str:
    """A Jira export of `records` (keys: header names; defaults filled in); its path."""
    filled = []
    for number, record in enumerate(records, start=1):
        filled.append(
            {
                "Summary": f"Item {number}",
                "Issue key": f"T-{number}",
                "Issue id": str(20000 + number),
                "Issue Type": "Story",
                "Status": "To Do",
                "Status Category": "To Do",
                **record,
            }
        )
    return write_text(folder, name, csv_text(header, table(header, filled)))


def labels_only_export(folder: Path) -> str:
    """A Jira export with labels but no OKR column: labels name KRs (with and without the
    `okr:` prefix), an exempt value, and everyday labels that name nothing."""
    header = [h for h in SMALL_JIRA_HEADER if h != "Custom field (OKR)"]
    records: list[dict[str, object]] = [
        {"Labels": ["important", "sms"]},
        {"Labels": ["KR1.1", "ticketing"]},
        {"Labels": ["okr:KR2.1"]},
        {"Labels": ["BAU"]},
        {"Labels": ["frontend"]},
        {"Labels": ["okr:KR9.9"]},
    ]
    return small_jira_export(folder, records, header, "labels.csv")


def select_estimates_export(folder: Path) -> str:
    """Estimates from a select field (`.5 (30 min)`), T-shirt sizes and words."""
    values = [".5 (30 min)", "1 (1 hour)", "3 (half a day)", "XS", "M", "huge", "5"]
    records: list[dict[str, object]] = [
        {"Custom field (OKR)": "KR1.1", "Custom field (Story Points)": value} for value in values
    ]
    return small_jira_export(folder, records, name="select-estimates.csv")


def xray_export(folder: Path) -> str:
    """One epic linked to KR1.1; two stories and five Xray/Zephyr test items under it."""
    kinds = ["Story", "Story", "Test", "Test Set", "Test Plan", "Test Execution", "Precondition"]
    records: list[dict[str, object]] = [
        {"Issue Type": "Epic", "Issue id": "20000", "Custom field (OKR)": "KR1.1"}
    ]
    records += [{"Issue Type": kind, "Parent": "20000"} for kind in kinds]
    return small_jira_export(folder, records, name="xray.csv")


PLACEHOLDERS = ("N/A", "none", "-", "TBD", "No KR", "n.a.")


def placeholders_export(folder: Path) -> str:
    """Link fields holding placeholders that mean "no link", plus one real typo (`KR13`)."""
    records: list[dict[str, object]] = [
        {"Custom field (OKR)": value} for value in (*PLACEHOLDERS, "KR13", "KR1.1")
    ]
    return small_jira_export(folder, records, name="placeholders.csv")


def whole_alias_export(folder: Path) -> str:
    """A link value that is an alias holding a comma, and a real two-value list."""
    records: list[dict[str, object]] = [
        {"Custom field (OKR)": "Testing, Iteration & Documentation (D2)"},
        {"Custom field (OKR)": "KR1.1, KR2.1"},
    ]
    return small_jira_export(folder, records, name="whole-alias.csv")


def both_points_export(folder: Path, disagree: bool = False) -> str:
    """A Cloud export with both points columns; the first empty unless `disagree`."""
    header = [*SMALL_JIRA_HEADER[:-1], "Custom field (Story point estimate)"]
    header.append("Custom field (Story Points)")
    records: list[dict[str, object]] = [
        {
            "Custom field (OKR)": "KR1.1" if n % 2 else "",
            "Custom field (Story point estimate)": str(n + 1) if disagree else "",
            "Custom field (Story Points)": str(n),
        }
        for n in range(1, 7)
    ]
    return small_jira_export(folder, records, header, "both-points.csv")


def wide_export(folder: Path, columns: int = 380) -> str:
    """A Jira Cloud all-fields export of `columns` columns and no OKR column, one of whose
    columns (`Custom field (Objective link)`) holds KR ids."""
    header = list(JIRA_CLOUD_HEADER)
    header.remove("Custom field (OKR)")
    header.remove("Custom field (Goals)")
    header.append("Custom field (Objective link)")
    header.append("Custom field (Key result)")
    number = 0
    while len(header) < columns:
        number += 1
        header.append(f"Custom field (Field {number:03d})")
        if len(header) < columns and number % 7 == 0:
            header.append("Comment")
        if len(header) < columns and number % 11 == 0:
            header.append("Watchers")
    records = []
    for record in jira_cloud_records():
        record = dict(record)
        okr = record.pop("Custom field (OKR)")
        record["Custom field (Objective link)"] = okr
        records.append(record)
    return write_text(folder, "wide.csv", csv_text(header, table(header, records)))


# --- Asana -------------------------------------------------------------------------------------

ASANA_HEADER = [
    "Task ID",
    "Created At",
    "Completed At",
    "Last Modified",
    "Name",
    "Section/Column",
    "Assignee",
    "Tags",
    "Notes",
    "Projects",
    "Parent task",
    "OKR",
    "Story Points",
]


def asana_records(count: int = 141) -> list[dict[str, object]]:
    """`count` tasks of one Asana project with 16-digit ids (as Asana gives them)."""
    return [
        {
            "Task ID": str(1206580000000000 + 37 * n),
            "Created At": "2026-10-02",
            "Completed At": "2026-10-20" if n % 4 == 0 else "",
            "Last Modified": "2026-10-21",
            "Name": f"Task {n} — משימה",
            "Section/Column": "Sprint 14" if n % 2 else "Backlog",
            "Assignee": "Tal Shapiro",
            "Notes": "First line\nsecond line",
            "Projects": "Checkout",
            "OKR": "KR1.1" if n % 3 == 0 else "",
            "Story Points": str(n % 5 + 1),
        }
        for n in range(count)
    ]


def mangled_ids(records: list[dict[str, object]]) -> list[dict[str, object]]:
    """The records as a spreadsheet saves them: 16-digit ids shown in scientific notation."""
    return [{**r, "Task ID": f"{int(str(r['Task ID'])):.5E}".replace("E+0", "E+")} for r in records]


def asana_export(
    folder: Path,
    records: list[dict[str, object]] | None = None,
    name: str = "asana.csv",
    delimiter: str = ",",
    encoding: str = "utf-8-sig",
) -> str:
    """An Asana CSV export (as exported, or re-saved with another separator or encoding)."""
    rows = table(ASANA_HEADER, asana_records() if records is None else records)
    return write_text(folder, name, csv_text(ASANA_HEADER, rows, delimiter), encoding)


def resaved_records() -> list[dict[str, object]]:
    """Tasks whose names survive cp1252 (no Hebrew), with a euro sign and an em dash, so that
    the same records can be saved in UTF-8, cp1252 and UTF-16 and compared."""
    records = asana_records(24)
    for n, record in enumerate(records):
        record["Name"] = f"Préparer le café n° {n} — 5 € à régler"
        record["Assignee"] = "Zoë Müller"
    return records


# --- JSON given as CSV -------------------------------------------------------------------------


def trello_board_json(folder: Path) -> str:
    """A Trello board export (the shape of `/1/boards/{id}?cards=all...`), saved as `.csv`."""
    board = {
        "id": "5f1e2d3c4b5a69788796a5b4",
        "name": "Checkout sprint board",
        "shortLink": "AbCd1234",
        "lists": [{"id": "l1", "name": "To Do", "closed": False}],
        "cards": [{"id": "c1", "name": "Pay with saved card", "idList": "l1", "labels": []}],
        "labels": [],
        "customFields": [],
    }
    return write_text(folder, "board.csv", json.dumps(board, indent=2), "utf-8")


def jira_api_json(folder: Path) -> str:
    """A Jira search response saved to a file, given as the export."""
    body = {
        "startAt": 0,
        "maxResults": 50,
        "total": 1,
        "issues": [{"id": "10001", "key": "CR-1", "fields": {"summary": "Pay with saved card"}}],
    }
    return write_text(folder, "issues.csv", json.dumps(body), "utf-8")
