"""Personal data under UU 27/2022: pseudonyms, log redaction, and who may see what."""
