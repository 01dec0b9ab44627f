"""`storyline eval timeml DIR` / `eval meantime DIR`: temporal expressions, TempEval-3 style.

Gold comes from TimeML `.tml` files (TimeBank + AQUAINT, the TempEval-3 training data) or from
MEANTIME CAT XML. storyline and dateparser's `search_dates` (the baseline a user would reach for)
run in the same pass over the same text and document creation time, so their figures compare.

Definitions (TempEval-3), micro-averaged over the documents of a corpus:
- relaxed match: spans share at least one character; pairs are taken greedily by largest overlap,
  each gold and each system timex used at most once;
- strict match: the same start and end once surrounding whitespace is stripped from both spans;
- type and value accuracy: over relaxed pairs. Values are compared as strings after one
  notational step that does not change what they mean: TIMEX2-style trailing X's of a decade or
  century ("199X", the contract's form) equal TimeML's truncated form ("199"), and an unpadded
  week number ("2000-W7", as some TimeBank files write it) equals the padded ISO one
  ("2000-W07"). The exact-string figure is reported beside it;
- value F1 = value accuracy x relaxed F1, value recall = value accuracy x relaxed recall (the
  TempEval-3 attribute scores: attribute P and R are accuracy x P and accuracy x R).
The DCT is an input, not a target: TimeML's `<DCT>` timex is not scored. MEANTIME anchors its
creation time to the dateline in the text, so there it is both the DCT and a gold timex.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

from storyline.model import Article, Timex

_CLOCK = re.compile(r"\d{1,2}:\d{2}|\b\d{1,2}\s*[ap]\.?m\b|\bnoon\b|\bmidnight\b", re.IGNORECASE)
PATTERNS = {"timeml": "*.tml", "meantime": "*.xml"}


@dataclass
class TimexDoc:
    """One gold document: the text systems see, its creation date, and the gold timexes in it."""

    name: str
    text: str
    dct: date | None
    timexes: list[Timex] = field(default_factory=list)
    path: Path | None = None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def _timex(el: ET.Element, id_: str, text: str, start: int, end: int) -> Timex:
    return Timex(
        id=id_,
        text=text[start:end],
        start=start,
        end=end,
        type=el.get("type", ""),
        value=el.get("value", ""),
        mod=el.get("mod") or None,
    )


def read_timeml(path: Path) -> TimexDoc:
    """Offsets come from walking the parsed tree, so entities (&amp;) count as the one character
    they stand for and any tag nested in a TIMEX3 cannot shift them."""
    root = ET.parse(path).getroot()
    body = next((el for el in root.iter() if _local(el.tag) == "TEXT"), None)
    if body is None:
        raise ValueError(f"{path}: no <TEXT> element")
    parts: list[str] = []
    found: list[tuple[ET.Element, int, int]] = []
    size = 0

    def visit(el: ET.Element) -> None:
        nonlocal size
        start = size
        parts.append(el.text or "")
        size += len(el.text or "")
        for child in el:
            visit(child)
            parts.append(child.tail or "")
            size += len(child.tail or "")
        if _local(el.tag) == "TIMEX3":
            found.append((el, start, size))

    visit(body)
    text = "".join(parts)
    found.sort(key=lambda f: (f[1], f[2]))
    creation = [
        el
        for el in root.iter()
        if _local(el.tag) == "TIMEX3" and el.get("functionInDocument") == "CREATION_TIME"
    ]
    return TimexDoc(
        name=path.name,
        text=text,
        dct=_date(creation[0].get("value")) if creation else None,
        timexes=[_timex(el, el.get("tid", f"t{i}"), text, s, e) for i, (el, s, e) in enumerate(found)],
        path=path,
    )


def meantime_text(root: ET.Element) -> tuple[str, dict[str, tuple[int, int]]]:
    """CAT XML keeps tokens only: the text is rebuilt (a space within a sentence, a line break
    between sentences) and every token's offsets are recorded as it is laid down, by t_id."""
    parts: list[str] = []
    offsets: dict[str, tuple[int, int]] = {}
    size, sentence = 0, None
    for tok in root.iter("token"):
        if sentence is not None:
            sep = " " if tok.get("sentence") == sentence else "\n"
            parts.append(sep)
            size += 1
        sentence = tok.get("sentence")
        word = html.unescape(tok.text or "")  # the corpus escapes quotation marks twice: "&quot;"
        offsets[tok.get("t_id", "")] = (size, size + len(word))
        parts.append(word)
        size += len(word)
    return "".join(parts), offsets


