"""Every list pages by 50 and its page links keep the filters (one shared include)."""
from apps.core.uscc import make_uscc
from apps.enterprises.models import Enterprise, EnterpriseSector


def test_the_enterprise_list_pages_and_keeps_the_filter(client, world):
    for n in range(60):
        e = Enterprise.objects.create(name=f"分页测试企业{n:02d}", uscc=make_uscc(10_000 + n, "411002"),
                                      region=world.county_a)
        EnterpriseSector.objects.create(enterprise=e, sector_id="chemicals")
    client.force_login(world.office_a_user)
    first = client.get("/enterprises/?q=分页测试").content.decode()
    assert "下一页" in first and "上一页" not in first
    assert "?q=%E5%88%86%E9%A1%B5%E6%B5%8B%E8%AF%95&amp;page=2" in first
    second = client.get("/enterprises/?q=分页测试&page=2").content.decode()
    assert "上一页" in second and "下一页" not in second
    assert second.count("分页测试企业") == 10
