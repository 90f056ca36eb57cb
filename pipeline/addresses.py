"""Downloader middleware: no request to a private, loopback or link-local address unless asked.

A feed entry, a sitemap or a redirect can point anywhere, including the crawler's own
network: ``http://169.254.169.254/`` (cloud instance metadata), ``http://10.0.0.1/``, a
name that resolves to ``127.0.0.1``. Such a request is refused, before any connection,
and recorded in ``crawl_errors``, unless

* its host is exactly the host of a start URL (a crawl of ``http://127.0.0.1:8000/``
  may fetch from 127.0.0.1, as the demo and the tests do, but not from 127.0.0.2 or
  10.0.0.1);
* its host is the host of the API a register spider was configured with (its
  ``api_hosts``: ``COUNCILWATCH_CONTRACTS_FINDER_URL``, ``COUNCILWATCH_FIND_A_TENDER_URL``);
* its host is named by ``COUNCILWATCH_HOST_MAP`` (the local server it is sent to
  included): an explicit mapping is an explicit allowance;
* ``COUNCILWATCH_ALLOW_PRIVATE_ADDRESSES`` is on (a crawl of an intranet).

Refused is every address that is not global: loopback, private (RFC 1918), link-local,
unique-local (``fc00::/7``), multicast, shared (``100.64.0.0/10``), unspecified and
reserved ranges, IPv4-mapped IPv6 forms included.

The check applies to where a request actually goes. Literal addresses are checked
as they are. A name is resolved here, before connecting, through the reactor's
resolver, which is Scrapy's caching resolver (``DNSCACHE_ENABLED``, on by default): the
connection then takes its address from the same cache, so the address checked is the
address connected to, and a DNS server cannot answer the check with a public address
and the connection with a private one. Names that are off-site anyway are not looked
up: the offsite middleware, next in line, refuses them without a DNS query.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.error import DNSLookupError

from .hostmap import META_KEY, parse_host_map

#: (test, name) pairs in the order an address is described.
_KINDS = (
    ("is_loopback", "a loopback"),
    ("is_link_local", "a link-local"),
    ("is_multicast", "a multicast"),
    ("is_unspecified", "an unspecified"),
    ("is_reserved", "a reserved"),
)
SHARED = ipaddress.ip_network("100.64.0.0/10")
UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")


class AddressRefused(IgnoreRequest):
    """The request would go to a private, loopback or link-local address."""


def non_public_kind(address: str) -> str | None:
    """What kind of non-public address ``address`` is ('a loopback', 'a private', ...), or
    ``None`` for a global address (or a text that is not an IP address).

    >>> [non_public_kind(a) for a in ("127.0.0.2", "169.254.169.254", "10.0.0.1", "93.184.215.14")]
    ['a loopback', 'a link-local', 'a private', None]
    >>> non_public_kind("::ffff:127.0.0.1"), non_public_kind("fd00::1"), non_public_kind("example.org")
    ('a loopback', 'a unique-local', None)
    """
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for test, name in _KINDS:
        if getattr(ip, test):
            return name
    if ip.version == 6 and ip in UNIQUE_LOCAL:
        return "a unique-local"
    if ip.version == 4 and ip in SHARED:
        return "a shared (carrier-grade NAT)"
    if ip.is_private:
        return "a private"
    return None if ip.is_global else "a non-public"


def refusal(host: str, address: str, kind: str) -> str:
    """The reason recorded for a refused request.

    >>> refusal("10.0.0.1", "10.0.0.1", "a private")[:40]
    'refused: 10.0.0.1 is a private address ('
    >>> print(refusal("localhost", "127.0.0.1", "a loopback"))
    refused: localhost resolves to 127.0.0.1, a loopback address (only the start URLs' own hosts may be private; see COUNCILWATCH_ALLOW_PRIVATE_ADDRESSES)
    """
    where = f"{host} is" if host == address else f"{host} resolves to {address},"
    return (
        f"refused: {where} {kind} address (only the start URLs' own hosts may be private; "
        "see COUNCILWATCH_ALLOW_PRIVATE_ADDRESSES)"
    )


class PrivateAddressMiddleware:
    """Refuse requests to non-public addresses, except the allowances above."""

    def __init__(self, crawler: Crawler, mapped_hosts: set[str], allow_all: bool) -> None:
        self.crawler = crawler
        self.mapped_hosts = mapped_hosts
        self.allow_all = allow_all

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateAddressMiddleware:
        settings = crawler.settings
        host_map = parse_host_map(settings.get("COUNCILWATCH_HOST_MAP"))
        mapped = set(host_map) | {urlsplit(base).hostname or "" for base in host_map.values()}
        return cls(crawler, mapped, settings.getbool("COUNCILWATCH_ALLOW_PRIVATE_ADDRESSES"))

    def allowed(self, host: str) -> bool:
        spider = self.crawler.spider
        hosts = getattr(spider, "hosts", None)
        return (
            self.allow_all
            or host in self.mapped_hosts
            or (hosts is not None and hosts.is_start_host(host))
            or host in getattr(spider, "api_hosts", ())
        )

    async def process_request(self, request: Request) -> None:
        host = (urlparse_cached(request).hostname or "").lower()
        if not host or request.meta.get(META_KEY) or self.allowed(host):
            return
        kind = non_public_kind(host)
        address = host
        if kind is None and not _is_ip(host):
            hosts = getattr(self.crawler.spider, "hosts", None)
            if hosts is not None and not hosts.allows(request.meta.get("source"), host):
                return  # off-site: refused next without a lookup
            address = await self.resolve(host)
            kind = non_public_kind(address) if address else None
        if kind is not None:
            self.crawler.stats.inc_value("councilwatch/refused/address")
            raise AddressRefused(refusal(host, address, kind))

    @staticmethod
    async def resolve(host: str) -> str | None:
        """The address the connection to ``host`` will use (None when it cannot be found:
        the download then fails with the same lookup error, recorded as usual)."""
        from twisted.internet import reactor

        try:
            return await maybe_deferred_to_future(reactor.resolve(host))
        except DNSLookupError:
            return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
