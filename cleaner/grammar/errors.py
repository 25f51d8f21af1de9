"""What can go wrong with the grammar engine, importable without loading its HTTP client.

Two families, because they call for different handling: a ``ClientError`` means the server itself is in
doubt (unreachable, gone, too slow), so a server cleaner owns is restarted once and otherwise the run
goes on with cleaner's own rules; a ``ParagraphError`` means the server is fine but could not give an
answer for one paragraph (it refused it, or answered nonsense), so only that paragraph goes without
grammar and the run warns once.
"""


class EngineUnavailable(Exception):
    """No LanguageTool to talk to; the message says what to do about it."""


class ClientError(Exception):
    """The server could not be reached or did not answer properly."""


class DeadlineExceeded(ClientError):
    """The server did not give a whole answer within the time allowed for it (a stalled or trickling
    server): a timeout on the whole request, not on each read."""


class ParagraphError(Exception):
    """The server answered, but with no usable result for this paragraph."""


class Refused(ParagraphError):
    """The server declined the paragraph with an HTTP error (413 for text over its limit, 400, 500…)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"HTTP {status}: {detail}" if detail else f"HTTP {status}")
        self.status = status


class BadAnswer(ParagraphError):
    """The server answered 200, but not with the JSON LanguageTool's API describes."""
