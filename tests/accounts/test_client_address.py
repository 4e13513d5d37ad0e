"""The address a lockout is counted for: X-Forwarded-For only from a trusted proxy."""

import pytest
from django.test import RequestFactory

from dangvien.accounts.net import client_ip


def ip(settings, proxies, remote, forwarded=None):
    settings.DANGVIEN_TRUSTED_PROXIES = proxies
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **headers))


@pytest.mark.parametrize(("proxies", "remote", "forwarded", "expected"), [
    ([], "10.0.0.9", "1.2.3.4", "10.0.0.9"),                   # no proxy named: header ignored
    (["10.0.0.1"], "10.0.0.9", "1.2.3.4", "10.0.0.9"),         # not from the proxy: ignored
    (["10.0.0.1"], "10.0.0.1", "172.16.4.20", "172.16.4.20"),  # from the proxy: believed
    (["10.0.0.0/24"], "10.0.0.1", "6.6.6.6, 172.16.4.20, 10.0.0.2", "172.16.4.20"),
    (["10.0.0.1"], "10.0.0.1", "không-phải-địa-chỉ", "10.0.0.1"),
    (["10.0.0.1"], "10.0.0.1", None, "10.0.0.1"),
])
def test_client_address(settings, proxies, remote, forwarded, expected):
    assert ip(settings, proxies, remote, forwarded) == expected
