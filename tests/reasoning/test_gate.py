"""The quality gate's judgements: generic words, person names, grounding in the item text."""

from __future__ import annotations

import numpy as np

from rolegraph.reasoning.gate import (
    Example,
    GateConfig,
    Judged,
    echoed,
    generic,
    grounding,
    person_name,
    reasons,
)


def test_generic_words_and_person_names_are_recognized() -> None:
    assert generic("people") and generic("Movie fans") and not generic("jazz fans")
    assert person_name("Andy Warhol", "Heat (1995). Genres: Crime.")
    assert not person_name("Andy Warhol", "I Shot Andy Warhol (1996). Genres: Drama.")  # the item names him
    assert not person_name("Star Wars fans", "") and not person_name("New York", "") and not person_name("pilots", "")


def test_reasons_come_in_order_with_the_number_behind_them() -> None:
    text = "Apollo 13 (1995)."
    got = reasons(
        [
            Judged("people", text, True, True, 0.9),
            Judged("Meryl Streep", text, True, True, 0.9),
            Judged("dental hygiene", text, False, None, 0.03),
            Judged("space enthusiasts", text, True, True, 0.4),
            Judged("spaceflight", text, False, None, 0.4),
        ],
        GateConfig(min_grounding=0.1),
    )
    assert got == ["generic", "person name", "not grounded (similarity 0.03 < 0.10)", "", ""]


def test_a_role_must_name_people_and_is_not_judged_by_grounding() -> None:
    text = "All Dogs Go to Heaven 2 (1996). Genres: Animation."
    got = reasons(
        [
            Judged("dogs", text, True, False, 0.33),  # WordNet reads the head word as an animal
            Judged("pet owners", text, True, True, 0.02),  # who an item serves is rarely in its text
            Judged("cinephiles", text, True, None, 0.0),  # unknown words: the benefit of the doubt
        ],
        GateConfig(min_grounding=0.1),
    )
    assert got == ["not a kind of person", "", ""]


def test_grounding_is_the_cosine_of_each_pair() -> None:
    sims = grounding(np.array([[1.0, 0.0], [3.0, 4.0]]), np.array([[2.0, 0.0], [0.0, 1.0]]))
    assert np.allclose(sims, [1.0, 0.8])


BABE = Example(
    "Babe (1995)", frozenset(["young children", "parents of toddler", "farmer", "animal lover", "grandparent"])
)
APOLLO = Example("Apollo 13 (1995)", frozenset(["space enthusiast", "engineer", "pilot", "history buff"]))


def test_an_answer_that_repeats_a_worked_example_is_an_echo_unless_the_item_is_the_example() -> None:
    cfg, examples = GateConfig(), [APOLLO, BABE]
    copied = ["young children", "parents of toddler", "farmer", "animal lover", "comedian"]
    assert echoed(copied, "Heat (1995). Genres: Crime.", examples, cfg) == "Babe (1995): 4 of 5 tags"
    assert echoed(copied, "Babe (1995). Genres: Children's.", examples, cfg) == ""  # the example's own film
    assert echoed(["farmer", "animal lover", "vet"], "Heat (1995).", examples, cfg) == ""  # two shared: not enough
    # three shared tags count only when they are half the answer or more
    fits = ["farmer", "animal lover", "grandparent", "vet", "rancher", "horse rider", "rural family"]
    assert echoed(fits, "Black Beauty (1994).", examples, cfg) == ""
    assert echoed(fits[:5], "Black Beauty (1994).", examples, cfg) == "Babe (1995): 3 of 5 tags"
    got = reasons([Judged("farmer", "Heat (1995).", True, True, 0.0, "Babe (1995): 4 of 5 tags")], cfg)
    assert got == ["echo of a worked example (Babe (1995): 4 of 5 tags)"]
