"""WordNet 3.0 as canonicalization reads it: senses, base forms, and a noun sense's own relations."""

from __future__ import annotations

import pytest

from rolegraph.reasoning.wordnet import WordNet, load_wordnet


@pytest.fixture(scope="module")
def wordnet() -> WordNet:
    return load_wordnet()


def usual(wordnet: WordNet, word: str) -> str:
    return wordnet.synsets(word, "n")[0]


def test_a_noun_sense_knows_its_hypernyms(wordnet: WordNet) -> None:
    assert usual(wordnet, "amateur") in wordnet.hypernyms(usual(wordnet, "hobbyist"))
    assert usual(wordnet, "beginner") in wordnet.hypernyms(usual(wordnet, "newcomer"))


def test_an_agent_noun_knows_the_verbs_it_derives_from(wordnet: WordNet) -> None:
    begin = wordnet.verbs(usual(wordnet, "newcomer")) & wordnet.verbs(usual(wordnet, "beginner"))
    assert begin  # both begin
    assert not wordnet.verbs(usual(wordnet, "reader")) & wordnet.verbs(usual(wordnet, "reviewer"))
    assert not wordnet.verbs(usual(wordnet, "scholar"))  # a scholar is learned, not doing


def test_opposite_roles_are_antonyms(wordnet: WordNet) -> None:
    assert usual(wordnet, "employee") in wordnet.antonyms(usual(wordnet, "employer"))
    assert wordnet.is_person(usual(wordnet, "employee"))


def test_relations_of_other_parts_of_speech_are_empty(wordnet: WordNet) -> None:
    adjective = wordnet.synsets("amateur", "a")[0]
    assert wordnet.hypernyms(adjective) == wordnet.verbs(adjective) == wordnet.antonyms(adjective) == frozenset()
    assert not wordnet.is_person(adjective)
