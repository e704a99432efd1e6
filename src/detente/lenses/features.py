"""The facts a lens reads about one actor and one question: the inputs of every utility term.

Every feature is a number on [0, 1] computed **only** from a :class:`~detente.world.Snapshot` (the
facts known before the question's date), the question's *who and what* (type, action, proposer,
target) and, for the memory features, the recorded outcomes of *earlier* episodes (dated before
the snapshot, never the question itself); never from the question's own recorded outcome.

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
alignment    the leader asking   the members asked to follow       +1
force        the organisation    the state asked to commit         +1
suspension   the suspending state the treaty's organisation/others  -1
============ =================== ================================= =====

For an actor ``i`` its own party ``P`` is the party it is or belongs to, and ``C`` is the other
party, its *counterpart* (an actor in neither party takes the target's side). A party is a state
or an organisation; an organisation's *members* are its full members on the day, its *leader* the
member with the largest military expenditure, and ``share(x, O)`` a member's share of the members'
expenditure (Olson & Zeckhauser 1966). Military expenditure is the world's ``milex`` series
(SIPRI), read through the world's one fill rule (:func:`detente.world.fill_capability`: a figure
carried forward at most ``CARRY_YEARS`` years, else the smallest known figure; every filled value is
listed in :attr:`WorldView.fills` and shown by explanations). **Unknown is not zero**: where no
figure is known at all, a ratio with that side is 0.5 (no information about the balance), and
inside an organisation such a member counts with the smallest known member's value.

Features (symbols used in the term formulas of the lenses)
-----------------------------------------------------------
``s``      sign of the tie.
``sigma``  1 if both parties are states or security organisations (alliance, collective
           security, partnership, forum, regional security body, union), 0 for a tie with an
           economic community or commonwealth: security terms multiply by it.
``S``      shared transnational threat: ``1 - prod_t (1 - sev_t e_i(t) e_C(t))`` (0 for alignment
           and suspension ties, which are no joint action against a threat).
``H``      what the counterpart adds to ``i``'s means: ``cap_C / (cap_C + cap_i)``.
``R``      rivalry with the counterpart (strongest ``rivalry``/``territorial-dispute``; an
           organisation's relation reaches a member by its ``share``).
``F``      force potential of the counterpart: 1 for a state, else its defence clause.
``G+/G-``  influence gained / lost over contested third states.
``T``      institutional ties: mean over ``C``'s members of ``min(1, n_shared/ties_saturation)``.
``O``      obligation of the tie's own organisation binding ``i`` (its defence or consultation
           clause; for an engagement, a security organisation holding ``i`` and all of ``C``); a
           clause of a different treaty never counts (leaving a trade bloc is not reneging on a
           defence treaty).
``B``      binding of the tie on ``i`` acting alone: 0.25 for a bloc-level tie (engagement,
           alignment), the organisation's strongest clause for membership, ``GARRISON_BINDING``
           (0.5) for the host of a foreign base.
``D``      dominance of the counterpart's leader ``L``: ``cap_L / (cap_L + cap_i)``.
``Q``      defence the tie gives ``i``: the organisation's collective-defence clause (for
           assistance the clause invoked), for a member's own membership also any bilateral defence
           treaty or union with the organisation's leader (Snyder 1984: defecting from the patron's
           alliance risks the whole alignment), 0.5 for the host of a foreign garrison.
``theta``  Walt's threat of the counterpart's leader to ``i`` (below); for an organisation, also
           the threat of a member the leader is committed to defend outside it (a bilateral
           treaty, another alliance, its garrison), weighted by that commitment: a coalition
           threatens as a whole.
``X``      the greatest Walt threat to ``i`` from a state outside ``C``.
``omega``  bandwagoning propensity: ``(p - bandwagon_power) / (1 - bandwagon_power)`` when the
           threatening leader's power share ``p`` exceeds ``bandwagon_power``, it borders ``i``
           and ``i`` has no alternative (no organisation it takes part in is led by a rival of the
           threat without the threat itself taking part: a body the threat sits in, such as the
           UN or the OSCE, is no ally against it); else 0 (Walt 1987, ch. 5: weak, isolated
           states next to a great power).
``div``    divergence of interests with the counterpart's leader: ``max(rivalry, theta)``.
``V``      own absolute gain from cooperation that pools the parties' means (engagement, a treaty
           a state may suspend): ``depth * g_i``; for the other ties the gain is the defence
           (``Q``) that the security terms count, and following a leader's vote pools nothing.
``gap``    relative-gains gap: ``max_j phi(R_ij) * max(0, W_j - V_i)`` over rivals ``j`` in ``C``,
           with gains ``V_x = depth * g_x``, ``g_x = cap_partner / (cap_partner + cap_x)`` (what
           the partner's means add to one's own), ``depth`` the tie's grade on the clause scale
           (0.25 consultation for a bloc-level tie, the organisation's clause for membership or a
           joint force, 0.5 for a garrison), and Powell's force weight
           ``phi(R) = clip((R - 0.2) / 0.6, 0, 1)`` (0 at the relations file's "cooperative with
           residual suspicion" anchor, 1 at "force used").
``rho``    redundancy of a bloc-to-bloc tie: share of ``C``'s members (by expenditure) that already
           meet ``i`` in a partnership, forum or regional body (EAPC, PfP, NRC, OSCE); 0 when ``C``
           is a state.
``breach`` use of force by ``C``'s leader against a state institutionally linked to ``i``
           (relation at or above the ``FORCE_ANCHOR`` 0.8): 1 when it starts (a defection, answered
           in full), halved every ``reciprocity_halflife`` years.
``N``      non-response: ``1 - prod (1 - decay)`` over ``i``'s own earlier requests for assistance
           that the organisation declined, halved every ``memory_halflife`` years.
``E``      1 if ``i`` had left the organisation (or its predecessor) before.
``M``      the market the tie opens: ``gdp_C / (gdp_C + gdp_i)`` (Maddison GDP).
``U``      1 if ``i`` is in a union of two with the counterpart's leader (an organisation whose only
           full members are the two, e.g. the Union of Belarus and Russia): the autonomy such a
           state would keep by leaving the leader's alliance is already pooled.
``A``      regime affinity with the counterpart, on [-1, 1]: ``1 - 2 |p_i - p_C| / 20`` with ``p``
           the POLITY2 score of the last year before the date (:mod:`detente.lenses.regime`,
           ``data/lenses/regime.yaml``); for an organisation ``p_C`` is the expenditure-weighted
           mean over its other members whose score is known. 0 (no information) when either side's
           score is unknown; every unknown or carried-forward score is listed in the notes.

``K``      defence commitment the tie makes ``i`` take on: for membership in an organisation with
           a collective-defence clause, that clause's grade, for a member of the organisation
           (towards the state joining or leaving) and for that state (towards the members); else 0.
``Y``      entrapment exposure (Snyder 1984, 1997): the greatest Walt threat that a state ``m``
           the commitment covers (the joining state for a member; the other members for the joining
           state) faces from a state ``z`` outside the alliance and other than ``i``, counted only
           in the part ``i`` does not share: ``max theta(m, z) * (1 - theta(i, z))`` (entrapment
           is being drawn into a conflict over an ally's interests one does not share, or shares
           only partially; Snyder 1997, ch. 6). ``Y_ally``, ``Y_from`` and ``Y_threat`` name the
           ally, the rival and ``theta(m, z)``.
``admission`` the accession features ``Z`` (contribution shortfall) and ``W`` (democratic deficit)
           of a candidate, for a member deciding its admission to an alliance; not for a MAP
           (:mod:`detente.lenses.accession`).

``Z``      coercion capacity (basing): for the host of a basing tie whose user already has
           forces on its soil, ``power * reach``, the user's share of the two states' means
           times 1 if they share a land border, else ``distance_discount``; 0 otherwise
           (:func:`coercion_capacity`). For basing, ``O`` is the lease in force between host and
           user (:func:`basing_lease`).
``consultative`` whether the tie is ``i``'s own membership of a consultative security body (a
           partnership, forum or regional organisation without a defence clause).
``I``      institutionalisation of the membership a state may leave (suspend, freeze):
           ``1 - 2^(-t / persistence_halflife)`` for ``t`` years of unbroken membership of the
           organisation or its predecessor as of the day (Walt 1997); 0 for any other tie.

Threat between states (Walt 1987): ``theta(i, j) = power * proximity * intentions`` with
``power = cap_j / (cap_i + cap_j)``; ``proximity`` 1 if the two share a land border (COW Direct
Contiguity, ``data/lenses/contiguity.yaml``) or ``j`` has forces based in ``i`` or a neighbour of
``i`` (offensive capability), else ``distance_discount``; ``intentions`` the largest of the direct
rivalry, the rivalry of an alliance leader with the other side (weighted by the alliance's defence
clause), ``force_spillover`` times ``j``'s use of force against a third state (unless ``i`` and
``j`` are allies: a defence treaty or organisation binds both), and the severity of transnational
threats originating in ``j`` that reach ``i``.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from detente.decisions.kinds import deciding_sides
from detente.lenses.accession import NONE as NO_ADMISSION
from detente.lenses.accession import PROGRAMME_OUTCOMES, Admission, admission
from detente.world.snapshot import fill_capability

if TYPE_CHECKING:
    from detente.decisions.question import Episode, Question
    from detente.world import Snapshot
    from detente.world.records import Membership

__all__ = [
    "Features",
    "Tie",
    "WorldView",
    "basing_lease",
    "coercion_capacity",
    "contiguous",
    "question_features",
    "question_tie",
]

ENGAGEMENT_BINDING = 0.25
"""Obligation of an engagement (consultation between institutions): the 'consult only' anchor."""
GARRISON_DEFENCE = 0.5
"""Defence a foreign garrison gives its host: 'assist by means each party chooses'."""
GARRISON_BINDING = 0.5
"""Autonomy a foreign garrison takes from its host: the same grade as the defence it gives (a
tripwire binds the host's territory, not its whole foreign policy; Morrow 1991's trade of autonomy
for security at equal grades)."""
FORCE_ANCHOR = 0.8
"""Intensity at which the world's relations file codes force used ('confrontation with force used
by one side against the other's partner or itself'): a relation at or above it is a use of force."""
RESIDUAL_SUSPICION = 0.2
"""The relations file's anchor for 'cooperative with residual suspicion': force is not at issue."""
SECURITY_KINDS = frozenset(
    {"alliance", "collective-security", "partnership", "forum", "regional", "union"}
)
"""Organisation kinds whose business is security (an economic community or commonwealth is judged
on its own terms: no threat, defence or balancing term applies to a tie with it)."""
_RIVAL_KINDS = ("rivalry", "territorial-dispute")
_CUT_TIES = ("leave", "suspend", "freeze")
_DEFENCE = ("collective-defence",)
_BINDING = ("collective-defence", "consultation")
_BLOC_TYPES = ("engagement", "alignment", "suspension")
_GAIN_TYPES = ("engagement", "suspension")  # cooperation that pools the parties' means
_CONSULTATIVE = ("partnership", "forum", "regional")  # security bodies that consult, not defend


