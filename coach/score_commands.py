"""`coach score`: grade one answer from stdin, or a JSONL batch, from the command line."""

from __future__ import annotations

import json
from typing import Any, TextIO

from bot.bank.loader import Bank, UnknownQuestion
from bot.scoring.result import LEVEL_NAMES, ScoreResult
from bot.scoring.scorer import Scorer


def explain(result: ScoreResult) -> str:
    """A human-readable breakdown of how a score was reached."""
    lines = [
        f"{result.question_id} · step {result.stage} ({result.kind}) · score {result.score}/100"
    ]
    total = sum(c.weight for c in result.criteria)
    for c in result.criteria:
        share = 100 * c.weight * c.credit / total
        lines.append(
            f"  [{LEVEL_NAMES[c.level]:9}] {c.label} — weight {c.weight:g}, "
            f"credit {c.credit:.2f} → {share:.1f} pts"
        )
        lines.extend(f"      “{e}”" for e in c.evidence)
        if c.tip:
            lines.append(f"      tip: {c.tip}")
    for f in result.red_flags:
        lines.append(f"  [red flag −{f.penalty}] {f.id}: “{f.evidence}”")
    if result.signals:
        lines.append(f"  signals: {', '.join(result.signals)}")
    lines.append("")
    lines.append(result.feedback)
    return "\n".join(lines)


def _error(message: str) -> str:
    return json.dumps({"error": message}, ensure_ascii=False)


def score_one(
    scorer: Scorer, question_id: str, stage: int, answer: str, explain_it: bool, out: TextIO
) -> int:
    """Score one answer and print JSON (or the explanation); 2 for a bad id or stage."""
    try:
        result = scorer.score(question_id, stage, answer)
    except UnknownQuestion:
        print(_error(f"unknown question id: {question_id}"), file=out)
        return 2
    except IndexError as exc:
        print(_error(str(exc)), file=out)
        return 2
    print(explain(result) if explain_it else result.to_json(), file=out)
    return 0


def _batch_line(scorer: Scorer, line: str) -> tuple[str, bool]:
    try:
        item: Any = json.loads(line)
    except json.JSONDecodeError as exc:
        return _error(f"not valid JSON: {exc.msg}"), False
    if not isinstance(item, dict):
        return _error("each line must be a JSON object"), False
    question, answer, stage = item.get("question"), item.get("answer"), item.get("stage", 0)
    if not isinstance(question, str) or not isinstance(answer, str):
        return _error("each line needs string fields 'question' and 'answer'"), False
    if not isinstance(stage, int) or isinstance(stage, bool):
        return _error("'stage' must be an integer"), False
    try:
        return scorer.score(question, stage, answer).to_json(), True
    except UnknownQuestion:
        return _error(f"unknown question id: {question}"), False
    except IndexError as exc:
        return _error(str(exc)), False


def score_batch(scorer: Scorer, lines: TextIO, out: TextIO) -> int:
    """Score JSONL lines in order, one JSON line out per line in; 1 if any line failed."""
    failed = False
    for line in lines:
        if not line.strip():
            continue
        text, ok = _batch_line(scorer, line)
        failed = failed or not ok
        print(text, file=out)
    return 1 if failed else 0


def make_scorer(bank: Bank) -> Scorer:
    """The scorer used by the command line."""
    return Scorer(bank)
