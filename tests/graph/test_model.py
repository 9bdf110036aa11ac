"""The data model: the item properties the system owns are every Item property a statement writes."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rolegraph.graph.model import ITEM_SYSTEM_PROPERTIES
from rolegraph.graph.queries import catalog

_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_COMMENT = re.compile(r"//[^\n]*")
_TOKEN = re.compile(r"\$?\w+|\+=|[^\s\w]")
_ITEM_VAR = re.compile(r"\(\s*(\w+)\s*:\s*Item\b")
_CLAUSE = re.compile(
    r"RETURN|WITH|MATCH|OPTIONAL|MERGE|CREATE|UNWIND|WHERE|DELETE|DETACH|REMOVE|FOREACH|CALL|ON|SET|ORDER|SKIP|LIMIT|"
    r"UNION|YIELD",
    re.IGNORECASE,
)
_OPEN, _CLOSE = "([{", ")]}"


def item_writes(text: str) -> tuple[set[str], set[str]]:
    """The Item properties a Cypher statement writes (SET, REMOVE, MERGE/CREATE maps), and the expressions
    it merges whole into an Item (``SET i += row.attrs``), whose keys the statement text cannot tell."""
    text = _COMMENT.sub("", _STRING.sub("''", text))
    items = set(_ITEM_VAR.findall(text))
    tokens = _TOKEN.findall(text)
    props: set[str] = set()
    dynamic: set[str] = set()
    for at, token in enumerate(tokens):
        keyword = token.upper()
        if keyword == "SET":
            for start in _items(tokens, at + 1):
                var, op = tokens[start], tokens[start + 1]
                if var not in items:
                    continue
                if op == "." and tokens[start + 3] == "=":
                    props.add(tokens[start + 2])
                elif op in ("=", "+=") and tokens[start + 2] == "{":
                    props |= _map_keys(tokens, start + 2)
                elif op in ("=", "+="):
                    dynamic.add("".join(tokens[start + 2 : _expression_end(tokens, start + 2)]))
        elif keyword == "REMOVE":
            props |= {tokens[s + 2] for s in _items(tokens, at + 1) if tokens[s] in items and tokens[s + 1] == "."}
        elif keyword in ("MERGE", "CREATE"):
            end = _expression_end(tokens, at + 1)
            for k in range(at + 1, end - 2):
                if tokens[k] == ":" and tokens[k + 1] == "Item" and tokens[k + 2] == "{":
                    props |= _map_keys(tokens, k + 2)
    return props, dynamic


def _items(tokens: list[str], at: int) -> Iterator[int]:
    """Where each comma-separated item of a SET or REMOVE clause starting at ``at`` begins."""
    while at < len(tokens):
        yield at
        at = _expression_end(tokens, at)
        if at >= len(tokens) or tokens[at] != ",":
            return
        at += 1


def _expression_end(tokens: list[str], at: int) -> int:
    """The index of the first top-level ``,``, clause keyword, closing bracket or ``;`` from ``at``."""
    depth = cases = 0
    for k in range(at, len(tokens)):
        token, keyword = tokens[k], tokens[k].upper()
        if depth == cases == 0 and (token in (",", ";") or token in _CLOSE or (k > at and _CLAUSE.fullmatch(token))):
            return k
        depth += (token in _OPEN) - (token in _CLOSE)
        cases += (keyword == "CASE") - (keyword == "END")
    return len(tokens)


def _map_keys(tokens: list[str], at: int) -> set[str]:
    """The top-level keys of the map literal whose ``{`` is at ``at``."""
    keys: set[str] = set()
    depth = 0
    for k in range(at, len(tokens)):
        depth += (tokens[k] in _OPEN) - (tokens[k] in _CLOSE)
        if depth == 0:
            break
        if depth == 1 and tokens[k + 1] == ":" and tokens[k - 1] in ("{", ","):
            keys.add(tokens[k])
    return keys


def test_the_scan_finds_writes_and_only_writes() -> None:
    """A statement with every form of write, and comparisons, strings and Tag writes that are not."""
    text = """
        MATCH (x:Item {id: $id}), (t:Tag)
        WHERE x.genre = 'a, b SET x.fake = 1' AND t.key = 'k'
        SET x.alpha = CASE WHEN x.beta = 1 THEN coalesce(x.gamma, [1, 2]) ELSE 0 END, t.zeta = 1, x.delta = 2
        FOREACH (_ IN [1] | SET x += {epsilon: 1, nested: {no: 2}})
        MERGE (y:Item {id: 'z', eta: 3})-[:R]->(t)  // SET x.comment = 1
        ON CREATE SET y.first = 1
        REMOVE x.theta, t.omega
        WITH x SET x += $props
        RETURN x.iota = 1 AS flag, x.kappa"""
    props, dynamic = item_writes(text)
    assert props == {"alpha", "delta", "epsilon", "nested", "id", "eta", "first", "theta"}
    assert dynamic == {"$props"}


def test_every_item_property_a_statement_writes_is_a_system_property() -> None:
    """A property the pipeline writes on items must be in ITEM_SYSTEM_PROPERTIES, or an item attribute of
    that name could hide the item from the growth plan or be overwritten by it."""
    written: dict[str, list[str]] = {}
    merged: set[tuple[str, str]] = set()
    for name, statement in catalog().items():
        props, dynamic = item_writes(statement.text)
        for prop in props:
            written.setdefault(prop, []).append(name)
        merged |= {(name, expression) for expression in dynamic}
    unlisted = {prop: names for prop, names in written.items() if prop not in ITEM_SYSTEM_PROPERTIES}
    assert not unlisted, (
        f"Item properties written by these statements are missing from ITEM_SYSTEM_PROPERTIES: {unlisted}"
    )
    # the scan is not vacuous: it sees the loader's and the growth run's own writes
    assert {"id", "title", "first_seen", "tag_status", "tag_retry", "grow_day", "flags", "reasked"} <= set(written)
    # the one whole-map write is the loader's extra attributes, which the store checks against the list
    assert merged == {("upsert_items", "row.attrs")}
