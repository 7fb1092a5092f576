"""Read dataset files (Apify JSON / JSON lines / CSV exports, JobSpy CSV) into raw items."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.errors import DatasetFormatError, InvalidInput
from app.ingestion.normalize_text import excerpt
from app.ingestion.records import Rejection

FORMATS = ("json", "jsonl", "csv")
EXPECTED = "Expected an Apify dataset export or a JobSpy CSV: a JSON array, JSON lines, or a CSV with a header row."

_DECODER = json.JSONDecoder(strict=False)  # raw tabs and newlines inside strings are common in scraped text
_MAX_LINE_EXCERPT = 120
_CSV_DELIMITERS = (",", ";", "\t", "|")
_CSV_FIELD_LIMIT = 1 << 30
# What a dataset file may unpack to (a gzip "bomb" of 2 MB can unpack to gigabytes), and how big one item may be.
MAX_DECOMPRESSED_BYTES = 1 << 30
MAX_ITEM_BYTES = 16 << 20
_TOO_DEEP = "nested too deeply to be a job posting"
_NEXT_ARRAY_ELEMENT = re.compile(r"\n[ \t]{0,4}\{|\}\s*,\s*\{")
_ITEMS_ARRAY = re.compile(r'"items"\s*:\s*\[')
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
_BINARY_SIGNATURES = (
    (b"PK\x03\x04", "a ZIP archive or an Excel workbook (save it as CSV first)"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"SQLite format 3", "an SQLite database"),
    (b"\xd0\xcf\x11\xe0", "an old Excel or Word file (save it as CSV first)"),
)


@dataclass(frozen=True, slots=True)
class DatasetFile:
    """The raw items of a dataset file, its detected format, and the rows that could not even be parsed."""

    items: list[object]
    format: str
    rejected: list[Rejection] = field(default_factory=list)


def read_dataset_file(path: str | Path) -> DatasetFile:
    """Read a dataset file, detecting JSON, JSON lines or CSV from its content; rejections name line numbers."""
    file_path = Path(path)
    try:
        data = file_path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"No such file: {file_path}.") from None
    except IsADirectoryError:
        raise InvalidInput(f"{file_path} is a folder, not a dataset file.") from None
    except OSError as error:
        raise InvalidInput(f"Cannot read {file_path}: {error.strerror or error}.") from None
    return parse_dataset_bytes(data, name=file_path.name)


def read_dataset_items(path: str | Path) -> tuple[list[object], list[Rejection], str]:
    """(items, rows that could not be parsed, format) of a dataset file."""
    dataset = read_dataset_file(path)
    return dataset.items, dataset.rejected, dataset.format


def parse_dataset_bytes(data: bytes, name: str = "the file") -> DatasetFile:
    """Parse the bytes of a dataset export; raise DatasetFormatError when they are not a dataset at all."""
    text = _decode(data, name)
    stripped = text.lstrip()
    if not stripped:
        raise DatasetFormatError(f"{name} is empty. {EXPECTED}")
    first = stripped[0]
    try:
        if first == "[":
            return _parse_json_array(text)
        if first == "{":
            return _parse_json_object_or_lines(text, name)
    except RecursionError:
        raise DatasetFormatError(f"{name} is JSON {_TOO_DEEP} (thousands of levels). {EXPECTED}") from None
    if first == "<":
        kind = "an XML document" if stripped.startswith("<?xml") else "a web page (HTML)"
        raise DatasetFormatError(f"{name} looks like {kind}, not a dataset. {EXPECTED}")
    return _parse_csv(text, name)


# ---- decoding -------------------------------------------------------------------------------------------------------
def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"\x1f\x8b"):
        data = _gunzip(data, name)
    for signature, kind in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise DatasetFormatError(f"{name} is {kind}, not a dataset. {EXPECTED}")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    sample = data[:65_536]
    controls = sum(sample.count(bytes([code])) for code in range(32) if code not in (9, 10, 12, 13))
    if controls > max(8, len(sample) // 100):
        raise DatasetFormatError(f"{name} looks like a binary file, not text. {EXPECTED}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if _UTF8_MULTIBYTE.search(data) is None:
        return data.decode("cp1252", errors="replace")  # a spreadsheet saved in the Windows code page
    return data.decode("utf-8", errors="replace")  # UTF-8 with a few damaged bytes: keep the rest readable


def refuse_binary(sample: bytes, name: str) -> None:
    """Raise DatasetFormatError when the first bytes of a file show it is not text (an archive, a PDF, ...)."""
    _decode(sample, name)


def too_big_message(name: str) -> str:
    """The one-line refusal of an archive that unpacks to more than MAX_DECOMPRESSED_BYTES."""
    return (
        f"{name} unpacks to more than {MAX_DECOMPRESSED_BYTES / (1 << 30):g} GiB; that is not a dataset export "
        "JobPool reads (split it, or unpack only the part you need)."
    )


def _gunzip(data: bytes, name: str) -> bytes:
    """Decompress gzip data, refusing to unpack more than MAX_DECOMPRESSED_BYTES."""
    parts: list[bytes] = []
    size = 0
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as archive:
            while part := archive.read(1 << 20):
                size += len(part)
                if size > MAX_DECOMPRESSED_BYTES:
                    raise DatasetFormatError(too_big_message(name))
                parts.append(part)
    except (OSError, EOFError, zlib.error):
        raise DatasetFormatError(f"{name} is a damaged gzip archive. {EXPECTED}") from None
    return b"".join(parts)


# ---- JSON -----------------------------------------------------------------------------------------------------------
def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _json_rejection(text: str, start: int, end: int, error: json.JSONDecodeError) -> Rejection:
    line = _line_of(text, start)
    if error.pos >= len(text.rstrip()) - 1:
        reason = f"line {line}: the item is cut off (the file ends in the middle of it)"
    else:
        reason = f"line {line}: not valid JSON ({error.msg})"
    return Rejection(line, reason, excerpt(text[start : min(end, start + _MAX_LINE_EXCERPT * 2)], _MAX_LINE_EXCERPT))


def _parse_json_array(text: str) -> DatasetFile:
    try:
        document = _DECODER.decode(text)
    except json.JSONDecodeError as error:
        if not error.msg.startswith("Extra data"):
            return _salvage_array(text, text.index("[") + 1)
        document, _end = _DECODER.raw_decode(text, text.index("["))
        line = _line_of(text, error.pos)
        trailing = Rejection(
            line,
            f"line {line}: more content after the end of the JSON array; it was not read",
            excerpt(text[error.pos : error.pos + _MAX_LINE_EXCERPT * 2], _MAX_LINE_EXCERPT),
        )
        return DatasetFile(items=list(document), format="json", rejected=[trailing])
    return DatasetFile(items=list(document), format="json")


def _salvage_array(text: str, position: int) -> DatasetFile:
    """Decode a damaged array element by element, skipping to the next element after each broken one."""
    items: list[object] = []
    rejected: list[Rejection] = []
    end = len(text)
    while position < end:
        while position < end and text[position] in " \t\r\n,":
            position += 1
        if position >= end or text[position] == "]":
            break
        try:
            value, position = _DECODER.raw_decode(text, position)
        except json.JSONDecodeError as error:
            resume = _NEXT_ARRAY_ELEMENT.search(text, max(error.pos, position + 1))
            rejected.append(_json_rejection(text, position, resume.start() if resume else end, error))
            if resume is None:
                break
            position = resume.end() - 1
            continue
        items.append(value)
    return DatasetFile(items=items, format="json", rejected=rejected)


def _parse_json_object_or_lines(text: str, name: str) -> DatasetFile:
    try:
        document = _DECODER.decode(text)
    except RecursionError:
        if "\n" in text.strip():
            return _parse_json_lines(text)  # one line nested too deeply: that line is rejected, the rest read
        raise
    except json.JSONDecodeError as error:
        if error.msg.startswith("Extra data") or _some_lines_parse(text):
            return _parse_json_lines(text)
        return _salvage_document(text, name, error)
    return DatasetFile(items=_items_of(document), format="json")


def _some_lines_parse(text: str, probe: int = 5) -> bool:
    """True when any of the first few lines is a JSON value of its own, i.e. the file is JSON lines."""
    lines = [line for line in text.split("\n", 50)[:50] if line.strip()][:probe]
    for line in lines:
        try:
            _DECODER.decode(line)
        except (json.JSONDecodeError, RecursionError):
            continue
        return True
    return False


def _items_of(document: dict[str, Any]) -> list[object]:
    """The items of a single JSON object: its "items" (or {"data": {"items": ...}}) list, else the object itself."""
    for holder in (document, document.get("data")):
        if isinstance(holder, dict) and isinstance(holder.get("items"), list):
            return list(holder["items"])
    if isinstance(document.get("data"), list):
        return list(document["data"])
    return [document]


def _salvage_document(text: str, name: str, error: json.JSONDecodeError) -> DatasetFile:
    """A multi-line JSON object that does not parse: rescue its "items" array if it has one."""
    found = _ITEMS_ARRAY.search(text)
    if found is None:
        line = _line_of(text, error.pos)
        raise DatasetFormatError(f"{name} is not valid JSON ({error.msg} at line {line}). {EXPECTED}")
    return _salvage_array(text, found.end())


def decode_json_line(number: int, line: str, *, cut_off: bool = False) -> tuple[object, Rejection | None]:
    """(value, None) for a readable JSON line; (None, rejection) for one broken, too big or nested too deeply."""
    shown = excerpt(line[: _MAX_LINE_EXCERPT * 2], _MAX_LINE_EXCERPT)
    if len(line) > MAX_ITEM_BYTES:
        return None, Rejection(number, f"line {number}: longer than {MAX_ITEM_BYTES >> 20} MB; skipped", shown)
    try:
        return _DECODER.decode(line), None
    except RecursionError:
        return None, Rejection(number, f"line {number}: {_TOO_DEEP}", shown)
    except json.JSONDecodeError as error:
        if cut_off:
            reason = f"line {number}: the item is cut off (the file ends in the middle of it)"
        else:
            reason = f"line {number}: not valid JSON ({error.msg})"
        return None, Rejection(number, reason, shown)


def _parse_json_lines(text: str) -> DatasetFile:
    items: list[object] = []
    rejected: list[Rejection] = []
    lines = text.split("\n")
    last_filled = max((number for number, line in enumerate(lines) if line.strip()), default=-1)
    ends_cleanly = text.endswith("\n")
    for number, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        value, rejection = decode_json_line(number + 1, line, cut_off=number == last_filled and not ends_cleanly)
        if rejection is not None:
            rejected.append(rejection)
        else:
            items.append(value)
    return DatasetFile(items=items, format="jsonl", rejected=rejected)


# ---- CSV ------------------------------------------------------------------------------------------------------------
def _unquoted_count(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


def _header_names(row: list[str]) -> list[str]:
    names: list[str] = []
    seen: dict[str, int] = {}
    for position, cell in enumerate(row):
        name = cell.strip().strip("\ufeff") or f"column_{position + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        names.append(name)
    return names


def _escapechar(header_line: str) -> str | None:
    """JobSpy writes its CSVs with escapechar="\\" (`R\\&D`, `bac\\+5`): read them back with the same setting."""
    names = {name.strip().strip('"').lower() for name in re.split(r"[,;\t|]", header_line)}
    return "\\" if {"job_url", "site"} <= names and ("job_url_direct" in names or "min_amount" in names) else None


def _parse_csv(text: str, name: str) -> DatasetFile:
    header_line = text.lstrip().split("\n", 1)[0]
    delimiter = max(_CSV_DELIMITERS, key=lambda candidate: _unquoted_count(header_line, candidate))
    if _unquoted_count(header_line, delimiter) == 0:
        raise DatasetFormatError(f"{name} is neither JSON nor a CSV with a header row of column names. {EXPECTED}")
    csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, escapechar=_escapechar(header_line))
    header: list[str] | None = None
    items: list[object] = []
    rejected: list[Rejection] = []
    previous_line = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            rejected.append(Rejection(previous_line + 1, f"line {previous_line + 1}: broken CSV row ({error})"))
            previous_line = reader.line_num
            continue
        start_line, previous_line = previous_line + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = _header_names(row)
            if any(len(cell) > 200 for cell in header):
                raise DatasetFormatError(f"{name}: the first row does not look like column names. {EXPECTED}")
            continue
        while len(row) > len(header) and not row[-1].strip():
            row.pop()  # trailing delimiters some spreadsheet tools add
        if len(row) != len(header):
            shown = excerpt(delimiter.join(row)[: _MAX_LINE_EXCERPT * 2], _MAX_LINE_EXCERPT)
            reason = f"line {start_line}: {len(row)} cells where the header has {len(header)}"
            rejected.append(Rejection(start_line, reason, shown))
            continue
        items.append({key: (value if value != "" else None) for key, value in zip(header, row, strict=True)})
    if header is None:
        raise DatasetFormatError(f"{name} has no CSV header row. {EXPECTED}")
    if any("/" in key for key in header):
        items = [_unflatten(item) for item in items]  # type: ignore[arg-type]
    return DatasetFile(items=items, format="csv", rejected=rejected)


def _unflatten(row: dict[str, Any]) -> dict[str, Any]:
    """Rebuild nested fields from Apify's flattened CSV columns ("employer/name", "jobType/0")."""
    nested: dict[str, Any] = {}
    for key, value in row.items():
        parts = key.split("/")
        node: dict[str, Any] | None = nested if all(parts) else None
        for part in parts[:-1]:
            if node is None:
                break
            child = node.get(part)
            if child is None:
                child = node[part] = {}
            node = child if isinstance(child, dict) else None
        if node is None:
            nested[key] = value  # a column that clashes with a plain one stays flat
        elif not isinstance(node.get(parts[-1]), dict):
            node[parts[-1]] = value
    return {key: _collapse(value) for key, value in nested.items()}


def _collapse(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    children = {key: _collapse(child) for key, child in value.items()}
    if all(child is None for child in children.values()):
        return None
    if children and all(key.isdigit() for key in children):
        ordered = [children[key] for key in sorted(children, key=int)]
        return [child for child in ordered if child is not None]
    return children


# Shared with the streaming reader (app.ingestion.file_stream).
CSV_DELIMITERS = _CSV_DELIMITERS
unquoted_count = _unquoted_count
header_names = _header_names
unflatten = _unflatten
escapechar = _escapechar
some_lines_parse = _some_lines_parse
