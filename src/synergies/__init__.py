"""Effect-direction synthesis of coordinated social-protection and rural productive programmes.

The package holds the logic the notebooks call: the data contract and its loader,
effect derivation, aggregation and tests, figures, the narrative and the runner.
"""

__version__ = "0.1.0"
