"""`<path>__code__under=<code>`: the records of a region subtree, the one filter every scope and every form is
made of (DESIGN.md: each level's division code prefixes the next).

PostgreSQL answers it with `LIKE 'code%'` on a `varchar_pattern_ops` index. SQLite never uses an index for LIKE
(case-insensitive there), so on SQLite it is the equivalent range `code <= x < successor(code)`, which the
ordinary index on the column serves; division codes are digits, so byte order is the order of the range.
"""
from django.db.models import CharField, Lookup


@CharField.register_lookup
class Under(Lookup):
    lookup_name = "under"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        code = self.rhs
        if connection.vendor == "sqlite":
            if not code:
                return "1 = 1", []
            return f"({lhs} >= %s AND {lhs} < %s)", [*lhs_params, code, *lhs_params, successor(code)]
        return f"{lhs} LIKE %s", [*lhs_params, connection.ops.prep_for_like_query(code) + "%"]


def successor(code: str) -> str:
    """The first string after every string that starts with `code`."""
    return code[:-1] + chr(ord(code[-1]) + 1)
