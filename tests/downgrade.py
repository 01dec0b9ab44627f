"""SQL that takes a store of the current schema back to an older version, for the tests that
check a migration on a store as that older version wrote it: UNDO[n] removes what version n added
(newest first when several are undone)."""

from __future__ import annotations

UNDO = {
    11: "DROP TABLE thing_claims; ",
    10: "DROP TABLE claims; ",
    9: "DROP TABLE entity_moves; ",
    8: "DROP TABLE near_duplicate_keys; DROP TABLE near_duplicate_articles; "
    "ALTER TABLE articles DROP COLUMN language; ",
    7: "DROP INDEX sources_url; ALTER TABLE sources DROP COLUMN fetched_at; DROP TABLE article_versions; "
    "DROP TABLE superseded; DROP TABLE listings; DROP TABLE listing_items; ",
}


def undo_after(version: int) -> str:
    """The script removing every version after `version` that UNDO knows (newest first)."""
    return "".join(UNDO[n] for n in sorted(UNDO, reverse=True) if n > version)
