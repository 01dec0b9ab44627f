"""Deterministic synthetic news articles, for benchmarks that need a corpus of any size.

Real corpora are small, licensed, or both, and a store benchmark needs 100,000+ dated articles
that exercise the same code paths as real news: named and pronoun speakers, split and indirect
quotes, outlets and platforms, relative and absolute dates, lawsuits, resignations, verdicts. So
the articles are assembled from hand-written templates and word tables over an invented cast.

Why it is built the way it is:

- Every record comes from its own ``random.Random(seed * 1_000_003 + index)``: output depends on
  nothing but (seed, index), so a corpus of 1,000 is exactly the first 1,000 records of a corpus of
  1,000,000, and shards can be regenerated independently.
- No per-record parsing (the standard library, and the extractor's name table read once): 100,000
  articles take seconds, so generating the corpus never dominates the benchmark that reads it.
- Templates are filled left to right through :class:`_Slots`, which hands out a person's full name
  at the first mention and the surname after, the way news copy does, so coreference and speaker
  attribution see realistic text. A pronoun speaker ("she added") always comes right after a
  paragraph whose only person outside the quote marks is the speaker it refers back to.
- Quote text is combined from a few hundred fragments (openers, statements, a small
  subject/modal/verb-phrase grammar, tails), so searching quotes by word returns a spread of hits
  rather than every article or none.
- No set or dict order depends on string hashing, so output does not depend on ``PYTHONHASHSEED``.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

__all__ = ["generate_records", "write_corpus"]


def _split(words: str) -> tuple[str, ...]:
    return tuple(words.split())


# ---------------------------------------------------------------------------------------------
# The cast: given names whose gender is known, so pronouns agree with the person they refer to.
# They come from the extractor's own table (nlp/rules/first_names.tsv, which lists common names
# first): the first GIVEN_PER_GENDER of each gender that are one plain word and not an honorific.

GIVEN_PER_GENDER = 100


def _given_names(gender: str) -> tuple[str, ...]:
    from storyline.nlp.lexicon import first_name_genders, honorifics

    titles = {title.lower().rstrip(".") for title in honorifics()}
    plain = [
        name
        for name, said in first_name_genders().items()
        if said == gender and re.fullmatch(r"[A-Z][a-z]+", name) and name.lower() not in titles
    ]
    return tuple(plain[:GIVEN_PER_GENDER])


_FEMALE = _given_names("f")
_MALE = _given_names("m")
_SURNAMES = _split(
    """Abbott Acosta Adair Alcott Aldridge Ambrose Ansell Archer Ashby Atwood Bainbridge Baker Baldwin
    Banks Barlow Barnes Barrett Beckett Bellamy Benson Bishop Blackwell Blair Bolton Booker Bowman
    Bradford Brennan Brooks Buckley Burke Calder Caldwell Callahan Campbell Carver Castillo Chambers
    Chandler Chen Clarke Coleman Conway Corbett Crane Crawford Cross Cunningham Dalton Daniels Davenport
    Delgado Dempsey Dixon Donovan Doyle Drake Dunbar Duncan Easton Ellison Emerson Estrada Everett
    Fairchild Farrell Fenwick Ferguson Fielding Finch Fitzgerald Fleming Fletcher Forsyth Foster Fowler
    Gallagher Garrison Gentry Gilbert Goodwin Graves Greer Griffin Hadley Hale Halloran Hammond Hancock
    Hargrove Harlow Hastings Hawkins Hayes Hendricks Holloway Hopkins Hudson Hughes Ingram Irwin Jarvis
    Jennings Kavanagh Keller Kendrick Kerr Kimball Kingsley Kirby Lambert Langford Larkin Lawson Leland
    Lindqvist Lockhart Lowell Lucero Lyons Maddox Malone Mansfield Marlowe Marsh Maxwell McAllister
    McBride McCarthy McKenna Mercer Merritt Middleton Monroe Montgomery Morales Moreno Morrow Mulligan
    Nakamura Nash Navarro Nolan Norwood Oakley Okafor Oliveira Osborne Pacheco Palmer Parrish Patel
    Pearce Pemberton Pennington Perkins Prescott Preston Quinlan Quintero Radcliffe Ramsey Randall
    Rasmussen Reyes Rhodes Riordan Ritter Rockwell Rollins Romero Rowland Rutherford Salazar Sandoval
    Sawyer Schaefer Sexton Shepherd Sheridan Sinclair Slater Sloane Sorensen Spencer Stafford Stanton
    Stokes Sullivan Sutherland Sutton Tanaka Thornton Tolliver Townsend Tremblay Tucker Underwood Vance
    Vargas Vaughn Wakefield Waller Walsh Warwick Webb Wexler Whitaker Whitfield Wilder Winslow Wolfe
    Woodward Wright Yates Yoder Zamora Zimmerman Albright Alvarez Arnett Bancroft Beaumont Bertrand
    Bramwell Brody Cabrera Carrington Castellano Cheng Costa Cromwell Dacosta Dorsey Draper Eastwood
    Elwood Faulkner Ferris Galloway Garza Gaskell Haddad Hallett Hartley Holt Huxley Iverson Jaffe
    Kaplan Keane Kowalski Lachance Lindgren Madsen Marchetti Mendoza Novak Ortega Paxton Pryor Rafferty
    Renner Rossi Santoro Schroeder Shaw Silva Stroud Tate Thorne Vasquez Voss Whitlock Wong Yamamoto
    Zeller Abernathy Blaylock Cartwright Delacroix Hollister Kessler Lombardi Merriweather Ostrowski
    Petrov Rademacher Stavros Thackeray Upton Vandermeer Whitmore Ashworth Bronson Colbert Engel
    Okonkwo Achebe Mensah Ferreira Gutierrez Ibarra Jovanovic Kaur Lindholm Moretti Nguyen Olsen Park"""
)
_POOL_SIZE = 4000
_POOL_SEED = 20_240_601  # fixed: the cast is the same whatever the corpus seed


@dataclass(frozen=True, slots=True)
class _Person:
    full: str
    surname: str
    female: bool


def _build_pool() -> tuple[_Person, ...]:
    """A few thousand distinct people, drawn once from all given-name x surname pairings."""
    given = [(g, True) for g in _FEMALE] + [(g, False) for g in _MALE]
    pairs = len(given) * len(_SURNAMES)
    picks = random.Random(_POOL_SEED).sample(range(pairs), min(_POOL_SIZE, pairs))
    people = []
    for k in picks:
        (name, female), surname = given[k // len(_SURNAMES)], _SURNAMES[k % len(_SURNAMES)]
        people.append(_Person(f"{name} {surname}", surname, female))
    return tuple(people)


_PEOPLE = _build_pool()

_ORG_STEMS = _split(
    """Meridian Northwind Bluestone Halcyon Ironwood Silverline Crestview Evergreen Harborview Redwood
    Pinnacle Brightwater Clearpath Oakridge Stonebridge Westfield Lakeshore Greenleaf Highland Cobalt
    Granite Horizon Keystone Lighthouse Maplewood Northstar Orchard Quarry Riverbend Tidewater Vantage
    Whitecap Ashgrove Beacon Cedarline Driftwood Emberly Foxglove Goldcrest Hollowbrook Juniper Kestrel
    Larkspur Moorland Nightingale Obsidian Peregrine Quillon Rosewood Saltmarsh Thistle Umberly Verdant
    Willowmere Yarrow Zephyr Amberly Brackenridge Copperfield Eastgate Fairhaven Glenmoor Heronwood
    Ivybridge Jadestone Kingsbridge Lindenhall Northgate Oakhaven Pinecrest Ravenscroft Silverton
    Trident Upland Valehurst Windmere Aldergrove Bellwether Cindercone Dovetail Everlight Fernhill
    Graystone Inkwell Jetstream Kindred Lodestar Marblehead Nexus Ortolan Prism Quantum Radiant
    Tamarack Vireo Wavecrest Arcadia Bramble Corvid Delphine Ellipse"""
)
_ORG_SUFFIXES = _split(
    """Holdings Group Labs Council Partners Industries Media Capital Foundation Systems Pharmaceuticals
    Records Studios Motors Energy Bank Institute Logistics Foods Analytics Health Networks Ventures Trust"""
)
# Invented towns, and real cities the tagger knows as places.
_PLACES = (
    "Port Haverly", "Millbridge", "East Carrow", "Ashford Falls", "Lake Orrin", "New Dunmore",
    "Bramley Heights", "Westhaven", "North Aldon", "Corran Bay", "Greymouth", "Cresthill",
    "Stonehaven", "Redmarsh", "Brindle Point", "Harrowgate", "Elm Crossing", "Marlow Junction",
    "South Keldon", "Orrington", "Chicago", "Boston", "Denver", "Atlanta", "Seattle", "Houston",
    "Phoenix", "Dallas", "Miami", "Portland", "Toronto", "London", "Dublin", "Manchester", "Sydney",
    "Melbourne", "Nashville", "Baltimore", "Sacramento", "Pittsburgh",
)  # fmt: skip
# (name, domain). The name is written as it is in running text: a capitalised "The" is part of it,
# because the channel rules match a capitalised name ("told The Harbor Gazette"). No time words
# ("Daily", "Evening"): the time tagger would read them as dates.
_OUTLETS = (
    ("The Harbor Gazette", "harborgazette"), ("The Capital Ledger", "capitalledger"),
    ("Metro Wire", "metrowire"), ("The Northern Sentinel", "northernsentinel"),
    ("The Valley Herald", "valleyherald"), ("The Coastal Tribune", "coastaltribune"),
    ("The City Beacon", "citybeacon"), ("The Lakeside Observer", "lakesideobserver"),
    ("The Pacific Chronicle", "pacificchronicle"), ("The Midland Post", "midlandpost"),
    ("The Riverside Courier", "riversidecourier"), ("The Summit Journal", "summitjournal"),
    ("The Eastern Standard", "easternstandard"), ("The Westfield Examiner", "westfieldexaminer"),
    ("The Plains Register", "plainsregister"), ("Frontier Review", "frontierreview"),
    ("Open Press Wire", "openpresswire"), ("Market Signal", "marketsignal"),
    ("Public Square News", "publicsquare"), ("The Civic Courier", "civiccourier"),
    ("Channel 8 Newsdesk", "channel8"), ("Atlas Report", "atlasreport"),
    ("The Borough Bulletin", "boroughbulletin"), ("The Tidewater Star", "tidewaterstar"),
    ("The Granite Record", "graniterecord"), ("Crossroads Dispatch", "crossroadsdispatch"),
    ("The Bayside Monitor", "baysidemonitor"), ("Ledger Point News", "ledgerpoint"),
    ("The Prairie Dispatch", "prairiedispatch"), ("Northline Radio", "northlineradio"),
)  # fmt: skip
_PLATFORMS = ("Instagram", "Facebook", "X", "LinkedIn", "Threads", "TikTok", "Substack", "YouTube", "Bluesky")

_ROLES = (
    "chief executive", "chief financial officer", "chief operating officer", "president", "chair",
    "general counsel", "head of research", "managing director", "chief technology officer",
    "executive director", "treasurer", "artistic director", "editor in chief", "head coach",
    "chief marketing officer", "vice president of sales",
)  # fmt: skip
_TOPICS = (
    "the merger", "the data breach", "the stadium deal", "the pension shortfall", "the water contract",
    "the layoffs", "the factory closure", "the new headquarters", "the audit", "the product recall",
    "the drug trial", "the zoning vote", "the bond issue", "the hiring freeze", "the streaming deal",
    "the album release", "the tour cancellation", "the rezoning plan", "the tax rebate",
    "the hospital expansion", "the bridge repairs", "the school budget", "the union contract",
    "the safety review", "the software outage", "the emissions report", "the insurance claims",
    "the takeover bid", "the charity gala", "the book deal", "the film project", "the wildfire response",
    "the transit plan", "the housing project", "the ethics inquiry", "the licensing dispute",
    "the clinical results", "the supply shortage", "the price increases", "the product launch",
    "the restructuring", "the trademark dispute", "the partnership", "the donations",
    "the grant program", "the port expansion", "the broadband rollout", "the pay review",
    "the sponsorship deal", "the billing errors",
)  # fmt: skip
_CLAIMS = (
    "breach of contract", "fraud", "defamation", "wrongful termination", "harassment", "discrimination",
    "unpaid wages", "copyright infringement", "securities fraud", "negligence", "retaliation",
    "theft of trade secrets", "unpaid royalties", "breach of fiduciary duty", "false advertising",
    "patent infringement", "invasion of privacy", "unfair dismissal", "misrepresentation",
    "unjust enrichment",
)  # fmt: skip
_ACCUSATIONS = (
    "misleading investors", "hiding losses from the board", "harassing employees",
    "stealing trade secrets", "breaching the contract", "inflating revenue figures",
    "ignoring safety warnings", "retaliating against whistleblowers", "failing to pay royalties",
    "misusing company funds", "discriminating against older workers", "lying to regulators",
    "falsifying records", "withholding wages", "leaking confidential documents",
    "plagiarizing a former colleague", "rigging a tender", "intimidating witnesses",
)  # fmt: skip
_CRIMES = (
    "fraud", "wire fraud", "tax evasion", "bribery", "money laundering", "assault", "embezzlement",
    "perjury", "obstruction of justice", "insider trading", "drunk driving", "extortion", "forgery",
    "conspiracy", "identity theft",
)  # fmt: skip
# Descriptions at a person's first mention. They name organisations and places, never a person:
# a second person there would be a nearer antecedent for the next paragraph's pronoun.
_B_DESCS = (
    "a former employee of {org}", "a former business partner", "an early investor in {org}",
    "a longtime rival", "a former board member at {org}", "a contractor based in {place}",
    "a city council member in {place}", "a shareholder in {org}", "a former executive at {org2}",
    "a supplier to {org}", "a former assistant at {org}", "an activist in {place}",
)  # fmt: skip
_C_DESCS = (
    "a spokesperson for {org}", "a lawyer representing {org}", "an attorney for {org2}",
    "a spokesperson for {org2}", "a consultant who advised {org}", "an analyst at {org2}",
    "a union representative in {place}", "a professor at the {stem} Institute",
)  # fmt: skip
_D_DESCS = (
    "a former {role} at {org2}", "an investor in {place}", "a board member at {org2}",
    "a retired judge in {place}",
)  # fmt: skip

# ---------------------------------------------------------------------------------------------
# Quote text: opener + statement (hand-written, or from a small grammar) + tail, sometimes two.

_OPENERS = (
    "Frankly, ", "To be clear, ", "Let me be clear: ", "Honestly, ", "At the end of the day, ",
    "From day one, ", "For the record, ", "As I have said before, ", "Look, ", "In all my years, ",
    "Make no mistake, ", "Quite simply, ", "The truth is, ", "Right now, ", "Going forward, ",
    "Above all, ", "In the end, ", "With respect, ", "Once again, ", "Sadly, ", "Of course, ",
    "Believe me, ", "Put simply, ", "First and foremost, ", "Today, ",
)  # fmt: skip
_CORES = (
    "we have done nothing wrong and we will prove it in court",
    "these allegations are completely false",
    "I have never met {other} outside of a business setting",
    "the people of {place} deserve better than this",
    "our priority is the safety of every employee at {org}",
    "I am stepping aside so the company can move forward",
    "this was a difficult decision, but it was the right one",
    "we are reviewing the complaint and will respond in due course",
    "nobody at {org} was told about {topic} until it was too late",
    "I take full responsibility for what happened",
    "the board acted quickly once the facts were known",
    "this lawsuit is a desperate attempt to rewrite history",
    "I will not be intimidated by anyone",
    "we intend to fight these charges with everything we have",
    "the numbers simply do not add up",
    "I trusted {other}, and that trust was betrayed",
    "{org} has always followed the law",
    "there was never any agreement with {org2}",
    "my client is innocent and the evidence will show that",
    "we settled because the fight was costing too much",
    "I am grateful to the jury for seeing the truth",
    "this verdict is a travesty and we will appeal",
    "I loved building {org}, but it is time for someone new",
    "the marriage ended years ago and we have both moved on",
    "I never imagined {topic} would become a national story",
    "our lawyers are confident in the strength of our case",
    "this is about accountability, not money",
    "{other} knows exactly what happened in that meeting",
    "we were blindsided by the decision",
    "the families in {place} have waited long enough",
    "I regret the pain this has caused my colleagues",
    "nothing in the report changes our position",
    "there is no truth to the claim that I misled anyone",
    "we reported every dollar, exactly as the rules require",
    "the timing of this complaint is hardly a coincidence",
    "I was asked to stay quiet and I refused",
    "this company is bigger than any one person",
    "the charges are politically motivated",
    "we will cooperate fully with the investigation",
    "I have not spoken to {other} since {year}",
    "the settlement allows everyone to move on",
    "I founded {org} in a garage with two friends",
    "the decision to close the plant in {place} was not taken lightly",
    "we made mistakes, and we are fixing them",
    "this is the proudest day of my career",
    "every contract we signed was reviewed by outside counsel",
    "I am confident the court will dismiss this case",
    "the jury heard the evidence and reached the right verdict",
    "we owe our customers an apology",
    "the report is riddled with errors",
    "I did not take a single dollar that was not mine",
    "our employees deserve stability, not headlines",
    "I have nothing to hide",
    "the staff at {org} have worked tirelessly through all of this",
    "we will keep investing in {place}",
    "I learned about {topic} from the newspapers like everyone else",
    "the deal with {org2} would have saved hundreds of jobs",
    "nobody should be treated the way my family has been treated",
    "the evidence against my client is thin at best",
    "it is time for new leadership at {org}",
    "I am looking forward to the next chapter",
    "this fight is far from over",
    "the regulators asked tough questions and we answered all of them",
    "we were promised a fair hearing and we did not get one",
    "I want to thank everyone who stood by me",
    "the claims made by {other} are baseless",
    "nobody is above the law, including the people who run {org}",
    "we have asked for an independent review",
    "the money was always meant for the community in {place}",
    "I stand by every word I said",
    "the company will emerge stronger from {topic}",
    "my door has always been open to {other}",
    "the accusations have taken a toll on my family",
    "this was a private matter that became public against our wishes",
    "we never hid anything from shareholders",
    "the court has vindicated us",
    "I am disappointed, but I respect the decision",
    "the plan for {place} was sound from the start",
    "there are lessons here for everyone in the industry",
    "I was proud to serve as {role}",
    "the offer from {org2} undervalued the company",
    "we expect a ruling before the end of the year",
    "the complaint misrepresents what happened",
    "our focus now is on the patients who rely on us",
    "I believed in {topic} and I still do",
    "the people who made this decision should answer for it",
    "we are shocked and saddened by the news",
    "this has been the hardest year of my life",
    "the investigation found no evidence of wrongdoing",
    "I welcome the chance to tell my side of the story",
    "our members voted overwhelmingly to accept the offer",
    "we will not comment on the details of an ongoing case",
    "the accusations surfaced only after {other} was passed over for promotion",
    "every decision I made was in the interest of the shareholders",
    "the community in {place} has been incredibly supportive",
    "it was never about winning, it was about telling the truth",
    "the settlement includes no admission of liability",
    "I was fired for raising concerns about {topic}",
    "the company ignored repeated warnings about {topic}",
    "we are confident that {topic} will be resolved soon",
    "I made a promise to the workers in {place} and I intend to keep it",
    "the board has my full support",
    "no one at {org} has been charged with anything",
    "the arrest was a misunderstanding that will be cleared up",
    "I have always paid my taxes in full",
    "we did what any responsible company would do",
    "the story that ran in {outlet} was wrong on almost every point",
    "I am not going anywhere",
    "the merger would have been good for everyone",
    "we had no choice but to go to court",
    "this is a sad day for {org}",
    "the contract was clear and {org2} broke it",
    "the families deserve answers, and they deserve them now",
    "our records will show exactly where the money went",
    "I have asked my lawyers to take every step necessary",
    "it is a relief to finally put this behind us",
    "the council was misled about {topic}",
    "we are proud of what our team has built in {place}",
    "there will be no further comment at this time",
    "the offer is still on the table",
    "I have never been contacted by investigators",
    "we welcome scrutiny, because we have nothing to hide",
    "the decision was made by the full board, not by one person",
    "the work we started in {year} is not finished",
    "I hope {other} finds peace",
    "a deal like this only comes along once in a generation",
    "the rules were changed halfway through the process",
    "we remain committed to {place}",
    "the response to {topic} has been overwhelming",
)
_SUBJECTS = (
    "we", "I", "the board", "our team", "the company", "my family", "our lawyers", "the workers",
    "the city", "our investors", "the council", "our members",
)  # fmt: skip
# Modals and verb phrases come in two polarities, so "we will protect ..." and "we will not back
# down" are generated but "we will back down" is not.
_MODALS_DO = ("will", "must", "will always", "should", "will continue to", "can and will")
_MODALS_DONT = ("will not", "cannot", "would never", "should not", "will never", "must not")
_DO = (
    "protect the jobs in {place}", "answer every question the court puts to us",
    "defend our record on {topic}", "rebuild the trust we have lost", "support the findings of the review",
    "keep the promises made in {year}", "explain every decision to the people of {place}",
    "honor the agreement with {org2}", "keep fighting for the families in {place}",
    "reopen talks with {org2}", "keep the doors open in {place}", "release the full audit",
    "repay every customer", "rest only when the people responsible are held to account",
    "cooperate with every inquiry", "put the interests of patients first", "finish what we started",
    "tell the whole story of {topic}", "stand behind the staff at {org}", "appeal this decision",
    "learn from what happened at {org}", "fight this in court", "invest in {place} for years to come",
    "publish every document we have", "listen to the people who raised concerns",
    "make this right", "see this case through to the end", "hold {org2} to its word",
)  # fmt: skip
_DONT = (
    "accept a deal that rewards bad behavior", "let this distract us from our work",
    "walk away from {org}", "back down from this fight", "pay a cent more than we owe",
    "stand by and watch {org} fail", "tolerate harassment of any kind", "settle for half the truth",
    "take the blame for decisions made by others", "make the same mistake twice",
    "put profits ahead of people", "let {other} rewrite the history of {org}", "drop the case",
    "comment on rumors", "pretend {topic} never happened", "give up on {place}",
    "waste another year in court", "forget the people who built {org}", "be pushed around by {org2}",
    "be silenced", "let politics decide a legal question", "sign an agreement we do not believe in",
    "turn our backs on the community", "let the shareholders down", "apologize for telling the truth",
    "let a few bad actors define {org}", "compromise on safety", "hide behind our lawyers",
    "leave the workers in {place} behind", "sell {org} to the highest bidder",
)  # fmt: skip
_TAILS = (
    " and I stand by that", ", and that will not change", ", no matter what anyone says", ", full stop",
    ", and everyone involved knows it", ", and the record shows it", " and we will say so in court",
    ", whatever the outcome", ", and I think most people understand that", " and I am not ashamed of it",
    ", and that is the end of the matter", ", as we have said from the beginning",
    " and the facts will bear that out", ", and I hope people see that now", ", even if it costs us",
    ", and I will keep saying it", " in {place} or anywhere else", ", and that is why we are here",
    " and our employees know it", " and I say that with respect", ", and the court agreed",
    ", and I would do it again",
)  # fmt: skip
# Indirect speech and "according to": third person, past tense. {someone} names a cast member
# other than the speaker, outside quote marks, so at the first mention with the full name.
_CLAUSES = (
    "the company had acted within the law", "{org} would appeal the ruling",
    "the negotiations with {org2} had stalled in recent weeks", "the board had lost confidence in {someone}",
    "the allegations were without merit", "the figures for {place} had been misstated",
    "no employees had been told about {topic}", "the lawsuit would be dismissed",
    "the settlement had been approved by a judge", "{org} had cooperated with investigators",
    "the decision had been made months earlier", "{someone} had been warned about {topic}",
    "the plant in {place} would close by the end of the year", "the charges were politically motivated",
    "the company had paid every invoice on time", "{org2} had broken the terms of the agreement",
    "the audit had found serious problems", "the staff would receive full severance",
    "investors had been kept informed at every stage", "the deal was worth about ${n} million",
    "the complaint had been filed in bad faith", "the police had not yet identified a motive",
    "the trial was expected to last several weeks", "{org} had hired an outside firm to review {topic}",
    "the jury had deliberated for two days", "the verdict would be appealed",
    "the merger talks had collapsed", "the board had approved the appointment unanimously",
    "the resignation took effect immediately", "the money had been returned",
    "regulators in {place} had opened an inquiry", "{topic} had cost the company millions",
    "{org} had no plans to leave {place}", "the documents had been shredded",
    "{someone} had been paid ${n} million over three years", "the project in {place} was behind schedule",
    "the accusations had surfaced after a dispute over pay", "the company had never been warned",
    "the contract with {org2} had expired", "the search for a new {role} had begun",
    "the hearing had been postponed", "the arrest followed a two-year investigation",
    "the case had been settled out of court", "the findings would be made public",
    "the union had rejected the offer", "the losses had been hidden from auditors",
    "the firm had been cleared of wrongdoing", "{org} had fired three managers over {topic}",
    "{topic} was the main reason for the departure", "the donations had been used as intended",
    "the software had been tested thoroughly", "the talks would resume after the holidays",
    "the warnings had been ignored for years", "the office in {place} would be expanded",
    "the vote had been rushed", "the review had been independent",
    "the lawyers had advised against a settlement", "the company was in talks with {org2}",
    "the former {role} had been paid a bonus", "{someone} had never been told about {topic}",
    "{someone} had signed off on the payments", "{someone} had refused to testify",
)  # fmt: skip

# ---------------------------------------------------------------------------------------------
# Sentences. Keys resolve through _Slots, left to right: {A}..{D} are people (full name at the
# first mention, surname after), {A_} adds a description and a comma at the first mention, {S}
# is the current speaker (described), {S_} the same without the trailing comma, {she}/{She} the
# speaker's pronoun; {when} a recent date, {past} and {year} earlier ones, {y1} < {y2}.

# story -> ((lead sentence, titles that fit it), ...): the headline matches what the lead says.
_LEADS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "lawsuit": (
        (
            "{B_} filed a lawsuit against {org} {when}, seeking ${money} million in damages for {claim}.",
            (
                "{Bs} Sues {Org} for ${money} Million",
                "{Org} Sued Over {ClaimT}",
                "{Org} Faces Lawsuit From {Bf}",
            ),
        ),
        (
            "{B_} sued {A} {when}, seeking ${money} million over allegations of {claim}.",
            (
                "{Bs} Sues {As} Over {ClaimT}",
                "{As} Hit With ${money} Million Lawsuit",
                "{Bs} v. {As}: What We Know",
            ),
        ),
        (
            "{org} filed a lawsuit against {A} {when}, accusing its former {role} of {accusation}.",
            ("{Org} Sues Former {RoleT} {Af}", "{Org} Accuses {As} of {AccT}"),
        ),
        (
            "{B} sued {A} and {org} {when}, seeking ${money} million and accusing them of {accusation}.",
            ("{Bs} Sues {As} and {Org} for ${money} Million", "{Bs} v. {Org}: What We Know"),
        ),
    ),
    "resignation": (
        (
            "{A_} resigned {when}, ending a tenure overshadowed by {topic}.",
            (
                "{As} Resigns as {Org} {RoleT}",
                "What {As}'s Exit Means for {Org}",
                "{Org} in Turmoil After {As} Exit",
            ),
        ),
        (
            "{A} resigned as {role} of {org} {when}, the company said in a filing.",
            ("{As} Resigns as {Org} {RoleT}", "{Org} {RoleT} {Af} Quits"),
        ),
        (
            "{A} stepped down as {role} of {org} {when} after weeks of pressure over {topic}.",
            ("{As} Steps Down Amid {TopicT} Fallout", "{Org} {RoleT} {As} Steps Down"),
        ),
        (
            "{A} has resigned as chief executive of {org}, the board announced {when}.",
            ("{Org} Chief Executive {As} Resigns", "What {As}'s Exit Means for {Org}"),
        ),
    ),
    "appointment": (
        (
            "{org} appointed {A} as its new {role} {when}, replacing {B}, who resigned {when}.",
            ("{Org} Names {Af} {RoleT}", "{Af} to Replace {Bs} at {Org}"),
        ),
        (
            "{A} was appointed {role} of {org} {when}, the company announced.",
            ("{Org} Names {Af} {RoleT}", "{As} Takes Over as {Org} {RoleT}"),
        ),
        (
            "{org} named {A} as {role} {when}, ending a search that began after {topic}.",
            ("{Org} Picks {Af} as {RoleT}", "{Org} Names {Af} {RoleT}"),
        ),
    ),
    "arrest": (
        (
            "{A_} was arrested in {place} {when} and charged with {crime}, according to police.",
            ("{Af} Arrested in {Place}", "{As} Charged With {CrimeT}"),
        ),
        (
            "Prosecutors in {place} charged {A} with {crime} {when}.",
            ("{As} Charged With {CrimeT}", "{Place} Prosecutors Charge {Af}"),
        ),
        (
            "{A}, the former {role} of {org}, was arrested {when} on charges of {crime}.",
            ("Former {Org} {RoleT} Arrested", "Former {Org} {RoleT} Faces {CrimeT} Charges"),
        ),
    ),
    "conviction": (
        (
            "A jury in {place} found {A_} guilty of {crime} {when}.",
            ("Jury Finds {As} Guilty of {CrimeT}", "{Af} Convicted in {Place}"),
        ),
        (
            "{A}, the former {role} of {org}, was found guilty {when} of {crime}.",
            ("Former {Org} {RoleT} Found Guilty of {CrimeT}", "Jury Finds {As} Guilty of {CrimeT}"),
        ),
        (
            "{A} was convicted of {crime} {when}, and a sentencing hearing was set for {later}.",
            ("{As} Convicted of {CrimeT}", "{Af} Faces Sentencing After {CrimeT} Verdict"),
        ),
    ),
    "acquittal": (
        (
            "{A_} was acquitted of {crime} {when} after a trial in {place} that lasted {k} weeks.",
            ("{As} Acquitted of {CrimeT}", "Jury Clears {Af} of {CrimeT}"),
        ),
        (
            "A jury in {place} acquitted {A_} of {crime} {when}.",
            ("{As} Acquitted of {CrimeT}", "{Af} Cleared in {Place} Trial"),
        ),
    ),
    "accusation": (
        (
            "{B_} accused {A} of {accusation} {when}, in a dispute over {topic} at {org}.",
            ("{Bs} Accuses {As} of {AccT}", "{As} Denies Allegations From {Bs}"),
        ),
        (
            "{A} denied the allegations {when}, after {B_} accused {A} of {accusation}.",
            ("{As} Denies Allegations From {Bs}", "{As}: 'I Have Nothing to Hide'"),
        ),
        (
            "{A_} has been accused of {accusation} by {k} former employees, a complaint filed {when} says.",
            ("{As} Accused of {AccT}", "Former Employees Accuse {Af}"),
        ),
    ),
    "settlement": (
        (
            "{org} settled a lawsuit brought by {B_} {when}, ending a dispute over {claim}.",
            ("{Org} Settles With {Bs}", "{Bs} and {Org} Settle {ClaimT} Dispute"),
        ),
        (
            "{A} and {org} settled their dispute over {topic} {when} for an undisclosed sum.",
            ("{As} and {Org} Settle {TopicT} Dispute", "{Org} Reaches Deal With {Af}"),
        ),
        (
            "{org2} agreed {when} to pay ${money} million to settle claims of {claim} brought by {B}.",
            ("{Org2} Agrees to ${money} Million Settlement", "{Org2} to Pay ${money} Million to {Bs}"),
        ),
    ),
    "personal": (
        (
            "{A_} and {C} are divorcing, representatives for the couple confirmed {when}.",
            ("{As} and {Cs} Divorce", "{Af} and {Cf} Split"),
        ),
        (
            "{A_} married {C} {when} in a small ceremony in {place}.",
            ("{As} Marries {Cf} in {Place}", "{Af} and {Cf} Wed"),
        ),
        (
            "{A} and {C}, who married in {y1}, announced {when} that they had divorced.",
            ("{As} and {Cs} Divorce", "{Af} and {Cf} Split"),
        ),
    ),
    "business": (
        (
            "{A}, who founded {org} in {year}, announced {when} that the company would be sold to {org2}.",
            ("{Org} Sold to {Org2}", "{Org} Founder {As} Agrees to Sell"),
        ),
        (
            "{A} founded {org} in {year}; {when} the company announced plans to expand into {place}.",
            ("{Org} Expands Into {Place}", "{Af} Bets Big on {Place}"),
        ),
        (
            "{org}, founded by {A} in {year}, said {when} that it would cut {jobs}00 jobs in {place}.",
            ("{Org} to Cut {jobs}00 Jobs in {Place}", "{Place} Braces for {Org} Job Cuts"),
        ),
    ),
}
_STORIES = tuple(_LEADS)
_ANY_TITLES = (
    "{Af} Breaks Silence on {TopicT}", "Inside the Fight Over {TopicT} in {Place}",
    "{Place} Officials Question {Org} Over {TopicT}", "{As} Speaks Out as {TopicT} Dispute Deepens",
    "Questions Mount Over {TopicT} at {Org}", "{Org} Under Pressure Over {TopicT}",
    "How {TopicT} Upended {Org}", "{Org}, {As} and the Fallout From {TopicT}",
)  # fmt: skip
_LEAD_FOLLOWS = (
    "The move follows months of criticism over {topic}.",
    "The case has drawn attention far beyond {place}.",
    "{org} did not respond to a request for comment.",
    "It was the latest turn in a dispute that began in {year}.",
    "The news was first reported by {outlet2}.",
)
# Background events: plain sentences about the cast, each an event the extractor should find.
_EVENTS = (
    "{A} founded {org} in {year}.",
    "{A} co-founded {org2} with {D} in {y1} and served as its {role} until {y2}.",
    "{A} married {C} in {y1}. {A} and {C} divorced in {y2}.",
    "{A} and {C} married in {year}.",
    "{C} divorced {A} in {year} after {k} years of marriage.",
    "{A} was appointed {role} of {org} in {year}.",
    "{A} was named {role} of {org2} {past}.",
    "{A} resigned as chief executive of {org2} in {year} after a dispute with the board.",
    "{D_} resigned as {role} of {org2} {past}.",
    "{B} filed a lawsuit against {A} in {y1}, seeking ${n} million; the case was settled in {y2}.",
    "{B} accused {A} of {accusation} in {year}, and {A} denied the claims.",
    "{A} has denied any wrongdoing.",
    "{A} denied the allegations in a court filing {when}, calling them baseless.",
    "{A} was arrested in {place} in {year} and charged with {crime}, but the charges were later dropped.",
    "{D_} was found guilty of {crime} in {year} and sentenced to {k} years in prison.",
    "{D_} was acquitted of {crime} in {year}.",
    "{org} and {B} settled the dispute {when} for an undisclosed sum.",
    "{org2} settled a separate case with {D} for ${n} million {past}.",
    "{A} was charged with {crime} {past} and pleaded not guilty.",
    "{B} sued {org} for ${n} million {past}, alleging {claim}.",
    "{org} accused {B} of {accusation} {past}.",
    "{D} was appointed to the board of {org} {when}.",
    "{B} was arrested {past} and charged with {crime}.",
)
# Person-free sentences: padding that never puts a new person between a pronoun and its speaker.
_EVENT_CAST = tuple(frozenset(re.findall(r"\{([ABCD])_?\}", e)) for e in _EVENTS)
_CONTEXT = (
    "{org} did not respond to a request for comment.",
    "Shares of {org} fell {k} percent in early trading.",
    "The company employs about {k},{h}00 people in {place}.",
    "A hearing in the case is scheduled for next month.",
    "The case is being heard in a state court in {place}.",
    "Representatives for {org2} declined to comment.",
    "{org} reported revenue of ${n} million last year.",
    "The dispute over {topic} has divided opinion in {place}.",
    "Court records show the complaint was filed in {place}.",
    "Analysts said the episode could weigh on {org} for months.",
    "{org2} was not named in the complaint.",
    "Regulators in {place} have opened an inquiry into {topic}.",
    "The board of {org} is expected to meet next week to discuss {topic}.",
    "It was not clear whether {org} would appeal.",
    "{outlet} reviewed a copy of the filing.",
    "{org} has faced criticism over {topic} since {year}.",
    "Several employees said they learned of the decision from news reports.",
    "The figures could not be independently verified.",
    "{org} has offices in {place} and {place2}.",
    "The company's annual meeting is set for {month}.",
    "{org} is one of the largest employers in {place}.",
    "The filing runs to more than {k}0 pages.",
    "A judge in {place} has yet to rule on a motion to dismiss.",
    "The terms of the agreement were not disclosed.",
    "{org2} said it was monitoring the situation.",
    "The controversy over {topic} first surfaced {past}.",
    "Local officials in {place} have called for an independent review.",
    "{org} said it had set aside ${n} million to cover legal costs.",
    "The company has not said who will fill the role.",
    "Trading in {org} shares was briefly halted.",
    "Protesters gathered outside the offices of {org} in {place}.",
    "The matter is expected to return to court {later_phrase}.",
    "An earlier version of the complaint was withdrawn {past}.",
    "Neither side has said whether talks are continuing.",
    "{org} has been based in {place} since {year}.",
    "The dispute has cost both sides millions in legal fees.",
    "The report was commissioned by the board of {org}.",
    "{org} and {org2} have worked together on several projects.",
    "A second hearing has been scheduled in {place2}.",
    "Union leaders in {place} said they were not consulted.",
    "The allegations have not been proven in court.",
    "A lawyer for {org2} did not return calls seeking comment.",
)
_DIRECT = (
    '"{q}," {S} said.',
    '"{q}," said {S_}.',
    '"{q}," {S} told {outlet2} {when}.',
    '"{q}," {S} said in a statement to {outlet2}.',
    '"{q}," {S} wrote on {platform} {when}.',
    '{S} said {when}: "{q}."',
    '"{q}," {S} told reporters in {place} {when}.',
    '"{q}," {S} said in an interview with {outlet2}.',
    '{S} posted on {platform} {when}: "{q}."',
    '"{q}," {S} said in a statement.',
)
_PRONOUN = (
    '"{q}," {she} added.',
    '"{q}," {she} said.',
    '{She} added: "{q}."',
    '"{q}," {she} continued.',
    '"{q}," {she} said later.',
    '"{q}," {she} insisted.',
)
_SPLIT = (
    '"{q}," {S} said. "{q}."',
    '"{q}," {S} said, "{qlow}."',
    '"{q}," {S} told {outlet2}. "{q}."',
    '"{q}," {S} wrote on {platform}. "{q}."',
)
_INDIRECT = (
    "{S} said that {clause}.",
    "{S} told reporters {when} that {clause}.",
    "{S} said {when} that {clause}.",
    "In a statement to {outlet2}, {S} said that {clause}.",
    "{S} wrote on {platform} that {clause}.",
    "{S} insisted that {clause}.",
)
_ACCORDING = (
    "According to {S_}, {clause}.",
    "According to {S_}, {clause} and {clause}.",
    "According to a statement from {org}, {clause}.",
    "According to court documents filed {when}, {clause}.",
)
# A sentence about the speaker alone, to open a quote paragraph.
_SETUPS = (
    "{S} spoke to reporters outside the courthouse in {place} {when}.",
    "{S} addressed the controversy {when}.",
    "{S} has been outspoken about {topic}.",
    "{S} was asked about {topic} at an event in {place}.",
    "{S} did not hold back.",
    "{S} has rarely spoken about the case in public.",
    "{S} responded {when}.",
    "{S} defended the decision.",
    "{S} struck a defiant tone.",
    "{S} appeared at a news conference in {place} {when}.",
)
_QUOTE_FORMS = {"direct": _DIRECT, "split": _SPLIT, "indirect": _INDIRECT, "according": _ACCORDING}

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
)  # fmt: skip
_NUMBER_WORDS = ("two", "three", "four", "five", "six")
_MONEY = ("1.2", "2", "2.5", "3", "4", "5", "7.5", "10", "12", "15", "20", "25", "40", "50", "75", "120")
_LATER = ("next month", "later this year", "in the coming weeks", "next week")
_SMALL_WORDS = frozenset({"a", "an", "the", "of", "in", "on", "for", "and", "to", "with", "over", "at"})


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _title_case(s: str) -> str:
    words = s.removeprefix("the ").split()
    return " ".join(w if i and w in _SMALL_WORDS else _cap(w) for i, w in enumerate(words))


class _Slots:
    """One article's cast and settings, and the mapping its templates are filled from.

    str.format_map looks keys up left to right, so the first {A} of an article gets the full name
    and later ones the surname, whatever template each comes from.
    """

    def __init__(self, rng: random.Random, published: date, outlet: str) -> None:
        self.rng = r = rng
        self.pub = published
        cast: list[_Person] = []
        while len(cast) < 5:  # distinct surnames, so a bare surname is never ambiguous
            p = r.choice(_PEOPLE)
            if all(p.surname != q.surname for q in cast):
                cast.append(p)
        self.a, self.b, self.c, self.d, self.author = cast
        self.speaker = self.a
        self.mentioned: set[str] = set()
        stems = r.sample(_ORG_STEMS, 3)
        place, place2 = r.sample(_PLACES, 2)
        self.fixed = {
            "org": f"{stems[0]} {r.choice(_ORG_SUFFIXES)}",
            "org2": f"{stems[1]} {r.choice(_ORG_SUFFIXES)}",
            "stem": stems[2],
            "place": place,
            "place2": place2,
            "topic": r.choice(_TOPICS),
            "role": r.choice(_ROLES),
            "claim": r.choice(_CLAIMS),
            "accusation": r.choice(_ACCUSATIONS),
            "crime": r.choice(_CRIMES),
            "money": r.choice(_MONEY),
            "jobs": str(r.randint(2, 9)),
            "outlet": outlet,
            "outlet2": r.choice(_OUTLETS)[0],
            "later": _MONTHS[(published.month + r.randrange(1, 4)) % 12],
            "later_phrase": r.choice(_LATER),
        }
        self.desc = {
            self.a.full: f"the {self.fixed['role']} of {self.fixed['org']}",
            self.b.full: r.choice(_B_DESCS).format_map(self.fixed),
            self.c.full: r.choice(_C_DESCS).format_map(self.fixed),
            self.d.full: r.choice(_D_DESCS).format_map(self.fixed),
        }
        self._y1 = published.year - 10

    def name(self, p: _Person, describe: bool = False, comma: bool = False) -> str:
        """Full name (and description) at the first mention, the surname after."""
        if p.full in self.mentioned:
            return p.surname
        self.mentioned.add(p.full)
        if describe:
            return f"{p.full}, {self.desc[p.full]}{',' if comma else ''}"
        return p.full

    def recent(self) -> str:
        """A day a few days to a few months before publication, said the way news says it."""
        r, pub = self.rng, self.pub
        kind = r.randrange(12)
        if kind == 4:
            return "last week"
        if kind == 5:
            return f"{r.choice(_NUMBER_WORDS)} weeks ago"
        if kind == 6:
            return "last month"
        if kind == 7 and pub.month >= 3:
            return "earlier this year"
        if kind == 8 and pub.day > 7:
            return "earlier this month"
        if kind == 9 and pub.month > 1:
            return f"in {_MONTHS[r.randrange(pub.month - 1)]}"
        if kind == 10 and pub.month > 1:
            return f"on {_MONTHS[r.randrange(pub.month - 1)]} {r.randint(1, 28)}"
        return f"on {_WEEKDAYS[(pub - timedelta(days=r.randint(1, 6))).weekday()]}"

    def past(self) -> str:
        """An absolute date one to twenty years back: "in 2009", "in May 2011", "on June 3, 2014"."""
        r = self.rng
        year = self.pub.year - r.randint(1, 20)
        kind = r.randrange(3)
        if kind == 0:
            return f"in {year}"
        if kind == 1:
            return f"in {_MONTHS[r.randrange(12)]} {year}"
        return f"on {_MONTHS[r.randrange(12)]} {r.randint(1, 28)}, {year}"

    def __getitem__(self, key: str) -> str:
        fixed = self.fixed.get(key)
        if fixed is not None:
            return fixed
        r = self.rng
        match key:
            case "A" | "B" | "C" | "D":
                return self.name(self._person(key))
            case "A_" | "B_" | "C_" | "D_":
                return self.name(self._person(key[0]), describe=True, comma=True)
            case "S":
                return self.name(self.speaker, describe=True, comma=True)
            case "S_":
                return self.name(self.speaker, describe=True)
            case "she":
                return "she" if self.speaker.female else "he"
            case "She":
                return "She" if self.speaker.female else "He"
            case "other":  # someone the speaker talks about, inside the quote
                return self.name(self.b if self.speaker is self.a else self.a)
            case "someone":
                return self.name(r.choice([p for p in (self.a, self.b, self.d) if p is not self.speaker]))
            case "when":
                return self.recent()
            case "past":
                return self.past()
            case "year":
                return str(self.pub.year - r.randint(1, 25))
            case "y1":
                self._y1 = self.pub.year - r.randint(4, 25)
                return str(self._y1)
            case "y2":
                return str(r.randint(self._y1 + 1, self.pub.year - 1))
            case "month":
                return _MONTHS[r.randrange(12)]
            case "n":
                return r.choice(_MONEY)
            case "k":
                return str(r.randint(2, 9))
            case "h":
                return str(r.randint(1, 9))
            case "platform":
                return r.choice(_PLATFORMS)
            case "q":
                return _cap(self.quote())
            case "qlow":
                return self.quote(continuing=True)
            case "clause":
                return r.choice(_CLAUSES).format_map(self)
        raise KeyError(key)

    def _person(self, key: str) -> _Person:
        return self.a if key == "A" else self.b if key == "B" else self.c if key == "C" else self.d

    def quote(self, continuing: bool = False) -> str:
        """Quote text; `continuing` text can carry on a sentence ("...," she said, "we will ...")."""
        r = self.rng
        while True:
            roll = r.random()
            if roll < 0.2:
                core = f"{r.choice(_SUBJECTS)} {r.choice(_MODALS_DO)} {r.choice(_DO)}"
            elif roll < 0.4:
                core = f"{r.choice(_SUBJECTS)} {r.choice(_MODALS_DONT)} {r.choice(_DONT)}"
            else:
                core = r.choice(_CORES)
            if not continuing or core[0].islower() or core.startswith("I "):
                break
        if continuing:
            return core.format_map(self)
        text = (r.choice(_OPENERS) if r.random() < 0.3 else "") + core
        if r.random() < 0.3:
            text += r.choice(_TAILS)
        if r.random() < 0.2:
            text += ". " + _cap(r.choice(_CORES))
        return text.format_map(self)

    def fill(self, template: str) -> str:
        return template.format_map(self)

    def title(self, titles: tuple[str, ...]) -> str:
        """A headline for the lead's story (sometimes a generic one); mentions nothing in the body."""
        f, r = self.fixed, self.rng
        values = {
            "As": self.a.surname,
            "Af": self.a.full,
            "Bs": self.b.surname,
            "Bf": self.b.full,
            "Cs": self.c.surname,
            "Cf": self.c.full,
            "Org": f["org"],
            "Org2": f["org2"],
            "Place": f["place"],
            "RoleT": _title_case(f["role"]),
            "TopicT": _title_case(f["topic"]),
            "ClaimT": _title_case(f["claim"]),
            "CrimeT": _title_case(f["crime"]),
            "AccT": _title_case(f["accusation"]),
            "money": f["money"],
            "jobs": f["jobs"],
        }
        return r.choice(_ANY_TITLES if r.random() < 0.15 else titles).format_map(values)


