from django_tasks import task

from balise.observatory import services


@task()
def refresh_projection_task() -> dict[str, int]:
    """Periodic rebuild of the pseudonymised projection (no identifying data leaves it)."""
    refresh = services.refresh_projection(actor=None)
    return {"rows": refresh.rows}
