"""The scorer agrees with careful human grading (the figures bench/calibration.py prints).

The calibration set is answers.yaml + contrast.yaml; the rubrics were tuned on it, so it guards
the achieved level against regressions. heldout.yaml was never used for tuning: its floor is
lower and says how well the tuning generalises.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from bot.scoring.scorer import Scorer
from tests.conftest import ROOT


def _bench() -> ModuleType:
    sys.path.insert(0, str(ROOT / "bench"))
    spec = importlib.util.spec_from_file_location(
        "calibration_bench", ROOT / "bench" / "calibration.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def _report(scorer: Scorer, files: list[Path]):  # type: ignore[no-untyped-def]
    bench = _bench()
    graded = [g for path in files for g in bench.load_graded(path, scorer)]
    return bench.evaluate(graded), graded


def test_the_calibration_set_meets_the_agreement_goals(scorer: Scorer) -> None:
    report, graded = _report(scorer, _bench().CALIBRATION)
    assert len(graded) >= 150 and len({(g.question, g.stage) for g in graded}) >= 10
    assert report.spearman >= 0.85
    assert report.spearman - report.baseline >= 0.25
    assert report.pair_rate >= 0.90


def test_the_held_out_set_stays_close(scorer: Scorer) -> None:
    report, _ = _report(scorer, [ROOT / "tests" / "calibration" / "heldout.yaml"])
    assert report.spearman >= 0.80 and report.pair_rate >= 0.85
