"""The rubric scorer: deterministic, offline, negation-aware, hard to game."""

from __future__ import annotations

from dataclasses import dataclass

from bot.bank.loader import Bank
from bot.bank.schema import Criterion, RedFlag, Step
from bot.scoring.feedback import compose_feedback, quote
from bot.scoring.lexicon import Hit, Lexicon, Matcher, PhraseIndex, Sentence
from bot.scoring.result import CriterionResult, RedFlagResult, ScoreResult
from bot.scoring.signals import (
    has_specific_token,
    is_bare,
    is_echo,
    is_list_like,
    is_meta,
    is_stuffed,
    is_vague,
)

MENTION_QUALITY = 0.6
STUFFED_QUALITY = 0.3
OFF_TOPIC_CAP = 10
RELEVANCE_MIN_SENTENCES = 3
BARE_LIST_MIN = 4
RELEVANCE_FULL = 0.6
SIGNAL_STUFFING = "keyword-list"
SIGNAL_ECHO = "echo"
SIGNAL_OFF_TOPIC = "off-topic"
SIGNAL_EMPTY = "empty"


@dataclass(frozen=True)
class _CriterionPlan:
    criterion: Criterion
    groups: tuple[str, ...]
    specific: frozenset[str]


@dataclass(frozen=True)
class _FlagPlan:
    id: str
    matcher: str
    flag: RedFlag


@dataclass(frozen=True)
class _StepPlan:
    question_id: str
    stage: int
    step: Step
    criteria: tuple[_CriterionPlan, ...]
    anchors: frozenset[str]
    flags: tuple[_FlagPlan, ...]
    pattern_names: frozenset[str]
    prompt_vocabulary: frozenset[str]
    stuffing_concepts: frozenset[str]
    relevant: frozenset[str]
    local: PhraseIndex


@dataclass
class _Analysis:
    sentences: list[Sentence]
    specific: list[bool]
    stuffed: list[bool]
    echo: list[bool]
    vague: list[bool]

    def usable(self, hit: Hit) -> bool:
        return not hit.negated and not self.echo[hit.sentence]


def inline_name(question_id: str, stage: int, criterion_id: str) -> str:
    """Name under which a criterion's own phrases and patterns are compiled."""
    return f"{question_id}#{stage}#{criterion_id}"


def _shared_matchers(bank: Bank) -> dict[str, Matcher]:
    matchers = {
        name: Matcher(tuple(c.phrases), tuple(c.patterns), c.negatable, c.specific)
        for name, c in bank.concepts.items()
    }
    for name, flag in bank.red_flags.items():
        matchers[f"flag:{name}"] = Matcher(tuple(flag.phrases), tuple(flag.patterns))
    return matchers


def _step_matchers(bank: Bank, question_id: str, stage: int) -> dict[str, Matcher]:
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


def _all_step_matchers(bank: Bank) -> dict[str, Matcher]:
    return {
        name: matcher
        for q in bank.questions.values()
        for s in range(len(q.steps))
        for name, matcher in _step_matchers(bank, q.id, s).items()
    }


