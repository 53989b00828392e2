"""The pure core: items and an OKR set in, an audit result out (SPEC 4-6).

No HTTP, no files, no printing, no click: `audit.audit()` takes data and returns data. Beside it,
`linking` (reading and resolving references), `link_states` (one item's link state, with
inheritance) and `fixlist` (the orphaned and dangling items grouped for fixing).
"""
