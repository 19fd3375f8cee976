"""Province registry: 63 provinces (2008-2025) and the 34 units of 1 July 2025."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from papikit import _core
from papikit._display import Lang, check_lang


@dataclass(frozen=True)
class Province:
    """One of the 63 provinces.

    Examples
    --------
    >>> import papikit as pk
    >>> p = pk.province("Dak Lak")
    >>> p.code, p.name_vi, p.region_en
    (66, 'Đắk Lắk', 'Central Highlands')
    """

    code: int
    name_vi: str
    name_en: str
    region_id: int
    region_en: str
    region_vi: str
    unit_2025: int

    def name(self, lang: Lang = "vi") -> str:
        """Name in the chosen language ("vi" with diacritics, "en" ASCII)."""
        return self.name_vi if check_lang(lang) == "vi" else self.name_en

    def region(self, lang: Lang = "en") -> str:
        """Region name in the chosen language."""
        return self.region_vi if check_lang(lang) == "vi" else self.region_en

    def __str__(self) -> str:
        return f"{self.name_vi} ({self.code})"


@dataclass(frozen=True)
class Unit2025:
    """One of the 34 provincial units from 1 July 2025, with its 63-era member provinces."""

    code: int
    name_vi: str
    name_en: str
    members: tuple[int, ...]
    region_id: int
    region_en: str
    region_vi: str


def province_arg(p: str | int | Province) -> str:
    """A province argument as the string the Rust side resolves (name, alias or GSO code)."""
    if isinstance(p, Province):
        return str(p.code)
    if isinstance(p, bool) or not isinstance(p, (str, int)):
        raise _core.InvalidArgumentError(
            f"invalid value for province: {p!r}; use a name, a GSO code or pk.province(...)"
        )
    return str(p)


def province(query: str | int | Province) -> Province:
    """Find a province by name, alias or GSO code.

    Diacritics, case, spacing and prefixes ("tỉnh", "TP") never matter; "Đắc Lắc"-style spellings
    and common aliases (TP HCM, HCMC, Huế, BR-VT ...) are understood.

    Raises
    ------
    UnknownProvinceError
        With the three closest names.

    Examples
    --------
    >>> import papikit as pk
    >>> [pk.province(q).code for q in ["Đắk Lắk", "daklak", "DAK LAK", "Đắc Lắc", 66, "66"]]
    [66, 66, 66, 66, 66, 66]
    >>> pk.province("HCMC").name_vi
    'Thành phố Hồ Chí Minh'
    """
    if isinstance(query, Province):
        return query
    d = _core.province(str(query))
    return Province(**d)


def unit_2025(query: str | int) -> Unit2025:
    """The 2025 unit a name or code belongs to (a pre-merger province gives the unit it joined).

    Examples
    --------
    >>> import papikit as pk
    >>> u = pk.unit_2025("Phú Yên")
    >>> u.name_vi, u.members
    ('Đắk Lắk', (54, 66))
    """
    d = _core.unit_2025(str(query))
    d["members"] = tuple(d["members"])
    return Unit2025(**d)


def provinces(era: int = 63) -> pl.DataFrame:
    """The province table: ``era=63`` gives the 63 provinces (with the unit each joined in 2025),
    ``era=34`` the 34 units with their members. A year is accepted too: the year of the merger
    (2025) gives the 34 units, the year before it the 63 provinces.

    Examples
    --------
    >>> import papikit as pk
    >>> pk.provinces().height, pk.provinces(era=2025).height
    (63, 34)
    """
    return _core.provinces_63() if _core.parse_era(era) == 63 else _core.units_2025()


def crosswalk_2025() -> pl.DataFrame:
    """The 63 -> 34 crosswalk: one row per old province with the code and name of its 2025 unit."""
    return _core.crosswalk_2025()
