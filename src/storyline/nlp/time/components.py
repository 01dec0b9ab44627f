"""The time stages as registered spaCy components, each writing its result as a Doc extension.

- `storyline_timexes`: `doc._.timexes`, the temporal expressions, against `doc._.published` (the
  publication date, set on the Doc before the pipeline runs: `pipeline.make_doc`);
- `storyline_quote_times`: `doc._.quote_times`, one time or None per quote of `doc._.quotes`;
- `storyline_event_times`: per event of `doc._.events`, its time (`doc._.event_times`), the quotes
  that express it (`doc._.event_quotes`) and its channel (`doc._.event_channels`).

Like storyline's other components, each runs on its article's time budget and reports an
exception as `doc._.failure`, with an empty result, so that one odd article does not stop a batch.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from spacy.language import Language
from spacy.tokens import Doc

from storyline.nlp.budget import budgeted
from storyline.nlp.sentences import Sentences, paragraph_spans, text_of
from storyline.nlp.time.event_times import channel_of, event_times, link_quotes
from storyline.nlp.time.quote_times import quote_times
from storyline.nlp.time.tagger import find_timexes

EXTENSIONS = ("published", "timexes", "quote_times", "event_times", "event_quotes", "event_channels")
for _name in (*EXTENSIONS, "failure"):
    Doc.set_extension(_name, default=None, force=True)


def _stage(
    name: str, stage: str, reported_as: str, empty: dict[str, Callable[[Doc], object]]
) -> Callable[[Callable[[Doc], None]], Callable[[Doc], Doc]]:
    """A time stage as the component `name`, on the article's clock as `stage`; an exception
    leaves the `empty` values in the extensions it names and says why in `doc._.failure`."""

    def wrap(run: Callable[[Doc], None]) -> Callable[[Doc], Doc]:
        @wraps(run)
        def component(doc: Doc) -> Doc:
            try:
                run(doc)
            except Exception as exc:  # one odd article must not stop a batch: it is reported
                for extension, value in empty.items():
                    setattr(doc._, extension, value(doc))
                doc._.failure = doc._.failure or f"{reported_as}: {type(exc).__name__}: {exc}"
            return doc

        registered = budgeted(stage)(component)
        Language.component(name, func=registered)
        return registered

    return wrap


def _none_per_quote(doc: Doc) -> list[None]:
    return [None] * len(doc._.quotes or [])


@_stage("storyline_timexes", "time", "time", {"timexes": lambda doc: []})
def timexes_component(doc: Doc) -> None:
    doc._.timexes = find_timexes(text_of(doc), doc._.published, doc)


@_stage("storyline_quote_times", "quote times", "time", {"quote_times": _none_per_quote})
def quote_times_component(doc: Doc) -> None:
    findings = doc._.quotes or []
    # the quote stage's sentences and paragraphs, unless it failed on this article
    sentences = doc._.sentences or Sentences(doc)
    paragraph_starts = doc._.paragraph_starts
    if paragraph_starts is None:
        paragraph_starts = [start for start, _ in paragraph_spans(text_of(doc))]
    quoted = [(f.start, f.end) for f in findings]
    timexes = doc._.timexes or []
    doc._.quote_times = quote_times(findings, timexes, sentences, paragraph_starts, quoted, doc._.published)


# as when the events stage fails: no events, no relations
_NO_EVENTS = ("events", "relations", "event_times", "event_quotes", "event_channels")


@_stage("storyline_event_times", "event times", "events", dict.fromkeys(_NO_EVENTS, lambda doc: []))
def event_times_component(doc: Doc) -> None:
    found = doc._.events or []
    findings = doc._.quotes or []
    said = doc._.quote_times or [None] * len(findings)
    time_of = {id(f): t for f, t in zip(findings, said, strict=True)}
    doc._.event_times = event_times(found, doc._.timexes or [], findings, time_of, doc._.published)
    doc._.event_quotes = link_quotes(found, findings)
    doc._.event_channels = [channel_of(f, qs) for f, qs in zip(found, doc._.event_quotes, strict=True)]
