def acting(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "acting_membership": getattr(user, "acting_membership", None),
        "all_memberships": getattr(user, "all_memberships", []),
    }
