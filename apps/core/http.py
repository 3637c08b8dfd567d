"""HTTP helpers shared by the views."""
from urllib.parse import quote

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def attachment_response(content: bytes, filename: str, content_type: str, ascii_fallback: str) -> HttpResponse:
    """A download whose Chinese file name survives every browser (RFC 6266 / RFC 5987)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_fallback}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def xlsx_response(content: bytes, filename: str, ascii_fallback: str = "export.xlsx") -> HttpResponse:
    return attachment_response(content, filename, XLSX, ascii_fallback)


def docx_response(content: bytes, filename: str, ascii_fallback: str = "document.docx") -> HttpResponse:
    return attachment_response(content, filename, DOCX, ascii_fallback)
