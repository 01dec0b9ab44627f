"""Reading ahead: the readers in a process of their own, so that reading HTML and web archives
(trafilatura takes 10-20 ms a page) runs on another core while this one extracts with spaCy.

`read_inputs` hands its work here when the inputs hold enough HTML or archive bytes to pay for a
process (READ_AHEAD_BYTES); the child runs the same `read_inputs` and sends back, in input order,
every Article and ReadError with the ReadCounts as they stood when it was read, and each metadata
file it used, so the caller sees exactly what reading here would give.

Why these choices:
- a fresh interpreter (subprocess), not fork: the parent may hold spaCy, an open SQLite store, a
  progress bar's thread or a Dask client, none of which a forked copy may touch; nor
  multiprocessing's spawn, which imports the caller's main script again in the child.
- its own process group: Ctrl-C interrupts the parent alone, as without a reader process; the
  parent then kills the child. The child's stdout is kept for the messages (a stray print goes to
  its stderr), its stderr to a temporary file whose last line explains an unexpected end.
- bounded: the child sends chunks of at most CHUNK_ITEMS items or CHUNK_CHARS characters of text
  and may have WINDOW chunks not yet taken (the parent gives a credit back for each it takes); a
  child that stops (killed, crashed) is a one-line ReadError and the batch ends there, never a hang.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from storyline.model import Article, ReadCounts, ReadError
from storyline.readers.warc import WARC_SUFFIXES, suffix_of

READ_AHEAD_BYTES = 1_000_000  # HTML or archive bytes (about a second of reading) worth a process
SPARE_CORES = 1.5  # cores left by other work: the extraction's, and most of one for the reader
ENV = "STORYLINE_READ_AHEAD"  # 1: always read ahead, 0: never (else: as wanted() decides)
HEAVY_SUFFIXES = frozenset({".html", ".htm", *WARC_SUFFIXES})  # whose reading costs as much as spaCy
CHUNK_ITEMS = 16  # items sent at a time
CHUNK_CHARS = 1_000_000  # or fewer, when their text is this long
WINDOW = 8  # chunks sent and not yet taken: the read-ahead (8 x 16 items) and its memory bound
CREDIT = b"\x01"
CHILD = (
    "import pickle, sys; sys.path[:] = pickle.load(sys.stdin.buffer); "
    "from storyline.ingest.reading import serve; serve()"
)

State = tuple[int, int, tuple[tuple[str, int], ...]]  # ReadCounts: records, bytes, skipped


def wanted(paths: list[str], ahead: bool | None) -> bool:
    """Whether to read in a child: never with stdin among the inputs (the child cannot read it);
    else as asked (`ahead`, or STORYLINE_READ_AHEAD=1 or 0); by default when a core is to spare
    (SPARE_CORES) and the inputs hold READ_AHEAD_BYTES of HTML or archives: then reading beside the
    extraction gains more than starting a process costs (about 0.4 s, mostly importing trafilatura).
    Without a spare core the reader's time comes out of the extraction's, and it measured slower."""
    from storyline.ingest import STDIN, expand

    if STDIN in paths or not paths or not sys.executable:
        return False
    if ahead is None and (forced := os.environ.get(ENV)) in ("0", "1"):
        ahead = forced == "1"
    if ahead is not None:
        return ahead
    if spare_cores() < SPARE_CORES:
        return False
    total = 0
    for item in expand(paths):
        if isinstance(item, str) and suffix_of(item) in HEAVY_SUFFIXES:
            with contextlib.suppress(OSError):
                total += os.path.getsize(item)
            if total >= READ_AHEAD_BYTES:
                return True
    return False


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def spare_cores() -> float:
    """The cores this process may run on, less the 1-minute load average (other work's)."""
    usable = cores()
    try:
        return usable - os.getloadavg()[0]
    except OSError:
        return float(usable)


def read_ahead(
    paths: list[str],
    *,
    counts: ReadCounts | None = None,
    on_metadata: Callable[[Path], None] | None = None,
    **options: Any,
) -> Iterator[Article | ReadError]:
    """What `read_inputs(paths, **options)` yields, read in a child process ahead of the caller;
    `counts` and `on_metadata` are kept up to date here as if reading were here."""
    base = ReadCounts() if counts is None else ReadCounts(counts.records, counts.bytes, dict(counts.skipped))
    job = {
        "paths": paths,
        "options": options,
        "metadata": on_metadata is not None,
        "chunk": (CHUNK_ITEMS, CHUNK_CHARS),
        "window": WINDOW,
    }
    with tempfile.TemporaryFile() as errors:
        child = start_child(CHILD, errors)
        assert child.stdin is not None and child.stdout is not None
        ended, taken, last = False, 0, None
        try:
            with contextlib.suppress(OSError):  # a child that died at once: the load says how
                send(child.stdin, sys.path, job)
            while not ended:
                try:
                    chunk = pickle.load(child.stdout)
                except (EOFError, pickle.UnpicklingError, OSError):  # the child stopped mid-way
                    yield ReadError(
                        "<reading process>",
                        f"{ending(child, errors)} after {taken:,} items"
                        + (f" (the last from {last})" if last else "")
                        + "; the inputs after those were not read",
                    )
                    return
                with contextlib.suppress(OSError):  # gone: the next load says so
                    child.stdin.write(CREDIT)
                    child.stdin.flush()
                for kind, value, state in chunk:
                    if counts is not None and state is not None:
                        _apply(counts, base, state)
                    if kind == "item":
                        taken += 1
                        last = value.input if isinstance(value, ReadError) else value.input_id
                        yield value
                    elif kind == "metadata" and on_metadata is not None:
                        on_metadata(value)
                    elif kind == "raised":
                        ended = True
                        raise value
                    elif kind == "end":
                        ended = True
        finally:
            _stop(child, ended)


def start_child(code: str, errors: IO[bytes]) -> subprocess.Popen:
    """A fresh interpreter running `code`, talking over its stdin and stdout, its stderr kept in
    `errors`, in a process group of its own (so that Ctrl-C reaches the parent alone)."""
    return subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=errors,
        process_group=0 if os.name == "posix" else None,
    )


