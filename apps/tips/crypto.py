"""The tip reporter's name and phone at rest (DESIGN.md "Building blocks": cryptography's Fernet, key from the
environment).

`settings.TIP_ENCRYPTION_KEY` holds one Fernet key, or several separated by commas for rotation: the first one
encrypts, every one of them decrypts (MultiFernet). To rotate, put the new key first and keep the old ones after
it until `rotate(token)` has been run over the stored tokens.

An empty text is stored as an empty string (nothing to hide, and no token that says "there was nothing"). Without
a key nothing is encrypted or decrypted: the first use raises ImproperlyConfigured, and `check_key` (a system
check, registered by apps.tips.admin) reports it at start-up."""
import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


class UndecryptableToken(ValueError):
    """The token was not made with any of the configured keys (a key was dropped too early) or was altered."""


def _key_list(value) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(k).strip() for k in value if str(k).strip()]
    return [k.strip() for k in str(value or "").split(",") if k.strip()]


@functools.lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.encode("ascii")) for k in keys])
    except (ValueError, UnicodeEncodeError) as exc:
        raise ImproperlyConfigured(
            "TIP_ENCRYPTION_KEY 中有无效的密钥：每个密钥须为 Fernet.generate_key() 生成的 32 字节 URL-safe base64 串。"
        ) from exc


def _fernet() -> MultiFernet:
    keys = tuple(_key_list(getattr(settings, "TIP_ENCRYPTION_KEY", "")))
    if not keys:
        raise ImproperlyConfigured(
            "未配置 TIP_ENCRYPTION_KEY（举报人身份加密密钥）：请在环境变量中设置一个 Fernet 密钥。"
        )
    return _fernet_for(keys)


def encrypt(text: str) -> str:
    """The Fernet token of `text` (UTF-8), as text; "" for an empty text."""
    if not text:
        return ""
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The text a token was made from; "" for an empty token. UndecryptableToken when no key opens it."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError) as exc:
        raise UndecryptableToken("举报人身份密文无法用当前配置的任何密钥解密（密钥已更换或密文被改动）。") from exc


def rotate(token: str) -> str:
    """The token re-encrypted with the first (current) key; "" stays ""."""
    if not token:
        return ""
    try:
        return _fernet().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeEncodeError) as exc:
        raise UndecryptableToken("举报人身份密文无法用当前配置的任何密钥解密（密钥已更换或密文被改动）。") from exc


def check_key(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """System check tips.E001: the platform must not start (without DEBUG) unable to protect tip reporters."""
    keys = _key_list(getattr(settings, "TIP_ENCRYPTION_KEY", ""))
    if not keys:
        return [checks.Error(
            "未配置 TIP_ENCRYPTION_KEY：举报人身份无法加密保存。",
            hint="设置环境变量 TIP_ENCRYPTION_KEY 为一个 Fernet 密钥（python -c \"from cryptography.fernet import "
                 "Fernet; print(Fernet.generate_key().decode())\"）；轮换时以逗号分隔，新密钥在前。",
            id="tips.E001",
        )]
    try:
        _fernet_for(tuple(keys))
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="tips.E002")]
    return []
