"""Word lists are data: no literal collection of words in the package's Python code.

A list of words written in code drifts from the tables in `nlp/rules/` (the store's honorifics did)
and cannot be extended without editing control flow. This test scans every module of the package
with `ast` for literal string collections (set, frozenset, list, tuple, dict keys, or a string of
words split in code) of more than MAX_WORDS strings and fails naming file:line. A list that is not
a word list (a column list, a format table) stays small or moves to where it belongs; the rules
loader itself (`nlp/lexicon.py`) is the one module allowed to hold words.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from spacy.glossary import GLOSSARY

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "storyline"
MAX_WORDS = 6
ALLOWED = {"nlp/lexicon.py"}
# TEMPORARY: files a change under way is moving into rules/ (none now)
TEMPORARY: set[str] = set()
# Collections of words that are not rules for reading text, by file and the name they are bound to
# (or the function they are written in), each with why it stays in code.
NOT_RULES: dict[str, dict[str, str]] = {
    # the words shown to people for TimeML codes: output vocabulary, not a rule for reading text
    "dates.py": {"MONTHS": "labels", "WEEKDAYS": "labels"},
    # the names `granularity` gives a TIMEX3 value: the data model's vocabulary, not words of text
    "intervals.py": {"GRANULARITIES": "granularity names"},
    # names of classes of rules/time_words.tsv, not words of text
    "nlp/time/tagger.py": {"TRIGGER_CLASSES": "table class names"},
    # the readers sit below nlp (they cannot read its rules): HTML element names are the format's,
    # a byline's connectors and credit words are how bylines are laid out
    "readers/html.py": {"INLINE": "HTML", "NOT_PROSE": "HTML", "UNWRAPPED": "HTML"},
    "readers/byline.py": {"CREDIT_KEYWORDS": "byline format", "NAME_CONNECTORS": "byline format"},
    # the scorers must not change when the system's rules do
    "eval/events.py": {"_SUFFIXES": "scorer"},
    "eval/coref.py": {"GAP_COLUMNS": "the GAP file's columns"},
    "eval/near_duplicates.py": {"EDITS": "scorer"},
    # the names of commands' choices
    "cli/__init__.py": {"EVAL_CORPORA": "command names"},
    # column lists, table names and SQL: the store's and the export's schema
    "query/export.py": {"TABLES": "schema"},
    "query/stats.py": {"_COUNTS": "SQL"},
    "scale/duck.py": {"TABLES": "schema"},
}


def _is_word(node: ast.expr | None) -> bool:
    """A string that reads as a word of text: it has a lower-case letter, and is not a label of
    spaCy's schemes ("nsubj", "PROPN", "DATE"), an identifier ("in_quote") or a constant name."""
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        return False
    value = node.value
    return any(c.islower() for c in value) and "_" not in value and value not in GLOSSARY


def _constant(node: ast.expr) -> bool:
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return all(_constant(e) for e in node.elts)
    return isinstance(node, ast.Constant) or (isinstance(node, ast.UnaryOp) and _constant(node.operand))


def _split_words(node: ast.AST) -> int:
    """How many words a string of words split in code holds: `"a b c".split()`, or a helper's
    `_words("a b c")`; 0 for anything else."""
    if not isinstance(node, ast.Call):
        return 0
    func, text = node.func, None
    if isinstance(func, ast.Attribute) and func.attr == "split" and not node.args:
        text = func.value
    elif len(node.args) == 1 and not node.keywords and not _callee(func)[:1].isupper():
        text = node.args[0]  # (a class called with a message, ValueError("..."), is no word list)
    if not (isinstance(text, ast.Constant) and isinstance(text.value, str)):
        return 0
    words = text.value.split()
    return len(words) if all(_WORD.match(w) for w in words) else 0


