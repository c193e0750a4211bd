"""Run the analysis notebooks with papermill and publish their outputs atomically, with a cache.

`make run` calls `main` (through scripts/run_pipeline.py). A run:

1. finds `notebooks/NN-*.ipynb`, picks the ones `--only` names, and fingerprints each one's
   inputs (notebook, data files it reads, package source, parameters);
2. skips notebooks whose fingerprint and published outputs match the manifest of the last
   successful run (a run where nothing changed returns at once, without heavy imports);
3. otherwise validates the data (`synergies.load.load_evidence`), checks every notebook's
   `parameters` cell, and executes the changed notebooks, `--jobs` at a time, each into its
   own area of a hidden staging directory beside the output directory;
4. normalises each executed notebook (no timings, fixed cell ids, published paths instead of
   staging paths), renders it to HTML without code, assembles the complete new tree from the
   fresh results plus the unchanged notebooks' published files, writes the manifest, and
   swaps the staging directories in for the published ones.

Any failure, timeout, Ctrl-C or SIGTERM leaves the published outputs as they were and removes
the staging directories. A run that is killed outright (kill -9, out of memory, power loss)
cannot clean up; the next run does it: every run holds a lock per output directory (a second
run waits for the first) and, before anything else, finishes or undoes whatever publish a
killed run left behind (`synergies.publish` documents the states and what recovery does).

Relative paths on the command line are taken from the current directory, as for any command;
without an option the repository's own `data/`, `notebooks/`, `outputs/` and `figures/` are
used, wherever the command is run from (`python -m synergies validate` does the same).

Before anything reads a data file (to fingerprint it or to validate it), every input is checked
to be a regular, readable file: a FIFO or a link to /dev/zero would otherwise block for ever.

Heavy modules (papermill, nbformat, nbconvert) are imported lazily,
once, without the optional packages they would load for nothing (UNUSED_AT_IMPORT); every
kernel loads `synergies.kernel_exit`, so that it exits without a final garbage collection.
scripts/benchmark.py measures all this against a floor of notebooks that only import.

The stages, one module each: `cli` (options, messages, the order of a run), `discovery`
(notebooks and their parameters), `plan` (fingerprints, manifest, what to run), `checks`
(before anything runs), `execute` (kernels, papermill), `render` (normalised notebooks, HTML),
`publish` (staging and the atomic swap; the lock and journal are `synergies.publish`), and
`common` (options, errors, signals, hashing shared by all).
"""
