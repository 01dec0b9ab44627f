"""`storyline eval near-duplicates DIR`: the near-duplicate decision scored on a set built here.

The set (deterministic: the same files give the same set, nothing of it is committed):
- originals: the demo corpus (examples/demo) and PolNeAR's texts (DIR/train/text, DIR/dev/text);
- positives: one copy of each original with controlled edits, the kind cycling through EDITS: a
  new headline line, a dateline, a paragraph from another article added, the ending trimmed (10 to
  30 % of the words, at a paragraph end), a few words changed (1 %), and combinations;
- negatives: different articles on the same story that must stay apart: every pair of distinct
  demo articles (one story, told by several outlets over months), and PolNeAR articles of the same
  date sharing at least SHARED_NAMES names (capitalised words and runs of them, not opening a
  sentence).

Scored through the store's own path (storyline.store.near_duplicates.Finder on a fresh store):
the originals are stored one by one, each first looked up (a match is a false merge), then each
copy is looked up: found as its original, a true positive; missed, a false negative; found as
another, both. Precision and recall are of these decisions; the negative pairs are also checked
one by one (merged or not).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from storyline.store import near_duplicates as nd

EDITS = (
    "headline",
    "dateline",
    "paragraph",
    "trim",
    "words",
    "headline+dateline",
    "dateline+trim",
    "paragraph+trim",
    "headline+dateline+paragraph+trim",
)
SHARED_NAMES = 8
SEED = 18
_DATELINES = ("WASHINGTON (AP) — ", "NEW YORK (Reuters) - ", "LONDON — ", "CHICAGO (AP) -- ")
_SWAPS = {"said": "says", "the": "a", "and": "as well as", "on": "upon", "was": "had been", "is": "was"}
_NAME = re.compile(r"(?<![.!?\n]\s)(?<!^)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")
_DATE = re.compile(r"_(\d{4}-\d{2}-\d{2})_")


@dataclass
class Original:
    name: str
    text: str
    day: str | None = None


@dataclass
class Scores:
    originals: int = 0
    copies: int = 0
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    negative_pairs: int = 0
    negative_pairs_merged: int = 0
    highest_negative_similarity: float = 0.0
    lowest_copy_similarity: float = 1.0
    missed_by_edit: Counter = field(default_factory=Counter)
    merged_originals: list[tuple[str, str, float]] = field(default_factory=list)
    threshold: float = nd.THRESHOLD
    seconds: float = 0.0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.copies if self.copies else 0.0


def originals(polnear: Path, demo: Path) -> list[Original]:
    """The demo corpus's and PolNeAR's texts, as storyline reads them (bodies, titles apart)."""
    from storyline.readers import read_path

    found: list[Original] = []
    paths = sorted(demo.glob("*.txt")) + sorted((polnear / "train" / "text").glob("*.txt"))
    paths += sorted((polnear / "dev" / "text").glob("*.txt"))
    seen: set[str] = set()
    for path in paths:
        for article in read_path(path):
            if hasattr(article, "text") and article.text not in seen:  # demo holds one exact copy
                seen.add(article.text)
                day = m.group(1) if (m := _DATE.search(path.name)) else None
                found.append(Original(path.name, article.text, day))
    return found


def _paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n|\n", text) if p.strip()]


def edit(text: str, kinds: str, donor: str, rng: random.Random) -> str:
    """A copy of `text` with the edits named (joined by '+'), drawn from `rng`."""
    paras = _paragraphs(text)
    for kind in kinds.split("+"):
        if kind == "trim" and len(paras) > 1:
            words = sum(len(p.split()) for p in paras)
            goal = words * (1 - rng.uniform(0.10, 0.30))
            while len(paras) > 1 and sum(len(p.split()) for p in paras[:-1]) >= goal:
                paras.pop()
        elif kind == "paragraph":
            extra = max(_paragraphs(donor), key=len)
            extra = " ".join(extra.split()[:90])
            paras.insert(rng.randrange(1, len(paras) + 1), extra)
        elif kind == "dateline":
            paras[0] = rng.choice(_DATELINES) + paras[0]
        elif kind == "headline":
            words = paras[0].split()[:12]
            rng.shuffle(words)
            paras.insert(0, " ".join(words).rstrip(".").title())
        elif kind == "words":
            words = "\n\n".join(paras).split(" ")
            swappable = [i for i, w in enumerate(words) if w in _SWAPS]
            for i in rng.sample(swappable, min(len(swappable), max(1, len(words) // 100))):
                words[i] = _SWAPS[words[i]]
            paras = " ".join(words).split("\n\n")
    return "\n\n".join(paras)


def names(text: str) -> set[str]:
    return {m.group(0) for m in _NAME.finditer(text)}


def negative_pairs(found: list[Original]) -> list[tuple[int, int]]:
    """Same-story pairs that must stay apart: demo pairs, same-day PolNeAR pairs sharing names."""
    demo = [i for i, o in enumerate(found) if o.day is None]
    pairs = list(combinations(demo, 2))
    by_day: dict[str, list[int]] = {}
    for i, o in enumerate(found):
        if o.day is not None:
            by_day.setdefault(o.day, []).append(i)
    named = {i: names(o.text) for i, o in enumerate(found) if o.day is not None}
    for same_day in by_day.values():
        pairs += [(a, b) for a, b in combinations(same_day, 2) if len(named[a] & named[b]) >= SHARED_NAMES]
    return pairs


def evaluate(polnear: Path, demo: Path, threshold: float = nd.THRESHOLD) -> Scores:
    started = time.perf_counter()
    found = originals(polnear, demo)
    rng = random.Random(SEED)
    copies = [
        (i, EDITS[i % len(EDITS)], edit(o.text, EDITS[i % len(EDITS)], found[(i + 7) % len(found)].text, rng))
        for i, o in enumerate(found)
    ]
    scores = Scores(originals=len(found), copies=len(copies), threshold=threshold)
    with tempfile.TemporaryDirectory(prefix="storyline-nd-") as tmp:
        conn = _scratch_store(Path(tmp) / "nd.db")
        finder = nd.Finder(conn, threshold)
        conn.execute("BEGIN")
        for i, o in enumerate(found):
            if (got := finder.match(str(i), o.text)) is not None:
                scores.false_positives += 1
                other = found[int(got)]
                similarity = nd.jaccard(nd.shingles(o.text), nd.shingles(other.text))
                scores.merged_originals.append((o.name, other.name, round(similarity, 3)))
            conn.execute("INSERT INTO articles (id, text, ingested_at) VALUES (?, ?, '')", (str(i), o.text))
            nd.index(conn, str(i), o.text)
            finder.done([str(i)])
        conn.execute("COMMIT")
        for i, kinds, text in copies:
            got = finder.match(f"copy-{i}", text)
            finder.done([f"copy-{i}"])
            scores.lowest_copy_similarity = min(
                scores.lowest_copy_similarity, nd.jaccard(nd.shingles(text), nd.shingles(found[i].text))
            )
            if got == str(i):
                scores.true_positives += 1
            else:
                scores.false_negatives += 1
                scores.missed_by_edit[kinds] += 1
                scores.false_positives += got is not None
        conn.close()
    for a, b in negative_pairs(found):
        scores.negative_pairs += 1
        similarity = nd.jaccard(nd.shingles(found[a].text), nd.shingles(found[b].text))
        scores.highest_negative_similarity = max(scores.highest_negative_similarity, similarity)
        scores.negative_pairs_merged += _merged(found[a].text, found[b].text, threshold)
    scores.seconds = time.perf_counter() - started
    return scores


def _merged(a: str, b: str, threshold: float) -> bool:
    """The decision for one pair: a shared band key and the similarity at the threshold."""
    ga, gb = nd.shingles(a), nd.shingles(b)
    if min(len(ga), len(gb)) < nd.MIN_SHINGLES or not set(nd.band_keys(ga)) & set(nd.band_keys(gb)):
        return False
    return nd.jaccard(ga, gb) >= threshold


def _scratch_store(path: Path) -> sqlite3.Connection:
    from storyline.store.schema import migrate

    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, str(path))
    return conn


def format_report(s: Scores) -> str:
    missed = ", ".join(f"{k} {n}" for k, n in sorted(s.missed_by_edit.items())) or "none"
    return "\n".join(
        [
            f"near-duplicates: {s.originals} originals, {s.copies} edited copies, "
            f"{s.negative_pairs} same-story pairs that must stay apart "
            f"(threshold {nd.THRESHOLD}, {nd.SHINGLE}-word shingles, {nd.BANDS} bands x {nd.ROWS})",
            f"  precision {s.precision:.3f}  recall {s.recall:.3f}  "
            f"(tp {s.true_positives}, fp {s.false_positives}, fn {s.false_negatives})",
            f"  same-story pairs merged: {s.negative_pairs_merged} of {s.negative_pairs}; "
            f"highest similarity among them {s.highest_negative_similarity:.3f}, "
            f"lowest of a copy to its original {s.lowest_copy_similarity:.3f}",
            f"  copies missed by edit: {missed}",
            "  originals merged with an earlier one (each counted a false positive):",
            *(f"    {a} -> {b} ({similarity:.3f})" for a, b, similarity in s.merged_originals),
            f"  {s.seconds:.1f} s",
        ]
    )


def main(args: argparse.Namespace) -> int:
    demo = Path(__file__).resolve().parents[3] / "examples" / "demo"
    polnear = Path(args.dir)
    if not (polnear / "train" / "text").is_dir():
        print(f"storyline: error: {polnear}: not the PolNeAR folder (no train/text in it)", file=sys.stderr)
        return 2
    s = evaluate(polnear, demo)
    if args.json:
        print(json.dumps({**vars(s), "precision": s.precision, "recall": s.recall}, indent=2))
    else:
        print(format_report(s))
    return 0
