"""Entity identity within one article: which mentions (names, descriptions, pronouns) are whom.

One public interface: `build_entities(doc)` runs the name and description passes of the sieve and
returns the article's `EntityIndex`; `link_pronouns(...)` runs the pronoun pass once the quote
stage has attributed its quotes; every later stage asks the index (`at`, `who`) or `Referents`
who a token is. Cross-article identity is the store's (`storyline.store`).
"""

from storyline.nlp.identity.clusters import Cluster, EntityIndex, name_text
from storyline.nlp.identity.pronouns import (
    PRONOUN_GENDER,
    PronounResolver,
    assign_genders,
    link_pronouns,
)
from storyline.nlp.identity.referents import Referents
from storyline.nlp.identity.sieve import build_entities, title_roles

__all__ = [
    "PRONOUN_GENDER",
    "Cluster",
    "EntityIndex",
    "PronounResolver",
    "Referents",
    "assign_genders",
    "build_entities",
    "link_pronouns",
    "name_text",
    "title_roles",
]
