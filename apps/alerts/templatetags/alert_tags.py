"""The nav badge: `{% load alert_tags %}` … `{% unread_alert_count as n %}{% if n %}…{{ n }}…{% endif %}`."""
from django import template

from apps.alerts.services import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_alert_count(context) -> int:
    """The signed-in user's unread alerts (one COUNT on an indexed column, once per page)."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return unread_count(user)
