from django_tasks import task

from balise.plans import services


@task()
def remind_overdue_milestones() -> dict[str, int]:
    return services.overdue_milestone_reminders_send()


@task()
def refresh_indicators() -> dict[str, int]:
    return services.indicators_refresh()
