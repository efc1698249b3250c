"""Links on the case timeline are built where it is shown: channels stores the communication and whether it has
a PDF, the web layer turns that into the back-office link (older events stored the link itself)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from recupero.web.templatetags.ui import event_document_url


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"communication": 7, "document": True}, "/comunicazioni/7/documento/"),
        ({"communication": 7, "document": False}, ""),
        ({"communication": 7}, ""),
        ({"communication": 7, "document_url": "/comunicazioni/7/documento/"}, "/comunicazioni/7/documento/"),
        ({"communication": 7, "document_url": ""}, ""),
        ({"document": True}, ""),
        ({}, ""),
        (None, ""),
    ],
)
def test_the_document_link_is_computed_from_the_event(data, expected):
    assert event_document_url(SimpleNamespace(data=data)) == expected
