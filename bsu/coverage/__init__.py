"""Universal Coverage Jamsostek: counts computed from decisions, and the workbook and
chart that show them.
"""
