"""Small template helpers shared by every page."""
from django import template

from apps.regions.models import Region

register = template.Library()


@register.simple_tag
def region_name(code: str | None) -> str:
    """The name of the region with this division code ("" when unknown)."""
    if not code:
        return ""
    region = Region.objects.filter(code=code).only("name").first()
    return region.name if region else code


@register.filter
def yesno_zh(value) -> str:
    return "是" if value else "否"
