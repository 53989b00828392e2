"""Loading and validating OKR set files (SPEC 3): YAML, CSV and XLSX.

`load_okrs()` is the one entry point. Every problem with a file raises `OkrFileError` with the
file, the place (`line N (yaml.path)` for YAML, `row N` for CSV/XLSX) and what is wrong, so the
CLI can print one line and exit 2. The YAML reader works on composed nodes rather than plain
Python values because nodes keep their line numbers and their raw text (`id: 1.10` stays
`"1.10"`, not the float 1.1).
"""

from __future__ import annotations

import csv
import difflib
import math
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import yaml

from backlog_audit.core.linking import normalise
from backlog_audit.errors import OkrFileError
from backlog_audit.model import KeyResult, Objective, OkrSet

__all__ = ["ASANA_GOALS_PREFIX", "load_okrs"]

ASANA_GOALS_PREFIX = "asana-goals:"

TOP_KEYS = ("cycle", "cycle_start", "cycle_end", "level", "objectives", "retired", "exempt")
OBJECTIVE_KEYS = ("id", "title", "owner", "aligns_to", "key_results")
KEY_RESULT_KEYS = (
    "id",
    "title",
    "metric",
    "baseline",
    "target",
    "unit",
    "indicator",
    "current",
    "aliases",
)
CSV_REQUIRED = ("objective_id", "objective", "key_result_id", "key_result")
CSV_OPTIONAL = (
    "metric",
    "baseline",
    "target",
    "unit",
    "owner",
    "aligns_to",
    "indicator",
    "current",
    "aliases",
    "status",
)
LEVELS = ("company", "department", "team")
INDICATORS = ("leading", "lagging")
STATUSES = ("active", "retired")

_NULL_TAG = "tag:yaml.org,2002:null"
_BOOL_TAG = "tag:yaml.org,2002:bool"


def load_okrs(spec: str, env: Mapping[str, str] | None = None) -> OkrSet:
    """Read and validate the OKR set named by `spec`: a file path or `asana-goals:...`.

    Raises `OkrFileError` (exit 2) for any file that cannot be read or is invalid.
    """
    if spec.startswith(ASANA_GOALS_PREFIX):
        # Imported here so that file-based runs never import the Asana client.
        from backlog_audit.adapters.asana_goals import load_goal_okrs

        return load_goal_okrs(spec, env)
    suffix = Path(spec).suffix.lower()
    if suffix in (".yaml", ".yml"):
        return _load_yaml(spec)
    if suffix == ".csv":
        return _okrs_from_rows(spec, _read_csv_rows(spec))
    if suffix == ".xlsx":
        return _okrs_from_rows(spec, _read_xlsx_rows(spec))
    raise OkrFileError(
        spec, None, f"unknown OKR file type '{suffix or spec}': expected .yaml, .yml, .csv or .xlsx"
    )


# --- shared helpers ---------------------------------------------------------------------------


def _suggest(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean 'x'?)' hint for a misspelt key, or ''."""
    close = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


# Keys of a key result, for the hint when one is written where a KR cannot be.
_KR_ONLY_KEYS = ("key_results", "baseline", "target", "metric", "unit", "indicator", "current")


def _misplaced(key: str, allowed: tuple[str, ...]) -> str:
    """A hint for KR keys outside an objective's key_results (SPEC 3: a KR without objective)."""
    if key.lower() not in _KR_ONLY_KEYS or key.lower() in allowed:
        return ""
    if key.lower() == "key_results":
        return " (key results belong in an objective's key_results list)"
    return f" ('{key}' belongs to a key result, in an objective's key_results list)"


