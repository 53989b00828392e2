"""Today's object-by-object audit, kept as the test oracle of the columnar core (issue 15).

`oracle.audit.audit` is the audit as it was before the core became columnar: one `Item` and
one `Link` object at a time. It is not used by backlog_audit; `tests/core/test_differential.py`
checks that the columnar core gives the same `AuditResult` on random backlogs.
"""
