"""Find user-visible Italian text that is not marked for translation (issue 14, item 5).

Templates: Django's own lexer splits each file into tokens; the text outside `{% translate %}` and
`{% blocktranslate %}` is read by an HTML parser, which reports the text between tags and the attributes a user
sees (`title`, `placeholder`, `aria-label`, `alt`, `hx-confirm`, a button's `value`). String literals that a tag
shows (`{% include … with label="…" %}`, `|default:"…"`) are checked too.

Python: the places Django shows to users (messages, form labels and help texts, validation errors, model
verbose names and choices, `TextChoices` labels), the label tables of the domain (`*LABELS = {...}`), and every
prose string literal of the interface package `recupero/web/`. A string counts as marked when it is the argument
of `gettext`, `gettext_lazy`, `gettext_noop`, `pgettext…`, `ngettext…` or `_`.

Letters (Typst templates) are excepted: they speak the debtor's language, chosen per letter, not the user's.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parent.parent
HOLE = "\ue000"  # stands for a `{{ var }}` or `{% tag %}` inside the text handed to the HTML parser
_WORD = re.compile(r"[^\W\d_]+")
# Words that read the same in both languages: the product's name, its mark and codes that are never translated.
SAME_IN_BOTH = {
    "Recupero",
    "IBAN",
    "PEC",
    "SMS",
    "API",
    "CSV",
    "XLSX",
    "PDF",
    "ZIP",
    "XML",
    "OpenAPI",
    "URL",
    "HTTP",
    "E-mail",
    "e-mail",
    "email",
    "Email",
    "OK",
    "TOTP",
    "QR",
    "HMAC",
    "SEPA",
    "CBI",
    "PDR",
    "POD",
    "MI",
}
_CODE_TOKEN = re.compile(r"\w[./@_:]\w|\d")  # debtor.view, P00012348, SHA-256, /api/docs: codes, not words
VISIBLE_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "hx-confirm", "data-confirm", "label"}
BUTTON_INPUTS = {"submit", "button", "reset"}
MARKERS = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}


@dataclass(frozen=True)
class Unmarked:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r}"


def is_visible(text: str) -> bool:
    """True when `text` holds a word a user reads (not only numbers, symbols, placeholders or shared codes)."""
    for token in text.replace(HOLE, " ").split():
        token = token.strip(".,;:!?()[]«»\"'·…")
        if token in SAME_IN_BOTH or _CODE_TOKEN.search(token):
            continue
        if any(len(word) > 1 for word in _WORD.findall(token)):
            return True
    return False


# ---------------------------------------------------------------------------------------------- templates
_SKIP_BLOCKS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans", "comment": "endcomment"}
_INCLUDE_LITERAL = re.compile(r"\b(\w+)=(\"[^\"]*\"|'[^']*')")
_FILTER_LITERAL = re.compile(r"\|(default|default_if_none|yesno)\s*:\s*(\"[^\"]*\"|'[^']*')")
_CODE_LIKE = re.compile(r"^[a-z0-9_./:#\-]*$")


def _literal_problems(token_text: str) -> list[str]:
    """The visible string literals a tag or a variable shows without translating them."""
    shown = [m.group(2)[1:-1] for m in _FILTER_LITERAL.finditer(token_text)]
    if token_text.split(None, 1)[:1] == ["include"]:
        # `with name="settings"` passes a code; `with label="Impostazioni"` a text: lower-case single words are codes
        values = [m.group(2)[1:-1] for m in _INCLUDE_LITERAL.finditer(token_text)]
        shown += [value for value in values if not _CODE_LIKE.match(value)]
    return [value for value in shown if is_visible(value)]


def _unhtml(source: str) -> tuple[str, list[tuple[int, str]]]:
    """The template with every Django token replaced by HOLE (and translated blocks blanked), newlines kept;
    plus the visible literals found inside tags, with their lines."""
    parts: list[str] = []
    literals: list[tuple[int, str]] = []
    closing: str | None = None
    for token in Lexer(source).tokenize():
        if closing is not None:
            if token.token_type == TokenType.BLOCK and token.contents.split()[:1] == [closing]:
                closing = None
            parts.append(HOLE + "\n" * token.contents.count("\n"))
            continue
        if token.token_type == TokenType.TEXT:
            parts.append(token.contents)
            continue
        if (
            token.token_type == TokenType.BLOCK
            and token.contents.split()[:1]
            and token.contents.split()[0] in _SKIP_BLOCKS
        ):
            closing = _SKIP_BLOCKS[token.contents.split()[0]]
        if token.token_type in (TokenType.BLOCK, TokenType.VAR):
            literals += [(token.lineno, text) for text in _literal_problems(token.contents)]
        parts.append(HOLE)
    return "".join(parts), literals


class _TextFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._raw_depth = 0  # inside <script> or <style>: code, not text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._raw_depth += 1
        values = dict(attrs)
        line = self.getpos()[0]
        for name, value in attrs:
            shown = name in VISIBLE_ATTRIBUTES or (
                name == "value" and tag == "input" and (values.get("type") or "") in BUTTON_INPUTS
            )
            if shown and value and is_visible(value):
                self.found.append((line, value))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._raw_depth:
            self._raw_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._raw_depth or not is_visible(data):
            return
        stripped = data.lstrip()
        line = self.getpos()[0] + data[: len(data) - len(stripped)].count("\n")
        self.found.append((line, " ".join(stripped.replace(HOLE, "{…}").split())))


def template_problems(path: Path) -> list[Unmarked]:
    text, literals = _unhtml(path.read_text(encoding="utf-8"))
    finder = _TextFinder()
    finder.feed(text)
    finder.close()
    rel = str(path.relative_to(ROOT))
    return [Unmarked(rel, line, value) for line, value in sorted(finder.found + literals)]


def templates() -> list[Path]:
    return sorted(p for p in (ROOT / "recupero").glob("**/templates/**/*.html"))


# ---------------------------------------------------------------------------------------------- Python
SHOWN_KEYWORDS = {
    "label", "help_text", "verbose_name", "verbose_name_plural", "empty_label", "placeholder", "description",
}  # fmt: skip
# class attributes Django shows: models' and apps' names, the admin site's titles
SHOWN_ATTRIBUTES = {
    "verbose_name", "verbose_name_plural", "site_header", "site_title", "index_title", "empty_value_display",
}  # fmt: skip
MESSAGE_CALLS = {"success": 1, "error": 1, "info": 1, "warning": 1, "debug": 1, "add_message": 2}
RELATION_FIELDS = {"ForeignKey", "OneToOneField", "ManyToManyField"}
# The interface package: every prose literal here is shown to someone (the API's OpenAPI summaries excepted).
INTERFACE = ("recupero/web/",)
# Label tables that compose what debtors read (e-mail and SMS texts: letters are excepted) or that polars writes
# into stored records in bulk (an intake's timeline): Italian data, not interface labels.
NOT_LABELS = {"recupero/channels/services/texts.py", "recupero/imports/writing.py"}
# Errors read by developers, not users: a strategy data file that does not load (in English, at start-up).
DEVELOPER_ERRORS = {"recupero/strategies/domain/loader.py", "recupero/strategies/domain/segmentation.py"}
NOT_SCANNED = (
    "/tests/",
    "/migrations/",
    "/management/",
    "recupero/web/api/",
    "recupero/demo/",
    "recupero/law/",
)
_ITALIAN_WORDS = (
    "il lo la i gli le di del della dei delle da dal dalla in nel nella con su per tra un una uno non è e o se "
    "che al alla ai alle sul sulla già più oggi nessun nessuna nessuno sono ha può questo questa"
)
_ITALIAN = set(_ITALIAN_WORDS.split())
_PHRASE = re.compile(r"^[A-Za-zÀ-ÿ'’][A-Za-zÀ-ÿ'’ ,.;:!?()\-/\ue000€%]*$")
_ONE_WORD = re.compile(r"^[A-ZÀ-Ý][a-zà-ÿ]{2,}$")
# calls whose string arguments are code, never shown: logging, lookups, URLs, headers, SQL
CODE_CALLS = {
    "getattr",
    "hasattr",
    "setattr",
    "reverse",
    "reverse_lazy",
    "redirect",
    "path",
    "re_path",
    "include",
    "debug",
    "info",
    "warning",
    "exception",
    "critical",
    "get",
    "getlist",
    "filter",
    "exclude",
    "order_by",
    "values",
    "values_list",
    "only",
    "defer",
    "annotate",
    "select_related",
    "prefetch_related",
    "startswith",
    "endswith",
    "split",
    "join",
    "strftime",
    "strptime",
    "Http404",
    "HttpResponseBadRequest",
    "format_html",
    "set_cookie",
    "delete_cookie",
    "patch_vary_headers",
}


def _marked(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and _name(node.func) in MARKERS


def _name(func: ast.AST) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _shown_text(node: ast.AST | None) -> str | None:
    """The visible text of a literal (or f-string) node; None for anything else or for text a user cannot read."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(v.value if isinstance(v, ast.Constant) else HOLE for v in node.values)  # type: ignore[misc]
    else:
        return None
    return text if is_visible(text) else None


