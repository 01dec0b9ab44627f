"""WARC input: a web archive written here with warcio from HTML fixtures (a page with full metadata,
pages without, a German page, records that are not articles, a truncated record) reads and ingests
with the right counts; byte ranges read every record once; two Dask workers give the one-process
result."""

from __future__ import annotations

import gzip
import html
import io
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline import query
from storyline.cli import main
from storyline.model import Article, ReadCounts, ReadError
from storyline.readers import read_path
from storyline.readers.warc import next_record, read_warc_stream

FIXTURES = Path(__file__).parent / "fixtures"
DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo"
FETCHED = "2025-05-02T08:30:00Z"
REVISIT = "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest"

GERMAN = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Stadtrat beschließt neuen
Haushalt</title></head><body><article><h1>Stadtrat beschließt neuen Haushalt</h1>
<p>Der Stadtrat hat am Dienstagabend nach langer Debatte den Haushalt für das kommende Jahr beschlossen.</p>
<p>„Wir haben hart verhandelt, aber das Ergebnis kann sich sehen lassen“, sagte die Bürgermeisterin.</p>
<p>Die Opposition kritisierte die geplanten Kürzungen bei den Schwimmbädern und Bibliotheken der Stadt.</p>
</article></body></html>"""
NAVIGATION = "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></body></html>"


def _demo_page(name: str) -> tuple[str, bytes]:
    """A demo article as a bare page: no date, outlet or author in it (the record supplies them)."""
    title, *body = (DEMO / name).read_text().split("\n")
    paragraphs = [p for p in "\n".join(body).split("\n\n") if len(p.split()) > 8]
    page = f"<html><head><title>{html.escape(title)}</title></head><body><article><h1>{html.escape(title)}"
    page += "</h1>" + "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs) + "</article></body></html>"
    return paragraphs[0], page.encode()


def _record(writer: WARCWriter, uri: str, kind: str, payload: bytes, content_type: str | None = None,
            status: str = "200 OK") -> object:  # fmt: skip
    http = None
    if kind == "response":
        http = StatusAndHeaders(status, [("Content-Type", content_type or "text/html")], protocol="HTTP/1.1")
    headers = {"WARC-Date": FETCHED}
    record = writer.create_warc_record(
        uri, kind, payload=io.BytesIO(payload), http_headers=http, warc_headers_dict=headers
    )
    if kind == "revisit":
        record.rec_headers.replace_header("WARC-Profile", REVISIT)
    return record


def build_warc(gz: bool = True) -> tuple[bytes, dict[str, int]]:
    """The archive's bytes and the offsets of the records the tests name."""
    first, demo = _demo_page("2025-03-05-okafor-denies-claims.txt")
    orchard, wire = "https://valleycourier.example/news/orchard", "https://www.meridianwire.example"
    records = [
        ("warcinfo", None, b"software: tests\r\n", None),
        ("request", orchard, b"GET /news/orchard HTTP/1.1\r\n\r\n", None),
        ("response", orchard, (FIXTURES / "article.html").read_bytes(), None),
        ("metadata", orchard, b"fetchTimeMs: 120\r\n", None),
        ("response", f"{wire}/okafor", demo, "text/html; charset=utf-8"),
        ("response", f"{wire}/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png"),
        ("response", "https://www.meridianwire.example/gone", b"<html><body>Not found</body></html>", None),
        ("revisit", "https://valleycourier.example/news/orchard", b"", None),
        ("response", "https://www.meridianwire.example/", NAVIGATION.encode(), None),
        ("response", "https://zeitung.example/haushalt", GERMAN.encode(), "text/html; charset=utf-8"),
        ("response", "https://valleycourier.example/cut", (FIXTURES / "article.html").read_bytes(), None),
        ("response", "https://www.meridianwire.example/after", demo.replace(b"<h1>", b"<h1>Updated: "), None),
    ]  # fmt: skip
    out, offsets = io.BytesIO(), {}
    for kind, uri, payload, content_type in records:
        member = io.BytesIO()
        writer = WARCWriter(member, gzip=gz)
        status = "404 Not Found" if uri and uri.endswith("/gone") else "200 OK"
        if kind == "warcinfo":
            record = writer.create_warcinfo_record("test.warc.gz", {"software": "tests"})
        else:
            record = _record(writer, uri, kind, payload, content_type, status)
        writer.write_record(record)
        data = member.getvalue()
        offsets.setdefault(uri or kind, out.tell())  # the first record of each URI
        out.write(data[: len(data) // 2] if uri and uri.endswith("/cut") else data)  # cut short mid-file
    assert first.split()[0] in demo.decode()
    return out.getvalue(), offsets


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    data, offsets = build_warc()
    path = tmp_path_factory.mktemp("warc") / "crawl.warc.gz"
    path.write_bytes(data)
    return path, offsets


SKIPPED = {
    "warcinfo": 1,
    "request": 1,
    "metadata": 1,
    "revisit": 1,
    "not HTML": 1,
    "not a 2xx response": 1,
    "without article text": 1,
}


def test_response_records_become_articles_the_rest_is_counted(archive: tuple[Path, dict[str, int]]) -> None:
    path, offsets = archive
    counts = ReadCounts()
    items = list(read_path(path, counts=counts))
    articles = [i for i in items if isinstance(i, Article)]
    errors = [i for i in items if isinstance(i, ReadError)]
    assert [a.url for a in articles] == [
        "https://valleycourier.example/news/orchard-festival-record-crowd",  # the page's canonical URL
        "https://www.meridianwire.example/okafor",
        "https://zeitung.example/haushalt",
        "https://www.meridianwire.example/after",
    ]
    fixture, demo, german, after = articles
    assert (fixture.title, fixture.author, fixture.source) == (
        "Orchard Festival Draws Record Crowd",
        "Lucia Fenwick",
        "The Valley Courier",
    )
    assert fixture.published == date(2019, 9, 14)  # the page's own date, not the fetch date
    assert (demo.source, demo.published) == ("meridianwire.example", date(2025, 3, 5))  # its dateline
    assert demo.input_id == f"{path}@{offsets['https://www.meridianwire.example/okafor']}"
    assert "Stadtrat" in german.text and german.title == "Stadtrat beschließt neuen Haushalt"
    assert (german.source, german.published) == ("zeitung.example", date(2025, 5, 2))  # no date: WARC-Date
    # the member cut in half: how warcio fails on it depends on where the cut falls in its deflate data
    assert [e.input for e in errors] == [f"{path}@{offsets['https://valleycourier.example/cut']}"]
    assert errors[0].reason.startswith("truncated")
    assert counts.skipped == SKIPPED
    assert counts.records == 4 + sum(SKIPPED.values())  # the cut record is not counted as read
    assert counts.summary() == (
        "7 records skipped (1 warcinfo, 1 request, 1 metadata, 1 not HTML, 1 not a 2xx response, "
        "1 revisit, 1 without article text)"
    )


def test_uncompressed_and_a_file_that_ends_inside_a_record(tmp_path: Path) -> None:
    data, offsets = build_warc(gz=False)
    cut, last = (
        offsets["https://valleycourier.example/cut"],
        offsets["https://www.meridianwire.example/after"],
    )
    (tmp_path / "crawl.warc").write_bytes(data[: last + 700])
    items = list(read_path(tmp_path / "crawl.warc"))
    assert [i.url for i in items if isinstance(i, Article)][-1] == "https://zeitung.example/haushalt"
    assert [str(e) for e in items if isinstance(e, ReadError)] == [  # the next record found after a cut
        f"{tmp_path / 'crawl.warc'}@{at}: truncated record (its Content-Length runs past its end)"
        for at in (cut, last)
    ]
    gz, offsets = build_warc()
    cut = offsets["https://www.meridianwire.example/after"]
    (tmp_path / "end.warc.gz").write_bytes(gz[: cut + 300])
    errors = [str(e) for e in read_path(tmp_path / "end.warc.gz") if isinstance(e, ReadError)]
    assert errors[-1] == f"{tmp_path / 'end.warc.gz'}@{cut}: truncated record (the file ends inside it)"


def test_an_arc_file(tmp_path: Path) -> None:
    body = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + (FIXTURES / "article.html").read_bytes()
    desc = b"1 0 InternetArchive\nURL IP-address Archive-date Content-type Archive-length\n"
    arc = b"filedesc://crawl.arc 0.0.0.0 20190915120000 text/plain %d\n%s\n" % (len(desc), desc)
    arc += b"http://valleycourier.example/a 10.0.0.1 20190915120000 text/html %d\n%s\n" % (len(body), body)
    (tmp_path / "crawl.arc.gz").write_bytes(gzip.compress(arc))
    counts = ReadCounts()
    (found,) = read_path(tmp_path / "crawl.arc.gz", counts=counts)
    assert isinstance(found, Article) and found.title == "Orchard Festival Draws Record Crowd"
    assert counts.skipped == {"warcinfo": 1}


def test_byte_ranges_read_every_record_once(archive: tuple[Path, dict[str, int]]) -> None:
    path, offsets = archive
    size = path.stat().st_size
    with path.open("rb") as f:
        whole = [str(i) if isinstance(i, ReadError) else i.input_id for i in read_warc_stream(f, "w")]
        assert next_record(f, 1, gz=True) == offsets["https://valleycourier.example/news/orchard"]
        for step in (1000, 2500, 7000):
            parts = []
            for start in range(0, size, step):
                for i in read_warc_stream(f, "w", start=start, end=start + step):
                    parts.append(str(i) if isinstance(i, ReadError) else i.input_id)
            assert parts == whole, step


def test_ingest_and_extract_a_warc(
    archive: tuple[Path, dict[str, int]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, offsets = archive
    db = tmp_path / "s.db"
    assert main(["ingest", str(path), "--db", str(db), "--quiet"]) == 1  # the truncated record failed
    err = capsys.readouterr().err
    assert f"storyline: error: {path}@{offsets['https://valleycourier.example/cut']}: truncated" in err
    # the page fetched again with a new headline has the same text: one article, two sources
    assert "3 added, 1 skipped as duplicates (1 new sources noted), 1 failed, 7 records skipped (" in err
    with sqlite3.connect(db) as conn:
        assert query.stats(conn)["articles"] == 3  # the German page is an article too
        urls = {r[0] for r in conn.execute("SELECT url FROM sources")}
    assert "https://zeitung.example/haushalt" in urls
    assert main(["ingest", str(path.parent), "--db", str(db), "--quiet"]) == 1  # found in a folder
    assert "0 added, 4 skipped as duplicates, 1 failed" in capsys.readouterr().err
    plain = tmp_path / "crawl.warc"
    plain.write_bytes(build_warc(gz=False)[0])
    assert main(["extract", str(plain), "--json"]) == 1
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 4 and f"{plain}@" in err and "storyline: 7 records skipped (" in err


def test_two_dask_workers_give_the_one_process_result(
    archive: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    from storyline.ingest import ingest, read_inputs
    from storyline.ingest.work import on_cluster
    from storyline.scale.cluster import dask_client
    from storyline.scale.duck import connect, stats
    from storyline.scale.warc import extract_warc_urls_to_parquet, pieces
    from storyline.store import Store

    path, _ = archive
    url = path.resolve().as_uri()
    assert len(pieces([url], range_bytes=1500)) > 3  # a gzipped WARC is cut into byte ranges
    here = extract_warc_urls_to_parquet([url], tmp_path / "here", range_bytes=1500)
    with Store(tmp_path / "here.db") as store:
        ingest(store, read_inputs([str(path)]))
    with dask_client(workers=2) as client:
        there = extract_warc_urls_to_parquet([url], tmp_path / "there", client=client, range_bytes=1500)
        with Store(tmp_path / "there.db") as store:
            ingest(store, read_inputs([str(path)]), extract=on_cluster(client, batch=2))
    assert here.articles == there.articles == 4  # the cut record is an error
    assert here.counts == there.counts and [str(e) for e in here.failed] == [str(e) for e in there.failed]
    files = sorted(p.relative_to(tmp_path / "here") for p in (tmp_path / "here").rglob("*.parquet"))
    assert files == sorted(p.relative_to(tmp_path / "there") for p in (tmp_path / "there").rglob("*.parquet"))
    assert stats(connect(tmp_path / "here")) == stats(connect(tmp_path / "there"))
    tables = []
    for db in ("here.db", "there.db"):
        with sqlite3.connect(tmp_path / db) as conn:
            tables.append({t: [tuple(r.values()) for r in query.export_rows(conn, t)] for t in query.TABLES})
    assert tables[0] == tables[1] and len(tables[0]["articles"]) == 3
