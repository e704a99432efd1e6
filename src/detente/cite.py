"""Citations: the package, the models and measures it implements, and the data a command reads.

``detente cite TOPIC...`` prints BibTeX (default) or CSL-JSON for topics such as ``package``,
``kappa``, ``cinc``, ``eum``, ``atop``, a command family (``panel``, ``forecast``) or ``world``
(the dataset sources of the world in use); ``detente world sources --bibtex`` prints a world's
whole bibliography. The entries below are typed from the publications themselves (authors, titles,
venues, years); nothing is fetched.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from detente import __version__
from detente.errors import InputError, Problem
from detente.world.records import Source

__all__ = [
    "REFERENCES",
    "TOPICS",
    "Reference",
    "format_references",
    "references_for",
    "source_reference",
    "to_bibtex",
    "to_csl",
]

Format = Literal["bibtex", "csl-json"]


@dataclass(frozen=True)
class Reference:
    """A bibliographic entry; ``kind`` is a BibTeX entry type."""

    key: str
    kind: str
    title: str
    authors: tuple[str, ...] = ()  # "Family, Given" or an institution
    year: int | None = None
    journal: str | None = None
    booktitle: str | None = None
    volume: str | None = None
    number: str | None = None
    pages: str | None = None
    publisher: str | None = None
    url: str | None = None
    doi: str | None = None
    version: str | None = None
    note: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


REFERENCES: dict[str, Reference] = {
    r.key: r
    for r in (
        Reference(
            "detente",
            "software",
            "Détente: modelling, forecasting and explaining security cooperation",
            ("Détente developers",),
            2026,
            version=__version__,
            note="Python package; cite the version you used",
        ),
        Reference(
            "singer1972",
            "incollection",
            "Capability Distribution, Uncertainty, and Major Power War, 1820-1965",
            ("Singer, J. David", "Bremer, Stuart", "Stuckey, John"),
            1972,
            booktitle="Peace, War, and Numbers",
            pages="19--48",
            publisher="Sage",
            note="Defines CINC; edited by Bruce Russett",
        ),
        Reference(
            "cow-nmc",
            "misc",
            "National Material Capabilities Data Set",
            ("Correlates of War Project",),
            note="Cite the version read (v6.0, 2021, or v7.0) with its codebook",
            url="https://correlatesofwar.org/data-sets/national-material-capabilities/",
        ),
        Reference(
            "buenodemesquita1975",
            "article",
            "Measuring Systemic Polarity",
            ("Bueno de Mesquita, Bruce",),
            1975,
            journal="Journal of Conflict Resolution",
            volume="19",
            number="2",
            pages="187--216",
        ),
        Reference(
            "kendall1945",
            "article",
            "The Treatment of Ties in Ranking Problems",
            ("Kendall, Maurice G.",),
            1945,
            journal="Biometrika",
            volume="33",
            number="3",
            pages="239--251",
        ),
        Reference(
            "signorino1999",
            "article",
            "Tau-b or Not Tau-b: Measuring the Similarity of Foreign Policy Positions",
            ("Signorino, Curtis S.", "Ritter, Jeffrey M."),
            1999,
            journal="International Studies Quarterly",
            volume="43",
            number="1",
            pages="115--144",
        ),
        Reference(
            "hage2011",
            "article",
            "Choice or Circumstance? Adjusting Measures of Foreign Policy Similarity for Chance "
            "Agreement",
            ("Häge, Frank M.",),
            2011,
            journal="Political Analysis",
            volume="19",
            number="3",
            pages="287--305",
        ),
        Reference(
            "leeds2002",
            "article",
            "Alliance Treaty Obligations and Provisions, 1815-1944",
            (
                "Leeds, Brett Ashley",
                "Ritter, Jeffrey M.",
                "Mitchell, Sara McLaughlin",
                "Long, Andrew G.",
            ),
            2002,
            journal="International Interactions",
            volume="28",
            number="3",
            pages="237--260",
            note="ATOP; cite the version read (e.g. 5.1) with its codebook",
        ),
        Reference(
            "pevehouse2020",
            "article",
            "Tracking Organizations in the World: The Correlates of War IGO Version 3.0 Datasets",
            (
                "Pevehouse, Jon C. W.",
                "Nordstrom, Timothy",
                "McManus, Roseanne W.",
                "Jamison, Anne Spencer",
            ),
            2020,
            journal="Journal of Peace Research",
            volume="57",
            number="3",
            pages="492--503",
        ),
        Reference(
            "cow-states",
            "misc",
            "State System Membership List",
            ("Correlates of War Project",),
            2017,
            version="2016",
            note="Major powers (majors2016.csv; the 2024 release extends the spells)",
            url="https://correlatesofwar.org/data-sets/state-system-membership/",
        ),
        Reference(
            "weede1976",
            "article",
            "Overwhelming Preponderance as a Pacifying Condition among Contiguous Asian Dyads, "
            "1950-1969",
            ("Weede, Erich",),
            1976,
            journal="Journal of Conflict Resolution",
            volume="20",
            number="3",
            pages="395--411",
        ),
        Reference(
            "lemke2001",
            "article",
            "The Relevance of Politically Relevant Dyads",
            ("Lemke, Douglas", "Reed, William"),
            2001,
            journal="Journal of Conflict Resolution",
            volume="45",
            number="1",
            pages="126--144",
        ),
        Reference(
            "buenodemesquita1994",
            "incollection",
            "Political Forecasting: An Expected Utility Method",
            ("Bueno de Mesquita, Bruce",),
            1994,
            booktitle="European Community Decision Making: Models, Applications, and Comparisons",
            pages="71--104",
            publisher="Yale University Press",
            note="Edited by Bruce Bueno de Mesquita and Frans N. Stokman",
        ),
        Reference(
            "scholz2011",
            "article",
            "Unravelling Bueno De Mesquita's Group Decision Model",
            ("Scholz, Jason B.", "Calbert, Gregory J.", "Smith, Glen A."),
            2011,
            journal="Journal of Theoretical Politics",
            volume="23",
            number="4",
            pages="510--531",
        ),
        Reference(
            "ktab",
            "software",
            "KTAB: KAPSARC Toolkit for Behavioral Analysis",
            ("King Abdullah Petroleum Studies and Research Center",),
            url="https://github.com/KAPSARC/KTAB",
            note="Spatial model of politics (SMP); MIT licence",
        ),
    )
}
"""Every reference Détente can print, by key."""

TOPICS: dict[str, tuple[str, ...]] = {
    "package": ("detente",),
    "cinc": ("singer1972",),
    "nmc": ("singer1972", "cow-nmc"),
    "tau_b": ("buenodemesquita1975", "kendall1945"),
    "s": ("signorino1999",),
    "kappa": ("hage2011",),
    "pi": ("hage2011",),
    "relevant": ("weede1976", "lemke2001", "cow-states"),
    "atop": ("leeds2002",),
    "igo": ("pevehouse2020",),
    "eum": ("buenodemesquita1994", "scholz2011"),
    "smp": ("ktab",),
}
TOPICS["panel"] = (
    "detente",
    *dict.fromkeys(k for t in ("cinc", "tau_b", "s", "kappa", "relevant") for k in TOPICS[t]),
)
TOPICS["forecast"] = ("detente", *TOPICS["eum"], *TOPICS["smp"])
"""Topic (measure, model, data set or command) -> reference keys; ``world`` is added at run time."""


def references_for(topics: Sequence[str], world_sources: Iterable[Source] = ()) -> list[Reference]:
    """The references of ``topics`` (package first, no repeats); ``world`` adds ``world_sources``.

    Raises :class:`InputError` for an unknown topic, listing the known ones.
    """
    known = [*TOPICS, "world"]
    unknown = [t for t in topics if t not in known]
    if unknown:
        raise InputError(
            Problem(
                None,
                None,
                "TOPIC",
                f"unknown topic(s) {', '.join(unknown)} (expected: {', '.join(known)})",
            )
        )
    keys: dict[str, Reference] = {"detente": REFERENCES["detente"]}
    for topic in topics:
        if topic == "world":
            for s in world_sources:
                keys.setdefault(s.id, source_reference(s))
            continue
        for key in TOPICS[topic]:
            keys.setdefault(key, REFERENCES[key])
    return list(keys.values())


_KIND_BIBTEX = {
    "report": "techreport",
    "article": "article",
    "book": "book",
    "news": "misc",
    "web": "misc",
    "dataset": "misc",
    "treaty": "misc",
    "document": "misc",
    "cable": "misc",
}


def source_reference(source: Source) -> Reference:
    """A world's :class:`~detente.world.records.Source` as a :class:`Reference`."""
    authors = tuple(a.strip() for a in (source.author or "").split(";") if a.strip())
    published = getattr(source, "published", None)  # a newer world schema's publication date
    year = source.year or (source.date.year if source.date else None)
    if year is None and isinstance(published, str):
        year = int(published[:4])
    kind = _KIND_BIBTEX[source.kind]
    note = "; ".join(p for p in (source.kind if kind == "misc" else None, source.note) if p)
    return Reference(
        key=source.id,
        kind=kind,
        title=source.title,
        authors=authors,
        year=year,
        journal=source.publisher if kind == "article" else None,
        publisher=None if kind == "article" else source.publisher,
        url=source.url,
        note=note or None,
        extra={"date": source.date.isoformat()} if source.date else {},
    )


