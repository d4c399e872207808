"""Fonts shipped with Balise for PDFs (DejaVu Sans: Latin, Arabic and more; see
LICENSE-DejaVu.txt), so that receipts and reports render in every language on any machine."""

from pathlib import Path

FONT_DIR = Path(__file__).parent
SANS = FONT_DIR / "DejaVuSans.ttf"
SANS_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
