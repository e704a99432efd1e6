"""``detente world ...``: look at a world, as of any date, and check a user's world files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer
from rich.table import Table

from detente.cli.common import (
    WorldOption,
    console,
    default_day,
    err_console,
    open_world,
    parse_date,
    print_json,
    styled,
)
from detente.errors import InputError, Problem, UnknownIdError, match_id
from detente.output import atomic_write
from detente.world.roster import Roster, builtin_roster

if TYPE_CHECKING:
    # imported where used: ``world members`` and ``world shared`` on the built-in world read its
    # cached roster and import neither the record models nor pydantic
    from detente.world import Snapshot, World
    from detente.world.records import Membership, MembershipStatus

__all__ = ["register"]

world_app = typer.Typer(
    help="Query the world model (facts as of a date) and validate world files.",
    no_args_is_help=True,
)

OnOption = Annotated[
    str | None,
    typer.Option("--on", help="Answer as of the end of this day (YYYY-MM-DD).", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON only, for machines.")]
StatusChoice = Literal["member", "suspended", "frozen", "partner", "observer", "any"]


def register(app: typer.Typer) -> None:
    """Add the ``world`` command group to the root app."""
    app.add_typer(world_app, name="world")


def _org(world: World | Roster, text: str) -> str:
    """The organisation id ``text`` names, ignoring case (``csto`` is CSTO), else an
    :class:`UnknownIdError` with "did you mean" (as :meth:`World.require_organisation`)."""
    ident = match_id(text, world.organisations) or text
    if ident not in world.organisations:
        raise UnknownIdError("organisation", ident, world.organisations)
    return ident


def _actor(world: World | Roster, text: str) -> str:
    """The state or organisation id ``text`` names, ignoring case (``kaz`` is KAZ), else an
    :class:`UnknownIdError` (as :meth:`World.require_actor`)."""
    ident = match_id(text, world.actor_ids()) or text
    if ident not in world.states and ident not in world.organisations:
        raise UnknownIdError("actor", ident, world.actor_ids())
    return ident


def _roster(path: Path | None) -> Roster:
    """The memberships of the user's ``--world``, or of the built-in world (cached)."""
    return builtin_roster() if path is None else Roster.of(open_world(path))


def _day(world: World | Roster, on: str | None) -> dt.date:
    return parse_date(on, "--on") if on is not None else default_day(world)


def _snapshot(world: World, on: str | None) -> Snapshot:
    return world.on(_day(world, on))


def _membership_json(m: Membership) -> dict[str, Any]:
    return m.model_dump(mode="json", exclude_none=True, exclude_defaults=True) | {
        "status": m.status
    }


@world_app.command("show")
def show(on: OnOption = None, world: WorldOption = None, as_json: JsonOption = False) -> None:
    """A summary of the world on a day: its organisations, their rules and members."""
    w = open_world(world)
    snap = _snapshot(w, on)
    rows: list[dict[str, Any]] = [
        {
            "id": org.id,
            "name": org.name,
            "kind": org.kind,
            "rule": org.decision_rule,
            "members": snap.members(org.id),
            "partners": snap.members(org.id, "partner"),
            "suspended_members": snap.members(org.id, "suspended") + snap.members(org.id, "frozen"),
            "suspended": snap.is_suspended(org.id),
        }
        for org in snap.organisations()
    ]
    if as_json:
        print_json({"world": w.header.name, "on": snap.day, "counts": w.counts(), "orgs": rows})
        return
    counts = ", ".join(f"{n} {k}" for k, n in w.counts().items())
    console.print(styled((w.header.name, "bold"), f" on {snap.day}  ({counts})"))
    table = Table("org", "name", "rule", "members", "partners", "note")
    for row in rows:
        note = "suspended" if row["suspended"] else ""
        if row["suspended_members"]:
            note = (note + " " if note else "") + "inactive: " + " ".join(row["suspended_members"])
        table.add_row(
            row["id"],
            row["name"],
            row["rule"],
            _ids(row["members"]),
            str(len(row["partners"])) if row["partners"] else "",
            note,
        )
    console.print(table)


