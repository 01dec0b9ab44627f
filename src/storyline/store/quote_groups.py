"""The same quote re-reported by several outlets, exactly or lightly edited, is one quote group.

A group is found through keys: the whole normalised text, and for longer quotes its first and last
words, so that a dropped word or changed punctuation in the middle still meets the original. A
candidate joins only if the speaker agrees (or the group has none yet and the quote is long enough
to be distinctive) and the word sequences are at least 80% alike. Keys are indexed with the group's
speaker, so that finding candidates is a seek, however common a quote's opening words are.
"""

from __future__ import annotations

import hashlib
import sqlite3
from difflib import SequenceMatcher

from storyline.store.identity import normalise

EDGE_WORDS = 6
MIN_FUZZY_WORDS = 8
MIN_SIMILARITY = 0.8
MAX_CANDIDATES = 20  # fuzzy candidates compared per quote, the most recent groups first


def words_of(text: str) -> list[str]:
    return normalise(text).split()


def keys_of(words: list[str]) -> list[str]:
    keys = ["x:" + hashlib.sha1(" ".join(words).encode()).hexdigest()[:20]]
    if len(words) >= MIN_FUZZY_WORDS:
        keys.append("h:" + " ".join(words[:EDGE_WORDS]))
        keys.append("t:" + " ".join(words[-EDGE_WORDS:]))
    return keys


def similarity(a: list[str], b: list[str]) -> float:
    return 1.0 if a == b else SequenceMatcher(None, a, b, autojunk=False).ratio()


def assign_group(conn: sqlite3.Connection, text: str, speaker_id: int | None, date_start: str | None) -> int:
    """The id of the group this quote belongs to, created if it is the first of its kind."""
    words = words_of(text)
    keys = keys_of(words)
    # the exact text first, then the edge keys. A quote with a speaker seeks (key, speaker) and
    # (key, 0) in the index, so common openings ("we will continue to") shared by thousands of groups
    # cost nothing; one without a speaker takes the first few groups under each key. No ORDER BY:
    # the LIMIT then also bounds the work.
    speaker = speaker_id or 0
    who = "AND k.speaker IN (?, 0)" if speaker_id is not None else ""
    best: tuple[float, int, str | None] | None = None
    for wanted in (keys[:1], keys[1:]):
        if not wanted:
            continue
        marks = ",".join("?" * len(wanted))
        candidates = conn.execute(
            f"SELECT DISTINCT g.id, g.text, g.speaker_id, g.first_date FROM quote_keys k "
            f"JOIN quote_groups g ON g.id = k.group_id WHERE k.key IN ({marks}) {who} LIMIT {MAX_CANDIDATES}",
            [*wanted, speaker] if who else wanted,
        ).fetchall()
        for group_id, group_text, group_speaker, first_date in candidates:
            if speaker_id != group_speaker and len(words) < MIN_FUZZY_WORDS:
                continue
            score = similarity(words, words_of(group_text))
            if score >= MIN_SIMILARITY and (best is None or score > best[0]):
                best = (score, group_id, first_date)
        if best is not None:
            break
    if best is None:
        group_id = conn.execute(
            "INSERT INTO quote_groups (text, speaker_id, first_date) VALUES (?, ?, ?)",
            (text, speaker_id, date_start),
        ).lastrowid
        assert group_id is not None
    else:
        _, group_id, first_date = best
        if date_start and (first_date is None or date_start < first_date):
            conn.execute("UPDATE quote_groups SET first_date = ? WHERE id = ?", (date_start, group_id))
        if speaker_id is not None:
            conn.execute(
                "UPDATE quote_groups SET speaker_id = ? WHERE id = ? AND speaker_id IS NULL",
                (speaker_id, group_id),
            )
    conn.executemany(
        "INSERT OR IGNORE INTO quote_keys (key, speaker, group_id) VALUES (?, ?, ?)",
        [(k, speaker, group_id) for k in keys],
    )
    return group_id
