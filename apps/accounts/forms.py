from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from apps.core.forms import BootstrapMixin
from apps.enterprises.models import Enterprise
from apps.regions.models import Department, InspectionGroup, Region

from .models import Membership, MembershipKind, Role, User


class LoginForm(AuthenticationForm):
    """Django's login form, with the field labels and the look of the site."""

    error_messages = {
        "invalid_login": "用户名或密码不正确。",
        "inactive": "该账号已停用。",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})


class SwitchMembershipForm(forms.Form):
    membership = forms.IntegerField(required=False)
    next = forms.CharField(required=False)


# --- people (安委办 and administrators) --------------------------------------------------------------------------

class UserFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label="姓名、用户名或手机号码", required=False,
                        widget=forms.TextInput(attrs={"type": "search"}))


# Django's zh_Hans catalogue lacks some of the validators' current messages: say them in Chinese by error code.
PASSWORD_MESSAGES = {
    "password_too_short": "密码太短，至少需要 {min_length} 个字符。",
    "password_too_common": "这个密码太常见了。",
    "password_entirely_numeric": "密码不能全是数字。",
    "password_too_similar": "密码与用户名、姓名等个人信息太相似。",
}


def _min_length() -> int:
    for validator in password_validation.get_default_password_validators():
        if isinstance(validator, password_validation.MinimumLengthValidator):
            return validator.min_length
    return 0


def password_rules_text() -> str:
    length = _min_length()
    return (f"至少 {length} 个字符；" if length else "") + "不能是常见密码，不能全是数字，不能与用户名、姓名太相似。"


def password_problems(password: str, user) -> list[str]:
    """Django's validators (AUTH_PASSWORD_VALIDATORS), their messages in Chinese."""
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as exc:
        return [PASSWORD_MESSAGES[e.code].format(min_length=_min_length()) if e.code in PASSWORD_MESSAGES
                else e.messages[0] for e in exc.error_list]
    return []


class UserForm(BootstrapMixin, forms.ModelForm):
    """The person; the password is required on create, optional on edit, checked by Django's validators."""

    password = forms.CharField(label="密码", required=False, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=False))

    class Meta:
        model = User
        fields = ["username", "name", "phone", "is_active"]
        labels = {"username": "用户名", "is_active": "启用（可以登录）"}
        help_texts = {"username": "150个字符以内，字母、数字和 @/./+/-/_", "is_active": ""}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        self.fields["username"].widget.attrs.update({"autocomplete": "off", "autocapitalize": "none"})
        if self.instance.pk:
            self.fields["password"].help_text = "留空则不修改密码"
        else:
            self.fields["password"].required = True
            self.fields["password"].help_text = password_rules_text()

    def clean(self):
        data = super().clean()
        password = data.get("password")
        if password:
            probe = User(username=data.get("username") or self.instance.username,
                         name=data.get("name") or self.instance.name, phone=data.get("phone") or "")
            for message in password_problems(password, probe):
                self.add_error("password", message)
        return data


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "　" * (obj.level - 1) + obj.name


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.region.name}）"


class EnterpriseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.region.name}）"


# kind → the form field that holds its target (and the Membership field it fills)
TARGET_FIELDS = {
    MembershipKind.ENTERPRISE: "enterprise",
    MembershipKind.DEPARTMENT: "department",
    MembershipKind.GROUP: "group",
    MembershipKind.SAFETY_OFFICE: "region",
    MembershipKind.DISCIPLINE: "region",
}


class MembershipForm(BootstrapMixin, forms.Form):
    """One membership: a kind, its target (one select per kind; the page shows only the one the kind needs) and
    a role. A row left blank, or marked for deletion, is dropped."""

    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "—请选择—")] + list(MembershipKind.choices))
    enterprise = EnterpriseChoiceField(label="企业", queryset=Enterprise.objects.none(), required=False)
    department = DepartmentChoiceField(label="部门", queryset=Department.objects.none(), required=False)
    group = forms.ModelChoiceField(label="综合检查组", queryset=InspectionGroup.objects.none(), required=False)
    region = RegionChoiceField(label="区划（安委办、纪委监委）", queryset=Region.objects.none(), required=False)
    role = forms.ChoiceField(label="角色", choices=Role.choices, initial=Role.MEMBER)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user).select_related("region").order_by(
            "region_id", "name")
        self.fields["department"].queryset = Department.objects.visible_to(user).select_related("region").order_by(
            "region_id", "name")
        self.fields["group"].queryset = InspectionGroup.objects.visible_to(user).order_by("name")
        self.fields["region"].queryset = Region.objects.visible_to(user).filter(level__lte=4).order_by("code")
        self.fields["kind"].widget.attrs["data-membership-kind"] = ""

    def target_fields(self):
        """(bound field, the kinds it serves) for the page: it shows the one the chosen kind needs."""
        for name in ("enterprise", "department", "group", "region"):
            yield self[name], " ".join(k for k, n in TARGET_FIELDS.items() if n == name)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if data.get("DELETE"):
            return data
        targets = [name for name in set(TARGET_FIELDS.values()) if data.get(name)]
        if not kind:
            if targets:
                self.add_error("kind", "请选择类别")
            return data
        name = TARGET_FIELDS[kind]
        if not data.get(name) and name not in self.errors:
            self.add_error(name, f"请选择{self.fields[name].label}")
        return data

    def membership(self) -> Membership | None:
        data = getattr(self, "cleaned_data", None) or {}
        if data.get("DELETE") or not data.get("kind"):
            return None
        name = TARGET_FIELDS[data["kind"]]
        return Membership(kind=data["kind"], role=data["role"], **{name: data[name]})


class BaseMembershipFormSet(forms.BaseFormSet):
    def __init__(self, *args, require_one: bool = False, **kwargs):
        self.require_one = require_one
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def memberships(self) -> list[Membership]:
        return [m for m in (f.membership() for f in self.forms) if m is not None]

    def clean(self):
        if any(self.errors):
            return
        rows = self.memberships()
        seen = set()
        for m in rows:
            key = (m.kind, m.target_id)
            if key in seen:
                raise ValidationError("同一单位的身份重复了，请删除重复的一行。")
            seen.add(key)
        if self.require_one and not rows:
            raise ValidationError("请至少填写一项身份（所属单位）。")


MembershipFormSet = forms.formset_factory(MembershipForm, formset=BaseMembershipFormSet, extra=1, can_delete=True)


def membership_initial(user: User) -> list[dict]:
    return [{"kind": m.kind, "role": m.role, TARGET_FIELDS[m.kind]: m.target} for m in user.memberships.all()]
