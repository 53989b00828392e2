"""What the CLI itself prints, as opposed to the report files it writes.

`terminal`: the progress bar and the closing summary of `audit`; `lint`: the findings of
`okrs lint`; `history`: the runs listed by `history`.
"""
