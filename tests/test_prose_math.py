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


def test_myst_display_math_blocks_with_labels_lists_and_blank_lines() -> None:
    text = (
        "$$\n\\Sigma = A + CC^\\top\n  - BQ\n$$ (eq:riccati)\n\nThen RLHF\n\n"
        "$$\nx = 1\n\n- DD^\\top\n$$\n\nAnd PPO\n"
    )
    assert words_of(text) == ["Then", "RLHF", "And", "PPO"]


def test_dollar_math_with_inner_spaces_as_myst_reads_it() -> None:
    assert words_of("The terms $\\widetilde{TD}(w,a) $ for $ x_t$ end\n") == [
        "The", "terms", "for", "end",
    ]  # fmt: skip


def test_dollars_in_code_fences_are_not_math_blocks() -> None:
    text = "```bash\necho $$\n```\n\nText RLHF\n\n```\n$$\n```\n"
    assert words_of(text) == ["Text", "RLHF"]
