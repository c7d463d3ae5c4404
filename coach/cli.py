"""The `coach` command: run the bot, manage the database, check content, score answers."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from bot.bank.loader import Bank, ContentError, load_with_extras
from coach import content_commands, db_commands, doctor, logs, run_command, score_commands
from coach.settings import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coach", description="ProdML Coach")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser(
        "run", help="start the bot (terminal coach unless platform tokens are set)"
    )
    run.add_argument("--console", action="store_true", help="always use the terminal coach")

    db = sub.add_parser("db", help="database schema")
    dsub = db.add_subparsers(dest="db_command", required=True)
    dsub.add_parser("upgrade", help="migrate to the newest schema (safe to run on every start)")
    dsub.add_parser("current", help="show the schema revision")

    content = sub.add_parser("content", help="validate, list and check question banks")
    csub = content.add_subparsers(dest="content_command", required=True)
    val = csub.add_parser("validate", help="validate YAML packs (default: the configured bank)")
    val.add_argument("paths", nargs="*", type=Path)
    lst = csub.add_parser("list", help="list questions")
    lst.add_argument("--json", action="store_true", help="one JSON object per line")
    sch = csub.add_parser("schema", help="print the JSON Schema of a pack file")
    sch.add_argument("--output", type=Path)
    sts = csub.add_parser("stats", help="counts by topic, level and skill tag")
    sts.add_argument("--json", action="store_true")
    chk = csub.add_parser("check", help="model answers score high, stuffing/padding probes low")
    chk.add_argument("--verbose", action="store_true")

    sub.add_parser(
        "doctor", help="check settings, tokens, database, content and timezones; say what to fix"
    )

    score = sub.add_parser("score", help="score an answer read from stdin, or a JSONL batch")
    score.add_argument("question", nargs="?", help="question id")
    score.add_argument("--stage", type=int, default=0, help="step number (0 = opener)")
    score.add_argument("--batch", type=Path, help="JSONL file of {question, answer, stage}")
    score.add_argument("--explain", action="store_true", help="human-readable breakdown")
    return parser


def load_bank_or_exit(settings: Settings) -> Bank:
    """Load the configured bank; print problems and exit 2 if it is broken."""
    try:
        bank, skipped = load_with_extras(settings.content_dir, settings.extra_content_dir)
    except ContentError as exc:
        print("The question bank has problems:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        raise SystemExit(2) from None
    for problem in skipped:
        print(f"warning: skipped a team pack: {problem}", file=sys.stderr)
    return bank


def _content(args: argparse.Namespace, settings: Settings) -> int:
    if args.content_command == "validate":
        paths = args.paths or [settings.content_dir] + (
            [settings.extra_content_dir] if settings.extra_content_dir else []
        )
        return content_commands.validate_command(paths)
    if args.content_command == "schema":
        return content_commands.schema_command(args.output)
    bank = load_bank_or_exit(settings)
    if args.content_command == "list":
        return content_commands.list_command(bank, args.json)
    if args.content_command == "stats":
        return content_commands.stats_command(bank, args.json)
    return content_commands.check_command(bank, args.verbose)


def _score(args: argparse.Namespace, settings: Settings) -> int:
    scorer = score_commands.make_scorer(load_bank_or_exit(settings))
    if args.batch is not None:
        try:
            with args.batch.open(encoding="utf-8") as lines:
                return score_commands.score_batch(scorer, lines, sys.stdout)
        except OSError as exc:
            print(f"cannot read {args.batch}: {exc.strerror}", file=sys.stderr)
            return 2
    if not args.question:
        print("usage: coach score QUESTION_ID [--stage N] < answer.txt", file=sys.stderr)
        return 2
    answer = sys.stdin.read()
    return score_commands.score_one(
        scorer, args.question, args.stage, answer, args.explain, sys.stdout
    )


def _configure_logging(settings: Settings) -> None:
    logs.configure(settings.log_level, settings.log_format, settings.secrets(), sys.stderr)
    logging.getLogger("alembic").setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `coach` command."""
    try:
        return _main(argv)
    except BrokenPipeError:  # e.g. `coach content list | head`
        sys.stderr.close()
        return 0


def _main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "doctor":  # loads the settings itself: a bad setting is one of its checks
        return doctor.doctor_command()
    try:
        settings = Settings()
    except ValidationError as exc:
        print("Configuration error:", file=sys.stderr)
        for err in exc.errors():
            print(f"  {'.'.join(str(p) for p in err['loc'])}: {err['msg']}", file=sys.stderr)
        return 2
    if args.command == "db":
        if args.db_command == "upgrade":
            return db_commands.upgrade_command(settings.database_url)
        return db_commands.current_command(settings.database_url)
    if args.command == "run":
        _configure_logging(settings)
        return run_command.run_command(settings, load_bank_or_exit(settings), args.console)
    if args.command == "content":
        return _content(args, settings)
    if args.command == "score":
        return _score(args, settings)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
