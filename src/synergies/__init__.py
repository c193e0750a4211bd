"""Effect-direction synthesis of coordinated social-protection and rural productive programmes.

The package holds the logic the notebooks call: the data contract and its loader,
effect derivation, aggregation and tests, figures, the narrative and the runner.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("synergies")  # one home: pyproject.toml, read from package metadata
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
