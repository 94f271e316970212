"""Semantic three-way merge of a customer file (the git merge driver behind ``kq sync``).

Merges by meaning, editing *our* text so its comments and layout survive:
- the interaction log, expenses, intel, skips, acks and issues are merged as multisets: every entry their side
  appended is added to ours, even one equal to an entry we appended (two reps logging the same
  call made two calls), copied from their side's text and inserted in date order; an entry
  they removed goes from ours, and one they changed (a step marked done) is changed in ours;
- a key changed on one side only takes that side's value; mappings (months, contacts,
  business, ...) changed on both sides merge key by key;
- only the same field changed two ways is a conflict, left between clear markers with both
  sides kept.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import Node, SequenceNode

from . import yamlread
from .yamledit import key_span, line_after, remove_key, top_level

UNION = ("visits", "expenses", "intel", "skips", "acks", "issues")
"""The logs merged as multisets: what either side appended is kept (two reps who each skip a
visit, acknowledge a risk or open an issue on the same customer on the same day both keep it,
with no conflict)."""
MISSING = object()


class Conflict(Exception):
    pass


def _merge_values(base: Any, ours: Any, theirs: Any, path: str) -> Any:
    if ours == theirs or theirs == base:
        return ours
    if ours == base:
        return theirs
    if all(isinstance(v, dict) for v in (ours, theirs)) and isinstance(base, dict | type(None)):
        base = base or {}
        merged = {}
        for key in dict.fromkeys([*ours, *theirs]):
            value = _merge_values(base.get(key, MISSING), ours.get(key, MISSING),
                                  theirs.get(key, MISSING), f"{path}.{key}")
            if value is not MISSING:
                merged[key] = value
        return merged
    if all(isinstance(v, list) for v in (ours, theirs)) and _named(ours) and _named(theirs):
        by_name = lambda items: {i["name"]: i for i in items}  # noqa: E731
        b, o, t = by_name(base or []), by_name(ours), by_name(theirs)
        merged = []
        for name in dict.fromkeys([*o, *t]):
            value = _merge_values(b.get(name, MISSING), o.get(name, MISSING),
                                  t.get(name, MISSING), f"{path}[{name}]")
            if value is not MISSING:
                merged.append(value)
        return merged
    raise Conflict(path)


def _named(items: list) -> bool:
    return all(isinstance(i, dict) and isinstance(i.get("name"), str) for i in items)


def _render(key: str, value: Any) -> str:
    return yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False,
                          default_flow_style=None, width=10_000)


def _replace_block(text: str, key: str, new_block: str) -> str:
    span = key_span(text, key)
    if span is None:
        body = text if text.endswith("\n") or not text else text + "\n"
        return body + new_block
    start, end = span
    if not new_block.endswith("\n"):
        new_block += "\n"
    return text[:start] + new_block + text[end:]


def _item_text(text: str, seq: SequenceNode, index: int) -> str:
    item = seq.value[index]
    start = text.rfind("\n", 0, item.start_mark.index) + 1
    return text[start:line_after(text, item)]


def _dash_column(text: str, item: Node) -> int:
    start = text.rfind("\n", 0, item.start_mark.index) + 1
    return text.rfind("-", start, item.start_mark.index) - start


def appended(base: list, side: list) -> list[int]:
    """Indexes of the entries ``side`` added to ``base``, counted as a multiset: an entry that
    occurs twice more than in ``base`` was appended twice (its last two occurrences)."""
    picked: list[int] = []
    seen: list[Any] = []
    for value in side:
        if value in seen:
            continue
        seen.append(value)
        extra = sum(1 for v in side if v == value) - sum(1 for v in base if v == value)
        if extra > 0:
            picked.extend([i for i, v in enumerate(side) if v == value][-extra:])
    return sorted(picked)


def _union(ours_text: str, theirs_text: str, key: str, base: list, ours: list,
           theirs: list) -> str:
    """Their side's changes to a log, applied to our list as to a multiset: every entry they
    appended is inserted (copied from their text); an entry they removed (``kq undo``) goes
    from ours; an entry they changed (``kq done`` writes ``done_on`` into a visit's step, ``kq
    intel`` adds a source) takes their text in its place in ours. An entry changed on both
    sides is kept in both versions: nothing either side wrote is lost."""
    changed, added, gone = changes(base, theirs)
    text, rest = ours_text, []
    for was, j in changed:
        done = _replace_entry(text, theirs_text, key, was, j, theirs)
        if done is not None:
            text = done
        elif theirs[j] not in (yamlread.load(text.encode(), "")[0].get(key) or []):
            rest.append((j, theirs[j]))  # ours changed it too, another way: both are kept
        # else ours made the same change (both marked the step done): it is there once
    for value in gone:
        text = _remove_entry(text, key, value)
    return _insert(text, theirs_text, key, [(j, theirs[j]) for j in added] + rest)


def changes(base: list, side: list) -> tuple[list[tuple[Any, int]], list[int], list[Any]]:
    """How ``side`` differs from ``base``, as a log: the entries it changed (the base's value,
    the index of the new one in ``side``: a removed and an added entry with one
    :func:`_identity` between them), the indexes of those it appended, and the values of those
    it removed."""
    added = appended(base, side)
    gone = [base[i] for i in appended(side, base)]
    new_ids = [_identity(side[j]) for j in added]
    gone_ids = [_identity(value) for value in gone]
    pairs = []
    for j, ident in zip(added, new_ids, strict=True):
        if ident is not None and new_ids.count(ident) == 1 and gone_ids.count(ident) == 1:
            pairs.append((gone_ids.index(ident), j))
    paired = {j for _, j in pairs}
    was = {n for n, _ in pairs}
    return ([(gone[n], j) for n, j in pairs], [j for j in added if j not in paired],
            [value for n, value in enumerate(gone) if n not in was])


def _when(entry: Any) -> str:
    """A log entry's day, for its place in date order: ``date`` (a visit, an expense, intel, a
    skip), ``opened`` (an issue) or ``on`` (an ack); "" for none."""
    if not isinstance(entry, dict):
        return ""
    return str(next((entry[k] for k in ("date", "opened", "on") if k in entry), ""))


def _identity(entry: Any) -> tuple | None:
    """What names a log entry across a change of its other fields: its day, and its kind (a
    visit, an issue), purpose (an expense), claim (intel), text (an issue) or reason (an ack):
    an issue closed on one side keeps its place, and so its number."""
    if not _when(entry):
        return None
    return (_when(entry), entry.get("kind"), entry.get("purpose"), entry.get("claim"),
            entry.get("text"), entry.get("reason"))


def _last_index(items: list, value: Any) -> int | None:
    return next((n for n in range(len(items) - 1, -1, -1) if items[n] == value), None)


def _remove_entry(text: str, key: str, value: Any) -> str:
    """Our text without the last entry of the list equal to ``value`` (as it is, if none)."""
    items = yamlread.load(text.encode(), "")[0].get(key) or []
    n = _last_index(items, value)
    if n is None:
        return text
    seq = _sequence(text, key)
    if seq is None or len(items) == 1:
        return _replace_block(text, key, _render(key, items[:n] + items[n + 1:]))
    start, end = _item_span(text, seq, n)
    return text[:start] + text[end:]


def _replace_entry(text: str, theirs_text: str, key: str, value: Any, index: int,
                   theirs: list) -> str | None:
    """Our text with the last entry equal to ``value`` replaced by their entry ``index``,
    copied from their text; None when ours has no such entry."""
    items = yamlread.load(text.encode(), "")[0].get(key) or []
    n = _last_index(items, value)
    if n is None:
        return None
    seq = _sequence(text, key)
    if seq is None:
        items[n] = theirs[index]
        return _replace_block(text, key, _render(key, items))
    start, end = _item_span(text, seq, n)
    lines = _their_lines(text, seq, theirs_text, _sequence(theirs_text, key), index, theirs[index])
    return text[:start] + (lines if lines.endswith("\n") else lines + "\n") + text[end:]


def _their_lines(text: str, seq: SequenceNode, theirs_text: str, their_seq: SequenceNode | None,
                 index: int, value: Any) -> str:
    """Their entry ``index`` as lines of our block list: copied from their text and indented
    as ours, or, where their list is written in flow style, written out in ours."""
    if their_seq is None:
        return _written_item(text, seq, value)
    lines = _item_text(theirs_text, their_seq, index)
    shift = _dash_column(text, seq.value[0]) - _dash_column(theirs_text, their_seq.value[index])
    if shift:
        lines = "".join(_reindent(ln, shift) for ln in lines.splitlines(keepends=True))
    return lines


def _written_item(text: str, seq: SequenceNode, value: Any) -> str:
    """``value`` written out as an item of our block list ``seq``, at its indentation."""
    indent = " " * _dash_column(text, seq.value[0])
    return "".join(indent + ln for ln in yaml.safe_dump(
        [value], allow_unicode=True, sort_keys=False, default_flow_style=None,
        width=10_000).splitlines(keepends=True))


def _insert(ours_text: str, theirs_text: str, key: str, new: list[tuple[int, Any]]) -> str:
    """Insert entries of their list (index, value) into our list, copied from their text, in
    date order."""
    if not new:
        return ours_text
    their_seq = _sequence(theirs_text, key)
    text = ours_text
    for index, item in new:
        found = top_level(text, key)
        seq = found[1] if found else None
        if not isinstance(seq, SequenceNode) or seq.flow_style or not seq.value:
            data = yamlread.load(text.encode(), "")[0] or {}
            merged = sorted([*data.get(key, []), item], key=_when)
            text = _replace_block(text, key, _render(key, merged))
            continue
        lines = _their_lines(text, seq, theirs_text, their_seq, index, item)
        data = yamlread.load(text.encode(), "")[0][key]
        when = _when(item)
        position = next((n for n, existing in enumerate(data) if _when(existing) > when),
                        len(data))
        if position < len(seq.value):
            at = text.rfind("\n", 0, seq.value[position].start_mark.index) + 1
        else:
            at = line_after(text, seq.value[-1])
            if not text[:at].endswith("\n"):
                lines = "\n" + lines
        if not lines.endswith("\n"):
            lines += "\n"
        text = text[:at] + lines + text[at:]
    return text


def _named_lists(ours: Any, theirs: Any) -> bool:
    return (isinstance(ours, list) and isinstance(theirs, list) and bool(ours)
            and _named(ours) and _named(theirs))


def _sequence(text: str, key: str) -> SequenceNode | None:
    found = top_level(text, key)
    node = found[1] if found else None
    return node if isinstance(node, SequenceNode) and not node.flow_style and node.value else None


def _item_span(text: str, seq: SequenceNode, index: int) -> tuple[int, int]:
    item = seq.value[index]
    start = text.rfind("\n", 0, item.start_mark.index) + 1
    return start, line_after(text, item)


def _merge_items(text: str, theirs_text: str, key: str, base: list, ours: list,
                 theirs: list) -> str:
    """Merge two lists of named items (contacts, products) item by item, in our text: an item
    changed on their side only is copied from their text, so comments elsewhere survive."""
    b = {i["name"]: i for i in base if isinstance(i, dict)}
    t = {i["name"]: n for n, i in enumerate(theirs)}
    if _sequence(text, key) is None or _sequence(theirs_text, key) is None:
        merged = _merge_values(base or None, ours, theirs, key)
        return _replace_block(text, key, _render(key, merged))
    for name, their_index in t.items():
        mine = {i["name"]: n for n, i in enumerate(yamlread.load(text.encode(), "")[0][key])}
        theirs_item = theirs[their_index]
        seq, their_seq = _sequence(text, key), _sequence(theirs_text, key)
        if name in mine:
            our_item = ours[[i["name"] for i in ours].index(name)]
            if theirs_item in (our_item, b.get(name)):
                continue
            start, end = _item_span(text, seq, mine[name])
            if our_item == b.get(name):
                lines = _their_lines(text, seq, theirs_text, their_seq, their_index, theirs_item)
            else:
                merged = _merge_values(b.get(name), our_item, theirs_item, f"{key}[{name}]")
                lines = _written_item(text, seq, merged)
            text = text[:start] + lines + text[end:]
        elif name not in b or b[name] != theirs_item:  # new on their side
            lines = _their_lines(text, seq, theirs_text, their_seq, their_index, theirs_item)
            at = line_after(text, seq.value[-1])
            text = text[:at] + (lines if lines.endswith("\n") else lines + "\n") + text[at:]
    for name, item in list(b.items()):
        if name not in t and any(i["name"] == name for i in ours) and \
                next(i for i in ours if i["name"] == name) == item:
            seq = _sequence(text, key)
            mine = [i["name"] for i in yamlread.load(text.encode(), "")[0][key]]
            if len(mine) == 1:
                text = _replace_block(text, key, f"{key}: []\n")
                continue
            start, end = _item_span(text, seq, mine.index(name))
            text = text[:start] + text[end:]
    return text


def _reindent(line: str, shift: int) -> str:
    if shift > 0:
        return " " * shift + line
    spaces = len(line) - len(line.lstrip(" "))
    return line[min(-shift, spaces):]


def merge(base_text: str, ours_text: str, theirs_text: str,
          labels: tuple[str, str] = ("ours", "theirs")) -> tuple[str, list[str]] | None:
    """The merged text and the fields left in conflict; None when a side is not readable YAML."""
    sides = [yamlread.load(t.encode(), "")[0] if t else {} for t in (base_text, ours_text,
                                                                       theirs_text)]
    problems = [yamlread.load(t.encode(), "")[1] for t in (base_text, ours_text, theirs_text) if t]
    if any(problems) or not all(isinstance(s, dict) for s in sides):
        return None
    base, ours, theirs = sides
    text, conflicts = ours_text, []
    theirs_text = theirs_text if theirs_text.endswith("\n") or not theirs_text else theirs_text + "\n"
    text = text if text.endswith("\n") or not text else text + "\n"
    for key in dict.fromkeys([*ours, *theirs]):
        b, o, t = base.get(key, MISSING), ours.get(key, MISSING), theirs.get(key, MISSING)
        if t == b:
            continue
        if key in UNION and all(isinstance(v, list) for v in (o, t)) and o != b:
            # Before "o == t": the same entry appended on both sides is two entries.
            text = _union(text, theirs_text, key, b if isinstance(b, list) else [], o, t)
            continue
        if o == t:
            continue
        if o == b:
            text = remove_key(text, key) if t is MISSING else _replace_block(
                text, key, theirs_text[slice(*key_span(theirs_text, key))])
            continue
        try:
            merged = _merge_values(None if b is MISSING else b, o, t, str(key))
            if _named_lists(o, t):
                text = _merge_items(text, theirs_text, key, b if isinstance(b, list) else [], o, t)
            else:
                text = _replace_block(text, key, _render(key, merged))
        except Conflict as e:
            conflicts.append(str(e))
    # Markers last: text with markers no longer parses, and every other key is merged by now.
    spans = []
    for path in conflicts:
        key = path.split(".")[0].split("[")[0]
        key = next(k for k in (*ours, *theirs) if str(k) == key)
        mine = text[slice(*key_span(text, key))] if key in ours else ""
        yours = theirs_text[slice(*key_span(theirs_text, key))] if key in theirs else ""
        span = key_span(text, key) or (len(text), len(text))
        spans.append((span, f"<<<<<<< {labels[0]}\n{mine}=======\n{yours}>>>>>>> {labels[1]}\n"))
    for (start, end), marked in sorted(spans, reverse=True):
        text = text[:start] + marked + text[end:]
    return text, conflicts


def restore_appended(base_text: str, original_text: str, before_text: str,
                     after_text: str) -> str | None:
    """What a replayed commit must still append, for ``kq sync``'s rebase.

    A commit turned ``base_text`` into ``original_text``; replayed elsewhere it turned
    ``before_text`` into ``after_text``. Git merges two identical files without asking the merge
    driver, so a call both reps logged identically arrives once. Returns ``after_text`` with
    every entry the original appended and the replay did not, copied from the original's text;
    None when nothing is missing or a version is not readable.
    """
    texts = [base_text, original_text, before_text, after_text]
    sides = [yamlread.load(t.encode(), "") if t else ({}, None) for t in texts]
    if any(problem for _, problem in sides) or not all(isinstance(v, dict) for v, _ in sides):
        return None
    base, original, before, after = (v for v, _ in sides)
    text = after_text if after_text.endswith("\n") or not after_text else after_text + "\n"
    changed = False
    for key in UNION:
        lists = [v.get(key) or [] for v in (base, original, before, after)]
        if not all(isinstance(v, list) for v in lists):
            continue
        # An entry the commit changed is not one it appended: made on both sides alike, the
        # change is there once.
        wanted = [(i, lists[1][i]) for i in changes(lists[0], lists[1])[1]]
        got = [lists[3][i] for i in appended(lists[2], lists[3])]
        missing = []
        for index, value in reversed(wanted):  # the last occurrences are the appended ones
            if value in got:
                got.remove(value)
            else:
                missing.append((index, value))
        if missing:
            text = _insert(text, original_text, key, sorted(missing, key=lambda m: m[0]))
            changed = True
    return text if changed else None