def send(stream: IO[bytes], *objects: object) -> None:
    for obj in objects:
        pickle.dump(obj, stream, protocol=pickle.HIGHEST_PROTOCOL)
    stream.flush()


def _apply(counts: ReadCounts, base: ReadCounts, state: State) -> None:
    """The parent's counts: what they held before, plus the child's so far (updated in place, since
    a progress bar holds this object)."""
    records, nbytes, skipped = state
    counts.records, counts.bytes = base.records + records, base.bytes + nbytes
    counts.skipped.clear()
    counts.skipped.update(base.skipped)
    for why, n in skipped:
        counts.skip(why, n)


def ending(child: subprocess.Popen, errors: IO[bytes], what: str = "the reading process") -> str:
    """How the child ended, in a few words, with the last line it wrote to stderr if any."""
    try:
        code = child.wait(timeout=10)
    except subprocess.TimeoutExpired:
        child.kill()
        code = child.wait()
    how = f"was killed by {signal.Signals(-code).name}" if code < 0 else f"ended with exit status {code}"
    errors.seek(0)
    lines = [line.strip() for line in errors.read()[-4000:].decode(errors="replace").splitlines()]
    said = next((line for line in reversed(lines) if line), "")
    return f"{what} {how}" + (f" ({said[:160]})" if said else "")


def _stop(child: subprocess.Popen, ended: bool) -> None:
    """The child ends on its own after its last chunk; otherwise (the caller stopped early, Ctrl-C)
    it is killed: it only reads, so nothing is lost."""
    for stream in (child.stdin, child.stdout):
        with contextlib.suppress(OSError):
            stream.close()  # type: ignore[union-attr]
    if ended:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=10)
            return
    child.kill()
    child.wait()


def serve() -> None:
    """The child: read the job from stdin, send chunks on stdout while credits last."""
    from storyline.ingest import read_inputs

    source = sys.stdin.buffer
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print must not corrupt the messages
    job = pickle.load(source)
    (items, chars), credits = job["chunk"], job["window"]
    counts, chunk, size = ReadCounts(), [], 0

    def flush() -> None:
        nonlocal credits, chunk, size
        while credits == 0:
            if not source.read(1):
                raise BrokenPipeError("the parent stopped reading")
            credits += 1
        send(out, chunk)
        credits, chunk, size = credits - 1, [], 0

    def state() -> State:
        return counts.records, counts.bytes, tuple(counts.skipped.items())

    def metadata(found: Path) -> None:
        chunk.append(("metadata", found, None))

    try:
        try:
            reader = read_inputs(
                job["paths"],
                **job["options"],
                counts=counts,
                on_metadata=metadata if job["metadata"] else None,
                ahead=False,
            )
            for item in reader:
                chunk.append(("item", item, state()))
                size += len(item.text) if isinstance(item, Article) else 0
                if len(chunk) >= items or size >= chars:
                    flush()
            chunk.append(("end", None, state()))
        except Exception as e:  # raised in the parent, as it would be there
            e.add_note("raised in the reader process (storyline.ingest.reading):\n" + traceback.format_exc())
            chunk.append(("raised", portable(e), state()))
        flush()
    except (BrokenPipeError, ConnectionError):  # the parent is gone or stopped early: nothing to do
        pass


def portable(e: Exception, what: str = "reading") -> Exception:
    """The exception itself when it survives pickling, else a RuntimeError saying what it was."""
    try:
        pickle.loads(pickle.dumps(e))
        return e
    except Exception:  # any failure to pickle means: send a stand-in
        message = " ".join(str(e).split())[:200]
        return RuntimeError(f"{what} stopped ({type(e).__name__}{': ' + message if message else ''})")
