"""Portfolio intake at scale: a 1,000,000-row affido CSV parsed, validated, compared and committed, on SQLite and
PostgreSQL, against the raw floor of the same run (polars read + SQLite executemany / PostgreSQL COPY of the same
rows into a bare table); plus a 200,000-row XLSX and a zip of 10,000 FatturaPA invoices.

    .venv/bin/python benchmarks/intake.py [--rows 1000000] [--xlsx-rows 200000] [--invoices 10000]
                                          [--skip-postgres] [--database-url postgres://...]

Files are generated deterministically (names and codes from recupero.demo) into $TMPDIR/recupero-bench/ and
reused. Every measurement runs in its own subprocess (fresh database: SQLite file / PostgreSQL database
recupero_bench_intake), so peak memory (ru_maxrss) is that of the process doing the work. Targets: 1M rows on
SQLite <= 60 s; PostgreSQL <= 3x its raw floor; peak memory <= 2 GB; XLSX 200k <= 30 s. LAST line: one JSON object.
"""

from __future__ import annotations

import sys

# benchmarks/ itself must not be on the path: benchmarks/email.py would shadow the standard library's `email`
sys.path[:] = [p for p in sys.path if p.rstrip("/").split("/")[-1] != "benchmarks"]

import argparse  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import zipfile  # noqa: E402
from pathlib import Path  # noqa: E402
from xml.sax.saxutils import escape  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.gettempdir()) / "recupero-bench"
PG_URL = "postgres://postgres@127.0.0.1:5432/recupero_bench_intake"
HEADERS = [
    "Codice cliente",
    "Codice Fiscale",
    "P.IVA",
    "Cognome",
    "Nome",
    "Ragione sociale",
    "Indirizzo",
    "CAP",
    "Comune",
    "Provincia",
    "Telefono",
    "Cellulare",
    "E-mail",
    "PEC",
    "Nr. documento",
    "Data documento",
    "Data scadenza",
    "Importo",
    "Residuo",
    "Tipo credito",
    "POD",
    "Contratto",
    "Descrizione",
    "IBAN",
    "Note",
]


# ---- deterministic data -------------------------------------------------------------------------------------
def affido_rows(count: int, seed: int = 7):
    """~1.6 invoices per case, one debtor per case (8% are companies), ISTAT places with their real CAPs."""
    from recupero.demo.domain import names
    from recupero.law.codegen import tax_code, vat_number
    from recupero.parties.domain.geo import municipalities

    rng = random.Random(seed)
    places = [m for m in municipalities() if m.caps and m.belfiore]
    made, case, seen = 0, 0, set()
    while made < count:
        case += 1
        place = places[int(rng.random() * len(places))]
        company = rng.random() < 0.08
        surname = names.SURNAMES[int(len(names.SURNAMES) * rng.random() ** 1.5)]
        if company:
            cf = vat = vat_number(case, 1 + case % 100)
            first, last, firm = (
                "",
                "",
                f"{surname} {names.COMPANY_WORDS[case % len(names.COMPANY_WORDS)]} S.r.l.",
            )
        else:
            female = rng.random() < 0.5
            first = (names.FEMALE if female else names.MALE)[int(rng.random() * 60)]
            while True:
                cf = tax_code(
                    surname=surname,
                    name=first,
                    year=1940 + int(rng.random() * 60),
                    month=1 + int(rng.random() * 12),
                    day=1 + int(rng.random() * 28),
                    female=female,
                    belfiore=places[int(rng.random() * len(places))].belfiore,
                )
                if cf not in seen:
                    seen.add(cf)
                    break
            vat, last, firm = "", surname, ""
        mobile = f"3{rng.choice('2345679')}{int(rng.random() * 10**8):08d}"
        email = f"{first.lower() or 'amministrazione'}.{surname.lower().replace(' ', '').replace(chr(39), '')}{case % 97}@example.it"
        street = f"{names.STREETS[case % len(names.STREETS)]} {1 + case % 150}"
        for k in range(1 + int(rng.random() ** 2 * 3)):
            if made >= count:
                break
            amount = 2000 + int(rng.random() * 200000)
            issued_month = 1 + (case + k) % 12
            rows = [
                f"C{case:08d}",
                cf,
                vat,
                last,
                first,
                firm,
                street,
                place.caps[0],
                place.name,
                place.province,
                "",
                mobile,
                email,
                "",
                f"F{case:08d}-{k}",
                f"{10 + k:02d}/{issued_month:02d}/2025",
                f"{28:02d}/{issued_month:02d}/2025",
                f"{amount // 100},{amount % 100:02d}",
                f"{amount // 100},{amount % 100:02d}",
                "luce",
                f"IT001E{case:08d}",
                f"K{case:07d}",
                f"Fornitura energia elettrica {issued_month:02d}/2025",
                "",
                "",
            ]
            made += 1
            yield rows


