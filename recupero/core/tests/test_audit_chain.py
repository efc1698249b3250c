"""The audit log is append-only in the database and hash-chained per tenant; `recupero audit verify` proves it."""

from __future__ import annotations

import json
import threading

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction

from recupero.core.domain.chain import GENESIS, row_hash
from recupero.core.maintenance import unlocked
from recupero.core.models import AuditLog, AuditSubject
from recupero.core.permissions import system_actor
from recupero.core.selectors import chain_rows, chain_verify, last_verification
from recupero.core.services import audit_record, audit_verify_record


def _append(tenant, n: int, start: int = 0) -> list[AuditLog]:
    return [
        audit_record(
            tenant=tenant, actor=None, action="test.write", object_type="x", object_id=str(start + i)
        )
        for i in range(n)
    ]


def _verify_json(capsys, *args: str) -> tuple[int, dict]:
    code = 0
    try:
        call_command("audit", "verify", "--json", *args)
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.django_db
def test_rows_are_numbered_and_linked_per_tenant(tenant, other_tenant):
    a = _append(tenant, 3)
    b = _append(other_tenant, 2)
    assert [r.seq for r in a] == [1, 2, 3] and [r.seq for r in b] == [1, 2]
    assert a[0].prev_hash == GENESIS and a[1].prev_hash == a[0].hash and a[2].prev_hash == a[1].hash
    assert b[0].prev_hash == GENESIS and b[0].hash != a[0].hash  # the tenant is part of the content
    stored = list(chain_rows(tenant=tenant))
    assert [row_hash(r) for r in stored] == [r.hash for r in a]
    verdict = chain_verify(tenant=tenant)
    assert (verdict.ok, verdict.rows, verdict.head_seq, verdict.head_hash) == (True, 3, 3, a[2].hash)


@pytest.mark.django_db
def test_details_and_ip_are_stored_as_hashed(tenant):
    from decimal import Decimal

    from recupero.core.context import current_ip

    token = current_ip.set("2001:DB8:0:0::1")
    try:
        row = audit_record(
            tenant=tenant,
            actor=None,
            action="test.write",
            details={"total": Decimal("12.30"), "n": 1.0, "big": 1e20, "nested": {"b": [1, "è"], "a": None}},
        )
    finally:
        current_ip.reset(token)
    row.refresh_from_db()
    assert row.ip == "2001:db8::1"
    assert row.details["total"] == "12.30"
    assert chain_verify(tenant=tenant).ok


@pytest.mark.django_db
def test_subjects_index_the_debtors_and_cases_of_a_row(tenant):
    row = audit_record(tenant=tenant, actor=None, action="debtor.view", debtor_ids=[7, 3, 7], case_ids=[11])
    subjects = AuditSubject.objects.filter(log=row).order_by("id")
    assert [(s.seq, s.debtor_id, s.case_id) for s in subjects] == [(1, 3, None), (1, 7, None), (1, None, 11)]


