"""Feedback text: quote what earned credit, say what was missing, name the red flags."""

from __future__ import annotations

from bot.scoring.result import CriterionResult, RedFlagResult

QUOTE_LIMIT = 160

SIGNAL_NOTES = {
    "empty": "I didn't catch an answer. Write a few sentences on what you would do and why.",
    "keyword-list": (
        "Parts of this read like a list of terms. Interviewers give credit for how you would use "
        "each one: what you check, the threshold, and what happens when it trips."
    ),
    "echo": (
        "Much of this repeats the question's own words. Say what you would actually do, "
        "with numbers where you can."
    ),
    "off-topic": (
        "This doesn't seem to answer the question asked. "
        "Re-read the prompt and address it directly."
    ),
}


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """The user's own words, trimmed at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"


def compose_feedback(
    score: int,
    criteria: tuple[CriterionResult, ...],
    flags: tuple[RedFlagResult, ...],
    signals: tuple[str, ...],
) -> str:
    """Plain-text feedback: credit with quotes, gaps with one tip each, red flags, notes."""
    lines = [f"Score: {score}/100"]
    earned = [c for c in criteria if c.level > 0]
    if earned:
        lines.append("What earned credit:")
        for c in earned:
            mark = "✓" if c.level == 2 else "~"
            said = f" — you said “{c.evidence[0]}”" if c.evidence else ""
            lines.append(f"  {mark} {c.label}{said}")
    gaps = [c for c in criteria if c.level < 2]
    if gaps:
        lines.append("To go further:")
        for c in gaps:
            if c.level == 1 and c.note == "vague":
                lines.append(f"  • {c.label}: make it concrete. {c.tip}")
            else:
                lines.append(f"  • {c.label}: {c.tip}")
    if flags:
        lines.append("Red flags:")
        lines.extend(f"  ⚠ {f.message} (“{f.evidence}”)" for f in flags)
    lines.extend(SIGNAL_NOTES[s] for s in signals if s in SIGNAL_NOTES)
    return "\n".join(lines)
