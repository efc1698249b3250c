"""Marking text for translation where Django may not be imported (every `domain/` package).

`gettext_lazy("Nuova")` marks the literal for `makemessages` and returns a `LazyText`: a `str` whose value stays
the Italian source (so comparing, hashing, storing it in the database, formatting it into an f-string or into JSON
all see the Italian), and whose `str()` is the text in the active language. Templates call `str()` when they show
a value, so a label table of the domain (`LABELS[status]`, a model's choices built from it) reads in the user's
language without the domain importing Django. `translate` is Django's `gettext` once the core app is ready
(`CoreConfig.ready`), the identity before (the pure tests of the domain).
"""

from __future__ import annotations

from collections.abc import Callable


def _identity(message: str) -> str:
    return message


_translator: Callable[[str], str] = _identity


class LazyText(str):
    """Italian source text, shown (`str()`, `%s`, templates) in the active language."""

    __slots__ = ()

    def __str__(self) -> str:
        return _translator(str.__str__(self))

    def __reduce__(self) -> tuple[type[str], tuple[str]]:
        return (str, (str.__str__(self),))  # pickled (cache, sessions) as the plain Italian text


def gettext_lazy(message: str) -> str:
    return LazyText(message)


def translate(message: str) -> str:
    """`message` in the active language (unchanged until a translator is installed)."""
    return _translator(str.__str__(message)) if isinstance(message, str) else message


def install_translator(translator: Callable[[str], str]) -> None:
    global _translator
    _translator = translator
