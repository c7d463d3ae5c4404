"""Agreement with careful human grading: Spearman vs a length-only baseline, and pair accuracy.

Reads the calibration set — tests/calibration/answers.yaml (varied voices) and contrast.yaml
(long-but-weak vs short-and-strong pairs, so length alone cannot win) — answers graded 1–5 by
rubric intent, independently of the scorer. tests/calibration/heldout.yaml is a sealed set,
never used for tuning: report it with --set tests/calibration/heldout.yaml. Goals: Spearman ≥ 0.85, at least 0.25 above the length baseline, and within a
question a higher-graded answer scores higher in ≥ 90% of pairs.
Run: .venv/bin/python bench/calibration.py [--worst N]
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import yaml
from _common import ROOT, spearman

from bot.bank.loader import load_bank
from bot.scoring.scorer import Scorer

CALIBRATION = [
    ROOT / "tests" / "calibration" / "answers.yaml",
    ROOT / "tests" / "calibration" / "contrast.yaml",
]


@dataclass(frozen=True)
class Graded:
    """One graded answer and what the scorer made of it."""

    question: str
    stage: int
    voice: str
    grade: int
    reason: str
    text: str
    score: int


def load_graded(path: Path, scorer: Scorer) -> list[Graded]:
    """Every graded answer in the calibration file, scored."""
    graded = []
    for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
        for answer in entry["answers"]:
            score = scorer.score(entry["question"], entry["stage"], answer["text"]).score
            graded.append(
                Graded(
                    entry["question"],
                    entry["stage"],
                    answer["voice"],
                    int(answer["grade"]),
                    answer["reason"],
                    answer["text"],
                    score,
                )
            )
    return graded


def pair_accuracy(graded: list[Graded]) -> tuple[int, int]:
    """(agreeing, total) over same-step pairs with different grades; ties in score disagree."""
    agree = total = 0
    by_step: dict[tuple[str, int], list[Graded]] = {}
    for g in graded:
        by_step.setdefault((g.question, g.stage), []).append(g)
    for items in by_step.values():
        for a, b in combinations(items, 2):
            if a.grade == b.grade:
                continue
            total += 1
            high, low = (a, b) if a.grade > b.grade else (b, a)
            agree += high.score > low.score
    return agree, total


@dataclass(frozen=True)
class Report:
    """The agreement figures."""

    answers: int
    spearman: float
    baseline: float
    pairs_agree: int
    pairs_total: int

    @property
    def pair_rate(self) -> float:
        return self.pairs_agree / self.pairs_total if self.pairs_total else 0.0

    @property
    def goals_met(self) -> bool:
        return (
            self.spearman >= 0.85
            and self.spearman - self.baseline >= 0.25
            and self.pair_rate >= 0.90
        )


def evaluate(graded: list[Graded]) -> Report:
    """Spearman of scores and of answer length against grades, and pair accuracy."""
    grades = [g.grade for g in graded]
    rho = spearman([g.score for g in graded], grades)
    baseline = spearman([len(g.text.split()) for g in graded], grades)
    agree, total = pair_accuracy(graded)
    return Report(len(graded), rho, baseline, agree, total)


def main() -> None:
    """Print the figures and the biggest disagreements."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--worst", type=int, default=10, help="disagreements to list")
    parser.add_argument(
        "--set",
        nargs="+",
        type=Path,
        default=CALIBRATION,
        help="graded answer files (default: the calibration set)",
    )
    parser.add_argument(
        "--content",
        nargs="+",
        type=Path,
        default=[ROOT / "content"],
        help="question packs to load (default: the whole bank)",
    )
    args = parser.parse_args()
    scorer = Scorer(load_bank(args.content))
    graded = [g for path in args.set for g in load_graded(path, scorer)]
    report = evaluate(graded)
    print(
        f"answers: {report.answers} over "
        f"{len({(g.question, g.stage) for g in graded})} question steps"
    )
    print(f"Spearman(score, grade):          {report.spearman:.3f}")
    print(f"Spearman(length, grade) baseline: {report.baseline:.3f}")
    print(f"margin over baseline:            {report.spearman - report.baseline:+.3f}")
    print(
        f"pair accuracy within a step:     {report.pair_rate:.1%} "
        f"({report.pairs_agree}/{report.pairs_total})"
    )
    by_grade: dict[int, list[int]] = {}
    for g in graded:
        by_grade.setdefault(g.grade, []).append(g.score)
    for grade in sorted(by_grade):
        scores = sorted(by_grade[grade])
        print(
            f"  grade {grade}: n={len(scores):3}  median score {scores[len(scores) // 2]:3}  "
            f"range {scores[0]}–{scores[-1]}"
        )
    expected = {1: 5, 2: 25, 3: 50, 4: 72, 5: 90}
    worst = sorted(graded, key=lambda g: -abs(g.score - expected[g.grade]))[: args.worst]
    if worst:
        print("largest disagreements (grade → score):")
        for g in worst:
            print(
                f"  {g.question} s{g.stage} {g.voice:18} grade {g.grade} → {g.score:3}  "
                f"{g.reason[:70]}"
            )
    print(
        f"goals (ρ ≥ 0.85, +0.25 over baseline, pairs ≥ 90%): "
        f"{'met' if report.goals_met else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
