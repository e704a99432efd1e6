"""Every reproducer of the reliability review's table, run again through the real entry point.

``../shared/reviews/reliability.md`` lists 33 findings, each with a reproducer. Each case here
is one of them, numbered as in the table (``r07-covers`` is finding 7), run in-process through
:func:`detente.cli.main` with the review's input made small where its size does not matter. A
case passes when the command exits 2 with a message naming the place (file and line, the field
or the option), or exits 0 with the right answer where the input is valid. The inputs are
written once per module; the whole file takes a few seconds.

Reproducers that need a privilege or a mount (a device node without root, a read-only or full
file system) are in ``test_special_files.py`` (skipped where they cannot run); those about time
and memory are measured by ``benchmarks/world_check.py`` or bounded by a check run here.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import stat
import sys
from pathlib import Path

import numpy as np
import pytest
from tests.cli import call_main

from detente.errors import InputError

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
HEAD = "Actor,Capability,Position,Salience\n"
TABLE = HEAD + "A,1,0,0.5\nB,2,50,0.5\nC,3,100,0.5\n"
QUICK = ("--runs", "5", "--sensitivity", "none")
EXT = (
    "world: {name: mine, extends: builtin}\n"
    "sources:\n  - {id: my-notes, kind: document, title: n}\n"
)
BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{b}: &{b} [{','.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)
EPISODE = """episodes:
  - id: {id}
    date: {date}
    type: engagement
    proposer: {proposer}
    target: NATO
    text: '{text}'
    recorded_outcome: refuse
    sources: [kucera-2010]
