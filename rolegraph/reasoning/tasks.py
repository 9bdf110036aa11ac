"""What the LLM is asked to do: the four tasks of the daily run, and how many tags one answer may hold."""

from __future__ import annotations

from enum import StrEnum

#: tags (or logic targets) kept from one answer, at most
MAX_TAGS = 10


class Task(StrEnum):
    """One kind of LLM question: tag an item (roles, topics) or give a tag's logic (U2I, I2U)."""

    ITEM_ROLES = "item_roles"
    ITEM_TOPICS = "item_topics"
    U2I = "u2i"
    I2U = "i2u"

    @property
    def is_logic(self) -> bool:
        """True for the logic tasks (U2I, I2U), whose answers carry weights and rationales."""
        return self in (Task.U2I, Task.I2U)
