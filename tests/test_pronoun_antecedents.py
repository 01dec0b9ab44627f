"""Pronoun antecedents the NER typed otherwise or passed over, on sentences a reporter could write
(issue 13: GAP pronoun resolution)."""

from __future__ import annotations

from storyline import extract
from storyline.model import Article


def people(a: Article) -> dict[str, tuple[str, list[str]]]:
    """Entity name -> (type, the texts of its pronoun mentions)."""
    return {e.name: (e.type, [m.text for m in e.mentions if m.kind == "pronoun"]) for e in a.entities}


def named_people(a: Article) -> dict[str, list[str]]:
    """Person name -> the texts of its name and pronoun mentions, in text order."""
    return {
        e.name: [m.text for m in e.mentions if m.kind != "description"]
        for e in a.entities
        if e.type == "PERSON"
    }


def test_a_name_written_mc_is_a_name() -> None:
    # spaCy's is_title is False for "McCain": the name must not be dropped for want of a capital
    a = extract("McCain was born in 1936. McCain said he would run.")
    assert people(a)["McCain"] == ("PERSON", ["he"])


def test_a_surname_the_ner_typed_as_a_group_is_the_person_a_pronoun_names() -> None:
    a = extract(
        "In 2003, Kellerby moved to the Eastside Academy of Music and trained under the direction "
        "of Thomas R Hale. She later joined the city orchestra."
    )
    assert people(a)["Kellerby"] == ("PERSON", ["She"])
    assert people(a)["Thomas R Hale"] == ("PERSON", [])


def test_a_surname_the_ner_passed_over_is_the_person_a_pronoun_names() -> None:
    a = extract("On Sunday, Pellowski finished third in the final round. She had led after the first day.")
    assert people(a) == {"Pellowski": ("PERSON", ["She"])}
    # a capital at the start of a sentence is no evidence of a name, unless the word is no English one
    b = extract("Immigration, his signature issue, never came up. That was a missed chance for him.")
    assert people(b) == {}
    c = extract("The clinic opened in 1931. Pavlik was its first nurse. She later ran the department.")
    assert people(c) == {"Pavlik": ("PERSON", ["She"])}


def test_an_organisation_that_speaks_is_no_person_a_pronoun_may_name() -> None:
    a = extract(
        "Tim Cook met the press on Monday. Apple accused Samsung of copying. He said the talks were over."
    )
    assert (people(a)["Tim Cook"], people(a)["Apple"]) == (("PERSON", ["He"]), ("ORG", []))
    b = extract("Boeing said on Monday that it would cut jobs. He said the plan was final.")
    assert people(b)["Boeing"] == ("ORG", [])


def test_a_company_and_a_place_stay_what_they_are() -> None:
    # "A spokeswoman said she": the unnamed spokeswoman, not Apple
    a = extract("Apple said on Tuesday that sales rose. A spokeswoman said she expected more.")
    assert people(a) == {"Apple": ("ORG", [])}
    b = extract("Anna Berg moved to Denver in 2001. Denver was cold that winter. She left in March.")
    assert people(b) == {"Anna Berg": ("PERSON", ["She"]), "Denver": ("GPE", [])}


def test_a_given_name_the_ner_cut_off_belongs_to_the_name() -> None:
    # the NER found "Vautrin" only: the given name before it is the name's, not the father's
    a = extract(
        "Wilhelmina Vautrin was born in Secor to Pauline and Edmond Vautrin. Her father was a farmer."
    )
    assert people(a)["Wilhelmina Vautrin"] == ("PERSON", ["Her"])
    assert people(a)["Edmond Vautrin"] == ("PERSON", [])
    b = extract("The council thanked Isabel Marquand for the report.")
    assert people(b) == {"Isabel Marquand": ("PERSON", [])}


