"""Who may write what (DESIGN.md "Who may do what"), for the organisation, enterprises and users.
Every check reads the same scope as `visible_to`; the interface's acting membership narrows it."""
from .scope import scope_for


def is_admin(user) -> bool:
    return bool(getattr(user, "is_superuser", False))


def can_manage_directory(user) -> bool:
    """Regions and sectors: a system administrator."""
    return is_admin(user)


def can_manage_organisation(user, region_code: str) -> bool:
    """Departments and groups of `region_code`: an administrator, or a safety office at or above it."""
    return scope_for(user).manages_region(region_code)


def can_manage_users(user, region_codes: list[str]) -> bool:
    """Users: an administrator, or a safety office whose subtree holds every membership the user gets."""
    scope = scope_for(user)
    if scope.everything:
        return True
    if not scope.office_region_codes:
        return False
    return all(scope.manages_region(code) for code in region_codes)


def can_write_enterprise(user, region_code: str, department_ids, sector_codes) -> bool:
    """An administrator; a safety office over the region; a department that would supervise the enterprise
    (in its region subtree, and listed among its departments or in one of its sectors)."""
    scope = scope_for(user)
    if scope.manages_region(region_code):
        return True
    department_ids = set(department_ids)
    sector_codes = set(sector_codes)
    return any(
        region_code.startswith(reach.region_code)
        and (reach.department_id in department_ids or reach.sector_codes & sector_codes)
        for reach in scope.departments
    )
