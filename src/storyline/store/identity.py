"""Names of people and organisations, compared across articles; and the user's merges and splits.

This module only reads names: `storyline.store.resolver` decides, with the store's counts, which
article entity joins which cross-article entity. Here:

- `parse_person` splits a person's name into given name, middle parts, surname and suffix, after
  dropping honorifics ("President", "Dr."): "George H.W. Bush" is george / (h, w) / bush, "Ursula
  von der Leyen" is ursula / () / von der leyen (particles belong to the surname), "Martin Luther
  King Jr." keeps its "jr", and "Kim Jong Un" or "Xi Jinping" (family name first) stay whole;
- `middles_compatible` says whether two middle parts can be one person's: a missing middle is
  compatible ("Kimora Simmons" ~ "Kimora Lee Simmons"), an initial matches a name of that initial
  ("John F. Kennedy" ~ "John Fitzgerald Kennedy"), anything else is a different person ("George W.
  Bush" is not "George H.W. Bush");
- `org_base` drops a leading "The" and legal or descriptive tails ("Inc.", "AG", "Group",
  "Holdings"...), `org_acronym` recognises an acronym ("VW", "U.N."), `org_initials` gives the
  initials of an organisation's capitalised words ("World Health Organization" -> WHO);
- the entity key (`entities.key`, one string per cross-article entity) is spelt here alone:
  `merge_key`, `split_key`, `person_key`, `org_key`, and `automatic_key`, the name-only part of the
  rule, which a DuckDB query over a Parquet dataset can apply (people by given name + surname +
  suffix, organisations by base name; `Rules.key` with the user's rules). The resolver chooses
  which key an article entity gets; the queries ask `lookup_keys` which keys a name may have.

Within one article, the extractor has already joined "Russell", "Simmons" and "the Def Jam cofounder"
to "Russell Simmons"; the store only joins across articles.

The rules file (one rule per line, `#` comments) lets the user correct both ways, and wins over
everything the resolver would decide:

    merge: Russell Simmons = Russell Simmons Sr. = Rush
    split: Kimora Simmons / Kimora Lee Simmons

`merge` makes every listed name one entity, called by the first name; `split` keeps each listed name
its own entity even where the resolver would join them. Names are compared case-insensitively. A
rule applies to the names it lists only: the entities it makes are not candidates for other names.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from storyline.nlp import lexicon


def _dropped_titles() -> frozenset[str]:
    """The honorifics of rules/honorifics.tsv, as names are compared ("Dr." -> dr), and the other
    words that open a person's name before it (rules/name_parts.tsv, "title")."""
    honorifics = {" ".join(_tokens(title)).lower() for title in lexicon.honorifics()}
    return frozenset(honorifics) | lexicon.word_class("title", "name_parts.tsv")


def _parts(name: str) -> frozenset[str]:
    return lexicon.word_class(name, "name_parts.tsv")


NAME_SUFFIXES = _parts("suffix")
LEGAL_FORMS = _parts("legal-form")
# tails an organisation's base name is known without: legal forms and a few descriptive words
ORG_TAILS = LEGAL_FORMS | _parts("org-tail")
# a base name that is only one of these is too generic to stand for the organisation ("The Group")
GENERIC_ORG_WORDS = _parts("generic-org")
PARTICLES = _parts("particle")
INITIALS_SKIP = _parts("initials-skip")
# family-name-first names, kept whole (rules/name_parts.tsv says which)
CHINESE_FAMILY = _parts("chinese-family")
KOREAN_FAMILY = _parts("korean-family")
_ACRONYM = re.compile(r"^[A-Z](?:\.?[A-Z]){1,5}\.?$")


def normalise(name: str) -> str:
    """Lower case, accents and punctuation dropped, possessive removed, spaces collapsed."""
    return " ".join(_tokens(name)).lower()


def _tokens(name: str) -> list[str]:
    """The words of a name as normalise() splits them, keeping their case."""
    text = name
    if not text.isascii():  # (ASCII has no accents to drop: the common case, and 4x faster)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"['’][sS]\b", "", text)
    return re.sub(r"[^\w\s-]", " ", text).replace("-", " ").split()


HONORIFICS = _dropped_titles()


