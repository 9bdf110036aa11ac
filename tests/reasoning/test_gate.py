"""The quality gate's judgements: generic words, person names, grounding in the item text."""

from __future__ import annotations

import numpy as np

from rolegraph.reasoning.gate import GateConfig, generic, grounding, person_name, reasons


def test_generic_words_and_person_names_are_recognized() -> None:
    assert generic("people") and generic("Movie fans") and not generic("jazz fans")
    assert person_name("Andy Warhol", "Heat (1995). Genres: Crime.")
    assert not person_name("Andy Warhol", "I Shot Andy Warhol (1996). Genres: Drama.")  # the item names him
    assert not person_name("Star Wars fans", "") and not person_name("New York", "") and not person_name("pilots", "")


def test_reasons_come_in_order_with_the_number_behind_them() -> None:
    got = reasons(
        ["people", "Meryl Streep", "dental hygiene", "space enthusiasts"],
        ["Apollo 13 (1995)."] * 4,
        np.array([0.9, 0.9, 0.03, 0.4]),
        GateConfig(min_grounding=0.1),
    )
    assert got == ["generic", "person name", "not grounded (similarity 0.03 < 0.10)", ""]


def test_grounding_is_the_cosine_of_each_pair() -> None:
    sims = grounding(np.array([[1.0, 0.0], [3.0, 4.0]]), np.array([[2.0, 0.0], [0.0, 1.0]]))
    assert np.allclose(sims, [1.0, 0.8])
