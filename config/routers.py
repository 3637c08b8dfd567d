"""The one database router (settings.DATABASE_ROUTERS).

Writes always go to "default" (the primary), whatever database an instance was read from. Reads go to "replica"
only inside `apps.core.replica.reading_from_replica()` (reports, dashboards, exports) and only when a replica is
configured (`DATABASE_REPLICA_URL`); otherwise the router has no opinion and Django reads "default" as it would
without a router. Migrations never run on "replica": a streaming replica copies the primary's schema itself.
"""
from django.db import DEFAULT_DB_ALIAS

from apps.core.replica import REPLICA, read_alias


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return read_alias(model._meta.app_label)

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # the replica holds the same rows as the primary: an object read from either may point at the other
        both = {obj1._state.db or DEFAULT_DB_ALIAS, obj2._state.db or DEFAULT_DB_ALIAS}
        return True if both <= {DEFAULT_DB_ALIAS, REPLICA} else None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None
