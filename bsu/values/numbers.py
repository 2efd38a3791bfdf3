"""Numbers and money as people read them: the one place they are formatted.

Indonesian writes a dot between thousands and a comma before decimals (10.000;
Rp5.690.752,95); English the other way round (10,000). Every message, sheet and chart
that shows a count or an amount formats it here, so the copies cannot drift apart.
"""

from __future__ import annotations

import math


def id_number(n: int) -> str:
    """10.000: a whole number the Indonesian way (dots between thousands)."""
    return f"{n:,}".replace(",", ".")


def count(n: int, lang: str) -> str:
    """A count in the reader's language: 10.000 in Indonesian, 10,000 in English."""
    return id_number(n) if lang == "id" else f"{n:,}"


def percent(value: float, lang: str, decimals: int = 1) -> str:
    """12,5% in Indonesian, 12.5% in English: one decimal unless told (a target: 32,15%)."""
    text = f"{value:.{decimals}f}%"
    return text.replace(".", ",") if lang == "id" else text


def rupiah(amount: float) -> str:
    """Rp2.750.000 or Rp5.690.752,95: the way Indonesian documents print money."""
    if not math.isfinite(amount):
        return f"Rp{amount}"
    if amount < 0:
        return "-" + rupiah(-amount)
    scaled = amount * 100
    # A typed 1e308 overflows to infinity in cents; it has no cents worth printing anyway.
    whole, cents = divmod(round(scaled), 100) if math.isfinite(scaled) else (int(amount), 0)
    text = f"Rp{id_number(whole)}"
    return f"{text},{cents:02d}" if cents else text
