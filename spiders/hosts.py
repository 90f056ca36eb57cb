"""Which hosts a crawl may ask: each source's own domains, and the hosts of the start URLs.

The offsite and address middlewares (``pipeline/offsite.py``, ``pipeline/addresses.py``)
ask this for every request, redirect hops and robots.txt included.

>>> hosts = SourceHosts({"register": ("theregister.com",)},
...                     [("http://127.0.0.1:8000/feed/", "local")])
>>> hosts.allows("register", "www.theregister.com"), hosts.allows("register", "127.0.0.1")
(True, False)
>>> hosts.allows("local", "127.0.0.1"), hosts.allows(None, "www.theregister.com")
(True, True)
>>> hosts.is_start_host("127.0.0.1"), hosts.is_start_host("127.0.0.2")
(True, False)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit


def host_of(url: str) -> str:
    """The lower-case host name of ``url`` ('' when it has none or cannot be parsed).

    >>> host_of("HTTP://Example.ORG:8080/a"), host_of("http://[broken")
    ('example.org', '')
    """
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def in_domains(host: str, domains: Iterable[str]) -> bool:
    """Whether ``host`` is one of ``domains`` or a subdomain of one (Scrapy's rule).

    >>> in_domains("www.example.org", ["example.org"]), in_domains("badexample.org", ["example.org"])
    (True, False)
    """
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


class SourceHosts:
    """The domains each source may be fetched from, and the start URLs' own hosts.

    ``domains`` maps a source to its registry ``allowed_domains``; ``starts`` are the
    crawl's ``(start URL, source)`` pairs, whose hosts are allowed for their source.
    A request without a source (robots.txt) may go to any source's domains.
    """

    def __init__(
        self, domains: Mapping[str, Iterable[str]], starts: Iterable[tuple[str, str]]
    ) -> None:
        by_source = {name: {d.lower().strip(".") for d in ds if d} for name, ds in domains.items()}
        self.start_hosts: set[str] = set()
        for url, source in starts:
            host = host_of(url)
            if host:
                by_source.setdefault(source, set()).add(host)
                self.start_hosts.add(host)
        self.by_source = {name: tuple(sorted(ds)) for name, ds in by_source.items()}
        self.all_domains = tuple(sorted({d for ds in self.by_source.values() for d in ds}))

    def domains(self, source: str | None) -> tuple[str, ...]:
        """The domains requests of ``source`` may go to (every source's for ``None``)."""
        if source is None or source not in self.by_source:
            return self.all_domains
        return self.by_source[source]

    def allows(self, source: str | None, host: str) -> bool:
        return in_domains(host, self.domains(source))

    def is_start_host(self, host: str) -> bool:
        """Whether ``host`` is the host of a start URL (exactly: not a subdomain)."""
        return host.lower().rstrip(".") in self.start_hosts
