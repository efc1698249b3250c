"""`ledger.bulk._group_ids`: what `uuid.uuid4()` gives, many at once (one read of the random source)."""

from __future__ import annotations

import uuid

from recupero.ledger.bulk import _group_ids


def test_group_ids_are_distinct_random_uuids():
    ids = _group_ids(5000)
    assert len(ids) == len(set(ids)) == 5000
    assert {(u.version, u.variant) for u in ids} == {(4, uuid.RFC_4122)}
    assert _group_ids(0) == []