def is_prose(text: str) -> bool:
    """Italian words a person reads: a phrase with an Italian word or accent, or one capitalised word."""
    words = _WORD.findall(text.replace(HOLE, " "))
    if not words or "_" in text.replace(" ", ""):
        return False
    if re.search(r"[àèéìòù]", text):
        return True
    if len(words) >= 2 and " " in text.strip():
        # a phrase: words and spaces with a few punctuation marks, nothing of code (=, {, <, %, SQL…)
        return any(w.lower() in _ITALIAN for w in words) or bool(_PHRASE.match(text.strip()))
    word = text.replace(HOLE, " ").strip().rstrip(":%")  # "Mese {n}", "Totale:" are one word
    return bool(_ONE_WORD.match(word.strip())) and word.strip() not in SAME_IN_BOTH


class _PythonFinder(ast.NodeVisitor):
    def __init__(self, interface: bool, developer_errors: bool = False, records: bool = False) -> None:
        self.interface = interface
        self.records = records
        self.developer_errors = developer_errors
        self.found: list[tuple[int, str]] = []
        self.nodes: list[ast.AST] = []
        self._skip: set[int] = set()  # ids of literal nodes already judged (marked, docstrings, code)

    def _flag(self, node: ast.AST | None) -> None:
        text = _shown_text(node)
        if text is not None and node is not None and id(node) not in self._skip:
            self._skip.add(id(node))
            self.found.append((node.lineno, text))  # type: ignore[attr-defined]
            self.nodes.append(node)

    def _skip_all(self, node: ast.AST) -> None:
        self._skip.update(id(n) for n in ast.walk(node))

    def visit_Call(self, node: ast.Call) -> None:
        name = _name(node.func)
        if name in MARKERS or (name in CODE_CALLS and not self._is_messages(node)):
            self._skip_all(node)
            if name in MARKERS:
                return
        if self._is_messages(node):
            index = MESSAGE_CALLS[name]
            self._flag(node.args[index] if len(node.args) > index else None)
        if name == "ValidationError" and node.args:
            self._flag(node.args[0])
        # SomeError(code, "message"): mark it, gettext_lazy("… {param} …"), or leave it to the catalogue
        message = node.args[1] if name.endswith("Error") and len(node.args) >= 2 else None
        if message is not None and not self.developer_errors and is_prose(_shown_text(message) or ""):
            self._flag(message)
        if name.endswith("Field") and name not in RELATION_FIELDS and node.args:
            self._flag(node.args[0])  # a model field's verbose name
        for keyword in node.keywords:
            if keyword.arg in SHOWN_KEYWORDS or (keyword.arg == "message" and name.endswith("Error")):
                self._flag(keyword.value)
            if keyword.arg == "choices" and isinstance(keyword.value, (ast.List, ast.Tuple)):
                self._choices(keyword.value)
        self.generic_visit(node)

    @staticmethod
    def _is_messages(node: ast.Call) -> bool:
        func = node.func
        return (
            isinstance(func, ast.Attribute)
            and func.attr in MESSAGE_CALLS
            and isinstance(func.value, ast.Name)
            and func.value.id == "messages"
        )

    def _choices(self, node: ast.List | ast.Tuple) -> None:
        for item in node.elts:
            if isinstance(item, ast.Tuple) and len(item.elts) == 2:
                self._flag(item.elts[1])

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._docstring(node)
        bases = {_name(b) for b in node.bases}
        for stmt in node.body:
            if not isinstance(stmt, ast.Assign):
                continue
            targets = {_name(t) for t in stmt.targets}
            if targets & SHOWN_ATTRIBUTES:
                self._flag(stmt.value)
            if bases & {"TextChoices", "IntegerChoices", "Choices"} and isinstance(stmt.value, ast.Tuple):
                self._flag(stmt.value.elts[-1])
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        labels = not self.records and any(_name(t).upper().endswith("LABELS") for t in node.targets)
        if labels and isinstance(node.value, ast.Dict):
            for value in node.value.values:
                self._flag(value)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        labels = not self.records and _name(node.target).upper().endswith("LABELS")
        if labels and isinstance(node.value, ast.Dict):
            for value in node.value.values:
                self._flag(value)
        self.generic_visit(node)

    def _docstring(self, node: ast.AST) -> None:
        body = getattr(node, "body", [])
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            self._skip.add(id(body[0].value))

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._docstring(node)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Dict(self, node: ast.Dict) -> None:
        self._skip.update(id(k) for k in node.keys if k is not None)  # keys are code
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        self._skip_all(node)  # `status == "Aperta"` compares data, shows nothing

    def visit_Constant(self, node: ast.Constant) -> None:
        if (
            self.interface
            and isinstance(node.value, str)
            and id(node) not in self._skip
            and is_prose(node.value)
        ):
            self._flag(node)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        text = "".join(v.value if isinstance(v, ast.Constant) else HOLE for v in node.values)  # type: ignore[misc]
        if self.interface and id(node) not in self._skip and is_prose(text):
            self._flag(node)
        self._skip_all(node)
        self.generic_visit(node)


def python_problems(path: Path) -> list[Unmarked]:
    rel = str(path.relative_to(ROOT))
    tree = ast.parse(path.read_text(encoding="utf-8"))
    finder = _PythonFinder(
        interface=rel.startswith(INTERFACE),
        developer_errors=rel in DEVELOPER_ERRORS,
        records=rel in NOT_LABELS,
    )
    finder._docstring(tree)
    finder.visit(tree)
    return [Unmarked(rel, line, text) for line, text in sorted(finder.found)]


def python_files() -> list[Path]:
    files = sorted((ROOT / "recupero").glob("**/*.py"))
    return [p for p in files if not any(part in "/" + str(p.relative_to(ROOT)) for part in NOT_SCANNED)]
