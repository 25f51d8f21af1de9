"""What can go wrong with the neural stage, importable without its heavy packages."""


class ModelUnavailable(Exception):
    """A model cannot be prepared or loaded; the message says what to install."""
