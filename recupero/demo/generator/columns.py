"""The demo's bulk tables, in insert order (a table's rows only refer to tables written before it), and the
owners' bulk writer of each: the generator's row tuples follow the writer's column list, which each owner derives
from its model (`parties.bulk`, `cases.bulk`, `ledger.bulk`; issue 11 item 1)."""

from recupero.cases import bulk as cases_bulk
from recupero.ledger import bulk as ledger_bulk
from recupero.parties import bulk as parties_bulk

CHUNK = 20_000

WRITERS = {
    parties_bulk.DEBTORS: parties_bulk.debtor_rows_write,
    parties_bulk.CONTACTS: parties_bulk.contact_rows_write,
    cases_bulk.CASES: cases_bulk.case_rows_write,
    cases_bulk.CLAIMS: cases_bulk.claim_rows_write,
    ledger_bulk.ENTRIES: ledger_bulk.entry_rows_write,
    cases_bulk.TIMELINE: cases_bulk.timeline_rows_write,
}
# Insert order: a table's rows only refer to tables written before it.
TABLES = tuple(WRITERS)
