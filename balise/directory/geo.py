"""Great-circle distances, for the safe-relocation rule (services far from the exploiters)."""

from __future__ import annotations

import math
from collections.abc import Iterable

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance in kilometres between two points given in decimal degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def min_distance_km(lat: float, lon: float, points: Iterable[tuple[float, float]]) -> float | None:
    """Distance to the nearest of ``points``; ``None`` when there is no point."""
    best: float | None = None
    for plat, plon in points:
        d = haversine_km(lat, lon, plat, plon)
        if best is None or d < best:
            best = d
    return best
