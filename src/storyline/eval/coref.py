"""`storyline eval meantime-coref DIR` / `eval gap TSV`: entity coreference, with same-run baselines.

System mentions are every mention of every entity storyline finds (names, descriptions, pronouns:
whatever kinds the pipeline gives), plus each quote's speaker mention as a mention of its speaker
entity when it is not one already.

MEANTIME (CAT XML). Gold mentions: the ENTITY_MENTIONs that a REFERS_TO relation links to an ENTITY
instance of type PER or ORG. Only gold mentions are scored: MEANTIME annotates part of each article,
so a system mention elsewhere counts neither for nor against.
- matching: each gold mention takes the system mention that overlaps it in the most characters
  (ties: the shorter system mention, then the earlier one); several gold mentions may take the
  same system mention. Mention recall is the share of gold mentions with a match, also per
  syntactic_type (NAM, NOM, PRO; "other" is everything else, including mentions the file leaves
  untyped).
- within-article B-cubed over all gold mentions: gold cluster (article, instance_id), system
  cluster (article, entity of the matched mention); an unmatched gold mention is a singleton.
- cross-article B-cubed over the NAM gold mentions: gold cluster instance_id across the corpus,
  system cluster the store's entity id for the matched article entity, after ingesting every
  article into a fresh temporary store.
- baselines on the same matches: "same string" (the matched mention's text, lower-cased and
  whitespace-normalised, is the cluster: per article within, corpus-wide across) and "no linking"
  (across articles, each article entity is its own cluster).
B-cubed per mention: P = |gold ∩ sys| / |sys|, R = |gold ∩ sys| / |gold|, averaged over mentions.

GAP (TSV), scored as GAP's official scorer does: storyline says TRUE for A when the entity that
covers the pronoun (the best match of the pronoun's span, as above) also has a mention overlapping
A's span; likewise B; both FALSE when no entity covers the pronoun. TP/FP/FN over all A and B
decisions give P, R and F1, overall and for feminine and masculine pronouns; the bias figure is
F1 feminine / F1 masculine. Baseline: the nearer of A and B that ends before the pronoun (the
nearer overall if neither does) is TRUE, the other FALSE.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from storyline.eval.timex import meantime_dct, meantime_text
from storyline.model import Article

GOLD_TYPES = ("PER", "ORG")
SYNTACTIC_TYPES = ("NAM", "NOM", "PRO")
GAP_SPLITS = ("development", "validation")
GAP_COLUMNS = (
    "ID",
    "Text",
    "Pronoun",
    "Pronoun-offset",
    "A",
    "A-offset",
    "A-coref",
    "B",
    "B-offset",
    "B-coref",
    "URL",
)
FEMININE = frozenset({"she", "her", "hers", "herself"})
MASCULINE = frozenset({"he", "him", "his", "himself"})
SAME_STRING, NO_LINKING, NEARER = "same string", "no linking", "nearer name"


class CorpusError(ValueError):
    """A corpus folder or file that cannot be read; the message is `PATH: reason`."""


# --- mentions and matching ----------------------------------------------------------------------


@dataclass(frozen=True)
class SystemMention:
    start: int
    end: int
    text: str
    entity: str  # the article's local entity id
    kind: str  # name | description | pronoun (as the pipeline says) | speaker (a quote's speaker mention)


def system_mentions(article: Article) -> list[SystemMention]:
    """Every mention of every entity, then each quote's speaker mention not already one, in text order."""
    out: list[SystemMention] = []
    seen: set[tuple[str, int, int]] = set()
    for e in article.entities:
        for m in e.mentions:
            if (e.id, m.start, m.end) not in seen:
                seen.add((e.id, m.start, m.end))
                out.append(SystemMention(m.start, m.end, m.text, e.id, getattr(m, "kind", "name")))
    for q in article.quotes:
        m = q.speaker_mention
        if q.speaker and m is not None and (q.speaker, m.start, m.end) not in seen:
            seen.add((q.speaker, m.start, m.end))
            out.append(SystemMention(m.start, m.end, m.text, q.speaker, "speaker"))
    return sorted(out, key=lambda m: (m.start, m.end, m.entity))


def overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    return max(0, min(a_end, b_end) - max(a_start, b_start))


def best_match(start: int, end: int, system: Sequence[SystemMention]) -> int | None:
    """The index of the system mention overlapping [start, end) most; ties: shorter, then earlier."""
    ranked = [
        ((-ov, s.end - s.start, s.start), j)
        for j, s in enumerate(system)
        if (ov := overlap(start, end, s.start, s.end)) > 0
    ]
    return min(ranked)[1] if ranked else None


def normalise(text: str) -> str:
    return " ".join(text.lower().split())


# --- scores -------------------------------------------------------------------------------------


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _figures(p: float, r: float) -> dict[str, float]:
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(_f1(p, r), 3)}


def b_cubed(gold: Sequence[Hashable], system: Sequence[Hashable]) -> tuple[float, float, float]:
    """B-cubed (P, R, F1) of one clustering of the same mentions: mention i is in gold cluster
    gold[i] and system cluster system[i]."""
    if len(gold) != len(system):
        raise ValueError("gold and system label different numbers of mentions")
    if not gold:
        return 0.0, 0.0, 0.0
    gold_size, system_size = Counter(gold), Counter(system)
    both = Counter(zip(gold, system, strict=True))
    p = sum(both[g, s] / system_size[s] for g, s in zip(gold, system, strict=True)) / len(gold)
    r = sum(both[g, s] / gold_size[g] for g, s in zip(gold, system, strict=True)) / len(gold)
    return p, r, _f1(p, r)


def _b_cubed_figures(gold: Sequence[Hashable], system: Sequence[Hashable]) -> dict[str, float]:
    p, r, _ = b_cubed(gold, system)
    return _figures(p, r)


