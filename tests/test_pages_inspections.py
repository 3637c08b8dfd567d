"""The inspection and checklist pages: the list shows what the acting membership sees and filters it; registering
offers the kinds the membership may register; the on-site page answers items (htmx or a plain form), records the
findings beside what the enterprise's records say, takes each inspector's signature and is read-only once signed;
the filled and blank checklists download as .xlsx; a department writes and revises its own list; outsiders get 403
or 404.

The pages live under `inspections/`; until config/urls.py includes them, this module's URLconf adds them."""
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from apps.hazards.models import Hazard
from apps.inspections import onsite, services
from apps.inspections.models import Checklist, Inspection
from tests.pages import act_as
from tests.test_inspection_onsite import png
from tests.world import _user

KIND_OPTION = re.compile(r'<option value="([a-z_]+)"')
GONGMAO = "national-gongmao-2023-general"


def signed_in(client, user):
    client.force_login(user)
    memberships = list(user.memberships.all())
    if memberships:
        act_as(client, memberships[0])
    return client


def rows(response, attr: str) -> set[int]:
    assert response.status_code == 200, response.status_code
    return {int(pk) for pk in re.findall(rf'data-{attr}="(\d+)"', response.content.decode())}


def options(response, name: str) -> set[str]:
    page = response.content.decode()
    select = page[page.index(f'name="{name}"'):]
    return set(KIND_OPTION.findall(select[:select.index("</select>")]))


def checklist(code=GONGMAO) -> Checklist:
    return Checklist.objects.get(code=code, active=True)


@pytest.fixture
def w(world):
    world.colleague = _user("a_colleague", ("department", world.a_emergency, "member"))
    world.b_user = _user("b_emergency", ("department", world.b_emergency, "member"))
    world.mine = services.inspection_create(actor=world.a_emergency_user, data={
        "enterprise": world.chem_a, "kind": "enforcement", "checklist": checklist(),
        "inspectors": [world.a_emergency_user, world.colleague]})
    world.theirs = services.inspection_create(actor=world.b_user, data={"enterprise": world.chem_b,
                                                                        "kind": "enforcement"})
    world.own = services.inspection_create(actor=world.ent_user, data={"enterprise": world.chem_a, "kind": "self",
                                                                       "led_by_principal": True})
    return world


# --- the list -----------------------------------------------------------------------------------------------------

def test_the_list_shows_the_acting_scope_and_filters(client, w):
    signed_in(client, w.a_emergency_user)
    assert rows(client.get("/inspections/"), "inspection") == {w.mine.pk, w.own.pk}
    assert rows(client.get("/inspections/?kind=self"), "inspection") == {w.own.pk}
    assert rows(client.get("/inspections/?kind=&signed=false&q=魏都"), "inspection") == {w.mine.pk, w.own.pk}
    onsite.sign_as_inspector(actor=w.a_emergency_user, inspection=w.mine)
    assert rows(client.get("/inspections/?signed=true"), "inspection") == {w.mine.pk}
    signed_in(client, w.b_user)
    assert rows(client.get("/inspections/"), "inspection") == {w.theirs.pk}
    signed_in(client, w.nobody)
    assert rows(client.get("/inspections/"), "inspection") == set()
    client.logout()
    assert client.get("/inspections/").status_code == 302


# --- registering --------------------------------------------------------------------------------------------------

