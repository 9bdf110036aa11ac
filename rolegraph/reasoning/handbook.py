"""Per-category handbooks for tag generation (after TagLLM): for each item category — a MovieLens genre,
read from the item text's ``Genres:`` part — the LLM lists, once, the kinds of people and the topics worth
asking about, from a sample of the category's titles; the tagging prompts show an item's handbook (its
first category's) as their ``Ideas`` line. A base model answers shorter lists than asked; the ideas give
it words to keep and extend.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rolegraph.graph.growth import ItemText
from rolegraph.graph.handbooks import Handbook
from rolegraph.graph.model import TagKind

_GENRES = re.compile(r"Genres?:\s*([^.\n]+)")
_TITLE_YEAR = re.compile(r"\s*\(\d{4}\)\s*$")
#: titles shown per category when the handbook is built
SAMPLE = 4
#: ideas shown per item
IDEAS = 5


def categories(text: str | None) -> list[str]:
    """The item's categories: the ``Genres:`` list of its text, in order (empty when it has none)."""
    m = _GENRES.search(text or "")
    return [g.strip() for g in m.group(1).split(",") if g.strip()] if m else []


def samples(items: Sequence[ItemText], known: set[str]) -> dict[str, list[str]]:
    """For each category of ``items`` without a handbook, up to `SAMPLE` titles of its items (id order)."""
    out: dict[str, list[str]] = {}
    for item in sorted(items, key=lambda i: i.id):
        for category in categories(item.text):
            if category not in known and len(out.setdefault(category, [])) < SAMPLE:
                out[category].append(_TITLE_YEAR.sub("", item.title or item.id))
    return out


def subject(category: str, titles: Sequence[str]) -> str:
    """What the handbook prompt reads about a category: ``Comedy films: A; B; C``."""
    return f"{category} films: {'; '.join(titles)}"


def hint(books: dict[str, Handbook], item: ItemText, kind: TagKind) -> str | None:
    """The Ideas line for an item's tags of one kind, from its first category with a handbook."""
    for category in categories(item.text):
        book = books.get(category)
        ideas = (book.roles if kind is TagKind.USER else book.topics)[:IDEAS] if book else []
        if ideas:
            return "; ".join(ideas)
    return None
