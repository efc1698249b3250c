"""Load (and reload) the deterministic demo agency: tenant `demo`, three creditors, users, N cases.

The few reference rows go through their owners: tenant and users through `core.seed` (public demo credentials,
no validators), creditors, mandates and assignments through the parties and cases services. The bulk (debtors,
contacts, cases, claims, ledger entries, timeline) is generated in chunks and written through the owners' bulk
modules (`parties.bulk`, `cases.bulk`, `ledger.bulk`; issue 11 item 1): the demo writes no table itself.
"""

from __future__ import annotations

import datetime as dt
import importlib
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.db import connection, models, transaction
from schwifty import IBAN

from recupero.cases.services import assignment_create, assignment_return_cases
from recupero.core.bulk import Bulk
from recupero.core.domain.roles import Role
from recupero.core.domain.security import two_factor_required
from recupero.core.models import Tenant, User
from recupero.core.permissions import system_actor
from recupero.core.seed import tenant_seed, user_creditor_set, users_seed
from recupero.core.services import audit_record
from recupero.demo.access import DemoLink, demo_links
from recupero.demo.arrangements import arrangement_policies
from recupero.demo.desk import desk_demo
from recupero.demo.domain.plan import CREDITORS, AssignmentPlan, CreditorPlan, assignments_for
from recupero.demo.generator import CHUNK, TABLES, WRITERS, ChunkGenerator, Counters, CreditorRef
from recupero.demo.payments import demo_payments
from recupero.demo.remittance import remittance_terms
from recupero.law.codegen import vat_number
from recupero.parties.models import Creditor
from recupero.parties.services import creditor_consultant_add, creditor_create, mandate_create

TENANT_CODE = "demo"
PASSWORD = "demo"
# The demo's authenticator secret, the same for every demo user whose role needs the second step (admin,
# supervisor, auditor): base32 RECUPERODEMOTOTPRECUPERODEMOTOTP, printed in the README, to type into an
# authenticator app; `DJANGO_DEBUG=1 recupero otp-code admin` prints the current code instead.
DEMO_TOTP_BASE32 = "RECUPERODEMOTOTPRECUPERODEMOTOTP"
DEMO_TOTP_HEX = "890547922e1918e9ba6f890547922e1918e9ba6f"
# From this many cases on, into (nearly) empty tables, secondary indexes are built once at the end.
BIG_LOAD = 50_000

# (username, role, first name, last name, creditor code for portal users)
USERS = (
    ("admin", Role.ADMIN, "Amalia", "Amministratori", None),
    ("supervisor", Role.SUPERVISOR, "Sergio", "Supervisori", None),
    ("consultant", Role.CONSULTANT, "Carla", "Consulenti", None),
    ("collector", Role.COLLECTOR, "Cosimo", "Operatori", None),
    ("fieldagent", Role.FIELD_AGENT, "Fabio", "Esattori", None),
    ("lawyer", Role.LAWYER, "Lucia", "Avvocati", None),
    ("auditor", Role.AUDITOR, "Aurelio", "Revisori", None),
    ("client-utility", Role.CREDITOR_USER, "Ugo", "Utility", "DEMO-UTILITY"),
    ("client-telco", Role.CREDITOR_USER, "Tecla", "Telco", "DEMO-TELCO"),
    ("client-b2b", Role.CREDITOR_USER, "Bruno", "Forniture", "DEMO-B2B"),
)
# Which agency user looks after each creditor's portfolio (Creditor.consultants and Case.consultant).
CONSULTANT_OF = {"DEMO-UTILITY": "consultant", "DEMO-TELCO": "consultant", "DEMO-B2B": "supervisor"}


@dataclass
class LoadResult:
    cases: int
    seed: int
    seconds: float
    rows: int
    per_table: dict[str, int] = field(default_factory=dict)
    vendor: str = ""
    skipped: bool = False
    link: DemoLink | None = None  # a debtor's personal link to try (recupero/demo/access.py)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


# ---- reload ------------------------------------------------------------------------------------------------
def _append_only_trigger_sql() -> dict[str, tuple[list[str], list[str]]]:
    """(drop, create) per vendor for the triggers of the append-only tables: the ledger and the audit log."""
    ledger = importlib.import_module("recupero.ledger.migrations.0002_append_only")
    audit = importlib.import_module("recupero.core.migrations.0002_audit_chain")
    return {
        "sqlite": ([*ledger.SQLITE_REVERSE, *audit.SQLITE_DROP], [*ledger.SQLITE, *audit.SQLITE]),
        "postgresql": (
            ["DROP TRIGGER IF EXISTS ledger_entry_append_only ON ledger_ledgerentry;", *audit.POSTGRES_DROP],
            [*ledger.POSTGRES, *audit.POSTGRES],
        ),
    }


