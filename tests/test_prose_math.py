"""Policy: inline and display math, and LaTeX environments, are not prose."""

from __future__ import annotations

from prose_helpers import words_of


def test_dollar_math_is_not_prose() -> None:
    text = "The $\\mathrm{FLOP}$ count and $$\nFLOP = 6ND\n$$ and more\n"
    assert words_of(text) == ["The", "count", "and", "and", "more"]


def test_latex_environments_are_not_prose() -> None:
    text = "Before\n\n\\begin{equation}\nFLOP = 2N\n\\end{equation}\n\nafter RLHF\n"
    assert words_of(text) == ["Before", "after", "RLHF"]
    nested = "x \\begin{align}a \\begin{cases} FLOP \\end{cases}\\end{align} y\n"
    assert words_of(nested) == ["x", "y"]


def test_an_unclosed_environment_hides_only_its_opener() -> None:
    assert words_of("Use \\begin{equation} then FLOP\n") == ["Use", "then", "FLOP"]


def test_a_price_is_not_math() -> None:
    assert words_of("It costs $5 and $10 a month.\n") == [
        "It", "costs", "$5", "and", "$10", "a", "month.",
    ]  # fmt: skip