_BIB_SPECIAL = re.compile(r"([&%$#_{}])")


def _bib_escape(text: str) -> str:
    return _BIB_SPECIAL.sub(r"\\\1", text).replace("~", r"\textasciitilde{}")


def _bib_authors(authors: Sequence[str]) -> str:
    # an institution (no comma) is braced so BibTeX does not split it into names
    return " and ".join(a if "," in a else "{" + a + "}" for a in authors)


def to_bibtex(refs: Iterable[Reference]) -> str:
    """BibTeX entries, one per reference (UTF-8; special characters escaped)."""
    out = []
    for r in refs:
        fields: list[tuple[str, str]] = []
        if r.authors:
            fields.append(("author", _bib_authors([_bib_escape(a) for a in r.authors])))
        fields.append(("title", "{" + _bib_escape(r.title) + "}"))
        for name in ("journal", "booktitle", "volume", "number", "pages", "publisher"):
            value = getattr(r, name)
            if value:
                fields.append((name, value if name == "pages" else _bib_escape(value)))
        if r.year:
            fields.append(("year", str(r.year)))
        fields.extend((k, _bib_escape(v)) for k, v in r.extra.items())
        for name in ("version", "doi", "url", "note"):
            value = getattr(r, name)
            if value:
                fields.append((name, value if name in ("url", "doi") else _bib_escape(value)))
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
        out.append(f"@{r.kind}{{{r.key},\n{body}\n}}")
    return "\n\n".join(out) + ("\n" if out else "")