def _scoped_tables(tenant_model: type[models.Model]) -> tuple[list[str], list[tuple[str, str, str]]]:
    """(tables with a tenant column, [(table, fk column, parent table)] for tables hanging off tenant rows
    without a tenant column of their own: many-to-many links, the admin log, user groups...)."""
    owned, hanging = [], []
    for model in apps.get_models(include_auto_created=True):
        if model is tenant_model:
            continue
        names = {f.name for f in model._meta.concrete_fields}
        if "tenant" in names:
            owned.append(model._meta.db_table)
            continue
        for f in model._meta.concrete_fields:
            target = f.related_model if f.is_relation else None
            if target is None or isinstance(target, str):
                continue
            if any(x.name == "tenant" for x in target._meta.concrete_fields):
                hanging.append((model._meta.db_table, f.column, target._meta.db_table))
                break
    return owned, hanging


def demo_purge(code: str = TENANT_CODE) -> bool:
    """Delete the demo tenant and every row it owns, in one transaction. Returns False if there was none.

    The ledger and the audit log are append-only: their triggers refuse DELETE. A reload is the one honest
    exception, so inside the same transaction we drop the triggers, delete, and recreate them; nothing else
    can write meanwhile (SQLite holds the write lock, PostgreSQL an exclusive lock on each table from the DROP
    TRIGGER). The demo tenant's audit chain goes with it; every other tenant's chain stays whole. When the demo is
    the only tenant, PostgreSQL TRUNCATEs instead (no row triggers fire, and it is instant at a million rows).
    Foreign keys are deferred to commit on both databases, so the order of the deletes does not matter."""
    tenant = Tenant.objects.filter(code=code).first()
    if tenant is None:
        return False
    owned, hanging = _scoped_tables(Tenant)
    vendor = connection.vendor
    drop, create = _append_only_trigger_sql()[vendor]
    alone = not Tenant.objects.exclude(pk=tenant.pk).exists()
    user_table = User._meta.db_table
    owned.sort(key=lambda table: table == user_table)  # users last: everything else may point at them
    with transaction.atomic(), connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # a load earlier in this transaction set IMMEDIATE
        for sql in drop:  # first: the audit log's triggers refuse TRUNCATE too
            cursor.execute(sql)
        if vendor == "postgresql" and alone:
            truncate = [t for t in owned if t != user_table] + [t for t, _, p in hanging if p != user_table]
            cursor.execute(f"TRUNCATE {', '.join(dict.fromkeys(truncate))} RESTART IDENTITY")
            owned, hanging = [user_table], [h for h in hanging if h[2] == user_table]
        for table, column, parent in hanging:
            cursor.execute(
                f'DELETE FROM "{table}" WHERE "{column}" IN (SELECT id FROM "{parent}" WHERE tenant_id = %s)',
                [tenant.pk],
            )
        for table in owned:
            cursor.execute(f'DELETE FROM "{table}" WHERE tenant_id = %s', [tenant.pk])
        cursor.execute(f'DELETE FROM "{Tenant._meta.db_table}" WHERE id = %s', [tenant.pk])
        for sql in create:
            cursor.execute(sql)
    return True


# ---- reference rows ----------------------------------------------------------------------------------------
def _iban(abi: str, cab: str, account: int) -> str:
    return str(IBAN.generate("IT", bank_code=abi + cab, account_code=f"{account:012d}"))


def _setup(seed: int) -> tuple[Tenant, dict[str, User], list[CreditorRef], int]:
    """Tenant, users, creditors with mandates and assignments, each through its owner (core's seed rows, the
    parties and cases services). Returns them and the number of rows written."""
    tenant = tenant_seed(
        code=TENANT_CODE,
        name="Recupero Demo S.r.l.",
        vat_number=vat_number(4_812_733, 58),
        address="Via Giuseppe Mazzini 12, 20123 Milano (MI)",
        pec="recupero-demo@legalmail.it",
        phone="+390287654321",
        email="assistenza@recupero-demo.it",
        office_hours="lun–ven 9:00–18:00, sab 9:00–13:00",
        licence="Licenza art. 115 TULPS n. 2187/2019 rilasciata dalla Questura di Milano",
        iban="IT60X0542811101000000123456",  # the collection account (payments.demo registers it)
    )
    actor = system_actor(tenant)
    # Demo password and TOTP secret are public by design: only this loader sets them, without the validators.
    users = users_seed(
        tenant=tenant,
        actor=actor,
        users=[
            dict(
                username=username,
                role=role.value,
                first_name=first,
                last_name=last,
                email=f"{username}@recupero-demo.it",
                is_staff=role == Role.ADMIN,
            )
            for username, role, first, last, _ in USERS
        ],
        password=PASSWORD,
        totp_hex=DEMO_TOTP_HEX,
    )
    rows = 1 + len(users) + sum(two_factor_required(u.role) for u in users.values())
    refs = []
    for number, plan in enumerate(CREDITORS, start=1):
        creditor, assignments = _creditor(tenant, actor, number, plan, users[CONSULTANT_OF[plan.code]])
        consultant = users[CONSULTANT_OF[plan.code]]
        refs.append(CreditorRef(creditor.pk, plan.code, plan.sector, consultant.pk, assignments))
        rows += 3 + len(assignments)
    for username, *_rest, creditor_code in USERS:
        if creditor_code:
            creditor_id = next(r.id for r in refs if r.code == creditor_code)
            user_creditor_set(tenant=tenant, actor=actor, user=users[username], creditor_id=creditor_id)
    return tenant, users, refs, rows


