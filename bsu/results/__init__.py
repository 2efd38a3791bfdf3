"""The result model and its writers (xlsx, csv, json), with durable file writing.
Knows nothing of how a decision was reached.
"""
