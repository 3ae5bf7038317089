"""Treaty model: schema, corpus and casus-foederis coverage (built in a later issue).

Imports point one way: ``analysis`` -> ``treaties`` -> ``games``.
"""
