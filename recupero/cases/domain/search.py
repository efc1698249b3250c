"""Search keys (pure): the pieces of an invoice number a person types, and the orders a name may be typed in.

Both exist so that the case search stays an index look-up at a million cases: a "contains" match (LIKE '%x%')
would read every claim or every debtor, so instead each claim stores its number's first and last digit groups
(`number_head`, `number_tail`, indexed) and a name is tried in each of its token orders as a prefix range of
the debtor's (tenant, search_name) index.
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"\d+")
# "Maria Luisa De Santis" has 4 tokens; past this a rotation is no longer a plausible way of typing a name.
MAX_NAME_TOKENS = 5
KEY_MAX_LENGTH = 40  # the invoice number's own length: a digit group cannot be longer


def _number(group: str) -> str:
    """A digit group as a person reads it: "000123" and "123" are the same invoice number."""
    return group.lstrip("0") or "0"


def digit_groups(text: str) -> list[str]:
    return [_number(g)[:KEY_MAX_LENGTH] for g in _DIGITS.findall(text)]


def invoice_number_keys(number: str) -> tuple[str, str]:
    """(head, tail) of an invoice number: its first and last digit groups without leading zeros.

    "47985/2025" → ("47985", "2025"); "FT-2025-000123" → ("2025", "123"); "2025E000000123" → ("2025", "123").
    A number with one digit group has no separate tail (""), so the tail index holds no copy of the head; a
    number without digits has neither.
    """
    groups = digit_groups(number)
    if not groups:
        return "", ""
    return groups[0], groups[-1] if len(groups) > 1 else ""


def name_orders(text: str) -> list[str]:
    """The orders a name may have been typed in, as prefixes of the stored search name ("surname name").

    Every rotation of the tokens: "edoardo barone" → ["edoardo barone", "barone edoardo"]; "anna de luca" →
    [..., "de luca anna"] (a surname of two words moves as one). The typed order comes first. The last token
    typed may be unfinished only in the typed order: in a rotation it is followed by another token.
    """
    tokens = text.lower().split()
    if len(tokens) < 2 or len(tokens) > MAX_NAME_TOKENS:
        return [" ".join(tokens)]
    rotations = [" ".join(tokens[i:] + tokens[:i]) for i in range(len(tokens))]
    return list(dict.fromkeys(rotations))
