"""Game models built from treaty coverage: each returns a ``games`` game with symbolic payoffs."""