@dataclass(frozen=True)
class PersonName:
    """A person's name in parts, normalised. A one-word name has no given name."""

    given: str
    middles: tuple[str, ...]
    surname: str
    suffix: str = ""
    whole: bool = False  # family name first ("kim jong un"): compared whole, surname is the family name

    @property
    def full(self) -> bool:
        return bool(self.given)

    @property
    def block(self) -> str:
        """Given name, surname and suffix (the whole name if family-name-first): what candidates share."""
        if self.whole:
            return " ".join(filter(None, (self.surname, self.given, self.suffix)))
        return " ".join(filter(None, (self.given, self.surname, self.suffix)))

    @property
    def detail(self) -> str:
        """The middle parts, space-separated ('' for none)."""
        return " ".join(self.middles)

    @property
    def text(self) -> str:
        """Every part: the name a new entity is keyed by."""
        if self.whole:
            return self.block
        return " ".join(filter(None, (self.given, *self.middles, self.surname, self.suffix)))

    @property
    def words(self) -> list[str]:
        """The single names a one-word mention of this person may use: surname (with and without
        its particles) and given name; a family-name-first name only its family name."""
        if not self.full:
            return [self.surname]
        found = [self.surname]
        bare = self.surname.split()[-1]
        if not self.whole:
            found += [bare, self.given]
        return list(dict.fromkeys(found))


def parse_person(name: str) -> PersonName | None:
    """A person's name in parts, honorifics dropped; None if nothing is left of it."""
    cased = _tokens(name)
    while len(cased) > 1 and cased[0].lower() in HONORIFICS:
        cased = cased[1:]
    if not cased:
        return None
    suffix = next((w.lower() for w in cased[1:] if w.lower() in NAME_SUFFIXES), "")
    if suffix:
        cased = [w for i, w in enumerate(cased) if i == 0 or w.lower() not in NAME_SUFFIXES]
    words = [w.lower() for w in cased]
    if len(words) >= 2 and _family_first(words):
        return PersonName(" ".join(words[1:]), (), words[0], suffix, whole=True)
    start = len(words) - 1  # the surname: the last word and the particles before it; a first word
    while start > 1 and words[start - 1] in PARTICLES:  # is a particle only in lower case ("von der
        start -= 1  # Leyen" is a surname, "Al Gore" a given name and a surname)
    if start == 1 and words[0] in PARTICLES and cased[0].islower():
        start = 0
    surname = " ".join(words[start:])
    if start == 0:
        return PersonName("", (), surname, suffix)
    return PersonName(words[0], tuple(words[1:start]), surname, suffix)


def _family_first(words: list[str]) -> bool:
    if words[0] in CHINESE_FAMILY and len(words) <= 3:
        return True
    return words[0] in KOREAN_FAMILY and len(words) == 3 and all(len(w) <= 4 for w in words[1:])


def middles_compatible(a: tuple[str, ...] | str, b: tuple[str, ...] | str) -> bool:
    """Whether two middle parts may be one person's: either missing, or part by part equal or an
    initial of the other ("w" ~ "walker"); a different number of parts is a different person."""
    a = tuple(a.split()) if isinstance(a, str) else a
    b = tuple(b.split()) if isinstance(b, str) else b
    if not a or not b:
        return True
    if len(a) != len(b):
        return False
    return all(
        x == y or (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y))
        for x, y in zip(a, b, strict=True)
    )


def org_base(name: str) -> str:
    """An organisation's name without a leading "The" and without legal or descriptive tails
    ("Volkswagen AG" -> volkswagen), unless only a generic word would be left; an acronym's letters
    ("U.N." -> un)."""
    if (acronym := org_acronym(name)) is not None:
        return acronym.lower()
    words = normalise(name).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and words[-1] in ORG_TAILS:
        rest = words[:-1]
        if len(rest) == 1 and (rest[0] in GENERIC_ORG_WORDS or len(rest[0]) < 2):
            break
        words = rest
    return " ".join(words)


def org_acronym(name: str) -> str | None:
    """The letters of a name that is an acronym of 2 to 6 capitals ("VW", "U.N." -> UN), else None."""
    text = name.strip()
    if not _ACRONYM.match(text):
        return None
    return text.replace(".", "")


def defines_acronym(acronym: str, name: str) -> bool:
    """Whether an acronym can stand for the name: its letters appear in the name in order, the
    first being the name's first letter ("VW" for "Volkswagen AG", "WHO" for "World Health
    Organization")."""
    letters = [c for c in normalise(name) if c.isalnum()]
    wanted = acronym.lower()
    if not letters or not wanted or letters[0] != wanted[0]:
        return False
    at = 0
    for c in letters:
        if at < len(wanted) and c == wanted[at]:
            at += 1
    return at == len(wanted)