def make_csv(count: int) -> Path:
    path = WORK / f"affido-{count}.csv"
    if not path.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as out:
            out.write(";".join(HEADERS) + "\n")
            for r in affido_rows(count):
                out.write(";".join(r) + "\n")
    return path


def make_xlsx(count: int) -> Path:
    """A minimal XLSX written by hand (inline strings, numbers for amounts): openpyxl would take minutes."""
    path = WORK / f"affido-{count}.xlsx"
    if path.exists():
        return path
    WORK.mkdir(parents=True, exist_ok=True)

    def cell(value: str, numeric: bool = False) -> str:
        return (
            f'<c t="n"><v>{value}</v></c>'
            if numeric
            else f'<c t="inlineStr"><is><t>{escape(value)}</t></is></c>'
        )

    def sheet():
        yield '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        yield "<row>" + "".join(cell(h) for h in HEADERS) + "</row>"
        for r in affido_rows(count, seed=11):
            amount = r[17].replace(",", ".")
            yield (
                "<row>"
                + "".join(cell(amount, True) if i in (17, 18) else cell(v) for i, v in enumerate(r))
                + "</row>"
            )
        yield "</sheetData></worksheet>"

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Affido" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        z.writestr("xl/worksheets/sheet1.xml", "".join(sheet()))
    return path


def make_fatturapa_zip(count: int) -> Path:
    """`count` invoices: the official FPR02 sample with a different debtor (valid CF) and number each."""
    path = WORK / f"fatture-{count}.zip"
    if path.exists():
        return path
    template = (
        Path(__file__).resolve().parents[2] / "shared" / "samples" / "fatturapa" / "IT01234567890_FPR02.xml"
    ).read_text(encoding="utf-8")
    rows = affido_rows(count, seed=13)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n in range(count):
            r = next(rows)
            xml = template.replace(
                "<CodiceFiscale>09876543210</CodiceFiscale>", f"<CodiceFiscale>{r[1]}</CodiceFiscale>"
            )
            xml = xml.replace("<Numero>123</Numero>", f"<Numero>{n + 1}</Numero>")
            z.writestr(f"IT01234567890_{n + 1:05d}.xml", xml)
    return path


# ---- workers ------------------------------------------------------------------------------------------------
def _django(database_url: str | None, var_dir: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ["RECUPERO_VAR_DIR"] = var_dir
    os.environ["LOG_LEVEL"] = "WARNING"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _peak_mb() -> float:
    """The process's peak, or its reader child's (recupero.imports.sandbox) if that was higher."""
    from recupero.imports.sandbox import children_peak_mb

    return max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, children_peak_mb())


def worker_pipeline(path: str, database_url: str | None, var_dir: str) -> dict:
    _django(database_url, var_dir)
    from django.db import connection

    from recupero.core.permissions import system_actor
    from recupero.imports import services
    from recupero.parties.services import creditor_create
    from tests.factories import make_tenant

    tenant = make_tenant("bench")
    actor = system_actor(tenant)  # a command run from a shell: the agency itself (an actor is never None)
    creditor = creditor_create(
        tenant=tenant, actor=actor, code="BENCH", name="Bench", sector="utility", vat_number="01114601006"
    )
    data = Path(path).read_bytes()
    t0 = time.perf_counter()
    batch = services.batch_upload(
        tenant=tenant,
        actor=actor,
        creditor=creditor,
        files=[(Path(path).name, data)],
        assignment_code="BENCH-1",
        enqueue=False,
    )
    del data
    t1 = time.perf_counter()
    batch = services.batch_parse(batch.pk)
    t2 = time.perf_counter()
    parse_peak = _peak_mb()  # ru_maxrss so far: upload + read + validate + compare; peak_mb adds the commit
    batch = services.batch_commit(batch.pk)
    t3 = time.perf_counter()
    p = batch.preview
    floor = _schema_floor(batch.result.get("written", {})) if connection.vendor == "postgresql" else {}
    return {
        **floor,
        "vendor": connection.vendor,
        "rows": p["rows"],
        "status": batch.status,
        "cases": p["cases"]["new"],
        "claims": p["claims"]["new"],
        "debtors": p["debtors"]["new"],
        "contacts": p["contacts_new"],
        "errors": p["error_count"],
        "warnings": p["warning_count"],
        "upload_s": round(t1 - t0, 2),
        "parse_s": round(t2 - t1, 2),
        "commit_s": round(t3 - t2, 2),
        "total_s": round(t3 - t0, 2),
        "rows_per_s": round(p["rows"] / (t3 - t0)),
        "peak_mb": round(_peak_mb()),
        "parse_peak_mb": round(parse_peak),
        "load": [round(x, 2) for x in os.getloadavg()],  # shared machine: compare ratios, not seconds
        "written": batch.result.get("written", {}),
    }


