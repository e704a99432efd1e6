"""Assemble the report: run each part on the world, draw its figures, render one HTML page.

The page is a list of :class:`Section` objects, each built by its own function from the public
library API (world snapshots, capabilities, the forecast engine's Monte Carlo, explanations per
lens, the backtest). A new part (the simulation's event timeline, say) is one more section
builder added to :data:`SECTIONS`; the template needs no change.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from detente.errors import InputError
from detente.world import World

__all__ = ["SECTIONS", "Figure", "ReportOptions", "Section", "build_sections", "write_report"]


@dataclass(frozen=True)
class ReportOptions:
    """What the report shows and how: dates of the network, highlighted actors, runs, seed,
    figure width (inches) and resolution (dots per inch)."""

    title: str = "Détente report: the NATO–CSTO security system"
    network_years: tuple[int, ...] = (1999, 2009, 2024)
    highlight: tuple[str, ...] = ("RUS", "USA", "KAZ", "UZB", "KGZ", "TJK", "ARM", "BLR")
    organisations: tuple[str, ...] = ("NATO", "CSTO", "CST", "PFP", "EAPC", "SCO", "CIS", "GUAM")
    measure: str = "milex"
    runs: int = 200
    seed: int = 1
    width: float = 8.0
    dpi: int = 110
    lenses: tuple[str, ...] = ()
    """Lenses for explanations and the backtest (empty: every registered lens)."""
    simulation: tuple[int, int] = (2008, 2012)
    """First and last year of the simulation's window."""
    simulation_runs: int = 100
    simulation_lens: str = "stack"
    """The lens deciding the simulation, or ``stack``: the stack of the report's lenses (two or
    more; it needs :attr:`simulation_calibrate`), the forecaster the backtest section scores."""
    scenarios: tuple[str, ...] = ("us-indifferent-2009",)
    """Scenarios simulated beside the record (built-in names or YAML files)."""
    simulation_kinds: tuple[str, ...] = ()
    """Kinds of organisation whose memberships the simulation decides (empty: the alliances)."""
    simulation_calibrate: bool = True
    """Whether the simulation uses the stack's calibrated probabilities."""
    episodes: str | None = None
    """Episode file or folder the backtest section scores (``None``: the built-in episodes)."""


@dataclass(frozen=True)
class Figure:
    """One embedded figure: ``uri`` is a data URI, so the page needs no other file."""

    id: str
    uri: str
    caption: str


@dataclass
class Section:
    """One part of the page: a heading, a paragraph, figures and optional tables (rows)."""

    id: str
    title: str
    text: str
    figures: list[Figure] = field(default_factory=list)
    tables: list[tuple[str, list[str], list[list[str]]]] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)


def _sources_caption(ids: set[str] | Sequence[str]) -> str:
    ids = sorted(set(ids))
    shown = ", ".join(ids[:8]) + (f" and {len(ids) - 8} more" if len(ids) > 8 else "")
    return f"Sources: {shown} (see the bibliography)." if ids else ""


def _lenses(options: ReportOptions) -> list[object]:
    from detente.lenses import LENSES, get_lens

    names = list(options.lenses) or list(LENSES)
    return [get_lens(n) for n in names]


def network_section(world: World, options: ReportOptions) -> Section:
    """The two-mode membership network on 31 December of each chosen year, and members per year."""
    from detente.report.data import members_per_year, membership_edges
    from detente.report.figures import members_figure, network_figure, png_data_uri

    sec = Section(
        "network",
        "Who belongs to what",
        "States and organisations linked by their "
        "memberships (any status), as recorded in the world at each year's end.",
    )
    orgs = [o for o in options.organisations if o in world.organisations]
    for year in options.network_years:
        edges = membership_edges(world, dt.date(year, 12, 31), orgs)
        ids = {s for e in edges for s in e.sources}
        sec.sources |= ids
        fig = network_figure(
            edges, str(year), options.highlight, width=options.width, seed=options.seed
        )
        sec.figures.append(
            Figure(
                f"network-{year}",
                png_data_uri(fig, options.dpi),
                f"Membership network, 31 December {year}: {len(edges)} memberships in "
                f"{', '.join(orgs)}. {_sources_caption(ids)}",
            )
        )
    lo, hi = _coverage(world)
    frame = members_per_year(world, range(lo, hi + 1), orgs)
    sec.figures.append(
        Figure(
            "members-per-year",
            png_data_uri(members_figure(frame, width=options.width), options.dpi),
            f"Full members of each organisation at 31 December, {lo}–{hi}; a line stops where "
            "the organisation did not exist. Source: the world's membership records.",
        )
    )
    return sec


