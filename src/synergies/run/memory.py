"""Handing freed memory back to the system, so that the runner's resident set falls between stages.

The runner validates the data (about a gigabyte at 10^6 findings while the CSV files are parsed and
checked), pickles them for the kernels and lets them go while the notebooks run. Dropping the last
reference frees the objects, but not always the pages: CPython's allocator keeps its arenas, Arrow's
memory pool (jemalloc or mimalloc) keeps what it has cached, and glibc's malloc keeps freed heap
below its top. The resident set then stays at its peak while the kernels run beside it, and the
site's pages, built afterwards, grow on top of it. `release_memory` asks each of them to give back
what it does not use; it never fails a run over it.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import sys


def _trim_malloc() -> bool:
    """glibc only: return the free memory of malloc's heaps to the system (`malloc_trim(0)`)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim  # absent from musl and other C libraries
    except (OSError, AttributeError):
        return False
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return bool(trim(0))


def _release_arrow() -> None:
    """Return the memory Arrow's default pool holds cached but unused (when pyarrow is loaded)."""
    pyarrow = sys.modules.get("pyarrow")
    if pyarrow is None:
        return
    with contextlib.suppress(Exception):  # an old pyarrow, or a pool that cannot release
        pyarrow.default_memory_pool().release_unused()


def release_memory() -> None:
    """Collect garbage and hand unused memory back to the system: Arrow's pool, then glibc's heap.

    Safe anywhere and at any time: each step is skipped where it is not available (no pyarrow
    loaded, another C library or system) and none raises.
    """
    gc.collect()
    _release_arrow()
    with contextlib.suppress(Exception):
        _trim_malloc()
