"""The pure core: the rule set, the decision table's fields, the checks, the engine that
runs them and the explanation of each decision. No files, no database, no network: it
imports nothing of bsu but ``bsu.values`` and ``bsu.errors``.
"""
