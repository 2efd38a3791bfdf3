"""The ``bsu`` command: one module per command group; each translates its arguments into a
call of the pipeline or the store and its result into text and an exit code.
"""