@functools.cache
def _borders() -> dict[str, frozenset[str]]:
    from detente.yamlio import package_data, read_yaml

    data, _ = read_yaml(package_data("lenses", "contiguity.yaml"))
    pairs: dict[str, set[str]] = defaultdict(set)
    for a, bs in data["borders"].items():
        for b in bs:
            pairs[a].add(b)
            pairs[b].add(a)
    return {k: frozenset(v) for k, v in pairs.items()}


def contiguous(a: str, b: str) -> bool:
    """Whether states ``a`` and ``b`` share a land border (COW Direct Contiguity type 1)."""
    return b in _borders().get(a, frozenset())


@dataclass(frozen=True)
class Tie:
    """The relationship a question's yes outcome creates (``sign=+1``) or ends (``-1``)."""

    a: str
    b: str
    sign: int
    kind: str
    programme: bool = False
    """The yes outcome grants a pre-accession programme (a MAP), not membership
    (:data:`detente.lenses.accession.PROGRAMME_OUTCOMES`)."""


def question_tie(question: Question) -> Tie:
    """The tie of ``question`` (see the module docstring)."""
    cut = question.type == "membership" and question.action in _CUT_TIES
    sign = -1 if cut or question.type == "suspension" else 1
    programme = question.type == "membership" and question.yes_outcome in PROGRAMME_OUTCOMES
    return Tie(question.proposer, question.target, sign, question.type, programme)


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
    sigma: float
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
    V: float
    gap: float
    theta: float
    omega: float
    div: float
    rho: float
    breach: float
    N: float
    E: float
    M: float
    U: float
    A: float = 0.0
    K: float = 0.0
    Y: float = 0.0
    Z: float = 0.0
    I: float = 0.0  # noqa: E741 (the symbol of the docs)
    consultative: bool = False
    # who stands behind the numbers, for explanations (not read by any term)
    X_from: str = ""
    theta_from: str = ""
    U_org: str = ""
    leader: str = ""
    p_own: float | None = None
    p_other: float | None = None
    Y_ally: str = ""
    Y_from: str = ""
    Y_threat: float = 0.0
    # the allies' side of an accession (detente.lenses.accession): contribution shortfall and
    # democratic deficit of the candidate, with what stands behind them
    admission: Admission = NO_ADMISSION


