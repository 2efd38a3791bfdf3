"""Reading rosters: screening hostile files, parsing them in a sandboxed child process,
matching headers to the canonical fields. Knows nothing of the rules.
"""
