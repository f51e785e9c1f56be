"""Helpers the tests share, a module a subject. Fixtures are in tests/conftest.py; a helper
only one test file needs stays in that file; no test file imports from another.

- ``projects``: the demo (``REPO``, ``load_demo``), the day every test runs on (``ISSUED``,
  ``TODAY``), the minimal project ``make_project`` writes, projects written or edited in
  tests (``base_in``/``pack_in``, the 25-fact ``full_base``/``full_pack``, ``replace_once``).
- ``pdf``: PDFs read with poppler: ``pdftotext``, ``bbox`` (where each word sits),
  ``pdfinfo``, ``pdffonts``.
- ``office``: Word documents: ``HOSTILE`` texts, ``restyled_template``, LibreOffice
  (``needs_soffice``, ``convert_with_libreoffice``).
- ``browser``: a live ``briefgen serve`` and headless Chromium (also benchmarks/).
- ``demo``: the demo built once for the run, shared by the xdist workers (``demo_build``).
- ``tree``: snapshots of a folder: the guards that the checkout and the shared build are
  left as they were.
- ``imports``: briefgen's modules and the imports between them (test_architecture).
"""
