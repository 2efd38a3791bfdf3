"""The one check pipeline every entry point calls, the upload worker, retention, and the
process settings read once at the edge.
"""