"""


def _question(**changes: str) -> str:
    """A small question file (three actors), with ``changes`` to its top-level lines."""
    fields = {
        "id": "q",
        "title": "q",
        "date": "2009-09-18",
        "question": "How far?",
        "scale": "{dimension: d, min: 0, max: 100}",
        "threshold": "50",
    }
    fields.update(changes)
    head = "".join(f"{k}: {v}\n" for k, v in fields.items() if v != "-")
    actors = "".join(
        f"  - {{id: {a}, capability: {c}, capability_note: n, position: {p}, salience: 0.5, "
        "note: n, sources: [edm-2005]}\n"
        for a, c, p in (("USA", 10, 0), ("RUS", 5, 90), ("DEU", 3, 40))
    )
    return head + "actors:\n" + actors


FILES: dict[str, str] = {
    # 1: an extension keeps the built-in records
    "mine.yaml": EXT + "memberships:\n"
    "  - {actor: MNG, org: CSTO, start: 2030-01-01, status: observer, sources: [my-notes]}\n",
    # 3: a NaN capability
    "nan.yaml": EXT + "capabilities:\n"
    "  - {actor: USA, measure: milex, unit: x, values: {2008: .nan}, sources: [my-notes]}\n",
    # 5: a valid table of low saliences
    "low.csv": HEAD + "A,1,0,0.05\nB,2,50,0.05\nC,3,100,0.05\n",
    # 6: duplicate keys
    "dupworld.yaml": EXT + "memberships:\n"
    "  - {actor: KAZ, actor: UZB, org: CSTO, start: 2030-01-01, sources: [my-notes]}\n",
    "duptable.yaml": "actors:\n  - {id: A, capability: 3.5, capability: 99, position: 0, "
    "salience: .5}\n  - {id: B, capability: 1, position: 50, salience: .5}\n"
    "  - {id: C, capability: 1, position: 100, salience: .5}\n",
    "dupactors.yaml": "actors:\n  - {id: A, capability: 1, position: 0, salience: .5}\n"
    "actors: []\n",
    # 7: reversed coverage, two headers, an overlap with a built-in membership
    "covers.yaml": "world: {name: w, covers: [2024-01-01, 1990-01-01], extends: builtin}\n",
    "two/a.yaml": "world: {name: a, extends: builtin}\n",
    "two/b.yaml": "world: {name: b, extends: builtin}\n",
    "overlap.yaml": EXT + "memberships:\n"
    "  - {actor: USA, org: NATO, start: 2010-01-01, sources: [my-notes]}\n",
    # 8: alias bombs
    "bomb.yaml": BOMB,
    # 10: many records (the benchmark times 1k to 20k)
    "many.yaml": EXT + "organisations:\n  - {id: BENCH, name: b, kind: forum, founded: 1900-01-01, "
    "decision_rule: consensus, sources: [my-notes]}\nmemberships:\n"
    + "".join(
        f"  - {{actor: KAZ, org: BENCH, start: {dt.date(1900, 1, 1) + dt.timedelta(2 * k)}, "
        f"end: {dt.date(1900, 1, 2) + dt.timedelta(2 * k)}, sources: [my-notes]}}\n"
        for k in range(200)
    ),
    # 13: markup in user text
    "markup.csv": HEAD + "[/bold],1,0,0.5\nB,2,50,0.5\nC,3,100,0.5\n",
    "markup.yaml": "name: '[/]'\nactors:\n  - {id: A, capability: 1, position: 0, salience: .5}\n"
    "  - {id: B, capability: 2, position: 50, salience: .5}\n"
    "  - {id: C, capability: 3, position: 100, salience: .5}\n",
    "a[/b].csv": TABLE,
    "qmarkup.yaml": _question(question="'[/q]'"),
    "epmarkup.yaml": EPISODE.format(id="m", date="2009-09-18", proposer="CSTO", text="[/t]"),
    # 14: impossible dates, deep nesting
    "feb30.yaml": "date: 2009-02-30\n"
    "actors:\n  - {id: A, capability: 1, position: 0, salience: 1}\n",
    "qfeb30.yaml": _question(date="2012-02-30"),
    "qyear0.yaml": _question(date="0000-01-01"),
    "deep.yaml": "actors: " + "[" * 5000 + "]" * 5000 + "\n",
    # 15: a 400-digit integer
    "bigint.yaml": "actors:\n  - {id: A, capability: "
    + "9" * 400
    + ", position: 0, salience: .5}\n",
    "qbigint.yaml": _question().replace("capability: 10", "capability: " + "9" * 400),
    "pbigint.yaml": "rivalry_weight: " + "9" * 400 + "\n",
    # 16: numbers whose range overflows
    "huge.csv": HEAD + "A,1,1e308,0.5\nB,2,-1e308,0.5\nC,3,0,0.5\n",
    "hugescale.yaml": "scale: {min: -1e308, max: 1e308}\nactors:\n"
    "  - {id: A, capability: 1, position: 0, salience: .5}\n"
    "  - {id: B, capability: 2, position: 50, salience: .5}\n"
    "  - {id: C, capability: 3, position: 100, salience: .5}\n",
    # 17: a CSV of only commas, a 200,000-character cell
    "commas.csv": ",,,\n,,,\n",
    "longcell.csv": HEAD + "A" * 200_000 + ",1,0,0.5\n",
    # 18: coverage to the calendar's end
    "end.yaml": "world: {name: w, covers: [2000-01-01, 9999-12-31], extends: builtin}\n",
    # 19: nothing to score
    "empty.yaml": "episodes: []\n",
    # 21: nesting past libyaml's limit in a world
    "deepworld.yaml": "states: " + "[" * 990 + "]" * 990 + "\n",
    # 25: a problem on line 100
    "line100.csv": HEAD + "".join(f"A{i},{i + 1},0,0.5\n" for i in range(98)) + "X,abc,0,0.5\n",
    # 26: parameter files, an organisation that does not exist yet
    "pnan.yaml": "realist:\n  rivalry_weight: .nan\n",
    "pneg.yaml": "realist:\n  rivalry_weight: -1\n",
    "pword.yaml": "realist:\n  rivalry_weight: heavy\n",
    "plens.yaml": "realistt:\n  rivalry_weight: 1\n",
    "early.yaml": EPISODE.format(id="early", date="1994-12-31", proposer="CSTO", text="t"),
    # 27: misleading messages
    "qminmax.yaml": _question(scale="{dimension: d, min: 100, max: 0}", threshold="-"),
    "qnoscale.yaml": _question(scale="-", threshold="-"),
    "qdupactor.yaml": _question()
    + "  - {id: USA, capability: 1, capability_note: n, position: 5, salience: 0.5, note: n, "
    "sources: [kucera-2010]}\n",
    "intensity.yaml": EXT + "relations:\n  - {a: KAZ, b: UZB, kind: rivalry, start: 2030-01-01, "
    "intensity: .nan, sources: [my-notes]}\n",
    "start.yaml": EXT + "memberships:\n"
    "  - {actor: MNG, org: CSTO, start: 20300101, status: observer, sources: [my-notes]}\n",
    "scaleno.yaml": EPISODE.format(id="s", date="2009-09-18", proposer="CSTO", text="t")
    + "    scale: {0: no, 100: engage}\n",
    # 30: leniencies
    "qbasic.yaml": _question(date="20090918"),
    "qfuture.yaml": _question(date="2090-01-01"),
    "underscore.csv": HEAD + "A,1_000,0,0.5\nB,2,50,0.5\nC,3,100,0.5\n",
    "nul.csv": HEAD + "A\x00B,1,0,0.5\nB,2,50,0.5\nC,3,100,0.5\n",
    "listid.yaml": "actors:\n  - {id: [a, b], capability: 1, position: 0, salience: .5}\n"
    "  - {id: B, capability: 2, position: 50, salience: .5}\n"
    "  - {id: C, capability: 3, position: 100, salience: .5}\n",
    "dupdims.yaml": "dimensions: [x, x]\nactors:\n"
    "  - {id: A, capability: 1, position: [0, 0], salience: [.5, .5]}\n"
    "  - {id: B, capability: 2, position: [50, 50], salience: [.5, .5]}\n"
    "  - {id: C, capability: 3, position: [100, 100], salience: [.5, .5]}\n",
    "t.csv": TABLE,
    "capbig.csv": HEAD + "A,1e308,0,0.5\nB,2,50,0.5\nC,3,100,0.5\n",
}


@pytest.fixture(scope="module")
def d(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding every input above (written once for the module)."""
    root = tmp_path_factory.mktemp("reproducers")
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "loop.yaml").symlink_to(root / "loop.yaml")
    (root / "old").write_text("")
    return root


