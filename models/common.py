"""Column helpers shared by the tables."""

import datetime as dt


def utc_now() -> dt.datetime:
    """Aware UTC timestamp, the form every table stores."""
    return dt.datetime.now(dt.UTC)
