"""The JSON contract (docs/storyline-json.md, version 1): an Article as one JSON object.

Only additive changes: a field that is not known is null, never missing.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from storyline.model import Article, Mention, Span, TimeValue

VERSION = 1


def _span(s: Span | None) -> dict | None:
    return None if s is None else {"start": s.start, "end": s.end, "text": s.text}


def _mention(m: Span) -> dict:
    return {"start": m.start, "end": m.end, "text": m.text, "kind": getattr(m, "kind", "name")}


def _time(t: TimeValue | None) -> dict | None:
    return None if t is None else {"value": t.value, "granularity": t.granularity, "mod": t.mod}


def to_dict(article: Article) -> dict:
    a = article
    return {
        "storyline": VERSION,
        "article": {
            "id": a.id,
            "input_id": a.input_id,
            "title": a.title,
            "author": a.author,
            "source": a.source,
            "url": a.url,
            "published": a.published.isoformat() if a.published else None,
            "published_datetime": a.published_datetime.strftime("%Y-%m-%dT%H:%M")
            if a.published_datetime
            else None,
            "text": a.text,
            "language": a.language,
        },
        "entities": [
            {
                "id": e.id,
                "name": e.name,
                "type": e.type,
                "aliases": e.aliases,
                "mentions": [_mention(m) for m in e.mentions],
                "gender": e.gender,
            }
            for e in a.entities
        ],
        "quotes": [
            {
                "id": q.id,
                "text": q.text,
                "start": q.start,
                "end": q.end,
                "kind": q.kind,
                "speaker": q.speaker,
                "speaker_name": q.speaker_name,
                "speaker_mention": _span(q.speaker_mention),
                "cue": q.cue,
                "cue_span": _span(q.cue_span),
                "channel": q.channel,
                "medium": q.medium,
                "time": _time(q.time),
                "confidence": q.confidence,
                "within": q.within,
            }
            for q in a.quotes
        ],
        "timexes": [asdict(t) for t in a.timexes],
        "events": [
            {
                **asdict(v),
                "sentence": {"start": v.sentence.start, "end": v.sentence.end},
                "time": _time(v.time),
            }
            for v in a.events
        ],
        "relations": [{**asdict(r), "evidence": _span(r.evidence)} for r in a.relations],
    }


def to_json(article: Article) -> str:
    """One line of JSON Lines."""
    return json.dumps(to_dict(article), ensure_ascii=False)


def _span_from(d: dict | None) -> Span | None:
    return None if d is None else Span(d["start"], d["end"], d.get("text", ""))


def _mention_from(d: dict) -> Mention:
    return Mention(d["start"], d["end"], d.get("text", ""), d.get("kind") or "name")


def _time_from(d: dict | None) -> TimeValue | None:
    return None if d is None else TimeValue(d["value"], d["granularity"], d.get("mod"))


def from_dict(data: dict) -> Article:
    """The Article a contract object describes: the inverse of to_dict (what `storyline load` needs)."""
    from datetime import date, datetime

    from storyline.model import Entity, Event, Quote, Relation, Timex

    a = data["article"]
    article = Article(
        text=a["text"],
        title=a.get("title"),
        author=a.get("author"),
        source=a.get("source"),
        url=a.get("url"),
        published=date.fromisoformat(a["published"]) if a.get("published") else None,
        published_datetime=datetime.fromisoformat(a["published_datetime"])
        if a.get("published_datetime")
        else None,
        input_id=a.get("input_id"),
        language=a.get("language"),
    )
    article.entities = [
        Entity(
            e["id"],
            e["name"],
            e["type"],
            list(e["aliases"]),
            [_mention_from(m) for m in e["mentions"]],
            e.get("gender"),
        )
        for e in data["entities"]
    ]
    article.quotes = [
        Quote(
            id=q["id"],
            text=q["text"],
            start=q["start"],
            end=q["end"],
            kind=q["kind"],
            speaker=q.get("speaker"),
            speaker_name=q.get("speaker_name"),
            speaker_mention=_span_from(q.get("speaker_mention")),
            cue=q.get("cue"),
            cue_span=_span_from(q.get("cue_span")),
            channel=q.get("channel"),
            medium=q.get("medium"),
            time=_time_from(q.get("time")),
            confidence=q.get("confidence", 0.0),
            within=q.get("within"),
        )
        for q in data["quotes"]
    ]
    article.timexes = [Timex(**t) for t in data["timexes"]]
    article.events = [
        Event(
            id=v["id"],
            type=v["type"],
            trigger=v["trigger"],
            start=v["start"],
            end=v["end"],
            sentence=Span(v["sentence"]["start"], v["sentence"]["end"], ""),
            time=_time_from(v.get("time")),
            args=v.get("args", {}),
            quotes=list(v.get("quotes", [])),
            confidence=v.get("confidence", 0.0),
            modality=v.get("modality", "asserted"),
        )
        for v in data["events"]
    ]
    article.relations = [
        Relation(
            id=r["id"],
            type=r["type"],
            head=r["head"],
            tail=r["tail"],
            start=r.get("start"),
            end=r.get("end"),
            evidence=_span_from(r.get("evidence")),
            confidence=r.get("confidence", 0.0),
        )
        for r in data["relations"]
    ]
    return article
