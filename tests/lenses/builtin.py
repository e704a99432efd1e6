"""A lens's ``P(yes)`` on a built-in episode, as the face-validity tests read it."""

from __future__ import annotations

import functools

from detente.decision import decide
from detente.decisions import get_episode
from detente.lenses import LIBERAL, REALIST, Lens
from detente.world import builtin_world


@functools.cache
def p_yes(episode: str, lens_name: str) -> float:
    """``P(yes)`` of built-in ``episode`` under the ``realist`` or ``liberal`` lens, on the world
    as of the episode's date."""
    lens: Lens = {"realist": REALIST, "liberal": LIBERAL}[lens_name]
    q = get_episode(episode)
    return decide(lens, builtin_world().at(q.date), q).p_yes
