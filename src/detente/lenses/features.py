"""The facts a lens reads about one actor and one question: the inputs of every utility term.

Every feature is a number on [0, 1] computed **only** from a :class:`~detente.world.Snapshot` (the
facts known before the question's date) and the question's *who and what* (type, action, proposer,
target), never from its recorded outcome.

The tie
-------
A question's yes outcome changes one relationship, the *tie* between two parties ``A`` (the
proposer's side) and ``B`` (the target's side), with a sign ``s``:

============ =================== ================================= =====
type         A                   B                                 s
============ =================== ================================= =====
engagement   proposer            target                            +1
membership   the state           the organisation                  +1 for join, -1 for
                                                                    leave/suspend/freeze
assistance   the requesting state the organisation                  +1
basing       the user            the host                          +1 (admit, keep)
============ =================== ================================= =====

For an actor ``i`` its own party ``P`` is the party it is or belongs to, and ``C`` is the other
party, its *counterpart* (an actor in neither party, such as a member of a basing-consent
organisation, takes the target's side). A party is a state or an organisation; an organisation's
*members* are its full members on the day, its *leader* the member with the largest military
expenditure, and ``share(x, O)`` a member's share of the members' expenditure (Olson &
Zeckhauser 1966: the burdens and stakes of an alliance fall on its members in proportion to their
size). Military expenditure is the world's ``milex`` series (SIPRI), read through the world's one
fill rule (:func:`detente.world.fill_capability`): a figure carried forward at most
:data:`~detente.world.CARRY_YEARS` years, else the smallest known figure; never 0 for an unknown.
Every filled value is listed in :attr:`WorldView.fills` and shown by explanations.

Features (symbols used in the term formulas of the lenses)
-----------------------------------------------------------
``s``  sign of the tie.
``S``  shared threat: ``1 - prod_t (1 - sev_t * e_i(t) * e_C(t))`` over the transnational threats
       ``t`` on the day, with ``e_x(t)`` = 1 if ``x`` (or an organisation ``x`` fully belongs to)
       is listed as exposed, ``presence_exposure`` if ``x`` operates a base on an exposed host's
       territory (its forces are there), else 0; for a party, the expenditure-weighted mean over
       its members. The union form keeps ``S`` on [0, 1].
``H``  help capacity of the counterpart: ``cap_C / (cap_C + cap_i)``.
``R``  rivalry with the counterpart: the strongest relation of kind ``rivalry`` or
       ``territorial-dispute`` between ``i`` and ``C``; a relation between organisations (or
       between an organisation and a state) reaches a member in proportion to its ``share``.
``F``  force potential of the counterpart: 1 for a state; for an organisation, the obligation of
       its strongest collective-defence clause (0 for a forum without one).
``G+`` influence gained: the tie binds third states to the side ``i`` leads, where a rival of
       ``i`` has a presence (a base, or leadership of an organisation the state takes part in).
``G-`` influence lost: the tie binds the counterpart's smaller members, where ``i`` has a
       presence, to the counterpart's leader, weighted by ``i``'s rivalry with that leader.
``T``  institutional ties: expenditure-weighted mean over the counterpart's members of
       ``min(1, n_shared / ties_saturation)``, ``n_shared`` the organisations other than the two
       parties (and other than universal ones such as the UN) in which both take part.
``O``  standing obligation linking ``i`` and ``C``: the strongest collective-defence or consultation
       clause of an organisation containing ``i`` and every member of ``C`` (or of ``C`` itself);
       for an assistance request that names its ``clause``, that clause's obligation (between
       members of the organisation asked).
``B``  binding of the tie on ``i`` acting alone (``P = i``): 0.25 for engagement (the ATOP-style
       anchor "consult only" of the world's clause obligations), the organisation's strongest
       clause for membership, 1 for a host of a foreign base, else 0.
``D``  dominance of the counterpart's leader over ``i``: ``cap_L / (cap_L + cap_i)`` (0 if ``i``
       leads the counterpart).
``Q``  defence the tie gives ``i`` (collective-defence obligation): the organisation's clause for
       membership and assistance (for assistance, the clause the request invokes if it names
       one), 0.5 for a host of a foreign garrison (a tripwire short of a treaty guarantee;
       Schelling 1966), 0 for engagement.
``X``  threat from rivals outside the counterpart: the strongest direct rivalry of ``i`` with an
       actor that is neither ``C`` nor one of its members.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from detente.decisions.kinds import deciding_sides
from detente.world.snapshot import fill_capability

if TYPE_CHECKING:
    from detente.decisions.question import Question
    from detente.world import Snapshot

__all__ = ["Features", "Tie", "WorldView", "question_features", "question_tie"]

ENGAGEMENT_BINDING = 0.25
"""Obligation of an engagement (consultation between institutions): the 'consult only' anchor."""
GARRISON_DEFENCE = 0.5
"""Defence a foreign garrison gives its host: 'assist by means each party chooses'."""
_RIVAL_KINDS = ("rivalry", "territorial-dispute")
_CUT_TIES = ("leave", "suspend", "freeze")


@dataclass(frozen=True)
class Tie:
    """The relationship a question's yes outcome creates (``sign=+1``) or ends (``-1``)."""

    a: str
    b: str
    sign: int
    kind: str


