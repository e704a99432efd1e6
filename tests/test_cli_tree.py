"""The CLI builds only the command a run names (detente.cli._path_of, _pruned), and that command
is the one the whole tree holds: same options, types, defaults and help.

(Issue 14: building all 14 ``world`` commands to run one was a tenth of ``world members``.)
"""

from __future__ import annotations

from typing import Any

import pytest

from detente import cli


@pytest.fixture(scope="module")
def whole() -> Any:
    cli._register(list(dict.fromkeys(cli.COMMANDS.values())))
    return cli._command()


def _describe(command: Any) -> list[tuple[object, ...]]:
    return [
        (p.name, tuple(p.opts), p.type.name, repr(p.default), p.required, p.metavar, p.help)
        for p in command.params
    ]


def _paths(group: Any) -> list[tuple[str, ...]]:
    out = []
    for name, command in group.commands.items():
        subs = getattr(command, "commands", None)
        if subs:
            out += [(name, sub) for sub in subs]
        else:
            out.append((name,))
    return out


def test_a_pruned_tree_holds_the_same_command(whole: Any) -> None:
    paths = _paths(whole)
    assert ("world", "members") in paths and ("forecast",) in paths and len(paths) > 25
    for path in paths:
        pruned = cli._command(path)
        assert list(pruned.commands) == [path[0]]  # only the named command was built
        assert _describe(pruned) == _describe(whole)  # the root's own options
        a, b = pruned.commands[path[0]], whole.commands[path[0]]
        if len(path) > 1:
            assert list(a.commands) == [path[1]]
            a, b = a.commands[path[1]], b.commands[path[1]]
        _same_command(a, b, path)


def _same_command(a: Any, b: Any, path: tuple[str, ...]) -> None:
    assert _describe(a) == _describe(b), path
    same = ("help", "short_help", "no_args_is_help", "hidden", "deprecated", "epilog")
    assert all(getattr(a, k) == getattr(b, k) for k in same), path
    subs = getattr(b, "commands", None)
    if subs:  # a group below the second level (``episodes import igo``) is built whole
        assert list(a.commands) == list(subs), path
        for name in subs:
            _same_command(a.commands[name], subs[name], (*path, name))
    else:
        assert a.callback.__qualname__ == b.callback.__qualname__  # Typer's wrapper of one function


@pytest.mark.parametrize(
    ("argv", "path"),
    [
        (["world", "members", "CSTO"], ("world", "members")),
        (["-v", "-q", "world", "members", "CSTO", "--on", "2009-01-01"], ("world", "members")),
        (["forecast", "nato-csto-2009", "--runs", "5"], ("forecast", "nato-csto-2009")),
        (["world", "--bogus", "members"], ("world",)),
        (["world", "members", "--help"], ()),
        (["world", "-h"], ()),
        (["--install-completion"], ()),
        (["world", "members", "--", "CSTO"], ()),
        (["--version"], ()),
        ([], ()),
    ],
)
def test_the_path_a_command_line_names(argv: list[str], path: tuple[str, ...]) -> None:
    assert cli._path_of(argv) == path


def test_completion_builds_the_whole_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_DETENTE_COMPLETE", "bash_complete")
    assert cli._path_of(["world", "members"]) == ()


def test_a_misspelt_command_still_gets_a_hint(
    whole: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv, hint in ((["world", "membrs", "CSTO"], "members"), (["forcast", "x"], "forecast")):
        with pytest.raises(SystemExit) as info:
            cli.main(argv)
        assert info.value.code == 2
        assert f"Did you mean '{hint}'" in capsys.readouterr().err
