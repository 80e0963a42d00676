"""Policy: bare URLs, `data:` URIs, file paths, e-mail addresses and citations are not prose."""

from __future__ import annotations

from prose_helpers import in_prose, words_of


def test_bare_urls_are_not_prose_but_the_full_stop_after_them_is() -> None:
    text = "See https://huggingface.co/docs/FSDP. and www.RLHF.org, then PPO\n"
    assert words_of(text) == ["See", ".", "and", ",", "then", "PPO"]


def test_data_uris_of_any_length_are_not_prose() -> None:
    payload = "iVBORw0KGgo" + "QUJD" * 5000
    uri = f"data:image/png;base64,{payload}"
    text = f"![FSDP chart]({uri})\n\ninline {uri} end\n"
    assert words_of(text) == ["FSDP", "chart", "inline", "end"]


def test_file_paths_are_not_prose_but_slashed_words_are() -> None:
    text = (
        "Edit ./configs/train.yaml and data/train.csv or /usr/bin/python, C:\\Users\\me; "
        "TCP/IP and and/or stay\n"
    )
    assert words_of(text) == ["Edit", "and", "or", ",", ";", "TCP/IP", "and", "and/or", "stay"]


def test_e_mail_addresses_and_citations_are_not_prose() -> None:
    text = "Write to rlhf.team@example.com or see @sec-rlhf and [@ouyang2022] about PPO\n"
    assert not in_prose(text, "rlhf.team") and not in_prose(text, "sec-rlhf")
    assert not in_prose(text, "ouyang2022") and in_prose(text, "PPO")


def test_autolinks_are_not_prose() -> None:
    assert words_of("<https://FSDP.org/x> <me@RLHF.org> text\n") == ["text"]