def question_tie(question: Question) -> Tie:
    """The tie of ``question`` (see the module docstring)."""
    sign = -1 if question.type == "membership" and question.action in _CUT_TIES else 1
    return Tie(question.proposer, question.target, sign, question.type)


@dataclass(frozen=True)
class Features:
    """The features of one actor for one question (symbols as in the module docstring)."""

    actor: str
    party: str
    counterpart: str
    decider: bool
    alone: bool
    kind: str
    s: float
    S: float
    H: float
    R: float
    F: float
    G_plus: float
    G_minus: float
    T: float
    O: float  # noqa: E741 (the symbol of the docs)
    B: float
    D: float
    Q: float
    X: float


class WorldView:
    """Indexes over one snapshot that the features need (built once per question)."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        self.orgs = {o.id: o for o in snap.organisations()}
        self.status: dict[str, dict[str, str]] = defaultdict(dict)
        self.full: dict[str, list[str]] = defaultdict(list)
        for m in snap.current_memberships():
            if m.org not in self.orgs:
                continue
            self.status[m.actor][m.org] = m.status
            if m.status == "member":
                self.full[m.org].append(m.actor)
        self._cap: dict[str, float] = {}
        self.fills: dict[str, str] = {}
        """Actor -> how its capability was filled, for every filled value the features read."""
        self.relations = [r for r in snap.relations() if r.kind in _RIVAL_KINDS]
        self.threats = snap.threats()
        self.bases = snap.bases()
        self._clauses = snap.clauses()
        self.leaders = {org: self._leader_of(org) for org in self.orgs}

    # -- parties ------------------------------------------------------------------------------
    def is_org(self, party: str) -> bool:
        return party in self.snap.orgs

    def members(self, party: str) -> list[str]:
        if self.is_org(party):
            return sorted(self.full.get(party, []))
        return [party]

    def cap(self, actor: str) -> float:
        if actor not in self._cap:
            if self.is_org(actor):
                value = sum(self.cap(m) for m in self.members(actor))
            else:
                cv = fill_capability(self.snap, actor, "milex")
                value = cv.value if cv is not None else 0.0  # 0 only if no figure is known at all
                if cv is None:
                    self.fills[actor] = "milex unknown and no figure known to fill it: 0"
                elif cv.fill is not None:
                    self.fills[actor] = f"milex {cv.fill}"
            self._cap[actor] = value
        return self._cap[actor]

    def share(self, actor: str, party: str) -> float:
        """``actor``'s share of ``party``'s expenditure (1 if it is the party, 0 if outside)."""
        if actor == party:
            return 1.0
        members = self.members(party) if self.is_org(party) else []
        if actor not in members:
            return 0.0
        total = sum(self.cap(m) for m in members)
        return self.cap(actor) / total if total > 0 else 1.0 / len(members)

    def _leader_of(self, org: str) -> str | None:
        members = sorted(self.full.get(org, []))
        if not members:
            return None
        return max(members, key=lambda m: (self.cap(m), [-ord(c) for c in m]))

    def leader(self, party: str) -> str | None:
        return self.leaders.get(party) if self.is_org(party) else party

    # -- relations ----------------------------------------------------------------------------
    def _weight(self, end: str, party: str) -> float:
        if end == party:
            return 1.0
        if self.is_org(end) and not self.is_org(party):
            return self.share(party, end)
        if self.is_org(party) and not self.is_org(end):
            return self.share(end, party)
        return 0.0

    def rivalry(self, i: str, j: str) -> float:
        """Strongest rivalry between ``i`` and ``j`` (states or organisations), in [0, 1]."""
        best = 0.0
        for r in self.relations:
            for x, y in ((r.a, r.b), (r.b, r.a)):
                best = max(best, r.intensity * self._weight(x, i) * self._weight(y, j))
        return best

    def direct_rivals(self, i: str) -> dict[str, float]:
        out: dict[str, float] = {}
        for r in self.relations:
            for x, y in ((r.a, r.b), (r.b, r.a)):
                if x == i:
                    out[y] = max(out.get(y, 0.0), r.intensity)
        return out

    def presence(self, x: str, k: str) -> float:
        """1 if ``x`` has a base on ``k``'s soil or leads an organisation ``k`` takes part in."""
        if x == k:
            return 0.0
        if any(b.user == x and b.host == k for b in self.bases):
            return 1.0
        for org in self.status.get(k, {}):
            if self.leaders.get(org) == x and self.orgs[org].kind != "universal":
                return 1.0
        return 0.0

    # -- threats ------------------------------------------------------------------------------
    def exposure(self, x: str, threat_exposed: list[str], presence_exposure: float) -> float:
        if x in threat_exposed:
            return 1.0
        if any(self.status.get(x, {}).get(o) == "member" for o in threat_exposed):
            return 1.0
        if any(b.user == x and b.host in threat_exposed for b in self.bases):
            return presence_exposure
        return 0.0

    def party_exposure(self, party: str, exposed: list[str], presence_exposure: float) -> float:
        if party in exposed:
            return 1.0
        members = self.members(party)
        if not members:
            return 0.0
        weights = [self.share(m, party) for m in members] if self.is_org(party) else [1.0]
        return sum(
            w * self.exposure(m, exposed, presence_exposure)
            for w, m in zip(weights, members, strict=True)
        )

    # -- clauses ------------------------------------------------------------------------------
    def obligation(self, org: str, kinds: tuple[str, ...]) -> float:
        # the organisation's own clauses and those it inherits (the CSTO keeps the CST's treaty)
        return max(
            (c.obligation for c in self.snap.clauses(org=org) if c.kind in kinds), default=0.0
        )

    def invoked(self, ref: str | None) -> float | None:
        """Obligation of the clause ``agreement/clause`` in force on the day (``None``: unknown)."""
        if ref is None:
            return None
        agreement, _, clause = ref.partition("/")
        found = [
            c.obligation for c in self._clauses if (c.agreement, c.clause) == (agreement, clause)
        ]
        return found[0] if found else None

    def takes_part(self, actor: str, org: str) -> bool:
        status = self.status.get(actor, {}).get(org)
        return status is not None and status != "observer"


