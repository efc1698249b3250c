"""Uploads stream to disk and oversized request bodies are refused before they are read (issue 9)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from recupero.imports import staging
from recupero.imports.models import ImportBatch
from recupero.imports.tests.conftest import CF, csv_bytes, row

pytestmark = pytest.mark.django_db


def _affido(rows: int) -> bytes:
    return csv_bytes(*(row(ref=f"C{n}", cf=CF[n % 4], number=f"F-{n}") for n in range(rows)))


def test_a_large_upload_is_streamed_from_its_temporary_file(world, login, monkeypatch):
    data = _affido(20_000)
    assert len(data) > 2_621_440  # above FILE_UPLOAD_MAX_MEMORY_SIZE: Django writes it to a temporary file
    reads: list[int] = []

    def recorded(file):  # type: ignore[no-untyped-def]
        def read(size=-1):  # type: ignore[no-untyped-def]
            reads.append(size)
            return file.read(size)

        return read

    # UploadedFile.read is a property returning its temporary file's read
    monkeypatch.setattr(TemporaryUploadedFile, "read", property(lambda self: recorded(self.file)))
    client = login(world.users["admin"])
    response = client.post(
        "/importazioni/",
        {
            "creditor": world.energia.pk,
            "files": SimpleUploadedFile("affido.csv", data),
            "received_on": "2026-01-10",
        },
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert staging.absolute(batch.files[0]["path"]).read_bytes() == data
    assert batch.files[0]["size"] == len(data)
    assert reads and all(0 < size <= staging.COPY_CHUNK for size in reads)  # never read whole


@pytest.mark.parametrize("url", ["/importazioni/", "/api/imports"])
def test_a_body_above_the_limit_is_refused_with_413_before_it_is_read(world, login, settings, url):
    settings.UPLOAD_MAX_BYTES = 64 * 1024 * 1024
    client = login(world.users["admin"])
    response = client.post(
        url,
        {"creditor": world.energia.code, "files": SimpleUploadedFile("affido.csv", _affido(2))},
        CONTENT_LENGTH=str(settings.UPLOAD_MAX_BYTES + 1),  # declared: nothing past the headers is read
    )
    assert response.status_code == 413
    message = (
        "La richiesta supera la dimensione massima consentita (64 MB): caricare file più piccoli o dividerli "
        "in più lotti."
    )
    if url.startswith("/api/"):
        assert json.loads(response.content) == {
            "code": "request.too_large",
            "message": message,
            "params": {"limit_mb": "64"},
        }
    else:
        assert response.content.decode() == message
    assert response["Connection"] == "close"
    assert ImportBatch.objects.count() == 0


def test_a_body_within_the_limit_goes_through(world, login, settings):
    data = _affido(2)
    settings.UPLOAD_MAX_BYTES = len(data) + 2_000  # the file and the form around it
    client = login(world.users["admin"])
    response = client.post(
        "/importazioni/", {"creditor": world.energia.pk, "files": SimpleUploadedFile("a.csv", data)}
    )
    assert response.status_code == 302
    assert ImportBatch.objects.count() == 1
