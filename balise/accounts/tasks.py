from django_tasks import task

from balise.accounts.services import inactive_accounts_sweep


@task()
def sweep_inactive_accounts() -> dict[str, int]:
    return inactive_accounts_sweep()
