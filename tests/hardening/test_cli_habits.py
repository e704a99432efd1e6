"""CLI habits (issue 11, item 8): "did you mean", ids in any case, completion, metavars."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.cli import call_main

from detente.cli import COMMANDS, _command, _register


def _all_commands() -> Any:
    _register(list(dict.fromkeys(COMMANDS.values())))
    return _command()


def _walk(command: Any, path: str = "detente") -> Any:
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _walk(sub, f"{path} {name}")


def test_every_option_says_what_it_takes() -> None:
    bare = []
    for path, command in _walk(_all_commands()):
        for param in command.params:
            if param.param_type_name == "argument":
                if param.metavar is None:
                    bare.append(f"{path} {param.name}")
                continue
            if getattr(param, "is_flag", False) or getattr(param, "count", False):
                continue
            if param.metavar is None and not hasattr(param.type, "choices"):
                bare.append(f"{path} {max(param.opts, key=len)} ({param.type.name})")
    assert bare == []


def test_shell_completion_is_on() -> None:
    names = {o for p in _all_commands().params for o in p.opts}
    assert {"--install-completion", "--show-completion"} <= names


@pytest.mark.parametrize(
    ("args", "wanted"),
    [
        (("world", "members", "csto", "--on", "2009-09-10", "--json"), '"KAZ"'),
        (("world", "members", "nato", "--also", "pfp", "--on", "1994-12-31"), "PFP"),
        (("world", "history", "uzb", "--json"), '"CSTO"'),
        (("world", "shared", "kaz", "usa", "--json"), '"OSCE"'),
        (("world", "capabilities", "kaz", "--year", "2008", "--json"), '"milex"'),
    ],
)
def test_world_ids_are_matched_ignoring_case(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], wanted: str
) -> None:
    code, out, err = call_main(capsys, *args)
    assert code == 0, err
    assert wanted in out


def test_an_id_in_no_case_gets_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = call_main(capsys, "world", "members", "CTSO")
    assert code == 2 and "did you mean 'CSTO'" in err


EXT = "world: {name: w, extends: builtin}\n"


@pytest.mark.parametrize(
    ("name", "text", "command", "wanted"),
    [
        (
            "w.yaml",
            EXT + "sources:\n  - {id: n, kind: document, titel: t}\n",
            ("world", "check"),
            "w.yaml:3: sources[0].titel: unknown field; did you mean 'title'?",
        ),
        (
            "w.yaml",
            EXT + "membrships: []\n",
            ("world", "check"),
            "w.yaml:2: membrships: unknown section (did you mean 'memberships'?",
        ),
        (
            "w.yaml",
            "world: {name: w, extend: builtin}\n",
            ("world", "check"),
            "w.yaml:1: world.extend: unknown field; did you mean 'extends'?",
        ),
        (
            "e.yaml",
            "episodes:\n  - {id: x, date: 2009-09-18, type: engagement, proposer: CSTO, "
            "target: NATO, text: t, recorded_outcom: refuse, sources: [kucera-2010]}\n",
            ("backtest",),
            "e.yaml:2: episodes[0].recorded_outcom: episode 'x': unknown field; "
            "did you mean 'recorded_outcome'",
        ),
        (
            "e.yaml",
            "episode: []\n",
            ("backtest",),
            "did you mean 'episodes'",
        ),
        (
            "t.yaml",
            "name: t\nactors:\n  - {id: A, capability: 1, position: 0, salince: .5}\n"
            "  - {id: B, capability: 2, position: 50, salience: .5}\n"
            "  - {id: C, capability: 3, position: 100, salience: .5}\n",
            ("forecast",),
            "t.yaml:3: actors[0].salince: unknown field; did you mean 'salience'?",
        ),
        (
            "q.yaml",
            "id: q\ndate: 2009-09-18\nthreshhold: 50\nscale: {min: 0, max: 100}\nactors: []\n",
            ("forecast",),
            "q.yaml:3: threshhold: unknown field; did you mean 'threshold'",
        ),
        (
            "p.yaml",
            "realist:\n  rivalry_weigh: 1\n",
            ("explain", "nato-csto-2009", "--lens", "realist", "--params"),
            "p.yaml:2: realist.rivalry_weigh: unknown parameter (did you mean 'rivalry_weight'",
        ),
    ],
)
def test_unknown_yaml_fields_get_did_you_mean(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    name: str,
    text: str,
    command: tuple[str, ...],
    wanted: str,
) -> None:
    path = tmp_path / name
    path.write_text(text)
    extra = ("--lens", "realist") if command == ("backtest",) else ()
    code, _, err = call_main(capsys, *command, str(path), *extra)
    assert code == 2 and wanted in err, err


@pytest.mark.parametrize(
    ("setting", "wanted"),
    [
        ("rivalry_weigh=1", "did you mean 'rivalry_weight'"),
        ("realst.rivalry_weight=1", "unknown lens 'realst'; did you mean 'realist'?"),
    ],
)
def test_unknown_set_keys_get_did_you_mean(
    capsys: pytest.CaptureFixture[str], setting: str, wanted: str
) -> None:
    code, _, err = call_main(
        capsys, "explain", "nato-csto-2009", "--lens", "realist", "--set", setting
    )
    assert code == 2 and wanted in err, err
