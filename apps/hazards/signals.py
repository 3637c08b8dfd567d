"""Signals of the ledger for the apps above it."""
from django.dispatch import Signal

# Hazards written in bulk (the .xlsx import's `bulk_create`, which sends no post_save): `ids` of the new hazards.
hazards_imported = Signal()
