"""Cross-article entity resolution: which article entities are the same person or organisation.

Conservative by design, because a wrong merge puts one person's words in another's mouth while a
missed merge only splits a timeline (which the user can join in the rules file):

- a person named with given name and surname is the same person wherever the given name and surname
  agree ("Kimora Lee Simmons" = "Kimora Simmons"); a different given name is a different person
  ("Kimora Lee Simmons" is not "Russell Simmons"), and so is a different suffix ("Jr.");
- a person known to an article only by one name ("Simmons") stays an entity of that one name;
- an organisation is the same under its legal-form variants ("Tern Inc." = "Tern").

Within one article, the extractor has already joined "Russell", "Simmons" and "the Def Jam cofounder"
to "Russell Simmons"; this module only joins across articles.

The rules file (one rule per line, `#` comments) lets the user correct both ways:

    merge: Russell Simmons = Russell Simmons Sr. = Rush
    split: Kimora Simmons / Kimora Lee Simmons

`merge` makes every listed name one entity, called by the first name; `split` keeps each listed name
its own entity even where the rules above would join them. Names are compared case-insensitively.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


HONORIFICS = _words(
    "mr mrs ms miss mx dr prof sir dame lord lady rev sen rep gov pres gen col capt lt sgt judge "
    "justice president senator governor mayor"
)
NAME_SUFFIXES = _words("jr sr ii iii iv")
LEGAL_FORMS = _words("inc incorporated co corp corporation llc ltd limited plc lp llp sa ag gmbh nv bv")


def normalise(name: str) -> str:
    """Lower case, accents and punctuation dropped, possessive removed, spaces collapsed."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"['’]s\b", "", text)
    text = re.sub(r"[^\w\s-]", " ", text).replace("-", " ")
    return " ".join(text.split())


def automatic_key(name: str, type_: str) -> str:
    """The key under which an article entity joins entities of other articles."""
    words = normalise(name).split()
    if type_ == "PERSON":
        while len(words) > 1 and words[0] in HONORIFICS:
            words = words[1:]
        suffix = [w for w in words[1:] if w in NAME_SUFFIXES]
        words = [w for w in words if w not in NAME_SUFFIXES] or words
        if len(words) >= 2:
            return "person:" + " ".join([words[0], words[-1], *suffix])
        return "person:" + " ".join(words + suffix)
    if type_ == "ORG":
        if len(words) > 1 and words[0] == "the":
            words = words[1:]
        while len(words) > 1 and words[-1] in LEGAL_FORMS:
            words = words[:-1]
        return "org:" + " ".join(words)
    return f"{type_.lower()}:" + " ".join(words)


@dataclass
class Rules:
    """The user's merges and splits, parsed; `key` applies them."""

    merges: dict[str, str] = field(default_factory=dict)  # normalised name -> merge key
    merge_names: dict[str, str] = field(default_factory=dict)  # merge key -> display name
    splits: set[str] = field(default_factory=set)  # normalised names kept apart
    digest: str = ""

    def key(self, name: str, type_: str) -> str:
        norm = normalise(name)
        if norm in self.merges:
            return self.merges[norm]
        if norm in self.splits:
            return f"exact:{type_.lower()}:{norm}"
        return automatic_key(name, type_)

    def display_name(self, key: str) -> str | None:
        return self.merge_names.get(key)


class RulesError(ValueError):
    """A line of the rules file that cannot be understood."""


def load_rules(path: str | Path | None) -> Rules:
    """Parse the rules file; a missing file is no rules. Raises RulesError naming the bad line."""
    if path is None or not Path(path).is_file():
        return Rules()
    text = Path(path).read_text(encoding="utf-8")
    rules = Rules(digest=hashlib.sha256(text.encode()).hexdigest())
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        verb, _, rest = line.partition(":")
        verb = verb.strip().lower()
        if verb == "merge":
            names = [n.strip() for n in rest.split("=") if n.strip()]
            if len(names) < 2:
                raise RulesError(f"{path}:{number}: a merge needs two names or more, joined by '='")
            key = "merge:" + normalise(names[0])
            rules.merge_names[key] = names[0]
            for name in names:
                rules.merges[normalise(name)] = key
        elif verb == "split":
            names = [n.strip() for n in rest.split("/") if n.strip()]
            if not names:
                raise RulesError(f"{path}:{number}: a split needs names, separated by '/'")
            rules.splits.update(normalise(n) for n in names)
        else:
            raise RulesError(
                f"{path}:{number}: expected 'merge: A = B' or 'split: A / B', got {raw.strip()!r}"
            )
    return rules
