"""What the LLM is asked to do: the tasks of the daily run, and how many tags one answer may hold."""

from __future__ import annotations

from enum import StrEnum

#: tags (or logic targets) kept from one answer, at most
MAX_TAGS = 10


class Task(StrEnum):
    """One kind of LLM question: tag an item (roles, topics), give a tag's logic (U2I, I2U), build a
    category's handbook (the roles and topics worth asking about), or check a pair behaviour proposed."""

    ITEM_ROLES = "item_roles"
    ITEM_TOPICS = "item_topics"
    U2I = "u2i"
    I2U = "i2u"
    HANDBOOK_ROLES = "handbook_roles"
    HANDBOOK_TOPICS = "handbook_topics"
    U2I_CHECK = "u2i_check"
    I2U_CHECK = "i2u_check"

    @property
    def is_logic(self) -> bool:
        """True for the logic tasks (U2I, I2U), whose answers carry weights and rationales."""
        return self in (Task.U2I, Task.I2U)

    @property
    def is_check(self) -> bool:
        """True for the checks of a proposed logic pair, answered yes with a rationale, or no."""
        return self in (Task.U2I_CHECK, Task.I2U_CHECK)
