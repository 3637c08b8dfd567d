"""Rebuilding a large campaign's tallies in the background worker (tallies.py): a campaign created or moved in a
request is counted from raw rows until this has run."""
from django_tasks import task

from apps.campaigns.models import Campaign

from . import tallies


@task()
def rebuild_campaign_tallies(campaign_id: int) -> dict:
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or tallies.is_ready(campaign):
        return {}
    return {"facts": tallies.rebuild(campaign)}
