"""The rubric scorer: deterministic, offline, negation-aware, hard to game."""

from __future__ import annotations

from dataclasses import dataclass

from bot.bank.loader import Bank
from bot.scoring.feedback import compose_feedback, quote
from bot.scoring.lexicon import Lexicon
from bot.scoring.phrases import PhraseIndex
from bot.scoring.plan import CriterionPlan, Planner, StepPlan, all_step_matchers, shared_matchers
from bot.scoring.result import CriterionResult, RedFlagResult, ScoreResult
from bot.scoring.sentence import Hit, Sentence
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


@dataclass
class _Analysis:
    sentences: list[Sentence]
    specific: list[bool]
    stuffed: list[bool]
    echo: list[bool]
    vague: list[bool]
    affirmed: list[frozenset[str]]  # per sentence: concepts with a usable hit

    def usable(self, hit: Hit) -> bool:
        return not hit.negated and not self.echo[hit.sentence]


class Scorer:
    """Scores answers against the rubric of one step of one question."""

    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self.lexicon = Lexicon(shared_matchers(bank), all_step_matchers(bank))
        self._planner = Planner(bank, self.lexicon)
        # Any pack's concepts, phrases only: a sentence naming one of them says something,
        # so an answer to another question reads as off-topic rather than as filler.
        self._concepts: PhraseIndex = self.lexicon.shared.subset(frozenset(bank.concepts))
        self._all_concepts = frozenset(bank.concepts)

    def _analyse(self, plan: StepPlan, answer: str) -> _Analysis:
        sentences = self.lexicon.analyse(answer)
        specific: list[bool] = []
        stuffed: list[bool] = []
        echo: list[bool] = []
        vague: list[bool] = []
        affirmed: list[frozenset[str]] = []
        for sentence in sentences:
            hits = plan.shared.phrase_hits(sentence)
            hits.extend(plan.local.phrase_hits(sentence))
            if plan.screen is not None and plan.screen.search(sentence.pattern_text):
                hits.extend(plan.shared.pattern_hits(sentence, plan.pattern_names))
                hits.extend(plan.local.pattern_hits(sentence, plan.pattern_names))
            sentence.hits = hits
            said_back = is_meta(sentence) or is_echo(sentence, plan.prompt_vocabulary)
            echo.append(said_back)
            if not hits:  # nothing named: these signals only ever qualify a hit
                specific.append(False)
                stuffed.append(False)
                vague.append(False)
                affirmed.append(frozenset())
                continue
            named = frozenset(h.concept for h in hits if not h.negated)
            numeric = has_specific_token(sentence)
            specific.append(numeric or not named.isdisjoint(self.lexicon.specific))
            spread = sum(1 for c in plan.criteria if not named.isdisjoint(c.groups))
            stuffed.append(
                is_stuffed(sentence, numeric, plan.stuffing_concepts)
                or (spread >= 3 and is_list_like(sentence, plan.stuffing_concepts))
            )
            vague.append(is_vague(sentence, numeric))
            affirmed.append(frozenset() if said_back else named)
        self._mark_bare_lists(plan, sentences, stuffed)
        return _Analysis(sentences, specific, stuffed, echo, vague, affirmed)

    def _mark_bare_lists(
        self, plan: StepPlan, sentences: list[Sentence], stuffed: list[bool]
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

    def _criterion(self, plan: CriterionPlan, a: _Analysis) -> CriterionResult:
        crit = plan.criterion
        groups_hit: dict[str, Hit] = {}
        quality = 0.0
        for sentence in a.sentences:
            if a.affirmed[sentence.index].isdisjoint(plan.groups):
                continue
            hits = [h for h in sentence.hits if h.concept in plan.groups and a.usable(h)]
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

    def _flags(self, plan: StepPlan, a: _Analysis) -> list[RedFlagResult]:
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

    def _mostly_stuffed(self, plan: StepPlan, a: _Analysis) -> bool:
        """Flag a keyword list only when it carries at least half of what the answer says."""
        stuffed = total = 0
        for s in a.sentences:
            count = sum(1 for h in s.hits if a.usable(h) and h.concept in plan.relevant)
            total += count
            stuffed += count if a.stuffed[s.index] else 0
        return total > 0 and stuffed * 2 >= total

    def _relevance(self, plan: StepPlan, a: _Analysis) -> float:
        """Share of the answer's substantive sentences that speak to this step, as a factor.

        An answer about another question talks about other concepts; filler has none and
        does not count, so padding cannot change this.
        """
        relevant = sum(1 for usable in a.affirmed if not usable.isdisjoint(plan.relevant))
        others = [
            s
            for s in a.sentences
            if not a.echo[s.index] and a.affirmed[s.index].isdisjoint(plan.relevant)
        ]
        if relevant >= RELEVANCE_FULL * (relevant + len(others)):
            return 1.0  # full marks however many of the others turn out to be substantive
        substantive = relevant + sum(
            1
            for s in others
            if not a.affirmed[s.index].isdisjoint(self._all_concepts)
            or self._concepts.mentions_any(s)
        )
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
        plan = self._planner.plan(question_id, stage)
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
        on_topic = any(not usable.isdisjoint(plan.anchors) for usable in a.affirmed)
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
