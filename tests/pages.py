"""Helpers shared by the page tests: read what a page or an exported workbook shows."""
import html
import io
import re

NAME_CELL = re.compile(r'<td class="enterprise-name col-name"><a href="/enterprises/(\d+)/">([^<]+)</a></td>')



def listed_names(response) -> set[str]:
    assert response.status_code == 200, response.status_code
    return {html.unescape(name) for _, name in NAME_CELL.findall(response.content.decode())}


def workbook_strings(content: bytes) -> set[str]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content), read_only=True)
    found = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            found.update(str(v).strip() for v in row if v is not None)
    return found


def act_as(client, membership) -> None:
    response = client.post("/switch/", {"membership": membership.pk, "next": "/enterprises/"})
    assert response.status_code == 302
