"""Tied-hands analysis: rulebook, model builders, verdicts, reports and the CLI."""
