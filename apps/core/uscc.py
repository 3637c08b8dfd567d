"""统一社会信用代码 (GB 32100-2015): 18 characters, the last one a check character over the first 17."""
from django.core.exceptions import ValidationError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def uscc_error(code: str) -> str | None:
    """The reason `code` is not a valid credit code, in Chinese, or None when it is valid."""
    if len(code) != 18:
        return f"统一社会信用代码应为18位，当前为{len(code)}位"
    bad = [ch for ch in code if ch not in ALPHABET]
    if bad:
        return f"统一社会信用代码含有非法字符“{bad[0]}”（不使用 I、O、S、V、Z 及小写字母）"
    if not code[8:17].isalnum():
        return "统一社会信用代码第9至17位应为组织机构代码"
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误（应为{expected}）"
    return None


def validate_uscc(value: str) -> None:
    error = uscc_error(value)
    if error:
        raise ValidationError(error, code="uscc")


def normalise_uscc(value: str) -> str:
    return (value or "").strip().upper()


def make_uscc(number: int, region_code: str = "411000", kind: str = "91") -> str:
    """A valid credit code for demo and test data: registration kind, 6-digit region, 9-character body."""
    body = f"{number:09d}"[-9:]
    first17 = f"{kind}{region_code[:6]:0<6}{body}"
    return first17 + check_character(first17)
