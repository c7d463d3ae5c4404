"""Load YAML packs, validate them against the schema and cross-check their references."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.bank.schema import Concept, InlineRedFlag, Level, Pack, Question, RedFlag


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, located by file, question and field."""

    file: str
    message: str
    question: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.question:
            where.append(f"question '{self.question}'")
        if self.field:
            where.append(self.field)
        return f"{': '.join(where)}: {self.message}"


class ContentError(Exception):
    """Raised when content fails validation; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# libyaml's C parser when PyYAML was built with it (about 10x faster), else the pure-Python one.
_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class UnknownQuestion(KeyError):
    """Raised for a question id that is not in the bank."""


@dataclass(frozen=True)
class Bank:
    """Validated questions plus the shared lexicon they reference."""

    questions: Mapping[str, Question]
    concepts: Mapping[str, Concept]
    red_flags: Mapping[str, RedFlag]
    topics: Mapping[str, str]
    sources: Mapping[str, str] = field(default_factory=dict)  # question id → file
    concept_sources: Mapping[str, str] = field(default_factory=dict)  # concept → file

    def pack_concepts(self, question_id: str) -> frozenset[str]:
        """Concepts a question may hear: the shared lexicon's and its own file's.

        Shared means defined in a file without questions (content/lexicon.yaml); another
        pack's local concepts are that pack's business.
        """
        question_files = set(self.sources.values())
        own = self.sources.get(question_id)
        return frozenset(
            name
            for name, path in self.concept_sources.items()
            if path == own or path not in question_files
        )

    def question(self, question_id: str) -> Question:
        """Return the question with this id or raise UnknownQuestion."""
        try:
            return self.questions[question_id]
        except KeyError:
            raise UnknownQuestion(question_id) from None

    def select(self, topic: str | None = None, level: Level | None = None) -> list[Question]:
        """Questions matching an optional topic and level, in bank order."""
        return [
            q
            for q in self.questions.values()
            if (topic is None or q.topic == topic) and (level is None or q.level == level)
        ]

    def red_flag(self, ref: str | InlineRedFlag) -> tuple[str, RedFlag]:
        """Resolve a step's red-flag reference to (id, definition)."""
        if isinstance(ref, InlineRedFlag):
            return ref.id, ref
        return ref, self.red_flags[ref]