def _coverage(world: World) -> tuple[int, int]:
    covers = world.header.covers
    if covers is None:
        return 1992, dt.date.today().year
    return covers[0].year, covers[1].year


def capability_section(world: World, options: ReportOptions) -> Section:
    """Military expenditure (or the chosen measure) of every state, highlighted few in colour."""
    from detente.report.data import capability_frame
    from detente.report.figures import capability_figure, png_data_uri

    frame = capability_frame(world, options.measure, options.highlight)
    sec = Section(
        "capabilities",
        "Capabilities",
        f"Yearly {options.measure} of every state in "
        "the world; years the sources do not give are gaps, never zeros.",
    )
    if frame.empty:
        sec.text += f" The world records no {options.measure} series."
        return sec
    ids = {s for joined in frame["sources"] for s in joined.split(";") if s}
    sec.sources |= ids
    fig = capability_figure(frame, options.measure, width=options.width)
    sec.figures.append(
        Figure(
            f"capability-{options.measure}",
            png_data_uri(fig, options.dpi),
            f"{options.measure} by year, {frame['actor'].nunique()} states "
            f"({frame['year'].min()}–{frame['year'].max()}); unit: "
            f"{'; '.join(sorted(set(frame['unit'])))}. {_sources_caption(ids)}",
        )
    )
    return sec


def forecast_section(world: World, options: ReportOptions) -> Section:
    """Every built-in question: the EUM forecast with its Monte Carlo fan, each actor's path,
    and the distribution of the final forecast."""
    from detente.forecast import builtin_questions, load_question, run_monte_carlo
    from detente.forecast.plot import forecast_figure
    from detente.report.figures import distribution_figure, png_data_uri
    from detente.rng import as_generator, spawn_generators

    sec = Section(
        "forecasts",
        "Forecasts of the built-in questions",
        "The expected-utility "
        f"model (EUM) on each question's stakeholder table, with {options.runs} Monte "
        "Carlo replicates over perturbed positions, saliences and capabilities.",
    )
    ids = builtin_questions()
    rngs = spawn_generators(as_generator(options.seed), len(ids))  # one stream per question
    rows = []
    for ident, rng in zip(ids, rngs, strict=True):
        q = load_question(ident, world)
        result = run_monte_carlo(q.table, "eum", options.runs, rng=rng)
        anchors = {float(k): v for k, v in q.anchors.items()}
        fan = forecast_figure(
            result, title=f"{q.title}: EUM", threshold=q.threshold, anchors=anchors, labels=None
        )
        fan.set_size_inches(options.width, options.width * 0.62)
        cap_ids = {s for c in q.capabilities for s in c.sources}
        sec.sources |= cap_ids
        caption = (
            f"{q.id} ({q.date.isoformat()}): {q.question} Capabilities: "
            f"{q.capability_note or 'from the world'}. {_sources_caption(cap_ids)}"
        )
        sec.figures.append(Figure(f"forecast-{ident}", png_data_uri(fan, options.dpi), caption))
        dist = distribution_figure(
            result,
            title=f"{q.id}: final forecast over replicates",
            threshold=q.threshold,
            width=options.width,
        )
        sec.figures.append(
            Figure(
                f"distribution-{ident}",
                png_data_uri(dist, options.dpi),
                f"{q.id}: distribution of the final forecast ({options.runs} replicates, "
                f"seed {options.seed}).",
            )
        )
        low, high = result.interval(0.9)
        p = "–" if q.threshold is None else f"{result.p_exceeds(q.threshold):.2f}"
        rows.append(
            [
                q.id,
                q.date.isoformat(),
                str(len(q.table.actors)),
                f"{result.forecast[0]:.1f}",
                f"{low[0]:.1f}–{high[0]:.1f}",
                p,
            ]
        )
    sec.tables.append(
        (
            "Forecasts",
            ["question", "date", "actors", "forecast", "90 % interval", "P(above threshold)"],
            rows,
        )
    )
    return sec


