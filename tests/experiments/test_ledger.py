"""The forecast ledger: registered stacked forecasts, their hash chain, and prospective scores.

The library tests play the past as if it were the present: "now" is a day in 2005 and the
questions are built-in episodes decided after it, with their recorded outcome taken away, so the
stack's forecasts and the outcomes are real and the fits small (episodes before 2000, no
bargaining signal). The CLI tests use questions dated 2099, in a world extended to cover them, so
that the machine's clock is always before the decision.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from tests.cli import invoke

from detente.decisions import Episode, Question, builtin_episodes, get_episode
from detente.errors import InputError
from detente.experiments.ledger import (
    GENESIS,
    Ledger,
    question_digest,
    read_ledger,
    register,
    score_ledger,
    verify,
    write_ledger,
)
from detente.experiments.lfo import stacked_episode
from detente.lenses import get_lens
from detente.world import builtin_world

NOW = dt.datetime(2005, 1, 10, 9, 30, tzinfo=dt.UTC)
QUESTIONS = ("uzb-k2-2005", "geo-batumi-2005", "nrc-counter-narcotics-2005")


def _pending(episode: Episode) -> Question:
    """The episode as it stood before its decision: the same question, no recorded outcome."""
    return Question(**episode.model_dump(exclude={"recorded_outcome", "origin"}, exclude_none=True))


@pytest.fixture(scope="module")
def history() -> list[Episode]:
    return [e for e in builtin_episodes() if e.date < dt.date(2000, 1, 1)]


@pytest.fixture(scope="module")
def book(history: list[Episode]) -> Ledger:
    questions = [_pending(get_episode(q)) for q in QUESTIONS]
    lenses = [get_lens("realist"), get_lens("liberal")]
    return register(
        Ledger(),
        questions,
        builtin_world(),
        lenses,
        history,
        now=NOW,
        model={"test": True},
        min_train=10,
        bargain=False,
    )


def test_an_entry_is_the_stacks_forecast_fitted_before_the_day_of_issue(
    book: Ledger, history: list[Episode]
) -> None:
    assert [e.question for e in book.entries] == list(QUESTIONS)
    assert [e.seq for e in book.entries] == [1, 2, 3]
    lenses = [get_lens("realist"), get_lens("liberal")]
    for entry in book.entries:  # each as if registered alone: no question sees another
        q = _pending(get_episode(entry.question))
        direct = stacked_episode(q, builtin_world(), lenses, history, min_train=10, bargain=False)
        assert direct.forecast is not None
        assert entry.p == direct.forecast.p  # bit for bit
        assert entry.interval_90 == (direct.forecast.low, direct.forecast.high)
        assert entry.lenses == direct.lens_p
        assert entry.n_train == len(history)
        assert entry.baselines == direct.baselines
        assert entry.baselines["base-rate"] == pytest.approx(
            (sum(e.recorded_outcome == e.yes_outcome for e in history) + 1) / (len(history) + 2)
        )
        assert entry.issued == NOW.replace(microsecond=0)
        assert entry.question_sha256 == question_digest(get_episode(entry.question))


def test_the_entries_form_a_hash_chain(book: Ledger) -> None:
    assert verify(book) == []
    assert book.entries[0].prev == GENESIS
    for before, after in zip(book.entries, book.entries[1:], strict=False):
        assert after.prev == before.hash
    assert book.digest == book.entries[-1].hash
    assert len({e.hash for e in book.entries}) == len(book.entries)


def test_a_ledger_file_reads_back_to_the_same_bytes(book: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    write_ledger(book, path)
    again = read_ledger(path)
    assert again == book
    write_ledger(again, tmp_path / "copy.json")
    assert (tmp_path / "copy.json").read_bytes() == path.read_bytes()
    assert read_ledger(tmp_path / "absent.json") == Ledger()


def _tampered(book: Ledger, tmp_path: Path, change: object) -> Path:
    path = tmp_path / "ledger.json"
    write_ledger(book, path)
    data = json.loads(path.read_text())
    change(data)  # type: ignore[operator]
    path.write_text(json.dumps(data))
    return path


def test_an_edited_entry_is_found(book: Ledger, tmp_path: Path) -> None:
    def edit(data: dict) -> None:  # type: ignore[type-arg]
        data["entries"][1]["p"] = 0.5

    path = _tampered(book, tmp_path, edit)
    with pytest.raises(InputError) as err:
        read_ledger(path)
    fields = [p.field for p in err.value.problems]
    assert "entries[1].hash" in fields and all(p.file == str(path) for p in err.value.problems)


def test_a_removed_or_moved_entry_is_found(book: Ledger, tmp_path: Path) -> None:
    def remove(data: dict) -> None:  # type: ignore[type-arg]
        del data["entries"][0]
        data["digest"] = data["entries"][-1]["hash"]

    with pytest.raises(InputError) as err:
        read_ledger(_tampered(book, tmp_path, remove))
    assert {"entries[0].prev", "entries[0].seq"} <= {p.field for p in err.value.problems}

    def swap(data: dict) -> None:  # type: ignore[type-arg]
        data["entries"][1], data["entries"][2] = data["entries"][2], data["entries"][1]

    with pytest.raises(InputError) as err:
        read_ledger(_tampered(book, tmp_path, swap))
    assert "entries[1].prev" in {p.field for p in err.value.problems}


def test_a_cut_tail_is_found_against_the_recorded_digest(book: Ledger, tmp_path: Path) -> None:
    def cut(data: dict) -> None:  # type: ignore[type-arg]
        del data["entries"][-1]

    with pytest.raises(InputError) as err:
        read_ledger(_tampered(book, tmp_path, cut))
    assert [p.field for p in err.value.problems] == ["digest"]


def test_a_file_that_is_not_a_ledger_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"entries": []}')
    with pytest.raises(InputError, match="not a Détente ledger"):
        read_ledger(path)
    path.write_text("{")
    with pytest.raises(InputError, match="not JSON"):
        read_ledger(path)
    path.write_text('{"format": "detente-ledger/1", "entries": [{"seq": 0}]}')
    with pytest.raises(InputError) as err:
        read_ledger(path)
    assert "entries[0].seq" in {p.field for p in err.value.problems}


def _register(book: Ledger, questions: list[Question], history: list[Episode]) -> Ledger:
    return register(
        book,
        questions,
        builtin_world(),
        [get_lens("realist")],
        history,
        now=NOW,
        model={},
        min_train=10,
        bargain=False,
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: get_episode("uzb-k2-2005"), "has a recorded outcome"),
        (lambda: _pending(get_episode("uzb-termez-2002")), "not after the day of issue"),
        (lambda: _pending(get_episode("uzb-k2-2005")), "already registered"),
    ],
)
def test_only_new_pending_questions_after_the_day_of_issue_are_registered(
    book: Ledger, history: list[Episode], make: object, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        _register(book, [make()], history)  # type: ignore[operator]


def test_a_history_that_knows_the_future_is_refused(history: list[Episode]) -> None:
    later = get_episode("uzb-csto-2006")
    with pytest.raises(InputError, match="on or after the day of issue") as err:
        _register(Ledger(), [_pending(get_episode("uzb-k2-2005"))], [*history, later])
    assert err.value.problems[0].field == later.id


def test_the_same_question_twice_is_refused(history: list[Episode]) -> None:
    q = _pending(get_episode("uzb-k2-2005"))
    with pytest.raises(InputError, match="already registered"):
        _register(Ledger(), [q, q], history)


def test_scores_are_the_entries_against_the_recorded_outcomes(book: Ledger) -> None:
    resolved = [get_episode(q) for q in QUESTIONS[:2]]  # the third is still pending
    score = score_ledger(book, resolved, n_boot=200)
    assert score.result is not None
    assert [f.episode for f in score.result.forecasts] == list(QUESTIONS[:2])
    assert score.left_out == ((QUESTIONS[2], "pending: no recorded outcome yet"),)
    stack = score.result.score("stack")
    expected = [
        (e.p - (get_episode(e.question).recorded_outcome == get_episode(e.question).yes_outcome))
        ** 2
        for e in book.entries[:2]
    ]
    assert stack.brier == pytest.approx(sum(expected) / 2)
    assert stack.n == 2 and {s.subset for s in score.scores()} == {"all"}
    names = {s.name for s in score.scores()}
    assert names == {"realist", "liberal", "stack", "base-rate", "status-quo", "persistence"}


def test_a_changed_question_or_a_late_entry_is_not_scored(book: Ledger) -> None:
    changed = get_episode(QUESTIONS[0]).model_copy(update={"text": "Something else?"})
    other = get_episode("uzb-termez-2005")
    score = score_ledger(book, [changed, other], n_boot=200)
    assert score.result is None
    reasons = dict(score.left_out)
    assert "changed" in reasons[QUESTIONS[0]]
    assert score.unregistered == (other.id,)
    # an entry issued on its decision day (here: a clock moved forward) is not prospective
    late = book.entries[1].model_copy(update={"issued": dt.datetime(2005, 12, 31, tzinfo=dt.UTC)})
    score = score_ledger(Ledger((late,)), [get_episode(QUESTIONS[1])], n_boot=200)
    assert score.result is None and "on or after" in dict(score.left_out)[QUESTIONS[1]]


# --------------------------------------------------------------------------------------------
# CLI


QUESTION = """episodes:
  - id: ukr-nato-2099
    date: 2099-07-01
    type: membership
    proposer: UKR
    target: NATO
    action: join
    deciding_org: NATO
    text: >-
      Before a NATO summit in July 2099, Ukraine seeks membership. Will the allies invite it to
      begin accession talks there?
    outcomes: [invited, not-invited]
    yes_outcome: invited
    status_quo: not-invited
{outcome}    sources: [nato-washington-2024]
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("ledger")
    out = {
        "world": folder / "world.yaml",
        "questions": folder / "questions.yaml",
        "outcomes": folder / "outcomes.yaml",
        "history": repo_root / "src/detente/data/episodes/membership-nato.yaml",
        "ledger": folder / "ledger.json",
    }
    out["world"].write_text(
        "world: {name: test, extends: builtin, covers: [1992-01-01, 2099-12-31]}\n"
    )
    out["questions"].write_text(QUESTION.format(outcome=""))
    out["outcomes"].write_text(QUESTION.format(outcome="    recorded_outcome: not-invited\n"))
    # every test below starts from the ledger that one `ledger add` wrote (each xdist worker
    # builds its own)
    code, printed, err = invoke(
        "ledger", "add", str(out["ledger"]), str(out["questions"]), "--world", str(out["world"]),
        "--history", str(out["history"]), "--lens", "realist", "--lens", "liberal",
    )  # fmt: skip
    assert code == 0, err
    (folder / "add.out").write_text(printed)
    return out


