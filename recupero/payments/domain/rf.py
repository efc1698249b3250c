"""Structured creditor reference (ISO 11649, "RF" + two check digits + up to 21 letters or digits).

Each case gets one: `RF` + check digits + the case code (`creditor_reference("P00012344")` → "RF..P00012344").
Letters print it as the payment reference (causale); the bank passes it back structured (`CdtrRefInf/Ref`) or
in the free text, and its mod-97 check rejects a typo before any look-up.
"""

from __future__ import annotations

import re

RF_START = re.compile(r"\bRF(\d{2})", re.IGNORECASE)


def _numeric(text: str) -> int:
    # A=10 … Z=35, digits as they are (ISO 7064 mod 97-10, as in the IBAN)
    return int("".join(str(int(ch, 36)) for ch in text))


def creditor_reference(code: str) -> str:
    """The RF reference of a reference body (a case code), e.g. "P00012344" → "RF47P00012344"."""
    body = re.sub(r"\s", "", code).upper()
    if not body or len(body) > 21 or not body.isalnum():
        raise ValueError(f"bad reference body: {code!r}")
    check = 98 - _numeric(body + "RF00") % 97
    return f"RF{check:02d}{body}"


def is_creditor_reference(value: str) -> bool:
    ref = re.sub(r"\s", "", value).upper()
    if not (5 <= len(ref) <= 25 and ref.startswith("RF") and ref[2:4].isdigit() and ref[4:].isalnum()):
        return False
    return _numeric(ref[4:] + ref[:4]) % 97 == 1


def reference_body(value: str) -> str | None:
    """The body of a valid RF reference (the case code for ours), or None when the check fails."""
    ref = re.sub(r"\s", "", value).upper()
    return ref[4:] if is_creditor_reference(ref) else None


def references_in(text: str) -> list[str]:
    """Bodies of the valid RF references in free text (the causale), printed compact or in groups of four.

    The reference may be followed by other words: the body grows word by word (at most 21 characters) and the
    longest one whose check holds is kept; an invalid reference is ignored."""
    out = []
    for start in RF_START.finditer(text or ""):
        rest = text[start.end() :].split()
        body, best = "", None
        for word in rest:
            if not word.isalnum() or len(body) + len(word) > 21:
                break
            body += word.upper()
            if is_creditor_reference(f"RF{start.group(1)}{body}"):
                best = body
        if best:
            out.append(best)
    return out


def printable(reference: str) -> str:
    """Groups of four, as printed on a letter: "RF47 P000 1234 4"."""
    return " ".join(reference[i : i + 4] for i in range(0, len(reference), 4))
