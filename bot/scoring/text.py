"""Text normalisation for scoring: Unicode, chat markup, emoji, sentences, tokens and stems."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

MAX_SCORED_CHARS = 60_000

# (triggers, pattern, replacement): a rule runs only when one of its trigger strings (a
# multi-character trigger such as "```" is one string; others list single characters) occurs.
_CHAT_MARKUP: list[tuple[str, re.Pattern[str], str]] = [
    ("<", re.compile(r"<(?:https?|mailto):[^|>\s]*\|([^>]*)>"), r"\1"),  # Slack link with label
    ("<", re.compile(r"<((?:https?|mailto):[^>\s]*)>"), r"\1"),
    ("<", re.compile(r"<[@#][A-Z0-9]+\|([^>]*)>"), r"@\1"),  # Slack user/channel with label
    ("<", re.compile(r"<!(here|channel|everyone)[^>]*>"), r"@\1"),
    ("<", re.compile(r"<@[!&]?[A-Z0-9]+>|<#[A-Z0-9]+>"), " "),  # bare Slack/Discord mentions
    ("<", re.compile(r"<a?:\w+:\d+>"), " "),  # Discord custom emoji
    (":", re.compile(r":(?<!\w:)[a-z0-9_+-]+:(?!\w)"), " "),  # :emoji_shortcodes:
    ("```", re.compile(r"```[a-zA-Z0-9_+-]*\n?|```"), "\n"),  # code fences
    ("/", re.compile(r"\bw/o\b", re.I), "without"),
    (">#", re.compile(r"^[ \t]*(?:>+|#{1,6})[ \t]?", re.M), ""),  # quotes and headings
    ("-*+•◦▪‣·.)", re.compile(r"^[ \t]*(?:[-*+•◦▪‣·]|\d{1,2}[.)])[ \t]+", re.M), "\n"),  # bullets
    (
        "*_~`",
        # A run of markers opening a word, or closing one. Each branch checks the character
        # before the run after matching its first marker, so the scan can skip to markers.
        re.compile(
            r"[*_~`](?:(?<![\w*_~`].)[*_~`]*(?=[^\s*_~`])|(?<=[^\s*_~`].)[*_~`]*(?![\w*_~`]))"
        ),
        "",
    ),
]
_TYPOGRAPHY = str.maketrans(
    {
        "‘": "'", "’": "'", "ʼ": "'",
        "“": '"', "”": '"',
        "–": " - ", "—": " - ", "‒": " - ",
        "…": "...", "→": "; ", "⇒": "; ", "⟶": "; ", "➡": "; ",
        "•": "\n", "\u00a0": " ", "\u200b": "", "\u200d": "", "\ufe0f": "",
    }
)  # fmt: skip
_ARROW = re.compile(r"\s(?:->|=>|-->)\s")
_THOUSANDS = re.compile(r",(?<=\d,)(?=\d{3}\b)")
_DROP_CATEGORIES = {"So", "Sk", "Cs", "Co", "Cn", "Cf", "Mn", "Me"}
_SPACES = re.compile(r"[ \t\r\f\v]+")
# Abbreviations whose dots are not sentence ends: "2 a.m. is", "e.g. 1500", "vs. last week".
_ABBREVIATIONS = re.compile(
    r"\b([aApP])\.[mM]\.(?=\s+[a-z0-9,(])|\b([aApP])\.[mM]\.|\b([eE])\.[gG]\.|\b([iI])\.[eE]\."
    r"|\b([vV]s|[aA]pprox|[iI]ncl)\."
)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|(?<=;)|\n+")
_TOKEN = re.compile(r"[^\W_]+(?:[.'][^\W_]+)*%?|[<>≤≥=$€£]")
# The same tokens plus the punctuation that splits a sentence into segments, in order.
WORD_OR_BREAK = re.compile(r"[^\W_]+(?:[.'][^\W_]+)*%?|[<>≤≥=$€£]|[,;:()]")
# The same for lower-case ASCII text, where the engine can skip ahead by character class.
ASCII_WORD_OR_BREAK = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*%?|[<>=$]|[,;:()]")
BREAKS = frozenset(",;:()")

_CONTRACTIONS = {
    "won't": ("will", "not"), "can't": ("can", "not"), "shan't": ("shall", "not"),
    "ain't": ("is", "not"), "wont": ("will", "not"), "cant": ("can", "not"),
    "dont": ("do", "not"), "doesnt": ("does", "not"), "didnt": ("did", "not"),
    "wouldnt": ("would", "not"), "shouldnt": ("should", "not"), "couldnt": ("could", "not"),
    "isnt": ("is", "not"), "arent": ("are", "not"), "wasnt": ("was", "not"),
    "werent": ("were", "not"), "havent": ("have", "not"), "hasnt": ("has", "not"),
    "i'd": ("i", "would"), "we'd": ("we", "would"), "you'd": ("you", "would"),
    "they'd": ("they", "would"), "i'm": ("i", "am"), "we're": ("we", "are"),
    "it's": ("it", "is"), "that's": ("that", "is"), "there's": ("there", "is"),
    "let's": ("let", "us"), "i'll": ("i", "will"), "we'll": ("we", "will"),
    "i've": ("i", "have"), "we've": ("we", "have"),
}  # fmt: skip
_NO_STEM = frozenset(
    {"need", "speed", "feed", "seed", "embed", "shed", "red", "bed", "bias", "canvas", "status",
     "analysis", "thus", "plus", "series", "species", "process", "less", "loss", "always", "news",
     "was", "has", "is", "this", "yes", "alias", "ops", "mlops", "devops", "sres", "gpus"}
)  # fmt: skip
_KEEP_DOUBLE = ("ll", "ss", "zz", "ff")
# Stems that would collide with a negation or function word keep a distinct form.
_PROTECTED = {"not": "note", "no": "noe", "non": "none"}


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ABBREVIATION_HINTS = (".m.", "e.g", "i.e", "vs.", "prox.", "ncl.")


def _drop_symbol(match: re.Match[str]) -> str:
    ch = match.group()
    return " " if unicodedata.category(ch) in _DROP_CATEGORIES else ch


def _strip_symbols(text: str) -> str:
    if text.isascii():
        return text
    return _NON_ASCII.sub(_drop_symbol, text)  # only non-ASCII characters need a look-up


def lower_same_length(text: str) -> str:
    """Lower-case, keeping every character's position (so spans still point at the original)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


