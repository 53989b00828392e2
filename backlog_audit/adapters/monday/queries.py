"""The GraphQL documents the monday.com source sends, and nothing else.

Every document is a constant built here, never assembled from user input: board, group and
column ids travel as variables. `tests/adapters/monday/test_queries.py` validates each
one in `ALL` against monday.com's published schema for `API_VERSION`, and the fake server
validates every query the client actually sends, so that a query that fails validation is a
bug caught by the tests, never sent to monday.com.

Column values are read through typed fragments (SPEC 7): a status label and whether it means
done, dropdown labels, numbers, people, and connect-boards links. A connect-boards column's
`value` and `text` are null since 2025-04: its linked items come as `linked_item_ids` and
`display_value` (their names).
"""

from __future__ import annotations

__all__ = [
    "ALL",
    "API_VERSION",
    "BOARDS",
    "GROUP_ITEMS",
    "ITEMS",
    "NEXT_ITEMS",
    "PAGE_LIMIT",
    "SUBITEM_COLUMN_TYPES",
    "SUBITEM_PAGE_LIMIT",
    "items_queries",
]

# The API version every request names in its `API-Version` header: monday.com releases one a
# quarter and keeps three alive; a client that names none silently moves to the next.
API_VERSION = "2026-10"
# monday.com's maximum `limit` of `items_page` and `next_items_page`.
PAGE_LIMIT = 500
# With subitems nested in every item, a page's complexity grows with them: smaller pages keep
# one query far below the 5,000,000-point budget of a single query.
SUBITEM_PAGE_LIMIT = 100
# The column types a subitem's values are read from (subitems live on another board, with
# column ids of their own: they are matched by column title instead).
SUBITEM_COLUMN_TYPES = (
    "status",
    "dropdown",
    "text",
    "long_text",
    "board_relation",
    "numbers",
    "people",
)

_COMPLEXITY = "complexity { before after query reset_in_x_seconds }"

# A board's name, URL, columns (with their settings: status and dropdown labels) and groups.
BOARDS = f"""
query Boards($ids: [ID!]!, $limit: Int!) {{
  boards(ids: $ids, limit: $limit) {{
    id
    name
    url
    columns {{ id title type settings }}
    groups {{ id title }}
  }}
  {_COMPLEXITY}
}}
"""

_VALUES = """
fragment Values on ColumnValue {
  id
  type
  text
  ... on StatusValue { label is_done }
  ... on DropdownValue { values { id label } }
  ... on NumbersValue { number }
  ... on PeopleValue { persons_and_teams { id kind } }
  ... on BoardRelationValue { linked_item_ids display_value }
}
"""

_ITEM = """
fragment ItemFields on Item {
  id
  name
  url
  group { id title }
  column_values(ids: $columns) { ...Values }
}
"""

# Subitems nested in their parent item: the parent is always in the same page, so a subitem
# inherits from an item the audit has read. Their columns are matched by title.
_ITEM_WITH_SUBITEMS = """
fragment ItemFields on Item {
  id
  name
  url
  group { id title }
  column_values(ids: $columns) { ...Values }
  subitems {
    id
    name
    url
    column_values(types: $subitemTypes) { ...Values column { title } }
  }
}
"""

_SUBITEM_VARIABLES = ", $subitemTypes: [ColumnType!]"


def _documents(item: str, extra: str) -> tuple[str, str, str]:
    """The first page of a board, of a group, and a next page, with `item` as ItemFields."""
    variables = f"$limit: Int!, $columns: [String!]{extra}"
    page = "cursor items { ...ItemFields }"
    items = f"""
query Items($board: ID!, {variables}) {{
  boards(ids: [$board]) {{ items_page(limit: $limit) {{ {page} }} }}
  {_COMPLEXITY}
}}
{item}{_VALUES}"""
    group_items = f"""
query GroupItems($board: ID!, $group: String!, {variables}) {{
  boards(ids: [$board]) {{ groups(ids: [$group]) {{ items_page(limit: $limit) {{ {page} }} }} }}
  {_COMPLEXITY}
}}
{item}{_VALUES}"""
    next_items = f"""
query NextItems($cursor: String!, {variables}) {{
  next_items_page(cursor: $cursor, limit: $limit) {{ {page} }}
  {_COMPLEXITY}
}}
{item}{_VALUES}"""
    return items, group_items, next_items


ITEMS, GROUP_ITEMS, NEXT_ITEMS = _documents(_ITEM, "")
_SUBITEMS = _documents(_ITEM_WITH_SUBITEMS, _SUBITEM_VARIABLES)


def items_queries(with_subitems: bool) -> tuple[str, str, str]:
    """(board's first page, group's first page, next page), with subitems or without."""
    return _SUBITEMS if with_subitems else (ITEMS, GROUP_ITEMS, NEXT_ITEMS)


# Every document the source may send, for the tests that validate them against the schema.
ALL = (BOARDS, ITEMS, GROUP_ITEMS, NEXT_ITEMS, *_SUBITEMS)
