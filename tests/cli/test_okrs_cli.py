"""`backlog-audit okrs lint` through CliRunner: exit codes 0/1/2, formats, config, examples."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli_runner import invoke

# Writes OKR YAML text (and an optional file name) into tmp_path; returns the path.
WriteOkrs = Callable[..., str]

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

CLEAN = """\
objectives:
  - id: O1
    title: Tech leads adopt the product
    key_results:
      - id: KR1.1
        title: Net activation rate of users classified as tech leads from 50% to 70%
"""

# One warning (output-phrased) and nothing else: the KR names a metric, baseline and target.
WARNING_ONLY = CLEAN.replace(
    "Net activation rate of users classified as tech leads from 50% to 70%",
    "Launch the onboarding wizard",
) + ("        metric: wizard completions\n        baseline: 0\n        target: 40\n")

# One error (objective-without-krs), nothing else.
ERROR_ONLY = CLEAN + "  - id: O2\n    title: Teams trust the weekly report\n"

# One info (impact-metric-at-team-level), nothing else.
INFO_ONLY = "level: team\n" + CLEAN.replace("Net activation rate", "Net revenue rate")


@pytest.fixture
def okr_file(tmp_path: Path) -> WriteOkrs:
    """A writer of OKR YAML files into tmp_path."""

    def write(text: str, name: str = "okrs.yaml") -> str:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def test_clean_set_exits_0(okr_file: WriteOkrs) -> None:
    path = okr_file(CLEAN)

    result = invoke(["okrs", "lint", path], 0)

    assert result.stdout == f"{path}: no findings (1 objective, 1 key result checked)\n"


def test_error_finding_exits_1(okr_file: WriteOkrs) -> None:
    path = okr_file(ERROR_ONLY)

    result = invoke(["okrs", "lint", path], 1)

    assert result.stdout.splitlines()[0].startswith(
        "O2  error    objective-without-krs  objective O2 has no key results"
    )
    assert result.stdout.splitlines()[-1] == (
        f"{path}: 1 finding (1 error, 0 warnings, 0 info; 2 objectives, 1 key result)"
    )


def test_warnings_fail_only_with_strict(okr_file: WriteOkrs) -> None:
    path = okr_file(WARNING_ONLY)

    relaxed = invoke(["okrs", "lint", path], 0)
    invoke(["okrs", "lint", path, "--strict"], 1)

    assert "KR1.1  warning  output-phrased" in relaxed.stdout


def test_info_never_fails_even_strict(okr_file: WriteOkrs) -> None:
    path = okr_file(INFO_ONLY)

    result = invoke(["okrs", "lint", path, "--strict"], 0)

    assert "impact-metric-at-team-level" in result.stdout


def test_disable_switches_rules_off(okr_file: WriteOkrs) -> None:
    path = okr_file(ERROR_ONLY)

    result = invoke(["okrs", "lint", path, "--disable", "lagging-only,objective-without-krs"], 0)

    assert "no findings" in result.stdout


def test_unknown_rule_is_a_usage_error(okr_file: WriteOkrs) -> None:
    path = okr_file(CLEAN)

    result = invoke(["okrs", "lint", path, "--disable", "too-many-kr"], 2)

    assert result.stderr == (
        "backlog-audit: error: unknown lint rule 'too-many-kr' (did you mean 'too-many-krs'?)\n"
    )


def test_invalid_okr_file_exits_2_with_one_line(okr_file: WriteOkrs) -> None:
    path = okr_file(CLEAN + "        basline: 50\n")

    result = invoke(["okrs", "lint", path], 2)

    assert result.stdout == ""
    assert result.stderr == (
        f"backlog-audit: error: {path}:line 7 (objectives[0].key_results[0].basline): "
        "unknown key 'basline' in a key result (did you mean 'baseline'?)\n"
    )


def test_missing_parent_file_exits_2(okr_file: WriteOkrs, tmp_path: Path) -> None:
    path = okr_file(CLEAN)
    parent = str(tmp_path / "company.yaml")

    result = invoke(["okrs", "lint", path, "--parent", parent], 2)

    assert result.stderr == f"backlog-audit: error: {parent}: no such file\n"


def test_parent_set_checks_alignment(okr_file: WriteOkrs) -> None:
    parent = okr_file("objectives:\n  - id: CO-1\n    title: Win small teams\n", "company.yaml")
    unknown = okr_file(CLEAN.replace("    key_results:", "    aligns_to: CO-7\n    key_results:"))

    result = invoke(["okrs", "lint", unknown, "--parent", parent], 1)

    assert "O1  error    unaligned" in result.stdout


def test_json_format(okr_file: WriteOkrs) -> None:
    path = okr_file(ERROR_ONLY)

    result = invoke(["okrs", "lint", path, "--format", "json"], 1)

    document = json.loads(result.stdout)
    assert document["okrs"] == path
    assert document["summary"] == {"error": 1, "warning": 0, "info": 0}
    assert [(f["id"], f["rule"], f["severity"]) for f in document["lint"]] == [
        ("O2", "objective-without-krs", "error")
    ]


def test_markdown_format_escapes_pipes(okr_file: WriteOkrs) -> None:
    path = okr_file(WARNING_ONLY.replace("Launch the onboarding wizard", "Launch wizard | beta"))

    result = invoke(["okrs", "lint", path, "--format", "md"], 0)

    lines = result.stdout.splitlines()
    assert lines[0] == f"## OKR lint: {path}"
    assert lines[4] == "| Id | Severity | Rule | Message |"
    assert lines[6].startswith(
        "| KR1.1 | warning | output-phrased | 'Launch wizard \\| beta' describes an output"
    )


def test_config_lint_table_tunes_rules(okr_file: WriteOkrs, tmp_path: Path) -> None:
    path = okr_file(CLEAN.replace("Net activation rate", "Pilot activation rate"))
    config = tmp_path / "lint.toml"
    # Replacing the metric patterns with one that does not match makes "Pilot ..." an output.
    config.write_text(
        '[lint]\nextra_output_verbs = ["pilot"]\nmetric_patterns = ["nomatch"]\n'
        'disable = ["no-metric"]\n',
        encoding="utf-8",
    )

    result = invoke(["okrs", "lint", path, "--config", str(config), "--strict"], 1)

    assert [line.split()[2] for line in result.stdout.splitlines()[:-1]] == ["output-phrased"]


def test_default_config_in_working_directory_is_read(
    okr_file: WriteOkrs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = okr_file(ERROR_ONLY)
    # Audit options in the same file are not lint's business and are ignored here.
    (tmp_path / "backlog-audit.toml").write_text(
        'source = "csv"\n[lint]\ndisable = ["objective-without-krs"]\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)

    invoke(["okrs", "lint", path], 0)


def test_bad_config_key_exits_2(okr_file: WriteOkrs, tmp_path: Path) -> None:
    path = okr_file(CLEAN)
    config = tmp_path / "lint.toml"
    config.write_text("[lint]\nmax_krs = 3\n", encoding="utf-8")

    result = invoke(["okrs", "lint", path, "--config", str(config)], 2)

    assert result.stderr == (
        f"backlog-audit: error: {config}: [lint] unknown key 'max_krs' "
        "(did you mean 'max_krs_per_objective'?)\n"
    )


def test_help_shows_an_example() -> None:
    result = invoke(["okrs", "lint", "--help"], 0)

    assert "backlog-audit okrs lint examples/okrs.yaml" in result.stdout


# --- the bundled examples ---------------------------------------------------------------------


def test_bundled_good_set_is_clean() -> None:
    result = invoke(["okrs", "lint", str(EXAMPLES / "okrs.yaml"), "--strict"], 0)

    assert "no findings" in result.stdout


def test_bundled_company_set_is_clean() -> None:
    invoke(["okrs", "lint", str(EXAMPLES / "okrs-company.yaml"), "--strict"], 0)


def test_bundled_bad_set_trips_every_rule() -> None:
    args = ["okrs", "lint", str(EXAMPLES / "okrs-bad.yaml")]
    args += ["--parent", str(EXAMPLES / "okrs-company.yaml"), "--format", "json"]

    result = invoke(args, 1)

    rules = {finding["rule"] for finding in json.loads(result.stdout)["lint"]}
    assert rules == {
        "output-phrased",
        "no-metric",
        "no-baseline",
        "no-target",
        "target-equals-baseline",
        "objective-has-number",
        "too-many-krs",
        "objective-without-krs",
        "impact-metric-at-team-level",
        "lagging-only",
        "unaligned",
        "near-duplicate-kr",
    }


def test_counts_have_thousands_separators(okr_file: WriteOkrs) -> None:
    krs = "".join(
        f"      - id: KR1.{n}\n        title: Net activation rate of cohort {n} from 50% to 70%\n"
        for n in range(1, 1201)
    )
    path = okr_file(CLEAN.split("    key_results:\n")[0] + "    key_results:\n" + krs)

    result = invoke(["okrs", "lint", path])

    assert "1,200 findings (0 errors, 1,200 warnings, 0 info; 1 objective, 1,200 key results)" in (
        result.stdout
    )
