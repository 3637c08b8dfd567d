"""统一社会信用代码 check character (GB 32100-2015)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.core.uscc import ALPHABET, check_character, make_uscc, uscc_error

# The worked example printed in GB 32100-2015 and repeated in every description of the standard.
KNOWN_VALID = ["91350100M000100Y43"]


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_known_codes_are_valid(code):
    assert uscc_error(code) is None


def test_a_wrong_check_character_names_the_right_one():
    code = KNOWN_VALID[0][:17] + "X"
    assert uscc_error(code) == f"统一社会信用代码校验位错误（应为{KNOWN_VALID[0][17]}）"


@pytest.mark.parametrize(
    "code,fragment",
    [
        ("91110000600037341", "18位"),
        ("91110000600037341LL", "18位"),
        ("9111000060003734IL", "非法字符"),
        ("91110000600037341l", "非法字符"),
    ],
)
def test_malformed_codes_are_refused_with_the_reason(code, fragment):
    assert fragment in uscc_error(code)


body = st.text(alphabet=ALPHABET, min_size=17, max_size=17)


@given(body)
def test_the_computed_check_character_validates(first17):
    assert uscc_error(first17 + check_character(first17)) is None


@given(body, st.integers(min_value=0, max_value=16), st.sampled_from(ALPHABET))
def test_any_single_character_change_is_caught(first17, position, replacement):
    code = first17 + check_character(first17)
    changed = code[:position] + replacement + code[position + 1 :]
    if changed != code:
        assert uscc_error(changed) is not None


def test_demo_codes_are_valid():
    assert all(uscc_error(make_uscc(n, "411002")) is None for n in range(0, 5000, 37))