def _ids(ids: list[str], width: int = 12) -> str:
    shown = " ".join(ids[:width])
    return f"{len(ids)}: {shown}{' ...' if len(ids) > width else ''}" if ids else "0"


@world_app.command("members")
def members(
    org: Annotated[str, typer.Argument(help="Organisation id, e.g. CSTO, NATO, NRC.")],
    on: OnOption = None,
    status: Annotated[
        StatusChoice, typer.Option("--status", help="Membership status to list.")
    ] = "member",
    also: Annotated[
        str | None,
        typer.Option(
            "--also",
            help="Only those who also hold any status in this organisation (e.g. PFP).",
            show_default=False,
        ),
    ] = None,
    world: WorldOption = None,
    as_json: JsonOption = False,
) -> None:
    """The members of an organisation on a day (by status)."""
    w = _roster(world)
    org = _org(w, org)
    also = _org(w, also) if also is not None else None
    day = _day(w, on)
    wanted: MembershipStatus | None = None if status == "any" else status
    ids = w.members(org, wanted, day)
    if also is not None:
        ids = [a for a in ids if w.status(a, also, day) is not None]
    if as_json:
        print_json(ids)
        return
    title = f"{org} {'members' if wanted == 'member' else status} on {day}"
    title += f", also in {also}" if also else ""
    table = Table("id", "name", "status", "since", title=title)
    for m in w.holding(day):
        if m.org == org and m.actor in ids:
            table.add_row(m.actor, w.name_of(m.actor), m.status, str(m.start))
    console.print(table)
    if not w.exists(org, day):
        err_console.print(f"note: {org} did not exist on {day}")


@world_app.command("shared")
def shared(
    a: Annotated[str, typer.Argument(help="First actor id, e.g. KAZ.")],
    b: Annotated[str, typer.Argument(help="Second actor id, e.g. USA.")],
    on: OnOption = None,
    any_status: Annotated[
        bool, typer.Option("--any-status", help="Count partners, observers, suspended too.")
    ] = False,
    world: WorldOption = None,
    as_json: JsonOption = False,
) -> None:
    """The organisations two actors both belong to on a day."""
    w = _roster(world)
    a, b = _actor(w, a), _actor(w, b)
    day = _day(w, on)
    orgs = w.shared_organisations(a, b, None if any_status else "member", day)
    if as_json:
        print_json(orgs)
        return
    table = Table("org", f"{a} status", f"{b} status", title=f"{a} and {b} on {day}")
    for org in orgs:
        table.add_row(org, w.status(a, org, day) or "", w.status(b, org, day) or "")
    console.print(table)


@world_app.command("history")
def history(
    actor: Annotated[str, typer.Argument(help="State or organisation id, e.g. UZB.")],
    world: WorldOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every membership an actor ever held, with dates, status and sources."""
    w = open_world(world)
    actor = _actor(w, actor)
    rows = w.history(actor)
    if as_json:
        print_json([_membership_json(m) for m in rows])
        return
    table = Table(
        "org", "status", "from", "until", "sources", title=f"{w.name_of(actor)} ({actor})"
    )
    for m in rows:
        until = str(m.end) if m.end else ""
        table.add_row(m.org, m.status, str(m.start), until, ", ".join(m.sources))
    console.print(table)


@world_app.command("capabilities")
def capabilities(
    actor: Annotated[str, typer.Argument(help="State id, e.g. KAZ.")],
    year: Annotated[int | None, typer.Option("--year", help="Only this year.")] = None,
    world: WorldOption = None,
    as_json: JsonOption = False,
) -> None:
    """An actor's capability series (military expenditure, GDP, population, personnel)."""
    w = open_world(world)
    actor = _actor(w, actor)
    series = w.series(actor)
    known = sorted({y for s in series for y in s.values})
    if year is not None and known and not known[0] <= year <= known[-1]:
        raise InputError(
            Problem(
                None,
                None,
                "--year",
                f"{year}: the world knows {actor}'s capabilities for "
                f"{known[0]} to {known[-1]} only",
            )
        )
    data: list[dict[str, Any]] = [
        {
            "measure": s.measure,
            "unit": s.unit,
            "basis": s.basis,
            "sources": s.sources,
            "values": {y: v for y, v in sorted(s.values.items()) if year is None or y == year},
        }
        for s in series
    ]
    if as_json:
        print_json(data)
        return
    years = sorted({y for d in data for y in d["values"]})
    table = Table("year", *(f"{d['measure']}\n{d['unit']}" for d in data), title=actor)
    for y in years:
        table.add_row(str(y), *(_fmt(d["values"].get(y)) for d in data))
    console.print(table)
    for d in data:
        console.print(f"{d['measure']}: {d['basis']} [{', '.join(d['sources'])}]")


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:,.4g}"


