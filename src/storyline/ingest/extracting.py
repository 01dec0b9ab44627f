"""Extracting beside the writes: once an ingest is long enough to pay for it, spaCy runs in a
process of its own while this one stores what it sent back, so that the store's writes (several
milliseconds an article into a large store) come out of another core's time, not the extraction's.

`beside(batch_size)` is an `extract` for `storyline.ingest.ingest`, like `work.in_process`, and
gives the same articles in the same order. It extracts here at first; after START_AFTER articles,
on a machine with two cores or more, it starts the child (a fresh interpreter, as the reader
process in storyline.ingest.reading, for the same reasons) and goes on extracting here while the
child loads the model; from the child's first word on, batches go to the child, at most WINDOW
of them sent and not yet back (the memory bound), and its results come back in order. Short
ingests (most tests, a single article) never start a process.

The child holds no store and writes nothing: killed or crashed, it costs no article. The batches
it had are extracted here again, with the rest of the input, and a warning says so. It runs in
its own process group, so Ctrl-C interrupts this process alone, which then kills it.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import select
import subprocess
import sys
import tempfile
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import IO

from storyline.ingest import reading
from storyline.ingest.reading import ending, portable, send, start_child
from storyline.ingest.work import extract_batch, in_process
from storyline.model import Article

START_AFTER = 16  # articles extracted here (the first batch) before a child is worth starting
WARM_UP = "Jane Smith, the mayor, said on Monday that she would resign."  # what the child reads first
WINDOW = 2  # batches sent to the child and not yet back: one being extracted, the next waiting
ENV = "STORYLINE_EXTRACT_BESIDE"  # 1: start the child at once, 0: never (else: as wanted() decides)
CHILD = (
    "import pickle, sys; sys.path[:] = pickle.load(sys.stdin.buffer); "
    "from storyline.ingest.extracting import serve; serve()"
)


def wanted() -> bool | None:
    """True: start the child at once; False: never; None: after START_AFTER articles. Never on one
    core: there the child's time would come out of this process's (the env var ENV decides first)."""
    forced = os.environ.get(ENV)
    if forced in ("0", "1"):
        return forced == "1"
    if not sys.executable or reading.cores() < 2:
        return False
    return None


def beside(
    batch_size: int = 16, warn: Callable[[str], None] | None = None
) -> Callable[[Iterable[Article]], Iterator[Article]]:
    """An `extract` that hands the work to a child process once the ingest is long enough;
    `warn` hears (one line) of a child that stopped, whose batches were then extracted here."""

    def run(articles: Iterable[Article]) -> Iterator[Article]:
        when = wanted()
        it, size, done = iter(articles), batch_size, 0
        child: _Child | None = _Child.start(batch_size) if when else None
        try:
            while child is None or not child.ready(block=when is True):
                batch = list(islice(it, size))
                if not batch:
                    return
                yield from extract_batch(batch, batch_size)
                done += len(batch)
                if child is None and when is None and done >= START_AFTER:
                    child = _Child.start(batch_size)
                size = batch_size if child is not None else 4 * batch_size  # small: hand over soon
            yield from child.extract(it, 4 * batch_size, first=batch_size)
            if child.failure is not None:  # what it did not send back is extracted here
                if warn is not None:
                    warn(f"<extraction process>: {child.failure}; its articles were extracted here")
                for batch in child.unfinished():
                    yield from extract_batch(batch, batch_size)
                yield from in_process(batch_size)(it)
        finally:
            if child is not None:
                child.stop()

    return run


class _Child:
    """The extraction process, and the batches sent to it and not yet back."""

    def __init__(self, process: subprocess.Popen, errors: IO[bytes]):
        self.process = process
        self.errors = errors
        self.sent: deque[list[Article]] = deque()
        self.failure: str | None = None
        self._ready = False

    @classmethod
    def start(cls, batch_size: int) -> _Child:
        errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed in stop(), with the child)
        process = start_child(CHILD, errors)
        child = cls(process, errors)
        child._send(sys.path, {"batch_size": batch_size})
        return child

    def ready(self, block: bool = False) -> bool:
        """Whether the child has loaded the model (its first message); a child that died is
        'ready' too, so that extract() finds out and everything goes on here."""
        if self._ready or self.failure is not None:
            return True
        assert self.process.stdout is not None
        if not block and not select.select([self.process.stdout], [], [], 0)[0]:
            return False
        self._receive()
        self._ready = True
        return True

    def extract(self, articles: Iterator[Article], size: int, first: int) -> Iterator[Article]:
        """The articles extracted by the child, in order; stops early (failure set) if it dies.
        The first batch is `first` articles, so that little time passes before there is something
        to write; the others `size`."""
        exhausted, ahead = False, first
        while self.failure is None:
            while not exhausted and len(self.sent) < WINDOW:
                batch, ahead = list(islice(articles, ahead)), size
                if not batch:
                    exhausted = True
                    break
                self.sent.append(batch)
                self._send(batch)
            if not self.sent:
                return
            results = self._receive()
            if results is None:
                return
            self.sent.popleft()
            yield from results

    def unfinished(self) -> list[list[Article]]:
        batches, self.sent = list(self.sent), deque()
        return batches

    def _send(self, *objects: object) -> None:
        assert self.process.stdin is not None
        with contextlib.suppress(OSError):  # gone: the next receive says how
            send(self.process.stdin, *objects)

    def _receive(self) -> list[Article] | None:
        assert self.process.stdout is not None
        try:
            kind, value = pickle.load(self.process.stdout)
        except (EOFError, pickle.UnpicklingError, OSError):
            self.failure = ending(self.process, self.errors, "the extraction process")
            return None
        if kind == "raised":
            raise value
        return value

    def stop(self) -> None:
        """Closing its input ends the child once its batch is done; it is killed rather than
        waited for (it holds nothing that could be lost)."""
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()  # type: ignore[union-attr]
        self.process.kill()
        self.process.wait()
        self.errors.close()


def serve() -> None:
    """The child: load the model, say so, then extract each batch received until its input ends.

    Batches are read on a thread of their own, so that the parent never waits to send one while
    this process sends results back (the pipes would otherwise fill both ways)."""
    source = sys.stdin.buffer
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print must not corrupt the messages
    job = pickle.load(source)
    batch_size = job["batch_size"]
    inbox: queue.Queue[list[Article] | None] = queue.Queue()

    def read() -> None:
        try:
            while True:
                inbox.put(pickle.load(source))
        except (EOFError, OSError, pickle.UnpicklingError):
            inbox.put(None)

    try:
        try:
            from storyline.nlp.pipeline import Extractor

            Extractor(batch_size=batch_size)  # the model loaded (and cached) before the first batch,
            extract_batch([Article(text=WARM_UP)], batch_size)  # and the tables the components load lazily
            send(out, ("ready", None))
            threading.Thread(target=read, daemon=True).start()
            while (batch := inbox.get()) is not None:
                send(out, ("done", extract_batch(batch, batch_size)))
        except Exception as e:  # raised in the parent, as it would be there
            e.add_note(
                "raised in the extraction process (storyline.ingest.extracting):\n" + traceback.format_exc()
            )
            send(out, ("raised", portable(e, "extraction")))
    except (BrokenPipeError, ConnectionError):  # the parent is gone or stopped: nothing to do
        pass
