"""Assignment rules of the collector's desk, as data: which collector or team gets a new work item.

A rule matches on the facts of the item's case — creditor, consultant, province, amount band (the balance,
from `amount_min` inclusive to `amount_max` exclusive, like the case list's bands), the debtor's language — and
names one collector or one team. Rules are tried in their `position` order; the first that matches wins; an
empty condition matches anything. Pure: the services translate each rule into one set-based UPDATE.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from recupero.core.domain.i18n import gettext_lazy

# The debtor's language, from the country of the debtor (parties.Debtor.country). Unknown countries: "".
COUNTRY_LANGUAGES = {
    "IT": "it", "SM": "it", "VA": "it",
    "DE": "de", "AT": "de", "LI": "de",
    "FR": "fr", "BE": "fr", "MC": "fr", "LU": "fr",
    "ES": "es", "AR": "es", "MX": "es",
    "GB": "en", "IE": "en", "US": "en", "MT": "en",
    "RO": "ro", "MD": "ro",
    "AL": "sq", "PL": "pl", "PT": "pt", "BR": "pt", "CN": "zh", "UA": "uk", "MA": "ar", "EG": "ar", "TN": "ar",
}  # fmt: skip
LANGUAGE_LABELS = {
    "it": gettext_lazy("italiano"), "de": gettext_lazy("tedesco"), "fr": gettext_lazy("francese"),
    "es": gettext_lazy("spagnolo"), "en": gettext_lazy("inglese"), "ro": gettext_lazy("rumeno"),
    "sq": gettext_lazy("albanese"), "pl": gettext_lazy("polacco"), "pt": gettext_lazy("portoghese"),
    "zh": gettext_lazy("cinese"), "uk": gettext_lazy("ucraino"), "ar": gettext_lazy("arabo"),
}  # fmt: skip


def language_of(country: str) -> str:
    return COUNTRY_LANGUAGES.get((country or "").upper(), "")


def countries_of(language: str) -> list[str]:
    """The countries whose debtors speak `language` (what a rule on language filters on)."""
    return sorted(c for c, lang in COUNTRY_LANGUAGES.items() if lang == language)


@dataclass(frozen=True)
class Facts:
    """What a rule looks at, for one case."""

    creditor_id: int
    consultant_id: int | None
    province: str
    balance: Decimal
    country: str


@dataclass(frozen=True)
class Rule:
    position: int
    creditor_id: int | None = None
    consultant_id: int | None = None
    province: str = ""
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    language: str = ""
    user_id: int | None = None
    team_id: int | None = None

    def matches(self, f: Facts) -> bool:
        return (
            (self.creditor_id is None or f.creditor_id == self.creditor_id)
            and (self.consultant_id is None or f.consultant_id == self.consultant_id)
            and (not self.province or f.province.upper() == self.province.upper())
            and (self.amount_min is None or f.balance >= self.amount_min)
            and (self.amount_max is None or f.balance < self.amount_max)
            and (not self.language or language_of(f.country) == self.language)
        )


def check_rule(rule: Rule) -> str:
    """ "" for a usable rule, else why not (in Italian, for the error message)."""
    if (rule.user_id is None) == (rule.team_id is None):
        return "indichi un operatore oppure una squadra"
    if rule.amount_min is not None and rule.amount_max is not None and rule.amount_min >= rule.amount_max:
        return "l'importo minimo deve essere inferiore al massimo"
    if rule.language and rule.language not in LANGUAGE_LABELS:
        return f"lingua sconosciuta «{rule.language}»"
    if rule.province and len(rule.province) != 2:
        return f"provincia non valida «{rule.province}»"
    return ""


def assignee(rules: Iterable[Rule], facts: Facts) -> tuple[int | None, int | None] | None:
    """(user id, team id) of the first rule, by position, that matches; None when no rule does."""
    for rule in sorted(rules, key=lambda r: r.position):
        if rule.matches(facts):
            return rule.user_id, rule.team_id
    return None
