"""backlog-audit: how well is a team's backlog tied to its OKRs?"""

import os as _os

__version__ = "0.1.0"

# The engine (polars) allocates with jemalloc, which keeps freed pages for 0.5 s, then
# hands them back lazily (`MADV_FREE`, for 1 s more): the kernel counts them as the
# process's memory all that time, and a million items' read, audit and report each take
# less than a second, so the pages the read freed were still counted at the audit's peak
# (issue 15: 130-200 MiB of it). Kept 0.2 s, then handed back at once: measured no slower.
# polars adds this variable to its own settings when it is first imported, so it is set
# here, before any module imports it (each does when first used); a value the user set is
# kept as it is.
_os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:200,muzzy_decay_ms:0")
