"""The official forms as files: .xlsx through `xlsx.workbook_for`, answered as a download."""
import io

from apps.core.http import xlsx_response

from .templates import TEMPLATES


def export_filename(template_code: str, filer, as_of) -> str:
    template = TEMPLATES[template_code]
    return f"{template.name}_{getattr(filer, 'name', filer)}_{as_of.isoformat()}.xlsx"


def export_response(template_code: str, campaign, filer, as_of, result, report=None):
    from .xlsx import workbook_for

    workbook = workbook_for(TEMPLATES[template_code], campaign, getattr(filer, "name", str(filer)), as_of, result,
                            report=report)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return xlsx_response(buffer.getvalue(), export_filename(template_code, filer, as_of), "report.xlsx")