def _ratio(a: float | None, b: float | None) -> float:
    """``a / (a + b)``; 0.5 (no information on the balance) if either is unknown."""
    if a is None or b is None:
        return 0.5
    return a / (a + b) if a + b > 0 else 0.5


def _decay(age_days: float, halflife_years: float) -> float:
    if halflife_years <= 0:
        return 0.0 if age_days > 0 else 1.0
    return float(math.exp(-math.log(2.0) * max(age_days, 0.0) / (365.25 * halflife_years)))


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
        self._cap: dict[str, float | None] = {}
        self._shares: dict[str, dict[str, float]] = {}
        self.fills: dict[str, str] = {}
        """Actor -> how its capability was filled, for every filled value the features read."""
        self.relations = [r for r in snap.relations() if r.kind in _RIVAL_KINDS]
        self._rivals: dict[str, dict[str, float]] = defaultdict(dict)
        for r in self.relations:
            for x, y in ((r.a, r.b), (r.b, r.a)):
                self._rivals[x][y] = max(self._rivals[x].get(y, 0.0), r.intensity)
        self.threats = snap.threats()
        self._origins = {t.origin for t in self.threats}
        self.bases = snap.bases()
        self.hosts: dict[str, set[str]] = defaultdict(set)
        """User -> the states hosting its bases (the features ask "does x have a base in k?"
        hundreds of thousands of times per backtest; a scan of every base each time was slow)."""
        for b in self.bases:
            self.hosts[b.user].add(b.host)
        self._clauses = snap.clauses()
        self.leaders = {org: self._leader_of(org) for org in self.orgs}
        self._defence_orgs: dict[str, list[tuple[str, float]]] = {}
        self._threat: dict[tuple[str, str], float] = {}
        self._rivalry: dict[tuple[str, str], float] = {}
        self._obligations: dict[tuple[str, tuple[str, ...]], float] = {}
        self._regime: dict[str, float | None] = {}
        self.regime_notes: dict[str, str] = {}
        """State -> how its regime score was filled, or that it is unknown."""
        self._declined: tuple[Sequence[Episode], dict[str, list[Episode]]] | None = None

    # -- parties ------------------------------------------------------------------------------
    def is_org(self, party: str) -> bool:
        return party in self.snap.orgs

    def members(self, party: str) -> list[str]:
        if self.is_org(party):
            return sorted(self.full.get(party, []))
        return [party]

    def known_cap(self, actor: str) -> float | None:
        """Military expenditure (latest known year), ``None`` if unknown; an organisation's is
        the sum of its members' with unknown members filled by the smallest known member."""
        if actor not in self._cap:
            value: float | None
            if self.is_org(actor):
                caps = [self.known_cap(m) for m in self.members(actor)]
                known = [c for c in caps if c is not None]
                if not known:
                    value = None
                else:
                    fill = min(known)
                    value = sum(c if c is not None else fill for c in caps)
            else:
                cv = fill_capability(self.snap, actor, "milex")  # the world's one fill rule
                value = cv.value if cv is not None else None
                if cv is None:
                    self.fills[actor] = "milex unknown and no figure known to fill it"
                elif cv.fill is not None:
                    self.fills[actor] = f"milex {cv.fill}"
            self._cap[actor] = value
        return self._cap[actor]

    def cap(self, actor: str) -> float:
        """Military expenditure for ordering leaders only: the filled figure, else the latest
        figure ever known however old (who leads a body changes slowly), else 0."""
        value = self.known_cap(actor)
        if value is None and not self.is_org(actor):
            known = [
                (y, v)
                for series in self.snap.capability_series
                if series.actor == actor and series.measure == "milex"
                for y, v in series.values.items()
                if v is not None and y < self.snap.date.year
            ]
            value = max(known)[1] if known else None
        return value if value is not None else 0.0

    def share(self, actor: str, party: str) -> float:
        """``actor``'s share of ``party``'s expenditure (1 if it is the party, 0 if outside).

        Members of unknown expenditure count with the party's smallest known member's value
        (they are small states in this system); with nothing known, shares are equal.
        """
        if actor == party:
            return 1.0
        shares = self._shares.get(party)
        if shares is None:
            if actor not in (self.members(party) if self.is_org(party) else []):
                return 0.0  # before reading any member's expenditure (that may record a fill)
            shares = self._shares[party] = self._member_shares(party)
        return shares.get(actor, 0.0)

    def _member_shares(self, party: str) -> dict[str, float]:
        """Every member's :meth:`share` of ``party`` (empty for a state), computed once per
        party: the features ask for the same party's shares many times per question."""
        members = self.members(party) if self.is_org(party) else []
        if not members:
            return {}
        caps = {m: self.known_cap(m) for m in members}
        known = [c for c in caps.values() if c is not None]
        if not known or sum(known) <= 0:
            return {m: 1.0 / len(members) for m in members}
        fill = min(known)
        total = sum(c if c is not None else fill for c in caps.values())
        return {m: (c if c is not None else fill) / total for m, c in caps.items()}

    def _leader_of(self, org: str) -> str | None:
        members = sorted(self.full.get(org, []))
        if not members:
            return None
        return max(members, key=lambda m: (self.cap(m), [-ord(c) for c in m]))

    def leader(self, party: str) -> str | None:
        return self.leaders.get(party) if self.is_org(party) else party

    def security(self, party: str) -> bool:
        """Whether ``party`` is a state or an organisation whose business is security."""
        org = self.orgs.get(party)
        return org is None or org.kind in SECURITY_KINDS

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
        # kept per pair: the features ask for the same pairs many times per question, and a
        # repeat only re-reads shares whose fills the first call has already noted
        key = (i, j)
        if key not in self._rivalry:
            self._rivalry[key] = self._strongest_rivalry(i, j)
        return self._rivalry[key]

    def _strongest_rivalry(self, i: str, j: str) -> float:
        best = 0.0
        for r in self.relations:
            for x, y in ((r.a, r.b), (r.b, r.a)):
                best = max(best, r.intensity * self._weight(x, i) * self._weight(y, j))
        return best

    def direct_rivals(self, i: str) -> dict[str, float]:
        return dict(self._rivals.get(i, {}))

    def presence(self, x: str, k: str) -> float:
        """1 if ``x`` has a base on ``k``'s soil or leads an organisation ``k`` takes part in."""
        if x == k:
            return 0.0
        if k in self.hosts.get(x, ()):
            return 1.0
        for org in self.status.get(k, {}):
            if self.leaders.get(org) == x and self.orgs[org].kind != "universal":
                return 1.0
        return 0.0

    # -- threats between states (Walt 1987) --------------------------------------------------
    def defence_orgs(self, actor: str) -> list[tuple[str, float]]:
        """``(org, obligation)`` of every organisation with a collective-defence clause of which
        ``actor`` is a full member."""
        if actor not in self._defence_orgs:
            out = []
            for org, status in self.status.get(actor, {}).items():
                if status != "member":
                    continue
                ob = self.obligation(org, _DEFENCE)
                if ob > 0:
                    out.append((org, ob))
            self._defence_orgs[actor] = out
        return self._defence_orgs[actor]

    def threat_candidates(self, i: str) -> set[str]:
        """The states whose intentions towards ``i`` can be non-zero (the others pose no threat):
        rivals of ``i`` and of its alliances' leaders, members of alliances led by a rival of
        ``i``, users of force and origins of transnational threats."""
        rivals = set(self._rivals.get(i, {}))
        out = set(rivals) | self._origins
        for org, _ in self.defence_orgs(i):
            out |= set(self._rivals.get(self.leaders.get(org) or "", {}))
        for org, lead in self.leaders.items():
            if lead in rivals and self.obligation(org, _DEFENCE) > 0:
                out |= set(self.full.get(org, []))
        for x, rs in self._rivals.items():
            if any(v >= FORCE_ANCHOR for v in rs.values()):
                out.add(x)
        return {z for z in out if z in self.snap.states}

    def forces_near(self, j: str, i: str) -> bool:
        """Whether ``j`` has forces based in ``i`` or in a state bordering ``i``."""
        return any(
            (host == i or contiguous(host, i)) and host != j for host in self.hosts.get(j, ())
        )

    def intentions(self, i: str, j: str, force_spill: float) -> float:
        """Aggressive intentions of ``j`` towards ``i`` on [0, 1] (see the module docstring)."""
        best = self._rivals.get(i, {}).get(j, 0.0)
        for org, ob in self.defence_orgs(i):  # my alliance's adversary
            lead = self.leaders.get(org)
            if lead not in (None, i, j):
                best = max(best, ob * self._rivals.get(lead or "", {}).get(j, 0.0))
        for org, ob in self.defence_orgs(j):  # an adversary's alliance leader is my rival
            lead = self.leaders.get(org)
            if lead not in (None, i, j) and i not in self.full.get(org, []):
                best = max(best, ob * self._rivals.get(i, {}).get(lead or "", 0.0))
        force = max(
            (v for k, v in self._rivals.get(j, {}).items() if k != i and v >= FORCE_ANCHOR),
            default=0.0,
        )
        if best == 0.0 and force == 0.0 and j not in self._origins:
            return 0.0
        if force > 0 and self.bilateral_defence(i, j) == 0:
            # a state's force against a third state signals intentions to those it is not allied
            # with; its own allies read it otherwise
            best = max(best, force_spill * force)
        for t in self.threats:  # transnational threats originating in j that reach i
            if t.origin == j and self.exposure(i, t.exposed, 0.0) > 0:
                best = max(best, t.severity)
        return min(best, 1.0)

    def threat(self, i: str, j: str, params: Any) -> float:
        """``Theta(i, j)``: the threat state ``j`` poses to state ``i`` (Walt 1987)."""
        key = (i, j)
        if key not in self._threat:
            if i == j or self.is_org(i) or self.is_org(j):
                value = 0.0
            else:
                d0 = float(getattr(params, "distance_discount", 0.25))
                spill = float(getattr(params, "force_spillover", 0.5))
                intent = self.intentions(i, j, spill)
                if intent > 0:
                    power = _ratio(self.known_cap(j), self.known_cap(i))
                    near = 1.0 if contiguous(i, j) or self.forces_near(j, i) else d0
                    value = power * near * intent
                else:
                    value = 0.0
            self._threat[key] = value
        return self._threat[key]

    # -- threats ------------------------------------------------------------------------------
    def exposure(self, x: str, threat_exposed: list[str], presence_exposure: float) -> float:
        if x in threat_exposed:
            return 1.0
        if any(self.status.get(x, {}).get(o) == "member" for o in threat_exposed):
            return 1.0
        if any(host in threat_exposed for host in self.hosts.get(x, ())):
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
        key = (org, kinds)
        if key not in self._obligations:
            self._obligations[key] = max(
                (c.obligation for c in self.snap.clauses(org=org) if c.kind in kinds), default=0.0
            )
        return self._obligations[key]

    def treaty_defence(self, i: str, j: str) -> float:
        """Strongest collective-defence obligation, in force on the snapshot's date, of a
        bilateral treaty (an agreement outside any organisation whose parties include both)."""
        return self.bilateral_clause(i, j, _DEFENCE)

    def bilateral_clause(self, i: str, j: str, kinds: tuple[str, ...]) -> float:
        """Strongest obligation on ``[0, 1]`` of a clause of one of ``kinds`` in an agreement
        outside any organisation whose parties include ``i`` and ``j``, in the clause's latest
        version that started before the snapshot's date; an agreement counts until its recorded
        end. 0 when none is recorded."""
        best = 0.0
        for a in self.snap.agreements:
            if a.org is not None or not {i, j} <= set(a.parties):
                continue
            if a.ended is not None and a.ended < self.snap.date:
                continue
            for c in a.clauses:
                if c.kind not in kinds:
                    continue
                versions = [v for v in c.versions if v.from_ < self.snap.date]
                if versions:
                    best = max(best, versions[-1].obligation)
        return best

    def bilateral_defence(self, i: str, j: str | None) -> float:
        """Strongest collective-defence obligation binding ``i`` and ``j`` outside any one
        organisation's treaty: a bilateral treaty (an agreement whose parties include both) or
        another organisation both belong to in full (e.g. a union of two states)."""
        if j is None or j == i:
            return 0.0
        best = self.treaty_defence(i, j)
        for org, ob in self.defence_orgs(i):
            if j in self.full.get(org, []):
                best = max(best, ob)
        return best

    def backing(self, lead: str, m: str, org: str) -> float:
        """How far ``lead`` is committed to defend ``m`` outside ``org``: a bilateral defence
        treaty or another defence organisation of both, or ``GARRISON_DEFENCE`` for its forces
        based in ``m``."""
        lineage = set(self.snap.lineage(org))
        best = self.treaty_defence(lead, m)
        for o, ob in self.defence_orgs(m):
            if o not in lineage and lead in self.full.get(o, []):
                best = max(best, ob)
        if m in self.hosts.get(lead, ()):
            best = max(best, GARRISON_DEFENCE)
        return best

    def union_with(self, i: str, lead: str | None) -> float:
        """1 if ``i`` and ``lead`` are the only full members of an organisation (a union of two
        states such as Belarus and Russia's), else 0."""
        return 1.0 if self.union_org(i, lead) else 0.0

    def union_org(self, i: str, lead: str | None) -> str:
        """The organisation whose only full members are ``i`` and ``lead`` (``""`` if none)."""
        if lead is None or lead == i:
            return ""
        for org, members in sorted(self.full.items()):
            kind = self.orgs[org].kind if org in self.orgs else "universal"
            if kind != "universal" and sorted(members) == sorted({i, lead}):
                return org
        return ""

    def invoked(self, ref: str | None) -> float | None:
        """Obligation of the clause ``agreement/clause`` in force on the day (``None``: unknown)."""
        if ref is None:
            return None
        agreement, _, clause = ref.partition("/")
        found = [
            c.obligation for c in self._clauses if (c.agreement, c.clause) == (agreement, clause)
        ]
        return found[0] if found else None

    def regime(self, state: str) -> float | None:
        """POLITY2 of ``state`` as of the snapshot (``None`` if unknown; fills are noted)."""
        if state not in self._regime:
            from detente.lenses.regime import regime_score

            score = regime_score(state, self.snap.date)
            if score is None:
                self.regime_notes[state] = "POLITY2 unknown: it enters no regime average"
            elif score.fill is not None:
                self.regime_notes[state] = score.fill
            self._regime[state] = score.value if score is not None else None
        return self._regime[state]

    def declined_requests(self, history: Sequence[Episode]) -> dict[str, list[Episode]]:
        """Proposer -> its requests for assistance in ``history`` dated before the snapshot and
        not granted, in ``history``'s order (what :func:`nonresponse` reads, sorted out once per
        view rather than once per actor)."""
        if self._declined is None or self._declined[0] is not history:
            by_proposer: dict[str, list[Episode]] = defaultdict(list)
            for e in history:
                if e.type == "assistance" and e.date < self.snap.date and not e.yes_happened:
                    by_proposer[e.proposer].append(e)
            self._declined = (history, dict(by_proposer))
        return self._declined[1]

    def takes_part(self, actor: str, org: str) -> bool:
        status = self.status.get(actor, {}).get(org)
        return status is not None and status != "observer"

    # -- memory -------------------------------------------------------------------------------
    def lineage_memberships(self, i: str, org: str) -> list[Membership]:
        """``i``'s membership records of ``org`` and of its predecessors (the CSTO continues the
        CST), every status."""
        lineage = set(self.snap.lineage(org))
        return [m for m in self.snap.memberships_ if m.actor == i and m.org in lineage]

    def earlier_exit(self, i: str, org: str) -> bool:
        """Whether ``i`` had left ``org`` (or a predecessor) before the snapshot's date."""
        mine = self.lineage_memberships(i, org)
        for m in mine:
            if m.end is None or m.end >= self.snap.date or m.status != "member":
                continue
            # a membership carried over into the successor organisation is no exit
            carried = any(
                n is not m and n.start <= m.end and (n.end is None or n.end > m.end) for n in mine
            )
            if not carried:
                return True
        return False

    def breach(self, i: str, p: str, c: str, halflife: float) -> float:
        """Use of force by ``c`` (or its leader) against a state institutionally linked to
        ``i``, discounted by its age (see the module docstring)."""
        offender = self.leader(c)
        if offender is None or offender == i:
            return 0.0
        mine = {
            o
            for o in self.status.get(i, {})
            if self.takes_part(i, o) and o not in (c,) and self.orgs[o].kind != "universal"
        }
        best = 0.0
        for r in self.relations:
            if r.intensity < FORCE_ANCHOR or offender not in (r.a, r.b):
                continue
            victim = r.b if r.a == offender else r.a
            if victim == i or (victim in self.members(p) and p != i):
                linked = True
            else:
                linked = any(self.takes_part(victim, o) for o in mine)
            if not linked:
                continue
            age = (self.snap.date - r.start).days
            # tit for tat answers a defection in full, not in proportion to its violence
            # (Axelrod 1984): force used is one defection, whatever its intensity above the anchor
            best = max(best, _decay(age, halflife))
        return best