@pytest.mark.django_db
@pytest.mark.parametrize("sql", ["UPDATE core_auditlog SET action = 'x'", "DELETE FROM core_auditlog"])
def test_the_database_refuses_to_change_or_delete_an_audit_row(tenant, sql):
    _append(tenant, 1)
    with (
        pytest.raises(DatabaseError, match=r"audit\.append_only"),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        cur.execute(sql)
    assert AuditLog.objects.get().action == "test.write"


@pytest.mark.django_db
def test_the_database_refuses_to_change_a_subject_row(tenant):
    audit_record(tenant=tenant, actor=None, action="debtor.view", debtor_ids=[5])
    with pytest.raises(DatabaseError, match=r"audit\.append_only"), transaction.atomic():
        AuditSubject.objects.update(debtor_id=6)
    with pytest.raises(DatabaseError, match=r"audit\.append_only"), transaction.atomic():
        AuditSubject.objects.all().delete()
    assert list(AuditSubject.objects.values_list("debtor_id", flat=True)) == [5]


@pytest.mark.django_db
def test_verify_passes_then_names_the_row_edited_with_the_triggers_off(tenant, capsys):
    rows = _append(tenant, 5)
    code, out = _verify_json(capsys, "--tenant", tenant.code)
    assert (code, out["ok"], out["tenants"][tenant.code]["rows"]) == (0, True, 5)
    with unlocked("test: tampering"), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditlog SET object_id = 'forged' WHERE id = %s", [rows[2].pk])
    code, out = _verify_json(capsys, "--tenant", tenant.code)
    assert code == 1 and out["ok"] is False
    assert out["tenants"][tenant.code]["broken"] == {
        "row_id": rows[2].pk,
        "seq": 3,
        "reason": "il contenuto non corrisponde alla sua impronta (riga modificata)",
    }
    assert out["tenants"][tenant.code]["rows"] == 2


@pytest.mark.django_db
def test_verify_detects_a_deleted_row_and_a_rehashed_row(tenant, capsys):
    rows = _append(tenant, 4)
    with unlocked("test: tampering"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditlog WHERE id = %s", [rows[1].pk])
    broken = chain_verify(tenant=tenant).broken
    assert broken is not None
    assert (broken.row_id, broken.seq, broken.reason) == (
        rows[2].pk,
        3,
        "mancano le righe n. 2 prima di questa (cancellate)",
    )
    # A forger who also recomputes the edited row's own hash is caught at the next row's link.
    with unlocked("test: tampering"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditlog")
    fresh = _append(tenant, 3)
    forged = list(chain_rows(tenant=tenant))[1]
    forged_hash = row_hash(forged.__class__(**{**_fields(forged), "object_id": "forged"}))
    with unlocked("test: tampering"), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditlog SET object_id = 'forged', hash = %s WHERE id = %s",
            [forged_hash, fresh[1].pk],
        )
    broken = chain_verify(tenant=tenant).broken
    assert broken is not None and (broken.row_id, broken.seq) == (fresh[2].pk, 3)
    assert broken.reason == "l'impronta della riga precedente non corrisponde (riga sostituita)"


def _fields(row) -> dict:
    return {name: getattr(row, name) for name in row.__slots__}


@pytest.mark.django_db
def test_verify_text_output_and_unknown_tenant(tenant, capsys):
    _append(tenant, 2)
    call_command("audit", "verify")
    assert capsys.readouterr().out.startswith(f"{tenant.code}: catena integra, 2 righe, ultima n. 2 (")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Agenzia sconosciuta: «nessuna»"):
        call_command("audit", "verify", "--tenant", "nessuna")


@pytest.mark.django_db
def test_a_recorded_verification_is_itself_a_link_of_the_chain(tenant):
    _append(tenant, 2)
    verdict = audit_verify_record(tenant=tenant, actor=system_actor(tenant))
    row = last_verification(tenant=tenant)
    assert row is not None and (row.seq, row.action) == (3, "audit.verify")
    assert row.details == {"ok": True, "rows": 2, "head_seq": 2, "head_hash": verdict.head_hash}
    assert chain_verify(tenant=tenant).rows == 3


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_writers_never_fork_the_chain(tenant):
    """Two connections append at once (PostgreSQL: the advisory lock makes the second wait for the first)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write transaction (BEGIN IMMEDIATE); the race needs PostgreSQL")
    per_thread, errors = 40, []
    barrier = threading.Barrier(2)

    def writer(name: str) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    audit_record(
                        tenant=tenant, actor=None, action="test.race", object_type=name, object_id=str(i)
                    )
        except Exception as exc:  # reported below: a fork would be an IntegrityError on (tenant, seq)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    rows = AuditLog.objects.filter(tenant=tenant, action="test.race").order_by("seq")
    seqs = list(rows.values_list("seq", flat=True))
    assert seqs == list(range(1, 2 * per_thread + 1))
    verdict = chain_verify(tenant=tenant)
    assert (verdict.ok, verdict.rows) == (True, 2 * per_thread)
