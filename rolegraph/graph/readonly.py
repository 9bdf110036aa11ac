"""Refuses Cypher that could write, before it reaches the database.

The first of two walls around `rolegraph cypher run` (the second is the database's own read-only mode:
FalkorDB ``GRAPH.RO_QUERY``, a Neo4j READ transaction). The text is tokenized the way Cypher reads it —
string literals, backtick identifiers, ``//`` and ``/* */`` comments are single units — and a statement is
refused when any clause keyword could change the graph or the schema:

- CREATE, MERGE, SET, DELETE, DETACH DELETE, REMOVE, FOREACH, LOAD CSV;
- ``CALL { … } IN TRANSACTIONS`` (and every other use of TRANSACTIONS);
- schema and administration commands (DROP, ALTER, RENAME, GRANT, DENY, REVOKE, START, STOP, TERMINATE,
  ENABLE, DEALLOCATE, REALLOCATE);
- a procedure call other than the read-only catalog procedures in `READ_PROCEDURES`;
- more than one statement (anything after a ``;``).

A keyword inside a string literal, a comment or backticks is text, not a clause, so ``'CREATE'`` passes.
So do property keys, map keys, labels, relationship types and aliases spelled like keywords
(``h.set``, ``{set: 'T0'}``, ``AS set``): the data model has a ``set`` property on HAS_ROLE.
"""

from __future__ import annotations

from dataclasses import dataclass

from rolegraph.errors import InvalidInput

#: Keywords that start (or are part of) a clause that writes data or schema.
WRITE_KEYWORDS = frozenset(
    {
        "CREATE",
        "MERGE",
        "SET",
        "DELETE",
        "DETACH",
        "REMOVE",
        "FOREACH",
        "LOAD",
        "TRANSACTIONS",
        "DROP",
        "ALTER",
        "RENAME",
        "GRANT",
        "DENY",
        "REVOKE",
        "START",
        "STOP",
        "TERMINATE",
        "ENABLE",
        "DEALLOCATE",
        "REALLOCATE",
    }
)

#: How a refusal names the clause a keyword belongs to.
_SHOWN = {"DETACH": "DETACH DELETE", "LOAD": "LOAD CSV", "TRANSACTIONS": "IN TRANSACTIONS"}

#: Procedures that only read the catalog, allowed after CALL.
READ_PROCEDURES = frozenset(
    {"db.labels", "db.relationshiptypes", "db.propertykeys", "db.indexes", "db.constraints", "db.schema.visualization"}
)


class WriteRefused(InvalidInput):
    """The statement could write (or could not be checked); nothing was sent to the database."""


@dataclass(frozen=True)
class Token:
    """One lexical unit: ``kind`` is word, param, string, quoted (backticks), number or symbol; ``start`` is
    its offset in the text."""

    kind: str
    text: str
    line: int
    start: int


def tokens(text: str) -> list[Token]:
    """Splits Cypher into tokens; comments are dropped. Raises WriteRefused on an unterminated literal
    or comment (such text cannot be checked)."""
    out: list[Token] = []
    i, line, n = 0, 1, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
            i += 1
        elif ch.isspace():
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise WriteRefused(f"line {line}: unterminated /* comment")
            line += text.count("\n", i, end)
            i = end + 2
        elif ch in "'\"`":
            end = _closing(text, i, ch)
            if end < 0:
                raise WriteRefused(f"line {line}: unterminated {'identifier' if ch == '`' else 'string'} literal")
            kind = "quoted" if ch == "`" else "string"
            out.append(Token(kind, text[i + 1 : end], line, i))
            line += text.count("\n", i, end)
            i = end + 1
        elif ch == "$":
            j = _word_end(text, i + 1)
            out.append(Token("param", text[i + 1 : j], line, i))
            i = max(j, i + 1)
        elif ch.isalpha() or ch == "_":
            j = _word_end(text, i)
            out.append(Token("word", text[i:j], line, i))
            i = j
        elif ch.isdigit():
            j = _number_end(text, i)
            out.append(Token("number", text[i:j], line, i))
            i = j
        else:
            out.append(Token("symbol", ch, line, i))
            i += 1
    return out


def _closing(text: str, start: int, quote: str) -> int:
    """Index of the quote that closes the literal opened at ``start``, or -1. Backslash escapes apply to
    strings; in backticks a doubled backtick is an escaped one."""
    i = start + 1
    while i < len(text):
        if quote != "`" and text[i] == "\\":
            i += 2
            continue
        if text[i] == quote:
            if quote == "`" and text.startswith("``", i):
                i += 2
                continue
            return i
        i += 1
    return -1


