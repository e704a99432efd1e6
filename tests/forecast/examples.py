"""Published example tables shared by the forecast tests."""

from __future__ import annotations

import numpy as np

from detente.forecast.table import StakeholderTable

# EU car-emission standards: Bueno de Mesquita (1994, p. 78), reproduced in Scholz, Calbert &
# Smith (2011), Table 1 (capability, position in years, salience 0..1).
EU = StakeholderTable(
    name="eu",
    actors=("NL", "BE", "LU", "DE", "FR", "IT", "UK", "IE", "DK", "GR"),
    capability=np.array([0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08]),
    position=np.array([4, 7, 4, 4, 10, 10, 10, 7, 4, 7], dtype=float)[:, None],
    salience=np.array([0.8, 0.4, 0.2, 0.8, 0.6, 0.6, 0.9, 0.1, 1.0, 0.7])[:, None],
    dimensions=("years",),
    bounds=np.array([[4.0, 10.0]]),
)