def org_initials(name: str) -> list[str]:
    """The initials of an organisation's capitalised words, ignoring of/the/and/for, without and with
    its legal tail ("International Business Machines Corp." -> IBM, IBMC), each of 2 to 6 letters;
    none for a name of one word and a tail ("Apple Inc.")."""
    words = [w for w in re.split(r"[\s\-/]+", name.strip()) if w]
    capitals = [
        w for w in words if w[:1].isupper() and w.strip(".,").lower() not in INITIALS_SKIP and w[:1].isalpha()
    ]
    base = list(capitals)
    while len(base) > 2 and normalise(base[-1]) in ORG_TAILS:
        base = base[:-1]
    if len(base) < 2 or normalise(base[-1]) in ORG_TAILS:
        return []
    found = ["".join(w[0] for w in base).upper()]
    if len(base) < len(capitals):  # "American Broadcasting Company" is ABC as well as AB
        found.append("".join(w[0] for w in capitals).upper())
    return [i for i in found if len(i) <= 6]


# ------------------------------------------------------------------ the entity key
def merge_key(name: str) -> str:
    """The key of the entity a user's merge rule makes, after the first name the rule lists."""
    return "merge:" + normalise(name)


def split_key(name: str, type_: str) -> str:
    """The key of a name a user's split rule keeps apart: the name itself, with its type."""
    return f"exact:{type_.lower()}:{normalise(name)}"


def person_key(words: str) -> str:
    """The key of a person known by these normalised words (a PersonName's text, block or surname)."""
    return "person:" + words


def org_key(name: str) -> str:
    """The key of an organisation: its base name, or an acronym's letters ("org:volkswagen", "org:vw")."""
    return "org:" + org_base(name)


def lookup_keys(name: str) -> list[str]:
    """The keys an entity called `name` may have in the store, whatever its type: a merge rule's
    (named by it), an organisation's, a person's by every part of the name. What a query tries
    before the resolver's index of full names and acronyms."""
    keys = [merge_key(name), org_key(name)]
    if (person := parse_person(name)) is not None:
        keys.append(person_key(person.text))
    return keys


def automatic_key(name: str, type_: str) -> str:
    """The name-only key of an article entity: people by given name, surname and suffix (middle
    parts dropped, so "Kimora Lee Simmons" and "Kimora Simmons" share it), a family-name-first name
    whole; organisations by base name; other types by their normalised name.

    The store resolves more finely (middle parts, one-word names, acronyms: store.resolver); this is
    the part of the rule one string can carry, used where only a key will do (DuckDB)."""
    if type_ == "PERSON":
        person = parse_person(name)
        return person_key(person.block if person else "")
    if type_ == "ORG":
        return org_key(name)
    return f"{type_.lower()}:" + normalise(name)


@dataclass
class Rules:
    """The user's merges and splits, parsed; `key` applies them."""

    merges: dict[str, str] = field(default_factory=dict)  # normalised name -> merge key
    merge_names: dict[str, str] = field(default_factory=dict)  # merge key -> display name
    splits: set[str] = field(default_factory=set)  # normalised names kept apart
    digest: str = ""
    lines: dict[str, str] = field(default_factory=dict)  # normalised name -> the rule naming it, as written

    def key(self, name: str, type_: str) -> str:
        norm = normalise(name)
        if norm in self.merges:
            return self.merges[norm]
        if norm in self.splits:
            return split_key(name, type_)
        return automatic_key(name, type_)

    def display_name(self, key: str) -> str | None:
        return self.merge_names.get(key)


class RulesError(ValueError):
    """A line of the rules file that cannot be understood."""


def load_rules(path: str | Path | None, *, required: bool = False) -> Rules:
    """Parse the rules file; a missing file is no rules unless `required` (a file the user named).
    Raises RulesError naming the file and the reason, or the bad line."""
    if path is None or (not required and not Path(path).exists()):
        return Rules()
    if not Path(path).is_file():
        exists = Path(path).exists()
        raise RulesError(f"{path}: {'not a file' if exists else 'no such entities file'}")
    try:
        data = Path(path).read_bytes()
        if b"\0" in data:
            raise RulesError(f"{path}: binary file, not an entities file")
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise RulesError(f"{path}: not UTF-8 text (at byte {e.start})") from None
    except OSError as e:
        raise RulesError(f"{path}: cannot read file ({(e.strerror or type(e).__name__).lower()})") from None
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
            key = merge_key(names[0])
            rules.merge_names[key] = names[0]
            for name in names:
                rules.merges[normalise(name)] = key
                rules.lines[normalise(name)] = line
        elif verb == "split":
            names = [n.strip() for n in rest.split("/") if n.strip()]
            if not names:
                raise RulesError(f"{path}:{number}: a split needs names, separated by '/'")
            rules.splits.update(normalise(n) for n in names)
            rules.lines.update((normalise(n), line) for n in names)
        else:
            raise RulesError(
                f"{path}:{number}: expected 'merge: A = B' or 'split: A / B', got {raw.strip()!r}"
            )
    return rules
