"""The scan session's modes: one list for sessions, command labels and station configs."""

MODES: tuple[str, ...] = (
    "receive",
    "pick",
    "ship",
    "customer_return",
    "vendor_return",
    "transfer",
    "count",
    "inquiry",
)
