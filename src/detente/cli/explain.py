"""CLI commands: ``detente explain`` (why a question comes out as it does, per lens) and
``detente backtest`` (lenses, the stacked forecaster and baselines scored leave-future-out
against recorded episodes).

Both read lens parameters from ``--params FILE`` (YAML) and ``--set PARAM=VALUE`` (repeatable;
``realist.rivalry_weight=0.5`` for one lens, ``rivalry_weight=0.5`` for every lens that has the
parameter); ``--set`` wins over the file.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from detente.cli.common import (
    ParamsOption,
    SetOption,
    WorldOption,
    console,
    open_world,
    parse_date,
    parse_settings,
    print_json,
    styled,
)
from detente.cli.run import JobsOption, SchedulerOption, make_executor
from detente.decisions import Episode, Question, load_episodes
from detente.errors import InputError, Problem, UnknownIdError, match_id
from detente.experiments.lfo import (
    ForecasterScore,
    LfoResult,
    StackedEpisode,
    leave_future_out,
    lfo_json,
    stack_bounds,
    stacked_episode,
)
from detente.explanation import Explanation, explain, explanation_json, why
from detente.lenses import LENSES, Lens, get_lens, lens_overrides
from detente.lenses.table import resolve_question

if TYPE_CHECKING:
    from detente.world import World

__all__ = ["StackOption", "print_stacked", "register", "run_stack", "select_lenses"]

_MIN_STAKE_SHOWN = 0.01

LensOption = Annotated[
    list[str] | None,
    typer.Option("--lens", "-l", help="Lens to use (repeatable; default: every registered lens)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print only JSON.")]
StackOption = Annotated[
    bool,
    typer.Option(
        "--stack",
        help="Also print the stacked forecaster's P(yes) with its 90% interval, fitted only on "
        "the episodes dated before this one (leave-future-out; takes a minute or two).",
    ),
]
HistoryOption = Annotated[
    Path | None,
    typer.Option(
        "--history",
        metavar="PATH",
        help="Episode file or folder the stack is fitted on (default: the built-in episodes).",
        show_default=False,
    ),
]


def run_stack(
    question: Question, the_world: World, lenses: list[Lens], history: Path | None
) -> StackedEpisode:
    """The stacked forecast of ``question`` from the episodes dated before it."""
    past = load_episodes(history, world=the_world) if history is not None else None
    return stacked_episode(question, the_world, lenses, past)


def print_stacked(stacked: StackedEpisode) -> None:
    """The stacked probability beside each lens's, with its interval and its largest terms."""
    table = Table(
        title=f"Stacked forecast (fitted on the {stacked.n_train} episodes dated before "
        f"{stacked.date.isoformat()})",
        title_justify="left",
    )
    for col in ("forecaster", "P(yes)", "90% interval"):
        table.add_column(col, justify="left" if col == "forecaster" else "right")
    for name, p in stacked.lens_p.items():
        table.add_row(f"{name} (as it stands)", f"{p:.3f}", "–")
    if stacked.baselines:  # the outside view to beat, from the same earlier episodes
        table.add_row("base rate (earlier episodes)", f"{stacked.baselines['base-rate']:.3f}", "–")
    f = stacked.forecast
    if f is None:
        table.add_row("stack", "–", "–")
        table.caption = stacked.reason
    else:
        table.add_row("stack", f"{f.p:.3f}", f"[{f.low:.3f}, {f.high:.3f}]")
        if f.p_map is not None and f.p_predictive is not None:
            table.add_row("  stack (MAP, before calibration)", f"{f.p_map:.3f}", "–")
            table.add_row("  stack (posterior predictive)", f"{f.p_predictive:.3f}", "–")
        top = sorted(f.contributions, key=lambda c: -abs(c[1]))[:5]
        table.caption = "largest logit contributions: " + ", ".join(
            f"{name} {value:+.2f}" for name, value in top
        )
        if f.weights and stacked.signals is not None:
            # the weights pooled by decision type (and by origin, when the model has origin
            # offsets): common + offsets = total (MAP, before the calibration steps); each
            # offset's logit share is among the contributions
            by_origin = dict(f.origin_offsets)
            head = f"{stacked.signals.type}, {stacked.signals.origin}" if by_origin else ""
            parts = "common + type offset + origin offset" if by_origin else "common + type offset"
            table.caption += (
                f"\nweights for {head or stacked.signals.type} ({parts}): "
                + ", ".join(
                    f"{name} {common:+.2f} {offset:+.2f}"
                    + (f" {by_origin[name]:+.2f}" if by_origin else "")
                    + f" = {common + offset + by_origin.get(name, 0.0):+.2f}"
                    for name, common, offset in f.weights
                )
            )
    console.print(table)