def meantime_dct(root: ET.Element) -> date | None:
    """The document creation time: the first CREATION_TIME timex with a readable date."""
    for markables in root.iter("Markables"):
        for el in markables.iter("TIMEX3"):
            if el.get("functionInDocument") == "CREATION_TIME" and (dct := _date(el.get("value"))):
                return dct
    return None


def read_meantime(path: Path) -> TimexDoc:
    """The text and offsets from meantime_text; every anchored TIMEX3 in Markables is a gold timex."""
    root = ET.parse(path).getroot()
    text, offsets = meantime_text(root)
    timexes: list[Timex] = []
    dct = meantime_dct(root)
    for markables in root.iter("Markables"):
        for el in markables.iter("TIMEX3"):
            spans = [offsets[a.get("t_id", "")] for a in el.iter("token_anchor") if a.get("t_id") in offsets]
            if spans:  # unanchored timexes (other than the DCT) are not in the text: nothing to find
                start, end = min(s for s, _ in spans), max(e for _, e in spans)
                timexes.append(_timex(el, el.get("m_id", ""), text, start, end))
    timexes.sort(key=lambda t: (t.start, t.end))
    return TimexDoc(name=path.name, text=text, dct=dct, timexes=timexes, path=path)


def load_corpus(corpus: str, directory: Path, limit: int | None = None) -> list[TimexDoc]:
    if corpus not in PATTERNS:
        raise ValueError(f"unknown corpus {corpus!r}: use one of {', '.join(PATTERNS)}")
    paths = sorted(Path(directory).rglob(PATTERNS[corpus]))[:limit]
    if not paths:
        raise OSError(f"{directory}: no {PATTERNS[corpus]} files")
    reader = read_timeml if corpus == "timeml" else read_meantime
    return [reader(p) for p in paths]


# --- scoring ------------------------------------------------------------------------------------


def match(gold: list[Timex], system: list[Timex]) -> list[tuple[int, int]]:
    """Relaxed one-to-one pairs (gold index, system index), largest overlap first: a long system
    span touching two gold timexes is credited to the one it covers most."""
    candidates = []
    for i, g in enumerate(gold):
        for j, s in enumerate(system):
            overlap = min(g.end, s.end) - max(g.start, s.start)
            if overlap > 0:
                candidates.append((-overlap, i, j))
    used_g: set[int] = set()
    used_s: set[int] = set()
    pairs = []
    for _, i, j in sorted(candidates):
        if i not in used_g and j not in used_s:
            used_g.add(i)
            used_s.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def _core(t: Timex) -> tuple[int, int]:
    return t.start + len(t.text) - len(t.text.lstrip()), t.end - (len(t.text) - len(t.text.rstrip()))


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


_TRAILING_X = re.compile(r"^(\d{2,3})X+$")
_SHORT_WEEK = re.compile(r"-W(\d)(?=\D|$)")


def canonical_value(value: str) -> str:
    """One notation per value: "199X" -> "199", "19XX" -> "19", "2000-W7" -> "2000-W07"."""
    return _SHORT_WEEK.sub(r"-W0\1", _TRAILING_X.sub(r"\1", value))


def same_value(gold: str, system: str) -> bool:
    return canonical_value(gold) == canonical_value(system)


