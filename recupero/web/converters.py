"""Path converters shared by every URL of the project (registered once, in `WebConfig.ready`).

`<id:...>` instead of Django's `<int:...>`: an id in a URL is a database primary key, a positive 64-bit integer.
Django's `int` converter accepts any number of digits, and 99999999999999999999 then overflows the database
driver (a 500); here a value outside 1..2⁶³-1 does not match, so the resolver answers 404 like any unknown id.
"""

from __future__ import annotations

from django.urls import register_converter

BIGINT_MAX = 2**63 - 1  # PostgreSQL bigint and SQLite INTEGER


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= BIGINT_MAX:
            raise ValueError(value)  # the resolver reads ValueError as "this pattern does not match"
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))


def register() -> None:
    register_converter(IdConverter, "id")
