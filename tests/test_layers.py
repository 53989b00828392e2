"""Nothing imports upwards: sources -> pure core -> report writers -> thin CLI.

Each room of backlog_audit/ (docs/architecture.md) may import only the rooms listed for it
here. A new import across rooms that is not in the table fails with the file that makes it:
either the import goes, or the table (and docs/architecture.md) says why the room needs it.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "backlog_audit"

VOCABULARY = {"model", "errors", "table"}
# room -> the rooms it may import (besides itself).
ALLOWED: dict[str, set[str]] = {
    # AuditResult.to_pandas() hands over to `table` (imported when called).
    "model": {"table"},
    "table": {"model"},
    "errors": set(),
    "core": VOCABULARY,
    "adapters": VOCABULARY | {"core"},
    "okrs": VOCABULARY | {"core", "adapters"},  # an asana-goals: set is read by the source
    "history": VOCABULARY | {"core"},
    "portfolio": VOCABULARY | {"core"},  # the pure portfolio figures (SPEC 11)
    "reports": VOCABULARY | {"core", "portfolio"},
    "output": VOCABULARY | {"reports"},
    "config": VOCABULARY | {"adapters", "okrs"},
    "run": VOCABULARY | {"core", "adapters", "okrs", "history", "reports", "output"},
    # A portfolio run: every team's run, rolled up (SPEC 11).
    "teams": VOCABULARY
    | {"core", "adapters", "okrs", "history", "reports", "output", "run", "portfolio"},
    "cli": VOCABULARY
    | {"core", "adapters", "okrs", "history", "reports", "output", "config", "run", "package"}
    | {"portfolio", "teams"},
    "__main__": {"cli"},
    "package": set(),  # backlog_audit/__init__.py: the version
}


def room(module: str) -> str | None:
    """The room of a `backlog_audit...` module name, None for anything else."""
    parts = module.split(".")
    if parts[0] != "backlog_audit":
        return None
    return parts[1] if len(parts) > 1 else "package"


def room_of_file(relative: Path) -> str:
    """The room a file of the package (path relative to it) belongs to."""
    name = relative.parts[0].removesuffix(".py")
    return "package" if name == "__init__" else name


def imports(path: Path) -> set[str]:
    """Every backlog_audit module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_every_room_imports_only_the_rooms_below_it() -> None:
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        own = (
            "package" if relative == Path("__init__.py") else relative.parts[0].removesuffix(".py")
        )
        for module in imports(path):
            other = room(module)
            if other is not None and other != own and other not in ALLOWED[own]:
                upward.append(f"{relative} imports {module}")
    assert upward == []


def test_the_table_names_every_room() -> None:
    modules = [p for p in PACKAGE.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()]
    assert {room_of_file(Path(p.name)) for p in modules} == set(ALLOWED)
