"""Which label patterns are tried only at the number (match) rather than everywhere (search)."""

import pytest

from luoshi.extract.lexicon import _anchored

CASES = [
    ("^三项制度", True),
    ("^[一二三]+个?(?:一批|一体)", True),  # the | is inside a group
    ("^[|]x", True),  # inside a class
    ("^[]|]x", True),  # ] first in a class is a member
    (r"^\|x", True),  # escaped
    ("^a|b", False),  # b may match anywhere
    ("条(?:政策|措施)", False),
    ("", False),
]


@pytest.mark.parametrize("pattern,anchored", CASES)
def test_anchored(pattern: str, anchored: bool) -> None:
    assert _anchored(pattern) is anchored
