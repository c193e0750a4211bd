"""IPython extension the runner loads in every kernel it starts: a fast, complete exit.

When a kernel shuts down, Python's last garbage collection walks every object that pandas,
matplotlib, scipy and seaborn created: 0.5 to 1 s per notebook, spent after its results are
already written. Freezing the heap at exit skips that walk. IPython's own exit handler,
registered before this one and so run after it, still clears the notebook's namespace, so
files a notebook left open are closed and flushed as before.
"""

from __future__ import annotations

import atexit
import gc
from typing import Any


def load_ipython_extension(ipython: Any) -> None:
    """Called by IPython at kernel start (`--ext=synergies.kernel_exit`): freeze the heap at exit."""
    atexit.register(gc.freeze)