@dataclass
class Decisions:
    """GAP's official counts over A and B decisions: TP, FP (TRUE for a FALSE name), FN."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: bool, gold: bool) -> None:
        self.tp += predicted and gold
        self.fp += predicted and not gold
        self.fn += gold and not predicted

    def figures(self) -> dict[str, float | int]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return _figures(p, r) | {"tp": self.tp, "fp": self.fp, "fn": self.fn}


# --- MEANTIME -----------------------------------------------------------------------------------


@dataclass
class GoldMention:
    id: str  # m_id
    start: int
    end: int
    text: str
    syntactic_type: str  # NAM | NOM | PRO | APP | CONJ | PRE.NAM ...; "" where the file gives none
    instance: str  # instance_id: the same across the corpus's articles
    ent_type: str  # PER | ORG


@dataclass
class CorefDoc:
    name: str
    text: str
    published: date | None
    mentions: list[GoldMention] = field(default_factory=list)
    path: Path | None = None


def _parse_xml(path: Path) -> ET.Element:
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise CorpusError(f"{path}: not well-formed XML ({exc})") from None
    except OSError as exc:
        raise CorpusError(f"{path}: {exc.strerror or exc}") from None


def read_meantime_coref(path: Path) -> CorefDoc:
    """The text as eval.timex rebuilds it, and the PER/ORG entity mentions with their instances."""
    root = _parse_xml(path)
    if root.tag.rsplit("}", 1)[-1] != "Document":
        raise CorpusError(f"{path}: not a MEANTIME CAT file (root element <{root.tag}>, not <Document>)")
    text, offsets = meantime_text(root)
    if not offsets:
        raise CorpusError(f"{path}: no <token> elements (not a MEANTIME CAT file)")
    mention_els = {el.get("m_id"): el for el in root.iter("ENTITY_MENTION")}
    instances = {el.get("m_id"): el for el in root.iter("ENTITY")}
    mentions = []
    for rel in root.iter("REFERS_TO"):
        target = instances.get(next((t.get("m_id") for t in rel.iter("target")), None))
        if target is None or target.get("ent_type") not in GOLD_TYPES:
            continue  # events, or entities of other types
        instance = target.get("instance_id") or f"{path.name}#{target.get('m_id')}"
        for source in rel.iter("source"):
            el = mention_els.get(source.get("m_id"))
            spans = [offsets[a.get("t_id", "")] for a in el.iter("token_anchor")] if el is not None else []
            if not spans or any(a.get("t_id") not in offsets for a in el.iter("token_anchor")):
                continue
            start, end = min(s for s, _ in spans), max(e for _, e in spans)
            mentions.append(
                GoldMention(
                    id=el.get("m_id", ""),
                    start=start,
                    end=end,
                    text=text[start:end],
                    syntactic_type=el.get("syntactic_type") or "",
                    instance=instance,
                    ent_type=target.get("ent_type", ""),
                )
            )
    mentions.sort(key=lambda m: (m.start, m.end, m.id))
    return CorefDoc(name=path.name, text=text, published=meantime_dct(root), mentions=mentions, path=path)


def load_meantime(directory: Path, limit: int | None = None) -> list[CorefDoc]:
    directory = Path(directory)
    if not directory.is_dir():
        raise CorpusError(f"{directory}: no such folder (give the MEANTIME folder of CAT .xml files)")
    paths = sorted(directory.rglob("*.xml"))[:limit]
    if not paths:
        raise CorpusError(f"{directory}: no *.xml files")
    return [read_meantime_coref(p) for p in paths]


def _store_entities(articles: list[Article]) -> dict[tuple[str, str], int]:
    """(article id, local entity id) -> cross-article entity id, from a fresh temporary store.

    The articles are already extracted: ingest's `extract` hook is given the identity, so nothing
    is extracted twice."""
    from storyline.ingest import ingest
    from storyline.store import Store

    with (
        tempfile.TemporaryDirectory(prefix="storyline-coref-") as tmp,
        Store(Path(tmp) / "coref.db") as store,
    ):
        ingest(store, articles, extract=iter)
        rows = store.conn.execute("SELECT article_id, local_id, entity_id FROM article_entities")
        return {(a, local): entity for a, local, entity in rows}


def _extract(articles: Iterable[Article]) -> list[Article]:
    from storyline import extract_many

    return list(extract_many(articles))


def score_meantime(
    docs: list[CorefDoc],
    articles: list[Article],
    linked: dict[tuple[str, str], int],
    *,
    baseline: bool = True,
) -> dict:
    """The figures, given the extracted articles (in the order of docs) and the store's entity ids."""
    recall: dict[str, Counter] = {"found": Counter(), "gold": Counter()}
    matched_kinds: Counter = Counter()
    system_kinds: Counter = Counter()
    within: dict[str, list[Hashable]] = {"gold": [], "storyline": [], SAME_STRING: []}
    across: dict[str, list[Hashable]] = {"gold": [], "storyline": [], SAME_STRING: [], NO_LINKING: []}
    for i, (doc, article) in enumerate(zip(docs, articles, strict=True)):
        system = system_mentions(article)
        system_kinds.update(m.kind for m in system)
        for g in doc.mentions:
            j = best_match(g.start, g.end, system)
            group = g.syntactic_type if g.syntactic_type in SYNTACTIC_TYPES else "other"
            recall["gold"][group] += 1
            within["gold"].append((i, g.instance))
            if j is None:
                singleton = ("unmatched", i, g.id)
                within["storyline"].append(singleton)
                within[SAME_STRING].append(singleton)
            else:
                s = system[j]
                recall["found"][group] += 1
                matched_kinds[s.kind] += 1
                within["storyline"].append((i, s.entity))
                within[SAME_STRING].append((i, normalise(s.text)))
            if g.syntactic_type != "NAM":
                continue
            across["gold"].append(g.instance)
            if j is None:
                for name in ("storyline", SAME_STRING, NO_LINKING):
                    across[name].append(("unmatched", i, g.id))
            else:
                s = system[j]
                across["storyline"].append(linked.get((article.id, s.entity), (i, s.entity)))
                across[SAME_STRING].append(normalise(s.text))
                across[NO_LINKING].append((i, s.entity))
    gold_n = sum(recall["gold"].values())
    by_type = {
        t: round(recall["found"][t] / recall["gold"][t], 3) if recall["gold"][t] else 0.0
        for t in (*SYNTACTIC_TYPES, "other")
    }
    systems: dict[str, dict] = {
        "storyline": {
            "within_article": _b_cubed_figures(within["gold"], within["storyline"]),
            "cross_article_named": _b_cubed_figures(across["gold"], across["storyline"]),
        }
    }
    if baseline:
        systems[SAME_STRING] = {
            "within_article": _b_cubed_figures(within["gold"], within[SAME_STRING]),
            "cross_article_named": _b_cubed_figures(across["gold"], across[SAME_STRING]),
        }
        systems[NO_LINKING] = {
            "within_article": None,  # the same as storyline's by definition
            "cross_article_named": _b_cubed_figures(across["gold"], across[NO_LINKING]),
        }
    return {
        "gold_mentions": gold_n,
        "gold_instances": len(set(within["gold"])),
        "named_gold_mentions": len(across["gold"]),
        "named_gold_instances": len(set(across["gold"])),
        "gold_by_type": {t: recall["gold"][t] for t in by_type},
        "mention_recall": round(sum(recall["found"].values()) / gold_n, 3) if gold_n else 0.0,
        "mention_recall_by_type": by_type,
        "system_mentions_by_kind": dict(sorted(system_kinds.items())),
        "matched_by_kind": dict(sorted(matched_kinds.items())),
        "systems": systems,
    }


