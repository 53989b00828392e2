"""The YAML OKR set reader (SPEC 3).

It works on composed nodes rather than plain Python values because nodes keep their line
numbers and their raw text (`id: 1.10` stays `"1.10"`, not the float 1.1). Every failure names
the line and the YAML path (`line N (objectives[0].key_results[1].target)`).
"""

from __future__ import annotations

from datetime import date

import yaml

from backlog_audit.errors import OkrFileError
from backlog_audit.model import KeyResult, Objective, OkrSet
from backlog_audit.okrs.validate import check_names, okr_names
from backlog_audit.okrs.values import (
    INDICATORS,
    LEVELS,
    choice_problem,
    number_problem,
    parse_number,
    read_text,
    suggest,
)

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
    "aligns_to",
)

_NULL_TAG = "tag:yaml.org,2002:null"
_BOOL_TAG = "tag:yaml.org,2002:bool"


# Keys of a key result, for the hint when one is written where a KR cannot be.
_KR_ONLY_KEYS = ("key_results", "baseline", "target", "metric", "unit", "indicator", "current")


def _misplaced(key: str, allowed: tuple[str, ...]) -> str:
    """A hint for KR keys outside an objective's key_results (SPEC 3: a KR without objective)."""
    if key.lower() not in _KR_ONLY_KEYS or key.lower() in allowed:
        return ""
    if key.lower() == "key_results":
        return " (key results belong in an objective's key_results list)"
    return f" ('{key}' belongs to a key result, in an objective's key_results list)"


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
                hint = suggest(key, keys) or _misplaced(key, keys)
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
        value = None if node.tag == _BOOL_TAG else parse_number(raw)
        if value is None:
            raise self.fail(node, ypath, number_problem(_leaf(ypath), raw))
        return value

    def choice(self, node: yaml.Node | None, ypath: str, choices: tuple[str, ...]) -> str | None:
        """One of `choices` (case-insensitive), None when absent."""
        raw = None if node is None else self.text(node, ypath)
        if node is None or raw is None:
            return None
        if raw.lower() not in choices:
            raise self.fail(node, ypath, choice_problem(_leaf(ypath), raw, choices))
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


def load_yaml(path: str) -> OkrSet:
    """Read and validate a YAML OKR set."""
    reader = _YamlFile(path)
    root = _compose(path, read_text(path))
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
    check_names(path, okr_names(okrs, reader.wheres))
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
        aligns_to=reader.text(fields.get("aligns_to"), f"{ypath}.aligns_to"),
    )