def discover(paths: Iterable[Path]) -> list[Path]:
    """Expand directories into their YAML files, sorted, keeping explicit files as given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in {".yaml", ".yml"}))
        else:
            found.append(path)
    return found


def _read(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except FileNotFoundError:
        return None, [Problem(str(path), "file not found")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(str(path), f"cannot read file: {exc}")]
    except yaml.YAMLError as exc:
        return None, [Problem(str(path), f"not valid YAML: {exc}".replace("\n", " "))]
    if raw is None:
        return None, [Problem(str(path), "file is empty")]
    if not isinstance(raw, dict):
        return None, [Problem(str(path), "top level must be a mapping (questions:, concepts:, …)")]
    return raw, []


def _clean_loc(loc: tuple[int | str, ...]) -> str:
    parts = [str(p) for p in loc if isinstance(p, int) or (p[:1].islower() and p != "str")]
    return ".".join(parts) or "(top level)"


def _validation_problems(path: Path, raw: dict[str, Any], exc: ValidationError) -> list[Problem]:
    problems = []
    listed = raw.get("questions")
    raw_questions: list[Any] = listed if isinstance(listed, list) else []
    for err in exc.errors():
        loc = err["loc"]
        question = None
        if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
            item = raw_questions[loc[1]] if loc[1] < len(raw_questions) else None
            qid = item.get("id") if isinstance(item, dict) else None
            question = str(qid) if qid else f"#{loc[1] + 1}"
            field_name = _clean_loc(loc[2:]) if len(loc) > 2 else "(question)"
        else:
            field_name = _clean_loc(loc)
        message = err["msg"].removeprefix("Value error, ")
        problems.append(Problem(str(path), message, question, field_name))
    return problems


def _parse(paths: Iterable[Path]) -> tuple[list[tuple[Path, Pack]], list[Problem]]:
    packs, problems = [], []
    for path in paths:
        raw, read_problems = _read(path)
        problems.extend(read_problems)
        if raw is None:
            continue
        try:
            packs.append((path, Pack.model_validate(raw)))
        except ValidationError as exc:
            problems.extend(_validation_problems(path, raw, exc))
    return packs, problems


def _merge_named(
    kind: str,
    packs: list[tuple[Path, Pack]],
    attr: str,
    problems: list[Problem],
    origin: dict[str, Path] | None = None,
) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    origin = {} if origin is None else origin
    for path, pack in packs:
        for name, value in getattr(pack, attr).items():
            if name in merged and merged[name] != value:
                problems.append(
                    Problem(str(path), f"{kind} '{name}' is already defined in {origin[name]}")
                )
                continue
            merged[name], origin[name] = value, path
    return merged


def _check_question(q: Question, bank: Bank, path: Path) -> list[Problem]:
    problems: list[Problem] = []

    def unknown(kind: str, names: Iterable[str], known: Mapping[str, object], where: str) -> None:
        for name in names:
            if name not in known:
                problems.append(Problem(str(path), f"unknown {kind} '{name}'", q.id, where))

    unknown("topic", [q.topic], bank.topics, "topic")
    for s, step in enumerate(q.steps):
        unknown("concept", step.anchors, bank.concepts, f"steps.{s}.anchors")
        for c, crit in enumerate(step.criteria):
            where = f"steps.{s}.criteria.{c}"
            unknown("concept", crit.concepts, bank.concepts, f"{where}.concepts")
            unknown("concept", crit.specific, bank.concepts, f"{where}.specific")
        for f, ref in enumerate(step.red_flags):
            if isinstance(ref, InlineRedFlag):
                unknown("concept", ref.unless, bank.concepts, f"steps.{s}.red_flags.{f}.unless")
            else:
                unknown("red flag", [ref], bank.red_flags, f"steps.{s}.red_flags.{f}")
    return problems


def _assemble(packs: list[tuple[Path, Pack]], problems: list[Problem]) -> Bank:
    concept_origin: dict[str, Path] = {}
    concepts = _merge_named("concept", packs, "concepts", problems, concept_origin)
    red_flags = _merge_named("red flag", packs, "red_flags", problems)
    topics = _merge_named("topic", packs, "topics", problems)
    for path, pack in packs:
        for name, flag in pack.red_flags.items():
            for missing in (u for u in flag.unless if u not in concepts):
                problems.append(
                    Problem(str(path), f"red flag '{name}': unknown concept '{missing}'")
                )
    questions: dict[str, Question] = {}
    sources: dict[str, str] = {}
    for path, pack in packs:
        for q in pack.questions:
            if q.id in questions:
                problems.append(
                    Problem(str(path), f"duplicate question id (also in {sources[q.id]})", q.id)
                )
                continue
            questions[q.id], sources[q.id] = q, str(path)
    concept_sources = {name: str(path) for name, path in concept_origin.items()}
    bank = Bank(questions, concepts, red_flags, topics, sources, concept_sources)
    for qid, q in questions.items():
        problems.extend(_check_question(q, bank, Path(sources[qid])))
    return bank


def validate(paths: Iterable[Path]) -> tuple[Bank, list[Problem]]:
    """Load every pack under these paths; return the bank and all problems found."""
    packs, problems = _parse(discover(paths))
    bank = _assemble(packs, problems)
    return bank, problems


def load_bank(paths: Iterable[Path]) -> Bank:
    """Load and validate the bank, raising ContentError if anything is wrong."""
    bank, problems = validate(paths)
    if problems:
        raise ContentError(problems)
    if not bank.questions:
        raise ContentError([Problem(", ".join(str(p) for p in paths), "no questions found")])
    return bank


def load_with_extras(core: Path, extras: Path | None) -> tuple[Bank, list[Problem]]:
    """Load the built-in bank strictly and a team's extra packs leniently (bad files skipped)."""
    core_files = discover([core])
    packs, problems = _parse(core_files)
    if problems:
        raise ContentError(problems)
    skipped: list[Problem] = []
    if extras is not None:
        for path in discover([extras]):
            extra, extra_problems = _parse([path])
            trial: list[Problem] = []
            _assemble(packs + extra, trial)
            if extra_problems or trial:
                skipped.extend(extra_problems or trial)
            else:
                packs.extend(extra)
    final: list[Problem] = []
    bank = _assemble(packs, final)
    if final:
        raise ContentError(final)
    return bank, skipped
