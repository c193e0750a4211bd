"""The whole pipeline, end to end: fresh and deterministic outputs, bad input, hostile text.

These tests run the real notebooks through the real runner. They are the slowest in the
suite (about two minutes), and the ones that say whether the committed outputs can be trusted.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_aggregate import _hand_counts
from test_bad_inputs import CORPUS, _copy_of_shipped_data

from synergies import runner
from synergies.config import ROOT

PUBLISHED = ("outputs", "figures")
TRACEBACK = "Traceback (most recent call last)"


def _tracked_tree(target: Path) -> Path:
    """Copy the repository's tracked sources (not its outputs) to `target`, as a fresh clone."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        if name.split("/")[0] in PUBLISHED:
            continue
        source, dest = ROOT / name, target / name
        if source.is_file():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest)
    return target


def _run_pipeline(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run scripts/run_pipeline.py of the tree at `root`, importing that tree's package."""
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run(
        [sys.executable, str(root / "scripts" / "run_pipeline.py"), *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def _digest(directory: Path) -> dict[str, str]:
    """sha256 of every file under `directory`, keyed by relative path."""
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def _published_digest(root: Path) -> dict[str, str]:
    return {f"{top}/{k}": v for top in PUBLISHED for k, v in _digest(root / top).items()}


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the tracked tree after one full pipeline run with the default parameters."""
    root = _tracked_tree(tmp_path_factory.mktemp("clone"))
    done = _run_pipeline(root, "--force")
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def test_committed_outputs_are_what_the_code_produces(clone: Path) -> None:
    fresh, committed = _published_digest(clone), _published_digest(ROOT)
    stale = sorted(k for k in fresh.keys() | committed.keys() if fresh.get(k) != committed.get(k))
    assert not stale, (
        "The committed outputs are stale: a fresh run of the pipeline differs in "
        f"{len(stale)} file(s), e.g. {', '.join(stale[:5])}. Run `make run` and commit outputs/ and figures/."
    )


def test_two_runs_give_byte_identical_outputs(clone: Path) -> None:
    first = _published_digest(clone)
    done = _run_pipeline(clone, "--force")
    assert done.returncode == 0, done.stdout + done.stderr
    assert _published_digest(clone) == first


def test_a_run_prints_one_line_per_notebook_and_where_to_look(clone: Path) -> None:
    done = _run_pipeline(clone)  # nothing changed since the fixture's run
    notebooks = sorted(p.name for p in (clone / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    lines = done.stdout.splitlines()
    for name in notebooks:
        assert sum(name in line for line in lines) == 1, done.stdout
    assert "outputs" in done.stdout and "Open first" in done.stdout
    assert "TCP" not in done.stdout + done.stderr and TRACEBACK not in done.stdout + done.stderr


@pytest.fixture(scope="module")
def minimal_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The outputs of a run on other countries and domains with only the two required files."""
    from synergies.synthetic import write_synthetic

    base = tmp_path_factory.mktemp("minimal")
    data = write_synthetic(base / "data", only_required=True)
    out = base / "out"
    done = _run_pipeline(ROOT, "--data-dir", str(data), "--output-dir", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def test_other_countries_and_domains_with_only_the_required_files(minimal_run: Path) -> None:
    out = minimal_run
    table = (out / "tables" / "effects_by_domain.csv").read_text(encoding="utf-8").splitlines()
    header = table[0].split(",")
    got = {}
    for line in table[1:]:
        row = dict(zip(header, line.split(","), strict=True))
        for effect in ("beneficial", "adverse", "no_change", "unclear"):
            if int(row[effect]):
                key = (row["country"], row["case"], row["intervention"], row["domain"], effect)
                got[key] = int(row[effect])
    assert got == dict(_hand_counts(out.parent / "data"))
    for lang in ("en", "es"):
        text = (out / "narrative" / f"country_comparison.{lang}.md").read_text(encoding="utf-8")
        assert "institutional.csv" in text and "cases.csv" in text
    assert list((out / "figures").glob("effect-directions*.png"))
    institutions = (out / "html" / "06-map-institutions.html").read_text(encoding="utf-8")
    assert "institutional.csv" in institutions
    heatmap = (out / "html" / "02-plot-effect-directions.html").read_text(encoding="utf-8")
    assert 'alt="Effect-direction heatmap' in heatmap and "No description" not in heatmap
    evidence_map = (out / "html" / "09-map-evidence.html").read_text(encoding="utf-8")
    assert '<a href="evidence-map.html">Open the evidence map</a>' in evidence_map
    assert (out / "html" / "evidence-map.html").is_file()  # the link's target, beside the rendered notebook


def test_a_moved_output_directory_is_still_recognised_as_the_runner_s(
    minimal_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    moved = Path(shutil.copytree(minimal_run, tmp_path / "moved", symlinks=True))
    missing = tmp_path / "no-such-data"
    assert runner.main(["--data-dir", str(missing), "--output-dir", str(moved)]) == 1
    said = capsys.readouterr().err
    assert "did not make" not in said and "an existing data directory" in said


# --------------------------------------------------------------------------- bad input


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in directory.rglob("*") if p.is_file()}


@pytest.fixture
def previous_outputs(minimal_run: Path) -> Path:
    """An output directory holding the result of an earlier, successful run.

    Shared by the tests below: each snapshots it before and compares after, so a test that
    wrongly published would fail there.
    """
    return minimal_run


@pytest.mark.parametrize("kind", list(CORPUS))
def test_run_refuses_malformed_data_and_keeps_the_last_outputs(
    kind: str, tmp_path: Path, previous_outputs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = CORPUS[kind]
    copy = _copy_of_shipped_data(tmp_path / "data")
    built = case.build(copy)
    target = built if isinstance(built, Path) else copy
    before = _snapshot(previous_outputs)
    code = runner.main(["--data-dir", str(target), "--output-dir", str(previous_outputs)])
    said = capsys.readouterr()
    assert code == 1
    assert case.where in said.err and case.expected in said.err
    assert TRACEBACK not in said.out + said.err
    assert _snapshot(previous_outputs) == before
    assert not [p for p in previous_outputs.parent.iterdir() if ".staging-" in p.name]


@pytest.mark.parametrize("kind", ["bad direction", "semicolons", "mixed line endings"])
def test_make_run_refuses_malformed_data(kind: str, tmp_path: Path, previous_outputs: Path) -> None:
    if kind not in CORPUS:
        pytest.skip(f"corpus has no case named {kind!r}: {sorted(CORPUS)[:5]}")
    copy = _copy_of_shipped_data(tmp_path / "data")
    built = CORPUS[kind].build(copy)
    target = built if isinstance(built, Path) else copy
    before = _snapshot(previous_outputs)
    done = subprocess.run(
        ["make", "-s", "-o", ".venv/.installed", "run", f"DATA={target}", f"OUT={previous_outputs}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0
    assert CORPUS[kind].where in done.stderr
    assert TRACEBACK not in done.stdout + done.stderr
    assert _snapshot(previous_outputs) == before


# --------------------------------------------------------------------------- hostile text

SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(2)>"


def test_text_from_data_is_escaped_and_names_cannot_escape_the_output_dir(
    data_copy: Path, tmp_path: Path
) -> None:
    def replace(name: str, old: str, new: str) -> None:
        path = data_copy / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")

    # A note and a label with markup, and a case and an intervention named like paths.
    replace("outcomes.csv", "Less severe food insecurity is better.", f"Less is better {SCRIPT}")
    replace("outcomes.csv", "Savings,Ahorro", f"Savings {IMAGE},Ahorro {IMAGE}")
    replace("institutional.csv", "There was strong political will for coordination.", f"Will {SCRIPT}")
    for name in ("findings.csv", "cases.csv", "institutional.csv"):
        replace(name, "PPP", "../../escaped/PPP")
    replace("findings.csv", ",Haku Wiñay + Soft Skills,", ",..\\..\\HW / SS,")
    replace("arms.csv", "Colombia,PPP,PPP,", "Colombia,../../escaped/PPP,../../escaped/PPP,")
    replace("arms.csv", ",Haku Wiñay + Soft Skills,", ",..\\..\\HW / SS,")
    (data_copy / "claims.csv").unlink()  # its Country/Case lists cannot hold a case named with '/'
    out = tmp_path / "run" / "out"
    out.parent.mkdir()
    before = {p for p in tmp_path.rglob("*") if out not in p.parents and p != out}
    done = _run_pipeline(ROOT, "--data-dir", str(data_copy), "--output-dir", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    after = {p for p in tmp_path.rglob("*") if out not in p.parents and p != out}
    assert after == before, f"files written outside the output directory: {sorted(after - before)}"
    html = "".join(p.read_text(encoding="utf-8") for p in (out / "html").glob("*.html"))
    assert SCRIPT not in html and IMAGE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "alert(2)" in html  # shown as text, not dropped
    markdown = "".join(p.read_text(encoding="utf-8") for p in (out / "narrative").glob("*.md"))
    assert SCRIPT not in markdown
