"""Test settings: the same as production but fast hashing and immediate background tasks."""
from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Close connections after each request: a live-server thread holding one open would keep PostgreSQL from
# dropping the test database at the end of the run.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# A fixed Fernet key, so that tests never depend on the environment (apps/tips/crypto.py).
TIP_ENCRYPTION_KEY = "8NoSIQR874xx1GWPysO2ekPZvni_-jdmIeLRMcScKcA="
