"""Case- and accent-folding lookup."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handover.errors import UsageError
from handover.library import load
from handover.names import NameIndex, fold, lookup

from .conftest import SHIPPED


@pytest.fixture(scope="module")
def index() -> NameIndex:
    dataset = load(SHIPPED)
    return NameIndex((h.id, [h.name, *h.aliases]) for h in dataset.handovers)


@pytest.mark.parametrize(
    "query",
    ["kalbajar", "Kalbajar District", "Kəlbəcər", "kelbecer", "KƏLBƏCƏR", "Kelbajar", "KARVACHAR"],
)
def test_every_spelling_finds_kalbajar(index: NameIndex, query: str) -> None:
    assert lookup(index, query) == "kalbajar"


@pytest.mark.parametrize(
    ("query", "hid"),
    [
        ("agdam", "aghdam"),
        ("AĞDAM", "aghdam"),
        ("akna", "aghdam"),
        ("Lacin", "lachin"),
        ("LAÇIN", "lachin"),
        ("berdzor", "lachin"),
        ("  lachin   district ", "lachin"),
    ],
)
def test_other_handovers_by_alias(index: NameIndex, query: str, hid: str) -> None:
    assert lookup(index, query) == hid


def test_letters_that_do_not_decompose_are_folded() -> None:
    assert fold("Kəlbəcər") == "kelbecer"
    assert fold("Laçın") == "lacin"
    assert fold("Łódź Ørsted Đakovo Æsir Œuvre") == "lodz orsted dakovo aesir oeuvre"


def test_unknown_name_suggests_the_closest(index: NameIndex) -> None:
    with pytest.raises(UsageError) as caught:
        lookup(index, "kalbajr")
    assert caught.value.exit_code == 2
    assert "unknown handover 'kalbajr'" in str(caught.value)
    assert "kalbajar" in str(caught.value)


def test_unknown_name_with_nothing_close_lists_the_known(index: NameIndex) -> None:
    with pytest.raises(UsageError, match="known handovers: aghdam, kalbajar, lachin"):
        lookup(index, "zzzzzz")


@given(st.text(max_size=30))
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)