class Scorer:
    """Scores answers against the rubric of one step of one question."""

    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self.lexicon = Lexicon(_shared_matchers(bank), _all_step_matchers(bank))
        self._plans: dict[tuple[str, int], _StepPlan] = {}
        self._all_concepts = frozenset(bank.concepts)  # any pack's: off-topic answers use them

    def _vocabulary(self, *texts: str) -> frozenset[str]:
        return frozenset(c for s in self.lexicon.analyse(" ".join(texts)) for c in s.canon)

    def _plan(self, question_id: str, stage: int) -> _StepPlan:
        key = (question_id, stage)
        if key in self._plans:
            return self._plans[key]
        question = self.bank.question(question_id)
        if not 0 <= stage < len(question.steps):
            raise IndexError(f"question {question_id} has steps 0–{len(question.steps) - 1}")
        step = question.steps[stage]
        criteria = []
        for crit in step.criteria:
            groups = list(crit.concepts)
            if crit.phrases or crit.patterns:
                groups.append(inline_name(question_id, stage, crit.id))
            criteria.append(_CriterionPlan(crit, tuple(groups), frozenset(crit.specific)))
        flags = []
        for ref in step.red_flags:
            flag_id, flag = self.bank.red_flag(ref)
            matcher = (
                f"flag:{flag_id}"
                if isinstance(ref, str)
                else f"flag:{question_id}#{stage}#{flag_id}"
            )
            flags.append(_FlagPlan(flag_id, matcher, flag))
        names = {g for c in criteria for g in c.groups} | set(step.anchors)
        names |= {s for c in criteria for s in c.specific} | self.lexicon.specific
        names |= {f.matcher for f in flags} | {u for f in flags for u in f.flag.unless}
        prompts = [question.title, step.prompt]
        plan = _StepPlan(
            question_id,
            stage,
            step,
            tuple(criteria),
            frozenset(step.anchors),
            tuple(flags),
            frozenset(names),
            self._vocabulary(*prompts),
            self.bank.pack_concepts(question_id) | {g for c in criteria for g in c.groups},
            frozenset({g for c in criteria for g in c.groups} | set(step.anchors)),
            self.lexicon.index(_step_matchers(self.bank, question_id, stage)),
        )
        self._plans[key] = plan
        return plan

    def _analyse(self, plan: _StepPlan, answer: str) -> _Analysis:
        sentences = self.lexicon.analyse(answer)
        specific, stuffed, echo = [], [], []
        for sentence in sentences:
            sentence.hits.extend(plan.local.phrase_hits(sentence))
            sentence.hits.extend(self.lexicon.shared.pattern_hits(sentence, plan.pattern_names))
            sentence.hits.extend(plan.local.pattern_hits(sentence, plan.pattern_names))
            affirmed = {h.concept for h in sentence.hits if not h.negated}
            numeric = has_specific_token(sentence)
            specific.append(numeric or not affirmed.isdisjoint(self.lexicon.specific))
            spread = sum(1 for c in plan.criteria if not affirmed.isdisjoint(c.groups))
            stuffed.append(
                is_stuffed(sentence, numeric, plan.stuffing_concepts)
                or (spread >= 3 and is_list_like(sentence, plan.stuffing_concepts))
            )
            echo.append(is_meta(sentence) or is_echo(sentence, plan.prompt_vocabulary))
        self._mark_bare_lists(plan, sentences, stuffed)
        vague = [is_vague(s) for s in sentences]
        return _Analysis(sentences, specific, stuffed, echo, vague)

    def _mark_bare_lists(
        self, plan: _StepPlan, sentences: list[Sentence], stuffed: list[bool]
    ) -> None:
        """Bullets that only name concepts ("- shadow", "- canary", …) are a keyword list too."""
        bare = [s for s in sentences if is_bare(s, plan.stuffing_concepts)]
        if len(bare) < BARE_LIST_MIN:
            return
        named = {h.concept for s in bare for h in s.hits if not h.negated}
        spread = sum(1 for c in plan.criteria if not named.isdisjoint(c.groups))
        if spread >= 3:
            for s in bare:
                stuffed[s.index] = True

    def _criterion(self, plan: _CriterionPlan, a: _Analysis) -> CriterionResult:
        crit = plan.criterion
        groups_hit: dict[str, Hit] = {}
        quality = 0.0
        for sentence in a.sentences:
            hits = [h for h in sentence.hits if h.concept in plan.groups and a.usable(h)]
            if not hits:
                continue
            specific = a.specific[sentence.index] or any(
                h.concept in plan.specific and a.usable(h) for h in sentence.hits
            )
            if a.stuffed[sentence.index]:
                q = STUFFED_QUALITY
            elif a.vague[sentence.index]:
                q = MENTION_QUALITY
            elif specific or crit.mention_is_enough:
                q = 1.0
            else:
                q = MENTION_QUALITY
            quality = max(quality, q)
            for h in hits:
                groups_hit.setdefault(h.concept, h)
        coverage = min(1.0, len(groups_hit) / crit.need)
        credit = round(coverage * quality, 3)
        level = 2 if credit >= 0.999 else 1 if credit > 0 else 0
        by_sentence = sorted({h.sentence for h in groups_hit.values()})
        evidence = tuple(quote(a.sentences[i].text) for i in by_sentence[:2])
        note = (
            "specific"
            if level == 2
            else ("partial" if coverage < 1 else "vague")
            if level
            else "missing"
        )
        return CriterionResult(
            crit.id,
            crit.label,
            crit.weight,
            level,
            credit,
            evidence,
            None if level == 2 else crit.tip,
            tuple(crit.skills),
            note,
        )

    def _flags(self, plan: _StepPlan, a: _Analysis) -> list[RedFlagResult]:
        present = {h.concept for s in a.sentences for h in s.hits if not h.negated}
        raised = []
        for fp in plan.flags:
            unless = set(fp.flag.unless)
            for s in a.sentences:
                hit = next((h for h in s.hits if h.concept == fp.matcher and a.usable(h)), None)
                if hit is None:
                    continue
                nearby = {h.concept for h in s.hits if not h.negated}
                lifted = unless & (nearby if fp.flag.unless_scope == "sentence" else present)
                if not lifted:
                    raised.append(
                        RedFlagResult(
                            fp.id, fp.flag.message, quote(s.text), fp.flag.penalty, fp.flag.cap
                        )
                    )
                    break
        return raised

    def _mostly_stuffed(self, plan: _StepPlan, a: _Analysis) -> bool:
        """Flag a keyword list only when it carries at least half of what the answer says."""
        stuffed = total = 0
        for s in a.sentences:
            count = sum(1 for h in s.hits if a.usable(h) and h.concept in plan.relevant)
            total += count
            stuffed += count if a.stuffed[s.index] else 0
        return total > 0 and stuffed * 2 >= total

    def _relevance(self, plan: _StepPlan, a: _Analysis) -> float:
        """Share of the answer's substantive sentences that speak to this step, as a factor.

        An answer about another question talks about other concepts; filler has none and
        does not count, so padding cannot change this.
        """
        substantive = relevant = 0
        for sentence in a.sentences:
            usable = {h.concept for h in sentence.hits if a.usable(h)}
            if usable.isdisjoint(self._all_concepts) and usable.isdisjoint(plan.relevant):
                continue
            substantive += 1
            relevant += not usable.isdisjoint(plan.relevant)
        if substantive < RELEVANCE_MIN_SENTENCES:
            return 1.0
        return min(1.0, relevant / substantive / RELEVANCE_FULL)

    def warm(self) -> None:
        """Build every step's plan and pattern screens now, so no answer pays for it later."""
        for question in self.bank.questions.values():
            for stage in range(len(question.steps)):
                self.score(question.id, stage, "warm")  # one sentence, so screens compile

    def score(self, question_id: str, stage: int, answer: str) -> ScoreResult:
        """Grade one answer to one step; raises UnknownQuestion or IndexError for bad ids."""
        plan = self._plan(question_id, stage)
        a = self._analyse(plan, answer)
        criteria = tuple(self._criterion(c, a) for c in plan.criteria)
        flags = tuple(self._flags(plan, a))
        signals: list[str] = []
        if not a.sentences:
            signals.append(SIGNAL_EMPTY)
        if self._mostly_stuffed(plan, a):
            signals.append(SIGNAL_STUFFING)
        if a.sentences and sum(a.echo) * 2 >= len(a.sentences):
            signals.append(SIGNAL_ECHO)
        total_weight = sum(c.weight for c in criteria)
        base = 100 * sum(c.weight * c.credit for c in criteria) / total_weight
        base *= self._relevance(plan, a)
        score = int(max(0.0, base - sum(f.penalty for f in flags)) + 0.5)
        for flag in flags:
            if flag.cap is not None:
                score = min(score, flag.cap)
        on_topic = any(
            h.concept in plan.anchors and a.usable(h) for s in a.sentences for h in s.hits
        )
        if a.sentences and not on_topic:
            signals.append(SIGNAL_OFF_TOPIC)
            score = min(score, OFF_TOPIC_CAP)
        feedback = compose_feedback(score, criteria, flags, tuple(signals))
        return ScoreResult(
            question_id,
            stage,
            plan.step.kind.value,
            score,
            criteria,
            flags,
            tuple(signals),
            feedback,
            plan.step.model_answer.strip(),
        )