def _words(paragraphs: list[list[str]]) -> int:
    return sum(s.count(" ") + 1 for para in paragraphs for s in para)


def _known_event(events: list[int], s: _Slots, known: set[str]) -> int | None:
    """Take an unused event naming only people already named: padding is added after the article
    is written, and a surname must not come before the full name it abbreviates."""
    for k in range(len(events) - 1, -1, -1):
        if all(s._person(key).full in known for key in _EVENT_CAST[events[k]]):
            return events.pop(k)
    return None


def _article(rng: random.Random, published: date, outlet: str) -> tuple[str, str, _Slots]:
    """(title, text, slots) of one article: a lead, 2-6 quotations, background events, padding."""
    r = rng
    s = _Slots(r, published, outlet)
    lead_template, titles = r.choice(_LEADS[r.choice(_STORIES)])
    lead = [s.fill(lead_template)]
    if r.random() < 0.6:
        lead.append(s.fill(r.choice(_LEAD_FOLLOWS)))
    # Quote units are one paragraph, or two: a named direct quote, then the same speaker's
    # pronoun quote ('"...," she added.') in the next paragraph.
    n_quotes = r.randint(2, 6)
    units: list[list[tuple[str, _Person | None]]] = []
    count = 0
    while count < n_quotes:
        speaker = r.choice((s.a, s.a, s.b, s.c, s.d))
        kind = r.randrange(10)
        count += 1
        if kind <= 3:
            unit = [("direct", speaker)]
            if count < n_quotes and r.random() < 0.6:
                unit.append(("pronoun", speaker))
                count += 1
        elif kind <= 5:
            unit = [("split", speaker)]
        elif kind <= 7:
            unit = [("indirect", speaker)]
        else:
            unit = [("according", speaker)]
        units.append(unit)
    quote_paragraphs = sum(len(u) for u in units)
    n_paragraphs = max(r.randint(4, 8), 1 + quote_paragraphs)
    units += [[("events", None)] for _ in range(n_paragraphs - 1 - quote_paragraphs)]
    r.shuffle(units)

    # Padding goes after the sentences of the lead and of event paragraphs (events or context),
    # and before the quote of a quote paragraph (context only: no person may come between a
    # speaker and the next paragraph's pronoun). No sentence template is used twice in an article.
    unused = list(range(len(_CONTEXT)))
    r.shuffle(unused)
    events = list(range(len(_EVENTS)))
    r.shuffle(events)
    paragraphs: list[list[str]] = [lead]
    append_to, prepend_to = [0], []
    known = [set(s.mentioned)]  # who has been named by the end of each paragraph
    for unit in units:
        for kind, who in unit:
            if who is not None:
                s.speaker = who
            if kind == "events":
                append_to.append(len(paragraphs))
                para = [s.fill(_EVENTS[events.pop()]) for _ in range(r.randint(2, 3))]
                if r.random() < 0.3:
                    para.append(s.fill(_CONTEXT[unused.pop()]))
            elif kind == "pronoun":
                para = [s.fill(r.choice(_PRONOUN))]
                if r.random() < 0.3:
                    para.append(s.fill('"{q}."'))
            else:
                prepend_to.append(len(paragraphs))
                para = [s.fill(_CONTEXT[unused.pop()])] if r.random() < 0.15 else []
                if kind != "according" and r.random() < 0.35:
                    para.append(s.fill(r.choice(_SETUPS)))
                para.append(s.fill(r.choice(_QUOTE_FORMS[kind])))
            paragraphs.append(para)
            known.append(set(s.mentioned))
    # Pad to length, spreading the padding: the paragraph with the least so far gets the next one.
    low = r.randint(150, 190)
    words = _words(paragraphs)
    slots = [(0, k, i, False) for k, i in enumerate(append_to)]
    slots += [(0, len(slots) + k, i, True) for k, i in enumerate(prepend_to)]
    while words < low and unused:
        used, order, i, before = min(slots)
        slots[order] = (used + 1, order, i, before)
        if before:
            paragraphs[i].insert(0, sentence := s.fill(_CONTEXT[unused.pop()]))
        elif r.random() < 0.5 and (event := _known_event(events, s, known[i])) is not None:
            paragraphs[i].append(sentence := s.fill(_EVENTS[event]))
        else:
            paragraphs[i].append(sentence := s.fill(_CONTEXT[unused.pop()]))
        words += sentence.count(" ") + 1
    return s.title(titles), "\n\n".join(" ".join(p) for p in paragraphs), s


