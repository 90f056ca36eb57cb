"""URL normalisation: one story, one canonical URL.

>>> canonicalize("https://Example.org/news/a/?utm_source=x&id=3#top")
'https://example.org/news/a/?id=3'
>>> canonicalize("https://example.org/news/a/amp/")
'https://example.org/news/a/'
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid|ito|itm_[a-z]+|ref|ref_src|"
    r"share|amp|outputType|CMP|s_cid|icid)$",
    re.IGNORECASE,
)
AMP_SUFFIX = re.compile(r"(/amp/?|\.amp)$")


def canonicalize(url: str) -> str:
    """Lower-case scheme and host, drop fragments, tracking parameters and AMP suffixes."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    query = [(k, v) for k, v in query if not TRACKING_PARAMS.match(k)]
    path = AMP_SUFFIX.sub("/", parts.path) if parts.path not in ("/amp", "/amp/") else parts.path
    path = path.replace("//", "/") or "/"
    if path.startswith("/amp/"):
        path = path[4:]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, urlencode(query), ""))
