"""Text of an uploaded file: UTF-8 (with or without a byte order mark), else Windows-1252
when the file reads unambiguously as Western European text.

Excel on Windows saves "CSV (Comma delimited)" in the system's ANSI code page, Windows-1252
in Western Europe and the Americas. Other code pages put letters where Windows-1252 has
symbols (Windows-1250's "ł" is Windows-1252's "³"), or accented letters where Windows-1252
has none (Windows-1251's "Москва" reads "Ìîñêâà"). So a Windows-1252 reading is taken only
when no symbol sits inside a word, no capital follows a small letter inside a word, no word
is mostly accented letters, and no control character shows up (binary, or UTF-16).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

UTF8 = "UTF-8"
WINDOWS_1252 = "Windows-1252"
_WORD = re.compile(r"[^\W\d_]+")


class UndecodableTextError(ValueError):
    """Neither UTF-8 nor clearly Windows-1252; says where the first unreadable byte is."""

    def __init__(self, line: int, column: int, byte: int) -> None:
        super().__init__(f"line {line}, column {column}: byte 0x{byte:02X} is not UTF-8")
        self.line = line
        self.column = column
        self.byte = byte


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    encoding: str


def decode_text(content: bytes) -> DecodedText:
    """The file's text and the encoding it was read in; raises UndecodableTextError."""
    try:
        return DecodedText(content.decode("utf-8-sig"), UTF8)
    except UnicodeDecodeError as err:
        first_bad = err.start
    try:
        text = content.decode("cp1252")
    except UnicodeDecodeError:
        text = ""
    if not text or not _reads_as_western_text(text):
        raise _error_at(content, first_bad)
    return DecodedText(text, WINDOWS_1252)


def _reads_as_western_text(text: str) -> bool:
    if any(unicodedata.category(char) == "Cc" and char not in "\t\r\n" for char in text):
        return False  # binary, or UTF-16 read byte by byte
    for word in _WORD.findall(text):
        accented = sum(not letter.isascii() for letter in word)
        if accented >= 3 and accented * 2 > len(word):
            return False
    for index, char in enumerate(text):
        if char.isascii():
            continue
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        inside_a_word = before.isalpha() and after.isalpha()
        if char.isalpha():
            if char.isupper() and before.isalpha() and before.islower():
                return False
        elif inside_a_word:  # a symbol: another code page's letter
            return False
    return True


def _error_at(content: bytes, offset: int) -> UndecodableTextError:
    start = content.rfind(b"\n", 0, offset) + 1
    line = content.count(b"\n", 0, offset) + 1
    column = len(content[start:offset].decode("utf-8", errors="replace")) + 1
    return UndecodableTextError(line, column, content[offset])