_DEFENCE = ("collective-defence",)
_BINDING = ("collective-defence", "consultation")


def _shared_threat(view: WorldView, i: str, c: str, presence_exposure: float) -> float:
    keep = 1.0
    for t in view.threats:
        e_i = view.exposure(i, t.exposed, presence_exposure)
        e_c = view.party_exposure(c, t.exposed, presence_exposure)
        keep *= 1.0 - t.severity * e_i * e_c
    return 1.0 - keep


def _ratio(a: float, b: float) -> float:
    return a / (a + b) if a + b > 0 else 0.5


def _others(view: WorldView, party: str, *exclude: str) -> list[str]:
    lead = view.leader(party)
    return [m for m in view.members(party) if m != lead and m not in exclude]


def _mean_presence(view: WorldView, x: str, group: list[str]) -> float:
    return sum(view.presence(x, k) for k in group) / len(group) if group else 0.0


def _influence(view: WorldView, i: str, p: str, c: str) -> tuple[float, float]:
    """``(G+, G-)`` for actor ``i`` in party ``p`` facing ``c``."""
    lead_c = view.leader(c)
    if lead_c is None or lead_c == i:
        return 0.0, 0.0
    r = view.rivalry(i, lead_c)
    gain = 0.0
    if not view.is_org(c) and view.is_org(p):
        rivals = view.direct_rivals(i)
        pull = max((v * view.presence(q, c) for q, v in rivals.items()), default=0.0)
        gain += view.share(i, p) * pull
    if view.is_org(p) and p != i:
        gain += view.share(i, p) * r * _mean_presence(view, lead_c, _others(view, p))
    loss = r * _mean_presence(view, i, _others(view, c, i)) if view.is_org(c) else 0.0
    return min(gain, 1.0), min(loss, 1.0)


def _ties(view: WorldView, i: str, p: str, c: str, saturation: float) -> float:
    skip = {p, c}
    mine = {o for o in view.status.get(i, {}) if view.takes_part(i, o) and o not in skip}
    mine = {o for o in mine if view.orgs[o].kind != "universal"}
    members = [m for m in view.members(c) if m != i]
    if not members:
        return 0.0
    total = 0.0
    weights = [view.share(m, c) if view.is_org(c) else 1.0 for m in members]
    wsum = sum(weights) or 1.0
    for w, m in zip(weights, members, strict=True):
        shared = sum(1 for o in mine if view.takes_part(m, o))
        total += w * min(1.0, shared / saturation if saturation > 0 else 1.0)
    return total / wsum


def _standing_obligation(view: WorldView, i: str, c: str) -> float:
    members = set(view.members(c))
    best = view.obligation(c, _BINDING) if view.is_org(c) and i in members else 0.0
    for org in view.status.get(i, {}):
        if view.status[i][org] != "member" or org == c or not members:
            continue
        if members <= set(view.members(org)):
            best = max(best, view.obligation(org, _BINDING))
    return best


