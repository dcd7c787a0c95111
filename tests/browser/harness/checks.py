"""What must never be on an installer's screen, checked on the text a screen shows.

A check gets a ``ScreenContent`` (read from the browser by ``page_text.js``) and returns
findings: short sentences naming the screen's problem and the text that shows it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
DOTTED_KEY = re.compile(
    r"\b(?:component|ui|state|state_attributes|config|options|selector)\."
    r"[a-z0-9_-]+\.[a-z0-9_.-]+\b"
)
SNAKE_KEY = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
EMPTY_COUNT = re.compile(r"\(0\)\s*:?\s*$")
EMPTY_VALUE = re.compile(r":\s*(?:-|—|None|null|undefined|NaN)\s*$")


@dataclass(frozen=True)
class Heading:
    tag: str
    text: str
    cut: bool = False


@dataclass(frozen=True)
class Block:
    """A paragraph, heading, list item or list (``items``: how many) of rendered markdown."""

    tag: str
    text: str = ""
    items: int = 0

    @property
    def lines(self) -> list[str]:
        return [line.strip() for line in self.text.splitlines() if line.strip()]


@dataclass(frozen=True)
class ScreenContent:
    """The visible text of a screen, as ``page_text.js`` reads it."""

    lines: Sequence[str] = ()
    headings: Sequence[Heading] = ()
    items: Sequence[str] = ()
    markdown: Sequence[Sequence[Block]] = ()

    @classmethod
    def from_page(cls, data: dict[str, Any]) -> ScreenContent:
        return cls(
            lines=tuple(data["lines"]),
            headings=tuple(Heading(**heading) for heading in data["headings"]),
            items=tuple(data["items"]),
            markdown=tuple(tuple(Block(**block) for block in part) for part in data["markdown"]),
        )

    @property
    def texts(self) -> Iterable[str]:
        """Every text on the screen: lines, headings and markdown."""
        yield from self.lines
        yield from (heading.text for heading in self.headings)
        for part in self.markdown:
            for block in part:
                yield from block.lines

    def shows(self, text: str) -> bool:
        """Whether ``text`` is part of anything the screen shows."""
        return any(text in shown for shown in (*self.texts, *self.items))


Check = Callable[[ScreenContent], list[str]]


def translation_errors(screen: ScreenContent) -> list[str]:
    return [
        f"translation error: {text!r}"
        for text in _unique(screen.texts)
        if "translation error" in text.lower()
    ]


def raw_keys(screen: ScreenContent) -> list[str]:
    """A translation key where its text belongs: dotted keys anywhere, and snake_case words
    standing alone as a heading, list item or line (an untranslated option or state)."""
    found = [
        f"raw translation key: {text!r}"
        for text in _unique(screen.texts)
        if DOTTED_KEY.search(text)
    ]
    alone = [*screen.lines, *screen.items, *(heading.text for heading in screen.headings)]
    found += [f"raw translation key: {text!r}" for text in _unique(alone) if SNAKE_KEY.match(text)]
    return found


def unfilled_placeholders(screen: ScreenContent) -> list[str]:
    return [
        f"unfilled placeholder {match!r} in {text!r}"
        for text in _unique(screen.texts)
        for match in PLACEHOLDER.findall(text)
    ]


def empty_headings(screen: ScreenContent) -> list[str]:
    """Headings with nothing under them, empty bullets, and dashes standing for nothing."""
    found = [f"empty heading <{h.tag}>" for h in screen.headings if not h.text.strip()]
    found += ["empty list item on the screen" for item in screen.items if item == "-"]
    for part in screen.markdown:
        found += _empty_markdown(part)
    return found


def _empty_markdown(blocks: Sequence[Block]) -> list[str]:
    found: list[str] = []
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if block.tag == "li" and not block.text.strip():
            found.append("empty bullet")
        if block.tag in ("ul", "ol") and block.items == 0:
            found.append("empty list")
        lines = block.lines
        for line in lines:
            if EMPTY_COUNT.search(line):
                found.append(f"heading of an empty list: {line!r}")
            elif line in ("-", "—") or EMPTY_VALUE.search(line):
                found.append(f"a dash or nothing standing for an empty value: {line!r}")
        if block.tag in ("ul", "ol") or not lines or not lines[-1].endswith(":"):
            continue
        nothing_follows = following is None or (
            following.tag in ("ul", "ol", "li")
            and not following.text.strip()
            and not following.items
        )
        if nothing_follows:
            found.append(f"heading with nothing under it: {lines[-1]!r}")
    return found


def cut_headings(screen: ScreenContent) -> list[str]:
    return [f"title cut off: {heading.text!r}" for heading in screen.headings if heading.cut]


CHECKS: tuple[Check, ...] = (
    translation_errors,
    raw_keys,
    unfilled_placeholders,
    empty_headings,
    cut_headings,
)


@dataclass
class Verdict:
    """The findings of every check on one screen."""

    screen: str
    findings: list[str] = field(default_factory=list)
    checks: int = 0


def check(name: str, screen: ScreenContent, allowed: Iterable[str] = ()) -> Verdict:
    """Every check on ``screen``; findings containing an ``allowed`` text are dropped."""
    verdict = Verdict(name)
    exceptions = tuple(allowed)
    for rule in CHECKS:
        verdict.checks += 1
        verdict.findings += [
            finding for finding in rule(screen) if not any(text in finding for text in exceptions)
        ]
    return verdict


def _unique(texts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(texts))
