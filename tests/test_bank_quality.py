"""The built-in bank is big, varied and well formed enough to study from for a year."""

from __future__ import annotations

from collections import Counter

from bot.bank.loader import Bank
from bot.bank.quality import DUPLICATE_THRESHOLD, content_words, near_duplicates, overlap
from coach.content_commands import check_bank

TOPICS_OF_THE_BRIEF = {
    "drift",
    "monitoring-alerting",
    "rollout-rollback",
    "retraining",
    "incident-response",
    "data-quality",
    "serving-latency",
    "model-cicd",
    "feature-stores",
    "cost-capacity",
    "communication",
}


def test_the_bank_holds_120_questions_over_every_topic_and_level(bank: Bank) -> None:
    questions = list(bank.questions.values())
    assert len(questions) >= 120
    topics = Counter(q.topic for q in questions)
    assert set(topics) >= TOPICS_OF_THE_BRIEF
    assert all(topics[t] >= 8 for t in TOPICS_OF_THE_BRIEF), topics
    levels = Counter(q.level.value for q in questions)
    assert set(levels) == {"junior", "mid", "senior", "staff"}
    assert levels["staff"] >= 15


def test_every_criterion_has_a_tip_and_a_skill_and_every_step_a_model_answer(bank: Bank) -> None:
    for q in bank.questions.values():
        assert len(q.steps) >= 4, q.id
        for stage, step in enumerate(q.steps):
            assert len(step.model_answer.split()) >= 30, (q.id, stage)
            for criterion in step.criteria:
                assert criterion.tip.strip(), (q.id, stage, criterion.id)
                assert criterion.skills, (q.id, stage, criterion.id)


def test_no_two_prompts_are_near_duplicates(bank: Bank) -> None:
    assert near_duplicates(bank) == []


def test_the_duplicate_check_catches_a_reworded_copy(bank: Bank) -> None:
    question = next(iter(bank.questions.values()))
    prompt = question.steps[0].prompt
    reworded = prompt.replace(".", ", please.", 1) + " Be brief."
    assert overlap(content_words(prompt), content_words(reworded)) >= DUPLICATE_THRESHOLD


def test_model_answers_meet_every_criterion_and_the_probes_stay_low(bank: Bank) -> None:
    checks = check_bank(bank)
    assert len(checks) == sum(len(q.steps) for q in bank.questions.values())
    assert [c for c in checks if c.model_score < 85 or c.unmet] == []
    assert max(c.stuffing for c in checks) < 40
    assert max(c.padding for c in checks) < 40
