"""``detente ledger``: register stacked forecasts before the decision, score them after it.

A thin layer over :mod:`detente.experiments.ledger`: ``add`` forecasts pending questions and
appends them to a ledger file (created if absent), ``show`` verifies and lists it, ``score``
scores the entries whose questions now have a recorded outcome.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from detente.cli.common import WorldOption, console, open_world, print_json

if TYPE_CHECKING:
    from collections.abc import Sequence

    from detente.experiments.ledger import LedgerEntry, LedgerScore

__all__ = ["register"]

ledger_app = typer.Typer(
    name="ledger",
    help="Register stacked forecasts of pending decisions, and score them once decided.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add the ``ledger`` command group to the root app."""
    app.add_typer(ledger_app, name="ledger")


# the same options as ``explain``'s, defined here so that ``ledger show`` does not load the lenses
LensOption = Annotated[
    list[str] | None,
    typer.Option("--lens", "-l", help="Lens to use (repeatable; default: every registered lens)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print only JSON.")]
LedgerArgument = Annotated[
    Path, typer.Argument(help="Ledger file (JSON; `add` creates it if absent).", show_default=False)
]
QuestionsArgument = Annotated[
    Path,
    typer.Argument(
        help="Episode YAML file or folder of the questions (the episode format; pending "
        "questions have no recorded_outcome).",
        show_default=False,
    ),
]


def _fingerprint(world: Path | None, history: Path | None, lenses: list[str]) -> dict[str, Any]:
    """What forecast an entry: the package, its data, the user's files, the lenses."""
    import detente
    from detente.experiments.results import fingerprint

    data = Path(detente.__file__).parent / "data"
    return {
        "detente": detente.__version__,
        "package_data_sha256": fingerprint(data),
        "world": None if world is None else {"path": str(world), "sha256": fingerprint(world)},
        "history": (
            None if history is None else {"path": str(history), "sha256": fingerprint(history)}
        ),
        "lenses": lenses,
    }


@ledger_app.command("add")
def add(
    ledger: LedgerArgument,
    questions: QuestionsArgument,
    lens: LensOption = None,
    history: Annotated[
        Path | None,
        typer.Option(
            "--history",
            help="Episode file or folder the stack is fitted on (default: the built-in episodes).",
        ),
    ] = None,
    world: WorldOption = None,
    json_output: JsonOption = False,
) -> None:
    """Forecast pending questions with the stack and append them to the ledger, time-stamped."""
    from detente.cli.explain import select_lenses
    from detente.decisions import builtin_episodes, load_episodes, load_questions
    from detente.errors import InputError, Problem
    from detente.experiments.ledger import ledger_json, read_ledger, register, write_ledger

    book = read_ledger(ledger)  # a broken ledger fails before any work
    the_world = open_world(world)
    pending = load_questions(questions, world=the_world, existing=True)
    past = load_episodes(history, world=the_world) if history is not None else builtin_episodes()
    chosen = select_lenses(lens, {})
    updated = register(
        book,
        pending,
        the_world,
        chosen,
        past,
        now=dt.datetime.now(dt.UTC),
        model=_fingerprint(world, history, [x.name for x in chosen]),
        source=str(questions),
    )
    # the forecasts take seconds to minutes: if another `add` wrote the file meanwhile, writing
    # this ledger over it would drop that run's entries, so nothing is written and the user is
    # told to run again (the entries are recomputed on the new ledger)
    if read_ledger(ledger).digest != book.digest:
        raise InputError(
            Problem(
                str(ledger),
                None,
                None,
                "changed while the forecasts were made (another `detente ledger add`?); nothing "
                "was written: run the command again",
            )
        )
    write_ledger(updated, ledger)
    new = updated.entries[len(book.entries) :]
    if json_output:
        print_json({**ledger_json(updated), "added": [e.question for e in new]})
        return
    console.print(_entries_table(new, f"Registered in {ledger}"))
    console.print(
        f"{len(new)} forecast(s) added; the ledger holds {len(updated.entries)}. "
        f"Its digest is now {updated.digest}: publish it to fix the record in time."
    )


@ledger_app.command("show")
def show(ledger: LedgerArgument, json_output: JsonOption = False) -> None:
    """Verify the ledger's chain and list its entries."""
    from detente.errors import InputError, Problem
    from detente.experiments.ledger import ledger_json, read_ledger

    if not ledger.exists():
        raise InputError(Problem(str(ledger), None, None, "no such file"))
    book = read_ledger(ledger)
    if json_output:
        print_json(ledger_json(book))
        return
    console.print(_entries_table(book.entries, f"Ledger {ledger}"))
    console.print(f"{len(book.entries)} entries; the chain holds; digest {book.digest}")


@ledger_app.command("score")
def score(
    ledger: LedgerArgument,
    outcomes: Annotated[
        Path,
        typer.Argument(
            help="Episode YAML file or folder recording the decided questions' outcomes.",
            show_default=False,
        ),
    ],
    world: WorldOption = None,
    json_output: JsonOption = False,
) -> None:
    """Score the entries whose questions now have a recorded outcome (Brier, log, AUC)."""
    from detente.decisions import load_questions
    from detente.errors import InputError, Problem
    from detente.experiments.ledger import read_ledger, score_json, score_ledger

    if not ledger.exists():
        raise InputError(Problem(str(ledger), None, None, "no such file"))
    book = read_ledger(ledger)
    resolved = load_questions(outcomes, world=open_world(world))
    result = score_ledger(book, resolved, source=str(ledger))
    if json_output:
        print_json(score_json(result))
        return
    _print_score(result)


def _entries_table(entries: Sequence[LedgerEntry], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for col in ("#", "question", "decision date", "issued (UTC)", "P(yes)", "90% interval"):
        table.add_column(col, justify="right" if col in ("#", "P(yes)") else "left")
    table.add_column("lenses")
    for e in entries:
        table.add_row(
            str(e.seq),
            e.question,
            e.date.isoformat(),
            e.issued.strftime("%Y-%m-%d %H:%M"),
            f"{e.p:.3f}",
            f"[{e.interval_90[0]:.3f}, {e.interval_90[1]:.3f}]",
            ", ".join(f"{k} {v:.3f}" for k, v in e.lenses.items()),
        )
    return table


def _print_score(result: LedgerScore) -> None:
    from detente.cli.explain import scores_table, versus_table

    scored = len(result.result.forecasts) if result.result is not None else 0
    console.print(
        f"Ledger {result.source} (digest {result.digest}): {result.entries} entries, {scored} "
        "scored prospectively (each forecast registered before its decision date)."
    )
    if result.result is not None:
        console.print(scores_table(result.result, "all", "Prospective"))
        console.print(versus_table(result.result, "all"))
    for question, reason in result.left_out:
        console.print(f"not scored: {question}: {reason}")
    if result.unregistered:
        console.print(
            f"{len(result.unregistered)} question(s) of the outcome file are not in the ledger "
            f"(not scored): {', '.join(result.unregistered)}"
        )
