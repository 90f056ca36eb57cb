"""Requests and items as JSON for Redis: bytes survive, nothing is unpickled."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Mapping
from typing import Any


def _tag(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"$b": base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: _tag(v) for k, v in value.items()}
        return {"$d": [[_tag(k), _tag(v)] for k, v in value.items()]}
    if isinstance(value, list | tuple):
        return [_tag(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot queue a {type(value).__name__} in Redis: {value!r}")


def _untag(value: Any) -> Any:
    if isinstance(value, list):
        return [_untag(v) for v in value]
    if isinstance(value, dict):
        if "$b" in value:
            return base64.b64decode(value["$b"])
        if "$d" in value:
            return {_untag(k): _untag(v) for k, v in value["$d"]}
        return {k: _untag(v) for k, v in value.items()}
    return value


class JsonRequestSerializer:
    """Requests (as ``Request.to_dict()``) to tagged JSON and back: bytes and
    dicts with bytes keys (headers) survive, and nothing is unpickled.

    >>> data = {"url": "http://x/", "headers": {b"Accept": [b"*/*"]}, "body": b""}
    >>> JsonRequestSerializer.loads(JsonRequestSerializer.dumps(data)) == data
    True
    """

    @staticmethod
    def dumps(obj: dict) -> bytes:
        return json.dumps(_tag(obj), separators=(",", ":")).encode("utf-8")

    @staticmethod
    def loads(data: bytes) -> dict:
        return _untag(json.loads(data))


def encode_item(item: Mapping) -> bytes:
    """An item as JSON for the Redis item list; bytes values (``raw_html``) are
    gzipped and base64-encoded, those already compressed (``html_gz``) only encoded.

    >>> item = {"kind": "article", "raw_html": b"<p>hi</p>", "html_gz": bytes([31, 139])}
    >>> decode_item(encode_item(item)) == item
    True
    """
    record = {key: _encode_value(key, value) for key, value in item.items()}
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _encode_value(key: str, value: Any) -> Any:
    if not isinstance(value, bytes):
        return value
    if key.endswith("_gz"):
        return {"$b64": base64.b64encode(value).decode("ascii")}
    return {"$gz": base64.b64encode(gzip.compress(value, 6)).decode("ascii")}


def decode_item(data: bytes) -> dict:
    """The item :func:`encode_item` encoded."""
    return {key: _decode_value(value) for key, value in json.loads(data).items()}


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict) and "$gz" in value:
        return gzip.decompress(base64.b64decode(value["$gz"]))
    if isinstance(value, dict) and "$b64" in value:
        return base64.b64decode(value["$b64"])
    return value
