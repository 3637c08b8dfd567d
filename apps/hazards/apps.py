from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "apps.hazards"
    label = "hazards"
    verbose_name = "隐患台账"

    def ready(self):
        from apps.enterprises.models import Enterprise
        from apps.enterprises.signals import enterprise_moved

        from .models import Hazard

        def follow(sender, enterprise, new_region, **kwargs):
            """A hazard's home region is its enterprise's: when the enterprise moves, its hazards move too."""
            Hazard.objects.filter(enterprise=enterprise).update(region_id=new_region)

        enterprise_moved.connect(follow, sender=Enterprise, weak=False, dispatch_uid="hazards-follow-enterprise")
