"""The rendered report as a reader receives it: one site per output directory, in one language.

- `translate`: page text in the reader's language (gettext catalogues keyed by English text);
- `tables`: the analysis tables as people read them (`for_people`);
- `citations`: the narrative as HTML, each citation linking to the rows it cites;
- `pages`: the index, narrative and findings pages, and the chapter pages' header (`chapter_page`);
- `names`: the file names of those pages (no heavy imports, for the runner's fast path).

Nothing is imported here, so that `synergies.site.names` stays cheap to import.
"""
