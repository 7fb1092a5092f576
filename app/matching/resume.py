"""Resume text: read from .txt / .md / .pdf files, cleaned for storing and embedding."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from app.errors import InvalidInput

log = logging.getLogger(__name__)

MAX_RESUME_CHARS = 100_000
MAX_FILE_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
PDF_SUFFIXES = (".pdf",)
_BLANK_LINES = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


def clean_resume_text(text: str | None) -> str:
    """Normalize line ends and blank runs, drop NUL and control characters; refuse empty or huge text."""
    cleaned = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    cleaned = "".join(ch for ch in cleaned if ch in "\n\t" or ch >= " ")
    cleaned = _BLANK_LINES.sub("\n\n", _TRAILING_SPACE.sub("\n", cleaned)).strip()
    if not cleaned:
        raise InvalidInput("The resume is empty: paste its text or import a .txt, .md or .pdf file that has text.")
    if len(cleaned) > MAX_RESUME_CHARS:
        raise InvalidInput(
            f"The resume is {len(cleaned):,} characters long; JobPool keeps at most {MAX_RESUME_CHARS:,}. "
            "Shorten it (a resume rarely needs more than a few pages)."
        )
    return cleaned


def read_resume_file(path: str | Path) -> str:
    """The cleaned text of a resume file (.txt, .md or .pdf), or InvalidInput saying why it cannot be used."""
    file = Path(path).expanduser()
    suffix = file.suffix.lower()
    if suffix not in TEXT_SUFFIXES + PDF_SUFFIXES:
        raise InvalidInput(f"“{file.name}” is not a resume JobPool can read: use a .txt, .md or .pdf file.")
    try:
        size = file.stat().st_size
    except FileNotFoundError:
        raise InvalidInput(f"There is no file “{file}”.") from None
    except OSError as exc:
        raise InvalidInput(f"“{file.name}” cannot be read: {exc.strerror or exc}.") from exc
    if not file.is_file():
        raise InvalidInput(f"“{file}” is a folder, not a resume file.")
    if size == 0:
        raise InvalidInput(f"“{file.name}” is empty.")
    if size > MAX_FILE_BYTES:
        raise InvalidInput(f"“{file.name}” is {size / 1024 / 1024:.0f} MB; a resume file can be at most 20 MB.")
    text = _read_pdf(file) if suffix in PDF_SUFFIXES else _read_text(file)
    if not text.strip():
        if suffix in PDF_SUFFIXES:
            raise InvalidInput(
                f"“{file.name}” has no text layer (it is probably a scan or an image): "
                "export the resume as a text PDF, or paste its text instead."
            )
        raise InvalidInput(f"“{file.name}” holds no text.")
    return clean_resume_text(text)


def _read_text(file: Path) -> str:
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"“{file.name}” cannot be read: {exc.strerror or exc}.") from exc
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InvalidInput(f"“{file.name}” is a binary file, not text: save the resume as .txt, .md or .pdf.")
    for encoding in ("utf-8-sig", "utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    # Older editors on Windows save resumes in cp1252; latin-1 accepts any byte as a last resort.
    for encoding in ("cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput(f"“{file.name}” is not readable text.")  # pragma: no cover - latin-1 decodes any byte


def _read_pdf(file: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    locked = f"“{file.name}” is password-protected: save an unprotected copy, or paste the text."
    try:
        reader = PdfReader(str(file))
        # Many PDFs are "encrypted" with an empty user password only; those open without asking.
        if reader.is_encrypted and not reader.decrypt(""):
            raise InvalidInput(locked)
        return "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except FileNotDecryptedError:
        raise InvalidInput(locked) from None
    except InvalidInput:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, NotImplementedError) as exc:
        log.info("unreadable PDF %s: %s", file, exc)
        raise InvalidInput(f"“{file.name}” is not a readable PDF ({exc}). Export it again, or paste the text.") from exc
