"""Score suppliers and contracts against a gold set (extraction contract §7).

Suppliers are scored per document as the set of supplier ids; a gold set names its
suppliers as the article does, and the names are resolved through the supplier table
(:class:`SupplierNames`), so a company missing from the table is a miss. Optional
suppliers are neither credited nor penalised. Contracts match when their council set and
supplier are equal; over matched contracts, value accuracy (within 1%, or both empty) and
status accuracy are reported. Only documents whose gold line has the field are scored for
it. Counts are micro-averaged over documents.

Example:
    >>> gold = {"d": {"suppliers": [{"name": "Capita plc"}], "suppliers_optional": [],
    ...               "contracts": [{"councils": ["BNE"], "supplier": "Capita",
    ...                              "value_gbp": 320e6, "status": "awarded"}]}}
    >>> pred = {"d": {"suppliers": [{"id": "capita"}, {"id": "bt"}],
    ...               "contracts": [{"councils": ["BNE"], "supplier": "capita",
    ...                              "value_gbp": 321e6, "status": "awarded"}]}}
    >>> result, _ = score_contracts(gold, pred)
    >>> result["suppliers"]["p"], result["contracts"]["f1"], result["contracts"]["value_accuracy"]
    (0.5, 1.0, 1.0)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .scores import field_line, prf
from .supplier_table import SupplierNames

FIELDS = ("suppliers", "contracts")


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    return dict(zip(("p", "r", "f1"), prf(tp, fp, fn), strict=True), tp=tp, fp=fp, fn=fn)


def _value_agrees(gold: Any, pred: Any) -> bool:
    if gold is None or pred is None:
        return gold is None and pred is None
    gold, pred = float(gold), float(pred)
    return abs(gold - pred) <= 0.01 * max(abs(gold), abs(pred))


class _Resolver:
    """Gold names to supplier ids; a name the table does not know stays a name (a miss)."""

    def __init__(self, names: SupplierNames) -> None:
        self.names = names

    def id_of(self, name: str) -> str:
        return self.names.resolve(name) or f"unknown:{name}"

    def ids(self, items: Iterable[Any] | None) -> set[str]:
        return {self.id_of(i["name"] if isinstance(i, dict) else i) for i in items or []}


def _pred_ids(items: Iterable[Any] | None) -> set[str]:
    return {i["id"] if isinstance(i, dict) else i for i in items or []}


def score_contracts(
    gold_docs: Mapping[str, Mapping[str, Any]],
    pred_docs: Mapping[str, Mapping[str, Any]],
    show_errors: bool = False,
    names: SupplierNames | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """Score suppliers and contracts; return ``(result, error lines)``.

    ``result["suppliers"]`` and ``result["contracts"]`` have ``p``, ``r``, ``f1``, ``tp``,
    ``fp``, ``fn`` and ``docs``; contracts also ``value_accuracy`` and ``status_accuracy``
    (``None`` when nothing matched).
    """
    resolve = _Resolver(names or SupplierNames.load())
    sup, con = [0, 0, 0], [0, 0, 0]
    sup_docs = con_docs = matched = value_ok = status_ok = 0
    errors: list[str] = []
    for doc_id, g in gold_docs.items():
        p = pred_docs.get(doc_id, {})
        if "suppliers" in g:
            sup_docs += 1
            gold = resolve.ids(g["suppliers"])
            optional = resolve.ids(g.get("suppliers_optional")) - gold
            pred = _pred_ids(p.get("suppliers")) - optional
            _add(sup, len(gold & pred), len(pred - gold), len(gold - pred))
            if show_errors and gold != pred:
                errors.append(
                    f"{doc_id} suppliers: missing {sorted(gold - pred)} extra {sorted(pred - gold)}"
                )
        if "contracts" in g:
            con_docs += 1
            gold_c = {
                (frozenset(c["councils"]), resolve.id_of(c["supplier"])): c for c in g["contracts"]
            }
            pred_c = {
                (frozenset(c["councils"]), c["supplier"]): c for c in p.get("contracts") or []
            }
            both = gold_c.keys() & pred_c.keys()
            _add(con, len(both), len(pred_c.keys() - both), len(gold_c.keys() - both))
            for key in sorted(both, key=_key_text):
                gc, pc = gold_c[key], pred_c[key]
                matched += 1
                value = _value_agrees(gc.get("value_gbp"), pc.get("value_gbp"))
                status = gc.get("status") == pc.get("status")
                value_ok += value
                status_ok += status
                if show_errors and not (value and status):
                    errors.append(
                        f"{doc_id} contract {_key_text(key)}: value gold {gc.get('value_gbp')} "
                        f"pred {pc.get('value_gbp')}, status gold {gc.get('status')} "
                        f"pred {pc.get('status')}"
                    )
            if show_errors:
                for key in sorted(gold_c.keys() - both, key=_key_text):
                    errors.append(f"{doc_id} contract missing {_key_text(key)}")
                for key in sorted(pred_c.keys() - both, key=_key_text):
                    errors.append(f"{doc_id} contract extra {_key_text(key)}")
    result = {
        "suppliers": {**_prf(*sup), "docs": sup_docs},
        "contracts": {
            **_prf(*con),
            "docs": con_docs,
            "value_accuracy": value_ok / matched if matched else None,
            "status_accuracy": status_ok / matched if matched else None,
        },
    }
    return result, errors


def format_contract_result(result: Mapping[str, Any]) -> list[str]:
    """Report lines in the style of the other fields, for the fields that were scored.

    >>> r, _ = score_contracts({}, {})
    >>> format_contract_result(r)
    []
    """
    lines = []
    for k in FIELDS:
        r = result[k]
        if not r["docs"]:
            continue
        extra = ""
        if k == "contracts" and r["value_accuracy"] is not None:
            extra = f"  value_acc={r['value_accuracy']:.3f} status_acc={r['status_accuracy']:.3f}"
        lines.append(field_line(k, r, extra))
    return lines


def _add(total: list[int], tp: int, fp: int, fn: int) -> None:
    total[0] += tp
    total[1] += fp
    total[2] += fn


def _key_text(key: tuple[frozenset[str], str]) -> str:
    return f"{'+'.join(sorted(key[0]))}/{key[1]}"
