"""The error raised for DDF documents that cannot be used."""

from __future__ import annotations


class DDFError(ValueError):
    """A DDF document is not usable; ``element`` says where, ``reason`` says why.

    ``element`` is a path such as ``Object[3303]/Resources/Item[5700]/Type``.
    Elements whose id is not known yet are named by position: ``Object#2``.
    """

    def __init__(self, element: str, reason: str) -> None:
        super().__init__(f"{element}: {reason}")
        self.element = element
        self.reason = reason

    @property
    def explanation(self) -> str:
        """Why, then where: what an installer reads in an error box."""
        if self.element == "(document)":
            return self.reason
        return f"{self.reason} (in {self.element})"
