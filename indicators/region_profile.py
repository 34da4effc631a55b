"""Region profiles ("Steckbriefe") and the "Handlungsbedarf" rules.

A profile gathers what the city's plan asks per Versorgungsgebiet: the population by age
group and the 65+ trend, the facilities by kind (including other social infrastructure that
could host senior offers), coverage with its range and data gaps, index and rank – and
sentences saying where action is needed. Those sentences follow only from the figures by
the rules below (written in the README as well); no name of a place is ever part of a rule.

Rules (each gives at most one sentence; the thresholds are module constants):

1. *Kein Treffpunkt*: the region has no counted meeting place but people of the target
   group.
2. *Viele außerhalb der Gehweite*: more than :data:`UNCOVERED_PEOPLE` people of the target
   group live beyond the walking threshold.
3. *Weniger als die Hälfte*: less than :data:`COVERED_SHARE` % of the target group live
   within it.
4. *Stadtteile ohne Treffpunkt*: member Stadtteile with at least :data:`MIN_PEOPLE` people
   of the target group and no counted meeting place (named by the data).
5. *Index*: the region is in the highest class of the under-served index (class 1).
6. *Datenlücke*: a member Stadtteil's coverage rests on a facility without position or with
   a position radius above the walking threshold (the flag of :mod:`register.completeness`).
7. *Andere Einrichtungen prüfen*: one of rules 1, 2 or 4 holds and the region has open
   places of other kinds (Mehrgenerationenhaus, Nachbarschaftstreff, Kinder- und
   Jugendhaus, …) whose use for senior work can be checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from indicators.format import count_text, format_number
from indicators.profile import AGE_GROUPS

#: Rule 2: more than this many people beyond the walking threshold.
UNCOVERED_PEOPLE = 500
#: Rule 3: less than this share (%) within the walking threshold.
COVERED_SHARE = 50.0
#: Rule 4: Stadtteile with at least this many people of the target group (as the index).
MIN_PEOPLE = 200
#: Facility categories of other social infrastructure that could host senior offers.
OTHER_CATEGORIES = {
    "generationen": "generationenübergreifend",
    "kinder_jugend": "Kinder und Jugend",
}


@dataclass(frozen=True)
class RegionProfile:
    """The profile of one region.

    Attributes
    ----------
    region : str
        Its name.
    stadtteile : list of str
        Member Stadtteile by name.
    ages : pandas.Series
        People per age group (label → count; missing if none published).
    trend : pandas.Series
        People 65+ per year (sum of the published members; missing if none).
    facilities : pandas.DataFrame
        ``Kategorie``, ``Art``, ``Anzahl`` (open), ``ohne Lage``.
    coverage : dict
        ``zielgruppe``, ``versorgt``, ``unversorgt``, ``anteil`` and ``anteil_min``/``_max``
        (%), ``einrichtungen``.
    rank : dict
        ``rang``, ``von`` (regions ranked), ``index``, ``klasse``, ``klasse_text``.
    gaps : list of str
        Data gaps of member Stadtteile ("Stadtteil: reason").
    needs : list of str
        Handlungsbedarf sentences (rules in the module docstring).
    unpublished : list of str
        Members whose age groups are not published.
    """

    region: str
    stadtteile: list[str]
    ages: pd.Series
    trend: pd.Series
    facilities: pd.DataFrame
    coverage: dict
    rank: dict
    gaps: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)
    unpublished: list[str] = field(default_factory=list)


def region_profiles(
    mapping: pd.DataFrame,
    statistik: pd.DataFrame,
    year: int,
    facilities: pd.DataFrame,
    stadtteil_coverage: pd.DataFrame,
    region_coverage: pd.DataFrame,
    region_ranking: pd.DataFrame,
    gaps: pd.DataFrame,
    *,
    max_walk_m: float,
    target_label: str = "65+",
) -> list[RegionProfile]:
    """Profiles of every region of a set, in the set's order.

    Parameters
    ----------
    mapping : pandas.DataFrame
        ``stadtteil_nr`` → ``region``.
    statistik : pandas.DataFrame
        Long statistics (``jahr``, ``stadtteil_nr``, ``stadtteil``, age columns).
    year : int
        Year of the profile; the trend runs over every year with ``alter_65plus``.
    facilities : pandas.DataFrame
        ``stadtteil_nr``, ``kategorie``, ``typ``, ``in_betrieb``, ``located`` (bool).
    stadtteil_coverage : pandas.DataFrame
        Per ``stadtteil_nr``: ``stadtteil``, ``zielgruppe``, ``einrichtungen``.
    region_coverage : pandas.DataFrame
        Per region: ``zielgruppe``, ``versorgt``, ``unversorgt``, ``anteil_versorgt``,
        ``versorgt_min``, ``versorgt_max``, ``einrichtungen``.
    region_ranking : pandas.DataFrame
        Per region: ``gerankt``, ``rang``, ``index``, ``klasse``, ``klasse_text``.
    gaps : pandas.DataFrame
        Per ``stadtteil_nr``: ``datenluecke`` (bool), ``datenluecke_grund``.
    max_walk_m : float
        The walking threshold (for the sentences).
    target_label : str
        The target group in the sentences.

    Returns
    -------
    list of RegionProfile
    """
    groups = mapping.set_index("stadtteil_nr")["region"]
    names = stadtteil_coverage["stadtteil"]
    ranked = int(region_ranking["gerankt"].sum())
    stats = statistik[statistik["stadtteil_nr"].isin(groups.index)]
    out = []
    for region in dict.fromkeys(mapping["region"]):
        members = list(groups.index[groups == region])
        ages, unpublished = _age_groups(stats, members, year, names)
        places = facilities[facilities["stadtteil_nr"].isin(members)]
        coverage = _coverage_figures(region_coverage.loc[region])
        rank = _rank_figures(region_ranking.loc[region], ranked)
        member_gaps = _member_gaps(members, gaps, names)
        without = _stadtteile_without_place(members, stadtteil_coverage)
        other = places[
            places["kategorie"].isin(OTHER_CATEGORIES) & (places["in_betrieb"] != "nein")
        ]
        needs = handlungsbedarf(
            coverage, rank, without, member_gaps, other["typ"].tolist(),
            max_walk_m=max_walk_m, target_label=target_label,
        )  # fmt: skip
        out.append(
            RegionProfile(
                region=region,
                stadtteile=[names.get(nr, nr) for nr in members],
                ages=ages,
                trend=_trend_65plus(stats, members),
                facilities=_facility_kinds(places),
                coverage=coverage,
                rank=rank,
                gaps=member_gaps,
                needs=needs,
                unpublished=unpublished,
            )
        )
    return out


def _age_groups(
    stats: pd.DataFrame, members: list, year: int, names: pd.Series
) -> tuple[pd.Series, list[str]]:
    """People per age group of the members in ``year``, and the members not published."""
    current = stats[(stats["jahr"] == year) & stats["stadtteil_nr"].isin(members)]
    ages = pd.Series(
        {label: current[column].sum(min_count=1) for column, label in AGE_GROUPS.items()}
    )
    unpublished = [
        f"{names.get(nr, nr)} ({nr})"
        for nr in current.loc[current[list(AGE_GROUPS)].isna().any(axis=1), "stadtteil_nr"]
    ]
    return ages, unpublished


def _trend_65plus(stats: pd.DataFrame, members: list) -> pd.Series:
    """People 65+ of the members per year (sum of the published ones)."""
    history = stats[stats["stadtteil_nr"].isin(members)].dropna(subset=["alter_65plus"])
    return history.groupby("jahr")["alter_65plus"].sum().sort_index()


def _coverage_figures(cov: pd.Series) -> dict:
    """The coverage dict of a profile from the region's row of the coverage table."""
    people = float(cov["zielgruppe"])
    return {
        "zielgruppe": people,
        "versorgt": float(cov["versorgt"]),
        "unversorgt": float(cov["unversorgt"]),
        "anteil": float(cov["anteil_versorgt"]),
        "anteil_min": 100 * float(cov["versorgt_min"]) / people if people else float("nan"),
        "anteil_max": 100 * float(cov["versorgt_max"]) / people if people else float("nan"),
        "einrichtungen": int(cov["einrichtungen"]),
    }


