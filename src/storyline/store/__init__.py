"""The knowledge base: extracted articles in SQLite, with cross-article entities, quote groups and
event groups.

>>> from storyline.store import Store
>>> with Store("storyline.db") as store:
...     store.add(article)
"""

from storyline.store.db import Store, StoreError, default_path, rules_path_for
from storyline.store.identity import Rules, RulesError, load_rules
from storyline.store.schema import VERSION, SchemaError

__all__ = [
    "VERSION",
    "Rules",
    "RulesError",
    "SchemaError",
    "Store",
    "StoreError",
    "default_path",
    "load_rules",
    "rules_path_for",
]
