from django.apps import AppConfig


class TipsConfig(AppConfig):
    name = "apps.tips"
    label = "tips"
    verbose_name = "举报"

    def ready(self):
        from django.core import checks

        from apps.enterprises.models import Enterprise
        from apps.enterprises.signals import enterprise_moved

        from . import crypto, services

        checks.register(crypto.check_key, checks.Tags.security)
        enterprise_moved.connect(services.follow_enterprise, sender=Enterprise, weak=False,
                                 dispatch_uid="tips-follow-enterprise")
