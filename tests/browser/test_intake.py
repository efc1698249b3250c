"""Upload an affido in the back office, read the preview (counts, errors grouped by code), confirm, open the cases."""

from __future__ import annotations

import os
import re

import pytest

from recupero.imports.tests.conftest import CF, csv_bytes, row

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_preview_commit(live_server, page, screenshots, settings, tmp_path):
    from recupero.core.domain.roles import Role
    from tests.factories import make_creditor, make_tenant, make_user

    settings.MEDIA_ROOT = tmp_path / "media"
    tenant = make_tenant("acme")
    creditor = make_creditor(tenant, "UTIL", vat="01114601006")
    user = make_user(tenant, Role.CONSULTANT, username="carla")
    creditor.consultants.add(user)  # consultants see the cases of the creditors they look after
    user.set_password("segreta-123")
    user.save()
    data = csv_bytes(
        row(),
        row(number="F-2", issued="01/02/2025", due="28/02/2025", amount="310,00", outstanding="310,00"),
        row(
            ref="C2",
            cf=CF[1],
            surname="Bianchi",
            name="Laura",
            cap="20121",
            town="Milano",
            prov="MI",
            number="G-1",
            mobile="347 111 2233",
            email="laura.bianchi@example.it",
        ),
        row(ref="C3", cf="RSSMRA85T10A562X", number="H-1"),  # wrong check character
        row(ref="C4", cf=CF[2], cap="20121", number="K-1"),  # Milan CAP in Rome
        row(ref="C5", cf=CF[3], amount="dodici", number="L-1"),
    )

    page.goto(f"{live_server.url}/accesso/?next=/importazioni/")
    page.fill("#id_username", "carla")
    page.fill("#id_password", "segreta-123")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/importazioni/$"))
    assert page.locator("nav a.active").inner_text().strip() == "Importazioni"

    page.select_option("#id_creditor", str(creditor.pk))
    page.set_input_files(
        "#id_files", files=[{"name": "affido-gennaio.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.fill("#id_assignment_code", "AFF-2026-01")
    page.click("text=Carica e verifica")
    page.wait_for_url(re.compile(r"/importazioni/\d+/$"))
    page.locator("#counts").wait_for()
    counts = page.locator("#counts tbody tr").all_inner_texts()
    assert [re.sub(r"\s+", " ", c).strip() for c in counts[:3]] == [
        "Debitori 4 0 0",  # a wrong check character and a CAP of another province are warnings now
        "Pratiche 4 0 0",
        "Fatture 5 0 0",
    ]
    errors = page.locator("#errors").inner_text()
    for code in ("import.row.bad_tax_code", "import.row.cap_province_mismatch", "import.row.bad_amount"):
        assert code in errors
    assert "dodici" in errors  # the first group is open with its examples
    assert "Codice fiscale non valido: importato, identità del debitore da verificare." in errors  # a warning
    page.screenshot(path=str(screenshots / "intake-preview.png"), full_page=True)

    with page.expect_download() as download:
        page.click("text=Errori (Excel)")
    assert download.value.suggested_filename == "errori-AFF-2026-01.xlsx"

    page.click("#btn-commit")
    page.get_by_text("Vedi le pratiche dell'affido").wait_for()
    assert "Importato" in page.locator("#panel").inner_text()
    page.screenshot(path=str(screenshots / "intake-committed.png"), full_page=True)
    page.click("text=Vedi le pratiche dell'affido")
    page.wait_for_url(re.compile(r"/pratiche/\?assignment=\d+"))
    page.locator("#results td.code a").first.wait_for()
    assert page.locator("#results td.code a").count() == 4  # only the row without an amount stayed out