def nonresponse(
    i: str, org: str, view: WorldView, history: Sequence[Episode], halflife: float, skip: str
) -> float:
    """``N``: how far ``org`` failed ``i``'s own earlier requests for assistance (declined
    requests, each discounted by its age): ``1 - prod_e (1 - decay_e)``."""
    lineage = set(view.snap.lineage(org))
    keep = 1.0
    for e in view.declined_requests(history).get(i, ()):
        if e.id == skip or e.target not in lineage:
            continue
        keep *= 1.0 - _decay((view.snap.date - e.date).days, halflife)
    return 1.0 - keep


def _shared_threat(
    view: WorldView, i: str, c: str, presence_exposure: float, kind: str = ""
) -> float:
    if kind in ("alignment", "suspension"):
        return 0.0  # following a vote or keeping an arms treaty is no joint action on a threat
    keep = 1.0
    for t in view.threats:
        e_i = view.exposure(i, t.exposed, presence_exposure)
        e_c = view.party_exposure(c, t.exposed, presence_exposure)
        keep *= 1.0 - t.severity * e_i * e_c
    return 1.0 - keep


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


def _redundancy(view: WorldView, i: str, tie: Tie, p: str, c: str) -> float:
    """``rho``: for a tie between two organisations, the expenditure-weighted share of ``c``'s
    members that already meet ``i`` in a partnership or forum (EAPC, PfP, NRC, OSCE)."""
    if tie.kind not in _BLOC_TYPES or not (view.is_org(p) and view.is_org(c)):
        return 0.0
    venues = [
        o
        for o in view.status.get(i, {})
        if view.takes_part(i, o)
        and o not in (p, c)
        and view.orgs[o].kind in ("partnership", "forum", "regional")
    ]
    members = [m for m in view.members(c) if m != i]
    if not members or not venues:
        return 0.0
    reached = sum(view.share(m, c) for m in members if any(view.takes_part(m, o) for o in venues))
    total = sum(view.share(m, c) for m in members) or 1.0
    return reached / total