def _parse_number(raw: str) -> float | None:
    """A finite float from text, or None when the text is not a plain number."""
    try:
        value = float(raw.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _number_problem(name: str, raw: str) -> str:
    """The message for a non-numeric baseline/target/current value."""
    hint = " (put the unit in 'unit')" if raw.strip().endswith("%") else ""
    return f"{name} must be a number, got '{raw}'{hint}"


def _choice_problem(name: str, raw: str, choices: tuple[str, ...]) -> str:
    """The message for a value outside its allowed set."""
    return f"{name} must be one of {', '.join(choices)}, got '{raw}'{_suggest(raw, choices)}"


def _read_text(path: str) -> str:
    """The file's text (UTF-8, BOM tolerated), or an OkrFileError saying why not."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise OkrFileError(path, None, "no such file") from None
    except IsADirectoryError:
        raise OkrFileError(path, None, "is a directory, not an OKR file") from None
    except UnicodeDecodeError as e:
        raise OkrFileError(path, None, f"not UTF-8 text ({e.reason})") from None
    except OSError as e:
        raise OkrFileError(path, None, f"cannot read: {e.strerror or e}") from None


@dataclass(frozen=True)
class _Name:
    """One id, alias, title, retired or exempt value, with where it was written."""

    text: str
    label: str  # e.g. "id of key result KR1.1"
    where: str
    is_id: bool = False


def _check_names(path: str, names: Iterable[_Name]) -> None:
    """Refuse any two names that normalise to the same text (SPEC 3), and empty ones.

    Resolution (SPEC 4) compares normalised text, so two such names would make a reference
    ambiguous; the first clash found is reported at its second occurrence.
    """
    seen: dict[str, _Name] = {}
    for name in names:
        norm = normalise(name.text)
        if not norm:
            problem = f"{name.label} '{name.text}' has no letters or digits to match on"
            raise OkrFileError(path, name.where, problem)
        first = seen.setdefault(norm, name)
        if first is not name:
            raise OkrFileError(path, name.where, _clash_problem(first, name, norm))


def _clash_problem(first: _Name, second: _Name, norm: str) -> str:
    """The message for two names that normalise alike."""
    if first.is_id and second.is_id:
        return f"duplicate id '{second.text}' (first used at {first.where})"
    return (
        f"{second.label} '{second.text}' is the same as {first.label} '{first.text}' "
        f"({first.where}) once normalised ('{norm}'); every id, alias, title, retired and "
        "exempt value must be distinct"
    )


def _okr_names(okrs: OkrSet, wheres: Mapping[str, str]) -> list[_Name]:
    """Every name of a loaded set, each with the place recorded for it in `wheres`."""
    names: list[_Name] = []
    for i, obj in enumerate(okrs.objectives):
        names.append(_Name(obj.id, f"id of objective {obj.id}", wheres[f"o:{i}"], True))
        names.append(_Name(obj.title, f"title of objective {obj.id}", wheres[f"o:{i}"]))
        for j, kr in enumerate(obj.key_results):
            where = wheres[f"k:{i}:{j}"]
            names.append(_Name(kr.id, f"id of key result {kr.id}", where, True))
            names.append(_Name(kr.title, f"title of key result {kr.id}", where))
            names.extend(
                _Name(alias, f"alias of key result {kr.id}", wheres[f"a:{i}:{j}:{n}"])
                for n, alias in enumerate(kr.aliases)
            )
    for i, value in enumerate(okrs.retired):
        names.append(_Name(value, "retired id", wheres[f"r:{i}"], True))
    for i, value in enumerate(okrs.exempt):
        names.append(_Name(value, "exempt value", wheres[f"e:{i}"]))
    return names


# --- YAML -------------------------------------------------------------------------------------


class _YamlFile:
    """Typed reads from composed YAML nodes; every failure names the path and line."""

    def __init__(self, path: str) -> None:
        self.path = path
        # Where each name was written, for clash messages, keyed by position: "o:0" (first
        # objective), "k:0:1" (its second KR), "a:0:1:0" (that KR's first alias), "r:0", "e:0".
        self.wheres: dict[str, str] = {}

    def where(self, node: yaml.Node, ypath: str) -> str:
        """`line N (ypath)`: the 1-based line of the node and its YAML path."""
        line = f"line {node.start_mark.line + 1}"
        return f"{line} ({ypath})" if ypath else line

    def fail(self, node: yaml.Node, ypath: str, problem: str) -> OkrFileError:
        """An error located at `node`."""
        return OkrFileError(self.path, self.where(node, ypath), problem)

    def mapping(
        self, node: yaml.Node, ypath: str, keys: tuple[str, ...], what: str
    ) -> dict[str, yaml.Node]:
        """A mapping node's values by key; refuses other shapes, duplicate and unknown keys."""
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, ypath, f"{what} must be a mapping of keys to values")
        values: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else ""
            key_path = f"{ypath}.{key}" if ypath else key
            if key not in keys:
                hint = _suggest(key, keys) or _misplaced(key, keys)
                raise self.fail(key_node, key_path, f"unknown key '{key}' in {what}{hint}")
            if key in values:
                raise self.fail(key_node, key_path, f"key '{key}' appears twice in {what}")
            values[key] = value_node
        return values

    def is_null(self, node: yaml.Node | None) -> bool:
        """Whether a value is absent, `~`/`null` or empty."""
        return node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG)

    def text(self, node: yaml.Node | None, ypath: str) -> str | None:
        """A scalar's raw text, stripped; None when absent or empty."""
        if node is None or self.is_null(node):
            return None
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, ypath, f"{_leaf(ypath)} must be a single value, not a list/map")
        return str(node.value).strip() or None

    def required_text(self, node: yaml.Node | None, parent: yaml.Node, ypath: str) -> str:
        """Like `text`, but a missing or empty value is an error."""
        value = self.text(node, ypath)
        if value is None:
            raise self.fail(node or parent, ypath, f"missing {_leaf(ypath)}")
        return value

    def number(self, node: yaml.Node | None, ypath: str) -> float | None:
        """A finite number, None when absent; booleans and text are errors."""
        raw = None if node is None else self.text(node, ypath)
        if node is None or raw is None:
            return None
        value = None if node.tag == _BOOL_TAG else _parse_number(raw)
        if value is None:
            raise self.fail(node, ypath, _number_problem(_leaf(ypath), raw))
        return value

    def choice(self, node: yaml.Node | None, ypath: str, choices: tuple[str, ...]) -> str | None:
        """One of `choices` (case-insensitive), None when absent."""
        raw = None if node is None else self.text(node, ypath)
        if node is None or raw is None:
            return None
        if raw.lower() not in choices:
            raise self.fail(node, ypath, _choice_problem(_leaf(ypath), raw, choices))
        return raw.lower()

    def iso_date(self, node: yaml.Node | None, ypath: str) -> date | None:
        """An ISO date (YYYY-MM-DD), None when absent."""
        raw = None if node is None else self.text(node, ypath)
        if node is None or raw is None:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            problem = f"{_leaf(ypath)} must be a date as YYYY-MM-DD, got '{raw}'"
            raise self.fail(node, ypath, problem) from None

    def text_list(self, node: yaml.Node | None, ypath: str, tag: str) -> tuple[str, ...]:
        """A list of non-empty scalars (a single scalar is a list of one); records wheres."""
        if node is None or self.is_null(node):
            return ()
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        values: list[str] = []
        for i, item in enumerate(items):
            item_path = f"{ypath}[{i}]" if isinstance(node, yaml.SequenceNode) else ypath
            value = self.text(item, item_path)
            if value is None:
                raise self.fail(item, item_path, f"empty entry in {_leaf(ypath)}")
            self.wheres[f"{tag}:{i}"] = self.where(item, item_path)
            values.append(value)
        return tuple(values)

    def sequence(self, node: yaml.Node | None, ypath: str) -> list[yaml.Node]:
        """A sequence's items; absent or null is empty."""
        if node is None or self.is_null(node):
            return []
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, ypath, f"{_leaf(ypath)} must be a list")
        return list(node.value)


