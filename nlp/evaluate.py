"""Score NLP predictions against a gold set (spec §6), with the definitions of
``../shared/tools/score_nlp.py``: per-document sets (councils, services), a
multiset of amounts within 0.5 % (money, with role and period accuracy over
matched amounts), and arrangements matched on equal council sets; suppliers and
contracts (§7) as :mod:`contract_scoring` says. A document is scored for a field only
when its gold line has it. Every count is micro-averaged over documents.

Example:
    >>> gold = {"d1": {"councils": [{"code": "CMD"}], "money": [{"amount_gbp": 4e6,
    ...         "role": "saving", "period": "year"}], "services": ["ict"], "arrangements": []}}
    >>> pred = {"d1": {"councils": [{"code": "CMD"}, {"code": "ISL"}],
    ...         "money": [{"amount_gbp": 4.01e6, "role": "saving", "period": "year"}],
    ...         "services": [{"id": "ict"}], "arrangements": []}}
    >>> result, _ = score(gold, pred)
    >>> result["councils"]["p"], result["money"]["f1"], result["money"]["role_accuracy"]
    (0.5, 1.0, 1.0)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .contract_scoring import format_contract_result, score_contracts
from .scores import field_line, prf

FIELDS = ("councils", "money", "services", "arrangements", "arr_services")

__all__ = ["FIELDS", "format_result", "load_docs", "match_amounts", "prf", "score"]


def load_docs(paths: Iterable[str | Path]) -> dict[str, dict[str, Any]]:
    """Read JSON-lines documents keyed by ``id`` (later files win on a repeated id).

    Example:
        >>> load_docs([])
        {}
    """
    docs: dict[str, dict[str, Any]] = {}
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.strip():
                doc = json.loads(line)
                docs[str(doc["id"])] = doc
    return docs


def _codes(items: Iterable[Any] | None) -> set[str]:
    return {(i["code"] if isinstance(i, dict) else i) for i in items or []}


def _service_ids(items: Iterable[Any] | None) -> set[str]:
    return {(i.get("id") or i.get("service")) if isinstance(i, dict) else i for i in items or []}


def match_amounts(
    gold: list[Mapping[str, Any]], pred: list[Mapping[str, Any]]
) -> list[tuple[Mapping[str, Any], Mapping[str, Any]]]:
    """Greedy one-to-one matching of amounts within 0.5 %, largest gold amount first.

    Example:
        >>> [(g["amount_gbp"], p["amount_gbp"]) for g, p in
        ...  match_amounts([{"amount_gbp": 100}], [{"amount_gbp": 100.4}])]
        [(100, 100.4)]
    """
    pairs = []
    used: set[int] = set()
    for g in sorted(gold, key=lambda m: -float(m["amount_gbp"])):
        ga = float(g["amount_gbp"])
        for j, p in enumerate(pred):
            if j in used or p.get("amount_gbp") is None:
                continue
            if abs(float(p["amount_gbp"]) - ga) <= 0.005 * max(abs(ga), 1.0):
                used.add(j)
                pairs.append((g, p))
                break
    return pairs


def _add(total: list[int], tp: int, fp: int, fn: int) -> None:
    total[0] += tp
    total[1] += fp
    total[2] += fn


def score(
    gold_docs: Mapping[str, Mapping[str, Any]],
    pred_docs: Mapping[str, Mapping[str, Any]],
    show_errors: bool = False,
) -> tuple[dict[str, Any], list[str]]:
    """Score predictions against gold; return ``(result, error lines)``.

    ``result[field]`` has ``p``, ``r``, ``f1``, ``tp``, ``fp``, ``fn`` for each of
    :data:`FIELDS`; ``result["money"]`` also ``role_accuracy`` and ``period_accuracy``.
    """
    t = {k: [0, 0, 0] for k in FIELDS}
    scored = dict.fromkeys(FIELDS, 0)  # documents whose gold line has the field
    role_ok = period_ok = matched = 0
    errors: list[str] = []
    for doc_id, g in gold_docs.items():
        p = pred_docs.get(doc_id, {})
        for k in FIELDS:
            scored[k] += (k if k != "arr_services" else "arrangements") in g
        gold_c = _codes(g.get("councils"))
        optional = _codes(g.get("councils_optional"))
        pred_c = _codes(p.get("councils")) - (optional - gold_c)
        fp, fn = len(pred_c - gold_c), len(gold_c - pred_c)
        _add(t["councils"], len(gold_c & pred_c), fp, fn)
        if show_errors and (fp or fn):
            errors.append(
                f"{doc_id} councils: missing {sorted(gold_c - pred_c)} "
                f"extra {sorted(pred_c - gold_c)}"
            )
        if "money" in g:  # a gold set without the field is not scored for it
            gm, pm = g.get("money") or [], p.get("money") or []
            pairs = match_amounts(gm, pm)
            _add(t["money"], len(pairs), len(pm) - len(pairs), len(gm) - len(pairs))
            for gi, pi in pairs:
                matched += 1
                role_ok += gi.get("role") == pi.get("role")
                period_ok += (gi.get("period") or "total") == (pi.get("period") or "total")
            if show_errors and (len(pm) != len(pairs) or len(gm) != len(pairs)):
                ga = sorted(float(m["amount_gbp"]) for m in gm)
                pa = sorted(float(m["amount_gbp"]) for m in pm if m.get("amount_gbp") is not None)
                errors.append(f"{doc_id} money: gold {ga} pred {pa}")
            if show_errors:
                for gi, pi in pairs:
                    if gi.get("role") != pi.get("role") or (gi.get("period") or "total") != (
                        pi.get("period") or "total"
                    ):
                        errors.append(
                            f"{doc_id} money {gi['amount_gbp']}: gold {gi.get('role')}/"
                            f"{gi.get('period')} pred {pi.get('role')}/{pi.get('period')}"
                        )
        if "services" in g:
            gs, ps = _service_ids(g.get("services")), _service_ids(p.get("services"))
            _add(t["services"], len(gs & ps), len(ps - gs), len(gs - ps))
            if show_errors and gs != ps:
                errors.append(
                    f"{doc_id} services: missing {sorted(gs - ps)} extra {sorted(ps - gs)}"
                )
        if "arrangements" in g:
            _score_arrangements(doc_id, g, p, t, errors if show_errors else None)
    result: dict[str, Any] = {
        k: dict(zip(("p", "r", "f1"), prf(*v), strict=True), tp=v[0], fp=v[1], fn=v[2])
        for k, v in t.items()
    }
    result["money"]["role_accuracy"] = role_ok / matched if matched else None
    result["money"]["period_accuracy"] = period_ok / matched if matched else None
    result["docs"] = len(gold_docs)
    result["scored_docs"] = scored
    result["missing_predictions"] = sorted(set(gold_docs) - set(pred_docs))
    if any("suppliers" in g or "contracts" in g for g in gold_docs.values()):
        contracts, contract_errors = score_contracts(gold_docs, pred_docs, show_errors)
        result.update(contracts)
        errors += contract_errors
    return result, errors


def _score_arrangements(
    doc_id: str,
    g: Mapping[str, Any],
    p: Mapping[str, Any],
    t: dict[str, list[int]],
    errors: list[str] | None,
) -> None:
    gold = [(frozenset(a.get("councils") or []), set(a.get("services") or [])) for a in
            g.get("arrangements") or []]  # fmt: skip
    pred = [(frozenset(a.get("councils") or []), _service_ids(a.get("services"))) for a in
            p.get("arrangements") or []]  # fmt: skip
    used: set[int] = set()
    for gc, gsv in gold:
        for j, (pc, psv) in enumerate(pred):
            if j not in used and pc == gc:
                used.add(j)
                _add(t["arr_services"], len(gsv & psv), len(psv - gsv), len(gsv - psv))
                break
    _add(t["arrangements"], len(used), len(pred) - len(used), len(gold) - len(used))
    if errors is not None and (len(used) != len(gold) or len(used) != len(pred)):
        errors.append(
            f"{doc_id} arrangements: gold {[sorted(c) for c, _ in gold]} "
            f"pred {[sorted(c) for c, _ in pred]}"
        )


def format_result(result: Mapping[str, Any]) -> list[str]:
    """The report lines of ``score_nlp.py``: ``councils  P=.. R=.. F1=.. (tp=.. fp=.. fn=..)``.

    Example:
        >>> r, _ = score({}, {})
        >>> format_result(r)[0]
        'councils      P=1.000 R=1.000 F1=1.000 (tp=0 fp=0 fn=0)'
    """
    lines = []
    for k in FIELDS:
        r = result[k]
        if result.get("scored_docs", {}).get(k) == 0 and result["docs"]:
            continue  # no gold line has the field
        extra = ""
        if k == "money" and r["role_accuracy"] is not None:
            extra = f"  role_acc={r['role_accuracy']:.3f} period_acc={r['period_accuracy']:.3f}"
        lines.append(field_line(k, r, extra))
    if "suppliers" in result:
        lines += format_contract_result(result)
    if result["missing_predictions"]:
        lines.append(f"missing predictions for {len(result['missing_predictions'])} docs")
    lines.append(f"docs={result['docs']}")
    return lines
