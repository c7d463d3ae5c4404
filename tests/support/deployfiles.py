"""Readers for the deployment files, for tests: Dockerfile stages, compose ${VAR:-x}, env files."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field

from pydantic import AliasChoices, AliasPath

from coach.settings import Settings

_VARIABLE = re.compile(r"\$\{(\w+)(?::?-([^}]*))?\}|\$(\w+)")


@dataclass
class Instruction:
    """One Dockerfile instruction with its ARG/ENV references resolved."""

    keyword: str
    args: str

    def words(self) -> list[str]:
        """The arguments as a list: JSON (exec) form or shell words."""
        if self.args.startswith("["):
            return [str(word) for word in json.loads(self.args)]
        return shlex.split(self.args)

    def flags(self) -> dict[str, str]:
        """Leading --name=value options (COPY --from=…, --chmod=…)."""
        return dict(re.findall(r"--(\w+)=(\S+)", self.args.split(" [", 1)[0]))


@dataclass
class Stage:
    """A build stage: its base image, its name and its instructions."""

    image: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        """Every instruction of this kind, in order."""
        return [i for i in self.instructions if i.keyword == keyword]

    def env(self) -> dict[str, str]:
        """Environment variables set by ENV in this stage."""
        found: dict[str, str] = {}
        for instruction in self.all("ENV"):
            for word in instruction.words():
                name, _, value = word.partition("=")
                found[name] = value
        return found


def substitute(text: str, values: Mapping[str, str]) -> str:
    """Expand $NAME, ${NAME} and ${NAME:-default} (unknown names expand to the default or '')."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        default = match.group(2) or ""
        return values.get(name) or default

    return _VARIABLE.sub(one, text)


def interpolate_compose(text: str, environ: Mapping[str, str]) -> str:
    """What docker compose makes of a value: ${VAR:-default} expanded, `$$` kept as `$`."""
    return "$".join(substitute(part, environ) for part in text.split("$$"))


def _logical_lines(text: str) -> list[str]:
    lines: list[str] = []
    pending = ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if stripped.startswith("#") or not stripped:
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        lines.append(pending + stripped)
        pending = ""
    return lines


def parse_dockerfile(text: str) -> list[Stage]:
    """Stages of a Dockerfile, with ARG defaults substituted as a default build would."""
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    scope: dict[str, str] = {}
    for line in _logical_lines(text):
        keyword, _, args = line.partition(" ")
        keyword, args = keyword.upper(), args.strip()
        if keyword == "ARG":
            name, _, default = args.partition("=")
            target = global_args if not stages else scope
            target[name] = substitute(default, {**global_args, **scope})
            continue
        if keyword == "FROM":
            words = substitute(args, global_args).split()
            alias = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append(Stage(image=words[0], name=alias))
            scope = {}
            continue
        resolved = substitute(args, {**global_args, **scope, **stages[-1].env()})
        stages[-1].instructions.append(Instruction(keyword, resolved))
    return stages


def env_file_entries(text: str) -> tuple[dict[str, str], dict[str, str]]:
    """(active NAME=value lines, commented-out `# NAME=value` examples) of an env file."""
    active: dict[str, str] = {}
    examples: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        target = active
        if line.startswith("#"):
            line, target = line.lstrip("#").strip(), examples
        match = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line)
        if match:
            target[match.group(1)] = match.group(2)
    return active, examples


def settings_env_names() -> dict[str, str]:
    """Field name → the environment variable that sets it (validation aliases honoured)."""
    prefix = Settings.model_config.get("env_prefix", "")
    names: dict[str, str] = {}
    for name, info in Settings.model_fields.items():
        alias = info.validation_alias
        if isinstance(alias, AliasChoices):
            alias = next((c for c in alias.choices if isinstance(c, str)), None)
        if isinstance(alias, AliasPath):
            alias = str(alias.path[0])
        names[name] = (alias or f"{prefix}{name}").upper()
    return names
