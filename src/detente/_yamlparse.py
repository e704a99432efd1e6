"""The YAML half of :mod:`detente.yamlio`: PyYAML's safe loader, the checks run on a composed
document before anything is built from it, and the parse itself.

It lives apart so that importing :mod:`detente.yamlio` (whose text reader and line helpers a CSV
table also uses) does not import PyYAML, about a tenth of a forecast's start-up;
:func:`detente.yamlio.parse_yaml` imports this module on first use.
"""

from __future__ import annotations

import math
from typing import Any

import yaml

from detente.errors import InputError, Problem
from detente.yamlio import MAX_DEPTH, MAX_NODES, YamlPath, field_name

__all__ = ["parse_document"]

_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML was built with it (several times faster), else the pure one."""


class _TextDatesLoader(_SafeBase):  # type: ignore[valid-type,misc]
    """The safe loader, but dates stay strings so pydantic can check them and say where.

    (YAML 1.1 would turn ``2009-13-01`` into an error for the whole file and ``2009-9-1`` into a
    date; neither is the ISO format the files promise.)
    """

    yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML's own class-level table
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


_CONSTRUCT = yaml.constructor.SafeConstructor()
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"


def _expanded_size(root: yaml.Node, file: str, budget: int) -> int:
    """Values in the document once aliases are expanded, counted without expanding them.

    Each distinct node is measured once (an alias re-uses the measure of its anchor), so a
    "billion laughs" file is measured in microseconds and refused before anything walks it.
    """
    size: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, list[yaml.Node] | None]] = [(root, None)]
    while stack:
        node, children = stack.pop()
        key = id(node)
        if children is not None:  # every child measured: this node's measure
            open_.discard(key)
            size[key] = min(1 + sum(size[id(c)] for c in children), budget + 1)
            continue
        if key in size:
            continue
        if isinstance(node, yaml.ScalarNode):
            size[key] = 1
            continue
        if key in open_:
            line = node.start_mark.line + 1
            raise InputError(Problem(file, line, None, "a recursive alias (a node inside itself)"))
        open_.add(key)
        kids = _children(node)
        stack.append((node, kids))
        stack.extend((c, None) for c in kids if id(c) not in size)
    return size[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _key_name(key: yaml.ScalarNode) -> str | int:
    if key.tag.endswith(":int"):
        try:
            return int(key.value)
        except ValueError:  # 0x1F, 0o17, or beyond Python's digit limit: keep the text
            return str(key.value)
    return str(key.value)


def _scalar_problem(node: yaml.ScalarNode) -> str | None:
    """What is wrong with a scalar the safe loader would construct, or ``None``."""
    tag = node.tag
    try:
        if tag.endswith(":int"):
            if len(node.value) > 400:
                return f"the integer {node.value[:20]}... is too large for a number"
            value = _CONSTRUCT.construct_yaml_int(node)
            float(value)  # a number the models can use: within the float range
        elif tag.endswith(":float"):
            if not math.isfinite(_CONSTRUCT.construct_yaml_float(node)):
                return f"{node.value} is not a finite number"
        elif tag == _TIMESTAMP:
            _CONSTRUCT.construct_yaml_timestamp(node)
    except OverflowError:
        return f"the integer {node.value[:20]}... is too large for a number"
    except (ValueError, TypeError) as exc:
        if tag == _TIMESTAMP:
            return f"{node.value} is not a real date ({exc})"
        return f"{node.value!r} is not a number ({exc})"
    return None


def _walk(root: yaml.Node, file: str) -> tuple[dict[YamlPath, int], list[Problem]]:
    """One pass over the (bounded) document: the line of every key and list item, and faults.

    Faults are duplicate keys, nesting deeper than :data:`MAX_DEPTH`, and scalars that do not
    convert (a non-finite or too-large number, a day that does not exist).
    """
    lines: dict[YamlPath, int] = {}
    problems: list[Problem] = []
    stack: list[tuple[yaml.Node, YamlPath]] = [(root, ())]
    deep = False
    while stack:
        node, path = stack.pop()
        line = node.start_mark.line + 1
        lines.setdefault(path, line)
        if len(path) > MAX_DEPTH:
            if not deep:
                message = f"nested deeper than {MAX_DEPTH} levels"
                problems.append(Problem(file, line, field_name(path[:3]) or None, message))
            deep = True
            continue
        if isinstance(node, yaml.ScalarNode):
            problem = _scalar_problem(node)
            if problem is not None:
                problems.append(Problem(file, line, field_name(path) or None, problem))
        elif isinstance(node, yaml.MappingNode):
            seen: dict[tuple[str, str], int] = {}
            children: list[tuple[yaml.Node, YamlPath]] = []
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode) or key.tag == _MERGE:
                    # a merged mapping's keys belong to this one; a complex key has no name
                    children.append((value, path))
                    continue
                key_line = key.start_mark.line + 1
                ident = (key.tag, key.value)
                if ident in seen:
                    where = field_name((*path, _key_name(key)))
                    message = f"duplicate key {key.value!r} (first at line {seen[ident]})"
                    problems.append(Problem(file, key_line, where, message))
                    continue
                seen[ident] = key_line
                children.append((value, (*path, _key_name(key))))
            stack.extend(reversed(children))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, (*path, i)) for i, item in reversed(list(enumerate(node.value))))
    return lines, problems


def parse_document(text: str, file: str, *, dates_as_text: bool) -> tuple[Any, dict[YamlPath, int]]:
    loader = _TextDatesLoader(text) if dates_as_text else _SafeBase(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        if _expanded_size(node, file, MAX_NODES) > MAX_NODES:
            message = (
                f"the document holds more than {MAX_NODES:,} values once its aliases are "
                "expanded (an alias bomb?)"
            )
            raise InputError(Problem(file, node.start_mark.line + 1, None, message))
        lines, problems = _walk(node, file)
        if problems:
            raise InputError(sorted(problems, key=lambda p: p.line or 0))
        data = loader.construct_document(node)
    except InputError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError(Problem(file, line, None, f"not valid YAML: {exc.problem}")) from None
    except (yaml.YAMLError, ValueError, OverflowError, TypeError) as exc:
        raise InputError(Problem(file, None, None, f"not valid YAML: {exc}")) from None
    except RecursionError:
        raise InputError(Problem(file, None, None, "not valid YAML: nested too deeply")) from None
    finally:
        loader.dispose()
    return data, lines
