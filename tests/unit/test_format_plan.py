"""Which lines of a generated file leave a triple-quoted string open: the formatter leaves docstrings alone."""

from __future__ import annotations

import pytest

from generator.client.format import _opens_triple_quoted


@pytest.mark.parametrize(
    ("line", "opens"),
    [
        ('"""', True),
        ('    """A docstring that goes on', True),
        ('    """One line."""', False),
        ('    """a # b"""', False),  # a hash inside the docstring is text
        ('    """a # b', True),
        ('# Generated from a"""b.json. Do not edit by hand.', False),  # a header comment naming the spec's file
        ('x = 1  # """', False),
        ("x = '\"\"\"'", False),  # black writes a spec's triple quote in single quotes
        ('x = "#"  """', True),  # a hash inside a literal starts no comment
    ],
)
def test_triple_quotes_in_comments_and_literals_open_nothing(line: str, opens: bool) -> None:
    assert _opens_triple_quoted(line) is opens


@pytest.mark.parametrize(
    ("line", "opens"),
    [
        ('    """User-friendly; cannot contain the following characters: ""<>"."""', False),  # dfareporting
        ('    """Quotes "inside" close nothing: ""', True),
        ('    """An escaped quote \\""" and on', True),
        ('    """Done.""" + """again', True),
    ],
)
def test_only_the_closing_quotes_close_a_docstring(line: str, opens: bool) -> None:
    assert _opens_triple_quoted(line) is opens
