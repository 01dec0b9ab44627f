"""The declarative rule tables in `rules/`, loaded once.

Speech verbs, channels, name lists and role nouns are data, so that covering a new cue or outlet is
a line in a table, not new control flow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import numpy as np
from spacy.attrs import LEMMA, LOWER, ORTH
from spacy.strings import hash_string
from spacy.tokens import Doc


def _lines(name: str) -> list[str]:
    text = resources.files("storyline.nlp").joinpath("rules", name).read_text(encoding="utf-8")
    return [ln.rstrip("\n") for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def inflections(lemma: str) -> set[str]:
    """Regular English verb forms of a lemma; irregular ones are listed in the tables."""
    forms = {lemma}
    if re.search(r"(s|sh|ch|x|z|o)$", lemma):
        forms.add(lemma + "es")
    elif re.search(r"[^aeiou]y$", lemma):
        forms.add(lemma[:-1] + "ies")
    else:
        forms.add(lemma + "s")
    if lemma.endswith("e"):
        forms.add(lemma + "d")
        forms.add(
            (lemma[:-2] + "ying")
            if lemma.endswith("ie")
            else (lemma + "ing" if lemma.endswith("ee") else lemma[:-1] + "ing")
        )
    elif re.search(r"[^aeiou]y$", lemma):
        forms.update({lemma[:-1] + "ied", lemma + "ing"})
    else:
        forms.update({lemma + "ed", lemma + "ing"})
    return forms


@dataclass(frozen=True)
class CueLexicon:
    """Word form -> (lemma, class), class being "speech" or "thought"."""

    forms: dict[str, tuple[str, str]]

    def get(self, word: str) -> tuple[str, str] | None:
        return self.forms.get(word.lower())


@cache
def cue_verbs() -> CueLexicon:
    forms: dict[str, tuple[str, str]] = {}
    for line in _lines("cue_verbs.tsv"):
        lemma, cls, *rest = line.split("\t")
        irregular = rest[0].split() if rest else []
        # "speech" wins over "thought" when a form is in both ("concluded", "suggests").
        for form in inflections(lemma) | set(irregular):
            if form not in forms or cls == "speech":
                forms[form] = (lemma, cls)
    return CueLexicon(forms)


@cache
def parties() -> dict[str, str]:
    """A party's adjective or short name -> the party (rules/parties.tsv); not its initial."""
    return {row[0]: row[1] for row in table("parties.tsv") if row[2:3] != ["initial"]}


@cache
def party_words(kind: str) -> dict[str, str]:
    """The words that name a member on their own ("member": "Democrat"; "initial": "R")."""
    return {row[0]: row[1] for row in table("parties.tsv") if row[2:3] == [kind]}


@cache
def word_list(name: str) -> frozenset[str]:
    return frozenset(line.strip() for line in _lines(name))


@cache
def honorifics() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for line in _lines("honorifics.tsv"):
        title, gender = line.split("\t")
        out[title] = None if gender == "-" else gender
    return out


@cache
def first_name_genders() -> dict[str, str]:
    """Given name -> "f" or "m"; names listed under both genders are left out as uninformative."""
    seen: dict[str, set[str]] = {}
    for line in _lines("first_names.tsv"):
        gender, names = line.split("\t")
        for name in names.split():
            seen.setdefault(name, set()).add(gender)
    return {name: genders.pop() for name, genders in seen.items() if len(genders) == 1}


