"""Word lists shared by the matcher and the sentence signals."""

from __future__ import annotations

from bot.scoring.text import stem


def _stems(words: str) -> frozenset[str]:
    return frozenset(stem(w) for w in words.split())


FUNCTION_WORDS = _stems(
    "the a an we i you they it he she would will should can could if when then to for on of in at "
    "by with and or is are be was were that this these those which so because than after before "
    "until from into our my their do does have has as while once only also just each every per "
    "what how why who there here its me us them been being first next"
)
STOPWORDS = FUNCTION_WORDS | _stems(
    "not no yes some any all more most very really thing things stuff way ways make get go going "
    "use using like good well need want think know see"
)

# Words that make a claim sound finished without saying anything checkable.
VAGUE_WORDS = _stems(
    "robust robustly seamless seamlessly modern holistic holistically comprehensive proper "
    "properly appropriate appropriately scalable leverage leveraging synergy streamlined optimal "
    "optimally cutting-edge state-of-the-art world-class best-in-class industry-standard "
    "effectively efficiently various relevant necessary"
)
VAGUE_PHRASES = (
    "best practice",
    "best practices",
    "industry standard",
    "state of the art",
    "end to end",
    "as needed",
    "if needed",
    "and so on",
    "and so forth",
    "etc",
)