def _creditor(
    tenant: Tenant, actor: User, number: int, plan: CreditorPlan, consultant: User
) -> tuple[Creditor, list[tuple[int, AssignmentPlan]]]:
    """One creditor of the demo with its consultant, mandate and assignments, through parties' and cases' services."""
    vat = vat_number(1_000_000 * number + 234_567, (15, 58, 17)[number - 1])
    slug = plan.code.lower().replace("demo-", "")
    creditor = creditor_create(
        tenant=tenant,
        actor=actor,
        code=plan.code,
        name=plan.name,
        sector=plan.sector,
        vat_number=vat,
        tax_code=vat,
        pec=f"recupero.crediti@pec.{slug}-demo.it",
        primary_colour=plan.primary_colour,
        secondary_colour=plan.secondary_colour,
        signature=f"Ufficio Recupero Crediti — {plan.name}",
        contact_phone=f"+39800{100_000 + number * 1111}",
        contact_email=f"crediti@{slug}-demo.it",
        iban=_iban(
            ("02008", "05034", "03069")[number - 1],
            ("01600", "11701", "01234")[number - 1],
            200000000000 + number,
        ),
    )
    creditor_consultant_add(tenant=tenant, actor=actor, creditor=creditor, user=consultant)
    mandate_create(
        tenant=tenant,
        actor=actor,
        creditor=creditor,
        reference=f"MAND-{plan.assignment_prefix}-2019",
        commission_percent=Decimal(plan.commission_percent),
        max_discount_percent=Decimal(plan.max_discount_percent),
        max_instalments=plan.max_instalments,
        min_instalment=Decimal(plan.min_instalment),
        allowed_channels=list(plan.channels),
        contact_window=plan.contact_window,
        starts_on=dt.date(2019, 1, 1),
        strategy_code=f"{plan.sector}-standard",
        waive_flat_compensation=plan.sector != "supplier",
        # the supplier's debtors pay it directly (it reports the payments); the others pay the agency
        payee="creditor" if plan.sector == "supplier" else "agency",
    )
    assignments = []
    for a in assignments_for(plan):
        made = assignment_create(
            tenant=tenant,
            actor=actor,
            creditor=creditor,
            code=a.code,
            received_on=a.received_on,
            return_on=a.return_on,
        )
        if a.returned:  # handed back before any case of the demo is in it
            assignment_return_cases(
                tenant=tenant, actor=actor, assignment=made, on=a.return_on, reason="rientro"
            )
        assignments.append((made.pk, a))
    return creditor, assignments


