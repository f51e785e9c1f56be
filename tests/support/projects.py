"""Projects the tests work on: the repository's demo, the minimal project ``make_project``
writes, and the texts and edits tests make to them.

Nothing here writes into the checkout: :func:`load_demo` keeps the demo's parse cache in
memory (``briefgen.load_project(REPO)`` would write ``REPO/build/.briefgen-cache`` once
``make demo`` has made ``REPO/build``); a test that runs the command on the demo works on a
copy (the ``copy_demo`` fixture).
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import briefgen
from briefgen.cache import ParseCache

REPO = Path(__file__).resolve().parents[2]
ISSUED = dt.date(2026, 11, 20)
# The language tag of the demo's documents, by language: its briefgen.yaml writes Arabic as
# Moroccan Arabic.
DEMO_TAGS = {"fr": "fr", "en": "en", "ar": "ar-MA"}
TODAY = ISSUED  # what the clock says in every test (briefgen.clock): SOURCE_DATE_EPOCH
TODAY_EPOCH = str(int(dt.datetime.combine(TODAY, dt.time(), dt.UTC).timestamp()))

# -- The demo --------------------------------------------------------------------------------


def load_demo() -> briefgen.Project:
    """The repository's own demo project (facts/, packs/), its parse cache in memory."""
    return briefgen.load_project(REPO, cache=ParseCache())


# -- The minimal project (make_project's default) --------------------------------------------

MINIMAL_BASE = """\
id: base
title: {fr: Base de test, en: Test base}
subject: MA
as_of: 2022-05
languages: [fr, en]
sources:
  - {id: s1, title: {fr: Source un, en: Source one}, publisher: Ministère, date: 2022-05}
facts:
  - id: f1
    kind: position
    text: {fr: "Le Maroc soutient la Coalition.", en: "Morocco supports the Coalition."}
    talking_point: {fr: "Nous soutenons la Coalition.", en: "We support the Coalition."}
    sources: [s1]
  - id: f2
    kind: event
    date: 2018-06-26
    text: {fr: "Réunion le {date}.", en: "Meeting on {date}."}
    sources: [s1]
"""

MINIMAL_PACK = """\
id: meeting
meeting:
  title: {fr: Réunion de test, en: Test meeting}
  date: 2026-12-03
  place: {fr: Rabat, en: Rabat}
languages: [fr, en]
classification: {fr: DIFFUSION RESTREINTE, en: RESTRICTED}
facts: [base]
documents: [briefing-note]
"""

ProjectFactory = Callable[..., Path]
"""The ``make_project`` fixture: ``make_project(facts=..., packs=..., templates=...)``."""


def write_project(root: Path, base_text: str, pack_text: str) -> Path:
    """A project of one fact base (``facts/base.yaml``) and one pack (``packs/meeting.yaml``)."""
    for folder, name, text in (("facts", "base.yaml", base_text),
                               ("packs", "meeting.yaml", pack_text)):
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / name).write_text(text, encoding="utf-8")
    return root


def replace_once(path: Path, old: str, new: str) -> None:
    """Edit a fixture file; fail when ``old`` is not in it exactly once."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is in {path.name} {text.count(old)} times"
    path.write_text(text.replace(old, new), encoding="utf-8")


# -- The same small project in any languages -------------------------------------------------


def base_in(langs: list[str], *, sources: int = 1, countries: str = "[US, NE, IT]") -> str:
    """A small fact base whose texts, in every language, are the English ones."""

    def text(value: str) -> str:
        return "{" + ", ".join(f'{lang}: "{value}"' for lang in langs) + "}"

    listed = "\n".join(
        f"  - {{id: s{n}, title: {text(f'Source {n}')}, publisher: Ministry, date: 2022-05}}"
        for n in range(1, sources + 1))
    cited = ", ".join(f"s{n}" for n in range(1, sources + 1))
    return f"""\
id: base
title: {text("Test base")}
subject: MA
as_of: 2022-05
languages: [{", ".join(langs)}]
sources:
{listed}
facts:
  - id: f1
    kind: role
    countries: {countries}
    text: {text("Morocco co-chairs the group.")}
    talking_point: {text("We co-chair the group.")}
    sources: [{cited}]
"""


def pack_in(langs: list[str], extra: str = "", documents: str = "[briefing-note]",
            end: str = "") -> str:
    """The pack of :func:`base_in`'s base, in ``langs``."""

    def text(value: str) -> str:
        return "{" + ", ".join(f'{lang}: "{value}"' for lang in langs) + "}"

    return f"""\
id: meeting
meeting:
  title: {text("Test meeting")}
  date: 2026-12-03
{f"  end: {end}" + chr(10) if end else ""}languages: [{", ".join(langs)}]
classification: {text("RESTRICTED")}
facts: [base]
documents: {documents}
{extra}"""