def _triggered(trigger: str, text: str) -> bool:
    if len(trigger) <= 1 or trigger == "```":
        return trigger in text
    return any(ch in text for ch in trigger)


def normalize(text: str) -> str:
    """Normalise chat text: NFKC, markup and emoji removed, whitespace collapsed, case kept."""
    text = text[:MAX_SCORED_CHARS]
    if not text.isascii():  # ASCII is already NFKC, and the typography table maps none of it
        text = unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY)
    if ">" in text:
        text = _ARROW.sub("; ", text)
    text = _THOUSANDS.sub("", text)
    for trigger, pattern, replacement in _CHAT_MARKUP:
        if _triggered(trigger, text):
            text = pattern.sub(replacement, text)
    lowered = text.lower()
    if any(hint in lowered for hint in _ABBREVIATION_HINTS):
        text = _ABBREVIATIONS.sub(_abbreviation, text)
    text = _SPACES.sub(" ", _strip_symbols(text))
    lines = (line.strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _abbreviation(match: re.Match[str]) -> str:
    """ "2 a.m. is" → "2 am is", but "at 9 p.m. Then" keeps its sentence end."""
    mid, end, *rest = match.groups()
    if mid:
        return mid.lower() + "m"
    if end:
        return end.lower() + "m."
    first = next(g for g in rest if g)
    return {"e": "eg", "i": "ie"}.get(first.lower(), first)


def split_sentences(text: str) -> list[str]:
    """Split normalised text into sentences and list items."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip(" .;")]


class Token(NamedTuple):
    """One word of a sentence: its surface form, stem, and character span in the sentence."""

    raw: str
    stem: str
    start: int
    end: int


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light, deterministic English stemmer shared by the lexicon and the answers."""
    if len(word) <= 3 or word in _NO_STEM or not word.isalpha():
        return word
    base = word
    if base.endswith("ies") and len(base) > 4:
        base = base[:-3] + "y"
    elif base.endswith(("sses", "xes", "ches", "shes", "zes")):
        base = base[:-2]
    elif base.endswith("s") and not base.endswith(("ss", "us", "is", "as", "os")):
        base = base[:-1]
    for suffix in ("ing", "ed"):
        if base.endswith(suffix) and len(base) - len(suffix) >= 3:
            base = base[: -len(suffix)]
            if len(base) > 3 and base[-1] == base[-2] and base[-2:] not in _KEEP_DOUBLE:
                base = base[:-1]
            break
    if base.endswith("e") and len(base) >= 4:
        base = base[:-1]
    if base.endswith("ly") and len(base) >= 6:
        base = base[:-2]
    return _PROTECTED.get(base, base) if base != word else base


@lru_cache(maxsize=65536)
def word_parts(raw: str) -> tuple[tuple[str, str], ...]:
    """One lower-case word's tokens and stems, contractions expanded ("don't" → do, not)."""
    return tuple((part, stem(part)) for part in _expand(raw) if part)


def _expand(raw: str) -> tuple[str, ...]:
    if raw in _CONTRACTIONS:
        return _CONTRACTIONS[raw]
    if raw.endswith("n't") and len(raw) > 3:
        return (raw[:-3], "not")
    if "'" in raw:
        head, _, tail = raw.partition("'")
        return (head,) if tail in {"s", "d", "ll", "re", "ve", "m"} or not tail else (head, tail)
    return (raw,)


def tokenize(sentence: str) -> list[Token]:
    """Lower-case word tokens with contractions expanded and stems attached."""
    tokens: list[Token] = []
    for match in _TOKEN.finditer(lower_same_length(sentence)):
        start, end = match.span()
        for part, part_stem in word_parts(match.group()):
            tokens.append(Token(part, part_stem, start, end))
    return tokens


def token_spans(sentence: str) -> list[tuple[int, int]]:
    """Character span of each token of tokenize(sentence), without building the tokens."""
    spans: list[tuple[int, int]] = []
    for match in _TOKEN.finditer(lower_same_length(sentence)):
        spans.extend([match.span()] * len(word_parts(match.group())))
    return spans


def phrase_stems(phrase: str) -> tuple[str, ...]:
    """The stem sequence a lexicon phrase matches."""
    return tuple(t.stem for t in tokenize(normalize(phrase)))
