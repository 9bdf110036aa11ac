"""Whether two tags name one group: the words decide (WordNet and the domain list), the cosine proposes."""

from __future__ import annotations

import pytest

from rolegraph.reasoning.canonical import normalize
from rolegraph.reasoning.sameness import EMBEDDING_AND_WORDS, WORDS, judge
from rolegraph.reasoning.wording import Lexicon, default_lexicon


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return default_lexicon()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("kids", "children"),  # WordNet synonyms, whatever their cosine
        ("science fiction fans", "sci-fi fans"),  # the domain list
        ("movie buffs", "film lovers"),
        ("fans of jazz", "jazz fans"),  # word order through a preposition
        ("moms", "mothers"),
        ("bird watchers", "birdwatchers"),  # a word WordNet knows as two
        ("the vietnam war", "the war in vietnam"),  # a WordNet phrase, or word by word
        ("love, friendship and romance", "friendship, love and romance"),
        ("film geeks", "film nerds"),  # senses WordNet 3.0 lacks, in the domain list
        ("jazz critics", "jazz reviewers"),
        ("hobbyist astronomers", "amateur astronomers"),
    ],
)
def test_names_of_one_group_have_the_same_senses(lexicon: Lexicon, a: str, b: str) -> None:
    verdict = judge(lexicon, lexicon.read(normalize(a)), lexicon.read(normalize(b)), cosine=0.0, threshold=0.6)
    assert verdict.same and verdict.method == WORDS, verdict


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("professional photographers", "amateur photographers"),
        ("teen parents", "parents of teens"),
        ("readers", "viewers"),
        ("online chess players", "chess players"),  # a word on one side narrows the group
        ("young adults", "older adults"),
        ("landlords", "tenants"),
        # a sense of one is the usual sense of the other, but its usual sense names another activity
        ("cooking students", "cooking scholars"),  # students study; a scholar is learned
        ("jazz players", "jazz musicians"),  # a player plays a game, a musician an instrument
        ("horror readers", "horror reviewers"),  # readers read; reviewers judge manuscripts
        ("employers", "employees"),  # one verb, its two opposite roles
        # a phrase narrows a word it contains, though WordNet lists it as a rare sense of that word
        ("love life", "love"),
        ("survival", "survival of the fittest"),
    ],
)
def test_names_of_two_groups_stay_apart_however_close(lexicon: Lexicon, a: str, b: str) -> None:
    verdict = judge(lexicon, lexicon.read(normalize(a)), lexicon.read(normalize(b)), cosine=0.99, threshold=0.6)
    assert not verdict.same and verdict.reason.startswith("cosine 0.990 but"), verdict


def test_a_near_synonym_merges_only_when_the_cosine_proposes_it(lexicon: Lexicon) -> None:
    a, b = lexicon.read(normalize("dance lovers")), lexicon.read(normalize("dancing lovers"))
    assert judge(lexicon, a, b, cosine=0.95, threshold=0.6).method == EMBEDDING_AND_WORDS
    below = judge(lexicon, a, b, cosine=0.5, threshold=0.6)
    assert not below.same and "below" in below.reason


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("chess newcomers", "chess beginners"),  # agents of one activity (both begin), two synsets in WordNet
        ("firemen", "firefighters"),  # the usual sense of one is a sense of the other, no other activity
        ("bird watchers", "birders"),
        ("rock fans", "rock music fans"),  # the phrase's added word names what kind of thing it is
    ],
)
def test_near_synonyms_of_one_activity_merge_when_proposed(lexicon: Lexicon, a: str, b: str) -> None:
    verdict = judge(lexicon, lexicon.read(normalize(a)), lexicon.read(normalize(b)), cosine=0.9, threshold=0.6)
    assert verdict.same, verdict