def _leaf(ypath: str) -> str:
    """The last key of a YAML path: `objectives[0].key_results[1].baseline` -> `baseline`."""
    last = ypath.rsplit(".", 1)[-1]
    return last.split("[", 1)[0] or "value"


def _compose(path: str, text: str) -> yaml.Node:
    """The document's root node; YAML syntax errors name their line."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"line {mark.line + 1}" if mark else None
        raise OkrFileError(path, where, f"invalid YAML: {e.problem or e.context}") from None
    except yaml.YAMLError as e:
        raise OkrFileError(path, None, f"invalid YAML: {e}") from None
    except RecursionError:
        # PyYAML's parser recurses once per level: `[[[[...` thousands deep exhausts the stack.
        raise OkrFileError(path, None, "invalid YAML: nested too deeply") from None
    if node is None:
        raise OkrFileError(path, None, "empty file: expected a mapping with 'objectives'")
    return node


def _load_yaml(path: str) -> OkrSet:
    """Read and validate a YAML OKR set."""
    reader = _YamlFile(path)
    root = _compose(path, _read_text(path))
    top = reader.mapping(root, "", TOP_KEYS, "the top level")
    if "objectives" not in top:
        raise reader.fail(root, "", "missing 'objectives': the list of objectives")
    objectives = tuple(
        _yaml_objective(reader, node, i)
        for i, node in enumerate(reader.sequence(top["objectives"], "objectives"))
    )
    okrs = OkrSet(
        objectives=objectives,
        retired=reader.text_list(top.get("retired"), "retired", "r"),
        exempt=reader.text_list(top.get("exempt"), "exempt", "e"),
        cycle=reader.text(top.get("cycle"), "cycle"),
        cycle_start=reader.iso_date(top.get("cycle_start"), "cycle_start"),
        cycle_end=reader.iso_date(top.get("cycle_end"), "cycle_end"),
        level=reader.choice(top.get("level"), "level", LEVELS),
        source=path,
    )
    if okrs.cycle_start and okrs.cycle_end and okrs.cycle_start > okrs.cycle_end:
        raise reader.fail(top["cycle_end"], "cycle_end", "cycle_end is before cycle_start")
    _check_names(path, _okr_names(okrs, reader.wheres))
    return okrs


def _yaml_objective(reader: _YamlFile, node: yaml.Node, index: int) -> Objective:
    """The `index`th objective and its key results."""
    ypath = f"objectives[{index}]"
    fields = reader.mapping(node, ypath, OBJECTIVE_KEYS, "an objective")
    obj_id = reader.required_text(fields.get("id"), node, f"{ypath}.id")
    reader.wheres[f"o:{index}"] = reader.where(node, ypath)
    kr_nodes = reader.sequence(fields.get("key_results"), f"{ypath}.key_results")
    krs = tuple(
        _yaml_key_result(reader, kr_node, (index, j), obj_id) for j, kr_node in enumerate(kr_nodes)
    )
    return Objective(
        id=obj_id,
        title=reader.required_text(fields.get("title"), node, f"{ypath}.title"),
        key_results=krs,
        owner=reader.text(fields.get("owner"), f"{ypath}.owner"),
        aligns_to=reader.text(fields.get("aligns_to"), f"{ypath}.aligns_to"),
    )


def _yaml_key_result(
    reader: _YamlFile, node: yaml.Node, index: tuple[int, int], obj_id: str
) -> KeyResult:
    """The key result at (objective index, KR index), of objective `obj_id`."""
    ypath = f"objectives[{index[0]}].key_results[{index[1]}]"
    fields = reader.mapping(node, ypath, KEY_RESULT_KEYS, "a key result")
    kr_id = reader.required_text(fields.get("id"), node, f"{ypath}.id")
    reader.wheres[f"k:{index[0]}:{index[1]}"] = reader.where(node, ypath)
    return KeyResult(
        id=kr_id,
        objective_id=obj_id,
        title=reader.required_text(fields.get("title"), node, f"{ypath}.title"),
        metric=reader.text(fields.get("metric"), f"{ypath}.metric"),
        baseline=reader.number(fields.get("baseline"), f"{ypath}.baseline"),
        target=reader.number(fields.get("target"), f"{ypath}.target"),
        unit=reader.text(fields.get("unit"), f"{ypath}.unit"),
        indicator=reader.choice(fields.get("indicator"), f"{ypath}.indicator", INDICATORS),
        current=reader.number(fields.get("current"), f"{ypath}.current"),
        aliases=reader.text_list(
            fields.get("aliases"), f"{ypath}.aliases", f"a:{index[0]}:{index[1]}"
        ),
    )


# --- CSV and XLSX -----------------------------------------------------------------------------

# A table as (row number as a spreadsheet shows it, header -> cell text); the header is row 1.
_Rows = list[tuple[int, dict[str, str]]]


def _column_name(header: str) -> str:
    """Headers match case-insensitively, with spaces or hyphens standing for underscores."""
    return "_".join(header.strip().lower().replace("-", " ").split())


def _rows_from_table(path: str, table: Iterable[list[str]]) -> _Rows:
    """Check the header row and key every later non-blank row by column name."""
    rows = iter(table)
    header = next(rows, None)
    if header is None:
        raise OkrFileError(path, None, "empty file: expected a header row")
    columns = [_column_name(h) for h in header]
    _check_columns(path, columns)
    table_rows: _Rows = []
    for number, cells in enumerate(rows, start=2):
        if any(cell.strip() for cell in cells):
            padded = [*cells, *[""] * (len(columns) - len(cells))]
            if any(cell.strip() for cell in padded[len(columns) :]):
                raise OkrFileError(path, f"row {number}", "more cells than header columns")
            values = {
                c: v.strip() for c, v in zip(columns, padded[: len(columns)], strict=True) if c
            }
            table_rows.append((number, values))
    return table_rows


def _check_columns(path: str, columns: list[str]) -> None:
    """Refuse unknown, repeated or missing columns."""
    known = CSV_REQUIRED + CSV_OPTIONAL
    seen: set[str] = set()
    for column in columns:
        if not column:
            continue
        if column not in known:
            hint = _suggest(column, known)
            raise OkrFileError(path, "row 1", f"unknown column '{column}'{hint}")
        if column in seen:
            raise OkrFileError(path, "row 1", f"column '{column}' appears twice")
        seen.add(column)
    missing = [c for c in CSV_REQUIRED if c not in seen]
    if missing:
        raise OkrFileError(path, "row 1", f"missing column(s): {', '.join(missing)}")


def _read_csv_rows(path: str) -> _Rows:
    """The rows of a CSV OKR set."""
    text = _read_text(path)
    try:
        return _rows_from_table(path, csv.reader(text.splitlines(keepends=True)))
    except csv.Error as e:
        raise OkrFileError(path, None, f"invalid CSV: {e}") from None


def _read_xlsx_rows(path: str) -> _Rows:
    """The rows of the sheet named `OKRs`, else of the first sheet, of a workbook."""
    from openpyxl import load_workbook

    if not Path(path).is_file():
        _read_text(path)  # raises the same "no such file" / directory error as the others
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise OkrFileError(path, None, f"not a readable .xlsx workbook ({e})") from None
    try:
        names = {name.lower(): name for name in workbook.sheetnames}
        sheet = workbook[names.get("okrs", workbook.sheetnames[0])]
        table = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return _rows_from_table(path, table)


def _cell_text(value: object) -> str:
    """A spreadsheet cell as text: whole floats lose their `.0`, dates become ISO dates."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    return str(value)


