"""`make catalogues`: extract the package's phrases, merge them into each catalogue, compile.

Runs `pybabel extract`, `pybabel update` and `pybabel compile` with the settings in
`synergies.text.catalogue`, then extracts the notebooks' Markdown cells into the site catalogue
(`site.po`, which the pages read as it is: nothing to compile). New phrases and cells appear in
the `.po` files with an empty msgstr for a translator to fill; then run this again to compile
them. Exit status 1 if any catalogue still has untranslated or fuzzy entries, naming them.
"""

from __future__ import annotations

import os
import sys

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from synergies import config
from synergies.site import translate
from synergies.text import catalogue


def _pybabel(args: list[str]) -> None:
    """Run one pybabel command in-process, quietly."""
    CommandLineInterface().run(["pybabel", "-q", *args])


def main() -> int:
    """Extract, update and compile every catalogue; report what still needs a translator."""
    os.chdir(catalogue.ROOT)
    _pybabel(catalogue.extract_args())
    missing = []
    for lang in catalogue.TRANSLATED:
        if not catalogue.po_path(lang).exists():
            catalogue.po_path(lang).parent.mkdir(parents=True, exist_ok=True)
            _pybabel(
                [
                    "init",
                    "-i",
                    str(catalogue.TEMPLATE),
                    "-o",
                    str(catalogue.po_path(lang)),
                    "-l",
                    lang,
                    "--no-wrap",
                ]
            )
        _pybabel(catalogue.update_args(lang))
        _pybabel(catalogue.compile_args(lang))
        with catalogue.po_path(lang).open("rb") as handle:
            po = read_po(handle)
        for message in po:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.id and (message.fuzzy or not all(strings)):
                missing.append(f"{catalogue.po_path(lang).name} [{lang}]: {message.id!r}")
    cells = translate.notebook_texts(config.NOTEBOOKS_DIR)
    for lang in catalogue.TRANSLATED:
        for text in translate.add_missing(cells, lang):
            print(f"added to {translate.catalogue_path(lang).name} [{lang}]: {text[:60]!r}", file=sys.stderr)
        for text in translate.untranslated(lang):
            missing.append(f"{translate.catalogue_path(lang).name} [{lang}]: {text[:80]!r}")
    for line in missing:
        print(f"needs a translation: {line}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
