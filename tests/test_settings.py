"""Security settings that the test settings override for speed must stay right in production."""
from config import settings as production


def test_passwords_are_hashed_with_argon2():
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_login_is_locked_after_repeated_failures():
    assert "axes" in production.INSTALLED_APPS and production.AXES_FAILURE_LIMIT <= 10
    assert production.AUTHENTICATION_BACKENDS[0].startswith("axes.")


def test_the_interface_speaks_chinese_in_china_time():
    assert production.LANGUAGE_CODE == "zh-hans" and production.TIME_ZONE == "Asia/Shanghai"
