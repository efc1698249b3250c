"""The whole interface (letters excepted) is translatable and translated into English (issue 14, item 5).

The checker (`tests/i18n_lint.py`) lists every user-visible Italian string not marked for translation; the
catalogue (`locale/en/LC_MESSAGES/django.po`) must hold every marked string with a real English translation
(`make messages` adds the new ones; a fuzzy or empty entry counts as missing)."""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.template import engines
from django.template.base import Lexer, TokenType

from tests import i18n_lint
from tests.i18n_lint import ROOT, Unmarked

PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
_TEMPLATE_GETTEXT = re.compile(r"\b_\((\"[^\"]*\"|'[^']*')\)")  # {{ x|default:_("tutti") }}
_PY_FORMAT = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def _listing(problems: list[Unmarked]) -> str:
    return "\n".join(str(p) for p in problems)


def test_every_visible_string_of_the_templates_is_marked():
    problems = [p for path in i18n_lint.templates() for p in i18n_lint.template_problems(path)]
    assert not problems, "Not marked for translation ({% translate %}):\n" + _listing(problems)


def test_every_visible_string_of_the_python_code_is_marked():
    problems = [p for path in i18n_lint.python_files() for p in i18n_lint.python_problems(path)]
    assert not problems, "Not marked for translation (gettext / gettext_lazy):\n" + _listing(problems)


def test_every_template_compiles():
    django_engine = engines["django"]
    for path in i18n_lint.templates():
        django_engine.from_string(
            path.read_text(encoding="utf-8")
        )  # raises on `{% translate %}` without i18n


# ---- the checker itself: it finds what it must, and nothing of code -------------------------------------


def _template(tmp_path: Path, text: str) -> list[tuple[int, str]]:
    path = ROOT / "var" / "i18n-check.html"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    try:
        return [(p.line, p.text) for p in i18n_lint.template_problems(path)]
    finally:
        path.unlink()


def test_the_template_checker_finds_text_attributes_and_literals(tmp_path):
    found = _template(
        tmp_path,
        """\
        {% load i18n %}<h1>Pratiche aperte</h1>
        <input type="submit" value="Conferma"> <button value="approve">{% translate "Approva" %}</button>
        <a title="Vedi la pratica" href="{% url 'x' %}">{{ case.code }}</a> <img alt="Logo dell'agenzia">
        {% include "web/icon.html" with name="settings" label="Impostazioni" %} {{ v|default:"nessuno" }}
        <p>{% blocktranslate %}Tradotto {{ n }}{% endblocktranslate %} · 1.234,56 € · {{ x }} · P00012348</p>
        <script>const t = "non è testo";</script>{# Commento #}{% comment %}Nota{% endcomment %}
        <span>Recupero · IBAN · PEC</span>
        """,
    )
    assert found == [
        (1, "Pratiche aperte"),
        (2, "Conferma"),
        (3, "Logo dell'agenzia"),
        (3, "Vedi la pratica"),
        (4, "Impostazioni"),
        (4, "nessuno"),
    ]


def _python(source: str, path: str = "recupero/web/backoffice/example.py") -> list[tuple[int, str]]:
    finder = i18n_lint._PythonFinder(interface=path.startswith(i18n_lint.INTERFACE))
    tree = ast.parse(textwrap.dedent(source))
    finder._docstring(tree)
    finder.visit(tree)
    return sorted(finder.found)


def test_the_python_checker_finds_messages_labels_choices_and_interface_prose():
    source = '''\
        """Docstring: non è un testo dell'interfaccia."""
        from django.utils.translation import gettext, gettext_lazy
        LABELS = {"new": "Nuova", "old": gettext_lazy("Vecchia")}
        class Status(models.TextChoices):
            OPEN = "open", "Aperta"
            DONE = "done", gettext_lazy("Fatta")
        class Meta:
            verbose_name = "pratica"
        field = forms.CharField(label="Importo", help_text=gettext_lazy("In euro"))
        amount = models.DecimalField("importo dovuto", max_digits=14)
        def view(request):
            messages.success(request, f"Pagamento di {amount} registrato.")
            messages.error(request, gettext("Già fatto."))
            logger.info("Pagamento registrato per la pratica")
            if status == "Aperta":
                pass
            headers = {"Content-Type": "text/csv", "label": "Titolo del report"}
            rows = [f"Mese {amount}", "Recupero %", gettext("Totale")]
            raise DomainError("pec.bad", f"Ricevuta non valida: {amount}.") if rows else FormError("x", "amount")
            return render(request, "web/x.html", {"title": "Cruscotto", "id": "case_detail"})
        '''
    assert _python(source) == [
        (3, "Nuova"),
        (5, "Aperta"),
        (8, "pratica"),
        (9, "Importo"),
        (10, "importo dovuto"),
        (12, "Pagamento di \ue000 registrato."),
        (17, "Titolo del report"),
        (18, "Mese \ue000"),
        (19, "Ricevuta non valida: \ue000."),
        (20, "Cruscotto"),
    ]
    # outside the interface package only the structural rules apply: prose in a service is a record, not a label
    assert [line for line, _text in _python(source, "recupero/cases/services.py")] == [3, 5, 8, 9, 10, 12, 19]


