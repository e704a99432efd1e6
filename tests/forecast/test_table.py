"""Stakeholder tables: the three file forms, validation that names row and column, helpers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from detente.errors import InputError, UnknownIdError
from detente.forecast.table import StakeholderTable, read_table, table_from_mapping

DATA = Path(__file__).parent / "data"

# EU car-emission standards (Bueno de Mesquita 1994, p. 78; Scholz, Calbert & Smith 2011, Table 1).
EU_ACTORS = (
    "Netherlands",
    "Belgium",
    "Luxembourg",
    "Germany",
    "France",
    "Italy",
    "UK",
    "Ireland",
    "Denmark",
    "Greece",
)
EU_CAP = [0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08]
EU_POS = [4, 7, 4, 4, 10, 10, 10, 7, 4, 7]
EU_SAL = [0.8, 0.4, 0.2, 0.8, 0.6, 0.6, 0.9, 0.1, 1.0, 0.7]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def only_problem(path: Path):  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as info:
        read_table(path)
    assert len(info.value.problems) == 1, info.value.problems
    return info.value.problems[0]


# ---- reading the three forms


def test_plain_csv_reads_the_eu_table() -> None:
    table = read_table(DATA / "eu_plain.csv")
    assert table.actors == EU_ACTORS
    assert (table.n, table.d) == (10, 1)
    np.testing.assert_array_equal(table.capability, EU_CAP)
    np.testing.assert_array_equal(table.position[:, 0], EU_POS)
    np.testing.assert_array_equal(table.salience[:, 0], EU_SAL)
    np.testing.assert_array_equal(table.bounds, [[4.0, 10.0]])  # no scale: the positions' range
    assert table.sources[0] == ("bdm1994", "scholz2011")
    assert table.name == "eu_plain"


def test_plain_csv_header_is_case_insensitive_and_columns_may_move(tmp_path: Path) -> None:
    path = write(
        tmp_path, "t.csv", "SALIENCE,actor,position,CAPABILITY\n0.5,a,1,2\n1,b,2,3\n0,c,3,1\n"
    )
    table = read_table(path)
    assert table.actors == ("a", "b", "c")
    np.testing.assert_array_equal(table.capability, [2, 3, 1])
    np.testing.assert_array_equal(table.salience[:, 0], [0.5, 1, 0])


def test_ktab_csv_reads_dimensions_and_rescales_salience() -> None:
    table = read_table(DATA / "ktab_two_issues.csv")
    assert table.name == "Two issues"
    assert table.description == "A made-up scenario in KTAB's CSV form, for reader tests"
    assert table.dimensions == ("Trade", "Security")
    assert table.actors == ("AA", "BB", "CC", "DD")
    np.testing.assert_array_equal(table.capability, [100.0, 60.5, 35.0, 20.0])
    np.testing.assert_array_equal(table.position, [[30, 20], [45, 65], [0, 100], [100, 50]])
    np.testing.assert_allclose(table.salience, [[0.24, 0.48], [0.445, 0.415], [0.3, 0.7], [0.1, 0]])
    np.testing.assert_array_equal(table.bounds, [[0, 100], [0, 100]])
    assert table.notes == ("First actor", "Second actor", "Third actor", None)


def test_yaml_reads_scale_anchors_notes_and_sources() -> None:
    table = read_table(DATA / "question.yaml")
    assert table.name == "test-question"
    assert table.anchors == {
        "0": "no contact",
        "50": "working-level contacts",
        "100": "a formal partnership agreement",
    }
    np.testing.assert_array_equal(table.bounds, [[0, 100]])
    assert table.notes == ("Publicly opposed.", None, None)
    assert table.sources == (("src-1", "src-2"), ("src-3",), ())
    np.testing.assert_array_equal(table.normalised_positions()[:, 0], [0.2, 0.7, 1.0])


def test_yaml_several_dimensions() -> None:
    table = read_table(DATA / "two_dims.yaml")
    assert table.dimensions == ("economy", "security")
    np.testing.assert_array_equal(table.bounds, [[-1, 1], [-1, 1]])
    np.testing.assert_array_equal(table.normalised_positions()[0], [0.0, 0.75])
    security = table.dimension("security")
    assert security.d == 1
    np.testing.assert_array_equal(security.position[:, 0], [0.5, 0, -0.5])
    np.testing.assert_array_equal(table.dimension(-1).salience, security.salience)


@pytest.mark.parametrize("name", ["eu_plain.csv", "ktab_two_issues.csv", "question.yaml"])
def test_round_trip_through_yaml(tmp_path: Path, name: str) -> None:
    original = read_table(DATA / name)
    path = write(tmp_path, "again.yaml", yaml.safe_dump(original.to_mapping(), sort_keys=False))
    again = read_table(path)
    assert again.actors == original.actors
    assert again.dimensions == original.dimensions
    assert again.notes == original.notes
    assert again.sources == original.sources
    assert again.anchors == original.anchors
    assert again.description == original.description
    for attr in ("capability", "position", "salience", "bounds"):
        np.testing.assert_array_equal(getattr(again, attr), getattr(original, attr))


def test_plain_and_yaml_forms_of_the_eu_table_agree() -> None:
    plain = read_table(DATA / "eu_plain.csv")
    data = {
        "name": "eu",
        "scale": {"min": 4, "max": 10},
        "actors": [
            {"id": a, "capability": c, "position": x, "salience": s}
            for a, c, x, s in zip(EU_ACTORS, EU_CAP, EU_POS, EU_SAL, strict=True)
        ],
    }
    from_yaml = table_from_mapping(data)
    np.testing.assert_array_equal(from_yaml.position, plain.position)
    np.testing.assert_array_equal(from_yaml.bounds, plain.bounds)


def test_to_frame_and_without() -> None:
    table = read_table(DATA / "ktab_two_issues.csv")
    frame = table.to_frame()
    assert list(frame.index) == ["AA", "BB", "CC", "DD"]
    assert frame.loc["BB", "position:Security"] == 65
    assert frame.loc["CC", "salience:Trade"] == pytest.approx(0.3)
    smaller = table.without(["BB"])
    assert smaller.actors == ("AA", "CC", "DD")
    np.testing.assert_array_equal(smaller.capability, [100.0, 35.0, 20.0])
    assert smaller.notes == ("First actor", "Third actor", None)
    with pytest.raises(UnknownIdError, match="ZZ"):
        table.without(["ZZ"])


def test_table_arrays_are_read_only() -> None:
    table = read_table(DATA / "eu_plain.csv")
    with pytest.raises(ValueError, match="read-only"):
        table.position[0, 0] = 5.0


def test_ktab_sample_header_variants_parse(tmp_path: Path) -> None:
    # KTAB's own sample (examples/smp/doc/dummyData_3Dim.csv) names dimensions Pstn1/Sal1 and
    # ends lines with a comma; a header cell that is only spaces is dropped too.
    text = (
        'Dummy ,"Dummy scenario",3,1,\n'
        "Actor,Description,Power,Pstn1,Sal1, \n"
        "A-00, Random actor, 102.5, 75.79, 49.53,\n"
        "A-01, Random actor, 53.4, 82.72, 30.33,\n"
        "A-02, Random actor, 129.6, 82.45, 48.47,\n"
    )
    table = read_table(write(tmp_path, "k.csv", text))
    assert table.dimensions == ("Pstn1",)
    assert table.name == "Dummy"


# ---- malformed input: every problem names its row (line) and column


def test_empty_file(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, "empty.csv", "\n  \n"))
    assert "empty" in problem.message


def test_fewer_than_three_actors(tmp_path: Path) -> None:
    path = write(tmp_path, "two.csv", "Actor,Capability,Position,Salience\na,1,2,0.5\nb,1,3,0.5\n")
    problem = only_problem(path)
    assert "at least 3 actors" in problem.message


def test_non_numeric_cell(tmp_path: Path) -> None:
    text = "Actor,Capability,Position,Salience\na,1,2,0.5\nb,lots,3,0.5\nc,1,4,0.5\n"
    problem = only_problem(write(tmp_path, "t.csv", text))
    assert (problem.line, problem.field) == (3, "row 3, column Capability")
    assert "'lots'" in problem.message


def test_empty_cell_in_the_middle(tmp_path: Path) -> None:
    text = "Actor,Capability,Position,Salience\na,1,2,0.5\nb,1,,0.5\nc,1,4,0.5\n"
    problem = only_problem(write(tmp_path, "t.csv", text))
    assert problem.field == "row 3, column Position"
    assert "empty cell" in problem.message


def test_negative_capability(tmp_path: Path) -> None:
    text = "Actor,Capability,Position,Salience\na,1,2,0.5\nb,1,3,0.5\nc,-1,4,0.5\n"
    problem = only_problem(write(tmp_path, "t.csv", text))
    assert (problem.line, problem.field) == (4, "row 4, column Capability")
    assert ">= 0" in problem.message


def test_salience_out_of_range(tmp_path: Path) -> None:
    text = "Actor,Capability,Position,Salience\na,1,2,0.5\nb,1,3,80\nc,1,4,0.5\n"
    problem = only_problem(write(tmp_path, "t.csv", text))
    assert problem.field == "row 3, column Salience"
    assert "[0, 1]" in problem.message


def test_duplicate_actor(tmp_path: Path) -> None:
    text = "Actor,Capability,Position,Salience\na,1,2,0.5\nb,1,3,0.5\na,1,4,0.5\n"
    problem = only_problem(write(tmp_path, "t.csv", text))
    assert (problem.line, problem.field) == (4, "row 4, column Actor")
    assert "duplicate actor 'a'" in problem.message


def test_ragged_row(tmp_path: Path) -> None:
    text = "Actor,Capability,Position,Salience\na,1,2,0.5\nb,1,3,0.5,9\nc,1,4,0.5\nd,1,5\n"
    with pytest.raises(InputError) as info:
        read_table(write(tmp_path, "t.csv", text))
    fields = [(p.line, p.field) for p in info.value.problems]
    assert fields == [(3, "row 3"), (5, "row 5")]
    assert "5 cells for 4 columns" in info.value.problems[0].message


def test_missing_column(tmp_path: Path) -> None:
    text = "Actor,Capability,Position\na,1,2\nb,1,3\nc,1,4\n"
    problem = only_problem(write(tmp_path, "t.csv", text))
    assert problem.line == 1
    assert "missing column 'Salience'" in problem.message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = "Actor,Capability,Position,Salience\na,-2,2,0.5\nb,x,3,1.5\nb,1,y,0.5\n"
    with pytest.raises(InputError) as info:
        read_table(write(tmp_path, "t.csv", text))
    fields = {p.field for p in info.value.problems}
    assert fields == {
        "row 2, column Capability",
        "row 3, column Capability",
        "row 3, column Salience",
        "row 4, column Actor",
        "row 4, column Position",
    }
    assert str(tmp_path / "t.csv") + ":3" in str(info.value)


def test_ktab_salience_and_position_out_of_range(tmp_path: Path) -> None:
    text = (
        "S,desc,3,2,\n"
        "Actor,Description,Influence,A Position,A Salience,B Position,B Salience\n"
        "x,,1,10,20,30,40\n"
        "y,,1,110,20,30,-5\n"
        "z,,1,10,70,30,40\n"
    )
    with pytest.raises(InputError) as info:
        read_table(write(tmp_path, "k.csv", text))
    found = {(p.line, p.field) for p in info.value.problems}
    assert found == {
        (4, "row 4, column A Position"),
        (4, "row 4, column B Salience"),
        (5, "row 5"),  # 70 % + 40 % > 100 %
    }


def test_ktab_ragged_row_and_wrong_count(tmp_path: Path) -> None:
    text = (
        "S,desc,5,1,\n"
        "Actor,Description,Influence,A Position,A Salience\n"
        "x,,1,10,20\n"
        "y,,1,10\n"
        "z,,1,10,20\n"
        "w,,1,10,20\n"
    )
    with pytest.raises(InputError) as info:
        read_table(write(tmp_path, "k.csv", text))
    problems = {(p.line, p.field): p.message for p in info.value.problems}
    assert "4 cells for 5 columns" in problems[(4, "row 4")]
    # The ragged row is still an actor row: four rows, not three.
    assert "declares 5 actors; the file has 4" in problems[(1, "row 1, column 3 (actors)")]


def test_ktab_ragged_row_is_not_also_a_wrong_actor_count(tmp_path: Path) -> None:
    text = (
        "S,desc,4,1,\n"
        "Actor,Description,Influence,A Position,A Salience\n"
        "x,,1,10,20\n"
        "y,,1,10\n"
        "z,,1,10,20\n"
        "w,,1,10,20\n"
    )
    problem = only_problem(write(tmp_path, "k.csv", text))
    assert (problem.line, problem.field) == (4, "row 4")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("same.csv", "Actor,Capability,Position,Salience\na,1,5,0.5\nb,2,5,0.5\nc,3,5,0.2\n"),
        (
            "same.yaml",
            "actors:\n"
            + "".join(f"  - {{id: {a}, capability: 1, position: 5, salience: 0.5}}\n" for a in "ab")
            + "  - {id: c, capability: 1, position: 5, salience: 0.5}\n",
        ),
    ],
)
def test_a_common_position_gets_a_scale_around_it(tmp_path: Path, name: str, text: str) -> None:
    table = read_table(write(tmp_path, name, text))
    lo, hi = table.bounds[0]
    assert lo < 5.0 < hi  # a usable scale: the models divide by its width
    assert (lo, hi) == (4.0, 6.0)


def test_ktab_non_numeric_influence(tmp_path: Path) -> None:
    header = "S,d,3,1\nActor,Description,Influence,A Position,A Salience\n"
    text = header + "x,,1,1,1\ny,,big,1,1\nz,,1,1,1\n"
    problem = only_problem(write(tmp_path, "k.csv", text))
    assert (problem.line, problem.field) == (4, "row 4, column Influence")


def test_yaml_position_outside_scale_names_the_actor_entry(tmp_path: Path) -> None:
    text = (
        "name: q\nscale: {min: 0, max: 100}\nactors:\n"
        "  - {id: a, capability: 1, position: 10, salience: 0.5}\n"
        "  - id: b\n    capability: 1\n    position: 120\n    salience: 0.5\n"
        "  - {id: c, capability: 1, position: 10, salience: 0.5}\n"
    )
    problem = only_problem(write(tmp_path, "q.yaml", text))
    assert (problem.line, problem.field) == (5, "actors[1], position")
    assert "outside the scale 0..100" in problem.message


def test_yaml_bad_values_are_all_reported(tmp_path: Path) -> None:
    text = (
        "name: q\ndimensions: [x, y]\nactors:\n"
        "  - {id: a, capability: 1, position: [1, 2], salience: [0.5, high]}\n"
        "  - {id: b, capability: 1, position: [1], salience: [0.5, 0.5]}\n"
        "  - {id: a, capability: 1, position: [1, 2], salience: [0.5, 0.5]}\n"
    )
    with pytest.raises(InputError) as info:
        read_table(write(tmp_path, "q.yaml", text))
    found = {(p.line, p.field) for p in info.value.problems}
    assert found == {
        (4, "actors[0], salience[1]"),
        (5, "actors[1], position"),
        (6, "actors[2], id"),
    }


def test_yaml_syntax_error_gives_its_line(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, "q.yaml", "name: q\nactors: [\n  {id: a,\n"))
    assert problem.line is not None
    assert "not valid YAML" in problem.message


def test_yaml_is_loaded_safely(tmp_path: Path) -> None:
    text = "!!python/object/apply:os.system ['echo hacked']\n"
    problem = only_problem(write(tmp_path, "q.yaml", text))
    assert "not valid YAML" in problem.message


def test_mapping_needs_an_actor_list() -> None:
    with pytest.raises(InputError, match="expected a list of actors"):
        table_from_mapping({"name": "q"}, file="question.yaml")


def test_direct_construction_checks_shapes() -> None:
    with pytest.raises(ValueError, match="unique"):
        StakeholderTable(
            name="t",
            actors=("a", "a", "b"),
            capability=np.ones(3),
            position=np.zeros((3, 1)),
            salience=np.ones((3, 1)),
            dimensions=("x",),
            bounds=np.array([[0.0, 1.0]]),
        )
