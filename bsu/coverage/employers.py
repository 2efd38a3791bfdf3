"""Who a roster's employer is: the NPP most of its workers have in the registry, else the
roster's own NPP column, else the uploading key's employer id; the file name only when
none of these says. Pure: decisions in, one row per roster file out.

- ``registry``: among the roster's rows found in the registry with an NPP
  (``registry_employer_id``, gathered by ``bsu.core.gather``), the NPP most of them have;
  a tie goes to the smallest NPP (as text), so the answer never depends on row order.
- ``column``: the roster's NPP column (``employer_npp``, ``bsu.core.fields``), its most
  frequent value (ties likewise).
- ``key``: the employer id of the API key that uploaded the roster.
- ``file``: none of these: the file name stands in, and ``npp``/``name`` are None.

The company name is the one the registry gives the NPP (its most frequent spelling among
the registry rows of the check), whichever way the NPP was found; None when the registry
does not name it. Two files with the same NPP therefore get the same name and ``label``
("PT Maju Jaya (NPP 12345678)", or "NPP 12345678" without a name), which is what
coverage counts them under.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bsu.core.engine import Decisions
from bsu.core.ruleset import Lang
from bsu.core.words import say

BASES = ("registry", "column", "key", "file")
COLUMNS = ("npp", "name", "basis", "label")  # label: "PT Maju Jaya (NPP 12345678)"


def identify(
    decisions: Decisions, key_employer_id: str | None = None, *, lang: Lang = "id"
) -> pd.DataFrame:
    """Index: each roster source (file) in the decisions; ``COLUMNS``. ``basis`` is one of
    ``BASES``; ``npp``/``name`` None where unknown; ``label`` always set (a roster with no
    file name is labelled in ``lang``)."""
    f = decisions.frame
    source = text(f["source"])
    sources = pd.Index(pd.unique(source.to_numpy()), dtype=object, name="source")
    npp = np.full(len(sources), "", dtype=object)
    basis = np.full(len(sources), "file", dtype=object)

    in_registry = _column(f, "registry_employer_id")
    found = f["participant_found"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    roster_npp = _column(f, "employer_npp_raw")
    key = (key_employer_id or "").strip()
    found_by = (
        ("registry", _most_frequent(source, in_registry, found)),
        ("column", _most_frequent(source, roster_npp, None)),
        ("key", pd.Series(key, index=sources, dtype=object)),
    )
    for how, values in found_by:
        given = values.reindex(sources).fillna("").to_numpy(dtype=object)
        fill = (npp == "") & (given != "")
        npp[fill] = given[fill]
        basis[fill] = how

    known = pd.Series(npp, dtype=object).replace("", None)
    named = known.map(_registered_names(decisions)).astype(object)
    out = pd.DataFrame(
        {
            "npp": known.to_numpy(dtype=object),
            "name": named.where(named.notna(), None).to_numpy(dtype=object),
            "basis": basis,
        },
        index=sources,
        dtype=object,
    )
    out["label"] = _labels(out, lang)
    return out[list(COLUMNS)]


def text(values: pd.Series) -> pd.Series:
    """Cells as stripped ``str`` objects, missing as ""."""
    boxed = values.astype(object)
    return boxed.where(boxed.notna(), "").astype(str).str.strip().astype(object)


def _column(f: pd.DataFrame, column: str) -> pd.Series:
    if column not in f:
        return pd.Series("", index=f.index, dtype=object)
    return text(f[column])


def _most_frequent(keys: pd.Series, values: pd.Series, rows: np.ndarray | None) -> pd.Series:
    """Per key, its most frequent non-empty value (a tie: the smallest); keys with none are
    absent."""
    use = values.ne("").to_numpy(dtype=bool)
    if rows is not None:
        use = use & rows
    pairs = pd.DataFrame({"key": keys[use].to_numpy(), "value": values[use].to_numpy()})
    if pairs.empty:
        return pd.Series(dtype=object)
    counted = pairs.groupby(["key", "value"], sort=False).size().reset_index(name="n")
    counted = counted.sort_values(
        ["key", "n", "value"], ascending=[True, False, True], kind="stable"
    )
    first = counted.drop_duplicates("key")
    return pd.Series(first["value"].to_numpy(dtype=object), index=first["key"].to_numpy())


def _registered_names(decisions: Decisions) -> pd.Series:
    """The company name the registry gives each NPP among the rows of the check."""
    registry = decisions.evidence.registry
    if registry is None or registry.empty:
        return pd.Series(dtype=object)
    npp = text(registry["employer_id"])
    name = text(registry["employer_name"])
    named = npp.ne("") & name.ne("")
    return _most_frequent(npp[named], name[named], None)


def _labels(identities: pd.DataFrame, lang: Lang) -> pd.Series:
    """ "PT Maju Jaya (NPP 12345678)", "NPP 12345678", or the file name; one per file."""
    labels = []
    for source, npp, name in zip(
        identities.index, identities["npp"], identities["name"], strict=True
    ):
        if npp is not None and name is not None:
            labels.append(say("employers_label_named", lang, name=name, npp=npp))
        elif npp is not None:
            labels.append(say("employers_label_npp", lang, npp=npp))
        else:
            labels.append(source or say("coverage_no_file", lang))
    return pd.Series(labels, index=identities.index, dtype=object)
