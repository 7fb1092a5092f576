"""Dataset files read as a stream: memory stays bounded however big the export (or what its gzip unpacks to).

Files that unpack to at most IN_MEMORY_BYTES are parsed whole by app.ingestion.files (which can salvage damaged
exports and guess legacy encodings). Bigger ones are streamed: a JSON array item by item with ijson (its C backend
builds items without recursion, so deep nesting cannot overflow the stack), JSON lines and CSV line by line. Whatever
the path, a gzip archive is never unpacked past MAX_DECOMPRESSED_BYTES.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import ijson

from app.errors import DatasetFormatError, InvalidInput
from app.ingestion import files
from app.ingestion.records import Rejection

IN_MEMORY_BYTES = 32 << 20
_PIECE = 1 << 20


@dataclass
class DatasetStream:
    """A dataset file being read: its format, its items page by page, and the rows rejected so far."""

    format: str
    _items: Iterator[object]
    rejected: list[Rejection] = field(default_factory=list)

    def pages(self, size: int) -> Iterator[list[object]]:
        """The items in lists of at most `size`."""
        page: list[object] = []
        for item in self._items:
            page.append(item)
            if len(page) >= size:
                yield page
                page = []
        if page:
            yield page


class _Capped(io.RawIOBase):
    """A byte stream that refuses to deliver more than MAX_DECOMPRESSED_BYTES (read at call time)."""

    def __init__(self, head: bytes, rest: BinaryIO, name: str) -> None:
        self._head = memoryview(head)
        self._rest = rest
        self._name = name
        self._delivered = 0

    def readable(self) -> bool:
        """Always: this is a reader."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Fill the buffer from the head read ahead, then from the rest of the file."""
        if self._head:
            count = min(len(buffer), len(self._head))
            buffer[:count] = self._head[:count]
            self._head = self._head[count:]
        else:
            try:
                data = self._rest.read(len(buffer))
            except (OSError, EOFError, zlib.error):
                raise DatasetFormatError(f"{self._name} is a damaged gzip archive. {files.EXPECTED}") from None
            count = len(data)
            buffer[:count] = data
        self._delivered += count
        if self._delivered > files.MAX_DECOMPRESSED_BYTES:
            raise DatasetFormatError(files.too_big_message(self._name))
        return count


def open_dataset(path: str | Path) -> DatasetStream:
    """Open a dataset file for reading, in memory when small, as a stream otherwise."""
    file_path = Path(path)
    try:
        handle = file_path.open("rb")
    except FileNotFoundError:
        raise InvalidInput(f"No such file: {file_path}.") from None
    except IsADirectoryError:
        raise InvalidInput(f"{file_path} is a folder, not a dataset file.") from None
    except OSError as error:
        raise InvalidInput(f"Cannot read {file_path}: {error.strerror or error}.") from None
    name = file_path.name
    packed = handle.peek(2)[:2] == b"\x1f\x8b"
    source: BinaryIO = gzip.GzipFile(fileobj=handle) if packed else handle  # type: ignore[assignment]
    try:
        head = source.read(IN_MEMORY_BYTES + 1)
    except (OSError, EOFError, zlib.error):
        source.close()
        raise DatasetFormatError(f"{name} is a damaged gzip archive. {files.EXPECTED}") from None
    if packed and len(head) > files.MAX_DECOMPRESSED_BYTES:
        source.close()
        raise DatasetFormatError(files.too_big_message(name))
    if len(head) <= IN_MEMORY_BYTES:
        source.close()
        dataset = files.parse_dataset_bytes(head, name=name)
        return DatasetStream(dataset.format, iter(dataset.items), list(dataset.rejected))
    return _streamed(head, source, name)


def _streamed(head: bytes, rest: BinaryIO, name: str) -> DatasetStream:
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8) :]
    files.refuse_binary(head[:65_536], name)
    source = io.BufferedReader(_Capped(head, rest, name), buffer_size=_PIECE)
    first = head.lstrip()[:1]
    stream = DatasetStream("json", iter(()))
    if first == b"[":
        stream._items = _json_array(source, "item", stream.rejected)
    elif first == b"{":
        if _looks_like_json_lines(head):
            stream.format = "jsonl"
            stream._items = _json_lines(source, stream.rejected)
        else:
            stream._items = _json_array(source, "items.item", stream.rejected)
    elif first == b"<":
        source.close()
        raise DatasetFormatError(f"{name} looks like an XML or HTML document, not a dataset. {files.EXPECTED}")
    else:
        stream.format = "csv"
        stream._items = _csv_rows(source, name, stream.rejected)
    return stream


def _looks_like_json_lines(head: bytes) -> bool:
    first_line = head.lstrip().split(b"\n", 1)[0]
    try:
        json.loads(first_line)
    except RecursionError:
        return True  # a line nested too deeply is rejected on its own; the file is JSON lines
    except ValueError:
        return files.some_lines_parse(head[:65_536].decode("utf-8", errors="replace"))
    return True


def _json_array(source: BinaryIO, prefix: str, rejected: list[Rejection]) -> Iterator[object]:
    count = 0
    try:
        for item in ijson.items(source, prefix, use_float=True):
            count += 1
            yield item
    except ijson.JSONError as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else "not valid JSON"
        rejected.append(Rejection(count, f"after item {count}: not valid JSON ({reason}); the rest was not read"))
    finally:
        source.close()


def _json_lines(source: BinaryIO, rejected: list[Rejection]) -> Iterator[object]:
    try:
        for number, raw in enumerate(source, start=1):
            if len(raw) > files.MAX_ITEM_BYTES:
                rejected.append(
                    Rejection(number, f"line {number}: longer than {files.MAX_ITEM_BYTES >> 20} MB; skipped")
                )
                continue
            line = raw.decode("utf-8", errors="replace").strip()
            if not line:
                continue
            value, rejection = files.decode_json_line(number, line, cut_off=not raw.endswith(b"\n"))
            if rejection is not None:
                rejected.append(rejection)
            else:
                yield value
    finally:
        source.close()


def _csv_rows(source: BinaryIO, name: str, rejected: list[Rejection]) -> Iterator[object]:
    text = io.TextIOWrapper(source, encoding="utf-8", errors="replace", newline="")
    try:
        header_line = text.readline()
        delimiter = max(files.CSV_DELIMITERS, key=lambda candidate: files.unquoted_count(header_line, candidate))
        if files.unquoted_count(header_line, delimiter) == 0:
            raise DatasetFormatError(
                f"{name} is neither JSON nor a CSV with a header row of column names. {files.EXPECTED}"
            )
        header = files.header_names(next(csv.reader([header_line], delimiter=delimiter)))
        csv.field_size_limit(files.MAX_ITEM_BYTES)
        reader = csv.reader(text, delimiter=delimiter, escapechar=files.escapechar(header_line))
        previous_line = 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                rejected.append(Rejection(previous_line + 1, f"line {previous_line + 1}: broken CSV row ({error})"))
                previous_line = reader.line_num + 1
                continue
            start_line, previous_line = previous_line + 1, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            while len(row) > len(header) and not row[-1].strip():
                row.pop()
            if len(row) != len(header):
                reason = f"line {start_line}: {len(row)} cells where the header has {len(header)}"
                rejected.append(Rejection(start_line, reason))
                continue
            item = {key: (value if value != "" else None) for key, value in zip(header, row, strict=True)}
            yield files.unflatten(item) if any("/" in key for key in header) else item
    finally:
        text.close()
