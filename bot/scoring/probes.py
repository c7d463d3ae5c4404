"""Adversarial probe answers built from a rubric: keyword stuffing and generic padding."""

from __future__ import annotations

from bot.bank.loader import Bank
from bot.bank.schema import Step

PADDING = (
    "That is a really good question and it is something I have thought about a lot. "
    "In my experience it always depends on the context and on the team. "
    "I would make sure we follow best practices and keep things simple and robust. "
    "Communication is important and so is being pragmatic about the trade-offs we make. "
    "Overall I would take a holistic approach and iterate until the results look good."
)


def stuffing_probe(bank: Bank, step: Step) -> str:
    """A comma-separated list of the first phrase of every concept the rubric listens for."""
    terms: list[str] = []
    for crit in step.criteria:
        for name in crit.concepts + crit.specific:
            concept = bank.concepts[name]
            if concept.phrases:
                terms.append(concept.phrases[0])
        terms.extend(crit.phrases[:1])
    for name in step.anchors:
        if bank.concepts[name].phrases:
            terms.append(bank.concepts[name].phrases[0])
    unique = list(dict.fromkeys(terms))
    return ", ".join(unique)


def padding_probe(step: Step) -> str:
    """Generic interview filler that says nothing about this question."""
    return PADDING
