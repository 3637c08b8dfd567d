"""Signals the registry sends so that records hanging on an enterprise (in apps above this one) can follow it
without this app importing them."""
from django.dispatch import Signal

# Sent inside the updating transaction when an enterprise moves to another region: sender=Enterprise,
# enterprise=..., old_region=code, new_region=code. Records carrying the enterprise's region follow it.
enterprise_moved = Signal()