def test_cli_add_show_and_score(files: dict[str, Path]) -> None:
    w, h = files["world"], files["history"]
    out = (files["ledger"].parent / "add.out").read_text()
    book = read_ledger(files["ledger"])
    assert [e.question for e in book.entries] == ["ukr-nato-2099"]
    entry = book.entries[0]
    assert entry.model["history"]["path"] == str(h) and entry.model["lenses"] == [
        "realist",
        "liberal",
    ]
    assert len(entry.model["package_data_sha256"]) == 64
    assert book.digest in out.replace("\n", "")
    assert (dt.datetime.now(dt.UTC) - entry.issued).total_seconds() < 3600

    code, out, _ = invoke("ledger", "show", str(files["ledger"]), "--json")
    assert code == 0 and json.loads(out)["digest"] == book.digest

    code, out, _ = invoke(
        "ledger", "score", str(files["ledger"]), str(files["outcomes"]), "--world", str(w), "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["scored"] == 1 and data["digest"] == book.digest
    stack = next(s for s in data["scores"] if s["name"] == "stack")
    assert stack["brier"] == pytest.approx(entry.p**2)  # not invited: y = 0

    code, out, _ = invoke("ledger", "score", str(files["ledger"]), str(files["outcomes"]),
                          "--world", str(w))  # fmt: skip
    assert code == 0 and "Prospective scores" in out and "1 scored prospectively" in out


def test_cli_refuses_a_second_registration_and_keeps_the_file(files: dict[str, Path]) -> None:
    before = files["ledger"].read_bytes()
    code, _, err = invoke(
        "ledger", "add", str(files["ledger"]), str(files["questions"]), "--world",
        str(files["world"]), "--history", str(files["history"]),
    )  # fmt: skip
    assert code == 2 and "already registered" in err and "Traceback" not in err
    assert files["ledger"].read_bytes() == before


def test_cli_refuses_a_broken_ledger(files: dict[str, Path], tmp_path: Path) -> None:
    data = json.loads(files["ledger"].read_text())
    data["entries"][0]["p"] = 0.99
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data))
    w = ["--world", str(files["world"])]
    for args in (["show", str(broken)], ["score", str(broken), str(files["outcomes"]), *w]):
        code, _, err = invoke("ledger", *args)
        assert code == 2 and "entries[0].hash" in err and "changed after" in err
    code, _, err = invoke("ledger", "show", str(tmp_path / "none.json"))
    assert code == 2 and "no such file" in err


def test_cli_add_writes_nothing_if_the_ledger_changed_meanwhile(
    files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import detente.experiments.ledger as module

    path = tmp_path / "ledger.json"
    path.write_bytes(files["ledger"].read_bytes())
    book = read_ledger(files["ledger"])

    def racing(*args: object, **kwargs: object) -> Ledger:
        write_ledger(Ledger(), path)  # another run rewrote the file while this one forecast
        return book  # what this run would write (no forecast needed to show the check)

    monkeypatch.setattr(module, "register", racing)
    question = files["questions"].read_text().replace("ukr-nato-2099", "geo-nato-2099")
    (tmp_path / "q.yaml").write_text(question.replace("proposer: UKR", "proposer: GEO"))
    code, _, err = invoke(
        "ledger", "add", str(path), str(tmp_path / "q.yaml"), "--world", str(files["world"]),
        "--history", str(files["history"]), "--lens", "realist",
    )  # fmt: skip
    assert code == 2 and "changed while the forecasts were made" in err
    assert read_ledger(path) == Ledger()  # the other run's file, untouched