@dataclass
class Tally:
    """Counts summed over documents (micro-averaging); `figures` turns them into the scores."""

    gold: int = 0
    system: int = 0
    relaxed: int = 0
    strict: int = 0
    type_ok: int = 0
    value_ok: int = 0
    value_exact: int = 0

    def add(self, gold: list[Timex], system: list[Timex]) -> list[tuple[int, int]]:
        pairs = match(gold, system)
        self.gold += len(gold)
        self.system += len(system)
        self.relaxed += len(pairs)
        self.strict += sum((Counter(map(_core, gold)) & Counter(map(_core, system))).values())
        self.type_ok += sum(gold[i].type == system[j].type for i, j in pairs)
        self.value_ok += sum(same_value(gold[i].value, system[j].value) for i, j in pairs)
        self.value_exact += sum(gold[i].value == system[j].value for i, j in pairs)
        return pairs

    def figures(self) -> dict[str, float | int]:
        p, r = _ratio(self.relaxed, self.system), _ratio(self.relaxed, self.gold)
        sp, sr = _ratio(self.strict, self.system), _ratio(self.strict, self.gold)
        value_acc = _ratio(self.value_ok, self.relaxed)
        out = {
            "precision": p,
            "recall": r,
            "f1": _f1(p, r),
            "strict_precision": sp,
            "strict_recall": sr,
            "strict_f1": _f1(sp, sr),
            "type_accuracy": _ratio(self.type_ok, self.relaxed),
            "value_accuracy": value_acc,
            "value_f1": value_acc * _f1(p, r),
            "value_recall": value_acc * r,
            "value_f1_exact_string": _ratio(self.value_exact, self.relaxed) * _f1(p, r),
        }
        return {k: round(v, 3) for k, v in out.items()} | {"system": self.system, "gold": self.gold}


# --- systems ------------------------------------------------------------------------------------


def run_storyline(docs: list[TimexDoc]) -> list[list[Timex]]:
    from storyline.nlp.pipeline import Extractor

    extractor = Extractor()
    articles = (Article(text=d.text, published=d.dct, input_id=str(d.path or d.name)) for d in docs)
    return [list(a.timexes) for a in extractor.annotate(articles)]


def run_dateparser(doc: TimexDoc) -> list[Timex]:
    """search_dates gives substrings, not offsets: each is found in the text after the previous
    one, so repeated phrases land on successive occurrences. Its failures count as no output."""
    from dateparser.search import search_dates

    settings: dict[str, object] = {"PREFER_DATES_FROM": "past"}
    if doc.dct:
        settings["RELATIVE_BASE"] = datetime(doc.dct.year, doc.dct.month, doc.dct.day)
    try:
        found = search_dates(doc.text, languages=["en"], settings=settings) or []
    except Exception:
        return []
    out, pos = [], 0
    for sub, when in found:
        start = doc.text.find(sub, pos)
        if start < 0:
            continue
        pos = start + len(sub)
        value = f"{when.year:04d}-{when.month:02d}-{when.day:02d}"  # strftime's %Y drops zeros
        if _CLOCK.search(sub):
            value += f"T{when.hour:02d}:{when.minute:02d}"
        out.append(Timex(f"d{len(out) + 1}", sub, start, pos, "DATE", value))
    return out


def _timed(
    run: Callable[[list[TimexDoc]], list[list[Timex]]], docs: list[TimexDoc]
) -> tuple[list[list[Timex]], float]:
    started = time.perf_counter()
    outputs = run(docs)
    return outputs, (time.perf_counter() - started) / max(1, len(docs))


def _systems(docs: list[TimexDoc], baseline: bool) -> dict[str, tuple[list[list[Timex]], float]]:
    """Model loading and dateparser's first-call setup are left out of the per-document time."""
    from storyline.nlp.pipeline import load

    load()  # cached per process: run_storyline's Extractor() then finds it loaded
    out = {"storyline": _timed(run_storyline, docs)}
    if baseline:
        run_dateparser(TimexDoc("warm-up", "on Monday", date(2000, 1, 3)))
        out["dateparser"] = _timed(lambda ds: [run_dateparser(d) for d in ds], docs)
    return out


