"""Portfolio intake, pure layer (no Django): parse an affido file, map its columns, validate, report errors.

Pipeline
    bytes ──sniff.read_any──▶ RawTable (every cell the original text, ROW = row number in the file)
        csv_reader.read_csv      CSV: encoding (UTF-8/BOM, cp1252, latin-1), delimiter and header sniffed;
                                 polars reads every cell as text
        xlsx_reader.read_xlsx    XLSX: python-calamine; header row found among the first 20 rows
        fatturapa.read_fatturapa XML FPR12/FPA12, .p7m (DER or base64), zip of many; one row per instalment
    RawTable + mapping.MappingProfile ──validate.validate──▶ ValidationResult(records, errors)
        mapping.suggest_mapping  header names (IT/EN, accent/case/punctuation-insensitive) -> fields
        validate                 columnar checks in polars; codes via recupero.law.codes, once per value
    errors + RawTable ──report.write_xlsx / write_csv──▶ the file the creditor fixes and resends

Whole-file refusals raise `errors.IntakeError` (code + Italian message):
    import.file_too_large, import.file_empty, import.unknown_format, import.row_too_large,
    import.too_many_rows, import.csv_malformed, import.no_header, import.xlsx_malformed,
    import.sheet_not_found, import.xml_hostile, import.xml_malformed, import.zip_bomb, import.zip_malformed,
    import.p7m_malformed, import.fatturapa.not_invoice, import.fatturapa.no_debtor,
    import.fatturapa.no_general_data
File/invoice warnings are `errors.Notice`:
    import.seller_mismatch, import.csv_ragged, import.fatturapa.incomplete, import.fatturapa.total_computed,
    import.zip_member_skipped (and a refused document inside a zip, under its own code)
Row problems are `errors.RowError` (row, field, code, Italian message, original value, severity):
    import.row.missing_field, import.row.bad_tax_code, import.row.bad_vat_number, import.row.bad_iban,
    import.row.bad_phone, import.row.bad_email, import.row.bad_cap, import.row.unknown_province,
    import.row.cap_province_mismatch (CAP not in the province's ISTAT list), import.row.bad_amount,
    import.row.zero_amount, import.row.negative_amount, import.row.outstanding_exceeds_amount,
    import.row.bad_date, import.row.due_before_issue, import.row.duplicate, import.row.bad_choice,
    import.row.value_too_long (the database column's length); with validate(..., commit=True) also
    import.row.missing_identity, import.row.credit_note; warnings import.row.province_abolished,
    import.row.address_incomplete. The intake services add import.row.debtor_conflict.
"""

from recupero.imports.domain.errors import IntakeError, Notice, RowError
from recupero.imports.domain.limits import DEFAULT_LIMITS, Limits
from recupero.imports.domain.mapping import FIELDS, MappingProfile, suggest_mapping
from recupero.imports.domain.sniff import detect_format, read_any
from recupero.imports.domain.table import ROW, RawTable
from recupero.imports.domain.validate import AffidoRecord, ValidationResult, validate

__all__ = [
    "DEFAULT_LIMITS",
    "FIELDS",
    "ROW",
    "AffidoRecord",
    "IntakeError",
    "Limits",
    "MappingProfile",
    "Notice",
    "RawTable",
    "RowError",
    "ValidationResult",
    "detect_format",
    "read_any",
    "suggest_mapping",
    "validate",
]
