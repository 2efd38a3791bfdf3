"""The result model and its writers, with durable file writing. Knows nothing of how a
decision was reached.

``model`` (``Result``, its JSON), ``columns`` (headings and sheet names), ``cells`` (values
as cells), ``csv``, ``xlsx`` (``sheets`` and ``summary`` prepared once, written by
``xlsx_rustpy`` or ``xlsx_xlsxwriter``), ``formats`` (one table: suffix -> writer, media
type), ``durable`` (write then rename).
"""
