"""The bridge from a lens to the bargaining forecasters: a question as a stakeholder table.

For a question, a snapshot and a lens, every stakeholder (deciders and the other members of both
parties) becomes one row of a :class:`~detente.forecast.table.StakeholderTable` on the question's
0-100 scale (0 = the no outcome, 100 = the yes outcome):

* **position** = ``100 * p_accept(margin, scale)``: the actor's preferred point, from its utility
  margin through the same logit as the decision rules (a strongly negative margin sits at the no
  end, indifference at 50);
* **capability** = military expenditure (the world's ``milex``, SIPRI) through the world's fill
  rule (:func:`detente.world.fill_capability`; a filled value is named in the row's note), floored
  at ``MIN_CAPABILITY`` so an actor still takes part when nobody's figure is known;
* **salience** = ``1 - exp(-stake / stake_scale)``, ``stake`` the sum of the absolute term values:
  how much the actor has riding on the question (the same salience as the silence procedure).

Actors with salience below ``MIN_SALIENCE`` are left out (they have nothing at stake), unless the
table would then fall below the bargaining models' minimum of three actors.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from detente.decisions import Question, load_questions
from detente.errors import InputError, Problem, UnknownIdError, match_id
from detente.forecast.table import MIN_ACTORS, StakeholderTable
from detente.institutions import p_accept
from detente.lenses.base import Lens
from detente.lenses.registry import get_lens
from detente.world import Snapshot, World, builtin_world, fill_capability

__all__ = [
    "MIN_CAPABILITY",
    "MIN_SALIENCE",
    "forecast_table_for",
    "resolve_question",
    "stakeholder_table",
]

MIN_CAPABILITY = 0.01
"""Smallest capability (USD bn) an actor is given (when no military expenditure is known at all)."""
MIN_SALIENCE = 0.01
"""Actors with less salience than this are dropped from the table."""


def stakeholder_table(snapshot: Snapshot, question: Question, lens: Lens) -> StakeholderTable:
    """The stakeholder table of ``question`` under ``lens`` as of ``snapshot``."""
    prefs = lens.preferences(snapshot, question)
    params = lens.params
    margins, stakes = prefs.margins, prefs.stakes
    rows = []
    for i, actor in enumerate(prefs.actors):
        cv = fill_capability(snapshot, actor, "milex")  # the world's one fill rule
        capability = max(cv.value if cv is not None else 0.0, MIN_CAPABILITY)
        position = 100.0 * float(p_accept(margins[i], params.scale))
        stake = float(stakes[i])
        if params.stake_scale > 0:
            salience = 1.0 - math.exp(-stake / params.stake_scale)
        else:
            salience = 1.0 if stake > 0 else 0.0
        terms = ", ".join(f"{t} {v:+.2f}" for t, v in prefs.margin_terms(actor).items() if v)
        if cv is not None and cv.fill is not None:
            terms += f"; capability {cv.fill}"
        sources = cv.sources if cv is not None else ()
        rows.append((actor, capability, position, salience, f"{lens.name}: {terms}", sources))
    kept = [r for r in rows if r[3] >= MIN_SALIENCE]
    if len(kept) < MIN_ACTORS:
        kept = sorted(rows, key=lambda r: -r[3])[: max(MIN_ACTORS, len(kept))]
    return StakeholderTable(
        name=f"{question.id}-{lens.name}",
        actors=tuple(r[0] for r in kept),
        capability=np.array([r[1] for r in kept]),
        position=np.array([[r[2]] for r in kept]),
        salience=np.array([[min(1.0, r[3])] for r in kept]),
        dimensions=(question.id,),
        bounds=np.array([[0.0, 100.0]]),
        notes=tuple(r[4] for r in kept),
        sources=tuple(tuple(r[5]) for r in kept),
        description=question.text,
        anchors={str(k): v for k, v in sorted(question.scale.items())},
    )


def resolve_question(argument: str | Path, world: World | None = None) -> Question:
    """A built-in episode or question id, or a YAML file holding exactly one question.

    With ``world``, a file's ids and date are checked against it (see
    :func:`detente.decisions.load_questions`).
    """
    path = Path(argument)
    if path.exists():
        # a question to answer now: an organisation that does not exist yet is named at its line
        questions = load_questions(path, world=world, existing=world is not None)
        if len(questions) != 1:
            ids = ", ".join(q.id for q in questions)
            raise InputError(
                Problem(
                    str(argument),
                    None,
                    None,
                    f"holds {len(questions)} questions ({ids}); give a file with exactly one",
                )
            )
        return questions[0]
    known = {q.id: q for q in load_questions(None)}
    ident = match_id(str(argument), known)  # ids are matched ignoring case
    if ident is not None:
        return known[ident]
    if path.suffix.lower() in (".yaml", ".yml"):
        raise InputError(Problem(str(argument), None, None, "no such file"))
    raise UnknownIdError("episode", str(argument), known)


def forecast_table_for(
    id_or_path: str | Path,
    lens_name: str,
    world: World | None = None,
    overrides: Mapping[str, object] | None = None,
) -> StakeholderTable:
    """The stakeholder table of an episode id or file under a lens, as of the day before it.

    This is what ``detente forecast EPISODE --lens L`` runs the bargaining models on.
    """
    the_world = world if world is not None else builtin_world()
    question = resolve_question(id_or_path, the_world)
    lens = get_lens(lens_name, overrides)
    return stakeholder_table(the_world.at(question.date), question, lens)
