"""Case- and accent-folding lookup."""

from __future__ import annotations

import unicodedata

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


@pytest.mark.parametrize(
    "text,folded",
    [
        ("Kəlbəcər", "kelbecer"),
        ("KELBAJAR", "kelbajar"),
        ("  Ağdam   District ", "agdam district"),
        ("Straße", "strasse"),
        ("Şuşa", "susa"),
        ("Nagorno-Karabakh", "nagorno-karabakh"),
        ("Ḱosovo Polje", "kosovo polje"),
        ("Qarabağ", "qarabag"),
        ("Tabaʼ", "taba"),
        ("Sharm el-Sheikh’s", "sharm el-sheikh's"),
    ],
)
def test_fold_on_real_names(text: str, folded: str) -> None:
    assert fold(text) == folded


words = st.lists(st.text("abcdefghijklmnopqrstuvwxyz-'", min_size=1, max_size=8), min_size=1)


@given(words)
def test_folded_plain_text_is_itself(parts: list[str]) -> None:
    """Lowercase ASCII words with single spaces are already folded: fold changes nothing
    (a fold that dropped or mangled text would fail here)."""
    text = " ".join(parts)
    assert fold(text) == text


@given(words, st.sampled_from(["upper", "title", "spaces"]))
def test_case_and_spacing_do_not_matter(parts: list[str], how: str) -> None:
    text = " ".join(parts)
    changed = {
        "upper": text.upper(),
        "title": text.title(),
        "spaces": "  " + "   ".join(parts) + "\t",
    }[how]
    assert fold(changed) == text


@given(st.text(max_size=30))
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.text(st.characters(max_codepoint=127)))
def test_ascii_text_folds_as_the_unicode_rule_says(text: str) -> None:
    """fold takes a shortcut for ASCII text; it must agree with the full rule (decompose,
    drop combining marks, casefold, one space between words), written out here."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    assert fold(text) == " ".join(kept.casefold().split())
