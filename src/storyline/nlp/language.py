"""An article's language, detected offline by py3langid (a small n-gram model shipped in the
package), so that the English pipeline runs on English text only.

Why py3langid over lingua: on bench/language.py's mixed sample both are right at least 98 % of the
time, and py3langid is the faster by far (README, "Language"). Detection reads the first
MAX_CHARS characters: enough for a confident answer, and a constant cost whatever the length.
A text with fewer than MIN_LETTERS letters, or whose language is told with a probability under
MIN_CONFIDENCE, is not decided (None), and is extracted as English.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

_LETTER = re.compile(r"[^\W\d_]")

ENGLISH = "en"
MAX_CHARS = 2000
MIN_LETTERS = 20
MIN_CONFIDENCE = 0.9  # py3langid's normalised probability; below it a text is undecided


@cache
def _identifier():  # py3langid's LanguageIdentifier, loaded once per process
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str) -> str | None:
    """The ISO 639-1 code of the text's language, or None when it cannot be told with confidence:
    fewer than MIN_LETTERS letters, or a probability under MIN_CONFIDENCE ("Nora Bell married Sam
    Ortiz in 2004." reads as German at 0.05). Undecided is extracted: taking a short English text
    for another language would lose its facts, the other way round costs one extraction."""
    head = text[:MAX_CHARS]
    if len(_LETTER.findall(head)) < MIN_LETTERS:
        return None
    code, probability = _identifier().classify(head)
    return code if probability >= MIN_CONFIDENCE else None


def extracted(code: str | None) -> bool:
    """Whether an article in this language goes through the (English) pipeline: undecided does."""
    return code is None or code == ENGLISH


def note(counts: Mapping[str, int]) -> str:
    """The ingest summary's note of the articles stored but not extracted, by language."""
    total = sum(counts.values())
    each = ", ".join(f"{code or '?'} {n:,}" for code, n in sorted(counts.items()))
    return f"{total:,} not in English ({each}): stored, not extracted (the pipeline is English)"