def _number_end(text: str, i: int) -> int:
    """End of the number at ``i``, read as Cypher's lexer does: a letter right after it starts a new
    token, so ``LIMIT 1CREATE`` is a number and a CREATE."""
    n = len(text)
    if text.startswith(("0x", "0X", "0o", "0O"), i):
        digits = "0123456789abcdefABCDEF_" if text[i + 1] in "xX" else "01234567_"
        j = i + 2
        while j < n and text[j] in digits:
            j += 1
        return j
    j = i
    while j < n and (text[j].isdigit() or text[j] == "_"):
        j += 1
    if j + 1 < n and text[j] == "." and text[j + 1].isdigit():
        j += 1
        while j < n and text[j].isdigit():
            j += 1
    if j < n and text[j] in "eE":
        k = j + 1 + (j + 1 < n and text[j + 1] in "+-")
        if k < n and text[k].isdigit():
            j = k
            while j < n and text[j].isdigit():
                j += 1
    return j


def _word_end(text: str, i: int) -> int:
    while i < len(text) and (text[i].isalnum() or text[i] == "_"):
        i += 1
    return i


def check_read_only(text: str) -> list[Token]:
    """Raises WriteRefused naming the first clause that could write; returns the tokens otherwise."""
    toks = tokens(text)
    for k, tok in enumerate(toks):
        if tok.kind == "symbol" and tok.text == ";":
            if any(t.kind != "symbol" or t.text != ";" for t in toks[k + 1 :]):
                raise WriteRefused(f"line {tok.line}: only one statement may run (found text after ';')")
            continue
        if tok.kind != "word" or _is_name(toks, k):
            continue
        word = tok.text.upper()
        if word in WRITE_KEYWORDS:
            shown = _SHOWN.get(word, word)
            raise WriteRefused(f"line {tok.line}: {shown} writes — `rolegraph cypher run` is read-only")
        if word == "CALL":
            _check_call(toks, k)
    return toks


def _is_name(toks: list[Token], k: int) -> bool:
    """True when the word at ``k`` is a name, not a clause: a property (``n.set``), label or type
    (``:SET``, ``:A|SET``), map key (``{set: …}``) or alias (``AS set``)."""
    prev = toks[k - 1] if k else None
    nxt = toks[k + 1] if k + 1 < len(toks) else None
    if prev is not None and prev.kind == "symbol" and prev.text in ".:":
        return True
    if prev is not None and prev.kind == "symbol" and prev.text == "|":
        # only a type alternation (:A|B); `FOREACH (x IN l | CREATE …)` has a clause after its bar
        return k >= 2 and toks[k - 2].kind in ("word", "quoted") and _is_name(toks, k - 2)
    if prev is not None and prev.kind == "word" and prev.text.upper() == "AS":
        return True
    return nxt is not None and nxt.kind == "symbol" and nxt.text == ":"


def _check_call(toks: list[Token], k: int) -> None:
    """``CALL {`` and ``CALL (vars) {`` are subqueries (checked with the rest); ``CALL name.space(…)`` must
    name a read-only catalog procedure."""
    nxt = toks[k + 1] if k + 1 < len(toks) else None
    if nxt is None or (nxt.kind == "symbol" and nxt.text in "{("):
        return
    parts: list[str] = []
    j = k + 1
    while j < len(toks) and toks[j].kind in ("word", "quoted"):
        parts.append(toks[j].text)
        if j + 1 < len(toks) and toks[j + 1].text == "." and toks[j + 1].kind == "symbol":
            j += 2
        else:
            break
    name = ".".join(parts)
    if name.lower() not in READ_PROCEDURES:
        allowed = ", ".join(sorted(READ_PROCEDURES))
        raise WriteRefused(f"line {toks[k].line}: CALL {name or '…'} is refused — only {allowed} may be called")


def one_statement(text: str, toks: list[Token]) -> str:
    """The statement without its trailing ``;`` and what follows it (only comments, once checked)."""
    ends = [t.start for t in toks if t.kind == "symbol" and t.text == ";"]
    return text[: ends[0]].strip() if ends else text.strip()


def parameters(toks: list[Token]) -> set[str]:
    """Names of the ``$parameters`` a tokenized statement uses."""
    return {t.text for t in toks if t.kind == "param"}
