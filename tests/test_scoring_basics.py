"""The first-version scorer: deterministic, offline, negation-aware."""

from __future__ import annotations

import pytest

from bot.bank.loader import Bank, UnknownQuestion
from bot.scoring.scorer import Scorer

QID = "drift-detection-instrumentation"


@pytest.fixture(scope="module")
def drift_scorer(drift_bank: Bank) -> Scorer:
    return Scorer(drift_bank)


def criterion(result, cid: str) -> int:
    return next(c.level for c in result.criteria if c.id == cid)


def test_negated_concepts_earn_nothing(drift_scorer: Scorer) -> None:
    result = drift_scorer.score(
        QID,
        0,
        "I wouldn't bother with PSI on the features. No need to watch the approval rate either.",
    )
    assert criterion(result, "covariate") == 0 and criterion(result, "prior") == 0


def test_double_negation_earns_credit(drift_scorer: Scorer) -> None:
    result = drift_scorer.score(
        QID,
        3,
        "I would not accept dropping the drift checks; a monthly accuracy report is too late.",
    )
    assert criterion(result, "push-back") == 2


def test_restraint_with_without_is_credited(drift_scorer: Scorer) -> None:
    said = "Finance can cut costs, but I would not ship this change without the daily drift check."
    assert criterion(drift_scorer.score(QID, 3, said), "push-back") == 2


def test_specific_beats_vague(drift_scorer: Scorer) -> None:
    vague = drift_scorer.score(QID, 0, "I would check the feature distributions for drift.")
    specific = drift_scorer.score(
        QID,
        0,
        "I would check the feature distributions for drift "
        "with PSI against the training window, alerting above 0.2.",
    )
    assert criterion(vague, "covariate") == 1 and criterion(specific, "covariate") == 2
    assert specific.score > vague.score


def test_evidence_quotes_the_users_words(drift_scorer: Scorer) -> None:
    said = "Track the approval rate weekly against last quarter's band."
    result = drift_scorer.score(QID, 0, said)
    hit = next(c for c in result.criteria if c.id == "prediction-signal")
    assert hit.evidence == (said,)


def test_accuracy_only_is_a_red_flag(drift_scorer: Scorer) -> None:
    result = drift_scorer.score(QID, 0, "We would monitor accuracy every week.")
    assert [f.id for f in result.red_flags] == ["accuracy-only"]
    lifted = drift_scorer.score(QID, 0, "We would monitor accuracy and PSI on each feature.")
    assert lifted.red_flags == ()


def test_output_is_byte_identical_across_scorers(drift_bank: Bank) -> None:
    answer = "Covariate drift: PSI > 0.2 per feature. Concept drift: AUC on matured cohorts."
    first = Scorer(drift_bank).score(QID, 0, answer).to_json()
    assert all(Scorer(drift_bank).score(QID, 0, answer).to_json() == first for _ in range(3))


def test_unknown_question_and_stage(drift_scorer: Scorer) -> None:
    with pytest.raises(UnknownQuestion):
        drift_scorer.score("nope", 0, "x")
    with pytest.raises(IndexError):
        drift_scorer.score(QID, 9, "x")
