"""Text exports: decoding, the delimiter, and refusing what cannot be read without guessing.

Used by :func:`nps_toolkit.read_responses`. Every refusal is a ``ValueError``
that names the file, says what is wrong and how to read it instead: an
empty or binary file, a zip archive that is not a workbook, text in an
encoding that is not UTF-8 and not recognised for sure (with the encoding
to pass), text that only reads as mojibake, rows written with another
delimiter, a one-column file whose rows hold delimiters.
"""

from __future__ import annotations

import csv
import io as _io
import itertools
import re
from dataclasses import dataclass

import numpy as np

__all__ = ["TextTable", "decode", "sniff", "check_widths", "FileError"]

#: Delimiters recognised, in preference order when several fit equally well.
DELIMITERS = ("\t", ";", ",", "|")
_NAMES = {"\t": "tab", ";": "';'", ",": "','", "|": "'|'"}
_SNIFF_ROWS = 50
_SNIFF_CHARS = 1 << 16


class FileError(ValueError):
    """A file that cannot be read as it is (names the file and the way out)."""


@dataclass(frozen=True)
class TextTable:
    """Decoded text of a file and how it was decoded."""

    text: str
    encoding: str


_WORD = re.compile(r"[^\W\d_]+")
_CONTENT = re.compile(rb"[^ \t\r\n\x00\xef\xbb\xbf\xff\xfe]")
_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
# UTF-8 read as a one-byte code page: 'Ã©' (é), 'Ð¿' / 'Ñ\x82' (Cyrillic as cp1252), 'Р°' / 'С‚' (as cp1251)
_MOJIBAKE = re.compile(r"[ÃÂ][\u0080-\u00bf]|[ÐÑ][\u0080-\u00bf]|[РС][\u0080-\u00bf\u0400-\u045f\u2018-\u203a]")


def _cyrillic_code_page(raw: bytes) -> str:
    """cp1251 (Russian Excel) or cp1250 (Polish Excel), told apart by the letters they give."""
    text = raw.decode("cp1251", errors="replace")
    words = _WORD.findall(text)
    mixed = sum(1 for w in words if _LATIN.search(w) and _CYRILLIC.search(w))
    cyrillic = sum(1 for w in words if _CYRILLIC.search(w) and not _LATIN.search(w))
    return "cp1250" if mixed > cyrillic else "cp1251"


# Polish letters of cp1250 that Western European text in cp1252 does not give (ą ł ś ź ż are ¹ ³ œ Ÿ ¿ there,
# while ń ć ę are ñ æ ê), and the other letters of cp1250 (Czech, Slovak, Hungarian, Romanian) that a
# Western European cp1252 text turns into (à -> ŕ, è -> č, ì -> ě, ò -> ň, ù -> ů ...).
_POLISH = set("ąłśźżĄŁŚŹŻ")
_NOT_POLISH = set("ŕčěňůűăőĺřťďľşţŔČĚŇŮŰĂŐĹŘŤĎĽŞŢ")


def _polish(raw: bytes) -> bool:
    """cp1250 text that is Polish: Polish letters, and none of the letters only other languages use."""
    letters = set(raw.decode("cp1250", errors="replace"))
    return bool(letters & _POLISH) and not letters & _NOT_POLISH


def _looks_binary(raw: bytes) -> bool:
    sample = raw[:4096]
    if not sample:
        return False
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13, 12))
    return controls / len(sample) > 0.05


