from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Email and password; inactive users never authenticate and lose their sessions at once
    (Django re-checks ``is_active`` when it loads the session's user)."""

    def authenticate(self, request, username=None, password=None, **kwargs):  # noqa: ANN001, ANN201
        if username:
            username = username.strip().lower()
        return super().authenticate(request, username=username, password=password, **kwargs)