def test_a_pronoun_in_a_preposed_phrase_is_the_subject_after_it() -> None:
    # cataphora: the phrase before the main clause speaks of the main clause's subject
    a = extract("Living with her aunt in Boston, Karen Olsen studied music.")
    assert people(a)["Karen Olsen"] == ("PERSON", ["her"])
    b = extract("When she arrived in Paris, Karen Olsen called her sister.")
    assert people(b)["Karen Olsen"] == ("PERSON", ["she", "her"])


def test_the_understood_subject_of_a_non_finite_clause_binds_its_object() -> None:
    # "asked Carla Lund to lend her": Carla Lund is the one to lend, so "her" is someone else
    a = extract("Anna Berg asked Carla Lund to lend her a car.")
    assert (people(a)["Anna Berg"], people(a)["Carla Lund"]) == (("PERSON", ["her"]), ("PERSON", []))
    b = extract("Tom Hale returned to face Peter Salter, defeating him in the second round.")
    assert (people(b)["Tom Hale"], people(b)["Peter Salter"]) == (("PERSON", []), ("PERSON", ["him"]))


def test_a_main_clause_subject_outweighs_a_subject_inside_its_complement() -> None:
    a = extract("Tom Hale suspects that Peter Salter is in the building, and he calls the police.")
    assert (people(a)["Tom Hale"], people(a)["Peter Salter"]) == (("PERSON", ["he"]), ("PERSON", []))


def test_a_possessive_in_a_non_finite_clause_is_its_understood_subject_s() -> None:
    a = extract("The Federal Trade Commission forced Acme Corp. to lower its prices.")
    assert people(a) == {"Federal Trade Commission": ("ORG", []), "Acme Corp.": ("ORG", ["its"])}


def test_a_possessive_coordinated_with_a_name_is_that_name_s() -> None:
    # "Brandt and her husband": the possessor is the first conjunct, not the clause's subject
    a = extract("Laura Brandt met Anne Kessler at the station. Kessler thanked Brandt and her husband.")
    assert (people(a)["Laura Brandt"], people(a)["Anne Kessler"]) == (("PERSON", ["her"]), ("PERSON", []))
    b = extract("Tom Hale met Peter Salter in Rome. Salter later visited Hale and his brother in Paris.")
    assert (people(b)["Tom Hale"], people(b)["Peter Salter"]) == (("PERSON", ["his"]), ("PERSON", []))


def test_a_preposed_phrase_speaks_of_its_own_clause_s_subject_over_an_earlier_one() -> None:
    # two sentences of Hale as subject do not outweigh the subject the phrase stands before
    a = extract(
        "Tom Hale ran the mission from Paris. Hale told reporters that he was tired. "
        "During his stay in Russia, Peter Salter met many officials."
    )
    assert (people(a)["Tom Hale"], people(a)["Peter Salter"]) == (("PERSON", ["he"]), ("PERSON", ["his"]))
    b = extract(
        "Anna Berg ran the firm until 2010. Berg said she was proud of it. "
        "In her first year there, Carla Lund won three cases."
    )
    assert (people(b)["Anna Berg"], people(b)["Carla Lund"]) == (("PERSON", ["she"]), ("PERSON", ["her"]))


def test_a_surname_the_ner_typed_as_a_place_is_the_person_a_pronoun_names() -> None:
    # "Sharapova" typed as a place: a name mid-sentence may be a person's ...
    a = extract(
        "After the final in Rome, Sharapova was elevated to first place. Later she won the French Open."
    )
    assert people(a)["Sharapova"] == ("PERSON", ["she"])
    assert people(a)["Rome"] == ("GPE", [])
    # ... but not a place that opens its sentence ("Denver was cold"), nor one after "in"
    b = extract("Anna Berg moved to Denver in 2001. Denver was cold that winter. She left in March.")
    assert people(b) == {"Anna Berg": ("PERSON", ["She"]), "Denver": ("GPE", [])}