def _schema_floor(written: dict) -> dict:
    """The database's own cost for the rows the commit wrote: each table copied server-side into an empty twin with
    the same columns, CHECK and unique constraints and indexes (no foreign keys), in one transaction. What is left
    between this and the pipeline is the importer's own work (parse, validate, plan, key checks)."""
    from django.db import connection, transaction

    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table in written:
            cursor.execute(f'CREATE TEMP TABLE "twin_{table}" (LIKE "{table}" INCLUDING ALL)')
            cursor.execute(f'INSERT INTO "twin_{table}" SELECT * FROM "{table}"')
        seconds = time.perf_counter() - t0
        transaction.set_rollback(True)
    return {"schema_floor_s": round(seconds, 2), "schema_floor_rows": sum(written.values())}


def worker_floor(path: str, database_url: str | None, var_dir: str) -> dict:
    """The same rows read by polars and stored as text in a bare table: what no importer can beat."""
    _django(database_url, var_dir)
    import polars as pl
    from django.db import connection, transaction

    t0 = time.perf_counter()
    frame = pl.read_csv(path, separator=";", infer_schema=False)
    cols = ", ".join(f"c{i} TEXT" for i in range(frame.width))
    names = ", ".join(f"c{i}" for i in range(frame.width))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_floor")
        cursor.execute(f"CREATE TABLE bench_floor ({cols})")
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY bench_floor ({names}) FROM STDIN (FORMAT csv)") as copy:
                for start in range(0, frame.height, 100_000):
                    buffer = io.BytesIO()
                    frame.slice(start, 100_000).write_csv(buffer, include_header=False)
                    copy.write(buffer.getvalue())
        else:
            marks = ", ".join("?" * frame.width)
            cursor.cursor.executemany(
                f"INSERT INTO bench_floor ({names}) VALUES ({marks})", frame.iter_rows()
            )
    seconds = time.perf_counter() - t0
    return {
        "vendor": connection.vendor,
        "rows": frame.height,
        "floor_s": round(seconds, 2),
        "rows_per_s": round(frame.height / seconds),
        "peak_mb": round(_peak_mb()),
        "load": [round(x, 2) for x in os.getloadavg()],
    }


def _fresh(vendor: str, database_url: str) -> tuple[str | None, str]:
    var_dir = tempfile.mkdtemp(prefix=f"intake-{vendor}-", dir=WORK)
    if vendor == "sqlite":
        return None, var_dir
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return database_url, var_dir


