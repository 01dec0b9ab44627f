"""A time budget per article for storyline's own stages, so that one article cannot hold a worker.

The tokenizer (nlp.tokenizer) and the sentence cap (pipeline.paragraphs_component) make spaCy's
work linear in the text; the budget is the backstop for the rule stages, where a path that costs
more than linear time on some input not yet seen would otherwise run for minutes. Each of
storyline's components, and each stage of `to_article`, runs on the clock of its article's
Budget; the main loops call `check`, which raises OverBudget once the article has spent its
budget. The article then fails with a one-line reason and the rest of its batch goes on.

spaCy's own statistical components run on whole batches and are not on the clock: their cost is
linear in tokens, and tokens in characters.

The clock is the CPU time of the thread doing the work (`time.thread_time`), not the wall clock: on a
loaded machine, or under `nice`, an article that waits for a core has spent nothing, and an article
must not fail because other work ran beside it (a niced PolNeAR ingest beside four busy processes
failed one 1,369-character article at 5.3 s of wall time). Reading it costs under a microsecond,
about 0.1 ms an article at PolNeAR's 160 checks.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps

from spacy.tokens import Doc

# CPU seconds an article may spend in storyline's stages: PolNeAR spends 17 ms per 1,000 characters
# on average, so the budget leaves it six times that and 5 s to spare.
BUDGET_SECONDS = 5.0
BUDGET_SECONDS_PER_KB = 0.1  # per 1,000 characters of text

# the CPU time of the calling thread: what the article's own work has cost, whatever else runs
_clock = time.thread_time

if not Doc.has_extension("budget"):
    Doc.set_extension("budget", default=None)


class OverBudget(Exception):
    """An article spent its time budget; the message says which stage and how much."""


@dataclass
class Budget:
    allowed: float
    chars: int
    spent: float = 0.0
    stage: str = ""
    reason: str | None = None  # set once the budget is spent
    _since: float | None = None

    @classmethod
    def for_chars(cls, chars: int) -> Budget:
        return cls(BUDGET_SECONDS + BUDGET_SECONDS_PER_KB * chars / 1000, chars)

    def check(self) -> None:
        """Raise OverBudget when the article's time is up (cheap enough to call per item)."""
        now = self.spent + (_clock() - self._since if self._since is not None else 0.0)
        if now > self.allowed:
            self.reason = self.reason or (
                f"over its time budget: {now:.1f} CPU s in storyline's stages, up to the {self.stage} stage; "
                f"the budget is {self.allowed:.1f} s for {self.chars:,} characters"
            )
            raise OverBudget(self.reason)

    @contextmanager
    def running(self, stage: str) -> Iterator[None]:
        """Time a stage on this article's clock; OverBudget if it ends over budget."""
        self.stage, self._since = stage, _clock()
        try:
            yield
        finally:
            self.spent += _clock() - self._since
            self._since = None
        self.check()


def budget_of(doc: Doc) -> Budget:
    """The Doc's budget, started on first use."""
    if doc._.budget is None:
        chars = doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0
        doc._.budget = Budget.for_chars(chars)
    return doc._.budget


def check(doc: Doc) -> None:
    """`Budget.check` for the Doc's article, for the main loops of the rule stages."""
    budget = doc._.budget
    if budget is not None:
        budget.check()


def budgeted(stage: str) -> Callable[[Callable[[Doc], Doc]], Callable[[Doc], Doc]]:
    """A component on its article's clock: skipped once the budget is spent, which fails the article."""

    def wrap(component: Callable[[Doc], Doc]) -> Callable[[Doc], Doc]:
        @wraps(component)
        def run(doc: Doc) -> Doc:
            budget = budget_of(doc)
            if budget.reason is None:
                try:
                    with budget.running(stage):
                        component(doc)
                except OverBudget:
                    pass  # the reason is on the budget; the article fails in to_article
            return doc

        return run

    return wrap
