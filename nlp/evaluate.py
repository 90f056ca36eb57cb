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
import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from .contract_scoring import format_contract_result, score_contracts
from .scores import field_line, prf

FIELDS = ("councils", "money", "services", "arrangements", "arr_services")
ERROR_KINDS_FILE = Path(__file__).parent / "data" / "error_kinds.json"

__all__ = [
    "FIELDS",
    "error_report",
    "format_error_report",
    "format_result",
    "linked_arrangements",
    "load_docs",
    "match_amounts",
    "prf",
    "score",
]


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


def linked_arrangements(
    gold_docs: Mapping[str, Mapping[str, Any]], pred_docs: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """Arrangement P/R/F1 over the gold arrangements whose councils were all linked.

    An arrangement needs its councils: this tells the arrangement rules' own misses from
    the linker's. Predictions are all kept (none can name a council that was not linked).

    Example:
        >>> gold = {"d": {"arrangements": [{"councils": ["A", "B"]}, {"councils": ["A", "C"]}]}}
        >>> pred = {"d": {"councils": [{"code": "A"}, {"code": "B"}],
        ...               "arrangements": [{"councils": ["B", "A"]}]}}
        >>> r = linked_arrangements(gold, pred)
        >>> r["tp"], r["fn"], r["skipped"], r["f1"]
        (1, 0, 1, 1.0)
    """
    total, skipped = [0, 0, 0], 0
    for doc_id, g in gold_docs.items():
        p = pred_docs.get(doc_id, {})
        linked = _codes(p.get("councils"))
        kept = [a for a in g.get("arrangements") or [] if set(a.get("councils") or []) <= linked]
        skipped += len(g.get("arrangements") or []) - len(kept)
        t = {"arrangements": [0, 0, 0], "arr_services": [0, 0, 0]}
        _score_arrangements(doc_id, {"arrangements": kept}, p, t, None)
        _add(total, *t["arrangements"])
    p, r, f = prf(*total)
    return {"p": p, "r": r, "f1": f, "tp": total[0], "fp": total[1], "fn": total[2],
            "skipped": skipped}  # fmt: skip


@cache
def _error_words() -> dict[str, re.Pattern[str]]:
    kinds = json.loads(ERROR_KINDS_FILE.read_text(encoding="utf-8"))

    def words(key: str) -> re.Pattern[str]:
        alts = "|".join(re.escape(w) for w in sorted(kinds[key], key=len, reverse=True))
        return re.compile(rf"(?<![\w$])(?:{alts})(?!\w)")

    return {k: words(k) for k in ("org_words", "false_friend_words", "foreign_words")}


def _missed_council_kind(code: str, gold: Mapping[str, Any]) -> tuple[str, str]:
    evidence = next((c.get("evidence") or "" for c in gold.get("councils") or []
                     if isinstance(c, dict) and c["code"] == code), "")  # fmt: skip
    sharing = sum(
        1
        for c in gold.get("councils") or []
        if isinstance(c, dict) and c.get("evidence") == evidence
    )
    if evidence and sharing >= 2:
        return "missed in a list", evidence
    if _error_words()["org_words"].search(evidence.replace("'s ", " ")):
        return "missed org form", evidence
    return "missed bare name", evidence


def _extra_council_kind(
    code: str, gold: Mapping[str, Any], pred: Mapping[str, Any]
) -> tuple[str, str]:
    mention = next((c for c in pred.get("councils") or [] if isinstance(c, dict)
                    and c.get("code") == code), {})  # fmt: skip
    text, sentence = mention.get("text") or "", mention.get("sentence") or ""
    words = _error_words()
    at = sentence.find(text) if text else -1
    after = sentence[at + len(text) : at + len(text) + 60] if at >= 0 else ""
    head = re.match(r"(?:\s*(?:[A-Z][\w&'-]*|and|of|&|,))*", after)
    if head and words["false_friend_words"].search(head.group(0)):
        return "extra: false friend", f"{text}{head.group(0)}".strip()
    if words["foreign_words"].search(gold.get("text") or ""):
        return "extra: foreign", f"{text} | {sentence[:120]}"
    return "extra: other", f"{text} | {sentence[:120]}"


def _gbp(amount: Any) -> str:
    """``£2,000,000`` for ``2e6``: how the error report writes an amount."""
    try:
        return f"£{float(amount):,.0f}"
    except (TypeError, ValueError):
        return repr(amount)


def _context(text: str, start: int | None, end: int | None, width: int = 50) -> str:
    if start is None or end is None:
        return ""
    left = text[max(0, start - width) : start].split("\n")[-1]
    right = text[end : end + width].split("\n")[0]
    return f"{left}[{text[start:end]}]{right}"


def error_report(
    gold_docs: Mapping[str, Mapping[str, Any]], pred_docs: Mapping[str, Mapping[str, Any]]
) -> dict[str, list[str]]:
    """The errors grouped by field and kind: ``{"field: kind": [example, ...]}``.

    Kinds: councils (missed org form / bare name / in a list; extra: false friend, foreign,
    other), money (missed amount, extra amount, wrong role ``gold -> pred``, wrong period),
    services (missed / extra, per id), arrangements (missed, extra, wrong council set, wrong
    status). Each example starts with the document id.

    Example:
        >>> gold = {"d": {"text": "Kent saved £2m.", "councils": [], "services": ["ict"],
        ...               "money": [{"amount_gbp": 2e6, "role": "saving"}], "arrangements": []}}
        >>> pred = {"d": {"money": [{"amount_gbp": 2e6, "role": "other", "start": 11,
        ...               "end": 14}], "services": []}}
        >>> sorted(error_report(gold, pred))
        ['money: wrong role saving -> other', 'services: missed ict']
        >>> error_report(gold, pred)["money: wrong role saving -> other"]
        ['d £2,000,000 Kent saved [£2m].']
    """
    groups: dict[str, list[str]] = {}

    def add(kind: str, doc_id: str, example: str) -> None:
        groups.setdefault(kind, []).append(f"{doc_id} {example}".rstrip())

    for doc_id, g in gold_docs.items():
        p = pred_docs.get(doc_id, {})
        text = g.get("text") or ""
        gold_c = _codes(g.get("councils"))
        pred_c = _codes(p.get("councils")) - (_codes(g.get("councils_optional")) - gold_c)
        for code in sorted(gold_c - pred_c):
            kind, evidence = _missed_council_kind(code, g)
            add(f"councils: {kind}", doc_id, f"{code} {evidence!r}")
        for code in sorted(pred_c - gold_c):
            kind, example = _extra_council_kind(code, g, p)
            add(f"councils: {kind}", doc_id, f"{code} {example!r}")
        gm, pm = g.get("money") or [], p.get("money") or []
        pairs = match_amounts(gm, pm)
        matched_g, matched_p = {id(a) for a, _ in pairs}, {id(b) for _, b in pairs}
        for m in gm:
            if id(m) not in matched_g:
                add(
                    "money: missed amount", doc_id, f"{_gbp(m['amount_gbp'])} {m.get('text', '')!r}"
                )
        for m in pm:
            if id(m) not in matched_p:
                add("money: extra amount", doc_id,
                    f"{_gbp(m.get('amount_gbp'))} {_context(text, m.get('start'), m.get('end'))}")  # fmt: skip
        for gi, pi in pairs:
            where = _context(text, pi.get("start"), pi.get("end"))
            if gi.get("role") != pi.get("role"):
                add(f"money: wrong role {gi.get('role')} -> {pi.get('role')}", doc_id,
                    f"{_gbp(gi['amount_gbp'])} {where}")  # fmt: skip
            gp, pp = gi.get("period") or "total", pi.get("period") or "total"
            if gp != pp:
                add(
                    f"money: wrong period {gp} -> {pp}", doc_id, f"{_gbp(gi['amount_gbp'])} {where}"
                )
        gs, ps = _service_ids(g.get("services")), _service_ids(p.get("services"))
        for sid in sorted(gs - ps):
            add(f"services: missed {sid}", doc_id, "")
        for sid in sorted(ps - gs):
            found = [
                s for s in p.get("services") or [] if isinstance(s, dict) and s.get("id") == sid
            ]
            where = _context(text, found[0].get("start"), found[0].get("end")) if found else ""
            add(f"services: extra {sid}", doc_id, where)
        _arrangement_errors(doc_id, g, p, add)
    return groups


def _arrangement_errors(doc_id: str, g: Mapping[str, Any], p: Mapping[str, Any], add: Any) -> None:
    gold = list(g.get("arrangements") or [])
    pred = list(p.get("arrangements") or [])
    linked = _codes(p.get("councils"))
    left = list(range(len(pred)))
    unmatched = []
    for a in gold:
        gc = frozenset(a.get("councils") or [])
        j = next((j for j in left if frozenset(pred[j].get("councils") or []) == gc), None)
        if j is None:
            unmatched.append(a)
            continue
        left.remove(j)
        if a.get("status") and pred[j].get("status") and a["status"] != pred[j]["status"]:
            add(f"arrangements: wrong status {a['status']} -> {pred[j]['status']}", doc_id,
                f"{sorted(gc)} {(a.get('evidence') or '')[:100]!r}")  # fmt: skip
    for a in unmatched:
        gc = set(a.get("councils") or [])
        j = next((j for j in left if gc & set(pred[j].get("councils") or [])), None)
        evidence = (a.get("evidence") or "")[:100]
        if j is not None:
            got = sorted(pred[j].get("councils") or [])
            left.remove(j)
            add("arrangements: wrong council set", doc_id, f"{sorted(gc)} -> {got} {evidence!r}")
        elif gc <= linked:
            add("arrangements: missed (councils linked)", doc_id, f"{sorted(gc)} {evidence!r}")
        else:
            add("arrangements: missed (a council not linked)", doc_id,
                f"{sorted(gc)} unlinked {sorted(gc - linked)} {evidence!r}")  # fmt: skip
    for j in left:
        add("arrangements: extra", doc_id,
            f"{sorted(pred[j].get('councils') or [])} {(pred[j].get('sentence') or '')[:100]!r}")  # fmt: skip


def format_error_report(groups: Mapping[str, list[str]], examples: int = 10) -> list[str]:
    """The report lines: a count per group (by field, largest first), then each group's
    first ``examples`` examples.

    Example:
        >>> lines = format_error_report({"services: missed ict": ["d1", "d2"]}, examples=1)
        >>> lines[1], lines[3:]
        ('     2  services: missed ict', ['== services: missed ict (2)', '  d1', '  ... 1 more'])
    """
    order = sorted(groups, key=lambda k: (FIELDS.index(k.split(":")[0]), -len(groups[k]), k))
    lines = ["errors by field and kind:"]
    lines += [f"{len(groups[k]):>6}  {k}" for k in order]
    for k in order:
        lines += ["", f"== {k} ({len(groups[k])})"]
        lines += [f"  {e}" for e in groups[k][:examples]]
        if len(groups[k]) > examples:
            lines.append(f"  ... {len(groups[k]) - examples} more")
    return lines


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
    linked = result.get("arrangements_linked")
    if linked is not None:
        lines.append(
            f"{'arr_linked':<13} P={linked['p']:.3f} R={linked['r']:.3f} F1={linked['f1']:.3f} "
            f"(tp={linked['tp']} fp={linked['fp']} fn={linked['fn']}; gold arrangements whose "
            f"councils were all linked, {linked['skipped']} left out)"
        )
    if "suppliers" in result:
        lines += format_contract_result(result)
    if result["missing_predictions"]:
        lines.append(f"missing predictions for {len(result['missing_predictions'])} docs")
    lines.append(f"docs={result['docs']}")
    return lines
