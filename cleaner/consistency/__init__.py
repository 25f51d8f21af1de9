"""Shared knowledge for source-aware checks: what a source text says in any language.

Weekday and month names, number formats and number words come from CLDR (through Babel and
unicode-rbnf) rather than from tables of our own, so a language CLDR knows is a language the checks
know. Detectors in ``cleaner/detectors/consistency_*.py`` compare these facts with the English target.
"""