def _alternation(words: frozenset[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


def trie_alternation(words: frozenset[str] | set[str], space: str = r"\s+") -> str:
    """The words as one regular expression that shares their prefixes ("jul(?:y)?" for "jul" and
    "july"), a space in a word matching `space`. It matches what the alternation of the words
    longest first matches, in the same order of tries: of the words that fit at a position only
    one can go on at each character, and a longer one is tried before the shorter it begins
    with. But the engine tries one branch per character, where an alternation of 150 words
    tries every word in turn at every position (four times slower over news, for the time
    tagger's trigger words; inside the time rules, whose cost is elsewhere, it saved nothing
    measurable, so `_alternation` stays as it was)."""
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def expression(node: dict[str, dict]) -> str:
        branches = [
            (space if ch == " " else re.escape(ch)) + expression(child)
            for ch, child in sorted(node.items())
            if ch
        ]
        if not branches:
            return ""
        if len(branches) == 1 and "" not in node:
            return branches[0]
        group = "(?:" + "|".join(branches) + ")"
        return group + "?" if "" in node else group

    return expression(root)


# A capitalised name of up to six words: "E! News", "The Hollywood Reporter", "CBS's 60 Minutes".
NAME_PATTERN = r"(?:The\s+)?[A-Z0-9][\w!&.'’-]*(?:\s+(?:of\s+|and\s+|&\s+|de\s+)?[A-Z0-9][\w!&.'’-]*){0,5}"


@cache
def channel_patterns() -> tuple[re.Pattern[str], ...]:
    platforms = _alternation(word_list("platforms.txt"))
    media = _alternation(word_list("media.txt"))
    out = []
    for line in _lines("channels.tsv"):
        pattern = (
            line.replace("{PLATFORM}", rf"(?-i:(?:{platforms})\b)")
            .replace("{MEDIUM}", rf"(?:{media})")
            .replace("{NAME}", rf"(?-i:{NAME_PATTERN})")
        )
        out.append(re.compile(pattern, re.IGNORECASE))
    return tuple(out)


@lru_cache(maxsize=64)
def hashes(words: frozenset[str]) -> np.ndarray:
    """spaCy string hashes of `words`, to find them in a Doc without creating a Token per word.
    Bounded: the rule lists are asked for on every Doc and stay, while a set made for one Doc (a
    name's parts) is dropped in its turn, so a long ingest's memory does not grow with it."""
    return np.array(sorted(hash_string(w) for w in words), dtype=np.uint64)


def positions(doc: Doc, words: frozenset[str], attr: str = "lower") -> list[int]:
    """Indices of the tokens whose lowercase form (or exact text, attr="orth"; or lemma,
    attr="lemma") is in `words`.

    Our components look at a few dozen tokens of a thousand; a vectorised pass over the Doc's
    attribute array finds them at a fraction of the cost of iterating Token objects.
    """
    if not len(doc) or not words:
        return []
    column = doc.to_array({"lower": LOWER, "orth": ORTH, "lemma": LEMMA}[attr])
    # the hashes are sorted: a binary search per token, where np.isin sorted the word list (5,000
    # given names) again on every call
    found = hashes(words)
    at = np.searchsorted(found, column)
    at[at == len(found)] = 0
    return np.nonzero(found[at] == column)[0].tolist()


@cache
def cue_forms() -> frozenset[str]:
    return frozenset(cue_verbs().forms)


def table(name: str) -> list[list[str]]:
    """The rows of a tab-separated rule table, comments and blank lines dropped."""
    return [line.split("\t") for line in _lines(name)]


@cache
def word_class(name: str, table_name: str = "identity_words.tsv") -> frozenset[str]:
    """One class of a `class <TAB> words` table: rules/identity_words.tsv ("particle", "opinion"),
    modality_verbs.tsv, name_parts.tsv... A class no row names is an error, not an empty set: a
    misspelt class would otherwise switch its rule off without a word."""
    found = [w for cls, words in table(table_name) if cls == name for w in words.split()]
    if not found:
        raise KeyError(f"rules/{table_name} has no class {name!r}")
    return frozenset(found)


@dataclass(frozen=True)
class ValuedWords:
    """Kind -> word or phrase -> value, from "kind <TAB> words, comma-separated <TAB> value" rows
    (rules/time_words.tsv: "month" -> "sept." -> "9")."""

    tables: dict[str, dict[str, str]]

    def get(self, kind: str, word: str) -> str | None:
        return self.tables.get(kind, {}).get(re.sub(r"\s+", " ", word.lower()))

    def alt(self, *kinds: str) -> str:
        """The words of these kinds as a regular expression, the longest first."""
        return _alternation(frozenset(w for k in kinds for w in self.tables.get(k, {})))


@cache
def valued_words(name: str) -> ValuedWords:
    tables: dict[str, dict[str, str]] = {}
    for kind, words, value in table(name):
        for w in words.split(","):
            tables.setdefault(kind, {})[w.strip()] = value
    return ValuedWords(tables)


@cache
def patterns(name: str) -> tuple[tuple[str, str, str], ...]:
    """The (kind, name, expression) rows of a pattern table (rules/time_patterns.tsv), in order.

    A line that starts with a tab carries on the expression above it, so that a long one can be
    read; the expressions are returned as written, for their user to fill in and compile."""
    rows: list[tuple[str, str, str]] = []
    for n, line in enumerate(_lines(name), start=1):
        if line.startswith("\t") and rows:
            kind, key, expression = rows[-1]
            rows[-1] = (kind, key, expression + line.lstrip("\t"))
            continue
        fields = line.split("\t")
        if len(fields) != 3 or not all(fields):
            raise ValueError(f"rules/{name}: row {n} is not kind <TAB> name <TAB> expression: {line[:60]!r}")
        rows.append((fields[0], fields[1], fields[2]))
    return tuple(rows)
