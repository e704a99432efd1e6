"""The record types of a world: every dated, sourced fact that Détente knows about.

A world is a set of YAML documents; each document is a mapping whose keys are the plural record
names below (``sources``, ``states``, ``organisations``, ``memberships``, ``agreements``,
``capabilities``, ``bases``, ``relations``, ``threats``, ``officials``, ``pledges``) plus an
optional ``world`` header. The models here validate one record at a time (field types, ranges,
date order); checks that need the whole world (unknown ids, overlaps, duplicates) live in
:mod:`detente.world.validation`.

Date conventions
----------------
* Dates are ISO ``YYYY-MM-DD``. A fact *dated* D takes effect at the start of day D.
* Intervals are half-open, ``[start, end)``: on ``end`` the fact no longer holds; ``end: null``
  means it still holds at the end of the data.
* A capability value for year Y is dated at the end of Y (31 December), because that is when a
  year's figure can first be known.

Knowledge time
--------------
A source's ``published`` date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; the format is the
precision) says when its content could first be known: at the end of the stated day, month or year
(:meth:`Source.published_latest`). A *coded judgement* (a relation's period and intensity, a
threat's period, exposure and severity, a clause's obligation grade) names in ``evidence`` the
sources it was coded from (``sources`` when ``evidence`` is empty); a snapshot admits it only when
some of that evidence was published before the snapshot's cut-off (see
:mod:`detente.world.snapshot`). Plain dated events (a signature, an accession) need no such
evidence: they are known on their day.

Natural keys
------------
Every record kind has a natural key, :data:`NATURAL_KEYS`, declared here once. Within one world a
key names at most one record, and a world that extends the built-in one adds the records whose key
is new and replaces a built-in record only when it says so (``replace: true`` on the record or the
key in the header's ``replaces:`` list).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "NATURAL_KEYS",
    "RECORD_TYPES",
    "Agreement",
    "Alternative",
    "Base",
    "Body",
    "CapabilitySeries",
    "Clause",
    "ClauseVersion",
    "DecisionRule",
    "Dispute",
    "Judgement",
    "Measure",
    "Membership",
    "MembershipStatus",
    "Official",
    "Organisation",
    "Pledge",
    "PledgedDecision",
    "Relation",
    "Source",
    "State",
    "Suspension",
    "Threat",
    "WorldHeader",
    "natural_key",
    "parse_key",
]

StateId = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 3166-1 alpha-3 code")]
OrgId = Annotated[
    str, Field(pattern=r"^[A-Z][A-Z0-9-]{1,11}$", description="upper-case acronym, e.g. CSTO")
]
ActorId = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9-]{1,11}$", description="state or org id")]
SourceId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", description="source id")]
Slug = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]

DecisionRule = Literal["consensus", "simple-majority", "qualified-majority", "weighted-majority"]
MembershipStatus = Literal["member", "suspended", "frozen", "partner", "observer"]
Measure = Literal["milex", "gdp", "population", "personnel"]


class _Record(BaseModel):
    """Common configuration: immutable, strict about unknown fields.

    ``defer_build``: a model's validator is built when it first validates, not at import, so a
    process that loads the cached built-in world (detente.world.cache) never builds one.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, defer_build=True)


class Alternative(_Record):
    """A value that another source gives for a disputed field."""

    value: str | float | int | dt.date
    sources: list[SourceId] = Field(min_length=1)
    note: str | None = None


class Dispute(_Record):
    """Where sources disagree: which field, why the recorded value was chosen, and the rest."""

    field: str
    chosen_because: str
    alternatives: list[Alternative] = Field(min_length=1)


class _Sourced(_Record):
    """A fact: it cites at least one source id, and may record a dispute between sources."""

    sources: list[SourceId] = Field(min_length=1)
    note: str | None = None
    disputes: list[Dispute] = Field(default_factory=list)


class Judgement(_Sourced):
    """A fact that carries an editor's coding (an intensity, a severity, an obligation grade).

    ``evidence`` names the sources the coding was taken from; ``sources`` may cite more (later
    documents that confirm or describe it). Empty ``evidence`` means every cited source is evidence.
    """

    evidence: list[SourceId] = Field(
        default_factory=list,
        description="ids of the sources the coded judgement was taken from (default: sources)",
    )

    def evidence_ids(self) -> list[str]:
        """The evidence of the coding: ``evidence``, or ``sources`` when none is named."""
        return list(self.evidence or self.sources)


