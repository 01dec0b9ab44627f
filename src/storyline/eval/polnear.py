"""`storyline eval polnear DIR`: quote extraction scored against PolNeAR's brat attributions.

Definitions (the same for storyline and for the textacy baseline, computed in the same run on the
same spaCy Docs):
- a gold attribution is *direct* when at least half of its Content characters lie between
  quotation marks (two apostrophes, as the New York Times' copy writes them, count as one);
- a predicted span is correct when at least half of its characters lie inside one gold Content of
  the set scored; a gold Content is found when predicted spans cover at least half of it
  (split quotes count once: both halves land in the same Content);
- source accuracy: of the correct predictions whose gold attribution names a Source, the share
  whose speaker mention overlaps that Source, or whose speaker name shares its last word.
Each text is scored against one annotation (the first annotator's file, in name order): some
PolNeAR articles were annotated by several people for agreement studies.

storyline is scored on every quote of its contract, quotes within another included (a partial quote
inside reported speech is a finding of its own); the "outer only" column scores the statements a
reader is shown (storyline.quoting), beside it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from storyline.model import Article
from storyline.nlp.marks import doubled_apostrophes

_MARKS = '"“”'
OUTER = "outer only"  # storyline scored on the quotes not within another (what a reader is shown)


@dataclass
class GoldAttribution:
    content: list[tuple[int, int]]
    source: list[tuple[int, int]] = field(default_factory=list)
    source_text: str = ""
    direct: bool = False


@dataclass
class Prediction:
    start: int
    end: int
    source: list[tuple[int, int]]
    source_name: str | None
    direct: bool


def _spans(field_: str) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in (part.split() for part in field_.split(";"))]


def parse_ann(path: Path, text: str) -> list[GoldAttribution]:
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    events: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) >= 2 and cols[0].startswith("T"):
            kind, _, offsets = cols[1].partition(" ")
            spans[cols[0]] = (kind, _spans(offsets))
        elif len(cols) >= 2 and cols[0].startswith("E"):
            events.append(dict(arg.split(":", 1) for arg in cols[1].split() if ":" in arg))
    out = []
    for ev in events:
        if "Content" not in ev or ev["Content"] not in spans:
            continue
        content = spans[ev["Content"]][1]
        source = spans[ev["Source"]][1] if ev.get("Source") in spans else []
        out.append(
            GoldAttribution(
                content=content,
                source=source,
                source_text=" ".join(text[s:e] for s, e in source),
                direct=_quoted_share(doubled_apostrophes(" ".join(text[s:e] for s, e in content))) >= 0.5,
            )
        )
    return out


def _quoted_share(content: str) -> float:
    inside = total = 0
    open_ = False
    for ch in content:
        if ch in _MARKS:
            open_ = not open_ if ch == '"' else ch == "“"
            continue
        if not ch.isspace():
            total += 1
            inside += open_
    return inside / total if total else 0.0


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _last_word(name: str | None) -> str:
    words = re.findall(r"[A-Za-z][\w-]*", (name or "").replace("'s", ""))
    return words[-1].lower() if words else ""


@dataclass
class Score:
    tp_pred: int = 0
    n_pred: int = 0
    found_gold: int = 0
    n_gold: int = 0
    source_ok: int = 0
    source_n: int = 0

    def add(self, preds: list[Prediction], golds: list[GoldAttribution]) -> None:
        self.n_pred += len(preds)
        self.n_gold += len(golds)
        for p in preds:
            length = max(1, p.end - p.start)
            best, best_overlap = None, 0
            for g in golds:
                ov = sum(_overlap((p.start, p.end), c) for c in g.content)
                if ov > best_overlap:
                    best, best_overlap = g, ov
            if best is None or best_overlap < 0.5 * length:
                continue
            self.tp_pred += 1
            if best.source:
                self.source_n += 1
                by_span = any(_overlap(s, src) > 0 for s in p.source for src in best.source)
                by_name = bool(p.source_name) and _last_word(p.source_name) == _last_word(best.source_text)
                self.source_ok += by_span or by_name
        for g in golds:
            size = sum(e - s for s, e in g.content)
            covered = sum(_overlap((p.start, p.end), c) for p in preds for c in g.content)
            self.found_gold += covered >= 0.5 * size

    def figures(self) -> dict[str, float]:
        p = self.tp_pred / self.n_pred if self.n_pred else 0.0
        r = self.found_gold / self.n_gold if self.n_gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        acc = self.source_ok / self.source_n if self.source_n else 0.0
        return {
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(f, 3),
            "source_accuracy": round(acc, 3),
            "predicted": self.n_pred,
            "gold": self.n_gold,
        }


def load_corpus(directory: Path, limit: int | None = None) -> list[tuple[Article, list[GoldAttribution]]]:
    text_dir, ann_dir = directory / "text", directory / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise OSError(f"{directory}: not a PolNeAR compartment (needs text/ and attributions/)")
    anns: dict[str, Path] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        anns.setdefault(ann.stem.rsplit("_", 1)[0], ann)
    out = []
    for txt in sorted(text_dir.glob("*.txt"))[:limit]:
        ann = anns.get(txt.stem)
        if ann is None:
            continue
        text = txt.read_text(encoding="utf-8")
        out.append((Article(text=text, input_id=str(txt), source=txt.name), parse_ann(ann, text)))
    return out


def _ours(article: Article, outer_only: bool = False) -> tuple[list[Prediction], list[Prediction]]:
    """Every quote of the contract as a prediction; with `outer_only`, the statements a reader is
    shown only (a quote within another left out: storyline.quoting)."""
    everything = []
    for q in article.quotes:
        if outer_only and q.within is not None:
            continue
        src = [(q.speaker_mention.start, q.speaker_mention.end)] if q.speaker_mention else []
        name = q.speaker_name or (q.speaker_mention.text if q.speaker_mention else None)
        everything.append(Prediction(q.start, q.end, src, name, q.kind == "direct"))
    return [p for p in everything if p.direct], everything


def _textacy(doc) -> list[Prediction]:
    from textacy.extract.triples import direct_quotations

    out = []
    try:
        triples = list(direct_quotations(doc))
    except Exception:  # the baseline's own failures count as finding nothing, as a user would see
        return out
    for t in triples:
        src = [(tok.idx, tok.idx + len(tok.text)) for tok in t.speaker]
        name = " ".join(tok.text for tok in t.speaker)
        out.append(Prediction(t.content.start_char, t.content.end_char, src, name, True))
    return out


def evaluate(directory: Path, limit: int | None = None, baseline: bool = True) -> dict:
    from storyline.nlp.pipeline import Extractor, to_article

    corpus = load_corpus(directory, limit)
    extractor = Extractor()
    scores = {
        name: {"direct": Score(), "all": Score()}
        for name in (["storyline", OUTER, "textacy"] if baseline else ["storyline", OUTER])
    }
    started = time.perf_counter()
    docs = extractor.nlp.pipe(((extractor.doc(a), (a, g)) for a, g in corpus), as_tuples=True, batch_size=16)
    for doc, (article, gold) in docs:
        direct_gold = [g for g in gold if g.direct]
        extracted = to_article(doc, article)
        for name, outer_only in (("storyline", False), (OUTER, True)):
            direct, everything = _ours(extracted, outer_only)
            scores[name]["direct"].add(direct, direct_gold)
            scores[name]["all"].add(everything, gold)
        if baseline:
            theirs = _textacy(doc)
            scores["textacy"]["direct"].add(theirs, direct_gold)
            scores["textacy"]["all"].add(theirs, gold)
    return {
        "corpus": str(directory),
        "articles": len(corpus),
        "gold_attributions": sum(len(g) for _, g in corpus),
        "gold_direct": sum(g.direct for _, gs in corpus for g in gs),
        "seconds": round(time.perf_counter() - started, 1),
        "systems": {name: {k: s.figures() for k, s in by.items()} for name, by in scores.items()},
    }


def format_report(result: dict) -> str:
    systems = list(result["systems"])
    lines = [
        f"PolNeAR {result['corpus']}: {result['articles']} articles, {result['gold_attributions']} gold "
        f"attributions ({result['gold_direct']} direct), {result['seconds']} s",
        "",
        f"{'':28}" + "".join(f"{s:>12}" for s in systems),
    ]
    for subset in ("direct", "all"):
        for key, label in (
            ("precision", "P"),
            ("recall", "R"),
            ("f1", "F1"),
            ("source_accuracy", "source acc."),
        ):
            row = f"{subset + ' quotes ' + label:28}"
            row += "".join(f"{result['systems'][s][subset][key]:>12.3f}" for s in systems)
            lines.append(row)
        lines.append("")
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    result = evaluate(args.dir, args.limit, baseline=not args.no_baseline)
    print(json.dumps(result, indent=2) if args.json else format_report(result), file=sys.stdout)
    return 0