# (case id, command line with {d} for the inputs' folder, expected exit status, texts that the
# output (status 0) or the error (status 2) must hold)
CASES: list[tuple[str, str, int, tuple[str, ...]]] = [
    (
        "r01-extension",
        "world members NATO --on 2009-09-10 --world {d}/mine.yaml --json",
        0,
        ('"USA"', '"DEU"'),
    ),
    ("r03-nan", "world check {d}/nan.yaml", 2, ("nan.yaml:5:", "not a finite number")),
    ("r05-low-salience", "forecast {d}/low.csv --runs 100 --sensitivity none", 0, ("low",)),
    (
        "r06-dup-world",
        "world check {d}/dupworld.yaml",
        2,
        ("dupworld.yaml:5:", "duplicate key 'actor'"),
    ),
    (
        "r06-dup-table",
        "forecast {d}/duptable.yaml",
        2,
        ("duptable.yaml:2:", "duplicate key 'capability'"),
    ),
    (
        "r06-dup-actors",
        "forecast {d}/dupactors.yaml",
        2,
        ("dupactors.yaml:3:", "duplicate key 'actors'"),
    ),
    ("r07-covers", "world check {d}/covers.yaml", 2, ("covers.yaml:1:", "world.covers", "before")),
    ("r07-headers", "world check {d}/two", 2, ("a.yaml", "b.yaml", "'world:' headers")),
    (
        "r07-overlap",
        "world check {d}/overlap.yaml",
        2,
        ("overlap.yaml:5:", "memberships[0]", "overlaps", "memberships-nato.yaml:"),
    ),
    ("r08-bomb-world", "world check {d}/bomb.yaml", 2, ("bomb.yaml:1:", "alias bomb")),
    ("r08-bomb-episodes", "backtest {d}/bomb.yaml --lens realist", 2, ("bomb.yaml:1:",)),
    ("r08-bomb-table", "forecast {d}/bomb.yaml", 2, ("bomb.yaml:1:", "alias bomb")),
    (
        "r08-bomb-params",
        "explain nato-csto-2009 --lens realist --params {d}/bomb.yaml",
        2,
        ("bomb.yaml:1:", "alias bomb"),
    ),
    (
        "r09-runs",
        "forecast nato-csto-2009 --runs 10000000 --sensitivity none",
        2,
        ("--runs 10000000", "GiB", "use --runs"),
    ),
    ("r10-many-records", "world check {d}/many.yaml", 0, ("valid",)),
    ("r11-dev-zero", "forecast /dev/zero", 2, ("/dev/zero", "not a regular file")),
    ("r11-fifo-world", "world check {d}/fifo.yaml", 2, ("fifo.yaml", "a FIFO")),
    ("r11-fifo-table", "forecast {d}/fifo.csv", 2, ("fifo.csv", "a FIFO")),
    (
        "r13-markup-actor",
        "forecast {d}/markup.csv --runs 5 --sensitivity-samples 2",
        0,
        ("[/bold]",),
    ),
    ("r13-markup-name", "forecast {d}/markup.yaml " + " ".join(QUICK), 0, ("[/]",)),
    ("r13-markup-path", "forecast {d}/a[/b].csv " + " ".join(QUICK), 0, ("a[/b].csv",)),
    ("r13-markup-question", "forecast {d}/qmarkup.yaml " + " ".join(QUICK), 0, ("[/q]",)),
    (
        "r13-markup-plot",
        "forecast {d}/t.csv --plot {d}/a[/x].png " + " ".join(QUICK),
        0,
        ("a[/x].png",),
    ),
    ("r13-markup-episode", "explain {d}/epmarkup.yaml --lens realist", 0, ("[/t]",)),
    ("r14-feb30-table", "forecast {d}/feb30.yaml", 2, ("feb30.yaml:1:", "2009-02-30")),
    ("r14-feb30-question", "forecast {d}/qfeb30.yaml", 2, ("qfeb30.yaml:3:", "2012-02-30")),
    ("r14-year0-question", "forecast {d}/qyear0.yaml", 2, ("qyear0.yaml:3:", "0000-01-01")),
    ("r14-deep-table", "forecast {d}/deep.yaml", 2, ("deep.yaml:1:", "nest")),
    ("r15-bigint-table", "forecast {d}/bigint.yaml", 2, ("bigint.yaml:2:", "too large")),
    ("r15-bigint-question", "forecast {d}/qbigint.yaml", 2, ("qbigint.yaml:", "too large")),
    (
        "r15-bigint-params",
        "explain nato-csto-2009 --lens realist --params {d}/pbigint.yaml",
        2,
        ("pbigint.yaml:1:", "too large"),
    ),
    ("r16-huge-cells", "forecast {d}/huge.csv", 2, ("huge.csv:2:", "largest magnitude")),
    ("r16-huge-scale", "forecast {d}/hugescale.yaml", 2, ("hugescale.yaml", "scale")),
    ("r17-commas", "forecast {d}/commas.csv", 2, ("commas.csv", "no rows")),
    ("r17-long-cell", "forecast {d}/longcell.csv", 2, ("longcell.csv:2:", "longer than")),
    ("r18-on-end", "world members CSTO --on 9999-12-31", 2, ("--on", "9999-12-30")),
    ("r18-covers-end", "world show --world {d}/end.yaml", 0, ("9999-12-30",)),
    (
        "r19-empty-json",
        "backtest {d}/empty.yaml --lens realist --json",
        2,
        ("empty.yaml", "no episode to score"),
    ),
    (
        "r19-all-skipped",
        "backtest {d}/early.yaml --lens realist --json",
        2,
        ("early.yaml", "early: organisation CSTO does not exist", "no episode to score"),
    ),
    (
        "r20-long-plot-name",
        "forecast {d}/t.csv --plot {d}/" + "p" * 300 + ".png",
        2,
        ("File name too long",),
    ),
    ("r20-proc-world", "world check /proc/self/mem", 2, ("/proc/self/mem", "not a regular file")),
    (
        "r20-proc-params",
        "explain nato-csto-2009 --lens realist --params /proc/self/mem",
        2,
        ("/proc/self/mem", "not a regular file"),
    ),
    ("r21-deep-world", "world check {d}/deepworld.yaml", 2, ("deepworld.yaml:1:", "nested")),
    (
        "r23-late-plot",
        "forecast nato-csto-2009 --runs 30000 --plot {d}/old/x.png",
        2,
        ("old/x.png", "Not a directory"),
    ),
    ("r24-folder-target", "world schema -o {d}", 2, ("a folder", "refusing")),
    ("r25-line-100", "forecast {d}/line100.csv", 2, ("line100.csv:100:",)),
    (
        "r26-params-nan",
        "explain nato-csto-2009 --lens realist --params {d}/pnan.yaml",
        2,
        ("pnan.yaml:2:", "rivalry_weight"),
    ),
    (
        "r26-params-negative",
        "explain nato-csto-2009 --lens realist --params {d}/pneg.yaml",
        2,
        ("pneg.yaml:2:", "outside the valid range"),
    ),
    (
        "r26-params-word",
        "explain nato-csto-2009 --lens realist --params {d}/pword.yaml",
        2,
        ("pword.yaml:2:", "not a number"),
    ),
    (
        "r26-params-lens",
        "explain nato-csto-2009 --lens realist --params {d}/plens.yaml",
        2,
        ("plens.yaml:2:", "unknown lens 'realistt'", "did you mean 'realist'"),
    ),
    (
        "r26-capability-sigma",
        "forecast nato-csto-2009 --capability-sigma 1000",
        2,
        ("--capability-sigma",),
    ),
    (
        "r26-org-not-yet",
        "explain {d}/early.yaml --lens realist",
        2,
        ("early.yaml:5:", "episodes[0].proposer", "CSTO does not exist on 1994-12-30"),
    ),
    (
        "r26-org-not-yet-forecast",
        "forecast {d}/early.yaml --lens realist " + " ".join(QUICK),
        2,
        ("early.yaml:5:", "does not exist"),
    ),
    ("r27-min-max", "forecast {d}/qminmax.yaml", 2, ("qminmax.yaml:5:", "min (100) must be below")),
    ("r27-no-scale", "forecast {d}/qnoscale.yaml", 2, ("qnoscale.yaml", "scale")),
    ("r27-dup-actor", "forecast {d}/qdupactor.yaml", 2, ("qdupactor.yaml:11:", "USA")),
    (
        "r27-intensity",
        "world check {d}/intensity.yaml",
        2,
        ("intensity.yaml:5:", "not a finite number"),
    ),
    (
        "r27-start-number",
        "world check {d}/start.yaml",
        2,
        ("start.yaml:5:", "20300101 is a number, not a date", "2030-01-01"),
    ),
    (
        "r27-scale-no",
        "explain {d}/scaleno.yaml --lens realist",
        2,
        ("scaleno.yaml:10:", "scale", "true/false", "quote"),
    ),
    ("r27-link-loop", "world check {d}/loop.yaml", 2, ("loop.yaml", "link")),
    ("r27-dev-null", "world check /dev/null", 2, ("/dev/null", "not a regular file")),
    (
        "r30-question-basic-date",
        "forecast {d}/qbasic.yaml",
        2,
        ("qbasic.yaml:3:", "20090918", "YYYY-MM-DD"),
    ),
    ("r30-on-basic", "world members CSTO --on 20090910", 2, ("--on", "YYYY-MM-DD")),
    ("r30-on-week", "world members CSTO --on 2009-W37-4", 2, ("--on", "YYYY-MM-DD")),
    (
        "r30-question-future",
        "forecast {d}/qfuture.yaml",
        2,
        ("qfuture.yaml:3:", "outside the world's coverage"),
    ),
    (
        "r30-threshold",
        "forecast nato-csto-2009 --threshold 1000 " + " ".join(QUICK),
        2,
        ("--threshold", "outside the scale 0..100"),
    ),
    (
        "r30-other-lens",
        "backtest {d}/empty.yaml --lens realist --set liberal.ties_weight=1",
        2,
        ("liberal.ties_weight is ignored", "add --lens liberal"),
    ),
    (
        "r30-params-yes",
        "explain nato-csto-2009 --lens realist --params {d}/pyes.yaml",
        2,
        ("pyes.yaml:1:", "yes/no"),
    ),
    ("r30-underscore", "forecast {d}/underscore.csv", 2, ("underscore.csv:2:", "1_000")),
    ("r30-nul", "forecast {d}/nul.csv", 2, ("nul.csv:2:", "control character")),
    ("r30-list-id", "forecast {d}/listid.yaml", 2, ("listid.yaml:2:", "actors[0].id")),
    ("r30-dup-dims", "forecast {d}/dupdims.yaml", 2, ("dupdims.yaml", "dimensions", "twice")),
    ("r30-year-low", "world capabilities USA --year -1", 2, ("--year",)),
    ("r30-year-high", "world capabilities USA --year 3000", 2, ("--year",)),
    (
        "r30-plot-folder",
        "forecast {d}/t.csv --plot {d}/newdir/ " + " ".join(QUICK),
        2,
        ("newdir/", "folder name"),
    ),
    ("r30-plot-dash", "forecast {d}/t.csv --plot - " + " ".join(QUICK), 2, ("standard output",)),
    (
        "r30-plot-missing-folder",
        "forecast {d}/t.csv --plot {d}/nodir/x.png " + " ".join(QUICK),
        2,
        ("nodir/x.png", "does not exist"),
    ),
    ("r28-position-sd", "forecast nato-csto-2009 --position-sd 1e308", 2, ("--position-sd",)),
    ("r16-capability-cell", "forecast {d}/capbig.csv", 2, ("capbig.csv:2:", "largest magnitude")),
    ("r33-version", "--version", 0, ("detente",)),
]