def _own_obligation(
    view: WorldView, i: str, tie: Tie, p: str, c: str, invoked: float | None
) -> float:
    """Obligation of the tie's own organisation that binds ``i`` (never another treaty's); for
    basing, the lease between the host and the user (:func:`basing_lease`)."""
    if tie.kind == "basing":
        return basing_lease(view, tie.b, tie.a) if i in (tie.a, tie.b) else 0.0
    if tie.kind == "assistance" and view.is_org(tie.b):
        # a request is made under one clause of the organisation asked: that clause binds its
        # members to the requester (a consultation article promises less than a defence article)
        if {i, tie.a} <= set(view.members(tie.b)):
            return invoked if invoked is not None else view.obligation(tie.b, _BINDING)
        return 0.0
    if view.is_org(c) and i in view.members(c):
        return view.obligation(c, _BINDING)
    if tie.kind in _BLOC_TYPES and view.security(c):
        # an engagement between parties already bound by a common security organisation
        members = set(view.members(c))
        best = 0.0
        for org in view.status.get(i, {}):
            if view.status[i][org] != "member" or org in (c, p) or not members:
                continue
            if view.orgs[org].kind in SECURITY_KINDS and members <= set(view.members(org)):
                best = max(best, view.obligation(org, _BINDING))
        return best
    return 0.0


