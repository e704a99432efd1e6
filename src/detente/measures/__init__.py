"""The field's standard measures as pure, vectorised NumPy functions.

* :mod:`~detente.measures.cinc`: the Composite Index of National Capability (Singer, Bremer and
  Stuckey 1972), the mean of a state's available component shares.
* :mod:`~detente.measures.portfolio`: alliance portfolios and their codings (valued 0-3, any
  obligation, defence only) and the system they span.
* :mod:`~detente.measures.similarity`: similarity of portfolios: Kendall's tau-b (Bueno de Mesquita
  1975), Signorino and Ritter's (1999) S, Cohen's kappa and Scott's pi (Häge 2011).

Every function takes and returns arrays; none reads files or a world. The panels
(:mod:`detente.panels`) put them together with a world's facts.
"""

from detente.measures.cinc import CINC_COMPONENTS, cinc, component_shares
from detente.measures.portfolio import (
    CODINGS,
    Coding,
    atop_level,
    code_portfolio,
    max_distance,
    n_categories,
)
from detente.measures.similarity import (
    SIMILARITY_MEASURES,
    cohen_kappa,
    crosstab,
    kendall_tau_b,
    pairwise,
    s_score,
    scott_pi,
)

__all__ = [
    "CINC_COMPONENTS",
    "CODINGS",
    "SIMILARITY_MEASURES",
    "Coding",
    "atop_level",
    "cinc",
    "code_portfolio",
    "cohen_kappa",
    "component_shares",
    "crosstab",
    "kendall_tau_b",
    "max_distance",
    "n_categories",
    "pairwise",
    "s_score",
    "scott_pi",
]
