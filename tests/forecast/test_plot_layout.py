"""The forecast figure stays legible with many actors and with a few very long replicates
(the two figure problems of the usability review)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from detente.forecast.plot import MAX_NAMES, forecast_figure, group_label, x_extent


def test_group_label_is_capped() -> None:
    names = [f"A{i:02d}" for i in range(31)]
    label = group_label(names)
    assert label == f"A00, A01, A02 +{31 - MAX_NAMES} more"
    assert group_label(names[:2]) == "A00, A01"


def _fake(turns: list[int], base_length: int, model: str = "smp") -> SimpleNamespace:
    return SimpleNamespace(
        turns=np.array(turns),
        base=SimpleNamespace(length=base_length),
        model=model,
        runs=len(turns),
    )


def test_x_extent_ignores_a_few_capped_replicates() -> None:
    turns = [6] * 990 + [100] * 10  # 1 % hit the cap
    right, note = x_extent(_fake(turns, base_length=7), share=0.99)  # type: ignore[arg-type]
    assert right == 6
    assert note == "10 of 1000 replicates ran past 6 turns, up to 100"


def test_x_extent_keeps_everything_when_nothing_is_cut() -> None:
    right, note = x_extent(_fake([3, 4, 5], base_length=6, model="eum"))  # type: ignore[arg-type]
    assert (right, note) == (5, "")


def test_many_actors_do_not_squeeze_the_axes() -> None:
    from detente.forecast import run_monte_carlo, table_from_mapping
    from detente.rng import as_generator

    n = 31
    table = table_from_mapping(
        {
            "name": "many",
            "scale": {"min": 0, "max": 100},
            "actors": [
                {
                    "id": f"Actor-with-a-long-name-{i:02d}",
                    "capability": 1.0 + i % 3,
                    "position": 50.0 + (i % 2),
                    "salience": 0.5,
                }
                for i in range(n)
            ],
        }
    )
    result = run_monte_carlo(table, "eum", 20, rng=as_generator(1))
    fig = forecast_figure(result)
    fig.canvas.draw()
    ax = fig.axes[0]
    assert ax.get_position().width > 0.6  # share of the figure's width the axes keep


def test_group_label_cuts_long_names() -> None:
    assert group_label(["Kazakhstan-security-council"]) == "Kazakhstan-se…"
