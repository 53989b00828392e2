"""backlog-audit: how well is a team's backlog tied to its OKRs?"""

__version__ = "0.1.0"
