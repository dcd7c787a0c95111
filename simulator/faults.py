"""Injected failures: requests the device answers with an error instead of carrying out.

    device.faults.add("PUT", "/0/1", Code.INTERNAL_SERVER_ERROR)          # once
    device.faults.add("DELETE", "/1", Code.BAD_REQUEST, times=5)

A fault matches a request by its method and its URI path as sent (see
:class:`~simulator.records.RequestRecord`); the request is still recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiocoap.numbers.codes import Code

from .records import RequestRecord


@dataclass(slots=True)
class _Fault:
    method: str
    path: str
    code: Code
    remaining: int


class Faults:
    def __init__(self) -> None:
        self._faults: list[_Fault] = []

    def add(self, method: str, path: str, code: Code, *, times: int = 1) -> None:
        """Answer the next ``times`` ``method`` requests on ``path`` with ``code``."""
        if times < 1:
            raise ValueError("times must be at least 1")
        self._faults.append(_Fault(method.upper(), path, code, times))

    def take(self, record: RequestRecord) -> Code | None:
        """The code to answer ``record`` with, using up one of its fault's turns."""
        for fault in self._faults:
            if fault.method == record.method and fault.path == record.path:
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
                return fault.code
        return None

    def clear(self) -> None:
        self._faults.clear()

    def __len__(self) -> int:
        return len(self._faults)
