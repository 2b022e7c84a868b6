"""Quoting of SQL identifiers and string literals for DuckDB statements built from names."""


def quote_ident(name: str) -> str:
    """Quote a SQL identifier for DuckDB."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """Quote a SQL string literal for DuckDB."""
    return "'" + text.replace("'", "''") + "'"
