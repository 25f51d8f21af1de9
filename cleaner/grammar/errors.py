"""What can go wrong with the grammar engine, importable without loading its HTTP client."""


class EngineUnavailable(Exception):
    """No LanguageTool to talk to; the message says what to do about it."""


class ClientError(Exception):
    """The server could not be reached or did not answer properly."""