def basing_lease(view: WorldView, host: str, user: str) -> float:
    """``O`` of a basing tie: the strongest ``basing-lease`` obligation in force on the day of an
    agreement between ``host`` and ``user`` (outside any organisation), 0 if none is recorded.

    A basing agreement binds the host for its term until it expires or is renounced (pacta sunt
    servanda; Chayes & Chayes 1993 on why states comply with the treaties they made; Cooley &
    Spruyt 2009 on basing leases as incomplete contracts renegotiated at their term). Only the
    clause versions the snapshot already knows count, each in its latest version before the day
    (a version graded 0 from a lease's expiry ends it); an agreement counts until its recorded
    end. No lease recorded is no obligation, not an unknown one filled with 0: the term simply
    does not apply.
    """
    if view.is_org(host) or view.is_org(user):
        return 0.0
    return view.bilateral_clause(host, user, ("basing-lease",))


def coercion_capacity(view: WorldView, i: str, tie: Tie, params: Any) -> float:
    """``Z``: the user's capacity to coerce the host that would expel its forces, on [0, 1].

    For the host ``i`` of a basing tie whose user (a state) already has forces based on the
    host's soil: ``power * reach`` with ``power = cap_user / (cap_user + cap_host)`` (0.5 if
    either is unknown) and ``reach`` 1 if the two share a land border, else ``distance_discount``
    (Boulding 1962's loss-of-strength gradient, as in Walt's proximity). A weak host next to a
    much stronger user whose garrison is already in place bears the cost of that user's coercion
    if it tries to remove it (Walt 1987 on weak states beside a strong power; Cooley 2008 on host
    regimes that cannot afford to cross the patron whose forces they host). The garrison itself
    does not add reach: a logistics detachment far from home is no instrument of coercion.
    0 for every other actor and tie, and for a first base (none of the user's forces on the
    host's soil yet). While forces are in place every basing question of the pair gets it, an
    admission too: a host that refuses a further base still faces the forces already there.
    """
    user, host = tie.a, tie.b
    if tie.kind != "basing" or i != host or view.is_org(user) or view.is_org(host):
        return 0.0
    if host not in view.hosts.get(user, ()):
        return 0.0
    d0 = float(getattr(params, "distance_discount", 0.25))
    reach = 1.0 if contiguous(host, user) else d0
    return _ratio(view.known_cap(user), view.known_cap(host)) * reach


def _binding(view: WorldView, i: str, tie: Tie, p: str, c: str) -> float:
    if p != i:
        return 0.0
    if tie.kind in _BLOC_TYPES:
        return ENGAGEMENT_BINDING
    if tie.kind in ("membership", "force") and view.is_org(c):
        return view.obligation(c, _BINDING) or ENGAGEMENT_BINDING
    if tie.kind == "basing" and i == tie.b:
        return GARRISON_BINDING
    return 0.0


def _defence(view: WorldView, i: str, tie: Tie, p: str, c: str, invoked: float | None) -> float:
    if tie.kind == "basing":
        return GARRISON_DEFENCE if i == tie.b else 0.0
    if tie.kind == "assistance" and invoked is not None:
        return invoked
    if tie.kind == "alignment":
        # following a leader keeps the alignment that protects me (Snyder 1984: abandonment)
        return view.bilateral_defence(i, view.leader(c)) if p == i else 0.0
    if tie.kind in ("membership", "assistance", "force"):
        org = c if view.is_org(c) else p
        own = view.obligation(org, _DEFENCE) if view.is_org(org) else 0.0
        if tie.kind in ("membership", "force") and p == i:
            # alignment with the organisation's leader (Snyder 1984): a bilateral alliance with it
            # is at stake when a member defects from its alliance
            own = max(own, view.bilateral_defence(i, view.leader(org)))
        return own
    return 0.0


def _outside_threat(view: WorldView, i: str, c: str, params: Any) -> tuple[float, str]:
    """``X``: the greatest threat to ``i`` from a state outside ``c`` (Walt 1987), and that
    state (``""`` if none)."""
    if view.is_org(i):
        return 0.0, ""
    inside = set(view.members(c)) | {c, i}
    scored = [
        (view.threat(i, z, params), z) for z in sorted(view.threat_candidates(i)) if z not in inside
    ]
    best = max(scored, key=lambda vz: vz[0], default=(0.0, ""))
    return best if best[0] > 0 else (0.0, "")


def _entrapment(
    view: WorldView, i: str, tie: Tie, p: str, c: str, params: Any
) -> tuple[float, float, str, str, float]:
    """``(K, Y, ally, rival, theta(ally, rival))`` for ``i`` (see the module docstring): the
    defence commitment a membership tie makes ``i`` take on, and the greatest unshared threat
    that the states it would have to defend face from outside the alliance (Snyder 1984)."""
    none = (0.0, 0.0, "", "", 0.0)
    if tie.kind != "membership" or view.is_org(i):
        return none
    org = c if view.is_org(c) else p
    if not view.is_org(org) or view.is_org(tie.a) or not view.security(org):
        return none
    k = view.obligation(org, _DEFENCE)
    if k == 0:
        return none
    members = set(view.members(org))
    if i == tie.a:
        covered = sorted(members - {i})  # the joining (or leaving) state defends the members
    elif i in members:
        covered = [tie.a]  # a member defends the state it admits (or stops defending a leaver)
    else:
        return none
    alliance = members | {tie.a}
    best = none
    for m in covered:
        for z in sorted(view.threat_candidates(m)):
            if z in alliance or z == i:
                continue
            threat = view.threat(m, z, params)
            if threat <= 0:
                continue
            unshared = threat * (1.0 - view.threat(i, z, params))
            if unshared > best[1]:
                best = (k, unshared, m, z, threat)
    return best


def _consultative_membership(view: WorldView, i: str, tie: Tie, c: str, sigma: float) -> bool:
    """Whether the tie is ``i``'s own membership (joining or leaving) of a consultative security
    body: a partnership, forum or regional organisation without a defence clause (PfP, EAPC,
    OSCE), the bodies whose gain ``_own_gain`` counts at the consultation grade."""
    if tie.kind != "membership" or i != tie.a or sigma == 0 or not view.is_org(c):
        return False
    return view.orgs[c].kind in _CONSULTATIVE and view.obligation(c, _DEFENCE) == 0


