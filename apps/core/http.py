"""HTTP helpers shared by the views."""
from urllib.parse import quote

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str, ascii_fallback: str = "export.xlsx") -> HttpResponse:
    """An .xlsx download whose Chinese file name survives every browser (RFC 6266 / RFC 5987)."""
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_fallback}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
