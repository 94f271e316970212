"""Pinyin initials of customer names, so ``hxdyf`` finds 华信大药房.

pypinyin takes ~150 ms to import, so initials are kept in the index: worked out by the workers
of a large refresh, else by the first lookup by name (``Index.names``) and kept from then on.
"""

from __future__ import annotations


def initials(name: str) -> list[str]:
    """Per character of ``name``, every initial it may be read with (曾 -> 'zc', 单 -> 'dsc').

    Characters that are neither letters, digits nor Chinese are dropped, so ``华信(人民路)``
    gives ``['h', 'x', 'r', 'm', 'l']``.
    """
    from pypinyin import Style, pinyin

    out: list[str] = []
    for ch in name:
        if ch.isascii():
            if ch.isalnum():
                out.append(ch.lower())
            continue
        if not ch.isalnum():
            continue
        readings = pinyin(ch, style=Style.FIRST_LETTER, heteronym=True, strict=False)[0]
        letters = "".join(dict.fromkeys(r[:1].lower() for r in readings if r and r[0].isalpha()))
        if letters:
            out.append(letters)
    return out


def matches(query: str, letters: list[str], prefix_only: bool = False) -> bool:
    """Does ``query`` spell consecutive initials of the name (from its start if ``prefix_only``)?"""
    q = query.lower()
    if not q or len(q) > len(letters):
        return False
    starts = [0] if prefix_only else range(len(letters) - len(q) + 1)
    return any(all(c in letters[s + i] for i, c in enumerate(q)) for s in starts)
