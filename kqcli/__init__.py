"""kq (客情): keep a field sales rep's customer relationships alive."""

__version__ = "0.1.0"
__date__ = "2026-12-07"
"""The day of this version: the manual page's date (``kq help --roff``), the same on every run."""