def explanation_section(world: World, options: ReportOptions) -> Section:
    """Each built-in question that is also an episode, explained under every lens: term totals."""
    from detente.decisions import load_episodes
    from detente.explanation import explain
    from detente.forecast import builtin_questions
    from detente.report.data import term_frame
    from detente.report.figures import png_data_uri, terms_figure

    lenses = _lenses(options)
    episodes = {e.id: e for e in load_episodes(None, world=world)}
    key = [i for i in builtin_questions() if i in episodes]
    sec = Section(
        "explanations",
        "Why: the key episodes under each lens",
        "Each term's "
        "contribution to the deciders' utility margins, summed over the deciders; a "
        "positive total pushes towards the yes outcome.",
    )
    for ident in key:
        episode = episodes[ident]
        snap = world.at(episode.date)
        # the page shows each lens's term totals and P(yes): no "under the other lens" comparison
        exps = [explain(episode, snap, lens, compare=()) for lens in lenses]  # type: ignore[arg-type]
        probs = ", ".join(f"{e.lens} P(yes) = {e.p_yes:.2f}" for e in exps)
        choice = " or ".join(episode.outcomes)
        fig = terms_figure(term_frame(exps), title=f"{ident}: {choice}?", width=options.width)
        recorded = f" Recorded outcome: {episode.recorded_outcome}."
        sec.sources |= set(episode.sources)
        sec.figures.append(
            Figure(
                f"terms-{ident}",
                png_data_uri(fig, options.dpi),
                f"{ident} ({episode.date.isoformat()}): {probs}.{recorded} "
                f"{_sources_caption(set(episode.sources))}",
            )
        )
    return sec


def backtest_section(world: World, options: ReportOptions) -> Section:
    """Lenses and baselines scored on the built-in episodes, with intervals and reliability."""
    from detente.decisions import load_episodes
    from detente.experiments.backtest import backtest
    from detente.report.data import reliability_table, score_intervals
    from detente.report.figures import png_data_uri, reliability_figure, scores_figure
    from detente.rng import as_generator

    result = backtest(
        load_episodes(options.episodes, world=world),
        world,
        _lenses(options),  # type: ignore[arg-type]
        source="built-in episodes" if options.episodes is None else str(options.episodes),
    )
    sec = Section(
        "backtest",
        "Backtest against the record",
        f"Each {'built-in ' if options.episodes is None else ''}episode forecast "
        "from the world as known the day before it, under each lens, against two "
        f"baselines. {len(result.forecasts)} episodes scored, {len(result.skipped)} "
        "skipped.",
    )
    scores = score_intervals(result, as_generator(options.seed))
    sec.figures.append(
        Figure(
            "backtest-scores",
            png_data_uri(scores_figure(scores, width=options.width), options.dpi),
            "Mean Brier score per forecaster; the interval resamples episodes with "
            f"replacement ({scores[0].draws} draws, seed {options.seed}). The base-rate "
            "baseline is the share of yes outcomes among earlier episodes, (k + 1) / (n + 2), "
            "known at the time (leave-future-out).",
        )
    )
    tables = {name: reliability_table(result, name) for name in result.lenses}
    sec.figures.append(
        Figure(
            "reliability",
            png_data_uri(reliability_figure(tables, width=options.width), options.dpi),
            "Reliability of each lens over the built-in episodes (5 equal-width bins).",
        )
    )
    sec.tables.append(
        (
            "Scores",
            ["forecaster", "kind", "n", "Brier", "90 % interval"],
            [
                [s.name, s.kind, str(s.n), f"{s.brier:.3f}", f"{s.low:.3f}–{s.high:.3f}"]
                for s in scores
            ],
        )
    )
    return sec


def _decided_by(names: list[str], stacked: bool) -> str:
    if stacked:
        return f"decided by the stack of the {' and '.join(names)} lenses"
    return f"under the {names[0]} lens"


