"""Coverage (Universal Coverage Jamsostek): placeholder until the coverage module lands."""
