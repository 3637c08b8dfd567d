"""Security settings that the test settings override for speed must stay right in production."""
from config import settings as production


def test_passwords_are_hashed_with_argon2():
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_login_is_locked_after_repeated_failures():
    assert "axes" in production.INSTALLED_APPS and production.AXES_FAILURE_LIMIT <= 10
    assert production.AUTHENTICATION_BACKENDS[0].startswith("axes.")


def test_the_interface_speaks_chinese_in_china_time():
    assert production.LANGUAGE_CODE == "zh-hans" and production.TIME_ZONE == "Asia/Shanghai"


def test_no_page_may_run_inline_script():
    """Every page's behaviour is a static file: the CSP refuses inline script, so injected markup cannot run."""
    assert production.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"] == ["'self'"]


def test_no_template_carries_inline_script_or_handlers():
    import pathlib
    import re

    root = pathlib.Path(production.BASE_DIR)
    offenders = []
    for template in [*root.glob("templates/**/*.html"), *root.glob("apps/*/templates/**/*.html")]:
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", text) or \
                re.search(r"\son[a-z]+=\"", text):
            offenders.append(str(template.relative_to(root)))
    assert offenders == []