def _check_interval(start: dt.date, end: dt.date | None, what: str) -> None:
    if end is not None and end <= start:
        raise ValueError(f"{what} ends ({end}) on or before it starts ({start})")


class WorldHeader(_Record):
    """Optional header of a world: its name, coverage, and whether it extends the built-in one."""

    name: str
    description: str | None = None
    covers: tuple[dt.date, dt.date] | None = None
    extends: Literal["builtin"] | None = None
    replaces: list[dict[str, Any]] = Field(
        default_factory=list,
        description=(
            "built-in records this extension replaces or removes, each a one-key mapping from a "
            "record kind to its natural key: {states: UKR} or "
            "{relations: {a: USA, b: RUS, kind: rivalry, start: 2008-08-08}}"
        ),
    )

    @field_validator("replaces")
    @classmethod
    def _replaces(cls, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for i, item in enumerate(items):
            try:
                parse_key(item)
            except ValueError as exc:
                raise ValueError(f"replaces[{i}]: {exc}") from None
        return items

    def replaced_keys(self) -> list[tuple[str, tuple[Any, ...]]]:
        """The ``replaces:`` list as (kind, natural key) pairs."""
        return [parse_key(item) for item in self.replaces]

    @field_validator("covers")
    @classmethod
    def _covers(cls, covers: tuple[dt.date, dt.date] | None) -> tuple[dt.date, dt.date] | None:
        if covers is not None and covers[1] < covers[0]:
            raise ValueError(f"the coverage ends ({covers[1]}) before it starts ({covers[0]})")
        return covers


class Source(_Record):
    """A bibliographic record. ``id`` is what facts cite (e.g. ``ffi-2007``)."""

    id: SourceId
    kind: Literal[
        "report", "article", "news", "book", "web", "dataset", "treaty", "document", "cable"
    ]
    title: str
    author: str | None = None
    publisher: str | None = None
    year: int | None = Field(default=None, ge=1800, le=2100)
    date: dt.date | None = None
    published: str | None = Field(
        default=None,
        pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
        description="publication date, YYYY, YYYY-MM or YYYY-MM-DD: the format is the precision",
    )
    url: str | None = None
    note: str | None = None

    @field_validator("published", mode="before")
    @classmethod
    def _year_as_text(cls, value: object) -> object:
        # YAML reads `published: 2008` as a number; a bare year is the year precision
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("published")
    @classmethod
    def _published(cls, value: str | None) -> str | None:
        if value is not None:
            _period_end(value)  # raises on 2009-13 or 2009-02-30
        return value

    def published_latest(self) -> dt.date | None:
        """The last day on which the source may have been published, or ``None`` if unknown.

        ``published`` is read at its precision and conservatively: ``2008-08`` may be as late as
        31 Aug 2008, ``2007`` as late as 31 Dec 2007. Without ``published``, ``date`` (a day) and
        then ``year`` stand in for it. The source can be known from the day after this one.
        """
        if self.published is not None:
            return _period_end(self.published)
        if self.date is not None:
            return self.date
        if self.year is not None:
            return dt.date(self.year, 12, 31)
        return None

    def known_before(self, date: dt.date) -> bool:
        """Whether the source was surely published before ``date`` (``False`` if undated)."""
        latest = self.published_latest()
        return latest is not None and latest < date


def _period_end(text: str) -> dt.date:
    """The last day of the period ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    parts = [int(p) for p in text.split("-")]
    try:
        if len(parts) == 3:
            return dt.date(parts[0], parts[1], parts[2])
        if len(parts) == 2:
            dt.date(parts[0], parts[1], 1)  # checks the month
            first_next = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
            return first_next - dt.timedelta(days=1)
        return dt.date(parts[0], 12, 31)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid YYYY, YYYY-MM or YYYY-MM-DD date") from exc


class State(_Sourced):
    """A sovereign state, identified by ISO 3166-1 alpha-3 with its Correlates of War code."""

    id: StateId
    name: str
    cow: int = Field(ge=1, le=999, description="Correlates of War state number (ccode)")


class Body(_Record):
    """An organ of an organisation (e.g. the CSTO's Collective Security Council)."""

    id: Slug
    name: str
    role: str
    decision_rule: DecisionRule | None = None
    sources: list[SourceId] = Field(min_length=1)


class Suspension(_Sourced):
    """A period in which an organisation's meetings or cooperation were suspended (NRC 2008).

    ``scope``: ``meetings`` (sessions on hold), ``practical-cooperation`` (joint projects stopped,
    dialogue kept), ``missions`` (the parties' permanent missions or liaison offices to each other
    closed, while meetings may still be convened: Russia and NATO from 1 Nov 2021) or ``all``.
    """

    start: dt.date
    end: dt.date | None = None
    scope: Literal["meetings", "practical-cooperation", "missions", "all"]

    @model_validator(mode="after")
    def _dates(self) -> Suspension:
        _check_interval(self.start, self.end, "suspension")
        return self


class Organisation(_Sourced):
    """An international organisation, framework or forum, with its decision rule and bodies."""

    id: OrgId
    name: str
    kind: Literal[
        "alliance",
        "collective-security",
        "partnership",
        "forum",
        "regional",
        "economic",
        "commonwealth",
        "universal",
    ]
    founded: dt.date
    ended: dt.date | None = None
    decision_rule: DecisionRule
    quota: float | None = Field(
        default=None, gt=0.5, le=1.0, description="share of votes needed (qualified majority)"
    )
    predecessor: OrgId | None = None
    bodies: list[Body] = Field(default_factory=list)
    suspensions: list[Suspension] = Field(default_factory=list)

    @model_validator(mode="after")
    def _dates(self) -> Organisation:
        _check_interval(self.founded, self.ended, f"organisation {self.id}")
        return self


class Membership(_Sourced):
    """An actor's membership of an organisation over ``[start, end)`` with a status."""

    actor: ActorId
    org: OrgId
    start: dt.date
    end: dt.date | None = None
    status: MembershipStatus = "member"

    @model_validator(mode="after")
    def _dates(self) -> Membership:
        _check_interval(self.start, self.end, f"membership of {self.actor} in {self.org}")
        return self


class ClauseVersion(Judgement):
    """The wording of a clause from a date on (a paraphrase, never the text itself).

    ``obligation`` grades how strongly members are bound, on [0, 1]: 0.25 consult only, 0.5 assist
    by means each party chooses, 0.75 assist including armed force as each party deems necessary,
    1.0 automatic military assistance. (Anchors after the ATOP codebook's distinction between
    consultation and defence obligations, Leeds et al. 2002.)
    """

    from_: dt.date = Field(alias="from")
    summary: str
    obligation: float = Field(ge=0.0, le=1.0)


class Clause(_Record):
    """An article of an agreement, e.g. NATO's Art. 5 or the Tashkent treaty's Art. 4."""

    id: Slug
    article: str
    kind: Literal[
        "collective-defence",
        "consultation",
        "basing-consent",
        "basing-lease",
        "decision-rule",
        "withdrawal",
    ]
    versions: list[ClauseVersion] = Field(min_length=1)

    @field_validator("versions")
    @classmethod
    def _ordered(cls, versions: list[ClauseVersion]) -> list[ClauseVersion]:
        dates = [v.from_ for v in versions]
        if dates != sorted(set(dates)):
            raise ValueError("clause versions must have distinct 'from' dates in increasing order")
        return versions


class Agreement(_Sourced):
    """A treaty, charter, protocol or founding act, with its clauses."""

    id: Slug
    name: str
    kind: Literal["treaty", "charter", "protocol", "founding-act", "declaration", "agreement"]
    signed: dt.date
    in_force: dt.date | None = None
    ended: dt.date | None = None
    org: OrgId | None = Field(default=None, description="organisation whose members are parties")
    parties: list[ActorId] = Field(default_factory=list)
    clauses: list[Clause] = Field(default_factory=list)


class CapabilitySeries(_Sourced):
    """One measure of one actor by year, with its unit and basis.

    ``milex``: military expenditure; ``gdp``; ``population``; ``personnel``: armed-forces personnel.
    ``unit`` names the currency basis (e.g. ``USD bn, constant 2019``) or count unit.
    """

    actor: ActorId
    measure: Measure
    unit: str
    basis: str
    values: dict[int, float | None]

    @field_validator("values")
    @classmethod
    def _values(cls, values: dict[int, float | None]) -> dict[int, float | None]:
        problems = []
        for year, value in values.items():
            if not 1800 <= year <= 2100:
                problems.append(f"year {year} out of range 1800-2100")
            elif value is None:
                problems.append(f"{year}: missing value (omit the year instead)")
            elif not math.isfinite(value):
                problems.append(f"{year}: {value} is not a finite number")
            elif value < 0:
                problems.append(f"{year}: negative value {value}")
        if problems:
            raise ValueError("; ".join(problems))
        return values


class Base(_Sourced):
    """A foreign military presence: ``user`` operates a facility on ``host``'s territory."""

    id: Slug
    name: str
    host: StateId
    user: ActorId
    start: dt.date
    end: dt.date | None = None
    personnel: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _dates(self) -> Base:
        _check_interval(self.start, self.end, f"base {self.id}")
        return self


class Relation(Judgement):
    """A dyadic relation over a period, e.g. a rivalry, with an intensity on [0, 1]."""

    a: ActorId
    b: ActorId
    kind: Literal["rivalry", "strategic-partnership", "territorial-dispute", "alliance-tie"]
    start: dt.date
    end: dt.date | None = None
    intensity: float = Field(ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _dates(self) -> Relation:
        _check_interval(self.start, self.end, f"relation {self.a}-{self.b}")
        if self.a == self.b:
            raise ValueError("a relation needs two different actors")
        return self


class Threat(Judgement):
    """A threat from an origin to exposed actors, by period (e.g. narcotics from Afghanistan).

    ``kind``: ``terrorism``, ``narcotics``, ``proliferation``, ``insurgency`` (an armed movement on
    the origin's territory: the IMU from Tajikistan, Chechnya in Russia), ``instability``, or
    ``regime-security`` (a threat to a government's hold on power as the exposed governments saw
    it: the 2005 "colour revolutions", Andijan). The origin is a state: for a non-state threat, the
    state whose territory or example it came from, as the record's note says.
    """

    id: Slug
    kind: Literal[
        "terrorism", "narcotics", "proliferation", "insurgency", "instability", "regime-security"
    ]
    origin: ActorId
    exposed: list[ActorId] = Field(min_length=1)
    start: dt.date
    end: dt.date | None = None
    severity: float = Field(ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _dates(self) -> Threat:
        _check_interval(self.start, self.end, f"threat {self.id}")
        return self


class Official(_Sourced):
    """The holder of an office (e.g. NATO's Secretary-General) over ``[start, end)``."""

    person: str
    office: Literal["secretary-general", "special-representative", "chair"]
    org: OrgId
    nationality: StateId | None = None
    start: dt.date
    end: dt.date | None = None
    acting: bool = False

    @model_validator(mode="after")
    def _dates(self) -> Official:
        _check_interval(self.start, self.end, f"{self.office} {self.person}")
        return self


PledgedDecision = Literal["admission", "programme"]
"""What a :class:`Pledge` undertakes to decide: ``admission`` (an invitation to join, e.g. to begin
accession talks) or ``programme`` (a pre-accession programme such as NATO's Membership Action
Plan)."""


class Pledge(_Sourced):
    """A deciding body's published undertaking to take a yes decision at a stated time.

    The agenda term of the stacked forecaster (:mod:`detente.forecaster`) reads these: a body that
    has said in an official text, before a decision, that it will (or intends to) admit applicants
    at a named meeting, or as soon as a named condition is met, has put that decision on its own
    agenda and staked its word on it. Schimmelfennig (2001, *International Organization*
    55:47-80, "The Community Trap") argues that such rhetorical commitments bind the members who
    made them, whatever their later preferences; Kydd (2001, *International Organization*
    55:801-828) reads NATO's enlargement rounds as paced by such undertakings.

    * ``made`` -- the day the text was issued (known from the next day, like any dated event).
    * ``org`` -- the organisation whose members decide; ``decision`` what kind of decision.
    * ``candidates`` -- the applicants named; empty means any applicant of the kind (the text names
      none: "one or more countries").
    * ``due`` -- the last day of the meeting, or the deadline, at which the decision is pledged;
      after it the pledge lapses. ``None``: no date (then a ``condition`` must say when).
    * ``condition`` -- what must happen first, in the editor's words; ``condition_met`` the day it
      happened (``None``: not, or not yet). The day is a plain dated event, known from the next
      day; the sources that record it go in ``sources`` with the text's own.

    A promise with neither a date nor a condition ("these countries will become members") is not a
    pledge in this sense: it says nothing about when the decision is taken (``docs/backtest.md``).
    """

    id: Slug
    org: OrgId
    decision: PledgedDecision
    made: dt.date
    candidates: list[ActorId] = Field(default_factory=list)
    due: dt.date | None = None
    condition: str | None = None
    condition_met: dt.date | None = None

    @model_validator(mode="after")
    def _when(self) -> Pledge:
        if self.due is None and self.condition is None:
            raise ValueError(f"pledge {self.id}: give a due date, a condition, or both")
        if self.due is not None and self.due < self.made:
            raise ValueError(f"pledge {self.id}: due ({self.due}) before it was made ({self.made})")
        if self.condition_met is not None:
            if self.condition is None:
                raise ValueError(f"pledge {self.id}: condition_met without a condition")
            if self.condition_met < self.made:
                raise ValueError(
                    f"pledge {self.id}: condition_met ({self.condition_met}) before it was made"
                )
        return self

    def binds(self, day: dt.date) -> bool:
        """Whether the pledge is in force at the end of ``day``: made by then, its condition (if
        any) met by then, and its due date not passed."""
        if self.made > day or (self.due is not None and self.due < day):
            return False
        return self.condition is None or (
            self.condition_met is not None and self.condition_met <= day
        )

    def covers(self, candidate: str) -> bool:
        """Whether ``candidate`` is among the applicants the pledge speaks for."""
        return not self.candidates or candidate in self.candidates


RECORD_TYPES: dict[str, type[_Record]] = {
    "sources": Source,
    "states": State,
    "organisations": Organisation,
    "memberships": Membership,
    "agreements": Agreement,
    "capabilities": CapabilitySeries,
    "bases": Base,
    "relations": Relation,
    "threats": Threat,
    "officials": Official,
    "pledges": Pledge,
}
"""The top-level keys a world document may hold, and the record model for each list item."""


NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "sources": ("id",),
    "states": ("id",),
    "organisations": ("id",),
    "agreements": ("id",),
    "bases": ("id",),
    "threats": ("id",),
    "memberships": ("actor", "org", "start"),
    "capabilities": ("actor", "measure"),
    "relations": ("a", "b", "kind", "start"),
    "officials": ("org", "office", "start"),
    "pledges": ("id",),
}
"""The fields that identify a record of each kind (a relation's pair is unordered)."""

_DATE_FIELDS = frozenset({"start"})


def natural_key(kind: str, record: BaseModel | Mapping[str, Any]) -> tuple[Any, ...]:
    """The natural key of a record of ``kind`` (a model, or a mapping of its key fields)."""
    get = record.get if isinstance(record, Mapping) else lambda f: getattr(record, f)
    values = [get(f) for f in NATURAL_KEYS[kind]]
    if kind == "relations":
        values[0], values[1] = sorted((str(values[0]), str(values[1])))
    return tuple(values)


def parse_key(item: Mapping[str, Any]) -> tuple[str, tuple[Any, ...]]:
    """Read one ``replaces:`` item, ``{kind: id}`` or ``{kind: {field: value, ...}}``."""
    if not isinstance(item, Mapping) or len(item) != 1:
        raise ValueError("expected a one-key mapping from a record kind to a natural key")
    ((kind, value),) = item.items()
    fields = NATURAL_KEYS.get(str(kind))
    if fields is None:
        raise ValueError(f"unknown record kind {kind!r} (expected: {', '.join(NATURAL_KEYS)})")
    if fields == ("id",) and isinstance(value, str):
        value = {"id": value}
    if not isinstance(value, Mapping) or set(value) != set(fields):
        raise ValueError(f"a {kind} key has exactly the fields {', '.join(fields)}")
    parsed: dict[str, Any] = {}
    for f in fields:
        v = value[f]
        if f in _DATE_FIELDS and isinstance(v, str):
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
                raise ValueError(f"{kind} key field {f}: expected YYYY-MM-DD, got {v!r}")
            v = dt.date.fromisoformat(v)
        if not isinstance(v, str | dt.date):
            raise ValueError(f"{kind} key field {f}: expected a string or a date, got {v!r}")
        parsed[f] = v
    return str(kind), natural_key(str(kind), parsed)
