"""HTTP helpers shared by the views."""
from urllib.parse import quote

from django.http import FileResponse, Http404, HttpResponse

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


def stored_file_response(field_file, content_type: str, name: str) -> FileResponse:
    """An uploaded file (evidence, photos) shown inline with the type checked at upload, never sniffed and never
    cached by a shared cache. The caller has checked that the person may see the record it belongs to."""
    if not field_file:
        raise Http404("没有文件。")
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("文件不存在。") from exc
    response = FileResponse(handle, content_type=content_type or "application/octet-stream")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def list_query(query):
    """A list page's query string without empty values (a filter form sends `kind=` for 全部)."""
    data = query.copy()
    for key in list(data.keys()):
        values = [v for v in data.getlist(key) if v.strip()]
        if values:
            data.setlist(key, values)
        else:
            del data[key]
    return data
