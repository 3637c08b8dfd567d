from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "apps.regions"
    label = "regions"
    verbose_name = "区划与组织"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from . import lookups  # noqa: F401  (registers `__under`, the region-subtree filter)
        from .models import Department, GroupAssignment, Sector
        from .scope import bump_scope_version

        for sender in ("accounts.Membership", Department, Sector, GroupAssignment):
            for signal in (post_save, post_delete):
                signal.connect(bump_scope_version, sender=sender, weak=False,
                               dispatch_uid=f"scope-version-{sender}-{signal is post_save}")
        m2m_changed.connect(bump_scope_version, sender=Department.sectors.through, weak=False,
                            dispatch_uid="scope-version-department-sectors")
