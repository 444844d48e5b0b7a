"""Unit tests of the Messenger webhook signature check."""

import hashlib
import hmac

from channels.messenger_signature import SHA1_HEADER, SHA256_HEADER, is_signed, sign

BODY = b'{"object":"page","entry":[]}'
SECRET = "s3cret"


def _hex(algorithm, body=BODY, secret=SECRET):
    return hmac.new(secret.encode(), body, algorithm).hexdigest()


def test_valid_sha256_signature_is_accepted():
    assert is_signed(BODY, SECRET, {SHA256_HEADER: "sha256=" + _hex(hashlib.sha256)})


def test_valid_legacy_sha1_signature_is_accepted():
    assert is_signed(BODY, SECRET, {SHA1_HEADER: "sha1=" + _hex(hashlib.sha1)})


def test_sign_matches_an_independent_hmac():
    assert sign(BODY, SECRET) == "sha256=" + _hex(hashlib.sha256)
    assert sign(BODY, SECRET, "sha1") == "sha1=" + _hex(hashlib.sha1)


def test_signature_of_another_body_is_refused():
    forged = "sha256=" + _hex(hashlib.sha256, body=b'{"object":"page","entry":[{}]}')
    assert not is_signed(BODY, SECRET, {SHA256_HEADER: forged})


def test_signature_made_with_another_secret_is_refused():
    assert not is_signed(BODY, SECRET, {SHA256_HEADER: "sha256=" + _hex(hashlib.sha256, secret="other")})


def test_missing_or_empty_signature_is_refused():
    assert not is_signed(BODY, SECRET, {})
    assert not is_signed(BODY, SECRET, {SHA256_HEADER: ""})


def test_no_secret_configured_refuses_everything():
    assert not is_signed(BODY, "", {SHA256_HEADER: "sha256=" + _hex(hashlib.sha256, secret="")})


def test_malformed_headers_are_refused():
    good = _hex(hashlib.sha256)
    for value in (good, "sha256:" + good, "md5=" + good, "sha256=zz", "sha256=" + good + "é"):
        assert not is_signed(BODY, SECRET, {SHA256_HEADER: value}), value


def test_sha1_header_does_not_rescue_an_invalid_sha256_one():
    headers = {SHA256_HEADER: "sha256=" + "0" * 64, SHA1_HEADER: "sha1=" + _hex(hashlib.sha1)}
    assert not is_signed(BODY, SECRET, headers)


def test_header_names_are_case_insensitive_for_lowercase_mappings():
    assert is_signed(BODY, SECRET, {SHA256_HEADER.lower(): sign(BODY, SECRET)})
