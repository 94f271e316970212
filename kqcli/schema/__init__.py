"""Pydantic models of the files a user writes: customer files and ``kq.yaml``."""
