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


def test_the_project_is_found_without_an_editable_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An installed package (not a checkout) finds the project from the working directory, or
    from AGENT_KPIS_PROJECT_DIR."""
    import agent_kpis.settings as settings

    project = tmp_path / "project"
    (project / "models").mkdir(parents=True)
    (project / "dbt_project.yml").write_text("name: x\n")
    installed = tmp_path / "site-packages" / "agent_kpis" / "settings.py"
    monkeypatch.setattr(settings, "__file__", str(installed))
    monkeypatch.delenv(settings.PROJECT_ENV, raising=False)
    monkeypatch.chdir(project / "models")
    assert settings._find_project() == project.resolve()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(settings.PROJECT_ENV, str(project))
    assert settings._find_project() == project.resolve()
