from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    READ = "read", _("Read identifying data")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    TRANSITION = "transition", _("Status changed")
    EXPORT = "export", _("Exported")
    DOWNLOAD = "download", _("Downloaded a file")
    LOGIN = "login", _("Logged in")
    LOGOUT = "logout", _("Logged out")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGIN_THROTTLED = "login_throttled", _("Login refused: too many attempts")
    MFA_ENROLLED = "mfa_enrolled", _("Second factor enrolled")
    MFA_FAILED = "mfa_failed", _("Wrong second factor")
    BACKUP_CODE_USED = "backup_code_used", _("Backup code used")
    TOKEN_CREATED = "token_created", _("API token created")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    PURGE = "purge", _("Purged under the retention rule")
    KEY_ROTATION = "key_rotation", _("Encryption keys rotated")
    ACCESS_DENIED = "access_denied", _("Access denied")
