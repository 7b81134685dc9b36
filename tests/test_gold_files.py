"""The gold of our own corpora is well-formed: contract fields, enums, and every `text` an exact
substring of its document (tests/corpus/check_gold.py)."""

import importlib.util
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location("check_gold", TESTS / "corpus" / "check_gold.py")
check_gold = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_gold)


@pytest.mark.parametrize("folder", ["corpus", "heldout"])
def test_gold_is_well_formed(folder, capsys):
    assert check_gold.check(False, TESTS / folder) == 0, capsys.readouterr().out