def test_registering_offers_the_kinds_of_the_membership_and_opens_the_onsite_page(client, w):
    signed_in(client, w.a_emergency_user)
    form = client.get("/inspections/new/")
    assert options(form, "kind") == {"enforcement", "expert", "assistance", "review"}
    assert checklist().name in form.content.decode()
    answer = client.post("/inspections/new/", {
        "kind": "enforcement", "mode": "unannounced", "enterprise": w.town_shop.pk, "department": w.a_emergency.pk,
        "checklist": checklist().pk, "project": "车间", "inspected_on": w.mine.inspected_on.isoformat(),
        "inspectors": [w.a_emergency_user.pk, w.colleague.pk]})
    created = Inspection.objects.latest("id")
    assert answer.status_code == 302 and answer["Location"] == f"/inspections/{created.pk}/"
    assert (created.enterprise, created.mode, created.checklist, created.project, created.created_by) == (
        w.town_shop, "unannounced", checklist(), "车间", w.a_emergency_user)
    assert set(created.inspectors.all()) == {w.a_emergency_user, w.colleague}
    # an enterprise it does not see is not offered; the service's refusal comes back on the form
    refused = client.post("/inspections/new/", {"kind": "enforcement", "enterprise": w.chem_b.pk,
                                                "inspected_on": "2020-01-01"})
    assert refused.status_code == 200 and "is-invalid" in refused.content.decode()

    signed_in(client, w.ent_user)
    assert options(client.get("/inspections/new/"), "kind") == {"self"}
    for outsider in (w.nobody, w.office_a_user, w.discipline_a_user):
        signed_in(client, outsider)
        assert client.get("/inspections/new/").status_code == 403, outsider


# --- on site ------------------------------------------------------------------------------------------------------