def decode(raw: bytes, name: str, encoding: str | None = None) -> TextTable:
    """Decode the bytes of a text export; refuse what cannot be decoded for sure.

    Examples
    --------
    >>> decode("a;b\\n1;2\\n".encode("utf-8-sig"), "x.csv").encoding
    'utf-8'
    >>> decode(b"", "x.csv")
    Traceback (most recent call last):
    ...
    nps_toolkit._textfiles.FileError: cannot read 'x.csv': the file is empty
    """
    if _CONTENT.search(raw) is None:  # (finds the first byte that is not a blank: no copy of the file)
        raise FileError(f"cannot read {name!r}: the file is empty")
    if encoding is not None:
        try:
            return TextTable(_lines(raw.decode(encoding)), encoding)
        except LookupError:
            raise FileError(f"cannot read {name!r}: unknown encoding {encoding!r}") from None
        except UnicodeDecodeError as exc:
            raise FileError(f"cannot read {name!r} as {encoding}: byte {raw[exc.start:exc.start + 1]!r} at offset "
                            f"{exc.start} is not {encoding} text; leave encoding= unset to detect it") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a byte-order mark (Excel "Unicode text", Qualtrics TSV)
        try:
            return TextTable(_lines(raw.decode("utf-16")), "utf-16")
        except UnicodeDecodeError:
            raise FileError(f"cannot read {name!r}: it starts as UTF-16 text but does not decode as UTF-16 "
                            f"(a truncated or damaged file?)") from None
    if raw.startswith(b"PK\x03\x04"):
        raise FileError(f"cannot read {name!r}: it is a zip archive, not a text file; an Excel workbook must be "
                        f"named .xlsx, other archives must be unpacked first")
    if _looks_binary(raw):
        raise FileError(f"cannot read {name!r}: it holds binary data, not text; export the survey as CSV, "
                        f"Excel (.xlsx), SPSS (.sav) or Parquet")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start >= len(raw) - 3 and exc.reason == "unexpected end of data":
            raise FileError(f"cannot read {name!r}: it ends in the middle of a UTF-8 character, so the file looks "
                            f"truncated; export it again") from None
        return _code_page(raw, name)
    _refuse_mojibake(text, name)
    return TextTable(_lines(text), "utf-8")


def _code_page(raw: bytes, name: str) -> TextTable:
    """Text that is not UTF-8: Russian or Polish Excel's code page when that is certain, else refused."""
    from charset_normalizer import from_bytes

    best = from_bytes(raw[:1 << 20]).best()
    found = best.encoding if best is not None else None
    aliases = {"windows_1251": "cp1251", "cp1251": "cp1251", "windows_1250": "cp1250", "cp1250": "cp1250"}
    ours = _cyrillic_code_page(raw)
    if ours == "cp1250" and not _polish(raw):
        ours = None  # Western European text (cp1252) reads as cp1250 too, with wrong letters: ñ as ń, è as č
    if ours is not None and found is not None and aliases.get(found.replace("-", "_").lower()) in ("cp1251",
                                                                                                    "cp1250"):
        encoding = ours
    elif ours is None or found is None or _CYRILLIC.search(raw.decode("cp1251", errors="replace")) is None:
        if found is not None and aliases.get(found.replace("-", "_").lower()) in ("cp1250", "cp1251"):
            found = "cp1252"
        shown = {"cp1252": "cp1252 (Western European)", "latin_1": "latin-1 (Western European)",
                 "iso8859_1": "latin-1 (Western European)", "iso8859_2": "iso8859-2 (Central European)",
                 "mac_roman": "mac-roman"}.get((found or "").lower(), found)
        how = f"it reads best as {shown}: pass encoding={(found or 'cp1252')!r} if that is right" if found else \
            "pass the encoding it was saved in, e.g. encoding='cp1252'"
        raise FileError(f"cannot read {name!r}: the text is not UTF-8; {how}, or save the file as UTF-8")
    else:
        encoding = ours
    try:
        return TextTable(_lines(raw.decode(encoding)), encoding)
    except UnicodeDecodeError:
        raise FileError(f"cannot read {name!r}: the text is neither UTF-8 nor {encoding}; pass the encoding it "
                        f"was saved in (encoding=...)") from None