# ---- the English catalogue ------------------------------------------------------------------------------


def _catalogue():
    with PO.open("rb") as source:
        return read_po(source, locale="en")


def _marked_in_templates() -> set[str]:
    found = set()
    for path in i18n_lint.templates():
        for token in Lexer(path.read_text(encoding="utf-8")).tokenize():
            if token.token_type in (TokenType.BLOCK, TokenType.VAR):
                found.update(m.group(1)[1:-1] for m in _TEMPLATE_GETTEXT.finditer(token.contents))
            if token.token_type == TokenType.BLOCK and token.contents.split()[:1] in (
                ["translate"],
                ["trans"],
            ):
                literal = re.match(r"\w+\s+(\"[^\"]*\"|'[^']*')", token.contents)
                if literal:
                    found.add(literal.group(1)[1:-1].replace("%", "%%"))  # as makemessages writes it
    return found


def _marked_in_python() -> set[str]:
    found = set()
    for path in i18n_lint.python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and i18n_lint._name(node.func) in {
                "gettext",
                "gettext_lazy",
                "gettext_noop",
            }:
                arg = node.args[0] if node.args else None
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.add(arg.value)
    return found


def test_the_catalogue_holds_every_marked_string_and_every_error_message():
    from recupero.core.errors import CATALOGUE

    ids = {m.id for m in _catalogue() if isinstance(m.id, str)}
    wanted = (
        _marked_in_templates() | _marked_in_python() | {message for _status, message in CATALOGUE.values()}
    )
    missing = sorted(wanted - ids)
    assert not missing, "Not in locale/en/LC_MESSAGES/django.po (run `make messages`):\n" + "\n".join(missing)


def test_every_message_has_an_english_translation_with_the_same_placeholders():
    problems = []
    for message in _catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated: {ids[0]!r}")
            continue
        for source, english in zip(ids, strings, strict=False):
            if set(_PY_FORMAT.findall(source)) != set(_PY_FORMAT.findall(english)):
                problems.append(f"placeholders differ: {source!r} -> {english!r}")
    assert not problems, "\n".join(problems)


def test_every_language_offered_has_a_catalogue():
    from django.conf import settings

    offered = {code for code, _name in settings.LANGUAGES} - {settings.LANGUAGE_CODE}
    assert offered == {p.parent.parent.name for p in (ROOT / "locale").glob("*/LC_MESSAGES/django.po")}


# ---- translations reach the user ------------------------------------------------------------------------


def test_errors_labels_and_pages_speak_the_active_language():
    from django.utils import translation

    from recupero.cases.domain.states import LABELS, CaseStatus
    from recupero.core.domain.i18n import gettext_lazy
    from recupero.core.errors import DomainError

    with translation.override("en"):
        assert DomainError("case.duplicate_code", value="P1").message == "A case with code P1 already exists."
        assert (str(LABELS[CaseStatus.WORKING]), LABELS[CaseStatus.WORKING]) == (
            "In progress",
            "In lavorazione",
        )
        marked = DomainError(
            "channel.no_match", gettext_lazy("Nessuna raccomandata per «{value}»."), value="{x}"
        )
        assert marked.message == "No registered letter for «{x}»."  # a param is never a template itself
        composed = DomainError("x.y", "Testo già composto {value}", value="1")  # not marked: kept as it is
        assert composed.message == "Testo già composto {value}"
    with translation.override("it"):
        assert (
            DomainError("case.duplicate_code", value="P1").message == "Esiste già una pratica con codice P1."
        )
        assert str(LABELS[CaseStatus.WORKING]) == "In lavorazione"


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_catalogue_compiles_to_what_django_reads(language):
    from django.utils import translation

    with translation.override(language):
        assert translation.gettext("Cruscotto") == {"it": "Cruscotto", "en": "Dashboard"}[language]
