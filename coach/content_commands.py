"""`coach content …`: validate packs, list questions, export the schema, check rubrics."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TextIO

from bot.bank.loader import Bank, validate
from bot.bank.quality import DUPLICATE_THRESHOLD, coverage, highest_overlap, near_duplicates
from bot.bank.schema import Pack
from bot.scoring.probes import padding_probe, stuffing_probe
from bot.scoring.scorer import Scorer

MODEL_ANSWER_MIN = 85
PROBE_MAX = 40


def validate_command(paths: list[Path], out: TextIO | None = None) -> int:
    """Print every problem in these packs; exit status 1 if there are any."""
    out = out or sys.stdout
    bank, problems = validate(paths)
    for problem in problems:
        print(problem, file=out)
    if problems:
        print(f"{len(problems)} problem(s) found.", file=out)
        return 1
    print(
        f"OK: {len(bank.questions)} questions, {len(bank.topics)} topics, "
        f"{len(bank.concepts)} concepts.",
        file=out,
    )
    return 0


def list_command(bank: Bank, as_json: bool, out: TextIO | None = None) -> int:
    """One line per question: JSON objects or a readable table."""
    out = out or sys.stdout
    for q in bank.questions.values():
        if as_json:
            row = {
                "id": q.id,
                "topic": q.topic,
                "level": q.level.value,
                "follow_ups": len(q.steps) - 1,
                "title": q.title,
            }
            print(json.dumps(row, ensure_ascii=False), file=out)
        else:
            print(
                f"{q.id:40} {q.topic:24} {q.level.value:7} {len(q.steps) - 1} follow-ups", file=out
            )
    return 0


def schema_command(output: Path | None, out: TextIO | None = None) -> int:
    """Write the JSON Schema of a pack file (for editors) to a file or stdout."""
    out = out or sys.stdout
    text = json.dumps(Pack.model_json_schema(), indent=2, sort_keys=True) + "\n"
    if output is None:
        out.write(text)
    else:
        output.write_text(text, encoding="utf-8")
    return 0


@dataclass(frozen=True)
class StepCheck:
    """Results of the rubric checks for one step."""

    question: str
    stage: int
    model_score: int
    unmet: tuple[str, ...]
    stuffing: int
    padding: int

    @property
    def ok(self) -> bool:
        return (
            self.model_score >= MODEL_ANSWER_MIN
            and not self.unmet
            and self.stuffing < PROBE_MAX
            and self.padding < PROBE_MAX
        )


def check_bank(bank: Bank) -> list[StepCheck]:
    """Score every model answer and the stuffing and padding probes against their rubric."""
    scorer = Scorer(bank)
    checks = []
    for q in bank.questions.values():
        for stage, step in enumerate(q.steps):
            model = scorer.score(q.id, stage, step.model_answer)
            unmet = tuple(c.id for c in model.criteria if c.level == 0)
            stuffing = scorer.score(q.id, stage, stuffing_probe(bank, step)).score
            padding = scorer.score(q.id, stage, padding_probe(step)).score
            checks.append(StepCheck(q.id, stage, model.score, unmet, stuffing, padding))
    return checks


def stats_command(bank: Bank, as_json: bool, out: TextIO | None = None) -> int:
    """Counts by topic, level, step kind and skill tag, so a team can see the coverage."""
    out = out or sys.stdout
    cov = coverage(bank)
    if as_json:
        print(json.dumps(asdict(cov), sort_keys=True), file=out)
        return 0
    print(
        f"{cov.questions} questions, {cov.steps} steps, {cov.criteria} criteria, "
        f"{len(cov.by_topic)} topics, {len(cov.by_skill)} skill tags",
        file=out,
    )
    sections: tuple[tuple[str, dict[str, int], Mapping[str, str]], ...] = (
        ("By topic", cov.by_topic, bank.topics),
        ("By level", cov.by_level, {}),
        ("By step kind", cov.by_kind, {}),
        ("By skill tag (criteria)", cov.by_skill, {}),
    )
    for title, counts, labels in sections:
        print(f"\n{title}:", file=out)
        for name, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            label = labels.get(name, name)
            print(f"  {label:40} {count:4}", file=out)
    return 0


def check_command(bank: Bank, verbose: bool, out: TextIO | None = None) -> int:
    """Print rubric check failures (or every step with --verbose); exit 1 on any failure."""
    out = out or sys.stdout
    checks = check_bank(bank)
    failures = [c for c in checks if not c.ok]
    for c in checks if verbose else failures:
        status = "ok  " if c.ok else "FAIL"
        unmet = f" unmet={','.join(c.unmet)}" if c.unmet else ""
        print(
            f"{status} {c.question} step {c.stage}: model={c.model_score} "
            f"stuffing={c.stuffing} padding={c.padding}{unmet}",
            file=out,
        )
    print(
        f"{len(checks) - len(failures)}/{len(checks)} steps pass "
        f"(model answer ≥ {MODEL_ANSWER_MIN}, every criterion met, probes < {PROBE_MAX}).",
        file=out,
    )
    duplicates = near_duplicates(bank)
    for dup in duplicates:
        print(
            f"FAIL near-duplicate prompts {dup.first} ~ {dup.second} (overlap {dup.score})",
            file=out,
        )
    top = highest_overlap(bank)
    if top is not None:
        print(
            f"most similar prompts: {top.first} ~ {top.second} (overlap {top.score}; "
            f"limit {DUPLICATE_THRESHOLD})",
            file=out,
        )
    return 1 if failures or duplicates else 0