def _refuse_mojibake(text: str, name: str) -> None:
    """UTF-8 text whose letters are UTF-8 read as a one-byte code page ('ÐŸÑ€Ð¸' for 'При')."""
    sample = text[:_SNIFF_CHARS * 4]
    hits = _MOJIBAKE.findall(sample)
    if len(hits) < 3:
        return
    for page in ("cp1252", "cp1251", "latin-1"):
        try:
            repaired = sample.encode(page).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if len(_MOJIBAKE.findall(repaired)) < len(hits) / 4:
            where = _MOJIBAKE.search(sample).start()
            shown = sample[max(0, where - 10):where + 20].replace("\n", " ")
            raise FileError(f"cannot read {name!r}: its text is garbled (mojibake such as {shown!r}): UTF-8 text "
                            f"was read as {page} and saved again; export the survey again as UTF-8, or repair it "
                            f"with text.encode({page!r}).decode('utf-8')")


def _lines(text: str) -> str:
    """One kind of line end: CR LF and lone CR (old Mac files) become LF."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def sniff(text: str, name: str, suffix: str) -> tuple[str, str | None]:
    """(text without an Excel ``sep=`` line, delimiter) of a text export.

    The delimiter splits the first rows into rows of equal width, widest
    first. A file whose header is one column is read as one column.
    """
    end = text.find("\n")
    hint = (text if end < 0 else text[:end]).strip().strip('"')
    if len(hint) == 5 and hint.lower().startswith("sep="):  # Excel's "sep=;" first line
        return ("" if end < 0 else text[end + 1:]), hint[4]
    if suffix == ".tsv":
        return text, "\t"
    head = text[:_SNIFF_CHARS]
    best, best_key = None, None
    for rank, delim in enumerate(DELIMITERS):
        try:
            rows = [r for r in itertools.islice(csv.reader(_io.StringIO(head), delimiter=delim), _SNIFF_ROWS) if r]
        except csv.Error:
            continue
        if len(rows) > 1 and len(head) == _SNIFF_CHARS:
            rows = rows[:-1]  # the last row may be cut by the sample
        if not rows:
            continue
        widths = [len(r) for r in rows]
        header = widths[0]
        if header < 2:
            continue
        consistent = min(widths) == max(widths)
        share = sum(w == header for w in widths) / len(widths)
        key = (consistent, share, header, -rank)
        if best_key is None or key > best_key:
            best, best_key = delim, key
    return text, best


def check_widths(text: str, delimiter: str | None, name: str, encoded: bytes | None = None) -> None:
    """Refuse rows whose number of fields differs from the header's (another delimiter, a lost quote).

    With ``delimiter`` None the file has one column: rows holding a
    delimiter are refused unless every one of them is a number with a
    decimal comma (``9,0``). Fields are counted on the bytes at once: a
    delimiter or line end counts only outside quotes (an even number of
    ``"`` before it, as CSV doubles the quotes inside a quoted field).
    """
    if delimiter is None:
        _check_one_column(text, name)
        return
    if _widths_agree(text, delimiter, encoded):
        return
    widths, lines = _widths(text, delimiter, name, encoded)
    if not len(widths):
        return
    header = widths[0]
    bad = np.flatnonzero((widths != header) & (widths != 0))
    if len(bad):
        shown = ", ".join(f"line {int(lines[i])} has {int(widths[i])}" for i in bad[:5])
        more = f" and {len(bad) - 5} more lines differ" if len(bad) > 5 else ""
        others = [d for d in DELIMITERS if d != delimiter]
        raise FileError(f"cannot read {name!r}: the header has {header} fields separated by {_NAMES[delimiter]}, but "
                        f"{shown}{more}; such rows are written with another delimiter "
                        f"({' or '.join(_NAMES[d] for d in others)}) or have a lost quote. Fix those rows, or pass "
                        f"sep= if the delimiter is another one")


def first_rows_agree(text: str, delimiter: str) -> bool:
    """Whether the first rows of the file (quotes respected) have the header's number of fields."""
    head = text[:_SNIFF_CHARS]
    rows = []
    try:
        for row in csv.reader(_io.StringIO(head), delimiter=delimiter):
            if row:
                rows.append(len(row))
            if len(rows) > 6:
                break
    except csv.Error:
        return False
    if len(head) == _SNIFF_CHARS and len(rows) <= 6:
        rows = rows[:-1]  # the last row may be cut by the sample
    return len(set(rows)) <= 1


def _widths_agree(text: str, delimiter: str, encoded: bytes | None) -> bool:
    """A quick sufficient check for files without quotes: every line has the header's number of fields.

    True when the delimiters add up to the header's count on every non-blank line *and* no line has more
    fields than the header (the C parser refuses such a line, see :func:`parser_error`); then no line can
    have fewer either. False means "count line by line".
    """
    if text.find('"') >= 0:
        return False
    first = [line for line in text[:1 << 16].split("\n")[:6] if line]
    expected = first[0].count(delimiter)
    if any(line.count(delimiter) != expected for line in first[:-1]):  # the first data rows (C parser: index)
        return False
    data = text.encode("utf-8") if encoded is None else encoded
    if not data:
        return True
    records = data.count(b"\n") + (not data.endswith(b"\n"))  # each line end closes a record
    if b"\n\n" in data or data.startswith(b"\n"):  # blank lines are no records
        raw = np.frombuffer(data, dtype=np.uint8) == 10
        records -= int(np.count_nonzero(raw[1:] & raw[:-1])) + bool(raw[0])
    return data.count(delimiter.encode("utf-8")) == expected * records


def parser_error(exc: Exception, name: str) -> FileError:
    """pandas' "Expected 3 fields in line 7, saw 4" in the words of :func:`check_widths`."""
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
    if found is None:
        return FileError(f"cannot read {name!r}: {exc}")
    header, line, saw = found.groups()
    return FileError(f"cannot read {name!r}: the header has {header} fields, but line {line} has {saw}; such rows "
                     f"are written with another delimiter or have a lost quote. Fix those rows, or pass sep= if the "
                     f"delimiter is another one")


def _widths(text: str, delimiter: str, name: str, encoded: bytes | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(fields per record, 0 for a blank line; the line number where each record starts).

    ``encoded`` is ``text`` as UTF-8, when the caller has it already.
    """
    raw = np.frombuffer(text.encode("utf-8") if encoded is None else encoded, dtype=np.uint8)
    if not len(raw):
        return np.empty(0, np.int64), np.empty(0, np.int64)
    newlines = np.flatnonzero(raw == 10)
    delims = np.flatnonzero(raw == ord(delimiter))
    ends = newlines
    if text.find('"') >= 0:  # keep the delimiters and line ends outside quotes: an even number of quotes before
        quotes = np.flatnonzero(raw == 34)
        if len(quotes) % 2:
            line = int(np.searchsorted(newlines, quotes[-1])) + 1
            raise FileError(f"cannot read {name!r}: a quote opened on line {line} or before is never closed; "
                            f"the file looks cut short or has a stray quote")
        ends = newlines[np.searchsorted(quotes, newlines) % 2 == 0]
        delims = delims[np.searchsorted(quotes, delims) % 2 == 0]
    if not len(ends) or ends[-1] != len(raw) - 1:
        ends = np.append(ends, len(raw))  # the last record has no line end
    starts = np.concatenate([[0], ends[:-1] + 1])
    # delimiters up to each record's end, less those up to the end before (no delimiter sits on a line end)
    fields = np.diff(np.concatenate([[0], np.searchsorted(delims, ends)])) + 1
    fields[ends == starts] = 0  # blank lines
    return fields, np.searchsorted(newlines, starts) + 1


_DECIMAL = re.compile(r"^\s*[+-]?\d+,\d+\s*$")


def _check_one_column(text: str, name: str) -> None:
    lines = text.split("\n")
    for delim in DELIMITERS:
        holding = [(i + 1, line) for i, line in enumerate(lines[1:], start=1) if delim in line]
        if not holding:
            continue
        if delim == "," and all(_DECIMAL.match(line.strip('"')) for _, line in holding):
            continue  # one column of numbers with a decimal comma: 9,0
        shown = ", ".join(f"line {i} ({line[:40]!r})" for i, line in holding[:5])
        raise FileError(f"cannot read {name!r}: the header has one column, but {shown} hold {_NAMES[delim]}; "
                        f"fix the header, or pass sep= to say which delimiter the file uses")