def _rank_figures(rank_row: pd.Series, ranked: int) -> dict:
    """The rank dict of a profile; empty figures for a region left out of the ranking."""
    return {
        "rang": int(rank_row["rang"]) if rank_row["gerankt"] else None,
        "von": ranked,
        "index": float(rank_row["index"]) if rank_row["gerankt"] else float("nan"),
        "klasse": int(rank_row["klasse"]) if rank_row["gerankt"] else None,
        "klasse_text": str(rank_row["klasse_text"]) if rank_row["gerankt"] else "",
    }


def _member_gaps(members: list, gaps: pd.DataFrame, names: pd.Series) -> list[str]:
    """Data gaps of the members as "Stadtteil: reason" (rule 6)."""
    return [
        f"{names.get(nr, nr)}: {gaps.at[nr, 'datenluecke_grund']}"
        for nr in members
        if nr in gaps.index and bool(gaps.at[nr, "datenluecke"])
    ]


def _stadtteile_without_place(members: list, stadtteil_coverage: pd.DataFrame) -> list[str]:
    """Members with at least :data:`MIN_PEOPLE` people and no counted place (rule 4)."""
    names = stadtteil_coverage["stadtteil"]
    return [
        names.get(nr, nr)
        for nr in members
        if nr in stadtteil_coverage.index
        and stadtteil_coverage.at[nr, "zielgruppe"] >= MIN_PEOPLE
        and stadtteil_coverage.at[nr, "einrichtungen"] == 0
    ]


