"""The model: one run of the security system through time, year by year (a Mesa model).

Each step is a calendar year ``Y``:

1. the world advances to 1 January ``Y`` (:meth:`Timeline.snapshot`: the data's capabilities,
   threats and relations of the date, the exogenous events, the run's own earlier changes);
2. every state agent raises its decisions (leave each body it belongs to, keep or close each base
   it hosts) and every organisation agent its applications (join), by the opportunity rule of
   :mod:`detente.decisions.opportunities` applied to the run's state; the hand-coded episodes
   dated in ``Y`` are raised on their day;
3. each is decided by the project's decision process (:class:`Decider`; calibrated when a stack
   is fitted) and drawn with the run's generator: one uniform per question, in a fixed order, so
   a run's draws depend only on its seed and its own history;
4. memberships and bases change accordingly (dated 1 July ``Y`` for a yearly opportunity, the
   episode's day for an episode), each change logged as an :class:`Event` with its explanation
   (the decisive terms); a successor founded in ``Y`` takes over its predecessor's members.

**Feedback.** A run's changes always decide which questions it faces (a state that left may
apply again, one that joined may leave, a closed base is not closed twice). What a decision
*sees* depends on ``feedback``:

* ``none`` (the default): the reference path of :mod:`detente.simulation.timeline` (the data's
  capabilities, threats and relations of the date, nothing decided changed). Every run facing a
  question that year gets the same probability, computed once; this is what makes 200 runs of
  ten years take seconds, and it is an approximation: a run's changes do not move the lens
  inputs of later decisions;
* ``own``: the reference with the run's changes involving the deciding state applied (its own
  memberships, the bases on its soil);
* ``full``: the reference with all the run's changes applied (exact; each run then pays for its
  own decisions: minutes rather than seconds).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import mesa
import numpy as np

from detente.decisions import Episode, Question
from detente.decisions.opportunities import Opportunity
from detente.errors import DetenteError
from detente.simulation.agents import OrganisationAgent, StateAgent
from detente.simulation.decider import Decider, StackedDecider, Verdict
from detente.simulation.scenario import Scenario
from detente.simulation.timeline import EXIT_OUTCOMES, Changes, Timeline, event_day

__all__ = ["FEEDBACK", "Event", "SecurityModel", "Setting"]

FEEDBACK = ("none", "own", "full")


@dataclass(frozen=True)
class Event:
    """Something that happened in a run.

    ``kind`` is ``join``/``exit`` (a full membership of ``actor`` in ``target``), ``close`` (the
    base ``target`` hosted by ``actor``) or ``episode`` (a hand-coded decision ``target``, with
    ``outcome``); ``p`` the probability it was drawn with, ``terms`` the explanation:
    ``(actor, term, contribution to its margin)``, largest first.
    """

    year: int
    day: dt.date
    kind: str
    actor: str
    target: str
    outcome: str
    question: str
    p: float
    terms: tuple[tuple[str, str, float], ...] = ()

    @property
    def key(self) -> str:
        """What happened, not when: ``join:ACTOR:ORG``, ``close:BASE``, ``episode:ID=OUTCOME``."""
        if self.kind == "close":
            return f"close:{self.target}"
        if self.kind == "episode":
            return f"episode:{self.target}={self.outcome}"
        return f"{self.kind}:{self.actor}:{self.target}"


@dataclass
class Setting:
    """What every run of one simulation shares: the timeline, the decider, the scenario, and
    the decisions already computed (keyed by question, day and the situation it saw)."""

    timeline: Timeline
    decider: Decider | StackedDecider
    scenario: Scenario
    feedback: str = "none"
    calibration: str = ""
    """How probabilities are obtained (the stack's training set, or why the lens's are used)."""
    cache: dict[tuple[Any, ...], Verdict] = field(default_factory=dict)

    def verdict(
        self, question: Question, day: dt.date, changes: Changes, *, tabled: bool, who: str
    ) -> Verdict:
        """The decision of ``question`` before ``day`` in a run with ``changes``."""
        if self.feedback == "none":
            changes = Changes()
        elif self.feedback == "own":
            changes = changes.only(who, self.timeline.hosts)
        stances = self.scenario.stances_for(question, day)
        key = (question.id, day, changes.key(), tuple(sorted(stances.items())))
        found = self.cache.get(key)
        if found is None:
            snap = self.timeline.snapshot(day, changes)
            try:
                found = self.decider.decide(snap, question, tabled=tabled, stances=stances)
            except DetenteError:
                found = Verdict(0.0 if question.status_quo != question.yes_outcome else 1.0, 0, ())
            self.cache[key] = found
        return found


class _Mutable:
    def __init__(self) -> None:
        self.ended: dict[tuple[str, str], dt.date] = {}
        self.joined: dict[tuple[str, str], dt.date] = {}
        self.left: dict[tuple[str, str], dt.date] = {}
        self.closed: dict[str, dt.date] = {}

    def frozen(self) -> Changes:
        return Changes(dict(self.ended), dict(self.joined), dict(self.left), dict(self.closed))


class SecurityModel(mesa.Model):  # type: ignore[misc]
    """One run: states and organisations as agents, one step per year.

    Parameters
    ----------
    setting:
        The shared :class:`Setting`.
    rng:
        The run's own generator (spawned up front by the experiment).
    """

    def __init__(self, setting: Setting, rng: np.random.Generator) -> None:
        super().__init__(rng=rng)
        self.setting = setting
        self.timeline = setting.timeline
        self.year = self.timeline.start
        self.changes = _Mutable()
        self.events: list[Event] = []
        facts = self.timeline.facts
        start = self.timeline.reference(self.timeline.first_day)
        self.states = {s: StateAgent(self, s) for s in sorted(facts.states)}
        self.orgs = {o: OrganisationAgent(self, o) for o in sorted(self.timeline.decided_orgs)}
        for m in start.current_memberships():
            if m.status == "member" and m.org in self.orgs and m.actor in self.states:
                self.states[m.actor].memberships.add(m.org)
                self.orgs[m.org].members.add(m.actor)
        for b in start.bases():
            if b.host in self.states:
                self.states[b.host].hosted.add(b.id)
        self._episodes: dict[int, list[Episode]] = {}
        for e in self.timeline.episodes:
            self._episodes.setdefault(e.date.year, []).append(e)

    @property
    def done(self) -> bool:
        """Whether the last year of the window has been simulated."""
        return self.year > self.timeline.end

    def step(self) -> None:
        """Simulate one year (see the module docstring)."""
        if self.done:
            self.running = False
            return
        year, changes = self.year, self.changes.frozen()
        opps = self.timeline.run_opportunities(year, changes)
        raised: list[Opportunity] = []
        for agent in self.states.values():
            raised.extend(agent.questions(opps))
        for body in self.orgs.values():
            raised.extend(body.questions(opps))
        raised.sort(key=lambda o: o.episode.id)
        episodes = self._episodes.get(year, [])
        draws = self.rng.random(len(raised) + len(episodes))
        day = dt.date(year, 1, 1)
        for o, u in zip(raised, draws, strict=False):
            who = o.episode.target if o.kind == "keep" else o.episode.proposer
            v = self.setting.verdict(o.episode, day, changes, tabled=False, who=who)
            if (u < v.p and o.episode.yes_outcome != o.episode.status_quo) or (
                o.kind == "keep" and u >= v.p
            ):
                self._opportunity(o, v, year)
        for e, u in zip(episodes, draws[len(raised) :], strict=True):
            forced = self.setting.scenario.outcome_of(e.id)
            if forced is not None:
                v = Verdict(1.0 if forced == e.yes_outcome else 0.0, float("nan"), ())
                outcome = forced
            else:
                v = self.setting.verdict(e, e.date, changes, tabled=True, who=e.proposer)
                outcome = e.yes_outcome if u < v.p else _other(e)
            self._episode(e, outcome, v)
        for org in self.timeline.successions(year):
            self._succession(org.id, org.predecessor or "", org.founded)
        self.year += 1
        self.running = self.year <= self.timeline.end

    # -- changes -------------------------------------------------------------------------------
    def _opportunity(self, o: Opportunity, v: Verdict, year: int) -> None:
        e, day = o.episode, event_day(year)
        if o.kind == "keep":
            self._close(e.target, self.timeline.base_id(o), day, e.id, 1.0 - v.p, v.terms)
        elif o.kind == "leave":
            self._exit(e.proposer, e.target, day, e.id, v.p, v.terms)
        else:
            self._join(e.proposer, e.target, day, e.id, v.p, v.terms)

    def _episode(self, e: Episode, outcome: str, v: Verdict) -> None:
        p = v.p if outcome == e.yes_outcome else 1.0 - v.p
        self.events.append(
            Event(e.date.year, e.date, "episode", e.proposer, e.id, outcome, e.id, p, v.terms)
        )
        if e.type == "membership" and outcome == e.yes_outcome:
            if e.action == "join" and outcome == "join":
                self._join(e.proposer, e.target, e.date, e.id, p, v.terms)
            elif outcome in EXIT_OUTCOMES:
                self._exit(e.proposer, e.target, e.date, e.id, p, v.terms)
        if e.type == "basing" and e.action == "keep" and outcome != e.yes_outcome:
            snap = self.timeline.snapshot(e.date, self.changes.frozen())
            for b in snap.bases(host=e.target, user=e.proposer):
                self._close(e.target, b.id, e.date, e.id, p, v.terms)

    def _join(self, actor: str, org: str, day: dt.date, q: str, p: float, terms: Any) -> None:
        state, body = self.states.get(actor), self.orgs.get(org)
        if state is None or body is None or org in state.memberships:
            return
        state.memberships.add(org)
        body.members.add(actor)
        self.changes.joined[(actor, org)] = day
        self.changes.left.pop((actor, org), None)
        self.events.append(Event(day.year, day, "join", actor, org, "join", q, p, terms))

    def _exit(self, actor: str, org: str, day: dt.date, q: str, p: float, terms: Any) -> None:
        state, body = self.states.get(actor), self.orgs.get(org)
        if state is None or body is None or org not in state.memberships:
            return
        state.memberships.discard(org)
        body.members.discard(actor)
        if (actor, org) in self.changes.joined:
            self.changes.left[(actor, org)] = day
        else:
            self.changes.ended[(actor, org)] = day
        self.events.append(Event(day.year, day, "exit", actor, org, "exit", q, p, terms))

    def _close(self, host: str, base: str, day: dt.date, q: str, p: float, terms: Any) -> None:
        state = self.states.get(host)
        if base in self.changes.closed:
            return
        self.changes.closed[base] = day
        if state is not None:
            state.hosted.discard(base)
        self.events.append(Event(day.year, day, "close", host, base, "expel", q, p, terms))

    def _succession(self, org: str, predecessor: str, day: dt.date) -> None:
        if predecessor not in self.orgs or org not in self.orgs:
            return
        run = sorted(self.orgs[predecessor].members)
        founders = set(self.timeline.founders(self.timeline.world.organisations[org]))
        for actor in run:
            self.states[actor].memberships.add(org)
            self.orgs[org].members.add(actor)
            if actor not in founders:
                self.changes.joined[(actor, org)] = day
        for actor in founders - set(run):
            self.changes.ended[(actor, org)] = day
        for actor in run:
            self.states[actor].memberships.discard(predecessor)
        self.orgs[predecessor].members.clear()


def _other(e: Episode) -> str:
    return next(o for o in e.outcomes if o != e.yes_outcome)


def run_model(setting: Setting, rng: np.random.Generator) -> list[Event]:
    """Run one model over the whole window; its events in order."""
    model = SecurityModel(setting, rng)
    while model.running:
        model.step()
    return model.events


def events_of(models: Sequence[SecurityModel]) -> list[list[Event]]:
    """Each model's events."""
    return [m.events for m in models]