def _institutionalisation(view: WorldView, i: str, tie: Tie, c: str, halflife: float) -> float:
    """``I``: how far ``i``'s membership of the organisation it may leave has been
    institutionalised, ``1 - 2^(-t / halflife)`` for ``t`` years of unbroken membership (through
    predecessors: the CSTO continues the CST); 0 for any other tie (Walt 1997: institutionalised
    alliances outlive their threats)."""
    if tie.kind != "membership" or tie.sign > 0 or i != tie.a or not view.is_org(c):
        return 0.0
    spells = sorted(view.lineage_memberships(i, c), key=lambda m: m.start, reverse=True)
    day = view.snap.date
    start = None
    for m in spells:
        if m.status != "member" or m.start >= day:
            continue
        if start is None:
            if m.end is not None and m.end <= day:
                return 0.0  # not a member on the day ([start, end)): nothing to leave
            start = m.start
        elif (m.end is None or m.end >= start) and m.start < start:
            start = m.start  # a membership carried into the successor is one spell
    if start is None:
        return 0.0
    return 1.0 - _decay((day - start).days, halflife)


def _own_gain(
    view: WorldView, i: str, tie: Tie, c: str, depth: float, sigma: float, consultative: bool
) -> float:
    """``V``: what a tie that pools the parties' means adds to ``i``'s own (Grieco's ``V``).

    An engagement or a treaty one may suspend pools means at its depth. So does membership of a
    consultative security body (a partnership, a forum, a regional organisation, without a
    defence clause): it is a consultation-level tie with the body's members
    (``ENGAGEMENT_BINDING``), whereas an alliance's gain is the defence it gives (``Q``, in
    ``alliance_security``), not counted twice. Membership of an economic community or a
    commonwealth (``sigma = 0``) gains the market it opens, ``M``.
    """
    if view.is_org(i):
        return 0.0
    if tie.kind in _GAIN_TYPES:
        return depth * _gain(view, i, c)
    if tie.kind != "membership" or i != tie.a or not view.is_org(c):
        return 0.0
    if sigma == 0:
        # an economic community or commonwealth is judged on its own terms: the market it opens
        # (Grieco 1988 studied exactly such cooperation; Hirschman 1945: the small partner gains
        # most, and pays in dependence, the autonomy cost)
        return _market(view, i, c)
    if consultative:  # i's own membership of a consultative body (_consultative_membership)
        return ENGAGEMENT_BINDING * _gain(view, i, c)
    return 0.0


def _gain(view: WorldView, x: str, partner: str) -> float:
    """A party's gain from a tie: what the partner's means add to its own (0.5 if unknown)."""
    return _ratio(view.known_cap(partner), view.known_cap(x))


def _depth(view: WorldView, tie: Tie, c: str, p: str) -> float:
    """How much a tie delivers, on the clause-obligation scale: consultation (0.25) for a
    bloc-level tie, the organisation's strongest clause for membership or a joint force, a
    garrison's grade for basing, the defence clause for assistance."""
    if tie.kind in _BLOC_TYPES:
        return ENGAGEMENT_BINDING
    org = c if view.is_org(c) else p
    if tie.kind == "basing":
        return GARRISON_DEFENCE
    return view.obligation(org, _BINDING) if view.is_org(org) else 0.0


def _relative_gap(view: WorldView, i: str, p: str, c: str, depth: float) -> float:
    """Powell-weighted gap in gains of ``i``'s strongest rival among ``c``'s parties."""
    if view.is_org(i):
        return 0.0
    own = depth * _gain(view, i, c)
    best = 0.0
    for j in {*view.members(c), c} - {i}:
        r = view.rivalry(i, j) if view.is_org(j) else view.direct_rivals(i).get(j, 0.0)
        force = min(1.0, max(0.0, (r - RESIDUAL_SUSPICION) / (FORCE_ANCHOR - RESIDUAL_SUSPICION)))
        if force <= 0:
            continue
        theirs = depth * _gain(view, j, p)
        best = max(best, force * max(0.0, theirs - own))
    return best


def _bandwagon(view: WorldView, i: str, lead: str | None, params: Any) -> float:
    """``omega``: propensity of a weak state next to a threatening power to bandwagon with it
    rather than balance: weakness beyond ``bandwagon_power``, contiguity, and no alternative
    (no partnership or alliance led by a rival of the threat)."""
    if lead is None or lead == i or view.is_org(i):
        return 0.0
    threshold = float(getattr(params, "bandwagon_power", 0.9))
    power = _ratio(view.known_cap(lead), view.known_cap(i))
    if power <= threshold or not contiguous(i, lead):
        return 0.0
    for org in view.status.get(i, {}):
        if _shelters(view, i, org, lead):
            return 0.0
    return (power - threshold) / (1.0 - threshold)


def _shelters(view: WorldView, i: str, org: str, threat: str) -> bool:
    """Whether ``org`` is an alternative to bandwagoning with ``threat`` for ``i`` (Walt 1987,
    ch. 2 and 5: a weak state bandwagons when allies are unavailable): ``i`` takes part in it, a
    rival of the threat leads it, and the threat itself does not take part in it. A body the
    threatening state sits in (the UN, the OSCE, the NACC with Russia) is no ally against it."""
    other = view.leaders.get(org)
    rival_led = (
        bool(other) and other != threat and view.direct_rivals(other or "").get(threat, 0.0) > 0
    )
    return rival_led and view.takes_part(i, org) and not view.takes_part(threat, org)


def _market(view: WorldView, i: str, c: str) -> float:
    """``M``: the market the tie opens to ``i``, ``gdp_C / (gdp_C + gdp_i)`` (0.5 if unknown)."""
    if view.is_org(i) or c == i:
        return 0.0

    def gdp(x: str) -> float | None:
        if view.is_org(x):
            vals = [gdp(m) for m in view.members(x) if m != i]
            known = [v for v in vals if v is not None]
            return sum(known) if known else None
        cv = view.snap.capability(x, "gdp")
        return cv.value if cv is not None else None

    return _ratio(gdp(c), gdp(i))


def _party_regime(view: WorldView, i: str, c: str) -> float | None:
    """POLITY2 of party ``c`` as ``i`` faces it: a state's own score, or an organisation's
    expenditure-weighted mean over its members other than ``i`` whose score is known."""
    if c == i:
        return None
    if not view.is_org(c):
        return view.regime(c)
    scored = [(view.share(m, c), view.regime(m)) for m in view.members(c) if m != i]
    known = [(w, v) for w, v in scored if v is not None]
    total = sum(w for w, _ in known)
    return sum(w * v for w, v in known) / total if known and total > 0 else None