# -- A full fact sheet: 25 facts of normal length, 12 of them dated --------------------------
# The fact sheet's own tests, the layout's and the benchmarks' (benchmarks/run.py).

FR = ("Le Maroc {verb} la coopération régionale contre le terrorisme, notamment par "
      "l'échange d'informations, la formation des forces de sécurité et le soutien aux pays "
      "partenaires du Sahel face aux groupes armés.")
EN = ("Morocco {verb} regional cooperation against terrorism, notably through the exchange "
      "of information, the training of security forces and support to partner countries of "
      "the Sahel facing armed groups.")
AR = ("يدعم المغرب التعاون الإقليمي في مكافحة الإرهاب، لا سيما من خلال تبادل المعلومات "
      "وتكوين قوات الأمن ودعم البلدان الشريكة في منطقة الساحل في مواجهة الجماعات المسلحة.")
VERBS = [("soutient", "supports"), ("encourage", "encourages"), ("renforce", "strengthens"),
         ("promeut", "promotes"), ("appuie", "backs")]
# Twelve dated facts over twenty years, at every precision.
DATES = ["2004-03-11", "2006", "2008-09", "2010-05-20", "2012", "2014-09-24", "2016-02",
         "2017-11-05", "2019", "2021-06", "2022-05-11", "2024-01-15"]


def full_fact(number: int, kind: str, langs: tuple[str, ...], repeat: int = 1, **extra: object
              ) -> dict[str, Any]:
    """Fact ``number`` of :func:`full_base`, of ``kind``, in ``langs``."""
    fr_verb, en_verb = VERBS[number % len(VERBS)]
    texts = {"fr": FR.format(verb=fr_verb), "en": EN.format(verb=en_verb), "ar": AR}
    if kind == "figure":  # a figure says what the number counts
        texts = {"fr": "agents de sécurité formés par le Maroc depuis 2015, dans le Sahel",
                 "en": "security officers trained by Morocco since 2015, in the Sahel",
                 "ar": "عنصر أمن كونهم المغرب منذ 2015 في منطقة الساحل"}
    text = {lang: " ".join([texts[lang]] * repeat) for lang in langs}
    return {"id": f"fact-{number:02d}", "kind": kind, "text": text, "sources": ["s1"], **extra}


def full_base(langs: tuple[str, ...], repeat: int = 1,
              facts: list[dict[str, Any]] | None = None) -> str:
    """A fact base of 25 facts of normal length (``repeat`` times that length)."""
    kinds = ["figure"] * 3 + ["position"] * 3 + ["principle"] * 4 + ["membership"] * 3
    items = [
        full_fact(i, kind, langs, repeat,
                  **({"value": 1250 * (i + 1)} if kind == "figure" else {}),
                  **({"countries": ["US", "NE", "IT"]} if kind == "membership" else {}))
        for i, kind in enumerate(kinds)
    ]
    items += [full_fact(13 + i, "event", langs, repeat, date=date)
              for i, date in enumerate(DATES)]
    document = {
        "id": "base", "title": {"fr": "Fiche de test", "en": "Test sheet", "ar": "بطاقة اختبار"},
        "subject": "MA", "as_of": "2024-02", "languages": list(langs),
        "sources": [{"id": "s1", "title": {lang: "Source" for lang in langs}, "date": "2024-02"}],
        "facts": facts if facts is not None else items,
    }
    document["title"] = {lang: document["title"][lang] for lang in langs}  # type: ignore[index]
    return json.dumps(document, ensure_ascii=False, indent=1)  # JSON is YAML


def full_pack(langs: tuple[str, ...]) -> str:
    """The pack of :func:`full_base`'s base: a fact sheet in ``langs``."""
    names = {"fr": "Réunion", "en": "Meeting", "ar": "اجتماع"}
    marks = {"fr": "DIFFUSION RESTREINTE", "en": "RESTRICTED", "ar": "نشر محدود"}
    return textwrap.dedent(f"""\
        id: meeting
        meeting:
          title: {json.dumps({lang: names[lang] for lang in langs}, ensure_ascii=False)}
          date: 2026-12-03
          counterpart: US
        languages: {json.dumps(list(langs))}
        classification: {json.dumps({lang: marks[lang] for lang in langs}, ensure_ascii=False)}
        facts: [base]
        documents: [fact-sheet]
        """)