def test_the_understood_subject_is_found_up_a_chain_of_non_finite_clauses() -> None:
    # "asked Salter to apologize ... for accusing him": Salter is to apologize, and so to accuse
    from storyline.nlp.identity.pronouns import _controller
    from storyline.nlp.pipeline import load

    doc = load()("Tom Hale asked Peter Salter to apologize to Jim Cole for accusing him of theft.")
    him = next(t for t in doc if t.text == "him")
    controller = _controller(him)
    assert controller is not None and controller.text == "Salter"
    a = extract("Tom Hale asked Peter Salter to apologize to Jim Cole for accusing him of theft.")
    assert people(a)["Peter Salter"] == ("PERSON", [])


def test_a_mistyped_given_name_of_the_pronoun_s_gender_keeps_its_whole_score() -> None:
    from storyline.nlp.identity.pronouns import PronounResolver, settings
    from storyline.nlp.identity.sieve import build_entities
    from storyline.nlp.pipeline import load
    from storyline.nlp.sentences import sentences_of

    doc = load()("In 2004, Tanya moved to Leeds with Eva Brandt.")
    index = build_entities(doc)
    resolver = PronounResolver(doc, index, [-1] * len(doc), sentences_of(doc))
    resolver._latent_people()
    tanya = next(c for c in index.clusters if c.key == ["Tanya"])
    brandt = next(c for c in index.clusters if c.key == ["Eva", "Brandt"])
    assert resolver._latent_share(tanya, "f") == settings().latent_given_name == 1.0
    assert resolver._latent_share(tanya, "m") == settings().latent == 0.7
    assert resolver._latent_share(brandt, "f") == 1.0


def test_a_reporting_verb_used_otherwise_is_no_evidence_of_an_organisation() -> None:
    # "continued to teach", "opened the season": not speech, so a mistyped name may still be a person
    a = extract(
        "In 2003, Kellerby opened the season at the Eastside Academy of Music. She later joined a band."
    )
    assert people(a)["Kellerby"] == ("PERSON", ["She"])
    # an organisation that says something stays one ("Boeing said on Monday that ...")
    b = extract("Boeing said on Monday that it would cut jobs. He said the plan was final.")
    assert people(b)["Boeing"] == ("ORG", [])


def test_an_organisation_spoken_to_or_of_is_no_person_a_pronoun_may_name() -> None:
    # the object of a verb of speech typed as an organisation: companies are accused as people are
    a = extract("Google accused Microsoft of copying. He said the case was closed.")
    assert people(a) == {"Google": ("ORG", []), "Microsoft": ("ORG", [])}
    # a place-typed given name accused is no organisation: it may still be the person a pronoun names
    b = extract("In 2003, Kellerby accused Tanya of cheating. She denied it.")
    assert people(b)["Tanya"] == ("PERSON", ["She"])


def test_only_an_organisation_named_as_one_is_kept_from_being_spoken_to_as_a_person() -> None:
    from storyline.nlp.identity.pronouns import _addressed
    from storyline.nlp.pipeline import load

    doc = load()("Google accused Microsoft of copying. The board blamed Veronica for the loss.")
    microsoft, veronica = doc[2], doc[9]
    assert (microsoft.text, veronica.text) == ("Microsoft", "Veronica")
    assert _addressed(microsoft, "ORG") is True
    assert _addressed(microsoft, "GPE") is False  # a place-typed name may still be a person's
    assert _addressed(veronica, "ORG") is False  # a given name typed as an organisation: no evidence


def test_a_preposed_adverb_phrase_holding_the_possessive_speaks_of_the_subject_after_it() -> None:
    # "Early in his career": the outermost preposed phrase is an adverb's, with the possessive inside
    a = extract("Tom Baker met Fred Hale in 1990. Early in his career, Hale worked as a clerk.")
    assert (people(a)["Fred Hale"], people(a)["Tom Baker"]) == (("PERSON", ["his"]), ("PERSON", []))