def test_the_onsite_page_shows_one_card_per_item_and_refuses_outsiders(client, w):
    signed_in(client, w.a_emergency_user)
    page = client.get(f"/inspections/{w.mine.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and html.count('class="card item-card') == 3
    assert 'data-answer="yes"' in html and "保存“否”并登记隐患" in html and 'id="findings"' in html
    assert 'id="sign-form"' in html  # an inspector
    signed_in(client, w.ent_user)  # the enterprise sees the record, does not answer it
    html = client.get(f"/inspections/{w.mine.pk}/").content.decode()
    assert "保存“否”并登记隐患" not in html and 'id="sign-form"' not in html
    signed_in(client, w.b_user)
    assert client.get(f"/inspections/{w.mine.pk}/").status_code == 404
    item = checklist().items.get(number=1)
    assert client.post(f"/inspections/{w.mine.pk}/items/{item.pk}/", {"quick": "yes"}).status_code == 404
    signed_in(client, w.office_a_user)  # sees it (the county office), may not answer
    assert client.post(f"/inspections/{w.mine.pk}/items/{item.pk}/", {"quick": "yes"}).status_code == 403


def test_answering_by_htmx_swaps_the_card_and_a_no_registers_the_hazard(client, w):
    signed_in(client, w.colleague)
    one, two = checklist().items.get(number=1), checklist().items.get(number=2)
    url = f"/inspections/{w.mine.pk}/items/"
    card = client.post(f"{url}{one.pk}/", {"quick": "yes", "answer": "no"}, HTTP_HX_REQUEST="true")
    html = card.content.decode()
    assert card.status_code == 200 and html.startswith("\n<div class=\"card item-card mb-2 answered-yes\"")
    assert 'id="progress" hx-swap-oob="true"' in html and Hazard.objects.count() == 0
    missing = client.post(f"{url}{two.pk}/", {"answer": "no", "description": ""}, HTTP_HX_REQUEST="true")
    assert missing.status_code == 200 and "回答“否”须填写隐患描述" in missing.content.decode()
    assert 'hx-swap-oob' not in missing.content.decode()
    saved = client.post(f"{url}{two.pk}/", {
        "answer": "no", "description": "电焊工无证作业", "requirement": "停止作业", "deadline": "2099-01-01",
        "photo": SimpleUploadedFile("a.png", png(), "image/png")}, HTTP_HX_REQUEST="true")
    hazard = Hazard.objects.get()
    html = saved.content.decode()
    assert saved["HX-Trigger"] == "answer-saved"
    assert f"/hazards/{hazard.pk}/" in html and "重大事故隐患" in html and 'id="hazard-list" hx-swap-oob="true"' in html
    answer = w.mine.answers.get(item=two)
    photo = client.get(f"/inspections/{w.mine.pk}/answers/{answer.pk}/photo/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    # without JavaScript: the same form posts and comes back to the card
    plain = client.post(f"{url}{checklist().items.get(number=3).pk}/", {"quick": "na"})
    assert plain.status_code == 302 and plain["Location"].endswith("#item-" + str(checklist().items.get(number=3).pk))
    refused = client.post(f"{url}{two.pk}/", {"quick": "yes"})
    assert refused.status_code == 400 and "已进入台账" in refused.content.decode()


def test_findings_show_the_cross_check_and_are_saved_by_the_inspector(client, w):
    signed_in(client, w.a_emergency_user)
    page = client.get(f"/inspections/{w.mine.pk}/").content.decode()
    assert page.count('data-finding="') == 7 and 'data-status="suggest"' in page
    saved = client.post(f"/inspections/{w.mine.pk}/findings/", {
        "version": 1, "findings": ["no_duty_list", "no_drill"], "note": "抽查企业自查情况"})
    assert saved.status_code == 302
    w.mine.refresh_from_db()
    assert (w.mine.findings, w.mine.note, w.mine.version) == (["no_duty_list", "no_drill"], "抽查企业自查情况", 2)
    stale = client.post(f"/inspections/{w.mine.pk}/findings/", {"version": 1, "findings": []})
    assert stale.status_code == 409
    signed_in(client, w.ent_user)
    assert client.post(f"/inspections/{w.mine.pk}/findings/", {"version": 2}).status_code == 403
    own = client.get(f"/inspections/{w.own.pk}/").content.decode()
    assert 'id="findings"' not in own  # a self-inspection records no spot-check findings


def test_signing_locks_the_page_and_the_other_inspector_adds_theirs(client, w):
    signed_in(client, w.a_emergency_user)
    url = f"/inspections/{w.mine.pk}/"
    unconfirmed = client.post(f"{url}sign/", {"role": "检查人员", "version": 1})
    assert unconfirmed.status_code == 400 and "请勾选确认" in unconfirmed.content.decode()
    assert client.post(f"{url}sign/", {"role": "检查人员", "version": 1, "confirm": "on"}).status_code == 302
    html = client.get(url).content.decode()
    assert 'id="locked-notice"' in html and "保存“否”并登记隐患" not in html and 'id="sign-form"' not in html
    assert 'id="edit-inspection"' not in html and 'name="findings"' in html and "disabled" in html
    assert client.get(f"{url}edit/").content.decode().count("已签名的检查记录不能修改") == 1
    item = checklist().items.get(number=1)
    assert client.post(f"{url}items/{item.pk}/", {"quick": "yes"}).status_code == 400
    signed_in(client, w.colleague)
    assert 'id="sign-form"' in client.get(url).content.decode()
    assert client.post(f"{url}sign/", {"role": "检查人员", "version": 2, "confirm": "on"}).status_code == 302
    assert list(w.mine.signatures.values_list("user__username", flat=True)) == ["a_emergency", "a_colleague"]
    signed_in(client, w.ent_user)  # the enterprise countersigns the locked record
    assert "项目经理" in client.get(url).content.decode()
    assert client.post(f"{url}sign/", {"role": "项目经理", "version": 2, "confirm": "on"}).status_code == 302


def test_editing_the_record_before_signing(client, w):
    signed_in(client, w.a_emergency_user)
    url = f"/inspections/{w.mine.pk}/edit/"
    assert client.get(url).status_code == 200
    answer = client.post(url, {"version": 1, "mode": "joint", "inspected_on": w.mine.inspected_on.isoformat(),
                               "project": "二期", "checklist": checklist("fuzhou-2023-gas").pk,
                               "inspectors": [w.colleague.pk]})
    assert answer.status_code == 302
    w.mine.refresh_from_db()
    assert (w.mine.mode, w.mine.project, w.mine.checklist.code) == ("joint", "二期", "fuzhou-2023-gas")
    signed_in(client, w.ent_user)
    assert client.get(url).status_code == 403


# --- exports ------------------------------------------------------------------------------------------------------

def test_the_filled_and_blank_checklists_download(client, w):
    onsite.answer_item(actor=w.a_emergency_user, inspection=w.mine, item=checklist().items.get(number=1),
                       answer="no", description="承包商未统一管理")
    signed_in(client, w.ent_user)
    filled = client.get(f"/inspections/{w.mine.pk}/export/")
    assert filled.status_code == 200 and "attachment" in filled["Content-Disposition"]
    values = {str(c.value) for row in load_workbook(io.BytesIO(filled.content)).active.iter_rows() for c in row
              if c.value is not None}
    assert "承包商未统一管理" in values and "√" in values
    assert client.get(f"/inspections/{w.own.pk}/export/").status_code == 404  # no checklist
    blank = client.get(f"/inspections/checklists/{checklist('fuzhou-2023-confined-space').pk}/export/")
    ws = load_workbook(io.BytesIO(blank.content)).active
    assert ws["A1"].value == "附件3" and ws["A2"].value == "有限空间作业重点检查事项清单"
    signed_in(client, w.b_user)
    assert client.get(f"/inspections/{w.mine.pk}/export/").status_code == 404


# --- checklists ---------------------------------------------------------------------------------------------------

def test_the_checklist_pages(client, w):
    signed_in(client, w.ent_user)
    listing = client.get("/inspections/checklists/")
    assert rows(listing, "checklist") >= {checklist(c).pk for c in (GONGMAO, "fuzhou-2023-gas")}
    assert 'id="create-checklist"' not in listing.content.decode()
    detail = client.get(f"/inspections/checklists/{checklist('fuzhou-2023-construction').pk}/").content.decode()
    assert detail.count('data-item="') == 13 and "默认重大" in detail and "默认一般" in detail
    assert 'id="revise-checklist"' not in detail
    assert client.get("/inspections/checklists/new/").status_code == 403
    client.logout()
    assert client.get("/inspections/checklists/").status_code == 302


def test_a_department_writes_its_list_from_a_shipped_one_and_revises_it(client, w):
    signed_in(client, w.a_emergency_user)
    base = checklist()
    form = client.get(f"/inspections/checklists/new/?from={base.pk}").content.decode()
    assert "未对承包单位、承租单位的安全生产工作统一协调" in form and "本部门" in form
    data = {"department": w.a_emergency.pk, "name": "魏都区工贸企业重点检查事项", "layout": "focus",
            "source": "依据应急管理部令第10号", "items-TOTAL_FORMS": 3, "items-INITIAL_FORMS": 0,
            "items-0-category": "管理类", "items-0-focus": "承包商统一协调管理", "items-0-major": "on",
            "items-1-focus": "", "items-2-category": "动火", "items-2-focus": "动火作业审批"}
    more = client.post("/inspections/checklists/new/", {**data, "add_rows": "1"})
    assert more.status_code == 200 and more.content.decode().count('class="border rounded p-2 mb-2 item-row"') == 5
    saved = client.post("/inspections/checklists/new/", data)
    own = Checklist.objects.get(department=w.a_emergency)
    assert saved.status_code == 302 and saved["Location"] == f"/inspections/checklists/{own.pk}/"
    assert list(own.items.values_list("number", "focus", "major")) == [(1, "承包商统一协调管理", True),
                                                                      (2, "动火作业审批", False)]
    page = client.get(f"/inspections/checklists/{own.pk}/").content.decode()
    assert 'id="revise-checklist"' in page
    revised = client.post(f"/inspections/checklists/{own.pk}/revise/", {
        **{k: v for k, v in data.items() if k != "department"}, "items-1-focus": "有限空间作业审批"})
    latest = Checklist.objects.get(code=own.code, active=True)
    assert revised.status_code == 302 and latest.version == 2 and latest.items.count() == 3
    empty = client.post("/inspections/checklists/new/", {**data, "items-0-focus": "", "items-2-focus": ""})
    assert empty.status_code == 200 and "至少要有一项" in empty.content.decode()
    signed_in(client, w.b_user)
    assert client.get(f"/inspections/checklists/{latest.pk}/revise/").status_code == 403
    assert client.get(f"/inspections/checklists/{base.pk}/revise/").status_code == 403
