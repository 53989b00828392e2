"""Portfolio audits (SPEC 11): several teams' audits rolled up to the company's OKRs.

Pure: team sets combined with the company set (`sets`), `aligns_to` followed to company ids
(`rollup`), and the portfolio's figures computed from each team's `AuditResult`
(`figures`). Fetching the teams and writing reports happen in `backlog_audit.teams`.
"""