# -- argument resolution ----------------------------------------------------------------------
def select_lenses(names: list[str] | None, settings: Mapping[str, object]) -> list[Lens]:
    """The lenses named (default: all registered), each with the settings that apply to it."""
    chosen = []
    for name in names or list(LENSES):
        ident = match_id(name, LENSES)  # lens names are matched ignoring case
        if ident is None:
            raise UnknownIdError("lens", name, LENSES)
        chosen.append(ident)
    # A setting for a lens that is not used changes nothing here: say so rather than be silent.
    for key in settings:
        prefix = key.split(".", 1)[0] if "." in key else None
        if prefix in LENSES and prefix not in chosen:
            logging.getLogger("detente.cli").warning(
                "%s is ignored: the %s lens is not in use (--lens %s); add --lens %s to use it",
                key,
                prefix,
                " --lens ".join(chosen),
                prefix,
            )
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
    stack: StackOption = False,
    history: HistoryOption = None,
) -> None:
    """Explain a question under one or more lenses: probability, terms, pivots, what-ifs."""
    settings = parse_settings(sets, params)
    lenses = select_lenses(lens, settings)
    the_world = open_world(world)
    question = resolve_question(episode, the_world)
    snap = the_world.at(question.date)
    compare = [get_lens(n, lens_overrides(settings, n, list(LENSES))) for n in LENSES]
    explanations = [explain(question, snap, ln, compare=compare) for ln in lenses]
    stacked = run_stack(question, the_world, lenses, history) if stack else None
    if json_output:
        out = {
            "question": question.model_dump(mode="json"),
            "explanations": [explanation_json(e) for e in explanations],
        }
        if stacked is not None:
            out["stack"] = stacked.json()
        print_json(out)
        return
    _print_explanations(question, explanations)
    if stacked is not None:
        console.rule("stacked forecaster")
        print_stacked(stacked)


# -- backtest -------------------------------------------------------------------------------
def _interval(lo: float, hi: float) -> str:
    return f"[{lo:.3f}, {hi:.3f}]"


def _versus(score: ForecasterScore, baseline: str) -> str:
    if baseline not in score.versus:
        return "–"
    d, lo, hi = score.versus[baseline]
    return f"{d:+.3f} [{lo:+.3f}, {hi:+.3f}]"


def scores_table(result: LfoResult, subset: str, protocol: str = "Leave-future-out") -> Table:
    rows = [s for s in result.scores if s.subset == subset]
    n = rows[0].n if rows else 0
    table = Table(title=f"{protocol} scores, {subset} episodes (n = {n})", title_justify="left")
    for col in ("forecaster", "kind", "Brier", "90% interval", "log", "AUC", "slope", "extreme"):
        table.add_column(col, justify="left" if col in ("forecaster", "kind") else "right")
    for s in rows:
        table.add_row(
            s.name,
            s.kind,
            f"{s.brier:.3f}",
            _interval(s.brier_low, s.brier_high),
            f"{s.log:.3f}",
            f"{s.auc:.3f}",
            f"{s.calibration_slope:.2f}",
            f"{s.extreme_share:.0%}",
        )
    table.caption = (
        "lower Brier and log are better; slope: calibration slope (1 = calibrated, < 1 "
        "overconfident); extreme: share of forecasts outside [0.02, 0.98]"
    )
    return table