@world_app.command("check")
def check(
    path: Annotated[
        Path | None,
        typer.Argument(help="World YAML file or folder (default: the built-in world)."),
    ] = None,
    extend_builtin: Annotated[
        bool, typer.Option("--extend-builtin", help="Check it as an extension of the built-in.")
    ] = False,
    episodes: Annotated[
        str | None,
        typer.Option(
            "--episodes",
            help=(
                "Episode file or folder for the knowledge-time checks, 'builtin', or 'none' "
                "(default: the built-in episodes if the world holds their actors)."
            ),
            show_default=False,
        ),
    ] = None,
    questions: Annotated[
        str | None,
        typer.Option(
            "--questions",
            help=(
                "Question file or folder whose stakeholder codings are checked for knowledge "
                "time against this world, 'builtin', or 'none' (default: the built-in questions "
                "when checking the built-in world or an extension of it)."
            ),
            show_default=False,
        ),
    ] = None,
) -> None:
    """Validate a world; print every problem with its file, line and field (exit 2 if any).

    Besides the structure, it checks when each coded judgement could be known: undated or
    after-the-fact evidence, and periods coded from, or cut at, an episode's outcome. For an
    extension of the built-in world it prints per record kind what it added, replaced, removed
    and kept, and checks only the extension's own records.
    """
    from detente.decisions import load_episodes
    from detente.world import load_world

    w = load_world(path, extend_builtin=extend_builtin)
    chosen = None
    note = ""
    if episodes != "none":
        where = None if episodes in (None, "builtin") else Path(episodes)
        try:
            chosen = load_episodes(where, world=w)
        except InputError:
            if episodes is not None:
                raise
            note = "episode checks not run: the built-in episodes name actors this world lacks"
    from detente.world import inspect_world

    w, problems = inspect_world(path, extend_builtin=extend_builtin, episodes=chosen)
    asked = _questions_to_check(questions, builtin_based=path is None or w.extension is not None)
    if asked:
        from detente.forecast.question import question_problems

        for question in asked:
            problems = [*problems, *question_problems(question, w)]
    if w.extension is not None:
        table = Table("kind", "added", "replaced", "removed", "kept", title="extension of builtin")
        for row in w.extension.rows():
            table.add_row(*(str(v) for v in row.values()))
        console.print(table)
    if note:
        err_console.print(f"note: {note} (give --episodes)")
    if problems:
        raise InputError(problems)
    what = "the built-in world" if path is None else str(path)
    against = [f"{len(chosen)} episodes"] if chosen else []
    if asked:
        against.append(f"{len(asked)} question{'s' if len(asked) != 1 else ''}")
    checked = f", knowledge time checked against {' and '.join(against)}" if against else ""
    console.print(f"ok: {what} is a valid world{checked}")


