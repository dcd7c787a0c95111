"""Reading an uploaded file's text: UTF-8, or Windows-1252 when that reading is clear."""

from __future__ import annotations

import pytest

from custom_components.lwm2m.options.text_decoding import (
    UTF8,
    WINDOWS_1252,
    UndecodableTextError,
    decode_text,
)


@pytest.mark.parametrize(
    "text", ["Küche,Büro Süd,Straße", "été,Œuvre,ação,Ølstue", "5°C,12 €,±0.5,“quoted”"]
)
def test_western_european_text_from_excel_is_read(text: str) -> None:
    decoded = decode_text(f"name\r\n{text}\r\n".encode("cp1252"))
    assert (decoded.text, decoded.encoding) == (f"name\r\n{text}\r\n", WINDOWS_1252)


def test_utf8_wins_with_or_without_a_byte_order_mark() -> None:
    for content in ("Küche".encode(), "\ufeffKüche".encode()):
        assert decode_text(content).encoding == UTF8
        assert decode_text(content).text == "Küche"


@pytest.mark.parametrize(
    ("text", "encoding", "where"),
    [
        ("ep,Wrocław", "cp1250", (1, 8, 0xB3)),  # ł: Windows-1252's superscript three
        ("ep\nŁódź", "cp1250", (2, 1, 0xA3)),  # Ł ó d ź: £ódŸ
        ("ep,Москва", "cp1251", (1, 4, 0xCC)),  # Ìîñêâà: no Western word
        ("ep,Ελλάδα", "cp1253", (1, 4, 0xC5)),
    ],
)
def test_other_code_pages_are_refused_with_where(
    text: str, encoding: str, where: tuple[int, int, int]
) -> None:
    with pytest.raises(UndecodableTextError) as err:
        decode_text(text.encode(encoding))
    assert (err.value.line, err.value.column, err.value.byte) == where


def test_binary_and_utf16_are_refused() -> None:
    for content in (b"\xff\xfee\x00p\x00", b"ep,\x81\x00\x01"):
        with pytest.raises(UndecodableTextError):
            decode_text(content)
