"""Coreference scoring: B-cubed, the matching rule and GAP's counts on hand-made clusters; both
readers on invented files; one run of each corpus through the real pipeline and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.cli import main as cli
from storyline.eval import coref as co
from storyline.model import Article, Entity, Mention, Quote, Span

# --- B-cubed and matching ------------------------------------------------------------------------


def test_b_cubed_on_known_examples() -> None:
    # gold {1,2,3} {4}; system {1,2,3,4}: P = (3 * 3/4 + 1/4) / 4, R = 1
    p, r, f = co.b_cubed(["a", "a", "a", "b"], ["x", "x", "x", "x"])
    assert (p, r) == (0.625, 1.0)
    assert f == pytest.approx(2 * 0.625 / 1.625)
    # gold {1,2,3} {4,5}; system {1,2} {3,4,5}
    p, r, _ = co.b_cubed(["a", "a", "a", "b", "b"], ["x", "x", "y", "y", "y"])
    assert p == pytest.approx((1 + 1 + 1 / 3 + 2 / 3 + 2 / 3) / 5)
    assert r == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5)
    # all singletons against one gold cluster of three: P = 1, R = 1/3
    p, r, _ = co.b_cubed(["a", "a", "a"], [1, 2, 3])
    assert (p, r) == (1.0, pytest.approx(1 / 3))
    assert co.b_cubed([], []) == (0.0, 0.0, 0.0)
    with pytest.raises(ValueError):
        co.b_cubed(["a"], [])


def sm(start: int, end: int, entity: str = "e", text: str = "") -> co.SystemMention:
    return co.SystemMention(start, end, text or "x" * (end - start), entity, "name")


def test_best_match_takes_most_overlap_then_the_shorter_mention() -> None:
    system = [sm(5, 12), sm(12, 30), sm(15, 20)]  # overlaps with [10, 20): 2, 8, 5
    assert co.best_match(10, 20, system) == 1
    assert co.best_match(0, 10, [sm(0, 20), sm(0, 10), sm(2, 30)]) == 1  # 10 each: the shortest wins
    assert co.best_match(20, 25, [sm(10, 20), sm(25, 30)]) is None  # touching is not overlapping
    assert co.best_match(3, 4, []) is None


def test_system_mentions_add_speaker_mentions_once_and_keep_kinds() -> None:
    article = Article(
        text="Ann Lee said it. She left.",
        entities=[
            Entity(
                "e1",
                "Ann Lee",
                "PERSON",
                mentions=[Mention(0, 7, "Ann Lee"), Mention(17, 20, "She", "pronoun")],
            ),
            Entity("e2", "x", "OTHER", mentions=[Span(13, 15, "it")]),  # a plain Span: kind "name"
        ],
        quotes=[
            Quote("q1", "it", 13, 15, "indirect", speaker="e1", speaker_mention=Span(0, 7, "Ann Lee")),
            Quote("q2", "it", 13, 15, "indirect", speaker="e2", speaker_mention=Span(0, 3, "Ann")),
            Quote("q3", "it", 13, 15, "indirect", speaker=None, speaker_mention=Span(8, 12, "said")),
        ],
    )
    got = [(m.start, m.end, m.entity, m.kind) for m in co.system_mentions(article)]
    assert got == [
        (0, 3, "e2", "speaker"),
        (0, 7, "e1", "name"),
        (13, 15, "e2", "name"),
        (17, 20, "e1", "pronoun"),
    ]


# --- MEANTIME ------------------------------------------------------------------------------------

CAT = """<?xml version="1.0" ?><Document doc_id="{n}" doc_name="x{n}" lang="en">
{tokens}
<Markables>
<TIMEX3 functionInDocument="CREATION_TIME" m_id="90" type="DATE" value="2008-03-0{n}"/>
{markables}
</Markables>
<Relations>
{relations}
</Relations>
</Document>
"""


def cat(n: int, sentences: list[str], markables: str, relations: str) -> str:
    words = [(s, w) for s, sentence in enumerate(sentences) for w in sentence.split()]
    tokens = "\n".join(
        f'<token number="{i}" sentence="{s}" t_id="{i + 1}">{w}</token>' for i, (s, w) in enumerate(words)
    )
    return CAT.format(n=n, tokens=tokens, markables=markables, relations=relations)


def mention(m_id: int, kind: str | None, *t_ids: int) -> str:
    anchors = "".join(f'<token_anchor t_id="{t}"/>' for t in t_ids)
    typed = f' syntactic_type="{kind}"' if kind is not None else ""
    return f'<ENTITY_MENTION m_id="{m_id}"{typed}>{anchors}</ENTITY_MENTION>'


def refers(target: int, *sources: int) -> str:
    linked = "".join(f'<source m_id="{s}"/>' for s in sources)
    return f'<REFERS_TO>{linked}<target m_id="{target}"/></REFERS_TO>'


INSTANCES = (
    '<ENTITY ent_type="PER" instance_id="PER_JOBS" m_id="50"/>'
    '<ENTITY ent_type="ORG" instance_id="ORG_APPLE" m_id="51"/>'
    '<ENTITY ent_type="LOC" instance_id="LOC_X" m_id="52"/>'
    '<EVENT class="SPEECH_COGNITIVE" instance_id="EV1" m_id="53"/>'
)
DOC1 = cat(
    1,
    ["Steve Jobs said Apple grew .", "He smiled in Cupertino ."],
    # 1 Steve 2 Jobs 3 said 4 Apple 5 grew 6 . | 7 He 8 smiled 9 in 10 Cupertino 11 .
    mention(1, "NAM", 1, 2)
    + mention(2, "NAM", 4)
    + mention(3, "PRO", 7)
    + mention(4, "NAM", 10)
    + '<EVENT_MENTION m_id="5"><token_anchor t_id="3"/></EVENT_MENTION>'
    + INSTANCES,
    refers(50, 1, 3) + refers(51, 2) + refers(52, 4) + refers(53, 5),
)
DOC2 = cat(
    2,
    ["Jobs left Apple .", "It fell ."],
    # 1 Jobs 2 left 3 Apple 4 . | 5 It 6 fell 7 .
    mention(1, "NAM", 1) + mention(2, "NAM", 3) + mention(3, None, 5) + INSTANCES,
    refers(50, 1) + refers(51, 2, 3),
)


@pytest.fixture
def meantime(tmp_path: Path) -> Path:
    folder = tmp_path / "meantime"
    folder.mkdir()
    (folder / "d1.xml").write_text(DOC1, encoding="utf-8")
    (folder / "d2.xml").write_text(DOC2, encoding="utf-8")
    return folder


def test_read_meantime_coref_keeps_per_and_org_mentions(meantime: Path) -> None:
    doc = co.read_meantime_coref(meantime / "d1.xml")
    assert doc.text == "Steve Jobs said Apple grew .\nHe smiled in Cupertino ."
    assert doc.published is not None and doc.published.isoformat() == "2008-03-01"
    got = [(m.id, m.text, m.start, m.end, m.syntactic_type, m.instance, m.ent_type) for m in doc.mentions]
    assert got == [
        ("1", "Steve Jobs", 0, 10, "NAM", "PER_JOBS", "PER"),
        ("2", "Apple", 16, 21, "NAM", "ORG_APPLE", "ORG"),
        ("3", "He", 29, 31, "PRO", "PER_JOBS", "PER"),
    ]  # the LOC mention and the event are not gold
    untyped = co.read_meantime_coref(meantime / "d2.xml").mentions[-1]
    assert (untyped.text, untyped.syntactic_type, untyped.instance) == ("It", "", "ORG_APPLE")


def test_score_meantime_on_hand_made_system_clusters(meantime: Path) -> None:
    docs = co.load_meantime(meantime)
    one = Article(
        text=docs[0].text,
        entities=[
            Entity("e1", "Steve Jobs", "PERSON", mentions=[Mention(0, 10, "Steve Jobs")]),
            Entity("e2", "Apple", "ORG", mentions=[Mention(16, 21, "Apple")]),
        ],
        # the speaker mention "He" is credited to the wrong entity
        quotes=[Quote("q1", "grew", 22, 26, "indirect", speaker="e2", speaker_mention=Span(29, 31, "He"))],
    )
    two = Article(
        text=docs[1].text,
        entities=[
            Entity("f1", "Jobs", "PERSON", mentions=[Mention(0, 4, "Jobs")]),
            Entity("f2", "Apple", "ORG", mentions=[Mention(10, 15, "Apple")]),
        ],  # "It" is not found
    )
    linked = {(one.id, "e1"): 100, (one.id, "e2"): 200, (two.id, "f1"): 100, (two.id, "f2"): 200}
    r = co.score_meantime(docs, [one, two], linked)
    assert (r["gold_mentions"], r["gold_instances"], r["named_gold_mentions"]) == (6, 4, 4)
    assert r["mention_recall"] == 0.833
    assert r["mention_recall_by_type"] == {"NAM": 1.0, "NOM": 0.0, "PRO": 1.0, "other": 0.0}
    assert r["gold_by_type"] == {"NAM": 4, "NOM": 0, "PRO": 1, "other": 1}
    assert r["matched_by_kind"] == {"name": 4, "speaker": 1}
    s = r["systems"]
    # within: gold {J1, He} {A1} {J2} {A2, It}; system {J1} {A1, He} {J2} {A2} {It}
    assert s["storyline"]["within_article"] == {"precision": 0.833, "recall": 0.667, "f1": 0.741}
    assert s["same string"]["within_article"] == {"precision": 1.0, "recall": 0.667, "f1": 0.8}
    assert s["no linking"]["within_article"] is None
    # across, names only: gold {Steve Jobs, Jobs} {Apple, Apple}
    assert s["storyline"]["cross_article_named"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert s["same string"]["cross_article_named"] == {"precision": 1.0, "recall": 0.75, "f1": 0.857}
    assert s["no linking"]["cross_article_named"] == {"precision": 1.0, "recall": 0.5, "f1": 0.667}
    assert set(co.score_meantime(docs, [one, two], linked, baseline=False)["systems"]) == {"storyline"}


def test_meantime_through_the_pipeline_and_the_cli(
    meantime: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(["eval", "meantime-coref", str(meantime), "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert (r["corpus"], r["articles"], r["gold_mentions"], r["named_gold_mentions"]) == (
        "meantime-coref",
        2,
        6,
        4,
    )
    assert set(r["systems"]) == {"storyline", "same string", "no linking"}
    # what the pipeline finds may change; the figures must still be those of its counts
    assert r["mention_recall"] == round(sum(r["matched_by_kind"].values()) / r["gold_mentions"], 3)
    assert r["gold_by_type"] == {"NAM": 4, "NOM": 0, "PRO": 1, "other": 1}
    assert set(r["mention_recall_by_type"]) == set(r["gold_by_type"])
    assert r["mention_recall_by_type"]["NAM"] > 0  # "Steve Jobs", "Apple", "Jobs": some name is found
    ours, alone = r["systems"]["storyline"], r["systems"]["no linking"]
    assert set(ours) == {"within_article", "cross_article_named"} and alone["within_article"] is None
    # linking names across the two articles cannot do worse than keeping every one apart
    assert ours["cross_article_named"]["recall"] >= alone["cross_article_named"]["recall"] == 0.5
    assert cli(["eval", "meantime-coref", str(meantime), "--no-baseline"]) == 0
    report = capsys.readouterr().out
    assert "mention recall" in report and "within-article F1" in report and "cross-article NAM F1" in report
    assert "same string" not in report


# --- GAP -----------------------------------------------------------------------------------------

HEADER = "ID\tText\tPronoun\tPronoun-offset\tA\tA-offset\tA-coref\tB\tB-offset\tB-coref\tURL"
GAP_ROWS = [
    # nearer before: Anna (B), right
    "t-1\tMary met Anna. She smiled.\tShe\t15\tMary\t0\tFALSE\tAnna\t9\tTRUE\thttp://x",
    # nearer before: Paul (B), wrong: a false positive and a false negative
    "t-2\tJohn told Paul that he would go.\the\t20\tJohn\t0\tTRUE\tPaul\t10\tFALSE\thttp://x",
    # neither name precedes: the nearer overall, Tom (A), right
    "t-3\tHe said Tom and Bill were late.\tHe\t0\tTom\t8\tTRUE\tBill\t16\tFALSE\thttp://x",
]


@pytest.fixture
def gap(tmp_path: Path) -> Path:
    folder = tmp_path / "gap"
    folder.mkdir()
    (folder / "gap-development.tsv").write_text("\n".join([HEADER, *GAP_ROWS]) + "\n", encoding="utf-8")
    (folder / "gap-validation.tsv").write_text("\n".join([HEADER, GAP_ROWS[0]]) + "\n", encoding="utf-8")
    return folder


def test_read_gap_and_the_nearer_name_baseline(gap: Path) -> None:
    rows = co.read_gap(gap / "gap-development.tsv")
    assert [(r.id, r.gender, r.a_coref, r.b_coref, r.span("B")) for r in rows] == [
        ("t-1", "feminine", False, True, (9, 13)),
        ("t-2", "masculine", True, False, (10, 14)),
        ("t-3", "masculine", True, False, (16, 20)),
    ]
    assert [co.predict_nearer(r) for r in rows] == [(False, True), (False, True), (True, False)]
    # a name before the pronoun wins over a nearer one after it
    kim = co.GapRow("t-4", "Kim saw that she and Lee left.", "she", 13, "Kim", 0, True, "Lee", 21, False)
    assert co.predict_nearer(kim) == (True, False)
    assert len(co.read_gap(gap / "gap-development.tsv", limit=2)) == 2


def test_gap_counts_are_the_official_ones(gap: Path) -> None:
    d = co.Decisions()
    for predicted, gold in [(True, True), (True, True), (True, False), (False, True), (False, False)]:
        d.add(predicted, gold)
    assert d.figures() == {"precision": 0.667, "recall": 0.667, "f1": 0.667, "tp": 2, "fp": 1, "fn": 1}
    rows = co.read_gap(gap / "gap-development.tsv")
    scores = co.score_gap(rows, [co.predict_nearer(r) for r in rows])
    assert scores["overall"] == {"precision": 0.667, "recall": 0.667, "f1": 0.667, "tp": 2, "fp": 1, "fn": 1}
    assert scores["feminine"]["f1"] == 1.0 and scores["masculine"]["f1"] == 0.5
    assert scores["bias"] == 2.0
    nothing = co.score_gap(rows, [(False, False)] * 3)
    assert nothing["overall"]["f1"] == 0.0 and nothing["bias"] is None


def test_predict_storyline_follows_the_entity_on_the_pronoun(gap: Path) -> None:
    row = co.read_gap(gap / "gap-development.tsv")[1]  # "John told Paul that he would go."
    john = Entity("e1", "John", "PERSON", mentions=[Mention(0, 4, "John"), Mention(20, 22, "he", "pronoun")])
    paul = Entity("e2", "Paul", "PERSON", mentions=[Mention(10, 14, "Paul")])
    assert co.predict_storyline(Article(text=row.text, entities=[john, paul]), row) == (True, False, True)
    assert co.predict_storyline(Article(text=row.text, entities=[paul]), row) == (False, False, False)
    by_quote = Quote("q", "go", 26, 31, "indirect", speaker="e2", speaker_mention=Span(20, 22, "he"))
    assert co.predict_storyline(Article(text=row.text, entities=[paul], quotes=[by_quote]), row) == (
        False,
        True,
        True,
    )


def test_gap_through_the_pipeline_and_the_cli(gap: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["eval", "gap", str(gap), "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert (r["corpus"], r["rows"], r["feminine_rows"], r["masculine_rows"]) == ("gap", 3, 1, 2)
    assert r["path"].endswith("gap-development.tsv")
    ours, nearer = r["systems"]["storyline"], r["systems"]["nearer name"]
    assert nearer["overall"]["f1"] == 0.667 and nearer["bias"] == 2.0  # the pipeline plays no part
    # the pipeline's answers may change; each subset's figures must be those of its counts, over
    # one gold name per row (t-1's Anna, t-2's John, t-3's Tom)
    for subset, rows in (("overall", 3), ("feminine", 1), ("masculine", 2)):
        counts = co.Decisions(ours[subset]["tp"], ours[subset]["fp"], ours[subset]["fn"])
        assert counts.tp + counts.fn == rows and ours[subset] == counts.figures(), subset
    assert ours["pronoun_coverage"] in (0.0, 0.333, 0.667, 1.0)  # rows whose pronoun it links, of 3
    assert cli(["eval", "gap", str(gap), "--split", "validation", "--no-baseline"]) == 0
    report = capsys.readouterr().out
    assert "gap-validation.tsv: 1 rows" in report and "overall F1" in report and "nearer name" not in report


# --- bad inputs ----------------------------------------------------------------------------------


TAB = "\t"
TAB15 = TAB + "15" + TAB


def _one_line_error(
    capsys: pytest.CaptureFixture[str], argv: list[str], where: Path | str, code: int = 1
) -> str:
    assert cli(argv) == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"storyline: error: {where}")
    return err


def test_missing_and_malformed_inputs_are_one_line_errors(
    tmp_path: Path, gap: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere"
    assert "no such folder" in _one_line_error(capsys, ["eval", "meantime-coref", str(missing)], missing)
    assert "no *.xml" in _one_line_error(capsys, ["eval", "meantime-coref", str(tmp_path)], tmp_path)
    broken = tmp_path / "bad" / "x.xml"
    broken.parent.mkdir()
    broken.write_text("<Document><token t_id='1'>Apple</token>", encoding="utf-8")
    assert "not well-formed" in _one_line_error(
        capsys, ["eval", "meantime-coref", str(broken.parent)], broken
    )
    broken.write_text("<TimeML><TEXT>Apple</TEXT></TimeML>", encoding="utf-8")
    assert "not a MEANTIME" in _one_line_error(capsys, ["eval", "meantime-coref", str(broken.parent)], broken)

    assert "no such file" in _one_line_error(capsys, ["eval", "gap", str(missing)], missing)
    tsv = gap / "gap-development.tsv"
    assert "--split" in _one_line_error(capsys, ["eval", "gap", str(tsv), "--split", "validation"], tsv)
    bad = tmp_path / "bad.tsv"
    bad.write_text("ID\tText\n", encoding="utf-8")
    assert "not a GAP TSV" in _one_line_error(capsys, ["eval", "gap", str(bad)], bad)
    bad.write_text(f"{HEADER}\n{GAP_ROWS[0].replace(TAB15, TAB + 'fifteen' + TAB)}\n", encoding="utf-8")
    assert "line 2: Pronoun-offset" in _one_line_error(capsys, ["eval", "gap", str(bad)], bad)
    bad.write_text(f"{HEADER}\n{GAP_ROWS[0].replace(TAB15, TAB + '14' + TAB)}\n", encoding="utf-8")
    assert "line 2: pronoun 'She' is not at offset 14" in _one_line_error(
        capsys, ["eval", "gap", str(bad)], bad
    )
    bad.write_text(f"{HEADER}\n{GAP_ROWS[0]}\tEXTRA\n", encoding="utf-8")
    assert "12 columns" in _one_line_error(capsys, ["eval", "gap", str(bad)], bad)
    with pytest.raises(SystemExit) as exc:  # refused as the option is parsed (cli.types)
        cli(["eval", "gap", str(gap), "--limit", "0"])
    assert exc.value.code == 2
    assert capsys.readouterr().err == (
        "storyline eval: error: argument --limit: must be 1 or more, not 0 (see 'storyline eval --help')\n"
    )