def test_a_possessive_in_a_subordinate_clause_is_that_clause_s_subject_s() -> None:
    # the main clause's subject outweighs the rest of the sentence, but not inside a clause that
    # states its own subject before the possessive
    a = extract(
        "Tom Hall lost in the first round on Monday, while Sam Bissett advanced after a win in "
        "his opening bout."
    )
    assert people(a)["Sam Bissett"] == ("PERSON", ["his"])
    assert people(a)["Tom Hall"] == ("PERSON", [])
    # another person between them may own it as well: no bonus for the clause's subject
    b = extract(
        "Donald Trump spoke on Monday. If Lester Holt asks him about his taxes, the debate will turn."
    )
    assert people(b)["Lester Holt"] == ("PERSON", [])


def test_a_pronoun_gives_its_gender_to_the_person_it_names() -> None:
    # "Dukat" has no given name to tell; after "He" names him, "her" cannot
    a = extract(
        "Dukat searched for the lost ship. He was trying to find Ziyal. He resolved to take her home."
    )
    assert people(a) == {"Dukat": ("PERSON", ["He", "He"]), "Ziyal": ("PERSON", ["her"])}


def test_a_given_name_opening_a_sentence_is_the_name_whatever_its_tag() -> None:
    # the tagger takes "Ellen" here for an adjective; it is no English word, and the text named her
    a = extract(
        "The film stars Ellen Ward as a nurse. Ritchie rewards her with $100. "
        "Ellen catches the eye of a doctor."
    )
    names = {e.name: [m.text for m in e.mentions if m.kind == "name"] for e in a.entities}
    assert names["Ellen Ward"] == ["Ellen Ward", "Ellen"]


def test_coordinated_people_stay_equals_unless_one_was_the_topic_before() -> None:
    assert people(extract("Brown and Green argued on Monday. He left early.")) == {
        "Brown": ("PERSON", []),
        "Green": ("PERSON", []),
    }
    a = extract(
        "Brown chaired the committee for years. Brown hired the staff. Brown and Green argued on Monday. "
        "He left early."
    )
    assert people(a) == {"Brown": ("PERSON", ["He"]), "Green": ("PERSON", [])}


def test_an_honorific_of_the_other_gender_is_another_bearer_of_the_surname() -> None:
    a = extract("John Smith spoke first. Mrs. Smith, his wife, said she was proud.")
    assert people(a) == {"John Smith": ("PERSON", ["his"]), "Smith": ("PERSON", ["she"])}
    b = extract("Hillary Clinton spoke. Mrs. Clinton said she was proud.")
    assert people(b) == {"Hillary Clinton": ("PERSON", ["she"])}


def test_an_honorific_decides_between_two_bearers_of_a_surname_every_time() -> None:
    # the first "Mrs. Clinton" is Hillary's; a later "Mr. Clinton" must not follow it there
    a = extract(
        "Hillary Clinton spoke in Ohio. Bill Clinton stayed home. Mrs. Clinton said the plan was ready. "
        "Mr. Clinton said he agreed with it."
    )
    assert named_people(a) == {
        "Hillary Clinton": ["Hillary Clinton", "Clinton"],
        "Bill Clinton": ["Bill Clinton", "Clinton", "he"],
    }


def test_a_short_form_an_honorific_genders_is_placed_before_an_ungendered_one_chooses() -> None:
    # "President Obama" is no more hers than his: "Mr. Obama" makes him an entity first
    a = extract(
        "President Obama spoke in Ohio on Monday. Michelle Obama joined him later. "
        "Mr. Obama said he was proud of the crowd."
    )
    assert named_people(a) == {"Michelle Obama": ["Michelle Obama"], "Obama": ["Obama", "him", "Obama", "he"]}