def versus_table(result: LfoResult, subset: str) -> Table:
    rows = [s for s in result.scores if s.subset == subset and s.kind != "baseline"]
    table = Table(
        title=f"Brier minus each baseline's, {subset} episodes (90% paired bootstrap)",
        title_justify="left",
    )
    table.add_column("forecaster")
    for b in ("base-rate", "persistence", "status-quo"):
        table.add_column(f"vs {b}", justify="right")
    for s in rows:
        table.add_row(s.name, *(_versus(s, b) for b in ("base-rate", "persistence", "status-quo")))
    table.caption = "negative = better than the baseline"
    return table


def _murphy_table(result: LfoResult) -> Table:
    table = Table(title="Murphy decomposition of the Brier score", title_justify="left")
    for col in ("subset", "forecaster", "Brier", "reliability", "resolution", "uncertainty"):
        table.add_column(col, justify="left" if col in ("subset", "forecaster") else "right")
    for s in result.scores:
        m = s.murphy
        table.add_row(
            s.subset,
            s.name,
            f"{m.brier:.3f}",
            f"{m.reliability:.3f}",
            f"{m.resolution:.3f}",
            f"{m.uncertainty:.3f}",
        )
    table.caption = "Brier = reliability - resolution + uncertainty (+ a within-bin term)"
    return table


_MAX_ROWS = 60


def _episodes_table(result: LfoResult) -> Table:
    names = list(result.names)
    table = Table(title="P(yes) per episode, leave-future-out", title_justify="left")
    for col in ("episode", "date", "y", *names):
        table.add_column(col, justify="left" if col in ("episode", "date") else "right")
    for f in result.forecasts:
        table.add_row(f.episode, f.date.isoformat(), str(f.y), *(f"{f.p[n]:.3f}" for n in names))
    return table


def _print_backtest(result: LfoResult) -> None:
    console.print(
        styled(
            ("Backtest", "bold"),
            f" of {result.source}: leave-future-out, expanding window; each episode is forecast "
            "by forecasters fitted only on episodes dated strictly before it, from the world as "
            "known the day before.",
        )
    )
    if len(result.forecasts) <= _MAX_ROWS:
        console.print(_episodes_table(result))
    else:
        console.print(f"({len(result.forecasts)} episodes: per-episode forecasts with --json)")
    for subset in ("hand-coded", "all"):
        console.print(scores_table(result, subset))
        console.print(versus_table(result, subset))
    console.print(_murphy_table(result))
    chosen = Counter(
        (f.scale, f.rho, f.follow, f.tau) for f in result.forecasts if f.scale is not None
    )
    if chosen:
        used = ", ".join(
            f"scale {sc:g} rho {r:g} follow {fo:g} prior scale {t:g} ({n}x)"
            for (sc, r, fo, t), n in sorted(chosen.items(), key=lambda kv: -kv[1])
            if sc is not None and r is not None and fo is not None and t is not None
        )
        console.print(
            "stack's lens scale, correlation, leader-follower chance and prior scale chosen "
            f"at the refits: {used}"
        )
    bounds = stack_bounds(result) if result.stacked else {}
    for subset, b in bounds.items():
        if b["forecasts"]:
            console.print(
                f"stack, {subset} episodes: {b['at_bound']} of {b['forecasts']} forecasts moved by "
                "the bound (1/2)/(n + 1) for n comparable earlier episodes; "
                f"{b['outside_0.02_0.98']} outside [0.02, 0.98], "
                f"{b['outside_with_floor_above_0.02']} of them with fewer than 24 comparable "
                "earlier episodes"
            )
    if result.episodes_by_origin:
        parts = ", ".join(f"{n} {origin}" for origin, n in result.episodes_by_origin)
        console.print(f"{sum(n for _, n in result.episodes_by_origin)} episodes in all: {parts}")
    console.print(
        f"{len(result.forecasts)} episodes scored; {len(result.burn_in)} burn-in episodes (fewer "
        f"than {result.min_train} earlier episodes with both outcomes) not scored"
        + (f"; scored from {result.start.isoformat()}" if result.start else "")
        + ". No score here is in-sample."
    )
    if result.skipped:
        total = len(result.forecasts) + len(result.burn_in) + len(result.skipped)
        console.print(
            f"{len(result.skipped)} of {total} episodes skipped (they cannot be evaluated in this "
            "world) and left out of every score:"
        )
    for ident, reason in result.skipped:
        console.print(styled(("skipped", "yellow"), f" {ident}: {reason}"))


