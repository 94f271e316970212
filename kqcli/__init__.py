"""kq (客情): keep a field sales rep's customer relationships alive."""

__version__ = "0.1.0"
