"""The test DCAP root CA [ATT-39]: a reference-only trust anchor for synthetic DCAP evidence.

TEST ONLY. Production trusts the Intel SGX Root CA alone ([ATT-22]), so no
quote but one from a genuine Intel platform reaches the checks that follow the
certificate chains. With the chain configuration's ``dcap_test_root`` flag set,
the reference also trusts the root below, whose private key ships beside it:
anyone can issue PCK and TCB signing certificates under it and so sign any
quote and any TCB info, which is the point. No production chain has the flag.

The root is an ECDSA P-256 certificate (``O=phala-spec``, ``CN=TEST ONLY
phala-spec SGX Root CA``, valid 2000-01-01 to 2099-12-31). Its key is not
random: the scalar is BLAKE2b-256 of :data:`TEST_DCAP_ROOT_LABEL`, reduced
into ``1 .. n-1``; the certificate was signed with deterministic ECDSA
(RFC 6979), so both can be made again from the label.
"""

from __future__ import annotations

from .dcap import INTEL_ONLY

TEST_DCAP_ROOT_LABEL = b"phala-spec/dev/dcap-test-root"

TEST_DCAP_ROOT_CA_PEM = """\
-----BEGIN CERTIFICATE-----
MIIBuzCCAWCgAwIBAgIIZF0HhlZu52swCgYIKoZIzj0EAwIwQDETMBEGA1UECgwK
cGhhbGEtc3BlYzEpMCcGA1UEAwwgVEVTVCBPTkxZIHBoYWxhLXNwZWMgU0dYIFJv
b3QgQ0EwIBcNMDAwMTAxMDAwMDAwWhgPMjA5OTEyMzEyMzU5NTlaMEAxEzARBgNV
BAoMCnBoYWxhLXNwZWMxKTAnBgNVBAMMIFRFU1QgT05MWSBwaGFsYS1zcGVjIFNH
WCBSb290IENBMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEozEpmfZZlJM15i1p
yqAg24VmXgTKVinpmkVarzonkQK/Br6wx8QnKPHSl/LA79w/+3nrdWgbhAnR3tzh
ZRsbsaNCMEAwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAQYwHQYDVR0O
BBYEFLeysP0GyZ6d35u3N0h+n4Ygb7SNMAoGCCqGSM49BAMCA0kAMEYCIQCmRnM1
GRcJyHMHzhTwlkE6HUjCko0sNWq0h9cKhHmvNAIhAO6DJXAWKcNd0bJ1Um8TlCB7
IHU3G1eWuuRPD6wsuUsk
-----END CERTIFICATE-----
"""

TEST_DCAP_ROOT_KEY_PEM = """\
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg2i3aUVXakxRXTe+O
RGwz8AlzXAzvgk7oX8ZlFQldnyuhRANCAASjMSmZ9lmUkzXmLWnKoCDbhWZeBMpW
KemaRVqvOieRAr8GvrDHxCco8dKX8sDv3D/7eet1aBuECdHe3OFlGxux
-----END PRIVATE KEY-----
"""


def dcap_trust_roots(test_root: bool) -> tuple[str, ...]:
    """The roots a DCAP chain may end at [ATT-22] [ATT-39]: Intel's, and the test root when the
    chain configuration's ``dcap_test_root`` flag is set."""
    return (*INTEL_ONLY, TEST_DCAP_ROOT_CA_PEM) if test_root else INTEL_ONLY