@dataclass
class _ObjectiveDraft:
    """An objective being assembled from the rows that share its id."""

    id: str
    row: int
    title: str = ""
    owner: str = ""
    aligns_to: str = ""
    key_results: list[KeyResult] = field(default_factory=list)

    def merge(self, path: str, row: int, values: Mapping[str, str]) -> None:
        """Take the objective columns of a row; refuse a second, different value."""
        for column, attr in (
            ("objective", "title"),
            ("owner", "owner"),
            ("aligns_to", "aligns_to"),
        ):
            new, old = values.get(column, ""), getattr(self, attr)
            if new and old and new != old:
                problem = (
                    f"objective {self.id} has two different {column} values: '{old}' and '{new}'"
                )
                raise OkrFileError(path, f"row {row}", problem)
            if new:
                setattr(self, attr, new)

    def build(self, path: str) -> Objective:
        """The finished objective; its title must have been given on some row."""
        if not self.title:
            raise OkrFileError(path, f"row {self.row}", f"objective {self.id} has no title")
        return Objective(
            id=self.id,
            title=self.title,
            key_results=tuple(self.key_results),
            owner=self.owner or None,
            aligns_to=self.aligns_to or None,
        )


def _okrs_from_rows(path: str, rows: _Rows) -> OkrSet:
    """Assemble and validate an OKR set from CSV/XLSX rows, one KR per row."""
    drafts: dict[str, _ObjectiveDraft] = {}
    retired: list[str] = []
    wheres: dict[str, str] = {}
    for row, values in rows:
        where = f"row {row}"
        status = _row_choice(path, row, values, "status", STATUSES) or "active"
        if status == "retired":
            wheres[f"r:{len(retired)}"] = where
            retired.append(_row_retired_id(path, row, values))
            continue
        obj_id = values.get("objective_id", "")
        if not obj_id:
            raise OkrFileError(path, where, _no_objective_problem(values))
        draft = drafts.get(obj_id)
        if draft is None:
            draft = drafts[obj_id] = _ObjectiveDraft(obj_id, row)
            wheres[f"o:{len(drafts) - 1}"] = where
        draft.merge(path, row, values)
        if _has_key_result(values):
            kr = _row_key_result(path, row, values, obj_id)
            position = f"{list(drafts).index(obj_id)}:{len(draft.key_results)}"
            wheres[f"k:{position}"] = where
            wheres.update({f"a:{position}:{n}": where for n in range(len(kr.aliases))})
            draft.key_results.append(kr)
    okrs = OkrSet(
        objectives=tuple(d.build(path) for d in drafts.values()),
        retired=tuple(retired),
        source=path,
    )
    _check_names(path, _okr_names(okrs, wheres))
    return okrs


