"""Time: temporal expressions, and when each quote was said and each event happened.

- `arithmetic`: calendar arithmetic on TIMEX3 values (granularities and intervals are
  `storyline.intervals`, the one vocabulary of granularities);
- `tense`: which way a date without a year points, from the tense of its clause;
- `words`: the words and patterns of time (rules/time_words.tsv, rules/time_patterns.tsv);
- `normalisers`: one per rule of the pattern table, a match -> a TIMEX3 value;
- `tagger`: `find_timexes`, the rules run over a text;
- `quote_times`, `event_times`: the time of each quote and of each event;
- `components`: the registered spaCy components that run them in storyline's pipeline.
"""
