"""Whether a tag names a kind of person, as the quality gate asks of a role (WordNet and the domain list)."""

from __future__ import annotations

import pytest

from rolegraph.reasoning.canonical import normalize
from rolegraph.reasoning.wording import default_lexicon


@pytest.mark.parametrize(
    ("name", "people"),
    [
        ("pet owners", True),
        ("parents of teenagers", True),  # the head word before the preposition
        ("science fiction fans", True),  # "fan" names people in the domain list (WordNet ranks it low)
        ("families", True),  # a group of people (noun.group)
        ("the elderly", True),
        ("people who are interested in space", True),  # a paraphrase read as "space enthusiast"
        ("anyone who loves animals", True),  # begins with a word that stands for people
        ("dogs", False),  # WordNet's usual sense is the animal
        ("dental hygiene", False),
        ("romance", False),  # a topic written as a role
        ("cinephiles", None),  # WordNet does not know the word: no verdict
    ],
)
def test_a_name_is_read_as_a_kind_of_person_or_not(name: str, people: bool | None) -> None:
    assert default_lexicon().names_people(normalize(name)) is people
