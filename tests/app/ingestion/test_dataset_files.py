"""Dataset file reading: JSON, JSON lines and CSV detected from content, damaged rows rejected with line numbers."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from app.errors import DatasetFormatError, InvalidInput, JobPoolError
from app.ingestion.files import DatasetFile, read_dataset_file, read_dataset_items
from app.ingestion.normalizers import normalize_items
from tests.support.paths import DATASETS


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# ---- JSON -----------------------------------------------------------------------------------------------------------
def test_json_array_with_bom_and_crlf(tmp_path: Path) -> None:
    raw = (
        '[\r\n  {"title": "Cook", "company": "Orchard Labs"},\r\n  {"title": "Baker", "company": "Quillwork"}\r\n]\r\n'
    )
    dataset = read_dataset_file(write(tmp_path, "export.json", b"\xef\xbb\xbf" + raw.encode()))
    assert dataset == DatasetFile(
        items=[{"title": "Cook", "company": "Orchard Labs"}, {"title": "Baker", "company": "Quillwork"}],
        format="json",
        rejected=[],
    )


def test_raw_tabs_and_newlines_inside_json_strings_are_accepted(tmp_path: Path) -> None:
    dataset = read_dataset_file(write(tmp_path, "export.json", '[{"title": "Cook\tII", "description": "a\nb"}]'))
    assert dataset.items == [{"title": "Cook\tII", "description": "a\nb"}]


def test_single_object_holding_items() -> None:
    dataset = read_dataset_file(DATASETS / "dataset_object.json")
    assert dataset.format == "json"
    assert [item["title"] for item in dataset.items] == ["Solutions Engineer", "Sales Engineer"]


@pytest.mark.parametrize(
    ("document", "titles"),
    [
        ({"data": {"items": [{"title": "A"}, {"title": "B"}], "total": 2}}, ["A", "B"]),
        ({"data": [{"title": "A"}]}, ["A"]),
        ({"title": "Only one", "company": "Hooli"}, ["Only one"]),
    ],
)
def test_other_single_object_shapes(tmp_path: Path, document: dict, titles: list[str]) -> None:
    dataset = read_dataset_file(write(tmp_path, "one.json", json.dumps(document, indent=2)))
    assert [item["title"] for item in dataset.items] == titles


def test_truncated_array_keeps_the_complete_items() -> None:
    dataset = read_dataset_file(DATASETS / "truncated_array.json")
    assert [item["positionName"] for item in dataset.items] == ["Barista", "Cashier"]
    assert [(r.index, r.reason) for r in dataset.rejected] == [
        (12, "line 12: the item is cut off (the file ends in the middle of it)")
    ]
    assert "Store Manager" in dataset.rejected[0].excerpt


def test_broken_element_in_the_middle_of_an_array_is_skipped(tmp_path: Path) -> None:
    raw = (
        '[\n  {"title": "A", "company": "X"},\n  {"title": "B", "company": oops},\n'
        '  {"title": "C", "company": "Z"}\n]\n'
    )
    dataset = read_dataset_file(write(tmp_path, "export.json", raw))
    assert [item["title"] for item in dataset.items] == ["A", "C"]
    assert len(dataset.rejected) == 1
    assert dataset.rejected[0].reason.startswith("line 3: not valid JSON")


def test_content_after_the_array_is_reported(tmp_path: Path) -> None:
    dataset = read_dataset_file(write(tmp_path, "export.json", '[{"title": "A"}]\n[{"title": "B"}]\n'))
    assert dataset.items == [{"title": "A"}]
    assert [(r.index, r.reason) for r in dataset.rejected] == [
        (2, "line 2: more content after the end of the JSON array; it was not read")
    ]


def test_broken_multiline_object_without_items_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(DatasetFormatError, match="not valid JSON"):
        read_dataset_file(write(tmp_path, "broken.json", '{\n  "title": "A",\n  "company": \n}\n'))


# ---- JSON lines -----------------------------------------------------------------------------------------------------
def test_json_lines_with_crlf_blank_lines_a_broken_line_and_a_cut_off_last_line() -> None:
    dataset = read_dataset_file(DATASETS / "broken_lines.jsonl")
    assert dataset.format == "jsonl"
    assert [item["key"] for item in dataset.items] == ["a1", "a2", "a3"]
    assert [(r.index, r.reason) for r in dataset.rejected] == [
        (4, "line 4: not valid JSON (Expecting property name enclosed in double quotes)"),
        (7, "line 7: the item is cut off (the file ends in the middle of it)"),
    ]
    assert dataset.rejected[0].excerpt == '{"key": "a-broken", "title": "Welder", employer: nope}'


def test_json_lines_are_recognised_whatever_the_extension(tmp_path: Path) -> None:
    raw = '{"title": "A", "company": "X"}\n{"title": "B", "company": "Y"}\n'
    assert read_dataset_file(write(tmp_path, "export.json", raw)).format == "jsonl"
    assert read_dataset_file(write(tmp_path, "export.csv", raw)).format == "jsonl"
    first_line_broken = '{"title": "A", "comp\n{"title": "B", "company": "Y"}\n'
    dataset = read_dataset_file(write(tmp_path, "export.jsonl", first_line_broken))
    assert (dataset.format, len(dataset.items), [r.index for r in dataset.rejected]) == ("jsonl", 1, [1])


def test_json_lines_that_are_not_objects_reach_the_normalizer(tmp_path: Path) -> None:
    items = read_dataset_file(write(tmp_path, "export.jsonl", '{"title": "A", "company": "X"}\n[1, 2]\n"text"\n')).items
    batch = normalize_items(items)
    assert [r.reason for r in batch.rejected] == ["item is a list, not an object", "item is a string, not an object"]


# ---- CSV ------------------------------------------------------------------------------------------------------------
def test_jobspy_csv_values_arrive_as_strings() -> None:
    dataset = read_dataset_file(DATASETS / "jobspy.csv")
    assert dataset.format == "csv"
    assert dataset.rejected == []
    assert len(dataset.items) == 19
    first = dataset.items[0]
    assert isinstance(first, dict)
    assert (first["site"], first["min_amount"], first["is_remote"], first["job_level"]) == (
        "linkedin",
        "140000.0",
        "False",
        "nan",
    )
    assert first["listing_type"] is None
    assert first["description"].count("\n") > 5
    assert '"simple"' in first["description"]


def test_apify_csv_export_with_bom_crlf_multiline_cells_and_flattened_columns() -> None:
    dataset = read_dataset_file(DATASETS / "apify_export_flattened.csv")
    assert dataset.format == "csv"
    assert [item["key"] for item in dataset.items] == ["c1", "c2", "c4"]
    assert [(r.index, r.reason) for r in dataset.rejected] == [(7, "line 7: 16 cells where the header has 14")]
    first, second, third = dataset.items
    assert first["description"]["text"] == (
        'We build "boring", reliable systems.\r\nYou will:\r\n- own services\r\n- write Go'
    )
    assert first["employer"] == {"name": "Sable Systems"}
    assert first["baseSalary"] == {"min": "120000", "max": "140000", "unitOfWork": "YEAR", "currencyCode": "USD"}
    assert second["location"] is None
    assert third["title"] == "Analyst, Risk"
    jobs = normalize_items(dataset.items).jobs
    assert [job.metadata["schema"] for job in jobs] == ["indeed-valig"] * 3
    assert jobs[0].description == 'We build "boring", reliable systems.\nYou will:\n- own services\n- write Go'


def test_csv_in_the_windows_code_page_with_semicolons() -> None:
    dataset = read_dataset_file(DATASETS / "excel_semicolon_cp1252.csv")
    assert dataset.items == [
        {
            "site": "indeed",
            "title": "Ingénieur logiciel",
            "company": "Société Générale Café",
            "location": "Paris, Île-de-France",
            "min_amount": "50000",
            "max_amount": "60000",
            "interval": "yearly",
            "currency": "EUR",
            "is_remote": "False",
            "date_posted": "2026-11-15",
        }
    ]


def test_csv_shapes(tmp_path: Path) -> None:
    raw = "title,company,title,\nCook,Orchard Labs,Chef,x\nBaker,Quillwork,,,\nWaiter,Hooli\n,,,\n"
    dataset = read_dataset_file(write(tmp_path, "export.txt", raw))
    assert dataset.items == [
        {"title": "Cook", "company": "Orchard Labs", "title_2": "Chef", "column_4": "x"},
        {"title": "Baker", "company": "Quillwork", "title_2": None, "column_4": None},
    ]
    assert [(r.index, r.reason) for r in dataset.rejected] == [(4, "line 4: 2 cells where the header has 4")]


def test_csv_with_only_a_header_has_no_items(tmp_path: Path) -> None:
    dataset = read_dataset_file(write(tmp_path, "export.csv", "title,company\r\n"))
    assert (dataset.items, dataset.format, dataset.rejected) == ([], "csv", [])


def test_csv_cell_larger_than_the_default_csv_limit(tmp_path: Path) -> None:
    big = "x" * 300_000
    dataset = read_dataset_file(write(tmp_path, "export.csv", f'title,company,description\nCook,Hooli,"{big}"\n'))
    assert dataset.items[0]["description"] == big


# ---- other encodings and containers ---------------------------------------------------------------------------------
def test_gzip_and_utf16_files(tmp_path: Path) -> None:
    raw = '[{"title": "Cook", "company": "Café Lumen"}]'
    assert read_dataset_file(write(tmp_path, "export.json.gz", gzip.compress(raw.encode()))).items[0]["company"] == (
        "Café Lumen"
    )
    assert read_dataset_file(write(tmp_path, "export.json", raw.encode("utf-16"))).items[0]["company"] == "Café Lumen"


def test_read_dataset_items_convenience() -> None:
    items, rejected, file_format = read_dataset_items(DATASETS / "indeed_valig.jsonl")
    assert (len(items), rejected, file_format) == (20, [], "jsonl")


# ---- files that are not datasets ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"  \r\n\n  ", "is empty"),
        (b"\xef\xbb\xbf", "is empty"),
        (bytes(range(256)) * 8, "binary"),
        (b"PK\x03\x04" + b"\x00" * 100, "Excel workbook"),
        (b"%PDF-1.7\n", "PDF"),
        (b"<!DOCTYPE html><html><body>Jobs</body></html>", "web page"),
        (b'<?xml version="1.0"?><jobs/>', "XML"),
        (b"Dear hiring manager\nI would like to apply\n", "neither JSON nor a CSV"),
        (b'"just a string"', "neither JSON nor a CSV"),
        (b"\x1f\x8bnot really gzip", "damaged gzip"),
    ],
)
def test_not_a_dataset(tmp_path: Path, content: bytes, message: str) -> None:
    with pytest.raises(DatasetFormatError, match=message) as raised:
        read_dataset_file(write(tmp_path, "upload.json", content))
    assert isinstance(raised.value, JobPoolError)
    assert "Expected an Apify dataset export or a JobSpy CSV" in raised.value.message


def test_random_binary_file(tmp_path: Path) -> None:
    with pytest.raises(DatasetFormatError, match="binary"):
        read_dataset_file(write(tmp_path, "random.bin", os.urandom(4096).replace(b"[", b"").replace(b"{", b"")))


def test_html_fixture_is_not_a_dataset() -> None:
    with pytest.raises(DatasetFormatError, match=r"not_a_dataset\.html looks like a web page"):
        read_dataset_file(DATASETS / "not_a_dataset.html")


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="No such file"):
        read_dataset_file(tmp_path / "nowhere.json")
    with pytest.raises(InvalidInput, match="is a folder"):
        read_dataset_file(tmp_path)
