"""Handbooks: categories from the item text, the sample a handbook is built from, an item's Ideas line."""

from __future__ import annotations

from rolegraph.graph.growth import ItemText
from rolegraph.graph.handbooks import Handbook
from rolegraph.graph.model import TagKind
from rolegraph.reasoning.handbook import categories, hint, samples, subject

ITEMS = [
    ItemText("3", "Heat (1995)", "Heat (1995). Genres: Action, Crime, Thriller."),
    ItemText("1", "Toy Story (1995)", "Toy Story (1995). Genres: Animation, Children's, Comedy."),
    ItemText("2", "Casino (1995)", "Casino (1995). Genres: Drama, Thriller."),
    ItemText("4", "Untitled", None),
]


def test_categories_come_from_the_genres_part() -> None:
    assert categories(ITEMS[0].text) == ["Action", "Crime", "Thriller"] and categories(None) == []


def test_new_categories_get_a_sample_of_titles_in_id_order() -> None:
    got = samples(ITEMS, known={"Action"})
    assert got["Thriller"] == ["Casino", "Heat"] and "Action" not in got and got["Comedy"] == ["Toy Story"]
    assert subject("Thriller", got["Thriller"]) == "Thriller films: Casino; Heat"


def test_an_item_shows_its_first_category_with_a_handbook() -> None:
    books = {"Crime": Handbook("Crime", ["detectives", "lawyers"], ["heists"], "v")}
    assert hint(books, ITEMS[0], TagKind.USER) == "detectives; lawyers"
    assert hint(books, ITEMS[0], TagKind.ITEM) == "heists"
    assert hint(books, ITEMS[1], TagKind.USER) is None