def _callee(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


_WORD = re.compile(r"^[\w.'’&-]+$")


def _size(node: ast.AST) -> int:
    if isinstance(node, ast.Set | ast.List | ast.Tuple):
        return sum(map(_is_word, node.elts))
    if isinstance(node, ast.Dict):  # a lookup table; a dict of computed values is a record being built
        return sum(map(_is_word, node.keys)) if all(_constant(v) for v in node.values) else 0
    return _split_words(node)


def _owners(tree: ast.Module) -> dict[ast.AST, str]:
    """Each node -> the name it is bound to at module or class level, else its function's name."""
    owners: dict[ast.AST, str] = {}

    def visit(node: ast.AST, owner: str) -> None:
        for child in ast.iter_child_nodes(node):
            name = owner
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = child.name
            elif isinstance(child, ast.Assign | ast.AnnAssign) and isinstance(
                node, ast.Module | ast.ClassDef
            ):
                targets = child.targets if isinstance(child, ast.Assign) else [child.target]
                name = next((t.id for t in targets if isinstance(t, ast.Name)), owner)
            owners[child] = name
            visit(child, name)

    visit(tree, "<module>")
    return owners


def word_lists(source: str, name: str, not_rules: dict[str, str] | None = None) -> list[str]:
    """`name:line` and size of each literal string collection above MAX_WORDS in `source`, but for
    `__all__` and the collections bound to a name in `not_rules`."""
    tree = ast.parse(source, name)
    owners = _owners(tree)
    found = []
    for node in ast.walk(tree):
        size = _size(node)
        owner = owners.get(node, "<module>")
        if size > MAX_WORDS and owner != "__all__" and owner not in (not_rules or {}):
            found.append(f"{name}:{node.lineno}: {size} strings")
    return found


def package_word_lists(skipped: set[str]) -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if name not in skipped:
            found += word_lists(path.read_text(encoding="utf-8"), name, NOT_RULES.get(name))
    return found


def test_no_word_list_in_code() -> None:
    found = package_word_lists(ALLOWED | TEMPORARY)
    assert not found, "word lists in Python code; put them in nlp/rules/ behind lexicon.py:\n" + "\n".join(
        found
    )


@pytest.mark.parametrize(
    "code",
    [
        'NAMES = frozenset({"a", "b", "c", "d", "e", "f", "g"})',
        'NAMES = ["a", "b", "c", "d", "e", "f", "g"]',
        'def f(w):\n    return w in ("a", "b", "c", "d", "e", "f", "g")',
        'SCORES = {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7}',
        'WORDS = frozenset("a b c d e f g".split())',
        'WORDS = _words("mr mrs ms dr prof sir dame")',
        'def f(t):\n    return t.lemma_ in {"be", "seem", "appear", "remain", "take", "rain", "matter"}',
    ],
)
def test_a_new_word_list_is_caught(code: str) -> None:
    assert word_lists(code, "new.py") == [f"new.py:{code.count(chr(10)) + 1}: 7 strings"]


def test_small_collections_and_other_constants_pass() -> None:
    code = (
        'A = ("x", "y", "z")\nB = [1, 2, 3, 4, 5, 6, 7, 8]\nC = "one two three four five six seven eight"\n'
        'DEPS = {"det", "amod", "compound", "poss", "nummod", "nmod", "case"}\n'  # spaCy's labels
        'TYPES = ("PERSON", "ORG", "GPE", "NORP", "WORK", "OTHER", "all")\n'
        'MARKS = (",", "?", "!", "—", "–", "-", "…")\n'
        '__all__ = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta"]\n'
        'def f(a):\n    return {"id": a.id, "text": a.text, "title": a.title, "author": a.author, '
        '"source": a.source, "url": a.url, "published": a.published}\n'
        'raise ValueError("at least one host name must be allowed here")\n'
    )
    assert word_lists(code, "ok.py") == []


def test_a_list_kept_in_code_is_named_with_its_reason() -> None:
    code = 'MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul")\n'
    assert word_lists(code, "d.py", {"MONTHS": "labels"}) == []
    assert word_lists(code, "d.py", {"OTHER": "labels"}) == ["d.py:1: 7 strings"]


def test_the_allowances_are_still_needed() -> None:
    """Each temporarily skipped file that still exists, and each name kept in code, still holds a
    word list: an allowance nothing needs any more is dropped, not left to cover a new list."""
    for name in sorted(TEMPORARY):
        path = PACKAGE / name
        if path.exists():
            assert word_lists(path.read_text(encoding="utf-8"), name), f"{name} no longer needs its allowance"
    for name, kept in NOT_RULES.items():
        source = (PACKAGE / name).read_text(encoding="utf-8")
        for owner in kept:
            others = {k: v for k, v in kept.items() if k != owner}
            assert len(word_lists(source, name, others)) > 0, f"{name}: {owner} no longer needs its allowance"


def test_positions_finds_each_listed_word_by_form_text_or_lemma() -> None:
    from storyline.nlp import lexicon
    from storyline.nlp.pipeline import load, make_doc
    from storyline.nlp.sentences import text_of

    nlp = load()
    text = "Zoe met zoe and Isabel. Zoe said Isabel resigned."
    doc = nlp(make_doc(nlp, text))
    assert lexicon.positions(doc, frozenset({"zoe"})) == [0, 2, 6]
    assert lexicon.positions(doc, frozenset({"Zoe", "Isabel", "Nobody"}), attr="orth") == [0, 4, 6, 8]
    assert lexicon.positions(doc, frozenset({"say", "resign"}), attr="lemma") == [7, 9]
    assert lexicon.positions(doc, frozenset({"absent"})) == []
    assert text_of(doc) == doc.text == text