def _binding(view: WorldView, i: str, tie: Tie, p: str, c: str) -> float:
    if p != i:
        return 0.0
    if tie.kind == "engagement":
        return ENGAGEMENT_BINDING
    if tie.kind == "membership" and view.is_org(c):
        return view.obligation(c, _BINDING) or ENGAGEMENT_BINDING
    if tie.kind == "basing" and i == tie.b:
        return 1.0
    return 0.0


def _defence(view: WorldView, i: str, tie: Tie, p: str, c: str, invoked: float | None) -> float:
    if tie.kind == "basing":
        return GARRISON_DEFENCE if i == tie.b else 0.0
    if tie.kind == "assistance" and invoked is not None:
        return invoked
    if tie.kind in ("membership", "assistance"):
        org = c if view.is_org(c) else p
        return view.obligation(org, _DEFENCE) if view.is_org(org) else 0.0
    return 0.0


def _outside_threat(view: WorldView, i: str, c: str) -> float:
    inside = set(view.members(c)) | {c}
    return max((v for q, v in view.direct_rivals(i).items() if q not in inside), default=0.0)


def _party_of(view: WorldView, i: str, tie: Tie) -> tuple[str, str]:
    if i == tie.a:
        return tie.a, tie.b
    if i == tie.b:
        return tie.b, tie.a
    if view.is_org(tie.a) and i in view.members(tie.a):
        return tie.a, tie.b
    if view.is_org(tie.b) and i in view.members(tie.b):
        return tie.b, tie.a
    return tie.b, tie.a


def _obligation(view: WorldView, i: str, tie: Tie, c: str, invoked: float | None) -> float:
    # A request for assistance is made under one clause: that clause is what binds the members
    # to the requester (a consultation article promises less than a defence article).
    org_members = view.members(tie.b) if view.is_org(tie.b) else []
    if tie.kind == "assistance" and invoked is not None and {i, tie.a} <= set(org_members):
        return invoked
    return _standing_obligation(view, i, c)


def actor_features(
    view: WorldView,
    i: str,
    tie: Tie,
    *,
    decider: bool,
    params: Any,
    invoked: float | None = None,
) -> Features:
    """The :class:`Features` of actor ``i`` for ``tie`` (``params`` supplies
    ``presence_exposure`` and ``ties_saturation``; ``invoked`` is the obligation of the clause an
    assistance request invokes, if known)."""
    p, c = _party_of(view, i, tie)
    presence_exposure = float(getattr(params, "presence_exposure", 0.5))
    saturation = float(getattr(params, "ties_saturation", 3.0))
    gain, loss = _influence(view, i, p, c)
    lead_c = view.leader(c)
    dominance = 0.0 if lead_c in (None, i) else _ratio(view.cap(lead_c or c), view.cap(i))
    return Features(
        actor=i,
        party=p,
        counterpart=c,
        decider=decider,
        alone=p == i,
        kind=tie.kind,
        s=float(tie.sign),
        S=_shared_threat(view, i, c, presence_exposure),
        H=_ratio(view.cap(c), view.cap(i)) if c != i else 0.0,
        R=view.rivalry(i, c),
        F=1.0 if not view.is_org(c) else view.obligation(c, _DEFENCE),
        G_plus=gain,
        G_minus=loss,
        T=_ties(view, i, p, c, saturation),
        O=_obligation(view, i, tie, c, invoked),
        B=_binding(view, i, tie, p, c),
        D=dominance,
        Q=_defence(view, i, tie, p, c, invoked),
        X=_outside_threat(view, i, c),
    )


def stakeholders(view: WorldView, question: Question) -> tuple[list[str], set[str]]:
    """The deciders (in side order) followed by the other members of both parties."""
    sides = deciding_sides(question, view.snap)
    deciders: list[str] = []
    for side in sides:
        deciders.extend(a for a in side.actors if a not in deciders)
    others = []
    for party in (question.proposer, question.target):
        for m in view.members(party):
            if m not in deciders and m not in others:
                others.append(m)
    return deciders + others, set(deciders)


def question_features(
    snap: Snapshot, question: Question, params: Any, notes: list[str] | None = None
) -> list[Features]:
    """Features of every stakeholder of ``question`` as of ``snap``: deciders first.

    ``notes``, if given, receives one line per filled input value the features read.
    """
    view = WorldView(snap)
    tie = question_tie(question)
    actors, deciders = stakeholders(view, question)
    invoked = view.invoked(question.clause) if tie.kind == "assistance" else None
    feats = [
        actor_features(view, a, tie, decider=a in deciders, params=params, invoked=invoked)
        for a in actors
    ]
    if notes is not None:
        notes.extend(f"{a}: {how}" for a, how in sorted(view.fills.items()))
    return feats
