"""A portfolio audit run (SPEC 11): every team fetched concurrently, audited against its
set and the company set, rolled up (`backlog_audit.portfolio`), reported and recorded.

`request` holds what the CLI builds, `fetch` the concurrency (jobs, a bound per site),
`run` the run from request to written reports and an exit code.
"""
