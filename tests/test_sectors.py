"""The sector tree ships SECTORS.md as it stands, and the seeds' own lists map onto it."""
from apps.regions.models import Sector
from apps.regions.sector_maps import HAICHENG_FOCUS, HONGHE_ROWS
from apps.regions.sector_tree import SECTORS


def test_the_fixed_codes_ship_with_their_names_and_parents(db):
    stored = {s.code: (s.name, s.parent_id or "") for s in Sector.objects.all()}
    for code, name, parent in SECTORS:
        assert stored[code] == (name, parent)


def test_every_mapped_code_exists(db):
    codes = set(Sector.objects.values_list("code", flat=True))
    for _, _, _, sectors in HONGHE_ROWS:
        assert set(sectors) <= codes
    for _, sectors in HAICHENG_FOCUS:
        assert set(sectors) <= codes


def test_every_sector_falls_in_exactly_one_top_level_honghe_row(db):
    top_rows = [(code, Sector.with_descendants(sectors)) for code, _, parent, sectors in HONGHE_ROWS if not parent]
    for sector in Sector.objects.values_list("code", flat=True):
        rows = [code for code, covered in top_rows if sector in covered]
        assert len(rows) <= 1, (sector, rows)


def test_sub_rows_lie_inside_their_parent_row(db):
    rows = {code: Sector.with_descendants(sectors) for code, _, _, sectors in HONGHE_ROWS}
    for code, _, parent, _ in HONGHE_ROWS:
        if parent:
            assert rows[code] <= rows[parent], code


def test_with_descendants_follows_parents_not_prefixes(db):
    assert Sector.with_descendants(["non_coal_mine"]) == {"non_coal_mine", "illegal_mining"}
    assert "transport.road" in Sector.with_descendants(["transport"])
    assert "construction.housing" not in Sector.with_descendants(["transport"])