def run(kind: str, path: Path, vendor: str, database_url: str, tree: Path = ROOT) -> dict:
    """One measurement in its own process, with the code of `tree` (this checkout, or the baseline's)."""
    url, var_dir = _fresh(vendor, database_url)
    script = tree / "benchmarks" / "intake.py"
    args = [sys.executable, str(script), "--worker", kind, "--path", str(path), "--var-dir", var_dir]
    if url:
        args += ["--database-url", url]
    done = subprocess.run(args, capture_output=True, text=True, cwd=tree, check=False)
    if done.returncode != 0:
        raise SystemExit(f"worker {kind} {vendor} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare(csv_path: Path, vendors: list[str], database_url: str, baseline: Path, rounds: int = 2) -> None:
    """The same file through the baseline's code and this checkout's, old/new alternated twice per database (a
    shared machine's load drifts); prints the new/old ratio of the commit and of the whole pipeline."""
    out: dict = {"baseline": str(baseline)}
    for vendor in vendors:
        runs: dict[str, list[dict]] = {"old": [], "new": []}
        for _ in range(rounds):
            for label, tree in (("old", baseline), ("new", ROOT)):
                runs[label].append(run("pipeline", csv_path, vendor, database_url, tree))
                r = runs[label][-1]
                print(
                    f"{vendor:10} {label}: commit {r['commit_s']} s, total {r['total_s']} s", file=sys.stderr
                )
        assert [r["written"] for r in runs["old"]] == [r["written"] for r in runs["new"]], (
            "different rows written"
        )
        mean = {
            k: {m: sum(r[m] for r in v) / len(v) for m in ("commit_s", "total_s")} for k, v in runs.items()
        }
        ratio = {m: round(mean["new"][m] / mean["old"][m], 3) for m in ("commit_s", "total_s")}
        best = {k: {m: min(r[m] for r in v) for m in ("commit_s", "total_s")} for k, v in runs.items()}
        best_ratio = {m: round(best["new"][m] / best["old"][m], 3) for m in ("commit_s", "total_s")}
        out[vendor] = {
            "rows": runs["new"][0]["rows"],
            "runs": {k: [(r["commit_s"], r["total_s"]) for r in v] for k, v in runs.items()},
            "ratio_new_old_mean": ratio,
            "ratio_new_old_best": best_ratio,
        }
        print(
            f"{vendor:10} new/old: commit {ratio['commit_s']} (best of each {best_ratio['commit_s']}), "
            f"total {ratio['total_s']} (best {best_ratio['total_s']})",
            file=sys.stderr,
        )
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=None)
    parser.add_argument("--invoices", type=int, default=None)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument(
        "--only", choices=["sqlite", "postgresql"], help="one database (and no XLSX/FatturaPA)"
    )
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--worker")
    parser.add_argument("--path")
    parser.add_argument("--var-dir")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a checkout of the code before (git worktree): old vs new, alternated twice",
    )
    parser.add_argument("--rounds", type=int, default=2, help="with --baseline: old/new pairs per database")
    args = parser.parse_args()
    if args.worker:
        work = {"pipeline": worker_pipeline, "floor": worker_floor}[args.worker]
        print(json.dumps(work(args.path, args.database_url, args.var_dir)))
        return
    args.database_url = args.database_url or PG_URL
    xlsx_rows = args.xlsx_rows if args.xlsx_rows is not None else min(200_000, args.rows)
    invoices = args.invoices if args.invoices is not None else min(10_000, max(100, args.rows // 100))
    t = time.perf_counter()
    csv_path = make_csv(args.rows)
    print(
        f"CSV {args.rows:,} rows, {csv_path.stat().st_size / 1e6:.0f} MB ({time.perf_counter() - t:.0f} s to generate)",
        file=sys.stderr,
    )
    result: dict = {"rows": args.rows}
    vendors = ["sqlite"] + ([] if args.skip_postgres else ["postgresql"])
    if args.baseline:
        compare(
            csv_path, [args.only] if args.only else vendors, args.database_url, args.baseline, args.rounds
        )
        return
    if args.only:
        vendors, xlsx_rows, invoices = [args.only], 0, 0
    for vendor in vendors:
        floor = run("floor", csv_path, vendor, args.database_url)
        pipe = run("pipeline", csv_path, vendor, args.database_url)
        ratio = pipe["total_s"] / floor["floor_s"] if floor["floor_s"] else None
        result[vendor] = {
            **pipe,
            "floor_s": floor["floor_s"],
            "floor_rows_per_s": floor["rows_per_s"],
            "floor_peak_mb": floor["peak_mb"],
            "ratio_to_floor": round(ratio, 2) if ratio else None,
        }
        if pipe.get("schema_floor_s"):
            result[vendor]["ratio_to_schema_floor"] = round(pipe["total_s"] / pipe["schema_floor_s"], 2)
        print(
            f"{vendor:10} {pipe['rows']:,} rows: parse {pipe['parse_s']} s + commit {pipe['commit_s']} s = "
            f"{pipe['total_s']} s ({pipe['rows_per_s']:,} rows/s), peak {pipe['peak_mb']} MB; floor "
            f"{floor['floor_s']} s -> {result[vendor]['ratio_to_floor']}x"
            + (
                f"; the written rows into same-schema tables {pipe['schema_floor_s']} s -> "
                f"{result[vendor]['ratio_to_schema_floor']}x"
                if pipe.get("schema_floor_s")
                else ""
            ),
            file=sys.stderr,
        )
    if xlsx_rows:
        xlsx = make_xlsx(xlsx_rows)
        result["xlsx"] = run("pipeline", xlsx, "sqlite", args.database_url)
        print(f"xlsx       {xlsx_rows:,} rows: {result['xlsx']['total_s']} s", file=sys.stderr)
    if invoices:
        fatture = make_fatturapa_zip(invoices)
        fp = run("pipeline", fatture, "sqlite", args.database_url)
        fp["files_per_s"] = round(invoices / fp["total_s"])
        fp["invoices"] = invoices
        result["fatturapa_zip"] = fp
        print(
            f"fatturapa  {invoices:,} invoices: {fp['total_s']} s ({fp['files_per_s']} files/s)",
            file=sys.stderr,
        )
    scale = 1_000_000 / args.rows
    result["targets"] = {
        "sqlite_1M_le_60s": result["sqlite"]["total_s"] * scale <= 60 if "sqlite" in result else None,
        "postgresql_le_3x_floor": (result["postgresql"]["ratio_to_floor"] <= 3)
        if "postgresql" in result
        else None,
        "peak_le_2GB": max(result[v]["peak_mb"] for v in vendors) <= 2048,
        "xlsx_200k_le_30s": result["xlsx"]["total_s"] * (200_000 / max(xlsx_rows, 1)) <= 30
        if "xlsx" in result
        else None,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