def evaluate_meantime(directory: Path, limit: int | None = None, baseline: bool = True) -> dict:
    docs = load_meantime(Path(directory), limit)
    started = time.perf_counter()
    articles = _extract(
        Article(text=d.text, published=d.published, input_id=str(d.path or d.name)) for d in docs
    )
    linked = _store_entities(articles)
    return {
        "corpus": "meantime-coref",
        "directory": str(directory),
        "articles": len(docs),
        **score_meantime(docs, articles, linked, baseline=baseline),
        "seconds": round(time.perf_counter() - started, 1),
    }


# --- GAP ----------------------------------------------------------------------------------------


@dataclass
class GapRow:
    id: str
    text: str
    pronoun: str
    pronoun_offset: int
    a: str
    a_offset: int
    a_coref: bool
    b: str
    b_offset: int
    b_coref: bool
    url: str = ""

    @property
    def gender(self) -> str | None:
        word = self.pronoun.lower()
        return "feminine" if word in FEMININE else "masculine" if word in MASCULINE else None

    def span(self, which: str) -> tuple[int, int]:
        text, offset = {
            "pronoun": (self.pronoun, self.pronoun_offset),
            "A": (self.a, self.a_offset),
            "B": (self.b, self.b_offset),
        }[which]
        return offset, offset + len(text)


def gap_path(path: Path, split: str | None = None) -> Path:
    """A GAP .tsv as given, or gap-SPLIT.tsv (default: development) in the folder given."""
    path = Path(path)
    if path.is_dir():
        if (split or "development") not in GAP_SPLITS:
            raise CorpusError(f"{path}: unknown split {split!r} (use {' or '.join(GAP_SPLITS)})")
        path = path / f"gap-{split or 'development'}.tsv"
    elif split is not None and path.is_file():
        raise CorpusError(f"{path}: --split picks a file in the GAP folder; give the folder, or no --split")
    if not path.is_file():
        raise CorpusError(f"{path}: no such file")
    return path


def _flag(value: str, path: Path, number: int, column: str) -> bool:
    if value.strip().upper() not in {"TRUE", "FALSE"}:
        raise CorpusError(f"{path}: line {number}: {column} is {value!r}, not TRUE or FALSE")
    return value.strip().upper() == "TRUE"


