"""Notify URLs carry secrets: only the scheme and a real host name ever show."""

from __future__ import annotations

import pytest

from pipesteward.incidents.channels import mask, scrub


@pytest.mark.parametrize(("url", "shown"), [
    ("json://127.0.0.1:8080/hook/abc123", "json://127.0.0.1:8080/***"),
    ("mailto://user:hunter22@smtp.example.com?to=b@example.com", "mailto://smtp.example.com/***"),
    ("tgram://123456:AAbbCCdd/987654", "tgram://***"),  # the host is a bot token
    ("discord://webhookid/webhooktoken", "discord://***"),
    ("not a url", "?://***"),
])
def test_mask_keeps_the_scheme_and_a_real_host(url: str, shown: str) -> None:
    assert mask(url) == shown


def test_scrub_hides_every_secret_piece_of_the_url() -> None:
    url = "mailto://user:hunter22@smtp.example.com/path-token?to=b@example.com"
    said = scrub(f"login failed for user with hunter22 at {url}; path-token refused", url)
    assert "hunter22" not in said and "path-token" not in said
    assert "smtp.example.com" in said
