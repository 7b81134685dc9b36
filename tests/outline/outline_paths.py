"""Paths the outline tests read, in a module of its own name: ``from conftest import`` resolves to
whichever conftest pytest imported first, so it breaks when several test folders run together."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[3] / "shared"
