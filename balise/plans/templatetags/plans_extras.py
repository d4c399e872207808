from django import template

from balise.plans.enums import MeasureStatus, UpdateStatus

register = template.Library()


@register.filter
def status_label(value: str) -> str:
    for enum in (MeasureStatus, UpdateStatus):
        if value in enum.values:
            return str(enum(value).label)
    return value


@register.filter
def get_item(mapping: dict, key: str) -> object:
    return mapping.get(key, 0)
