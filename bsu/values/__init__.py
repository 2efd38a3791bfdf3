"""Parsers of what people type into a roster cell (NIK, wage, date, region, the words of a
status) and the Indonesian way of writing numbers back. Pure, and used by every layer.
"""