def simulation_section(world: World, options: ReportOptions) -> Section:
    """The system through time: the runs' events per year for each scenario, and their scores."""
    from detente.decisions.episodes import builtin_episodes
    from detente.lenses import LENSES, get_lens
    from detente.report.data import event_timeline
    from detente.report.figures import png_data_uri, timeline_figure
    from detente.simulation import build_setting, load_scenario, simulate
    from detente.simulation.scenario import builtin_scenarios

    start, end = options.simulation
    episodes = builtin_episodes()
    names = [options.simulation_lens]
    if options.simulation_lens == "stack":  # the stack of one lens is that lens, calibrated
        names = list(dict.fromkeys(options.lenses or LENSES))
    stacked = len(names) > 1
    deciding = [get_lens(n) for n in names] if stacked else get_lens(names[0])
    base = build_setting(
        world,
        deciding,
        episodes,
        start=start,
        end=end,
        calibrate=options.simulation_calibrate,
        kinds=options.simulation_kinds,
    )
    shipped = builtin_scenarios()
    settings = [base]
    for name in options.scenarios:
        path = shipped.get(name) or Path(name)
        scenario = load_scenario(path, world, episodes)
        if scenario.remove or scenario.add:  # another world: its own decisions
            settings.append(
                build_setting(
                    world,
                    deciding,
                    episodes,
                    start=start,
                    end=end,
                    scenario=scenario,
                    calibrate=options.simulation_calibrate,
                    kinds=options.simulation_kinds,
                )
            )
        else:  # the same world: decisions no stance touches are shared
            settings.append(dataclasses.replace(base, scenario=scenario, cache=base.cache))
    results = [simulate(s, runs=options.simulation_runs, seed=options.seed) for s in settings]
    sec = Section(
        "simulation",
        "The system through time",
        f"{options.simulation_runs} runs of the agent-based simulation from {start} to {end} "
        f"{_decided_by(names, stacked)} ({base.calibration}), as recorded and under "
        "each scenario: who joins, leaves or closes a base, year by year. Decisions see the "
        f"reference path (feedback {base.feedback}); see docs/simulation.md.",
    )
    frames = [(r.scenario, event_timeline(r, options.highlight)) for r in results]
    sec.figures.append(
        Figure(
            "simulation-timeline",
            png_data_uri(timeline_figure(frames, width=options.width), options.dpi),
            f"Simulated events per year (mean per run, {options.simulation_runs} runs, seed "
            f"{options.seed}); highlighted states on their own rows, the rest grouped. Source: "
            "the simulation on the world's records.",
        )
    )
    rows = []
    for r in results:
        for row in r.summary().head(8).itertuples(index=False):
            rows.append(
                [
                    r.scenario,
                    str(row.key),
                    f"{row.share:.2f}",
                    f"{row.mean_year:.1f}",
                    str(row.explanation),
                ]
            )
    sec.tables.append(
        ("Most frequent events", ["scenario", "event", "share of runs", "mean year", "why"], rows)
    )
    score_rows = [
        [
            r.scenario,
            s.family,
            str(s.units),
            str(s.actual),
            _f(s.reproduced),
            _f(s.brier),
            _f(s.brier_nothing),
        ]
        for r in results
        for s in r.scores
    ]
    sec.tables.append(
        (
            "Against the record",
            [
                "scenario",
                "family",
                "units",
                "actual",
                "reproduced",
                "Brier",
                "Brier, nothing changes",
            ],
            score_rows,
        )
    )
    return sec


def _f(value: float) -> str:
    return "–" if value != value else f"{value:.3f}"


SECTIONS: list[Callable[[World, ReportOptions], Section]] = [
    network_section,
    capability_section,
    forecast_section,
    explanation_section,
    backtest_section,
    simulation_section,
]
"""The report's parts, in page order; each takes the world and the options."""


def build_sections(world: World, options: ReportOptions) -> list[Section]:
    """Run every section builder of :data:`SECTIONS`."""
    return [builder(world, options) for builder in SECTIONS]


def render(world: World, options: ReportOptions, sections: Sequence[Section]) -> str:
    """The page's HTML (Jinja2 template shipped with the package, autoescaped)."""
    import jinja2

    from detente import __version__
    from detente.report.data import bibliography

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("detente.report", "templates"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
    )
    cited = set().union(*(s.sources for s in sections)) if sections else set()
    return env.get_template("report.html.j2").render(
        title=options.title,
        world=html.unescape(world.header.name),
        version=__version__,
        options=options,
        sections=sections,
        bibliography=bibliography(world, cited),
    )


def write_report(world: World, options: ReportOptions, out: str | os.PathLike[str]) -> Path:
    """Build every section and write ``out/report.html`` atomically (temp file, then rename).

    ``out`` is a folder (created if missing). An existing ``report.html`` that is not a regular
    file (a folder, a device, a link) is refused with :class:`InputError`, before any work.
    """
    from detente.fileio import atomic_write

    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder}: is not a folder; --out takes a folder for report.html")
    target = folder / "report.html"
    if target.is_symlink() or (target.exists() and not target.is_file()):
        raise InputError(f"{target}: exists and is not a regular file; not overwriting it")
    try:
        folder.mkdir(parents=True, exist_ok=True)  # before any work: a bad --out fails at once
    except OSError as exc:
        raise InputError(f"{folder}: cannot create the folder: {exc.strerror or exc}") from None
    page = render(world, options, build_sections(world, options))
    try:
        with atomic_write(target) as handle:
            handle.write(page)
    except OSError as exc:
        raise InputError(f"{target}: cannot write the report: {exc.strerror or exc}") from None
    return target