def _questions_to_check(option: str | None, *, builtin_based: bool) -> list[str | Path]:
    """The questions ``world check`` loads: a file, the YAML files of a folder, or the built-in
    ones (by default only for the built-in world and its extensions, whose actors they name)."""
    from detente.forecast.question import builtin_questions

    if option == "none" or (option is None and not builtin_based):
        return []
    if option in (None, "builtin"):
        return list(builtin_questions())
    where = Path(option)
    if where.is_dir():
        return sorted(p for p in where.iterdir() if p.suffix.lower() in (".yaml", ".yml"))
    return [where]


@world_app.command("schema")
def schema(
    output: Annotated[
        str | None,  # text: Path("out/") would drop the slash that says "a folder"
        typer.Option("--output", "-o", metavar="FILE", help="Write to this file."),
    ] = None,
) -> None:
    """Print the JSON Schema of a world file."""

    from detente.world import world_json_schema  # pydantic's schema machinery: only here

    text = json.dumps(world_json_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        console.out(text, end="", highlight=False)
        return
    with atomic_write(output) as handle:
        handle.write(text)
    err_console.print(f"wrote {output}")


@world_app.command("sources")
def sources(
    world: WorldOption = None,
    as_json: JsonOption = False,
    bibtex: Annotated[bool, typer.Option("--bibtex", help="Print BibTeX entries.")] = False,
) -> None:
    """The bibliography: every source with the number of facts that cite it."""
    w = open_world(world)
    records = sorted(w.sources.values(), key=lambda s: s.id)
    if bibtex:
        from detente.cite import source_reference, to_bibtex

        console.out(to_bibtex(source_reference(s) for s in records), end="", highlight=False)
        return
    cited = w.citations()
    if as_json:
        print_json(
            [
                s.model_dump(mode="json", exclude_none=True) | {"cited_by": cited[s.id]}
                for s in records
            ]
        )
        return
    table = Table("id", "reference", "facts")
    for s in records:
        table.add_row(s.id, _reference(s), str(cited[s.id]))
    console.print(table)


def _reference(s: Any) -> str:
    when = str(s.date or s.year or "n.d.")
    parts = [p for p in (s.author, f"({when})", s.title, s.publisher, s.url) if p]
    return ". ".join(parts)


# -- record views -----------------------------------------------------------------------------
def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


_VIEW_HELP = {
    "states": "Every state, with its Correlates of War code and sources.",
    "bases": "Foreign military presences (host, user, dates), with sources.",
    "relations": "Dyadic relations by period (rivalries, disputes), with intensity and evidence.",
    "threats": "Transnational threats by period: origin, exposed actors, severity, evidence.",
    "officials": "Office holders (secretaries-general and others) with their dates.",
    "pledges": "Deciding bodies' dated undertakings to admit applicants at a stated meeting.",
    "agreements": "Treaties, charters and acts: dates, parties, clauses, sources.",
}


def _view(kind: str) -> Any:
    def command(
        on: OnOption = None, world: WorldOption = None, as_json: JsonOption = False
    ) -> None:
        from detente.world.views import view_rows

        w = open_world(world)
        day = parse_date(on, "--on") if on is not None else None
        rows = view_rows(w, kind, day)
        if as_json:
            print_json(rows)
            return
        title = f"{kind} on {day} (as known then)" if day else f"{kind}: every record"
        columns = [c for c in (rows[0] if rows else {}) if c != "known_after"]
        table = Table(*columns, title=title)
        for row in rows:
            table.add_row(*(_cell(row[c]) for c in columns))
        console.print(table)
        if not rows:
            err_console.print(f"note: no {kind} {'on ' + str(day) if day else 'in this world'}")

    command.__doc__ = (
        _VIEW_HELP[kind] + " Without --on every record; with --on those holding at the end of "
        "that day, as known then (ends hidden, unpublished judgements withheld)."
    )
    return command


for _kind in _VIEW_HELP:
    world_app.command(_kind, short_help=_VIEW_HELP[_kind])(_view(_kind))
