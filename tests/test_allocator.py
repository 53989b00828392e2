"""The engine's allocator hands freed memory back at once (issue 15: peak memory)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

# Imports the package, then the engine, the allocator's statistics asked for on top of what
# the package set: printed at exit, they say which options the allocator started with.
_SHOW = (
    "import os, backlog_audit; "
    "os.environ['_RJEM_MALLOC_CONF'] = os.environ.get('_RJEM_MALLOC_CONF', '') + "
    "',stats_print:true,stats_print_opts:mdablxe'; "
    "import polars; polars.DataFrame({'a': [1]})"
)


def _decays(environ: dict[str, str]) -> tuple[str, str]:
    """How long the allocator keeps freed pages, then lazily freed ones (ms)."""
    done = subprocess.run(
        [sys.executable, "-c", _SHOW], capture_output=True, text=True, env=environ, check=True
    )
    shown = done.stdout + done.stderr
    found = [re.search(rf"opt\.{kind}_decay_ms: (-?\d+)", shown) for kind in ("dirty", "muzzy")]
    assert found[0] and found[1], shown[-500:]
    return found[0].group(1), found[1].group(1)


def test_the_engine_starts_with_freed_pages_handed_back_soon_and_at_once() -> None:
    environ = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    assert _decays(environ) == ("200", "0")  # polars' own: 500 and 1000 ms


def test_an_option_the_user_set_is_kept() -> None:
    environ = dict(os.environ) | {"_RJEM_MALLOC_CONF": "muzzy_decay_ms:700"}
    assert _decays(environ) == ("500", "700")
