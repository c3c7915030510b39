"""Presenters: what a page shows of the domain, in the user's language, computed once so that
every page showing the same thing shows it the same way (the audit log's details, a
declaration's or filing's step indicator and next action, a declaration's Annex 1 values in
annex1_values.py). They read models, rules and enums; they never change anything."""
