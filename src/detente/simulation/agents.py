"""The agents of a simulation: states and organisations (Mesa agents).

A :class:`StateAgent` holds the run's view of one state: the organisations it is a full member of
and the foreign bases on its soil. Each year it raises the decisions that are its own: leaving a
body it belongs to, applying to one it could join (:mod:`detente.decisions.opportunities`), and
keeping or closing each base it hosts. An :class:`OrganisationAgent` holds its full members and
answers applications: a join is decided by the applicant and by the body's members under the
body's rule (consensus for NATO and the CSTO), which :class:`detente.simulation.decider.Decider`
combines. Agents only route questions and keep state; how each question is decided is the
project's one decision process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from detente.decisions.opportunities import Opportunity

if TYPE_CHECKING:
    from detente.simulation.model import SecurityModel

__all__ = ["OrganisationAgent", "StateAgent"]


class StateAgent(mesa.Agent):  # type: ignore[misc]
    """A state: its full memberships and hosted bases in this run."""

    def __init__(self, model: SecurityModel, ident: str) -> None:
        super().__init__(model)
        self.ident = ident
        self.memberships: set[str] = set()
        self.hosted: set[str] = set()

    def questions(self, opportunities: list[Opportunity]) -> list[Opportunity]:
        """The opportunities this state raises: its own leave/join decisions and its bases."""
        return [
            o for o in opportunities if (o.kind in ("leave", "keep") and _decider(o) == self.ident)
        ]

    def __repr__(self) -> str:
        return f"<StateAgent {self.ident}: {len(self.memberships)} memberships>"


class OrganisationAgent(mesa.Agent):  # type: ignore[misc]
    """An organisation: its full members in this run; it answers applications."""

    def __init__(self, model: SecurityModel, ident: str) -> None:
        super().__init__(model)
        self.ident = ident
        self.members: set[str] = set()

    def questions(self, opportunities: list[Opportunity]) -> list[Opportunity]:
        """The applications this organisation answers."""
        return [o for o in opportunities if o.kind == "join" and o.episode.target == self.ident]

    def __repr__(self) -> str:
        return f"<OrganisationAgent {self.ident}: {len(self.members)} members>"


def _decider(o: Opportunity) -> str:
    # leave: the member decides alone; keep: the host decides on the presence on its soil
    return o.episode.proposer if o.kind == "leave" else o.episode.target
