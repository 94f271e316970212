"""Pictures kept in the repository (``media/ID/DATE-N.EXT``): checked to be images by their
content, copied (never moved) under a stable name, and made into small thumbnails for the HTML
report. Pillow is imported only here, by the commands that take or show a photo."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from pathlib import Path

from .errors import KqError, _, reason

MEDIA = "media"
"""The folder of the repository that holds the pictures, one folder per customer."""
THUMBNAIL = 240
"""The longest side of a report's thumbnail, in pixels."""

_BRANDS_HEIC = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_DECODED = {"jpg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP", "bmp": "BMP", "tif": "TIFF"}
"""Types Pillow decodes itself, by extension: their content is checked to decode."""
MIME = {"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp",
        "bmp": "image/bmp", "tif": "image/tiff", "heic": "image/heic", "avif": "image/avif"}


def image_type(data: bytes) -> str | None:
    """The extension of the picture ``data`` holds (jpg, png, webp, heic…), read from its first
    bytes; None when it is no picture kq knows."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand in (b"avif", b"avis"):
            return "avif"
        if brand in _BRANDS_HEIC:
            return "heic"
    if data.startswith(b"BM") and len(data) > 26:
        return "bmp"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tif"
    return None


def _decodes(data: bytes, kind: str) -> bool:
    """Whether Pillow reads ``data`` as a picture of ``kind`` (a type it cannot decode, such as
    HEIC without its plugin, is taken on its signature)."""
    if kind not in _DECODED:
        return True
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as picture:
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
    return True


def read_picture(path: Path) -> tuple[bytes, str]:
    """The bytes of the picture at ``path`` and its extension; a one-line error when the file
    cannot be read or is not a picture."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise KqError(_("{option}: {path}: no such file").format(
            option="--photo", path=str(path))) from None
    except IsADirectoryError:
        raise KqError(_("{option}: {path} is a folder, not a picture").format(
            option="--photo", path=str(path))) from None
    except OSError as e:
        raise KqError(_("{option}: {path}: cannot read: {why}").format(
            option="--photo", path=str(path), why=e.strerror or str(e))) from None
    kind = image_type(data)
    if kind is None or not _decodes(data, kind):
        raise KqError(_("{option}: {path} is not a picture (JPEG, PNG, WebP, HEIC…)").format(
            option="--photo", path=str(path)))
    return data, kind


def _taken(root: Path, customer_id: str, day: dt.date, listed: list[str]) -> set[int]:
    """The numbers N of ``DATE-N`` already used for that day: on disk, or listed in the file."""
    stem = re.compile(rf"{day.isoformat()}-(\d+)(?:\.[^/]*)?$")
    names = [p.name for p in (root / MEDIA / customer_id).glob(f"{day.isoformat()}-*")]
    names += [p.rsplit("/", 1)[-1] for p in listed]
    return {int(m.group(1)) for name in names if (m := stem.match(name))}


def plan_photos(root: Path, customer_id: str, day: dt.date, files: list[Path],
                listed: list[str]) -> list[tuple[str, bytes]]:
    """Each picture in ``files`` as (its path in the repository, its bytes), named
    ``media/ID/DATE-N.EXT`` with N the next free number of that day (``listed``: the photos
    the customer's file already names). Every file is read and checked before any is named:
    one that is missing or no picture stops it all."""
    pictures = [read_picture(Path(f)) for f in files]
    taken = _taken(root, customer_id, day, listed)
    out = []
    n = 0
    for data, kind in pictures:
        n += 1
        while n in taken:
            n += 1
        out.append((f"{MEDIA}/{customer_id}/{day.isoformat()}-{n}.{kind}", data))
    return out


def _heif() -> None:
    """HEIC (an iPhone's photos) where pillow-heif is installed; Pillow alone cannot read it,
    and the report then notes such a photo instead of showing it."""
    try:
        import pillow_heif  # type: ignore[import-not-found]
    except ImportError:
        return
    pillow_heif.register_heif_opener()


def thumbnail(path: Path, size: int = THUMBNAIL) -> str:
    """The picture at ``path`` shrunk to ``size`` pixels on its longest side, as a ``data:`` URI
    (JPEG, or PNG for a picture with transparency), so that a page keeps it without the file.
    Raises OSError or ValueError when it cannot be read."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    _heif()
    try:
        with Image.open(path) as picture:
            picture = ImageOps.exif_transpose(picture)
            picture.thumbnail((size, size))
            keep_alpha = picture.mode in ("RGBA", "LA", "P") and "transparency" in picture.info \
                or picture.mode in ("RGBA", "LA")
            buffer = io.BytesIO()
            if keep_alpha:
                picture.save(buffer, "PNG", optimize=True)
                mime = "image/png"
            else:
                picture.convert("RGB").save(buffer, "JPEG", quality=80, optimize=True)
                mime = "image/jpeg"
    except UnidentifiedImageError:
        raise ValueError(_("not a picture kq can read")) from None
    except (SyntaxError, Image.DecompressionBombError) as e:
        raise ValueError(str(e)) from None
    return f"data:{mime};base64,{base64.b64encode(buffer.getvalue()).decode('ascii')}"


def month_photos(root: Path, ledgers: list[tuple[dict, dict]], month: str
                 ) -> dict[str, list[dict[str, str | None]]]:
    """The photos of ``month`` per customer id, in the log's order, each ``{day, path, src,
    problem}``: ``src`` the thumbnail's ``data:`` URI, or None with ``problem`` saying why the
    picture could not be read (no such file, not a picture: a :class:`~kqcli.store.errors.Text`
    the command line words in the reader's language), so that the page notes it and goes on."""
    out: dict[str, list[dict[str, str | None]]] = {}
    for summary, facts in ledgers:
        taken = ((facts.get("monthly") or {}).get(month) or {}).get("photos") or []
        for day, path in taken:
            shown: dict[str, str | None] = {"day": day, "path": path, "src": None,
                                            "problem": None}
            picture = (root / path).resolve()
            try:
                if root.resolve() not in picture.parents:
                    raise ValueError(_("outside the repository"))
                shown["src"] = thumbnail(picture)
            except OSError as e:
                shown["problem"] = reason(e.errno, str(e) or type(e).__name__)
            except ValueError as e:
                shown["problem"] = e.args[0] if e.args else type(e).__name__
            out.setdefault(summary["id"], []).append(shown)
    return out
