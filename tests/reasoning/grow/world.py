"""A small world for growth-run tests: items with genres, and a deterministic "sensible" LLM that answers
from the request alone (roles and topics from the genres, logic from the tag's words) over the real
OpenAI-compatible protocol (`tests.support.openai_server`)."""

from __future__ import annotations

import json
import re
from typing import Any

from rolegraph.graph.model import InteractionRecord, ItemRecord, UserRecord
from rolegraph.graph.store import GraphStore
from tests.support.openai_server import Reply, subject_of

GENRES = ["Drama", "Comedy", "Thriller", "Romance", "Animation", "War", "Musical", "Western"]


def items(n: int) -> list[ItemRecord]:
    """n items, each with two genres, ids i000… in order."""
    out = []
    for k in range(n):
        g1, g2 = GENRES[k % len(GENRES)], GENRES[(k * 3 + 1) % len(GENRES)]
        genres = g1 if g1 == g2 else f"{g1}, {g2}"
        out.append(ItemRecord(id=f"i{k:03d}", title=f"Film {k}", text=f"Film {k} (1990). Genres: {genres}."))
    return out


def load(store: GraphStore, n: int, users: int = 0) -> None:
    """n items; with ``users``, users who each consume the items of two genres (user k: genres k and k+1),
    so behaviour has something to say about the logic."""
    store.upsert_items(items(n))
    if users:
        store.upsert_users(UserRecord(f"u{k:02d}") for k in range(users))
        events = [
            InteractionRecord(f"u{k:02d}", item.id, 1_700_000_000 + 60 * j)
            for k in range(users)
            for j, item in enumerate(items(n))
            if {GENRES[k % len(GENRES)].lower(), GENRES[(k + 1) % len(GENRES)].lower()} & set(genres_of(item.text))
        ]
        store.upsert_interactions(events)


def task_of(endpoint: str, body: dict[str, Any]) -> str:
    if "response_format" in body:
        return str(body["response_format"]["json_schema"]["name"])
    prompt = str(body.get("prompt", ""))
    if "kinds of people who would enjoy" in prompt:
        return "item_roles"
    if "topics it is about" in prompt:
        return "item_topics"
    if "topics they would want" in prompt:
        return "u2i"
    return "i2u"


def genres_of(subject: str) -> list[str]:
    m = re.search(r"Genres: ([^.]*)", subject)
    return [g.strip().lower() for g in m.group(1).split(",")] if m else ["cinema"]


def answer(task: str, subject: str) -> dict[str, Any]:
    """The sensible answer of a task about a subject, as the JSON object the schema asks for."""
    if task == "item_roles":
        return {"tags": [f"{g} fans" for g in genres_of(subject)] + ["film critics"]}
    if task == "item_topics":
        return {"tags": [*genres_of(subject), "cinema"]}
    if task.startswith("handbook_"):
        genre = subject.split()[0].lower() if subject.split() else "cinema"
        return {"tags": [f"{genre} lovers", "critics"] if task == "handbook_roles" else [genre, "plot"]}
    if task.endswith("_check"):
        src, _, dst = subject.partition("|")
        agree = src.split()[0].lower() == dst.split()[0].lower() if src.split() and dst.split() else False
        return {"verdict": "yes" if agree else "no", "rationale": "same genre" if agree else ""}
    word = subject.split()[0].lower() if subject.split() else "cinema"
    targets = [(word, 0.6), ("cinema", 0.4)] if task == "u2i" else [(f"{word} fans", 0.7), ("film critics", 0.3)]
    return {"targets": [{"tag": t, "weight": w, "rationale": f"because of {word}"} for t, w in targets]}


def sensible(endpoint: str, body: dict[str, Any]) -> Reply:
    """A well-behaved LLM for the json strategy."""
    return Reply(json.dumps(answer(task_of(endpoint, body), subject_of(endpoint, body))))
