"""The terminal loop: reads a terminal or a pipe, prints replies, `quit` to leave."""

from __future__ import annotations

from typing import TextIO

from adapters.console.coach import ConsoleCoach, render

QUIT_WORDS = {"quit", "exit", "/quit", ":q", "bye"}
BANNER = (
    "ProdML Coach — terminal coach ({where}).\n"
    "Type `today` for the question of the day, `mock` for a mock interview, `help` for more.\n"
    "End a line with \\ to keep writing on the next line; `quit` to leave."
)


def _read_message(stdin: TextIO, stdout: TextIO, interactive: bool) -> str | None:
    lines: list[str] = []
    while True:
        if interactive:
            stdout.write("… " if lines else "> ")
            stdout.flush()
        raw = stdin.readline()
        if raw == "":
            return "\n".join(lines) if lines else None
        line = raw.rstrip("\r\n")
        if line.endswith("\\"):
            lines.append(line[:-1])
            continue
        lines.append(line)
        return "\n".join(lines)


def run_console(console: ConsoleCoach, stdin: TextIO, stdout: TextIO, where: str) -> int:
    """Run until `quit` or end of input; returns the exit status."""
    interactive = stdin.isatty()
    print(BANNER.format(where=where), file=stdout)
    for reply in console.start():
        print(f"\n{render(reply)}", file=stdout)
    while True:
        text = _read_message(stdin, stdout, interactive)
        if text is None:
            break
        if not text.strip():
            continue
        if text.strip().lower() in QUIT_WORDS:
            print("Bye — your progress is saved.", file=stdout)
            break
        for reply in console.send(text):
            print(f"\n{render(reply)}", file=stdout)
        stdout.flush()
    return 0
