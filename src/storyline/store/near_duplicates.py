"""Near-duplicate articles: a syndicated copy with small edits (another headline, a dateline, an
added paragraph, a trimmed ending) is the same article, with one more source, as an exact copy is.

Each article's text is cut into word shingles (SHINGLE words, lower case); a MinHash signature of
them (rensa's R-MinHash) is cut into BANDS bands of ROWS values, and each band's hash is a key in
the store (near_duplicate_keys), so that the index persists across ingest runs and a lookup is
BANDS index seeks whatever the store's size. Two articles sharing a band are candidates; the
decision is the exact Jaccard similarity of their shingle sets (the stored text re-read), at least
THRESHOLD. With ROWS = 3 and BANDS = 42, a pair at the threshold becomes a candidate with
probability 1 - (1 - 0.5^3)^42 = 0.996; at 0.3 still 0.68, so that the exact check, not the
banding, decides. The figures behind THRESHOLD: README, "Near-duplicates" (`storyline eval
near-duplicates`).

The signature's parameters and rensa's algorithm version are recorded in meta 'near_duplicates':
a store indexed otherwise (another rensa, other parameters) is indexed anew before use.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable

SHINGLE = 5  # words per shingle
PERMUTATIONS = 126  # BANDS * ROWS signature values
BANDS, ROWS = 42, 3
SEED = 18
THRESHOLD = 0.5  # exact Jaccard of the shingle sets at or above which two texts are one article
MIN_SHINGLES = 20  # shorter texts are matched exactly only: a few shared phrases are not a copy
CANDIDATES = 8  # most candidates checked exactly per article (those sharing most bands first)
PER_KEY = 8  # most articles read per band key: a key shared by many costs no more than that

_WORD = re.compile(r"\w+")


def params() -> str:
    """What the stored keys depend on: a store whose meta differs is indexed anew."""
    from rensa import RMinHash

    return f"rensa-rminhash-{RMinHash.ALGORITHM_VERSION} k{SHINGLE} b{BANDS} r{ROWS} s{SEED}"


def shingles(text: str) -> frozenset[str]:
    """The text's word SHINGLE-grams, lower case: what the similarity is measured on."""
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) <= SHINGLE:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def band_keys(grams: frozenset[str]) -> list[int]:
    """One signed 64-bit key per band of the text's MinHash signature (band number included)."""
    from rensa import RMinHash

    sketch = RMinHash(num_perm=PERMUTATIONS, seed=SEED)
    sketch.update(sorted(grams))
    values = sketch.digest()
    keys = []
    for band in range(BANDS):
        chunk = values[band * ROWS : (band + 1) * ROWS]
        raw = hashlib.blake2b(f"{band}:{chunk}".encode(), digest_size=8).digest()
        keys.append(int.from_bytes(raw, "big", signed=True))
    return keys


def index(conn: sqlite3.Connection, article_id: str, text: str, keys: list[int] | None = None) -> None:
    """Record a stored article's band keys (inside the caller's transaction); `keys`, when the
    Finder already worked them out for this text, saves signing it twice."""
    if keys is None:
        grams = shingles(text)
        if len(grams) < MIN_SHINGLES:
            return
        keys = band_keys(grams)
    doc = conn.execute(
        "INSERT OR IGNORE INTO near_duplicate_articles (article_id) VALUES (?)", (article_id,)
    ).lastrowid
    if not doc:
        return
    conn.executemany(
        "INSERT OR IGNORE INTO near_duplicate_keys (key, doc) VALUES (?, ?)",
        [(key, doc) for key in keys],
    )


def reindex_all(conn: sqlite3.Connection) -> None:
    """Index every stored article anew (inside the caller's transaction): linear in the store."""
    conn.execute("DELETE FROM near_duplicate_keys")
    conn.execute("DELETE FROM near_duplicate_articles")
    for article_id, text in conn.execute("SELECT id, text FROM articles ORDER BY rowid").fetchall():
        index(conn, article_id, text)
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('near_duplicates', ?)", (params(),))


class Finder:
    """Finds, for an article about to be extracted, the stored or in-flight article it copies.

    In-flight articles (read this run, not yet stored) are held in memory until `done`, so that two
    copies in one run are found as well as a copy of an article stored by an earlier run.
    """

    def __init__(self, conn: sqlite3.Connection, threshold: float = THRESHOLD):
        self.conn = conn
        self.threshold = threshold
        self._held: dict[str, tuple[frozenset[str], list[int]]] = {}  # in flight: shingles, keys
        self._pending: dict[int, list[str]] = {}  # key -> in-flight article ids

    def ensure_index(self) -> bool:
        """Index the store anew if its keys were made otherwise; True if it was."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'near_duplicates'").fetchone()
        if row is not None and row[0] == params():
            return False
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            reindex_all(self.conn)
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")
        return True

    def match(self, article_id: str, text: str) -> str | None:
        """The id of the article this text is a near-copy of, else None (and it is held in flight)."""
        grams = shingles(text)
        if len(grams) < MIN_SHINGLES:
            return None
        keys = band_keys(grams)
        hits: Counter[str] = Counter()
        for key in keys:
            hits.update(self._pending.get(key, ()))
            hits.update(
                r[0]
                for r in self.conn.execute(
                    "SELECT d.article_id FROM near_duplicate_keys k JOIN near_duplicate_articles d "
                    "ON d.id = k.doc WHERE k.key = ? LIMIT ?",
                    (key, PER_KEY),
                )
            )
        best, best_score = None, self.threshold
        for candidate, _ in hits.most_common(CANDIDATES):
            score = jaccard(grams, self._shingles_of(candidate))
            if candidate != article_id and score >= best_score:
                best, best_score = candidate, score
        if best is None:
            self._held[article_id] = (grams, keys)
            for key in keys:
                self._pending.setdefault(key, []).append(article_id)
        return best

    def _shingles_of(self, article_id: str) -> frozenset[str]:
        if article_id in self._held:
            return self._held[article_id][0]
        row = self.conn.execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()
        return shingles(row[0]) if row else frozenset()

    def keys_of(self, article_id: str) -> list[int] | None:
        """The band keys of an in-flight article (None if it was not held: too short, or unseen)."""
        held = self._held.get(article_id)
        return held[1] if held else None

    def done(self, article_ids: Iterable[str]) -> None:
        """Forget in-flight articles now stored (their keys are in the store) or failed."""
        for article_id in article_ids:
            _, keys = self._held.pop(article_id, (frozenset(), []))
            for key in keys:
                ids = self._pending.get(key, [])
                if article_id in ids:
                    ids.remove(article_id)
                if not ids:
                    self._pending.pop(key, None)
