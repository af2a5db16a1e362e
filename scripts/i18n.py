"""Keep the dashboard's message catalogues in step with its templates and code.

    python scripts/i18n.py            # extract msgids, update every language's messages.po
    python scripts/i18n.py --check    # exit 1 if a msgid is new, gone, or untranslated

Strings are English msgids in ``web/templates/*.html`` (``_("...")``, ``ngettext``) and in
``web/*.py`` and ``mail/*.py`` (``_("...")``). English is the source language: its catalogue
stays empty. Every other language must translate every msgid, with the same ``%(name)s``
placeholders.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

WEB = Path(__file__).resolve().parent.parent / "src" / "ictfootprint" / "web"
# modules beyond web/ whose text the catalogues translate: the e-mail messages
MAIL = WEB.parent / "mail"
# and the printed reports' templates and code
REPORTS = WEB.parent / "reports"
LANGUAGES = ("ar", "zh", "fr", "ru", "es")  # English is the msgids' own language
METHODS = [("templates/**.html", "jinja2.ext:babel_extract"), ("*.py", "python")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
STABLE_DATE = datetime(2026, 11, 21, tzinfo=UTC)
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def extract() -> Catalog:
    template = Catalog(project="ictfootprint", domain="messages", fuzzy=False)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2)}
    sources = [
        (WEB, "", METHODS),
        (MAIL, "../mail/", [("*.py", "python")]),
        (REPORTS, "../reports/", METHODS),
    ]
    for folder, prefix, methods in sources:
        for filename, lineno, message, comments, context in extract_from_dir(
            str(folder), methods, OPTIONS, keywords=keywords
        ):
            template.add(
                message,
                None,
                [(prefix + filename, lineno)],
                auto_comments=comments,
                context=context,
            )
    return template


def path_of(lang: str) -> Path:
    return WEB / "locale" / lang / "LC_MESSAGES" / "messages.po"


def load(lang: str) -> Catalog:
    path = path_of(lang)
    if not path.exists():
        return Catalog(locale=lang, domain="messages", project="ictfootprint")
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def problems(lang: str, template: Catalog) -> list[str]:
    found: list[str] = []
    catalogue = load(lang)
    wanted = {m.id for m in template if m.id}
    have = {m.id for m in catalogue if m.id}
    for missing in sorted(wanted - have, key=str):
        found.append(f"{lang}: msgid not in the catalogue: {missing!r}")
    for extra in sorted(have - wanted, key=str):
        found.append(f"{lang}: msgid no longer used: {extra!r}")
    for message in catalogue:
        if not message.id or message.id not in wanted:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if message.fuzzy or not all(strings):
            found.append(f"{lang}: untranslated: {message.id!r}")
            continue
        expected = set(PLACEHOLDER.findall(ids[0]))
        for text in strings:
            if set(PLACEHOLDER.findall(text)) != expected:
                found.append(f"{lang}: placeholders differ in {message.id!r}: {text!r}")
    return found


def update(template: Catalog) -> None:
    for lang in LANGUAGES:
        catalogue = load(lang)
        catalogue.update(template, no_fuzzy_matching=True)
        catalogue.obsolete.clear()
        catalogue.fuzzy = False  # a fuzzy header would drop its plural forms from the .mo
        catalogue.creation_date = catalogue.revision_date = STABLE_DATE  # no diff noise
        catalogue.msgid_bugs_address = ""
        catalogue.last_translator = "ictfootprint developers"
        catalogue.language_team = f"{lang}"
        catalogue.copyright_holder = "ictfootprint developers"
        path = path_of(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(
                handle,
                catalogue,
                width=100,
                omit_header=False,
                # by msgid: the extraction order follows the file system's, which differs
                # between checkouts, and rewrote every catalogue at each merge
                sort_output=True,
                include_lineno=False,
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail on any missing translation")
    args = parser.parse_args()
    template = extract()
    if args.check:
        found = [p for lang in LANGUAGES for p in problems(lang, template)]
        for line in found:
            print(line, file=sys.stderr)
        print(f"{len(template)} messages, {len(LANGUAGES)} languages: {len(found)} problems")
        return 1 if found else 0
    update(template)
    print(f"{len(template)} messages written to {len(LANGUAGES)} catalogues")
    return 0


if __name__ == "__main__":
    sys.exit(main())