def _offset(value: str, path: Path, number: int, column: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise CorpusError(f"{path}: line {number}: {column} is {value!r}, not a character offset") from None


def read_gap(path: Path, limit: int | None = None) -> list[GapRow]:
    """Rows split on tabs (GAP's texts hold quotation marks that a CSV reader would take as quoting);
    each phrase must stand in the text at its offset."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path}: {getattr(exc, 'strerror', None) or exc}") from None
    header = tuple(lines[0].split("\t")) if lines else ()
    if header != GAP_COLUMNS:
        raise CorpusError(f"{path}: not a GAP TSV (the header must be {' '.join(GAP_COLUMNS)})")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        if limit is not None and len(rows) >= limit:
            break
        cols = line.split("\t")
        if len(cols) != len(GAP_COLUMNS):
            raise CorpusError(f"{path}: line {number}: {len(cols)} columns, not {len(GAP_COLUMNS)}")
        row = GapRow(
            id=cols[0],
            text=cols[1],
            pronoun=cols[2],
            pronoun_offset=_offset(cols[3], path, number, "Pronoun-offset"),
            a=cols[4],
            a_offset=_offset(cols[5], path, number, "A-offset"),
            a_coref=_flag(cols[6], path, number, "A-coref"),
            b=cols[7],
            b_offset=_offset(cols[8], path, number, "B-offset"),
            b_coref=_flag(cols[9], path, number, "B-coref"),
            url=cols[10],
        )
        for which, phrase in (("pronoun", row.pronoun), ("A", row.a), ("B", row.b)):
            start, end = row.span(which)
            if not phrase or start < 0 or row.text[start:end] != phrase:
                raise CorpusError(f"{path}: line {number}: {which} {phrase!r} is not at offset {start}")
        rows.append(row)
    if not rows:
        raise CorpusError(f"{path}: no rows")
    return rows


def predict_storyline(article: Article, row: GapRow) -> tuple[bool, bool, bool]:
    """(A, B, whether some entity covers the pronoun)."""
    system = system_mentions(article)
    j = best_match(*row.span("pronoun"), system)
    if j is None:
        return False, False, False
    entity = system[j].entity
    mine = [m for m in system if m.entity == entity]

    def linked(which: str) -> bool:
        start, end = row.span(which)
        return any(overlap(start, end, m.start, m.end) for m in mine)

    return linked("A"), linked("B"), True


def predict_nearer(row: GapRow) -> tuple[bool, bool]:
    """The nearer of A and B among those that end before the pronoun, else the nearer overall."""
    p_start, p_end = row.span("pronoun")

    def distance(which: str) -> int:
        start, end = row.span(which)
        return max(0, start - p_end, p_start - end)

    before = [w for w in ("A", "B") if row.span(w)[1] <= p_start]
    pick = min(before or ["A", "B"], key=distance)  # min keeps A on a tie
    return pick == "A", pick == "B"


def score_gap(rows: list[GapRow], predictions: list[tuple[bool, bool]]) -> dict:
    tallies = {"overall": Decisions(), "feminine": Decisions(), "masculine": Decisions()}
    for row, (a, b) in zip(rows, predictions, strict=True):
        for name in ("overall", row.gender):
            if name is not None:
                tallies[name].add(a, row.a_coref)
                tallies[name].add(b, row.b_coref)
    out: dict = {name: t.figures() for name, t in tallies.items()}
    masculine = out["masculine"]["f1"]
    out["bias"] = round(out["feminine"]["f1"] / masculine, 3) if masculine else None
    return out


def evaluate_gap(
    path: Path, split: str | None = None, limit: int | None = None, baseline: bool = True
) -> dict:
    tsv = gap_path(Path(path), split)
    rows = read_gap(tsv, limit)
    started = time.perf_counter()
    articles = _extract(Article(text=r.text, input_id=r.id) for r in rows)
    ours = [predict_storyline(a, r) for a, r in zip(articles, rows, strict=True)]
    systems = {"storyline": score_gap(rows, [(a, b) for a, b, _ in ours])}
    systems["storyline"]["pronoun_coverage"] = round(sum(c for _, _, c in ours) / len(rows), 3)
    if baseline:
        systems[NEARER] = score_gap(rows, [predict_nearer(r) for r in rows])
    return {
        "corpus": "gap",
        "path": str(tsv),
        "rows": len(rows),
        "feminine_rows": sum(r.gender == "feminine" for r in rows),
        "masculine_rows": sum(r.gender == "masculine" for r in rows),
        "seconds": round(time.perf_counter() - started, 1),
        "systems": systems,
    }


# --- entry points -------------------------------------------------------------------------------


def evaluate(
    corpus: str, path: Path, limit: int | None = None, baseline: bool = True, split: str | None = None
) -> dict:
    if corpus == "meantime-coref":
        return evaluate_meantime(Path(path), limit, baseline)
    if corpus == "gap":
        return evaluate_gap(Path(path), split, limit, baseline)
    raise CorpusError(f"{corpus}: unknown corpus (use meantime-coref or gap)")


def _row(label: str, values: Iterable[float | None], width: int = 14) -> str:
    return f"{label:24}" + "".join(f"{'-' if v is None else f'{v:.3f}':>{width}}" for v in values)


def _format_meantime(result: dict) -> str:
    systems = list(result["systems"])
    by_type = result["mention_recall_by_type"]
    counts = result["gold_by_type"]
    kinds = ", ".join(f"{k} {n}" for k, n in result["system_mentions_by_kind"].items()) or "none"
    matched = ", ".join(f"{k} {n}" for k, n in result["matched_by_kind"].items()) or "none"
    lines = [
        f"meantime-coref {result['directory']}: {result['articles']} articles, {result['gold_mentions']} "
        f"gold PER/ORG mentions of {result['gold_instances']} article-instances "
        f"({result['named_gold_mentions']} named, of {result['named_gold_instances']} instances), "
        f"{result['seconds']} s",
        f"system mentions: {kinds}; gold mentions matched, by system kind: {matched}",
        "",
        f"{'mention recall':24}{result['mention_recall']:>14.3f}   "
        + "  ".join(f"{t} {by_type[t]:.3f} (n={counts[t]})" for t in by_type),
        "",
        f"{'B-cubed':24}" + "".join(f"{s:>14}" for s in systems),
    ]
    for scope, title in (("within_article", "within-article"), ("cross_article_named", "cross-article NAM")):
        for key, label in (("precision", "P"), ("recall", "R"), ("f1", "F1")):
            values = [(result["systems"][s][scope] or {}).get(key) for s in systems]
            lines.append(_row(f"{title} {label}", values))
    return "\n".join(lines)


def _format_gap(result: dict) -> str:
    systems = list(result["systems"])
    ours = result["systems"]["storyline"]
    lines = [
        f"gap {result['path']}: {result['rows']} rows ({result['feminine_rows']} feminine, "
        f"{result['masculine_rows']} masculine), {result['seconds']} s",
        f"storyline pronoun coverage (rows where an entity has a mention on the pronoun): "
        f"{ours['pronoun_coverage']:.3f}",
        "",
        f"{'':24}" + "".join(f"{s:>14}" for s in systems),
    ]
    for subset in ("overall", "feminine", "masculine"):
        for key, label in (("precision", "P"), ("recall", "R"), ("f1", "F1")):
            lines.append(_row(f"{subset} {label}", [result["systems"][s][subset][key] for s in systems]))
    lines.append(_row("bias (F1 fem. / masc.)", [result["systems"][s]["bias"] for s in systems]))
    return "\n".join(lines)


def format_report(result: dict) -> str:
    return _format_gap(result) if result["corpus"] == "gap" else _format_meantime(result)


def main(args: argparse.Namespace) -> int:
    try:
        result = evaluate(
            args.corpus,
            Path(args.dir),
            args.limit,  # 1 or more: the option's type (cli.types.positive_int) checks it
            baseline=not args.no_baseline,
            split=getattr(args, "split", None),
        )
    except CorpusError as exc:
        print(f"storyline: error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2) if args.json else format_report(result), file=sys.stdout)
    return 0
