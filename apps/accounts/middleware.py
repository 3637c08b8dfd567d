SESSION_KEY = "acting_membership_id"


class ActingMembershipMiddleware:
    """The interface acts for one membership at a time (shown in the header, switchable); the API answers
    the union of all memberships, so API paths are left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith("/api/"):
            memberships = list(
                user.memberships.select_related("enterprise", "department__region", "group__lead_department",
                                                "region")
            )
            chosen = request.session.get(SESSION_KEY)
            acting = next((m for m in memberships if m.pk == chosen), None)
            if acting is None and memberships and not user.is_superuser:
                acting = memberships[0]
            user.acting_membership = acting
            user.all_memberships = memberships
        return self.get_response(request)