@pytest.fixture(scope="module")
def special(d: Path) -> Path:
    """The FIFOs, the symlinked output and the yes-valued params file some cases use."""
    for name in ("fifo.yaml", "fifo.csv"):
        if not (d / name).exists():
            os.mkfifo(d / name)
    (d / "target.json").write_text("old")
    if not (d / "link.json").is_symlink():
        (d / "link.json").symlink_to("target.json")
    (d / "pyes.yaml").write_text("rivalry_weight: yes\n")
    return d


@pytest.mark.parametrize(
    ("args", "code", "texts"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_reproducer(
    capsys: pytest.CaptureFixture[str], special: Path, args: str, code: int, texts: tuple[str, ...]
) -> None:
    argv = [a.replace("{d}", str(special)) for a in args.split(" ")]
    got, out, err = call_main(capsys, *argv)
    assert "Traceback" not in err and "RuntimeWarning" not in err, err
    assert got == code, (got, out[-2000:], err[-2000:])
    shown = out if code == 0 else err
    for text in texts:
        assert text in shown, (text, shown[-3000:])
    if code == 2:
        assert out == "" or not out.lstrip().startswith("{"), "no JSON after an error"


def test_r02_a_symlink_is_written_through_a_fifo_left_alone(
    capsys: pytest.CaptureFixture[str], special: Path
) -> None:
    link = special / "link.json"
    code, _, err = call_main(capsys, "world", "schema", "-o", str(link))
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == "target.json"
    assert json.loads((special / "target.json").read_text())
    code, _, err = call_main(capsys, "world", "schema", "-o", str(special / "fifo.csv"))
    assert code == 2 and "a FIFO, not a regular file" in err
    assert stat.S_ISFIFO(os.lstat(special / "fifo.csv").st_mode)


def test_r01_an_extension_keeps_every_builtin_record(d: Path) -> None:
    from detente.world import builtin_world, load_world

    base, mine = builtin_world(), load_world(d / "mine.yaml")
    assert len(mine.memberships) == len(base.memberships) + 1
    assert len(mine.capabilities) == len(base.capabilities)
    assert len(mine.relations) == len(base.relations)
    assert len(mine.at(dt.date(2009, 9, 10)).members("NATO")) == 28


def test_r04_the_smp_checks_its_inputs_as_the_eum_does() -> None:
    from detente.forecast.engine import run_model

    with pytest.raises(InputError, match="salience has non-finite values"):
        run_model(
            "smp", [1, 2, 3], [[0], [50], [100]], [[math.nan], [0.5], [0.5]], bounds=[[0, 100]]
        )


def test_r12_a_table_too_big_is_refused_and_a_long_one_is_announced(
    capsys: pytest.CaptureFixture[str], d: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from detente.forecast.engine import check_memory

    with pytest.raises(InputError, match="100000 actors"):
        check_memory("eum", 1, 100_000, 1, 10)
    from detente.cli.forecast import work_warning

    # 2,000 actors: the review waited 177 s in silence; the command now says so before the run
    message = work_warning("eum", n=2000, d=1, rounds=2, runs=1, name="big.csv")
    assert message is not None and "big.csv" in message and "2000 actors" in message
    assert work_warning("eum", n=12, d=1, rounds=10, runs=1000, name="q") is None


def test_r22_an_ascii_stdout_does_not_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    from detente.cli import main

    for args in (["world", "show"], ["world", "show", "--json"]):
        raw = io.BytesIO()
        stream = io.TextIOWrapper(raw, encoding="ascii", errors="strict")
        monkeypatch.setattr(sys, "stdout", stream)
        try:
            main(args)
        except SystemExit as exc:
            assert not exc.code, exc.code
        stream.flush()
        assert raw.getvalue().startswith(b"{" if "--json" in args else b"D")


def test_r29_a_killed_runs_temporary_file_is_named_and_cleaned(tmp_path: Path) -> None:
    import subprocess

    from detente import output

    target = tmp_path / "out.png"
    target.write_bytes(b"previous")
    # a writer killed by SIGKILL while its temporary file exists (no handler can run)
    code = (
        "import os, signal; from detente.output import atomic_path\n"
        f"tmp = atomic_path({str(target)!r}).__enter__(); tmp.write_bytes(b'half')\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], check=False, timeout=60)
    assert done.returncode == -9
    left = sorted(p.name for p in tmp_path.iterdir() if p != target)
    assert len(left) == 1 and left[0].startswith(".out.png.detente-") and left[0].endswith(".tmp")
    assert target.read_bytes() == b"previous"  # the output itself is untouched
    os.utime(tmp_path / left[0], (0, 0))  # an hour later: its process is long gone
    with output.atomic_write(target) as handle:
        handle.write("new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png"]
    # a live writer's temporary file (this process's pattern) is never touched
    assert output.temporary_name(target).startswith(f".out.png.detente-{os.getpid()}.")


def test_r31_api_misuse_is_a_clear_error() -> None:
    from detente.forecast.engine import run_model
    from detente.world import builtin_world

    world = builtin_world()
    assert world.at(dt.datetime(2009, 9, 10, 12)).day == world.at("2009-09-10").day
    with pytest.raises(InputError):
        world.at(None)  # type: ignore[arg-type]
    with pytest.raises(InputError):
        world.on(dt.date.max)
    with pytest.raises(InputError, match="unknown model"):
        run_model("xyz", [1, 2, 3], [[0], [50], [100]], [[0.5]] * 3, bounds=[[0, 100]])  # type: ignore[arg-type]
    with pytest.raises(InputError):
        run_model("smp", [-1, 2, 3], [[0], [50], [100]], [[0.5]] * 3, bounds=[[0, 100]])


def test_r32_pdf_and_svg_plots_are_the_same_bits_twice(d: Path) -> None:
    from detente.forecast.montecarlo import run_monte_carlo
    from detente.forecast.plot import plot_forecast
    from detente.forecast.table import read_table

    result = run_monte_carlo(read_table(d / "t.csv"), "eum", 5, rng=np.random.default_rng(0))
    for suffix in ("svg", "pdf"):
        blobs = [plot_forecast(result, d / f"same{k}.{suffix}").read_bytes() for k in range(2)]
        assert blobs[0] == blobs[1] and len(blobs[0]) > 100
