"""Downloader middleware: Content-Encoding decoded strictly, and a body that fails to decode
handed to the retry middleware like any other transfer error.

Scrapy's HttpCompressionMiddleware raises from ``process_response`` when a body does not
decode (``BadGzipFile``, ``zlib.error``), which goes straight to the request's errback:
the retry middleware never sees it, though a garbled transfer is as transient as a reset
connection. And its gunzip returns whatever it could inflate from a truncated or corrupt
stream, so half a page could be stored as if whole. Here gzip and deflate bodies must
inflate completely (end of stream reached, CRC and length checked); when a body does
not, the response is passed on undecoded with the reason in ``request.meta``
(:data:`TRANSFER_FAILED`), and :class:`councilwatch.pipeline.retry.BackoffRetryMiddleware`
retries it, or records the reason once retries are spent.
"""

from __future__ import annotations

import zlib

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response

#: ``request.meta`` key: why the last response's body could not be decoded.
TRANSFER_FAILED = "councilwatch_transfer_failed"
CHUNK = 65536


class BodyNotDecoded(ValueError):
    """A Content-Encoding body that does not decode: corrupt or truncated in transfer."""


class BodyTooLarge(ValueError):
    """A body that inflates past ``DOWNLOAD_MAXSIZE`` (a decompression bomb, say)."""


def inflate(body: bytes, wbits: int, max_size: int) -> bytes:
    """``body`` inflated completely, or :class:`BodyNotDecoded` (stream cut short, bad
    data or checksum); :class:`BodyTooLarge` past ``max_size`` bytes (0: no cap).

    >>> import gzip
    >>> inflate(gzip.compress(b"page"), 16 + zlib.MAX_WBITS, 0)
    b'page'
    >>> try:
    ...     inflate(gzip.compress(b"page" * 100)[:-10], 16 + zlib.MAX_WBITS, 0)
    ... except BodyNotDecoded as exc:
    ...     print(exc)
    truncated gzip body: the stream ends before its end marker
    """
    name = "gzip" if wbits > zlib.MAX_WBITS else "deflate"
    inflater = zlib.decompressobj(wbits)
    parts: list[bytes] = []
    size = 0
    data = body
    try:
        while True:
            part = inflater.decompress(data, CHUNK)
            size += len(part)
            if max_size and size > max_size:
                raise BodyTooLarge(f"{name} body inflates past DOWNLOAD_MAXSIZE ({max_size} B)")
            parts.append(part)
            data = inflater.unconsumed_tail
            if inflater.eof or not data:
                break
    except zlib.error as exc:
        raise BodyNotDecoded(f"corrupt {name} body ({exc})") from None
    if not inflater.eof:
        raise BodyNotDecoded(f"truncated {name} body: the stream ends before its end marker")
    return b"".join(parts)


class StrictDecompressionMiddleware(HttpCompressionMiddleware):
    """Scrapy's HttpCompressionMiddleware, strict about gzip and deflate, whose decoding
    failures are retried (see the module docstring)."""

    @staticmethod
    def _decode(body: bytes, encoding: bytes, max_size: int) -> bytes:
        if encoding in (b"gzip", b"x-gzip"):
            return inflate(body, 16 + zlib.MAX_WBITS, max_size)
        if encoding == b"deflate":  # zlib-wrapped, or the raw deflate some servers send
            try:
                return inflate(body, zlib.MAX_WBITS, max_size)
            except BodyNotDecoded:
                return inflate(body, -zlib.MAX_WBITS, max_size)
        return HttpCompressionMiddleware._decode(body, encoding, max_size)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        request.meta.pop(TRANSFER_FAILED, None)  # a retry's copy of the meta
        try:
            return super().process_response(request, response)
        except IgnoreRequest:
            raise  # past DOWNLOAD_MAXSIZE (Scrapy's own decoders): not transient
        except BodyTooLarge as exc:
            raise IgnoreRequest(f"Ignored response {response}: {exc}") from None
        except Exception as exc:  # the decoders raise what they like: OSError, zlib.error, ...
            if isinstance(exc, BodyNotDecoded):
                reason = f"Content-Encoding failed: {exc}"
            else:
                reason = f"Content-Encoding failed: {type(exc).__name__}: {exc}"
            self.stats.inc_value("councilwatch/transfer_failed")
            request.meta[TRANSFER_FAILED] = reason
            return response
