"""Allow ``python -m cleaner``."""

from cleaner.cli import app

app()
