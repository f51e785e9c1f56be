"""The translation of fact bases: what is translated and what is not, the files a
translation service exchanges, and ``briefgen translate stamp|export|import``.

- :mod:`~briefgen.translation.state` — read it first: each localized text of a base
  (:class:`~briefgen.translation.state.Translatable`), the stamps recording which source
  text a translation was made from (``translated_from:``), the missing and outdated
  translations (``gaps``, ``counts``) and the errors ``check`` and ``build`` report
  (:class:`~briefgen.translation.state.TranslationError`).
- :mod:`~briefgen.translation.exchange` — the PO and XLIFF 1.2 files: which units a base
  exports, what each says to the translator, writing and reading them.
- :mod:`~briefgen.translation.workflow` — the commands: ``stamp``, ``export``,
  ``import_translations``, and the checks of an incoming translation.
- :mod:`~briefgen.translation.writeback` — the safe write-back into the YAML fact bases:
  only the translated texts and their stamps change, checked before the files are replaced.

This file imports nothing on purpose: importing any module of the package runs it first,
and ``validate`` imports the state module while the workflow imports ``validate``, so a
package face re-exporting the workflow would close a circle (validate -> translation ->
workflow -> validate). Import the modules themselves. (The labels of the documents are
:mod:`briefgen.messages`; formatting numbers and dates per language is
:mod:`briefgen.i18n`.)
"""
