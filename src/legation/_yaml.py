"""Safe YAML for the files users hand legation (engagement files, scenarios, plans): bounded and
unambiguous, whatever the file holds.

* aliases (``*name``) are refused: an alias bomb would expand a small file without bound;
* nesting deeper than `MAX_DEPTH` is refused (no RecursionError);
* a key given twice in one mapping is refused with both lines (not last-wins).
"""

from __future__ import annotations

import yaml

MAX_DEPTH = 16
"""The deepest nesting a file may have."""


class BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader with the three refusals above, raised as YAML errors with their mark."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise refused("an alias (*name): write the value out in full", event.start_mark)
        if self._depth >= MAX_DEPTH:
            raise refused(f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
        self._depth += 1
        try:
            node = super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._depth -= 1
        if isinstance(node, yaml.MappingNode):
            seen: dict[object, int] = {}
            for key, _ in node.value:
                k = (key.tag, key.value) if isinstance(key, yaml.ScalarNode) else None
                if k is None:
                    continue
                if k in seen:
                    raise refused(
                        f"the key {key.value!r} appears twice (lines {seen[k]} and "
                        f"{key.start_mark.line + 1}); give it once",
                        key.start_mark,
                        key=str(key.value),
                    )
                seen[k] = key.start_mark.line + 1
        return node


class Refused(yaml.composer.ComposerError):
    """A file refused by `BoundedLoader`; ``key`` names the field when one is to blame."""

    def __init__(self, problem: str, mark: yaml.Mark, key: str = "") -> None:
        super().__init__(None, None, problem, mark)
        self.key = key


def refused(problem: str, mark: yaml.Mark, *, key: str = "") -> Refused:
    """A YAML error at ``mark``, as PyYAML raises its own (callers report its line)."""
    return Refused(problem, mark, key)


def load(text: str, loader: type[BoundedLoader] = BoundedLoader) -> tuple[yaml.Node | None, object]:
    """The document's node (for the line of every field) and its value, composed once."""
    ld = loader(text)
    try:
        node = ld.get_single_node()
        return node, (ld.construct_document(node) if node is not None else None)
    finally:
        ld.dispose()


def lines(node: yaml.Node | None) -> dict[tuple[object, ...], int]:
    """The 1-based line of every key and list item, by its path in the document (``("budget",
    "per_year", 1)``), so that a problem with a field can name where it is."""
    out: dict[tuple[object, ...], int] = {}

    def walk(n: yaml.Node, path: tuple[object, ...]) -> None:
        out.setdefault(path, n.start_mark.line + 1)
        if isinstance(n, yaml.MappingNode):
            for key, value in n.value:
                out[(*path, key.value)] = key.start_mark.line + 1
                walk(value, (*path, key.value))
        elif isinstance(n, yaml.SequenceNode):
            for k, item in enumerate(n.value):
                walk(item, (*path, k))

    if node is not None:
        walk(node, ())
    return out
