"""Explicit lifecycles. A model never has its status assigned directly: a service calls
``machine.apply(instance, event, actor=..., reason=...)``, which checks the transition, sets the
new state, saves, and writes a transition log row in the same transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TransitionNotAllowed(Exception):
    def __init__(self, event: str, state: str) -> None:
        super().__init__(f"event {event!r} is not allowed from state {state!r}")
        self.event = event
        self.state = state


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str


class StateMachine:
    def __init__(
        self,
        *,
        field: str,
        transitions: Mapping[str, tuple[Iterable[str], str]],
        log_model: Callable[[], type[models.Model]],
        log_fk: str,
        log_defaults: Mapping[str, Any] | None = None,
    ) -> None:
        self.field = field
        self.transitions = {
            event: Transition(frozenset(sources), target)
            for event, (sources, target) in transitions.items()
        }
        self._log_model = log_model
        self.log_fk = log_fk
        self.log_defaults = dict(log_defaults or {})

    @property
    def events(self) -> list[str]:
        return list(self.transitions)

    def allowed_events(self, state: str) -> list[str]:
        return [e for e, t in self.transitions.items() if state in t.sources]

    def can(self, instance: models.Model, event: str) -> bool:
        t = self.transitions.get(event)
        return t is not None and getattr(instance, self.field) in t.sources

    def target(self, state: str, event: str) -> str:
        t = self.transitions.get(event)
        if t is None or state not in t.sources:
            raise TransitionNotAllowed(event, state)
        return t.target

    def apply(
        self,
        instance: models.Model,
        event: str,
        *,
        actor: Any,
        reason: str = "",
        extra_update_fields: Iterable[str] = (),
    ) -> models.Model:
        """Apply ``event`` under a row lock, so two concurrent events cannot both succeed."""
        with transaction.atomic():
            model = type(instance)
            locked = model._default_manager.select_for_update().get(pk=instance.pk)
            source = getattr(locked, self.field)
            target = self.target(source, event)
            setattr(instance, self.field, target)
            instance.save(update_fields=[self.field, *extra_update_fields])
            self._log_model().objects.create(
                **{self.log_fk: instance},
                **self.log_defaults,
                event=event,
                from_state=source,
                to_state=target,
                actor=actor if getattr(actor, "pk", None) else None,
                reason=reason,
            )
        return instance


class TransitionLogBase(models.Model):
    """Who, when, why for every lifecycle step. Subclasses add the FK to their object."""

    event = models.CharField(_("event"), max_length=64)
    from_state = models.CharField(_("from"), max_length=64)
    to_state = models.CharField(_("to"), max_length=64)
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        abstract = True
        ordering = ["at"]
