"""Per-step scoring plans: what one rubric step listens for, compiled once and kept."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.bank.loader import Bank
from bot.bank.schema import Criterion, RedFlag, Step
from bot.scoring.lexicon import Lexicon
from bot.scoring.phrases import Matcher, PhraseIndex
from bot.scoring.screen import compile_screen


@dataclass(frozen=True)
class CriterionPlan:
    """One criterion and the concept names that count for it."""

    criterion: Criterion
    groups: tuple[str, ...]
    specific: frozenset[str]


@dataclass(frozen=True)
class FlagPlan:
    """One red flag of a step and the matcher name it is found under."""

    id: str
    matcher: str
    flag: RedFlag


@dataclass(frozen=True)
class StepPlan:
    """Everything the scorer needs for one step, built once."""

    question_id: str
    stage: int
    step: Step
    criteria: tuple[CriterionPlan, ...]
    anchors: frozenset[str]
    flags: tuple[FlagPlan, ...]
    pattern_names: frozenset[str]
    prompt_vocabulary: frozenset[str]
    stuffing_concepts: frozenset[str]
    relevant: frozenset[str]
    shared: PhraseIndex  # the shared lexicon, cut down to what this step's pack can hear
    local: PhraseIndex  # this step's own inline phrases and red flags
    screen: re.Pattern[str] | None  # every pattern of both, to skip sentences matching none


def inline_name(question_id: str, stage: int, criterion_id: str) -> str:
    """Name under which a criterion's own phrases and patterns are compiled."""
    return f"{question_id}#{stage}#{criterion_id}"


def shared_matchers(bank: Bank) -> dict[str, Matcher]:
    """The lexicon's concepts and red flags as matchers (flags under "flag:<id>")."""
    matchers = {
        name: Matcher(tuple(c.phrases), tuple(c.patterns), c.negatable, c.specific)
        for name, c in bank.concepts.items()
    }
    for name, flag in bank.red_flags.items():
        matchers[f"flag:{name}"] = Matcher(tuple(flag.phrases), tuple(flag.patterns))
    return matchers


def step_matchers(bank: Bank, question_id: str, stage: int) -> dict[str, Matcher]:
    """One step's own criterion phrases and inline red flags."""
    step = bank.question(question_id).steps[stage]
    matchers = {}
    for crit in step.criteria:
        if crit.phrases or crit.patterns:
            name = inline_name(question_id, stage, crit.id)
            matchers[name] = Matcher(tuple(crit.phrases), tuple(crit.patterns))
    for ref in step.red_flags:
        flag_id, flag = bank.red_flag(ref)
        if not isinstance(ref, str):
            matchers[f"flag:{question_id}#{stage}#{flag_id}"] = Matcher(
                tuple(flag.phrases), tuple(flag.patterns)
            )
    return matchers


def all_step_matchers(bank: Bank) -> dict[str, Matcher]:
    """Every step's own matchers, for the shared vocabulary."""
    return {
        name: matcher
        for q in bank.questions.values()
        for s in range(len(q.steps))
        for name, matcher in step_matchers(bank, q.id, s).items()
    }


class Planner:
    """Builds and keeps one plan per step; steps of one pack share one cut-down index."""

    def __init__(self, bank: Bank, lexicon: Lexicon) -> None:
        self.bank = bank
        self.lexicon = lexicon
        self._plans: dict[tuple[str, int], StepPlan] = {}
        self._subsets: dict[frozenset[str], PhraseIndex] = {}
        self._flags = frozenset(n for n in lexicon.shared.matchers if n.startswith("flag:"))

    def _vocabulary(self, *texts: str) -> frozenset[str]:
        return frozenset(c for s in self.lexicon.analyse(" ".join(texts)) for c in s.canon)

    def _shared_for(self, names: frozenset[str]) -> PhraseIndex:
        if names not in self._subsets:
            self._subsets[names] = self.lexicon.shared.subset(names)
        return self._subsets[names]

    def plan(self, question_id: str, stage: int) -> StepPlan:
        """The plan for one step; raises UnknownQuestion or IndexError for bad ids."""
        key = (question_id, stage)
        if key not in self._plans:
            self._plans[key] = self._build(question_id, stage)
        return self._plans[key]

    def _build(self, question_id: str, stage: int) -> StepPlan:
        question = self.bank.question(question_id)
        if not 0 <= stage < len(question.steps):
            raise IndexError(f"question {question_id} has steps 0–{len(question.steps) - 1}")
        step = question.steps[stage]
        criteria = []
        for crit in step.criteria:
            groups = list(crit.concepts)
            if crit.phrases or crit.patterns:
                groups.append(inline_name(question_id, stage, crit.id))
            criteria.append(CriterionPlan(crit, tuple(groups), frozenset(crit.specific)))
        flags = []
        for ref in step.red_flags:
            flag_id, flag = self.bank.red_flag(ref)
            matcher = (
                f"flag:{flag_id}"
                if isinstance(ref, str)
                else f"flag:{question_id}#{stage}#{flag_id}"
            )
            flags.append(FlagPlan(flag_id, matcher, flag))
        grouped = frozenset(g for c in criteria for g in c.groups)
        names = set(grouped) | set(step.anchors)
        names |= {s for c in criteria for s in c.specific} | self.lexicon.specific
        names |= {f.matcher for f in flags} | {u for f in flags for u in f.flag.unless}
        pattern_names = frozenset(names)
        stuffing = self.bank.pack_concepts(question_id) | grouped
        shared = self._shared_for(
            frozenset(n for n in pattern_names | stuffing if n in self.lexicon.shared.matchers)
            | self._flags
        )
        local = self.lexicon.index(step_matchers(self.bank, question_id, stage))
        screen = compile_screen(
            shared.pattern_sources(pattern_names) + local.pattern_sources(pattern_names)
        )
        return StepPlan(
            question_id,
            stage,
            step,
            tuple(criteria),
            frozenset(step.anchors),
            tuple(flags),
            pattern_names,
            self._vocabulary(question.title, step.prompt),
            stuffing,
            grouped | frozenset(step.anchors),
            shared,
            local,
            screen,
        )
