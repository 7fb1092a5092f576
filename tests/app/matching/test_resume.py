"""Reading resumes from .txt / .md / .pdf files, with clear messages for files that cannot be used."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfWriter

from app.errors import InvalidInput
from app.matching.resume import MAX_RESUME_CHARS, clean_resume_text, read_resume_file


def text_pdf(path: Path, lines: list[str]) -> Path:
    """A one-page PDF with a real text layer (Helvetica), written byte by byte with a correct xref table."""
    stream = (
        "BT /F1 11 Tf 72 740 Td 14 TL "
        + " ".join("(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '" for line in lines)
        + " ET"
    )
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(out)
    return path


def test_text_and_markdown_files(tmp_path):
    txt = tmp_path / "cv.txt"
    txt.write_text("Dana Kowalski\r\n\r\n\r\n\r\nPython, Django   \r\n", encoding="utf-8")
    assert read_resume_file(txt) == "Dana Kowalski\n\nPython, Django"
    md = tmp_path / "cv.MD"
    md.write_text("# Dana\n\n- Kubernetes\n- PostgreSQL\n", encoding="utf-8")
    assert read_resume_file(md) == "# Dana\n\n- Kubernetes\n- PostgreSQL"


def test_legacy_encodings_are_read(tmp_path):
    cp1252 = tmp_path / "cv.txt"
    cp1252.write_bytes("José Müller – Backend".encode("cp1252"))
    assert read_resume_file(cp1252) == "José Müller – Backend"
    utf16 = tmp_path / "cv16.txt"
    utf16.write_text("Zoë, Python", encoding="utf-16")
    assert read_resume_file(utf16) == "Zoë, Python"


def test_pdf_text_is_extracted(tmp_path):
    pdf = text_pdf(tmp_path / "cv.pdf", ["Dana Kowalski (Backend)", "Python, Django, PostgreSQL and k8s"])
    text = read_resume_file(pdf)
    assert "Dana Kowalski (Backend)" in text
    assert "Python, Django, PostgreSQL and k8s" in text


def test_pdf_without_text_layer_is_explained(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    scan = tmp_path / "scan.pdf"
    with scan.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(InvalidInput, match="no text layer"):
        read_resume_file(scan)


def test_password_protected_pdf_is_explained(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(InvalidInput, match="password-protected"):
        read_resume_file(locked)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cv.docx", b"PK\x03\x04", "use a .txt, .md or .pdf"),
        ("cv.pdf", b"%PDF-1.4 this is not really a pdf", "not a readable PDF"),
        ("cv.txt", b"", "is empty"),
        ("cv.txt", b"   \n\n\t  ", "holds no text"),
        ("cv.txt", b"\x00\x01\x02binary\x00", "binary file"),
    ],
)
def test_unusable_files_are_refused_with_a_reason(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InvalidInput, match=message):
        read_resume_file(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InvalidInput, match="There is no file"):
        read_resume_file(tmp_path / "nope.pdf")
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(InvalidInput, match="is a folder"):
        read_resume_file(folder)


def test_clean_resume_text_limits():
    assert clean_resume_text("a\x00b\x07c\n\n\n\nd") == "abc\n\nd"
    with pytest.raises(InvalidInput, match="empty"):
        clean_resume_text(None)
    with pytest.raises(InvalidInput, match="at most"):
        clean_resume_text("x" * (MAX_RESUME_CHARS + 1))
