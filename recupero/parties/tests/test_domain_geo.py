import pytest

from recupero.parties.domain.geo import cap_matches_province, is_province, municipality_by_name, provinces


def test_there_are_107_provinces():
    assert len(provinces()) == 107
    assert provinces()["MI"] == "Milano"


@pytest.mark.parametrize(
    ("cap", "province", "ok"),
    [
        ("20121", "MI", True),
        ("00184", "RM", True),
        ("00184", "MI", False),
        ("80100", "NA", True),
        ("99999", "RM", False),
        ("20121", "XX", False),
    ],
)
def test_cap_matches_province(cap, province, ok):
    assert cap_matches_province(cap, province) is ok


def test_municipality_lookup():
    roma = municipality_by_name("Roma", "RM")
    assert roma is not None and roma.belfiore == "H501" and "00184" in roma.caps
    assert is_province("rm") and not is_province("ZZ")
