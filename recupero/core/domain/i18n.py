"""Marking text for translation where Django may not be imported (every `domain/` package).

`gettext_noop` marks a literal so that `makemessages` extracts it, and returns it unchanged: the Italian source
stays the value, and the interface translates it when it shows it (`translate`, `{% translate label %}`, a
model's choices). `translate` is Django's `gettext` once the core app is ready (`CoreConfig.ready`), and the
identity before (in the pure tests of the domain).
"""

from __future__ import annotations

from collections.abc import Callable

_translator: Callable[[str], str] = str


def gettext_noop(message: str) -> str:
    return message


def translate(message: str) -> str:
    """`message` in the active language (unchanged until a translator is installed)."""
    return _translator(message)


def install_translator(translator: Callable[[str], str]) -> None:
    global _translator
    _translator = translator