def evaluate(corpus: str, directory: Path, limit: int | None = None, baseline: bool = True) -> dict:
    docs = load_corpus(corpus, Path(directory), limit)
    systems = {}
    for name, (outputs, seconds) in _systems(docs, baseline).items():
        tally = Tally()
        for doc, predicted in zip(docs, outputs, strict=True):
            tally.add(doc.timexes, predicted)
        systems[name] = tally.figures() | {"seconds_per_doc": round(seconds, 4)}
    return {
        "corpus": corpus,
        "directory": str(directory),
        "documents": len(docs),
        "gold_timexes": sum(len(d.timexes) for d in docs),
        "documents_without_dct": sum(d.dct is None for d in docs),
        "systems": systems,
    }


def format_report(result: dict) -> str:
    systems = list(result["systems"])
    lines = [
        f"{result['corpus']} {result['directory']}: {result['documents']} documents, "
        f"{result['gold_timexes']} gold timexes",
        "",
        f"{'':20}" + "".join(f"{s:>12}" for s in systems),
    ]
    rows = [
        ("precision", "relaxed P"),
        ("recall", "relaxed R"),
        ("f1", "relaxed F1"),
        ("strict_f1", "strict F1"),
        ("type_accuracy", "type acc."),
        ("value_accuracy", "value acc."),
        ("value_f1", "value F1"),
        ("value_recall", "value recall"),
        ("value_f1_exact_string", "value F1, exact str"),
    ]
    for key, label in rows:
        lines.append(f"{label:20}" + "".join(f"{result['systems'][s][key]:>12.3f}" for s in systems))
    lines.append(f"{'system timexes':20}" + "".join(f"{result['systems'][s]['system']:>12}" for s in systems))
    lines.append(
        f"{'seconds per doc':20}"
        + "".join(f"{result['systems'][s]['seconds_per_doc']:>12.4f}" for s in systems)
    )
    return "\n".join(lines)


class Mismatch(NamedTuple):
    kind: str  # missed (gold, no system) | spurious (system, no gold) | value (matched, wrong value)
    text: str
    gold_value: str | None
    system_value: str | None
    context: str


def _context(text: str, t: Timex, width: int) -> str:
    half = width // 2
    return text[max(0, t.start - half) : t.end + half].replace("\n", " ")


def iter_mismatches(
    corpus: str, directory: Path, limit: int | None = None, width: int = 60
) -> Iterator[tuple[str, list[Mismatch]]]:
    """storyline's errors per document, for whoever tunes the tagger: (document name, mismatches);
    context is the timex with `width` characters around it, half on each side."""
    docs = load_corpus(corpus, Path(directory), limit)
    for doc, predicted in zip(docs, run_storyline(docs), strict=True):
        pairs = match(doc.timexes, predicted)
        got_g, got_s = {i for i, _ in pairs}, {j for _, j in pairs}
        out = [
            Mismatch("missed", g.text, g.value, None, _context(doc.text, g, width))
            for i, g in enumerate(doc.timexes)
            if i not in got_g
        ]
        out += [
            Mismatch("spurious", s.text, None, s.value, _context(doc.text, s, width))
            for j, s in enumerate(predicted)
            if j not in got_s
        ]
        out += [
            Mismatch(
                "value",
                predicted[j].text,
                doc.timexes[i].value,
                predicted[j].value,
                _context(doc.text, doc.timexes[i], width),
            )
            for i, j in pairs
            if not same_value(doc.timexes[i].value, predicted[j].value)
        ]
        yield doc.name, out


def main(args: argparse.Namespace) -> int:
    result = evaluate(args.corpus, Path(args.dir), args.limit, baseline=not args.no_baseline)
    print(json.dumps(result, indent=2) if args.json else format_report(result), file=sys.stdout)
    return 0
