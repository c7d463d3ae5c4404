"""Normalisation, tokenising and stemming of answers."""

from __future__ import annotations

from bot.scoring.text import normalize, split_sentences, stem, tokenize


def words(text: str) -> list[str]:
    return [t.raw for t in tokenize(normalize(text))]


def test_slack_markdown_emoji_and_bullets_are_removed() -> None:
    text = "*Rollback* first 🚀 :fire:\n• `canary` at 5%\n> quoted ~old~ plan"
    assert normalize(text) == "Rollback first\ncanary at 5%\nquoted old plan"


def test_mentions_and_links_become_plain_words() -> None:
    assert normalize("ping <@U123|bob> see <https://x.io/a|the docs> <!here>") == (
        "ping @bob see the docs @here"
    )


def test_contractions_expand_to_negations() -> None:
    assert words("I wouldn't ship; we don't need it; I'd wait") == [
        "i",
        "would",
        "not",
        "ship",
        "we",
        "do",
        "not",
        "need",
        "it",
        "i",
        "would",
        "wait",
    ]


def test_apostrophe_free_contractions_are_understood() -> None:
    assert words("we dont need a canary") == ["we", "do", "not", "need", "a", "canary"]


def test_numbers_keep_units_and_thousands_separators_are_joined() -> None:
    assert words("p99 > 300ms on 20,000 loans, PSI 0.25") == [
        "p99",
        ">",
        "300ms",
        "on",
        "20000",
        "loans",
        "psi",
        "0.25",
    ]


def test_stems_unify_inflections() -> None:
    assert stem("rolled") == stem("rolling") == stem("roll")
    assert stem("paging") == stem("paged") == stem("page")
    assert stem("canaries") == stem("canary")
    assert stem("shipped") == stem("ship")
    assert stem("need") == "need" and stem("bias") == "bias"


def test_unicode_is_nfkc_normalised() -> None:
    assert normalize("ｃａｎａｒｙ at ５％") == "canary at 5%"


def test_sentences_split_on_punctuation_newlines_and_arrows() -> None:
    assert split_sentences(normalize("Shadow first. Then canary; ramp -> full\nrollback")) == [
        "Shadow first.",
        "Then canary;",
        "ramp;",
        "full",
        "rollback",
    ]


def test_w_slash_o_means_without() -> None:
    assert "without" in words("ship w/o a canary")