_KR_COLUMNS = ("key_result_id", "key_result", "metric", "baseline", "target", "unit")
_KR_COLUMNS_MORE = ("indicator", "current", "aliases")


def _has_key_result(values: Mapping[str, str]) -> bool:
    """Whether a row describes a KR (a row with objective columns only declares an objective)."""
    return any(values.get(c) for c in _KR_COLUMNS + _KR_COLUMNS_MORE)


def _no_objective_problem(values: Mapping[str, str]) -> str:
    """The message for a row without an objective id."""
    kr = values.get("key_result_id") or values.get("key_result")
    if kr:
        return f"key result '{kr}' has no objective: objective_id is empty"
    return "missing objective_id"


def _row_retired_id(path: str, row: int, values: Mapping[str, str]) -> str:
    """The KR id of a `status: retired` row."""
    kr_id = values.get("key_result_id", "")
    if not kr_id:
        raise OkrFileError(path, f"row {row}", "a retired row needs its key_result_id")
    return kr_id


def _row_key_result(path: str, row: int, values: Mapping[str, str], obj_id: str) -> KeyResult:
    """The KR a row describes."""
    where = f"row {row}"
    kr_id, title = values.get("key_result_id", ""), values.get("key_result", "")
    if not kr_id:
        raise OkrFileError(path, where, "missing key_result_id")
    if not title:
        raise OkrFileError(path, where, f"missing key_result (the title of {kr_id})")
    aliases = tuple(a.strip() for a in values.get("aliases", "").split(";") if a.strip())
    return KeyResult(
        id=kr_id,
        objective_id=obj_id,
        title=title,
        metric=values.get("metric") or None,
        baseline=_row_number(path, row, values, "baseline"),
        target=_row_number(path, row, values, "target"),
        unit=values.get("unit") or None,
        indicator=_row_choice(path, row, values, "indicator", INDICATORS),
        current=_row_number(path, row, values, "current"),
        aliases=aliases,
    )


def _row_number(path: str, row: int, values: Mapping[str, str], column: str) -> float | None:
    """A numeric cell, None when empty."""
    raw = values.get(column, "")
    if not raw:
        return None
    value = _parse_number(raw)
    if value is None:
        raise OkrFileError(path, f"row {row}", _number_problem(column, raw))
    return value


def _row_choice(
    path: str, row: int, values: Mapping[str, str], column: str, choices: tuple[str, ...]
) -> str | None:
    """A cell restricted to `choices` (case-insensitive), None when empty."""
    raw = values.get(column, "")
    if not raw:
        return None
    if raw.lower() not in choices:
        raise OkrFileError(path, f"row {row}", _choice_problem(column, raw, choices))
    return raw.lower()
