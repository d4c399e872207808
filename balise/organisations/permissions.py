"""Who may do what with organisations: only administrators manage them; every signed-in member
sees their own organisations."""

from balise.accounts.enums import Role


def can_manage_organisations(user) -> bool:  # noqa: ANN001
    return user.is_authenticated and user.has_role(Role.ADMINISTRATOR)
