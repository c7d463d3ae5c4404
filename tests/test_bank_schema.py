"""The question bank is validated at load, with errors that name file, question and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bot.bank.loader import ContentError, load_bank, load_with_extras, validate
from bot.bank.schema import Pack
from coach.cli import main
from tests.conftest import CONTENT, DRIFT_ONLY

REQUIRED_IDS = {
    "drift-detection-instrumentation",
    "latency-spike-triage",
    "ship-under-pressure",
    "canary-cohort-regression",
    "incident-story",
    "retraining-policy",
    "fraud-monitoring-dashboard",
    "rollout-strategy",
    "calibration-drift-diagnosis",
    "model-cicd-pipeline",
    "oncall-runbook",
    "silent-feature-corruption",
    "serving-integration-test",
    "release-testing-matrix",
}


def drift_question() -> dict:
    raw = yaml.safe_load((CONTENT / "questions" / "drift.yaml").read_text())
    return raw["questions"][0]


def write_pack(tmp_path: Path, questions: list[dict], name: str = "pack.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump({"questions": questions}), encoding="utf-8")
    return path


def problems_for(tmp_path: Path, question: dict) -> list[str]:
    pack = write_pack(tmp_path, [question])
    _, problems = validate([CONTENT / "lexicon.yaml", pack])
    return [str(p) for p in problems]


def test_built_in_bank_is_valid_and_covers_the_brief(bank) -> None:
    assert set(bank.questions) >= REQUIRED_IDS
    assert len(bank.questions) >= 30
    assert len({q.topic for q in bank.questions.values()}) >= 8
    assert {q.level.value for q in bank.questions.values()} >= {"junior", "mid", "senior"}


def test_every_question_escalates_in_interview_order(bank) -> None:
    for q in bank.questions.values():
        kinds = [s.kind.value for s in q.steps]
        assert kinds[0] == "opener"
        assert {"risk_injection", "operational_escalation", "decision_stress_test"} <= set(kinds)


def test_a_bad_field_is_named_with_file_and_question(tmp_path: Path) -> None:
    q = drift_question()
    q["steps"][1]["criteria"][0]["weight"] = -1
    found = problems_for(tmp_path, q)
    assert found == [
        f"{tmp_path / 'pack.yaml'}: question 'drift-detection-instrumentation': "
        "steps.1.criteria.0.weight: Input should be greater than 0"
    ]


def test_follow_ups_out_of_order_are_rejected(tmp_path: Path) -> None:
    q = drift_question()
    q["steps"][1], q["steps"][2] = q["steps"][2], q["steps"][1]
    (problem,) = problems_for(tmp_path, q)
    assert "question 'drift-detection-instrumentation'" in problem
    assert "escalate in interview order" in problem


def test_unknown_concept_and_bad_regex_are_reported(tmp_path: Path) -> None:
    q = drift_question()
    q["steps"][0]["criteria"][0]["concepts"] = ["covariate-shfit"]
    q["steps"][0]["criteria"][1]["patterns"] = ["(unclosed"]
    found = problems_for(tmp_path, q)
    assert any(
        "steps.0.criteria.1.patterns" in p and "not a valid regular expression" in p for p in found
    )
    q["steps"][0]["criteria"][1].pop("patterns")
    found = problems_for(tmp_path, q)
    assert found == [
        f"{tmp_path / 'pack.yaml'}: question 'drift-detection-instrumentation': "
        "steps.0.criteria.0.concepts: unknown concept 'covariate-shfit'"
    ]


def test_question_without_id_is_named_by_position(tmp_path: Path) -> None:
    q = drift_question()
    del q["id"]
    (problem,) = problems_for(tmp_path, q)
    assert "question '#1': id: Field required" in problem


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    second = write_pack(tmp_path, [drift_question()], "second.yaml")
    _, problems = validate([*DRIFT_ONLY, second])
    assert [p.message for p in problems] == [
        f"duplicate question id (also in {CONTENT / 'questions' / 'drift.yaml'})"
    ]


def test_corrupt_and_missing_files_are_clear_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("questions: [ {id: x, title: 'unterminated\n", encoding="utf-8")
    _, problems = validate([CONTENT / "lexicon.yaml", broken, tmp_path / "missing.yaml"])
    messages = [str(p) for p in problems]
    assert any(m.startswith(f"{broken}: not valid YAML") for m in messages)
    assert f"{tmp_path / 'missing.yaml'}: file not found" in messages
    with pytest.raises(ContentError):
        load_bank([broken])


def test_team_pack_errors_skip_that_pack_only(tmp_path: Path) -> None:
    good = drift_question()
    good["id"] = "team-drift-copy"
    write_pack(tmp_path, [good], "good.yaml")
    (tmp_path / "bad.yaml").write_text("questions: 7\n", encoding="utf-8")
    core = tmp_path / "core"
    core.mkdir()
    for path in DRIFT_ONLY:
        (core / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    extras = tmp_path
    bank, skipped = load_with_extras(core, extras)
    assert "team-drift-copy" in bank.questions
    assert any("bad.yaml" in str(p) for p in skipped)


def test_validate_command_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["content", "validate", *map(str, DRIFT_ONLY)]) == 0
    bad = drift_question()
    bad["level"] = "wizard"
    pack = write_pack(tmp_path, [bad])
    assert main(["content", "validate", str(CONTENT / "lexicon.yaml"), str(pack)]) == 1
    out = capsys.readouterr().out
    assert "question 'drift-detection-instrumentation': level: Input should be" in out


def test_list_json_prints_one_object_per_question(
    capsys: pytest.CaptureFixture[str], bank
) -> None:
    assert main(["content", "list", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == len(bank.questions)
    drift = next(r for r in rows if r["id"] == "drift-detection-instrumentation")
    assert drift == {
        "id": "drift-detection-instrumentation",
        "topic": "drift",
        "level": "mid",
        "follow_ups": 3,
        "title": drift["title"],
    }


def test_committed_json_schema_matches_the_models() -> None:
    committed = json.loads((CONTENT / "schema.json").read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(Pack.model_json_schema()))