def test_a_subject_pronoun_is_no_name_its_own_clause_holds() -> None:
    # "she became Ana Ruiz's lawyer": not Ana Ruiz, though she was the subject before
    a = extract("Ana Ruiz met Maria Lopez on Friday. Later, she became Ana Ruiz's lawyer.")
    assert named_people(a) == {"Ana Ruiz": ["Ana Ruiz", "Ana Ruiz"], "Maria Lopez": ["Maria Lopez", "she"]}
    # not across a clause: the news repeats a name there; and not for a pronoun of the clause
    b = extract(
        "Donald Trump is raising questions about the debate. He notes that the commission said "
        "there was an issue with Trump's microphone."
    )
    assert named_people(b) == {"Donald Trump": ["Donald Trump", "He", "Trump"]}
    c = extract(
        "Rep. Stephen Lynch said on Monday that he was not worried about the resolution because he "
        "doubted any court would enforce it."
    )
    assert named_people(c) == {"Stephen Lynch": ["Stephen Lynch", "he", "he"]}


def test_a_possessive_in_a_predicate_nominative_is_not_its_subject_s() -> None:
    a = extract("Maria Lopez spoke at the rally on Monday. Ana Ruiz is her campaign manager.")
    assert named_people(a) == {"Maria Lopez": ["Maria Lopez", "her"], "Ana Ruiz": ["Ana Ruiz"]}


def test_a_relative_clause_s_possessive_is_the_person_the_clause_describes() -> None:
    a = extract("Maria Lopez thanked Ana Ruiz, who has spent most of her career in Ohio.")
    assert people(a)["Ana Ruiz"] == ("PERSON", ["who", "her"])
    assert people(a)["Maria Lopez"] == ("PERSON", [])


def test_a_verb_conjoined_without_a_subject_shares_the_one_before_it() -> None:
    # "approached Eric Bana ..., but opted to cast him": the one who opted is Avi Arad, so not him
    a = extract(
        "Producer Avi Arad approached Eric Bana about the role of the villain, but opted to cast him "
        "in another film instead."
    )
    assert people(a)["Eric Bana"] == ("PERSON", ["him"])
    assert people(a)["Avi Arad"] == ("PERSON", [])
    # and the possessive of such a verb is that subject's
    b = extract("When Maria Lopez is returned to the hospital, Ana Ruiz collapses and loses her shoe.")
    assert people(b)["Ana Ruiz"] == ("PERSON", ["her"])


def test_a_reflexive_is_bound_in_its_own_sentence_only() -> None:
    # "the phrase suggests a campaign has to go outside itself": not the league named before
    a = extract(
        "Scott campaigned for Clinton at the Northern Virginia Urban League. He told the group that "
        "the phrase suggests a campaign has to go outside itself to find voters."
    )
    assert people(a)["Northern Virginia Urban League"] == ("ORG", [])
    b = extract("Maria Lopez spoke first. Ana Ruiz introduced herself to the crowd.")
    assert people(b)["Ana Ruiz"] == ("PERSON", ["herself"])


def test_a_name_used_as_a_modifier_does_not_keep_a_mistyped_name_from_being_a_person() -> None:
    # "the Shumlin family business" says nothing either way about Shumlin
    a = extract(
        "From 2003 to 2006, Shumlin returned to the Shumlin family business. In 2006, Shumlin ran for "
        "his old seat upon the retirement of Rod Gander. Upon his return, Shumlin was elected again."
    )
    assert people(a)["Shumlin"] == ("PERSON", ["his", "his"])


def test_a_possessive_before_a_speaking_name_makes_it_a_person() -> None:
    # a name that speaks may be an organisation's; "in his speech, X said" says X is a man
    a = extract(
        "The band stole the award as a joke. Afterward, in his thanking speech, Hegerberg said the "
        "band was grateful."
    )
    assert people(a)["Hegerberg"] == ("PERSON", ["his"])
    # an organisation that speaks is still none without such a phrase
    b = extract("Boeing said on Monday that it would cut jobs. He said the plan was final.")
    assert people(b)["Boeing"] == ("ORG", [])
