"""`run.memory.release_memory`: safe to call anywhere, whatever the C library and loaded packages."""

from __future__ import annotations

import ctypes
import sys

from synergies.run import memory


def test_release_memory_runs_and_keeps_objects_alive():
    kept = [str(i) for i in range(1000)]
    assert memory.release_memory() is None
    assert kept[999] == "999"


def test_release_memory_without_pyarrow_loaded(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    memory.release_memory()


def test_release_memory_when_the_c_library_has_no_malloc_trim(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise OSError("no such library")

    monkeypatch.setattr(ctypes, "CDLL", refuse)
    assert memory._trim_malloc() is False
    memory.release_memory()


def test_release_memory_on_another_system(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert memory._trim_malloc() is False
    memory.release_memory()
