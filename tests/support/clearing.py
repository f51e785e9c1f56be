"""A project of its own for the clearance chain (not the demo): Morocco's water talks with
Portugal in French, English and Arabic, kept in git; the edits a drafter makes after it is
cleared; and git and the command run on it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.projects import REPO, TODAY_EPOCH

PACK = "lisbonne-2026"

WATER = """\
# The water cooperation with Portugal (a test project, fictional).
id: pt-water
title: {fr: Coopération dans le domaine de l'eau, en: Water cooperation, ar: التعاون في مجال المياه}
subject: PT
as_of: 2026-10-01
languages: [fr, en, ar]
sources:
  - id: accord-2019
    title:
      fr: Accord de coopération sur l'eau
      en: Water cooperation agreement
      ar: اتفاق التعاون في مجال المياه
    publisher: Journal officiel
    date: 2019-05-14
  - id: communique-2025
    title: {fr: Communiqué conjoint, en: Joint communiqué, ar: بيان مشترك}
    date: 2025-06-10
facts:
  - id: dessalement
    kind: position
    text:
      fr: Le Maroc et le Portugal coopèrent sur le dessalement de l'eau de mer depuis 2019.
      en: Morocco and Portugal have cooperated on seawater desalination since 2019.
      ar: يتعاون المغرب والبرتغال في مجال تحلية مياه البحر منذ سنة 2019.
    talking_point:
      fr: Nous souhaitons étendre la coopération sur le dessalement aux régions du sud.
      en: We wish to extend the cooperation on desalination to the southern regions.
      ar: نرغب في توسيع التعاون في مجال التحلية ليشمل المناطق الجنوبية.
    sources: [accord-2019]
  - id: barrages
    kind: principle
    text:
      fr: La gestion des barrages repose sur un échange régulier de données hydrologiques.
      en: Dam management relies on a regular exchange of hydrological data.
      ar: تعتمد إدارة السدود على تبادل منتظم للبيانات الهيدرولوجية.
    talking_point:
      fr: Nous proposons un groupe de travail conjoint sur les barrages.
      en: We propose a joint working group on dams.
      ar: نقترح فريق عمل مشترك حول السدود.
    sources: [accord-2019]
  - id: reunion-lisbonne
    kind: event
    date: 2025-06-10
    text:
      fr: Réunion ministérielle de Lisbonne sur l'eau.
      en: Lisbon ministerial meeting on water.
      ar: الاجتماع الوزاري بلشبونة حول المياه.
    sources: [communique-2025]
"""

LISBON = """\
# Lisbon talks on water (a test pack).
id: lisbonne-2026
reference: DEA/2026/0077
status: draft
meeting:
  title:
    fr: Entretien sur l'eau avec le Portugal
    en: Talks on water with Portugal
    ar: مباحثات حول المياه مع البرتغال
  date: 2026-12-10
  place: {fr: Lisbonne, en: Lisbon, ar: لشبونة}
  counterpart: PT
languages: [fr, en, ar]
classification: {fr: DIFFUSION RESTREINTE, en: RESTRICTED, ar: نشر محدود}
facts: [pt-water]
documents: [briefing-note, talking-points]
issued: 2026-11-27   # printed on the documents

# who drafted it
drafted_by: {name: Salma Bennani}
"""

# The key message whose French and Arabic texts the drafter edits after clearance.
OLD_FR = "Nous souhaitons étendre la coopération sur le dessalement aux régions du sud."
NEW_FR = ("Nous souhaitons étendre rapidement la coopération sur le dessalement aux "
          "provinces du sud.")
OLD_AR = "نرغب في توسيع التعاون في مجال التحلية ليشمل المناطق الجنوبية."
NEW_AR = "نرغب في توسيع التعاون في مجال التحلية بسرعة ليشمل الأقاليم الجنوبية."

NEW_FACT = """\
  - id: fonds-eau
    kind: figure
    value: 40000000
    text:
      fr: Le fonds commun pour l'eau atteint {value} euros.
      en: The joint water fund reaches {value} euros.
      ar: يبلغ الصندوق المشترك للمياه {value} يورو.
    talking_point:
      fr: Nous saluons la création du fonds commun pour l'eau.
      en: We welcome the creation of the joint water fund.
      ar: نرحب بإنشاء الصندوق المشترك للمياه.
    sources: [communique-2025]
"""


def write_water_project(root: Path) -> Path:
    (root / "facts").mkdir(parents=True, exist_ok=True)
    (root / "packs").mkdir(parents=True, exist_ok=True)
    (root / "facts" / "water.yaml").write_text(WATER, encoding="utf-8")
    (root / "packs" / "lisbonne.yaml").write_text(LISBON, encoding="utf-8")
    return root


def edit_after_clearance(root: Path) -> None:
    """Edit the key message's French and Arabic, delete the fact on dams, add a fund."""
    path = root / "facts" / "water.yaml"
    text = path.read_text(encoding="utf-8")
    assert OLD_FR in text and OLD_AR in text
    text = text.replace(OLD_FR, NEW_FR).replace(OLD_AR, NEW_AR)
    start, end = text.index("  - id: barrages"), text.index("  - id: reunion-lisbonne")
    path.write_text(text[:start] + text[end:] + NEW_FACT, encoding="utf-8")


def git(root: Path, *args: str) -> str:
    """Run git in ``root`` as a test author, with no user or system configuration."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(root),
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Test Drafter",
           "GIT_AUTHOR_EMAIL": "drafter@example.org", "GIT_COMMITTER_NAME": "Test Drafter",
           "GIT_COMMITTER_EMAIL": "drafter@example.org",
           "GIT_AUTHOR_DATE": f"{TODAY_EPOCH} +0000", "GIT_COMMITTER_DATE": f"{TODAY_EPOCH} +0000"}
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                            env=env, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def commit_all(root: Path, message: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def init_repository(root: Path) -> str:
    git(root, "init", "-q", "-b", "main")
    return commit_all(root, "the brief as drafted")


def run_briefgen(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``briefgen ARGS`` in ``root``, this checkout's code, the tests' day."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "SOURCE_DATE_EPOCH": TODAY_EPOCH,
           "PYTHONPATH": str(REPO / "src"), "HOME": str(root), "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=root,
                          capture_output=True, text=True, env=env, check=False, timeout=600)
