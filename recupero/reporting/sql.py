"""The set-based statements of the nightly snapshot (one INSERT … SELECT per table, SQLite and PostgreSQL).

Amounts are account balances read from the ledger (debits minus credits), so a reversal — the same amount with
the accounts swapped — cancels its entry without a special case: collected is the balance of
`payments_received` (and `paid_to_creditor` for pagamenti diretti), assigned the credit balance of `assigned`.
Dates differ between the two databases only in the few expressions of `dialect()`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from recupero.cases.domain.states import OPEN_STATUSES

PAID_ACCOUNTS = ("payments_received", "paid_to_creditor")
RECEIVABLES = ("principal", "late_interest", "flat_compensation", "collection_costs")
# Work item outcomes that mean the debtor was reached (right-party contact: spoke with the debtor).
REACHED = ("promise", "dispute", "call_back", "met", "right_party", "refused", "plan", "settlement")
CONTACT_KINDS = ("call", "visit")
OPEN = tuple(sorted(s.value for s in OPEN_STATUSES))


@dataclass(frozen=True)
class Dialect:
    days_between: str  # format with {a}, {b}: whole days from b to a
    month_of: str  # format with {d}: 'YYYY-MM'
    plus_days: str  # format with {d}, {n}
    date_of: str  # format with {t}: the UTC date of a timestamp
    seconds_between: str  # format with {a}, {b}: seconds from timestamp b to timestamp a
    json_text: str  # format with {col}, {key}: a JSON object's text value


SQLITE = Dialect(
    days_between="CAST(julianday({a}) - julianday({b}) AS INTEGER)",
    month_of="strftime('%%Y-%%m', {d})",
    plus_days="date({d}, '+{n} days')",
    date_of="date({t})",
    seconds_between="((julianday({a}) - julianday({b})) * 86400.0)",
    json_text="json_extract({col}, '$.{key}')",
)
POSTGRES = Dialect(
    days_between="({a} - {b})",
    month_of="to_char({d}, 'YYYY-MM')",
    plus_days="({d} + {n})",
    date_of="CAST({t} AT TIME ZONE 'UTC' AS date)",
    seconds_between="EXTRACT(EPOCH FROM ({a} - {b}))",
    json_text="({col} ->> '{key}')",
)


def dialect(vendor: str) -> Dialect:
    return POSTGRES if vendor == "postgresql" else SQLITE


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _balance(account: str, sign: int = 1) -> str:
    """Debit balance of one account (sign -1: credit balance)."""
    first, second = ("debit_account", "credit_account") if sign > 0 else ("credit_account", "debit_account")
    return f"SUM(CASE WHEN {first} = '{account}' THEN amount WHEN {second} = '{account}' THEN -amount ELSE 0 END)"


def _receivables() -> str:
    acc = _in(RECEIVABLES)
    return (
        f"SUM(CASE WHEN debit_account IN {acc} THEN amount ELSE 0 END)"
        f" - SUM(CASE WHEN credit_account IN {acc} THEN amount ELSE 0 END)"
    )


def ledger_by_case(d: Dialect) -> str:
    """Per case: the balances of the entries up to the high-water mark."""
    return f"""
        SELECT case_id,
               {_balance("assigned", -1)} AS assigned,
               {_balance("payments_received")} AS collected,
               {_balance("paid_to_creditor")} AS collected_direct,
               {_balance("write_offs")} AS written_off,
               {_balance("credits")} AS credited,
               {_receivables()} AS outstanding
          FROM ledger_ledgerentry
         WHERE tenant_id = %(tenant)s AND id <= %(upto)s
         GROUP BY case_id"""


# Per case balances up to the mark, aggregated once per build into a temporary table and joined by the
# snapshot and the ageing (one pass over the ledger instead of two).
BOOKS = "reporting_case_books"


def books_create(d: Dialect) -> str:
    return f"CREATE TEMPORARY TABLE {BOOKS} AS {ledger_by_case(d)}"


def books_drop() -> str:
    return f"DROP TABLE {BOOKS}"


def first_payment_by_case() -> str:
    """Per case: the day of its first payment not reversed (a bounced cheque is no first payment)."""
    return f"""
        SELECT e.case_id, MIN(e.posted_on) AS first_paid
          FROM ledger_ledgerentry e
          LEFT JOIN ledger_ledgerentry r ON r.reverses_id = e.id AND r.id <= %(upto)s
         WHERE e.tenant_id = %(tenant)s AND e.id <= %(upto)s AND e.kind = 'payment'
           AND e.debit_account IN {_in(PAID_ACCOUNTS)} AND r.id IS NULL
         GROUP BY e.case_id"""


def snapshot_insert(d: Dialect) -> str:
    days = d.days_between.format(a="fp.first_paid", b="c.opened_on")
    return f"""
        INSERT INTO reporting_snapshot
            (tenant_id, day, creditor_id, assignment_id, collector_id, step_code, status, cases, assigned,
             collected, collected_direct, written_off, credited, outstanding, paid_cases, first_payment_days,
             contacts_attempted, contacts_reached)
        SELECT c.tenant_id, %(day)s, c.creditor_id, c.assignment_id, c.consultant_id, c.step_code, c.status,
               COUNT(*), COALESCE(SUM(l.assigned), 0), COALESCE(SUM(l.collected), 0),
               COALESCE(SUM(l.collected_direct), 0), COALESCE(SUM(l.written_off), 0),
               COALESCE(SUM(l.credited), 0), COALESCE(SUM(l.outstanding), 0),
               COUNT(fp.first_paid), COALESCE(SUM({days}), 0),
               COALESCE(SUM(w.attempted), 0), COALESCE(SUM(w.reached), 0)
          FROM (SELECT cc.id, cc.tenant_id, cc.creditor_id, cc.assignment_id, cc.consultant_id, cc.status,
                       cc.opened_on,
                       COALESCE((SELECT s.step_code FROM strategies_stepexecution s
                                  WHERE s.case_id = cc.id AND s.scheduled_for <= %(day)s
                                  ORDER BY s.scheduled_for DESC, s.id DESC LIMIT 1), '') AS step_code
                  FROM cases_case cc
                 WHERE cc.tenant_id = %(tenant)s AND cc.id <= %(case_upto)s) c
          LEFT JOIN {BOOKS} l ON l.case_id = c.id
          LEFT JOIN ({first_payment_by_case()}) fp ON fp.case_id = c.id
          LEFT JOIN (SELECT case_id, COUNT(*) AS attempted,
                            SUM(CASE WHEN outcome IN {_in(REACHED)} THEN 1 ELSE 0 END) AS reached
                       FROM worklists_workitem
                      WHERE tenant_id = %(tenant)s AND status = 'done' AND kind IN {_in(CONTACT_KINDS)}
                        AND done_at < %(next_day)s
                      GROUP BY case_id) w ON w.case_id = c.id
         GROUP BY c.tenant_id, c.creditor_id, c.assignment_id, c.consultant_id, c.step_code, c.status"""


def months_select(d: Dialect, when: str, scope: str = "") -> str:
    """Collected per assignment and month of posting, for the entries matching `when` (and `scope`)."""
    paid = _in(PAID_ACCOUNTS)
    month = d.month_of.format(d="e.posted_on")
    return f"""
        SELECT e.tenant_id, c.creditor_id, c.assignment_id, {month} AS month,
               SUM(CASE WHEN e.debit_account IN {paid} THEN e.amount ELSE -e.amount END) AS collected
          FROM ledger_ledgerentry e JOIN cases_case c ON c.id = e.case_id
         WHERE e.tenant_id = %(tenant)s AND {when} {scope}
           AND (e.debit_account IN {paid} OR e.credit_account IN {paid})
         GROUP BY e.tenant_id, c.creditor_id, c.assignment_id, {month}"""


def months_insert(d: Dialect) -> str:
    return f"""
        INSERT INTO reporting_collectionmonth (tenant_id, creditor_id, assignment_id, month, collected, day)
        SELECT s.*, %(day)s FROM ({months_select(d, "e.id <= %(upto)s")}) s"""


def _unit_cost(costs: dict[str, Decimal]) -> str:
    """The unit cost of an execution by its channel, as a CASE over validated Decimal literals."""
    whens = " ".join(f"WHEN '{channel}' THEN {Decimal(cost):f}" for channel, cost in sorted(costs.items())
                     if channel.isidentifier())  # fmt: skip
    return f"CASE x.channel {whens} ELSE 0 END" if whens else "0"


def steps_insert(d: Dialect, costs: dict[str, Decimal]) -> str:
    """Per strategy step: cases reached, those paying within 30 days, and what the step's executions cost
    (summed apart, then joined: the payments' join would count an execution once per paying day)."""
    paid = _in(PAID_ACCOUNTS)
    until = d.plus_days.format(d="s.scheduled_for", n=30)
    return f"""
        INSERT INTO reporting_stepfigure
            (tenant_id, day, strategy_code, step_code, cases, paid_30, collected_30, cost)
        SELECT s.tenant_id, %(day)s, s.strategy_code, s.step_code, COUNT(DISTINCT s.case_id),
               COUNT(DISTINCT CASE WHEN p.amount > 0 THEN s.case_id END), COALESCE(SUM(p.amount), 0),
               COALESCE(MAX(k.cost), 0)
          FROM strategies_stepexecution s
          LEFT JOIN (SELECT x.strategy_code, x.step_code, SUM({_unit_cost(costs)}) AS cost
                       FROM strategies_stepexecution x
                      WHERE x.tenant_id = %(tenant)s AND x.scheduled_for <= %(day)s AND x.status = 'done'
                      GROUP BY x.strategy_code, x.step_code) k
            ON k.strategy_code = s.strategy_code AND k.step_code = s.step_code
          LEFT JOIN (SELECT e.case_id, e.posted_on,
                            SUM(CASE WHEN e.debit_account IN {paid} THEN e.amount ELSE -e.amount END) AS amount
                       FROM ledger_ledgerentry e
                      WHERE e.tenant_id = %(tenant)s AND e.posted_on <= %(day)s
                        AND (e.debit_account IN {paid} OR e.credit_account IN {paid})
                      GROUP BY e.case_id, e.posted_on) p
            ON p.case_id = s.case_id AND p.posted_on >= s.scheduled_for AND p.posted_on <= {until}
         WHERE s.tenant_id = %(tenant)s AND s.scheduled_for <= %(day)s AND s.status = 'done'
         GROUP BY s.tenant_id, s.strategy_code, s.step_code"""


def delta_select() -> str:
    """What the ledger booked after the snapshot's high-water mark, per creditor × assignment × collector (the
    "today"), and the cases opened after it (each has its opening entries then). `{scope}` may add conditions."""
    return f"""
        SELECT c.creditor_id, c.assignment_id, c.consultant_id,
               {_balance("assigned", -1)},
               {_balance("payments_received")}, {_balance("paid_to_creditor")},
               {_balance("write_offs")}, {_balance("credits")}, {_receivables()},
               COUNT(DISTINCT CASE WHEN c.id > %(case_upto)s THEN c.id END)
          FROM ledger_ledgerentry e JOIN cases_case c ON c.id = e.case_id
         WHERE e.id > %(upto)s AND e.tenant_id = %(tenant)s {{scope}}
         GROUP BY c.creditor_id, c.assignment_id, c.consultant_id"""


def ageing_insert(d: Dialect) -> str:
    """Open cases per creditor and earliest due date (the opening day when none), outstanding from the books."""
    return f"""
        INSERT INTO reporting_ageingfigure (tenant_id, day, creditor_id, due_on, cases, outstanding)
        SELECT c.tenant_id, %(day)s, c.creditor_id, COALESCE(c.first_due_on, c.opened_on), COUNT(*),
               COALESCE(SUM(l.outstanding), 0)
          FROM cases_case c
          LEFT JOIN {BOOKS} l ON l.case_id = c.id
         WHERE c.tenant_id = %(tenant)s AND c.id <= %(case_upto)s AND c.status IN {_in(OPEN)}
         GROUP BY c.tenant_id, c.creditor_id, COALESCE(c.first_due_on, c.opened_on)"""


def credited_collector(d: Dialect) -> str:
    """The collector a payment entry `e` is credited to: the last right-party contact on its case (a done call
    or visit, reached) on the day of the payment or in the 30 days before (UTC dates), else NULL."""
    contact_day = d.date_of.format(t="w.done_at")
    return f"""(SELECT w.done_by_id FROM worklists_workitem w
                  WHERE w.tenant_id = e.tenant_id AND w.case_id = e.case_id AND w.status = 'done'
                    AND w.kind IN {_in(CONTACT_KINDS)} AND w.outcome IN {_in(REACHED)}
                    AND {contact_day} <= e.posted_on AND e.posted_on <= {d.plus_days.format(d=contact_day, n=30)}
                  ORDER BY w.done_at DESC, w.id DESC LIMIT 1)"""


def collector_months_select(d: Dialect, when: str, scope: str = "") -> str:
    """Collected (net of reversals) per month of posting, creditor and credited collector."""
    paid = _in(PAID_ACCOUNTS)
    return f"""
        SELECT month, creditor_id, collector_id, SUM(amount) FROM (
            SELECT {d.month_of.format(d="e.posted_on")} AS month, c.creditor_id,
                   {credited_collector(d)} AS collector_id,
                   CASE WHEN e.debit_account IN {paid} THEN e.amount ELSE -e.amount END AS amount
              FROM ledger_ledgerentry e JOIN cases_case c ON c.id = e.case_id
             WHERE e.tenant_id = %(tenant)s AND {when} {scope}
               AND (e.debit_account IN {paid} OR e.credit_account IN {paid})) t
         GROUP BY month, creditor_id, collector_id"""


def collector_months_insert(d: Dialect) -> str:
    """The month of the snapshot's day (and later postings up to the mark), credited to collectors."""
    select = collector_months_select(d, "e.id <= %(upto)s AND e.posted_on >= %(month_start)s")
    return f"""
        INSERT INTO reporting_collectormonth (tenant_id, day, month, creditor_id, collector_id, collected)
        SELECT %(tenant)s, %(day)s, s.* FROM ({select}) s"""


def worked_select(d: Dialect) -> str:
    """Per person, the seconds worked from `since` to `until`: the sum of the gaps shorter than 15 minutes
    between their consecutive audited acts (every service write and every case opened leaves one), i.e. the
    span of each block of activity (`domain.figures.worked_seconds`)."""
    # Whole seconds: SQLite's julianday arithmetic is floating point (15 minutes may come out as 899.99999).
    gap = "ROUND(" + d.seconds_between.format(a="at", b="previous") + ")"
    return f"""
        SELECT actor_id, SUM(CASE WHEN previous IS NOT NULL AND {gap} < 900 THEN {gap} ELSE 0 END)
          FROM (SELECT actor_id, at, LAG(at) OVER (PARTITION BY actor_id ORDER BY at, id) AS previous
                  FROM core_auditlog
                 WHERE tenant_id = %(tenant)s AND at >= %(since)s AND at < %(until)s
                   AND actor_id IS NOT NULL) t
         GROUP BY actor_id"""


def status_moves_select(d: Dialect, scope: str = "") -> str:
    """The case status moves after the snapshot's timeline mark, of the cases the snapshot holds, counted per
    (from, to): the counts by state are the snapshot's plus these (cases opened later are counted live)."""
    source, target = d.json_text.format(col="t.data", key="from"), d.json_text.format(col="t.data", key="to")
    return f"""
        SELECT {source}, {target}, COUNT(*)
          FROM cases_timelineevent t JOIN cases_case c ON c.id = t.case_id
         WHERE t.tenant_id = %(tenant)s AND t.id > %(timeline_upto)s AND t.kind = 'case.status'
           AND t.case_id <= %(case_upto)s {scope}
         GROUP BY {source}, {target}"""
