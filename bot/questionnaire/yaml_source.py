"""Reading YAML while remembering line numbers, so problems can point at the source."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from bot.questionnaire.errors import Problem, ProblemCode


class LineMap(dict[str, Any]):
    """A dict that remembers the 1-based YAML line of the mapping and of each key."""

    line: int | None = None
    key_lines: dict[str, int]
    duplicate_keys: list[tuple[str, int]]

    def __init__(self, *args: Any, line: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line = line
        self.key_lines = {}
        self.duplicate_keys = []

    def line_of(self, key: str) -> int | None:
        """Returns the line of `key`, falling back to the mapping's own line."""
        return self.key_lines.get(key, self.line)


class _LineLoader(yaml.SafeLoader):
    """A SafeLoader whose mappings are `LineMap`s."""


def _construct_line_map(loader: _LineLoader, node: yaml.MappingNode) -> Iterator[LineMap]:
    data = LineMap(line=node.start_mark.line + 1)
    yield data
    seen: set[str] = set()
    for key_node, _ in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
            key = str(key_node.value)
            if key in seen:
                data.duplicate_keys.append((key, key_node.start_mark.line + 1))
            seen.add(key)
            data.key_lines.setdefault(key, key_node.start_mark.line + 1)
    for raw_key, value in loader.construct_mapping(node).items():
        data[str(raw_key)] = value


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_line_map)


def read_yaml(text: str) -> tuple[Any, Problem | None]:
    """Parses YAML text with line-tracking mappings; returns (data, syntax problem)."""
    try:
        # _LineLoader is a SafeLoader subclass: no arbitrary Python objects are built.
        return yaml.load(text, Loader=_LineLoader), None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        detail = " ".join(p for p in (exc.context, exc.problem) if p)
        return None, Problem(ProblemCode.YAML_SYNTAX, f"YAML syntax error: {detail}", line=line)
    except yaml.YAMLError as exc:
        return None, Problem(ProblemCode.YAML_SYNTAX, f"YAML syntax error: {exc}")