def _record(seed: int, index: int, start: date, days: int) -> dict[str, str]:
    rng = random.Random(seed * 1_000_003 + index)
    published = start + timedelta(days=rng.randrange(days))
    source, domain = rng.choice(_OUTLETS)
    title, text, slots = _article(rng, published, source)
    number = index + 1
    slug = "-".join(w for w in ("".join(c for c in w if c.isalnum()) for w in title.lower().split()) if w)
    return {
        "id": f"gen-{number:07d}",
        "title": title,
        "text": text,
        "published": published.isoformat(),
        "author": slots.author.full,
        "source": source,
        "url": f"https://www.{domain}.example/{published:%Y/%m/%d}/{slug}-{number}",
    }


def generate_records(
    n: int, seed: int = 0, start: date = date(2015, 1, 1), days: int = 3650
) -> Iterator[dict[str, str]]:
    """n article records: {"id", "title", "text", "published" (YYYY-MM-DD), "author", "source", "url"}.

    Record i depends only on (seed, i, start, days), so a run is a prefix of any longer run with
    the same arguments and can be regenerated instead of stored. Dates fall in [start, start + days).
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, not {n}")
    if days < 1:
        raise ValueError(f"days must be >= 1, not {days}")
    for index in range(n):
        yield _record(seed, index, start, days)


def write_corpus(n: int, out_dir: str | Path, seed: int = 0, shard_size: int = 10_000) -> list[Path]:
    """Write the records as JSON Lines shards out_dir/corpus-00000.jsonl, ... ; returns their paths.

    Shards let a benchmark hand one file to each worker; a file's bytes depend only on (n, seed,
    shard_size), and n = 0 writes no file.
    """
    if shard_size < 1:
        raise ValueError(f"shard_size must be >= 1, not {shard_size}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    records = generate_records(n, seed=seed)
    for first in range(0, n, shard_size):
        path = out / f"corpus-{len(paths):05d}.jsonl"
        with path.open("w", encoding="utf-8", newline="\n") as f:
            for _ in range(min(shard_size, n - first)):
                f.write(json.dumps(next(records), ensure_ascii=False) + "\n")
        paths.append(path)
    return paths
