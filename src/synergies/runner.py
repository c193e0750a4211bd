"""The runner's former single module, kept so that `synergies.runner.main` and its public names keep
working for scripts. The code lives in the `synergies.run` subpackage, one module per stage;
private names (`_x`) are imported from the module that defines them, never from here.
"""

from __future__ import annotations

from synergies.run.checks import FIGURE_SUFFIXES
from synergies.run.cli import main, parse_options
from synergies.run.common import (
    ANSI_ESCAPE,
    CRASH_VARIABLE,
    DEBUG_VARIABLE,
    DEFAULT_JOBS,
    DEFAULT_TIMEOUT,
    KERNEL_NAME,
    LANGUAGES,
    MANIFEST_FORMAT,
    MANIFEST_NAME,
    OUTPUT_LAYOUT,
    PACKAGE_DIR,
    PARAMETER_NAMES,
    PLACEHOLDERS,
    QUIET_LOGGERS,
    Options,
    RunError,
)
from synergies.run.discovery import NOTEBOOK_NAME, Notebook
from synergies.run.execute import KERNEL_ENVIRONMENT, KERNEL_EXTENSION, KERNEL_SHUTDOWN_WAIT, UNUSED_AT_IMPORT
from synergies.run.render import (
    HTML_ATTRIBUTES,
    HTML_TAGS,
    HTML_TEMPLATE,
    REPORT_TAGS,
    SCRIPT_OR_STYLE,
    TIMING_KEYS,
)

__all__ = [
    "ANSI_ESCAPE",
    "CRASH_VARIABLE",
    "DEBUG_VARIABLE",
    "DEFAULT_JOBS",
    "DEFAULT_TIMEOUT",
    "FIGURE_SUFFIXES",
    "HTML_ATTRIBUTES",
    "HTML_TAGS",
    "HTML_TEMPLATE",
    "KERNEL_ENVIRONMENT",
    "KERNEL_EXTENSION",
    "KERNEL_NAME",
    "KERNEL_SHUTDOWN_WAIT",
    "LANGUAGES",
    "MANIFEST_FORMAT",
    "MANIFEST_NAME",
    "NOTEBOOK_NAME",
    "OUTPUT_LAYOUT",
    "PACKAGE_DIR",
    "PARAMETER_NAMES",
    "PLACEHOLDERS",
    "QUIET_LOGGERS",
    "REPORT_TAGS",
    "SCRIPT_OR_STYLE",
    "TIMING_KEYS",
    "UNUSED_AT_IMPORT",
    "Notebook",
    "Options",
    "RunError",
    "main",
    "parse_options",
]