def _facility_kinds(places: pd.DataFrame) -> pd.DataFrame:
    """Open places per category and type, with those without position."""
    open_places = places[places["in_betrieb"] != "nein"]
    if open_places.empty:
        return pd.DataFrame(columns=["Kategorie", "Art", "Anzahl", "ohne Lage"])
    table = (
        open_places.assign(ohne=~open_places["located"].astype(bool))
        .groupby(["kategorie", "typ"])
        .agg(Anzahl=("typ", "size"), ohne=("ohne", "sum"))
        .reset_index()
    )
    return table.rename(columns={"kategorie": "Kategorie", "typ": "Art", "ohne": "ohne Lage"})


def handlungsbedarf(
    coverage: dict,
    rank: dict,
    stadtteile_without: list[str],
    gaps: list[str],
    other_places: list[str],
    *,
    max_walk_m: float,
    target_label: str = "65+",
) -> list[str]:
    """Handlungsbedarf sentences from the figures (rules 1–7 of the module docstring).

    Parameters
    ----------
    coverage : dict
        ``zielgruppe``, ``unversorgt``, ``anteil``, ``einrichtungen``.
    rank : dict
        ``rang``, ``von``, ``klasse``.
    stadtteile_without : list of str
        Member Stadtteile with at least :data:`MIN_PEOPLE` people and no counted place.
    gaps : list of str
        Data gaps of member Stadtteile.
    other_places : list of str
        Types of the open places of other social infrastructure in the region.
    max_walk_m : float
        Walking threshold (m).
    target_label : str
        The target group.

    Returns
    -------
    list of str
        German sentences; one saying that no rule applies when none does.
    """
    needs = []
    people = coverage["zielgruppe"]
    walk = f"{format_number(max_walk_m)} m"
    no_place = coverage["einrichtungen"] == 0 and people > 0
    many = coverage["unversorgt"] > UNCOVERED_PEOPLE
    if no_place:
        needs.append(
            f"Kein gezählter Treffpunkt in der Region, obwohl hier {format_number(people)} "
            f"Personen der Zielgruppe „{target_label}“ wohnen."
        )
    if many:
        needs.append(
            f"{format_number(coverage['unversorgt'])} Personen der Zielgruppe wohnen weiter als "
            f"{walk} (Gehweg) vom nächsten gezählten Treffpunkt – mehr als "
            f"{format_number(UNCOVERED_PEOPLE)}."
        )
    if people > 0 and coverage["anteil"] < COVERED_SHARE:
        needs.append(
            f"Nur {format_number(coverage['anteil'], 1)} % der Zielgruppe wohnen in Gehweite "
            f"(weniger als {format_number(COVERED_SHARE)} %)."
        )
    if stadtteile_without:
        needs.append(
            f"Ohne gezählten Treffpunkt, aber mit mindestens {format_number(MIN_PEOPLE)} Personen "
            f"der Zielgruppe: {', '.join(stadtteile_without)}."
        )
    if rank.get("klasse") == 1:
        needs.append(
            f"Im Unterversorgungsindex in der höchsten Klasse (Rang {rank['rang']} von "
            f"{rank['von']} Regionen)."
        )
    if gaps:
        needs.append(
            "Datenlücke: die Versorgung beruht auf Einrichtungen ohne oder mit ungenauer Lage – "
            "vor einer Entscheidung die Lage klären (" + "; ".join(gaps) + ")."
        )
    if (no_place or many or stadtteile_without) and other_places:
        needs.append(_other_places_sentence(other_places))
    if not needs:
        needs.append(
            "Nach den Regeln (siehe README) ergibt sich aus den Daten kein Handlungsbedarf."
        )
    return needs


def _other_places_sentence(other_places: list[str]) -> str:
    """Rule 7: check whether open places of other kinds can host senior offers."""
    kinds = ", ".join(sorted(set(other_places)))
    return (
        f"Prüfen, ob {count_text(len(other_places), 'Einrichtung', 'Einrichtungen')} anderer "
        f"Art in der Region ({kinds}) Angebote für Seniorinnen und Senioren aufnehmen "
        "können."
    )