def backtest_command(
    episodes: Annotated[
        Path | None,
        typer.Argument(
            help="Episode YAML file or folder (default: the built-in episodes).", show_default=False
        ),
    ] = None,
    lens: LensOption = None,
    stack: Annotated[
        bool, typer.Option("--stack", help="Also fit and score the stacked forecaster.")
    ] = False,
    start: Annotated[
        str | None,
        typer.Option("--from", help="Score only episodes dated on or after this day (YYYY-MM-DD)."),
    ] = None,
    plot: Annotated[
        str | None,  # text: Path("out/") would drop the slash that says "a folder"
        typer.Option("--plot", metavar="FILE", help="Write a reliability diagram to this file."),
    ] = None,
    min_train: Annotated[
        int | None,
        typer.Option(
            "--min-train",
            min=0,
            help="Fewest earlier episodes before one is scored (default 30 with --stack, else 0).",
        ),
    ] = None,
    sets: SetOption = None,
    params: ParamsOption = None,
    world: WorldOption = None,
    json_output: JsonOption = False,
    jobs: JobsOption = 1,
    scheduler: SchedulerOption = None,
) -> None:
    """Score lenses, the stack and baselines leave-future-out (Brier, log, AUC, calibration)."""
    settings = parse_settings(sets, params)
    lenses = select_lenses(lens, settings)
    day = _parse_day(start) if start is not None else None
    if plot is not None:
        from detente.forecast.plot import plot_format

        plot_format(plot)  # a bad path fails now, not after the fits
    the_world = open_world(world)
    records: list[Episode] = load_episodes(episodes, world=the_world)
    source = str(episodes) if episodes is not None else "built-in episodes"
    if not records:
        raise InputError(
            [Problem(source, None, "episodes", "no episode to score (the file has none)")]
        )
    # --jobs/--scheduler: the episodes' lens inputs run as tasks; the scores are the same bits.
    with make_executor(jobs, scheduler) as executor:
        result = leave_future_out(
            records,
            the_world,
            lenses,
            executor=executor,
            stacked=stack,
            start=day,
            min_train=min_train,
            source=source,
        )
    if not result.forecasts:
        # no score, no base rate: nothing to print but NaN, which is not an answer
        reasons = [Problem(source, None, ident, reason) for ident, reason in result.skipped]
        head = Problem(
            source,
            None,
            "episodes",
            "no episode to score (none could be forecast leave-future-out)",
        )
        raise InputError([head, *reasons])
    if plot is not None:
        from detente.experiments.reliability_plot import plot_reliability

        plot_reliability(result, Path(plot))
    if json_output:
        print_json(lfo_json(result))
        return
    _print_backtest(result)
    if plot is not None:
        console.print(f"reliability diagram written to {plot}")


def _parse_day(text: str) -> dt.date:
    return parse_date(text, "--from")


def register(app: typer.Typer) -> None:
    """Add ``explain`` and ``backtest`` to the root app."""
    app.command("explain")(explain_command)
    app.command("backtest")(backtest_command)
