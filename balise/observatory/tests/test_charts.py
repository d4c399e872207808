"""Server-rendered charts: accessible, escaped, suppressed figures shown by their marker."""

from balise.observatory import charts


def test_bar_chart_marks_suppressed_figures_and_escapes_labels():
    svg = charts.bar_chart([("<b>Travail</b>", 120, "120"), ("Mendicité", None, "<10")], "T")
    assert svg.count("<rect") == 1  # no bar for a suppressed figure
    assert "&lt;b&gt;Travail&lt;/b&gt;" in svg and "<b>" not in svg
    assert "&lt;10" in svg
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "style=" not in svg


def test_line_chart_leaves_a_gap_where_a_year_is_suppressed():
    svg = charts.line_chart([("2023", 40, "40"), ("2024", None, "c"), ("2025", 60, "60")], "T")
    assert "<polyline" not in svg  # no segment joins across the gap
    assert svg.count("<circle") == 2


def test_tile_map_shades_regions_and_writes_light_ink_on_dark_tiles():
    svg = charts.tile_map([("11", 800, "800"), ("24", 80, "80"), ("03", None, "c")], "T")
    assert "obs-tile-4" in svg and "obs-tile-none" in svg
    assert "obs-ink-light" in svg
