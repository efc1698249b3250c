"""Bounds and Italian messages for the API's input validation (ninja/pydantic speak English by default).

An id is a positive 64-bit primary key: a bigger number would overflow the database driver (a 500 before this
module). A path id out of range cannot name anything, so it is answered 404 like any unknown id; a query
parameter out of range (page=0, page=10**20) is a 422 that says which parameter and why, in Italian.
"""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Field

from recupero.web.converters import BIGINT_MAX

ObjectId = Annotated[int, Field(ge=1, le=BIGINT_MAX)]

_MESSAGES = {
    "missing": "è obbligatorio",
    "int_parsing": "deve essere un numero intero",
    "int_from_float": "deve essere un numero intero",
    "int_type": "deve essere un numero intero",
    "decimal_parsing": "deve essere un numero",
    "date_from_datetime_parsing": "deve essere una data (AAAA-MM-GG)",
    "date_parsing": "deve essere una data (AAAA-MM-GG)",
    "string_type": "deve essere un testo",
    "bool_parsing": "deve essere vero o falso",
    "greater_than_equal": "deve essere almeno {ge}",
    "greater_than": "deve essere maggiore di {gt}",
    "less_than_equal": "deve essere al massimo {le}",
    "less_than": "deve essere minore di {lt}",
    "string_too_long": "è troppo lungo (al massimo {max_length} caratteri)",
}
_OUT_OF_RANGE = {"greater_than_equal", "less_than_equal", "int_parsing_size"}


def validation_problem(error: dict[str, Any]) -> dict[str, str]:
    """One pydantic error as {field, message, type}: the field named as the client sent it."""
    loc = [str(part) for part in error.get("loc", ())]
    # loc is (where, schema-argument, field...) for grouped parameters, (where, field) otherwise.
    field = loc[-1] if loc else "?"
    template = _MESSAGES.get(error.get("type", ""), "non è valido")
    try:
        message = template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        message = template
    return {"field": field, "message": message, "type": str(error.get("type", ""))}


def is_unknown_id(errors: list[dict[str, Any]]) -> bool:
    """Every error is a path id outside 1..2⁶³-1: no object can have it, so the answer is "not found"."""
    return bool(errors) and all(
        (e.get("loc") or ("",))[0] == "path" and e.get("type") in _OUT_OF_RANGE for e in errors
    )