# -- A project written as a new user writes it: bare placeholders, several countries, day
# and month dates, five languages. NEW_USER_FIXES are what `briefgen check` tells them. ---

NEW_USER_BASE = """\
id: partners
title: {fr: Partenaires, en: Partners, es: Socios, de: Partner, ar: الشركاء}
subject: MA
as_of: 2026-10
languages: [fr, en, es, de, ar]
sources:
  - {id: s1, title: {fr: Note, en: Note, es: Nota, de: Vermerk, ar: مذكرة}, publisher: Desk,
     date: 2026-10}
facts:
  - id: thanks
    kind: position
    countries: [IT, US]
    text:
      fr: "Nous remercions {countries} pour leur engagement."
      en: "We thank {countries} for their commitment."
      es: "Trabajamos con {countries} en la región."
      de: "Wir arbeiten mit {countries} zusammen."
      ar: "نتوجه بالشكر ل{countries} على التزامهما."
    talking_point:
      fr: "Le Maroc agit aux côtés de {countries}."
      en: "Morocco works alongside {countries}."
      es: "Marruecos actúa junto a {countries}."
      de: "Marokko handelt gemeinsam mit {countries}."
      ar: "يعمل المغرب إلى جانب {countries}."
    sources: [s1]
  - id: summit
    kind: event
    date: 2026-12-01
    countries: [GB, IL]
    label: {fr: Réunion, en: Meeting, es: Reunión, de: Treffen, ar: اجتماع}
    text:
      fr: "La réunion s'est tenue en {date} avec {countries:of}."
      en: "The meeting was held in {date}."
      es: "La reunión se celebró en {date}. ¿{countries} apoyarán la iniciativa?"
      de: "Das Treffen fand im {date} statt."
      ar: "عقد الاجتماع في {date}."
    sources: [s1]
  - id: ties
    kind: position
    countries: [IL]
    text:
      fr: "Il est rappelé que {countries} a rétabli ses relations avec le Maroc."
      en: "Relations were restored."
      es: "Se restablecieron las relaciones."
      de: "Die Beziehungen wurden wiederhergestellt."
      ar: "أعيدت العلاقات."
    sources: [s1]
  - id: plan
    kind: event
    date: 2026-05
    label: {fr: Plan, en: Plan, es: Plan, de: Plan, ar: خطة}
    text:
      fr: "{subject} a adopté un plan le {date}."
      en: "{subject} adopted a plan on {date}."
      es: "{subject} adoptó un plan el {date}."
      de: "{subject} hat am {date} einen Plan beschlossen."
      ar: "اعتمد {subject} خطة في {date}."
    sources: [s1]
"""

NEW_USER_PACK = """\
id: partners-meeting
meeting:
  title: {fr: Réunion des partenaires, en: Partners meeting, es: Reunión de socios,
          de: Partnertreffen, ar: اجتماع الشركاء}
  date: 2026-12-03
languages: [fr, en, es, de, ar]
classification: {fr: DIFFUSION RESTREINTE, en: RESTRICTED, es: RESTRINGIDO,
                 de: VS-NUR FÜR DEN DIENSTGEBRAUCH, ar: محدود}
facts: [partners]
documents: [briefing-note, talking-points]
"""

# What `briefgen check` asks for, as the new user then writes it.
NEW_USER_FIXES = {
    "Nous remercions {countries}": "Nous remercions {countries:def}",
    "We thank {countries}": "We thank {countries:def}",
    "Trabajamos con {countries}": "Trabajamos con {countries:def}",
    "mit {countries} zusammen": "mit {countries:to} zusammen",
    "بالشكر ل{countries}": "بالشكر {countries:to}",
    "aux côtés de {countries}": "aux côtés {countries:of}",
    "alongside {countries}": "alongside {countries:def}",
    "junto a {countries}": "junto {countries:to}",
    "gemeinsam mit {countries}": "gemeinsam mit {countries:to}",
    "tenue en {date} avec {countries:of}": "tenue le {date} avec {countries:def}",
    "que {countries} a rétabli": "que {countries:def} a rétabli",
    "held in {date}": "held on {date}",
    "celebró en {date}. ¿{countries}": "celebró el {date}. ¿{countries:def}",
    "im {date} statt": "am {date} statt",
    "{subject} a adopté un plan le {date}": "{subject:def} a adopté un plan en {date}",
    "{subject} adopted a plan on {date}": "{subject:def} adopted a plan in {date}",
    "{subject} adoptó un plan el {date}": "{subject:def} adoptó un plan en {date}",
    "{subject} hat am {date}": "{subject:def} hat im {date}",
}
