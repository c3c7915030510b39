"""Pure domain rules: no Flask, no database. Testable with plain pytest."""
