"""CLI commands: ``detente explain`` (why a question comes out as it does, per lens) and
``detente backtest`` (lenses and baselines scored against recorded episodes).

Both read lens parameters from ``--params FILE`` (YAML) and ``--set PARAM=VALUE`` (repeatable;
``realist.rivalry_weight=0.5`` for one lens, ``rivalry_weight=0.5`` for every lens that has the
parameter); ``--set`` wins over the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from detente.cli.common import (
    ParamsOption,
    SetOption,
    WorldOption,
    console,
    open_world,
    parse_settings,
    print_json,
    styled,
)
from detente.decisions import Episode, Question, load_episodes
from detente.errors import InputError, Problem, UnknownIdError, match_id
from detente.experiments.backtest import BacktestResult, backtest, backtest_json
from detente.explanation import Explanation, explain, explanation_json, why
from detente.lenses import LENSES, Lens, get_lens, lens_overrides
from detente.lenses.table import resolve_question

__all__ = ["register", "select_lenses"]

_MIN_STAKE_SHOWN = 0.01

LensOption = Annotated[
    list[str] | None,
    typer.Option("--lens", "-l", help="Lens to use (repeatable; default: every registered lens)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print only JSON.")]


# -- argument resolution ----------------------------------------------------------------------
def select_lenses(names: list[str] | None, settings: Mapping[str, object]) -> list[Lens]:
    """The lenses named (default: all registered), each with the settings that apply to it."""
    chosen = []
    for name in names or list(LENSES):
        ident = match_id(name, LENSES)  # lens names are matched ignoring case
        if ident is None:
            raise UnknownIdError("lens", name, LENSES)
        chosen.append(ident)
    # Report every bad setting at once: unknown keys first, then bad values of every lens.
    problems: list[Problem] = []
    try:
        lens_overrides(settings, chosen[0], chosen)
    except InputError as exc:
        problems.extend(exc.problems)
        bad = {p.field for p in exc.problems}
        settings = {k: v for k, v in settings.items() if k not in bad}
    lenses = []
    for n in chosen:
        try:
            lenses.append(get_lens(n, lens_overrides(settings, n, chosen)))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return lenses


# -- explain --------------------------------------------------------------------------------
def _summary_table(explanations: list[Explanation]) -> Table:
    table = Table(title="Outcome by lens", title_justify="left")
    for col in ("lens", "P(yes)", "outcome", "top pivot", "its reason", "decisive term"):
        table.add_column(col, justify="right" if col == "P(yes)" else "left")
    for e in explanations:
        pivot, reason = "–", "–"
        if e.pivot_terms:
            actor, term, value = e.pivot_terms[0]
            pivot = f"{actor} ({e.pivots[0].role})"
            reason = f"{term} {value:+.2f}"
        decisive = e.decisive_term
        table.add_row(
            e.lens,
            f"{e.p_yes:.3f}",
            e.outcome,
            pivot,
            reason,
            decisive.target if decisive is not None else "–",
        )
    return table


def _actors_table(e: Explanation) -> Table:
    terms = [t for t, _ in e.term_totals]
    table = Table(title=f"{e.lens}: utility margins U(yes) - U(no) by term", title_justify="left")
    table.add_column("actor")
    table.add_column("side")
    table.add_column("P(accept)", justify="right")
    table.add_column("margin", justify="right")
    for t in terms:
        table.add_column(t, justify="right")
    hidden = 0
    for a in e.actors:
        if a.stake < _MIN_STAKE_SHOWN:
            hidden += 1
            continue
        p = "–" if a.p_accept is None else f"{a.p_accept:.2f}"
        values = dict(a.terms)
        table.add_row(
            a.actor,
            a.side or "(stake)",
            p,
            f"{a.margin:+.3f}",
            *(f"{values[t]:+.3f}" for t in terms),
        )
    if hidden:
        table.caption = f"{hidden} actor(s) with stakes below {_MIN_STAKE_SHOWN} not shown"
    return table


def _pivots_table(e: Explanation) -> Table:
    table = Table(title=f"{e.lens}: pivotal actors", title_justify="left")
    for col in ("actor", "role", "swing", "P(accept)", "veto", "strongest term"):
        table.add_column(col)
    reasons = {a: f"{t} {v:+.2f}" for a, t, v in e.pivot_terms}
    for p in e.pivots[:8]:
        table.add_row(
            p.actor,
            p.role,
            f"{p.swing:.3f}",
            f"{p.p_accept:.3f}",
            "yes" if p.veto else "no",
            reasons[p.actor],
        )
    return table


def _counterfactuals_table(e: Explanation) -> Table:
    table = Table(title=f"{e.lens}: counterfactuals", title_justify="left")
    for col in ("what if", f"P({e.yes_outcome})", "change", "note"):
        table.add_column(
            col, justify="right" if col in ("change", f"P({e.yes_outcome})") else "left"
        )
    for c in e.counterfactuals:
        # the why lines give each note in full; the table points to it
        table.add_row(c.label, f"{c.p_yes:.3f}", f"{c.change:+.3f}", "see note" if c.note else "")
    return table


def _print_explanations(question: Question, explanations: list[Explanation]) -> None:
    console.print(styled((question.id, "bold"), f" ({question.date.isoformat()}): {question.text}"))
    recorded = getattr(question, "recorded_outcome", None)
    if recorded is not None:
        console.print(styled("Recorded outcome: ", (str(recorded), "bold")))
    console.print(_summary_table(explanations))
    for e in explanations:
        console.rule(f"{e.lens} lens")
        for line in why(e):
            console.print(line)
        console.print(_actors_table(e))
        console.print(_pivots_table(e))
        console.print(_counterfactuals_table(e))


def explain_command(
    episode: Annotated[
        str, typer.Argument(help="An episode id (e.g. nato-csto-2009) or a YAML file holding one.")
    ],
    lens: LensOption = None,
    sets: SetOption = None,
    params: ParamsOption = None,
    world: WorldOption = None,
    json_output: JsonOption = False,
) -> None:
    """Explain a question under one or more lenses: probability, terms, pivots, what-ifs."""
    settings = parse_settings(sets, params)
    lenses = select_lenses(lens, settings)
    the_world = open_world(world)
    question = resolve_question(episode, the_world)
    snap = the_world.at(question.date)
    compare = [get_lens(n, lens_overrides(settings, n, list(LENSES))) for n in LENSES]
    explanations = [explain(question, snap, ln, compare=compare) for ln in lenses]
    if json_output:
        print_json(
            {
                "question": question.model_dump(mode="json"),
                "explanations": [explanation_json(e) for e in explanations],
            }
        )
        return
    _print_explanations(question, explanations)


# -- backtest -------------------------------------------------------------------------------
def _print_backtest(result: BacktestResult) -> None:
    names = [*result.lenses, "base-rate", "nothing-changes"]
    table = Table(title=f"Backtest: P(yes) per episode ({result.source})", title_justify="left")
    short = {"base-rate": "base", "nothing-changes": "no change"}
    columns = ["episode", "date", "recorded", "y", *names]
    if result.skipped:
        columns.append("note")  # a skipped episode stays in the table, with its reason
    for col in columns:
        table.add_column(
            short.get(col, col),
            justify="right" if col in names or col == "y" else "left",
            no_wrap=col not in ("episode", "note"),
            overflow="fold",
        )
    table.caption = "base = base rate of yes in the file; no change = the status quo at 0.95"
    for f in result.forecasts:
        extra = [""] if result.skipped else []
        table.add_row(
            f.episode,
            f.date,
            f.recorded_outcome,
            str(f.y),
            *(f"{f.p[n]:.3f}" for n in names),
            *extra,
        )
    for ident, reason in result.skipped:
        table.add_row(ident, "", "", "", *("–" for _ in names), f"[yellow]skipped[/]: {reason}")
    console.print(table)
    if result.skipped:
        n, total = len(result.forecasts), len(result.forecasts) + len(result.skipped)
        console.print(
            f"[yellow]{len(result.skipped)} of {total} episodes skipped[/]: the scores below "
            f"cover {n} (reasons in the table's note column)"
        )
    scores = Table(title="Scores (lower is better)", title_justify="left")
    for col in ("forecaster", "kind", "n", "Brier", "log"):
        scores.add_column(col, justify="left" if col in ("forecaster", "kind") else "right")
    for s in result.scores:
        scores.add_row(s.name, s.kind, str(s.n), f"{s.brier:.4f}", f"{s.log:.4f}")
    console.print(scores)
    console.print(_by_type_table(result, names))
    console.print(
        f"base rate of yes: {result.base_rate:.3f}; log scores clip lens probabilities to "
        "[0.001, 0.999]; 'nothing changes' gives the status quo 0.95."
    )
    for ident, reason in result.skipped:
        console.print(styled(("skipped", "yellow"), f" {ident}: {reason}"))


def _by_type_table(result: BacktestResult, names: list[str]) -> Table:
    table = Table(title="Brier / log by decision type", title_justify="left")
    table.add_column("type")
    table.add_column("n", justify="right")
    for name in names:
        table.add_column(name, justify="right")
    for kind, scores in result.by_type.items():
        cells = [f"{s.brier:.3f} / {s.log:.3f}" for s in scores]
        table.add_row(kind, str(scores[0].n), *cells)
    return table


def backtest_command(
    episodes: Annotated[
        Path | None,
        typer.Argument(
            help="Episode YAML file or folder (default: the built-in episodes).", show_default=False
        ),
    ] = None,
    lens: LensOption = None,
    sets: SetOption = None,
    params: ParamsOption = None,
    world: WorldOption = None,
    json_output: JsonOption = False,
) -> None:
    """Score lenses and two baselines against recorded episodes (Brier and log scores)."""
    settings = parse_settings(sets, params)
    lenses = select_lenses(lens, settings)
    the_world = open_world(world)
    records: list[Episode] = load_episodes(episodes, world=the_world)
    source = str(episodes) if episodes is not None else "built-in episodes"
    result = backtest(records, the_world, lenses, source=source)
    if not result.forecasts:
        # no score, no base rate: nothing to print but NaN, which is not an answer
        reasons = [Problem(source, None, ident, reason) for ident, reason in result.skipped]
        head = Problem(source, None, None, "no episode to score")
        raise InputError([head, *reasons])
    if json_output:
        print_json(backtest_json(result))
        return
    _print_backtest(result)


def register(app: typer.Typer) -> None:
    """Add ``explain`` and ``backtest`` to the root app."""
    app.command("explain")(explain_command)
    app.command("backtest")(backtest_command)