# ---- the load ----------------------------------------------------------------------------------------------
def demo_load(
    *,
    cases: int = 6000,
    seed: int = 1,
    reset: bool = False,
    progress: Callable[[int, int, float], None] | None = None,
    bank_statement: bool = False,
) -> LoadResult:
    """Load the demo agency with `cases` cases, all or nothing (one transaction). With `reset`, an existing demo
    tenant is deleted first; without it, an existing demo is left alone (`skipped`)."""
    started = time.perf_counter()
    if Tenant.objects.filter(code=TENANT_CODE).exists():
        if not reset:
            return LoadResult(cases=0, seed=seed, seconds=0.0, rows=0, vendor=connection.vendor, skipped=True)
        demo_purge()
    bulk = Bulk()
    with transaction.atomic():
        _constraints_immediate()
        tenant, _users, refs, setup_rows = _setup(seed)
        actor = system_actor(tenant)
        setup_rows += remittance_terms(tenant)
        setup_rows += arrangement_policies(tenant)
        setup_rows += desk_demo(tenant, _users)  # the collector's desk: a team and its rules
        counters = Counters(ids={t: bulk.next_id(t) for t in TABLES}, seq=1)
        generator = ChunkGenerator(tenant.pk, seed, refs, counters, bulk.ts)
        big = cases >= BIG_LOAD and _count("cases_case") <= cases
        indexes = _drop_secondary_indexes() if big else []
        done = 0
        for size, rows in _chunks_ahead(generator, cases):
            _write_chunk(bulk, tenant, actor, rows)
            done += size
            if progress:
                progress(done, bulk.rows + setup_rows, time.perf_counter() - started)
        _create_indexes(indexes)
        bulk.fix_sequences()
        total = bulk.rows + setup_rows + 1
        audit_record(
            tenant=tenant,
            actor=actor,
            action="demo.load",
            object_type="core.tenant",
            object_id=str(tenant.pk),
            details={"cases": cases, "seed": seed, "rows": total},
        )
        if bank_statement:  # the collection account and a month's bank statement (recupero/demo/payments.py)
            demo_payments(tenant)
        link = demo_links(tenant)  # the debtors' personal links of the first cases (recupero/demo/access.py)
    _analyze(bulk.vendor)
    seconds = time.perf_counter() - started
    return LoadResult(
        cases=cases,
        seed=seed,
        seconds=seconds,
        rows=total,
        per_table={"setup": setup_rows, **bulk.per_table},
        vendor=bulk.vendor,
        link=link,
    )


def _constraints_immediate() -> None:
    if connection.vendor == "postgresql":
        # Check foreign keys row by row: deferred to commit, PostgreSQL would queue millions of trigger
        # events in memory (and refuse CREATE INDEX on a table with pending ones).
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _write_chunk(bulk: Bulk, tenant: Tenant, actor: User, rows: dict[str, list[tuple[object, ...]]]) -> None:
    """One chunk's rows, table by table, through the owners' bulk modules (issue 11 item 1)."""
    for table in TABLES:
        WRITERS[table](tenant=tenant, actor=actor, bulk=bulk, rows=rows[table])


def _chunks_ahead(
    generator: ChunkGenerator, cases: int
) -> Iterator[tuple[int, dict[str, list[tuple[object, ...]]]]]:
    """The chunks, generated one ahead in a thread: Python builds chunk k+1 while the database (SQLite's C code
    without the GIL, or the PostgreSQL server) stores chunk k. Still deterministic: one thread generates, in order."""
    ahead: queue.Queue[tuple[int, dict[str, list[tuple[object, ...]]]] | BaseException | None] = queue.Queue(
        1
    )

    def produce() -> None:
        try:
            done = 0
            for index in range((cases + CHUNK - 1) // CHUNK):
                size = min(CHUNK, cases - done)
                ahead.put((size, generator.chunk(index, size)))
                done += size
            ahead.put(None)
        except BaseException as exc:  # handed to the consumer, re-raised there
            ahead.put(exc)

    thread = threading.Thread(target=produce, name="demo-generator", daemon=True)
    thread.start()
    while (item := ahead.get()) is not None:
        if isinstance(item, BaseException):
            raise item
        yield item
    thread.join()


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        return int(cursor.fetchone()[0])


def _drop_secondary_indexes() -> list[str]:
    """For a big load into (nearly) empty tables: drop the plain secondary indexes of the bulk tables and return
    their DDL; building them once at the end is several times faster than maintaining them row by row. Unique
    and primary-key indexes stay, so constraints are enforced throughout. The whole load is one transaction
    (DDL is transactional on both databases): a crash leaves the indexes as they were."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            marks = ", ".join(["%s"] * len(TABLES))
            cursor.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({marks})",
                list(TABLES),
            )
        else:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                "AND tablename = ANY(%s) AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                [list(TABLES)],
            )
        found = [(n, sql) for n, sql in cursor.fetchall() if not sql.upper().startswith("CREATE UNIQUE")]
        for name, _sql in found:
            cursor.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in found]


def _create_indexes(ddl: list[str]) -> None:
    with connection.cursor() as cursor:
        if ddl and connection.vendor == "postgresql":
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for sql in ddl:
            cursor.execute(sql)


def _analyze(vendor: str) -> None:
    """Fresh planner statistics after a bulk load (the case list's plans depend on them)."""
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            # A full ANALYZE: with `PRAGMA analysis_limit` SQLite estimates ~1000 rows per tenant_id (there is
            # one tenant) and then walks a million cases through the tenant index instead of the debtor indexes.
            cursor.execute("ANALYZE")
        else:
            for table in TABLES:
                cursor.execute(f'ANALYZE "{table}"')
