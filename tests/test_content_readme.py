"""The worked example in content/README.md is a valid pack whose model answer meets its rubric."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.bank.loader import load_bank
from bot.scoring.scorer import Scorer
from tests.conftest import CONTENT


def test_the_readme_example_validates_and_its_model_answer_scores_high(tmp_path: Path) -> None:
    text = (CONTENT / "README.md").read_text(encoding="utf-8")
    pack_block, step_block = re.findall(r"```yaml\n(.*?)```", text, re.S)[:2]
    pack = yaml.safe_load(pack_block.replace("steps: [...]", "steps: []"))
    step = yaml.safe_load(step_block)[0]
    borrowed = yaml.safe_load((CONTENT / "questions" / "rollout-rollback.yaml").read_text())
    other_steps = borrowed["questions"][0]["steps"]
    question = pack["questions"][0]
    question["steps"] = [other_steps[0], step, *other_steps[2:]]
    path = tmp_path / "payments.yaml"
    path.write_text(yaml.safe_dump(pack), encoding="utf-8")
    bank = load_bank(
        [CONTENT / "lexicon.yaml", CONTENT / "questions" / "rollout-rollback.yaml", path]
    )
    result = Scorer(bank).score(question["id"], 1, step["model_answer"])
    assert result.score >= 85 and all(c.level == 2 for c in result.criteria), result.criteria
    assert Scorer(bank).score(question["id"], 1, "Approvals look fine so ship it.").red_flags
