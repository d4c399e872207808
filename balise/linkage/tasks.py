"""Background scoring of one person against the register."""

from __future__ import annotations

from django_tasks import task


@task()
def score_person_task(person_id: str) -> int:
    """Store the possible matches of one person; returns how many are pending."""
    from balise.linkage import services
    from balise.persons.models import Person

    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        return 0
    return len(services.score_person(person))
