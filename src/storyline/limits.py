"""Limits every layer shares, defined once.

MAX_ARTICLE_BYTES: the largest input file (or upload, or record line) read as one article; a news
article is a few tens of kilobytes, so anything past 5 MB is a dump, a binary or an attack, and is
refused with a message naming it rather than parsed. The readers apply it, the CLI's --max-bytes
and the web upload (STORYLINE_MAX_UPLOAD) default to it.
"""

from __future__ import annotations

MAX_ARTICLE_BYTES = 5_000_000