def _affinity(view: WorldView, i: str, c: str) -> float:
    """``A``: regime similarity of ``i`` with ``c`` (Lai & Reiter 2000; Moravcsik 1997); 0 when
    either side's regime is unknown or ``i`` is an organisation."""
    from detente.lenses.regime import regime_similarity

    if view.is_org(i) or c == i:
        return 0.0
    own, other = view.regime(i), _party_regime(view, i, c)
    if own is None or other is None:
        return 0.0
    return regime_similarity(own, other)


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


def actor_features(
    view: WorldView,
    i: str,
    tie: Tie,
    *,
    decider: bool,
    params: Any,
    invoked: float | None = None,
    history: Sequence[Episode] = (),
    skip: str = "",
) -> Features:
    """The :class:`Features` of actor ``i`` for ``tie`` (``params`` supplies the feature
    parameters such as ``presence_exposure``; ``invoked`` is the obligation of the clause an
    assistance request invokes, if known; ``history`` the recorded episodes a lens may remember,
    of which only those dated before the snapshot count and ``skip`` never does)."""
    p, c = _party_of(view, i, tie)
    presence_exposure = float(getattr(params, "presence_exposure", 0.5))
    saturation = float(getattr(params, "ties_saturation", 3.0))
    memory = float(getattr(params, "memory_halflife", 5.0))
    reciprocity = float(getattr(params, "reciprocity_halflife", 1.0))
    gain, loss = _influence(view, i, p, c)
    lead_c = view.leader(c)
    dominance = (
        0.0 if lead_c in (None, i) else _ratio(view.known_cap(lead_c or c), view.known_cap(i))
    )
    sigma = 1.0 if view.security(c) and view.security(p) else 0.0
    org = c if view.is_org(c) else p
    n = 0.0
    if tie.kind in ("membership", "assistance", "force") and view.is_org(org):
        n = nonresponse(i, org, view, history, memory, skip)
    exited = 1.0 if tie.kind == "membership" and view.is_org(c) and view.earlier_exit(i, c) else 0.0
    theta = view.threat(i, lead_c, params) if lead_c not in (None, i) else 0.0
    theta_from = (lead_c or "") if theta > 0 else ""
    if view.is_org(c) and lead_c not in (None, i):
        # a coalition threatens: the leader backs a member that threatens me (Walt 1987)
        for m in view.members(c):
            if m not in (i, lead_c):
                backing = view.backing(lead_c or "", m, c)
                if backing > 0 and backing * view.threat(i, m, params) > theta:
                    theta = backing * view.threat(i, m, params)
                    theta_from = f"{m} (backed by {lead_c})"
    x_value, x_from = _outside_threat(view, i, c, params)
    weighs_regime = hasattr(params, "preference_weight")
    rival_lead = view.direct_rivals(i).get(lead_c or "", 0.0)
    depth = _depth(view, tie, c, p)
    consultative = _consultative_membership(view, i, tie, c, sigma)
    # read only by a lens that weighs entrapment (the search over allies' rivals costs time)
    k_commit, y_value, y_ally, y_from, y_threat = (
        _entrapment(view, i, tie, p, c, params)
        if hasattr(params, "entrapment_weight")
        else (0.0, 0.0, "", "", 0.0)
    )
    return Features(
        actor=i,
        party=p,
        counterpart=c,
        decider=decider,
        alone=p == i,
        kind=tie.kind,
        s=float(tie.sign),
        sigma=sigma,
        S=_shared_threat(view, i, c, presence_exposure, tie.kind),
        H=_ratio(view.known_cap(c), view.known_cap(i)) if c != i else 0.0,
        R=view.rivalry(i, c),
        F=1.0 if not view.is_org(c) else view.obligation(c, _DEFENCE),
        G_plus=gain,
        G_minus=loss,
        T=_ties(view, i, p, c, saturation),
        O=_own_obligation(view, i, tie, p, c, invoked),
        B=_binding(view, i, tie, p, c),
        D=dominance,
        Q=_defence(view, i, tie, p, c, invoked),
        X=x_value,
        V=_own_gain(view, i, tie, c, depth, sigma, consultative),
        gap=_relative_gap(view, i, p, c, depth),
        theta=theta,
        omega=_bandwagon(view, i, lead_c, params) if theta > 0 else 0.0,
        div=max(rival_lead, theta),
        rho=_redundancy(view, i, tie, p, c),
        breach=view.breach(i, p, c, reciprocity) if tie.kind in _BLOC_TYPES else 0.0,
        N=n,
        E=exited,
        M=_market(view, i, c),
        U=view.union_with(i, lead_c) if tie.kind in ("membership", "force", "alignment") else 0.0,
        # read only by a lens that weighs regime type (its notes would mislead the others)
        A=_affinity(view, i, c) if weighs_regime else 0.0,
        K=k_commit,
        Y=y_value,
        # read only by a lens that weighs the cost of coercion (the realist lens)
        Z=coercion_capacity(view, i, tie, params) if hasattr(params, "coercion_weight") else 0.0,
        consultative=consultative,
        # read only by a lens that weighs alliance persistence
        I=(
            _institutionalisation(view, i, tie, c, float(params.persistence_halflife))
            if hasattr(params, "persistence_halflife")
            else 0.0
        ),
        X_from=x_from,
        theta_from=theta_from,
        U_org=view.union_org(i, lead_c) if tie.kind in ("membership", "force", "alignment") else "",
        leader=lead_c or "",
        p_own=view.regime(i) if weighs_regime and not view.is_org(i) else None,
        p_other=_party_regime(view, i, c) if weighs_regime and not view.is_org(i) else None,
        Y_ally=y_ally,
        Y_from=y_from,
        Y_threat=y_threat,
        admission=admission(view, i, tie, params),
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
    snap: Snapshot,
    question: Question,
    params: Any,
    notes: list[str] | None = None,
    history: Sequence[Episode] | None = None,
) -> list[Features]:
    """Features of every stakeholder of ``question`` as of ``snap``: deciders first.

    ``notes``, if given, receives one line per filled input value the features read.
    ``history`` is the record of past decisions the memory features read (default: the built-in
    episodes); only episodes dated before ``snap`` count, and never ``question`` itself.
    """
    if history is None:
        from detente.decisions.episodes import builtin_episodes

        history = builtin_episodes()
    view = WorldView(snap)
    tie = question_tie(question)
    actors, deciders = stakeholders(view, question)
    invoked = view.invoked(question.clause) if tie.kind == "assistance" else None
    feats = [
        actor_features(
            view,
            a,
            tie,
            decider=a in deciders,
            params=params,
            invoked=invoked,
            history=history,
            skip=question.id,
        )
        for a in actors
    ]
    if notes is not None:
        notes.extend(f"{a}: {how}" for a, how in sorted(view.fills.items()))
        notes.extend(f"{a}: {how}" for a, how in sorted(view.regime_notes.items()))
    return feats