_CSL_TYPES = {
    "article": "article-journal",
    "incollection": "chapter",
    "book": "book",
    "techreport": "report",
    "software": "software",
    "misc": "document",
}


def _csl_name(author: str) -> dict[str, str]:
    if "," in author:
        family, given = (p.strip() for p in author.split(",", 1))
        return {"family": family, "given": given}
    return {"literal": author}


def to_csl(refs: Iterable[Reference]) -> list[dict[str, Any]]:
    """CSL-JSON items (the format of Zotero, Pandoc and citeproc)."""
    items = []
    for r in refs:
        item: dict[str, Any] = {"id": r.key, "type": _CSL_TYPES.get(r.kind, "document")}
        item["title"] = r.title
        if r.authors:
            item["author"] = [_csl_name(a) for a in r.authors]
        if r.year:
            item["issued"] = {"date-parts": [[r.year]]}
        container = r.journal or r.booktitle
        if container:
            item["container-title"] = container
        for name, key in (
            ("volume", "volume"),
            ("number", "issue"),
            ("publisher", "publisher"),
            ("url", "URL"),
            ("doi", "DOI"),
            ("version", "version"),
            ("note", "note"),
        ):
            value = getattr(r, name)
            if value:
                item[key] = value
        if r.pages:
            item["page"] = r.pages.replace("--", "-")
        items.append(item)
    return items


def format_references(refs: Sequence[Reference], fmt: Format = "bibtex") -> str:
    """``refs`` as BibTeX or CSL-JSON text."""
    if fmt == "bibtex":
        return to_bibtex(refs)
    return json.dumps(to_csl(refs), indent=2, ensure_ascii=False) + "\n"
