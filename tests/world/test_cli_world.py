"""``detente world ...`` through the real entry point: ``detente.cli.main`` in-process (a
subprocess adds only start-up), and one JSON-purity check as a real ``python -m detente``
process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli import run_cli, run_in_process
from tests.world.conftest import MINI_WORLD

run = run_in_process


def test_members_json_is_only_json(mini_world_dir: Path) -> None:
    # a real process: nothing else, not even a warning written below sys.stdout, reaches stdout
    result = run_cli(
        "world", "members", "CSTO", "--on", "2010-01-01", "--world", mini_world_dir, "--json"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["RUS", "UZB"]


def test_members_by_status(mini_world_dir: Path) -> None:
    args = ("world", "members", "CSTO", "--on", "2012-07-01", "--world", mini_world_dir, "--json")
    assert json.loads(run(*args).stdout) == ["RUS"]
    assert json.loads(run(*args, "--status", "suspended").stdout) == ["UZB"]
    assert json.loads(run(*args, "--status", "any").stdout) == ["RUS", "UZB"]


def test_history_and_capabilities(mini_world_dir: Path) -> None:
    history = json.loads(run("world", "history", "UZB", "--world", mini_world_dir, "--json").stdout)
    assert [(h["start"], h.get("end"), h["status"]) for h in history] == [
        ("2006-08-16", "2012-06-28", "member"),
        ("2012-06-28", "2012-12-19", "suspended"),
    ]
    result = run(
        "world", "capabilities", "RUS", "--year", "2009", "--world", mini_world_dir, "--json"
    )
    (series,) = json.loads(result.stdout)
    assert series["measure"] == "milex" and series["values"] == {"2009": 58.5}


def test_show_and_sources_print_tables(mini_world_dir: Path) -> None:
    result = run("world", "show", "--on", "2010-01-01", "--world", mini_world_dir)
    assert result.returncode == 0 and "CSTO" in result.stdout and "consensus" in result.stdout
    sources = json.loads(run("world", "sources", "--world", mini_world_dir, "--json").stdout)
    assert {s["id"]: s["cited_by"] for s in sources} == {"src-a": 7, "src-b": 2}


def test_check_reports_every_problem_and_exits_2(tmp_path: Path) -> None:
    broken = MINI_WORLD.replace("cow: 2, sources: [src-a]", "cow: 2, sources: [src-z]").replace(
        "founded: 2002-10-07", "founded: 2002/10/07"
    )
    (tmp_path / "w.yaml").write_text(broken, encoding="utf-8")
    result = run("world", "check", tmp_path / "w.yaml")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "w.yaml:8: states[2].sources[0]" in result.stderr
    assert "w.yaml:13: organisations[0].founded" in result.stderr
    assert result.stdout == ""


def test_check_accepts_a_valid_world(mini_world_dir: Path) -> None:
    result = run("world", "check", mini_world_dir)
    assert result.returncode == 0 and "ok" in result.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("world", "members", "XXX"), "unknown organisation 'XXX'"),
        (("world", "history", "XXX"), "unknown actor 'XXX'"),
        (("world", "members", "CSTO", "--on", "10/09/2009"), "not a date"),
        (("world", "check", "/no/such/world"), "no such file"),
    ],
)
def test_bad_input_exits_2_without_traceback(
    mini_world_dir: Path, args: tuple[str, ...], words: str
) -> None:
    result = run(*args, "--world", mini_world_dir) if args[1] != "check" else run(*args)
    assert result.returncode == 2, result.stdout
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_schema_is_json_schema_and_writes_atomically(tmp_path: Path) -> None:
    schema = json.loads(run("world", "schema").stdout)
    assert schema["$schema"].endswith("2020-12/schema")
    assert {"memberships", "capabilities", "sources"} <= set(schema["properties"])
    out = tmp_path / "schema.json"
    assert run("world", "schema", "--output", out).returncode == 0
    assert json.loads(out.read_text(encoding="utf-8")) == schema
    assert [p.name for p in tmp_path.iterdir()] == ["schema.json"]


def test_extending_the_builtin_world(tmp_path: Path) -> None:
    (tmp_path / "ext.yaml").write_text(
        "world: {name: extended, extends: builtin}\n"
        "sources:\n  - {id: my-notes, kind: document, title: My notes}\n"
        "states:\n  - {id: MNG, name: Mongolia, cow: 712, sources: [my-notes], replace: true}\n"
        "memberships:\n  - {actor: MNG, org: CSTO, start: 2030-01-01, status: observer, "
        "sources: [my-notes]}\n",
        encoding="utf-8",
    )
    result = run("world", "members", "CSTO", "--on", "2030-06-01", "--status", "observer",
                 "--world", tmp_path, "--json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["MNG"]


def test_version() -> None:
    from detente import __version__

    result = run("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"detente {__version__}"


def test_shared_organisations_of_two_actors() -> None:
    members = run("world", "shared", "KAZ", "USA", "--on", "2009-09-10", "--json")
    assert members.returncode == 0, members.stderr
    shared_members = json.loads(members.stdout)
    assert "OSCE" in shared_members and "NATO" not in shared_members
    # Kazakhstan is a PfP partner, the US a NATO member: shared only when any status counts
    anyone = run("world", "shared", "KAZ", "USA", "--on", "2009-09-10", "--any-status", "--json")
    assert "EAPC" in json.loads(anyone.stdout) and "EAPC" not in shared_members
    assert run("world", "shared", "KAZ", "XXX").returncode == 2


def test_members_also_in_another_organisation() -> None:
    """The issue's question: which CSTO states were also PfP partners in September 2009?"""
    result = run("world", "members", "CSTO", "--on", "2009-09-10", "--also", "PFP", "--json")
    assert result.returncode == 0, result.stderr
    both = json.loads(result.stdout)
    # every CSTO member had joined PfP by then (Tajikistan last, in 2002)
    assert both == ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK", "UZB"]
    before = run("world", "members", "CST", "--on", "2002-01-01", "--also", "PFP", "--json")
    assert "TJK" not in json.loads(before.stdout) and "KAZ" in json.loads(before.stdout)
    assert run("world", "members", "CSTO", "--also", "NOPE").returncode == 2
