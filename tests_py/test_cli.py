"""The command line: every option explains itself, expected errors are one line, not a traceback."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from agent_kpis.cli import build_parser, main


def test_every_option_of_every_command_has_help() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    missing = [
        f"{name} {action.option_strings or action.dest}"
        for name, command in sub.choices.items()
        for action in command._actions
        if not isinstance(action, argparse._HelpAction) and not action.help
    ]
    assert not missing, missing
    for name in sub.choices:
        assert name in (parser.description or ""), f"the module docstring does not list {name}"


@pytest.mark.parametrize(
    "argv",
    [
        ["report", "--published", "{tmp}/missing.duckdb"],
        ["validate", "publishing", "--duckdb", "{tmp}/missing.duckdb"],
        ["summary", "--duckdb", "{tmp}/missing.duckdb"],
    ],
)
def test_a_missing_warehouse_is_one_line_and_a_failing_exit_code(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([a.format(tmp=tmp_path) for a in argv])
    out, err = capsys.readouterr()
    assert code != 0
    assert "missing.duckdb" in out + err
    assert "Traceback" not in out + err
