"""The test IAS report-signing root [ATT-13]: a reference-only device for vectors.

Production trusts Intel's report-signing root alone ([ATT-6]), so no report
but Intel's own reaches the checks that follow the signature. With the chain
configuration's ``ias_test_root`` flag set, the reference also trusts the test
root below, whose signing certificate and private key ship here: anyone can
sign any report with them, which is the point. :func:`ias_test_evidence` signs
a report and gives the evidence as the pallet receives it. The root's own
private key ships too, so that vectors can issue other signing certificates
under it (other keys, other validity periods) and show the certificate checks
of [ATT-7] one by one.

TEST ONLY. The root and the signing certificate are RSA-2048 and were made
once; the signing certificate is valid from 2020-01-01T00:00:00Z to
2039-12-31T23:59:59Z. PKCS#1 v1.5 signatures are deterministic, so the same
report always gives the same evidence.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .ias import IasEvidence

TEST_IAS_ROOT_PEM = """\
-----BEGIN CERTIFICATE-----
MIIDBDCCAeygAwIBAgIBATANBgkqhkiG9w0BAQsFADA6MRMwEQYDVQQKDApwaGFs
YS1zcGVjMSMwIQYDVQQDDBpUZXN0IElBUyBSZXBvcnQgU2lnbmluZyBDQTAgFw0w
MDAxMDEwMDAwMDBaGA8yMDk5MTIzMTIzNTk1OVowOjETMBEGA1UECgwKcGhhbGEt
c3BlYzEjMCEGA1UEAwwaVGVzdCBJQVMgUmVwb3J0IFNpZ25pbmcgQ0EwggEiMA0G
CSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQC6fuq8N2IcstpaZHNZOQtZNQ2hBoef
YC+eDYh0RCJPnbBY1dBteMabzTxLmQF2KQzSknGfVmZ2F3SVSyNe/N0uSL7rDEGT
bM6HCCQydney5xPVN0xn0NiJ5xeQbSW/Qy46TvBu5iWZsynhNX2vGo8yXQgyncwe
Ri6xiDJOZ6ixjmWH809NQQXCzs/5D+rSkoMm/fPbswr/gbork3MDhBygeP3ty8Ne
k5mljTdxlVVQnr1CoXa7SLm8VwCcQ7SfPVJEMTasdWidVlIUgizX6HbLgfEa+WmC
Yw7vJ0Pro4iKjMWlXMYM/gNXOKbjvYp3UWtEpAe+HxeIjtOrN3+iwaD1AgMBAAGj
EzARMA8GA1UdEwEB/wQFMAMBAf8wDQYJKoZIhvcNAQELBQADggEBAB5kcFSYT6IS
KtVo+rX2Ls+BBeIyUtO6a1KoGMDn2Kw+Q/M8ZgIybY8EaKGs4lg11N+C1qwIeJih
XrXsmWJi41naj7PGcsjNF5Ngo3vjZuPI8NV4VveD36vm3Zz+SBjZ9msEHN2lA5dw
muzXrgW6w3gYaXwcSWQNCZGQvYskD9h9lr/Ny+mmiy39fWadQuunbxW6k+2JEWkK
OecgiZSkjK30WeLxnXbA6RiZQXFuZ82RFKS+6oDcCVVHLBVH+cj3RaFLx/l2jpOJ
EBLzbgf7eCJarXw2awFvYcb+DfOvT+SOmh+mTv81HesgM9pw6As/spWoAKL0+6bD
aHgQD85yWaE=
-----END CERTIFICATE-----
"""

TEST_IAS_SIGNING_CERT_PEM = """\
-----BEGIN CERTIFICATE-----
MIIC/DCCAeSgAwIBAgIBAjANBgkqhkiG9w0BAQsFADA6MRMwEQYDVQQKDApwaGFs
YS1zcGVjMSMwIQYDVQQDDBpUZXN0IElBUyBSZXBvcnQgU2lnbmluZyBDQTAeFw0y
MDAxMDEwMDAwMDBaFw0zOTEyMzEyMzU5NTlaMDcxEzARBgNVBAoMCnBoYWxhLXNw
ZWMxIDAeBgNVBAMMF1Rlc3QgSUFTIFJlcG9ydCBTaWduaW5nMIIBIjANBgkqhkiG
9w0BAQEFAAOCAQ8AMIIBCgKCAQEAzbQgJPA5vpYXdkdyBx1puUVHPrGI23YWy3oN
mkbpYYcU2Oznam0zeiowsDyFBiq9MHxnkbjmjh02cgu0bdZCkOauS9eHu6kgGxnY
gOR2jT45dmsLJ5wlUHQbfSAM1h0tLK4+Tq/cPWOtUmzNXWHGrPsWmd0xo53qDmQH
pTQk7WI0iTN7LRs5SW1YWOK3uWSCf4vXYxMGmRKERRp7TME2tUjvRXc03N1pClc4
5i5NB/eMcJCQtgximU6nOblhD3u99GUghLTenJ5wAepewfXmiBqnWS9WJRMsGuIs
EX/AWamhn0Kq8KWbRMr65HffK+4R4jQ7GGQL6AzfOhG2OJTvbQIDAQABoxAwDjAM
BgNVHRMBAf8EAjAAMA0GCSqGSIb3DQEBCwUAA4IBAQCWaxGmQlngg+tV1gsTM5c5
Tn62jPZELSAh1BCn4SEzBjdiWnF99PFeyXjOmhcTP1VzyOflKpbNTG3H2rW7Vi0Y
UrL7sWJuR4MpRXmRjAEBRb90n3c2EZRXAq44DoHCkP1LJSCVD91IvBQEKc9GNCP1
tYi9bccI2WLn/GjFy7pkn3qbEfLevkE7fRCfsNYfvgZVWd5bjNF0SfQwUhf7ESKW
6MxEF9HE+CNnhyDBW6iqRtJoc2K+DJbCrF/uGxEHASftl/uHDGM9uWEyA5Ci5YQY
vgRvuK3yMYM0+7r/FfEbXGFlYgXuu/FJgLgoVFijmelcUD70Iqf10NhcokjBRV7V
-----END CERTIFICATE-----
"""

TEST_IAS_ROOT_KEY_PEM = """\
-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC6fuq8N2Icstpa
ZHNZOQtZNQ2hBoefYC+eDYh0RCJPnbBY1dBteMabzTxLmQF2KQzSknGfVmZ2F3SV
SyNe/N0uSL7rDEGTbM6HCCQydney5xPVN0xn0NiJ5xeQbSW/Qy46TvBu5iWZsynh
NX2vGo8yXQgyncweRi6xiDJOZ6ixjmWH809NQQXCzs/5D+rSkoMm/fPbswr/gbor
k3MDhBygeP3ty8Nek5mljTdxlVVQnr1CoXa7SLm8VwCcQ7SfPVJEMTasdWidVlIU
gizX6HbLgfEa+WmCYw7vJ0Pro4iKjMWlXMYM/gNXOKbjvYp3UWtEpAe+HxeIjtOr
N3+iwaD1AgMBAAECggEAWU1o7dO/YWqrcFllerX8Hy1uZ0sPKlwOsSpdyv7NRz6F
MSTBd4o74GM4miKcNo6Vm0eQrPHcgnPc2ZhvSY7gAsfG1Bq8U/HoO3TEkH119+76
6kBej9/LsM091WTOjHWI71bZfuEp5B2M0lCg7HZVV5KA2GwDUAPfXBeRr0Wn2804
szGP4Ho0VMajiTv7mSYSsCM5DYJ39KSdeVf1nTrF73muUNoPMSup5UK691xiHk+Z
wfBKQcecsoerg+ywh2P76i8S/jA8KlPyEzcTg3WxactgYOb/0D3yHNPvBzXxMI2Z
wEw49W4gx7uyX2UMg8bbGS1XsqhsHVMjfLYdcd0QiQKBgQDfz2eVCQds36oXDfs5
tJ6nrgbEpFbX6GsIvrjAl8JESKK4UxRuJQVgr789wXvju24QpRJxN+eds2UbdefX
die+vtLItVlVMqvqBMCbRiqiiPsINuvvkvkhzqqAEuTrFrQ2CvTKaQ2JtLj+O2y7
oQTkxYLN3TVQLi75LgOvzVnbZwKBgQDVUZyfDXiM78ecDtTDN68jtsi983HBk7sy
diiTzdtNrd6cUI+fI3EPCge6mMH/w1kJiJwWnGAHYP6SUksvqkuqmv6eJlTyhVcE
TTjTcfuGklV9a8yaCH31U7uQHlY6VZdhNDFAfi1pBvJei6Nx0W0ElE2cv3uMNoDv
EEk/pB0DQwKBgB7EExggqp2jzWzn5h4Tny+rs5B6itmZQIVuOlV3RyQ92+h8uzU8
75VP83kYzOAMVuAA4R0hMzyxeXeh6KHswx/seWtPypz0nz9HMfbmWVwIeoGxkxNW
39pu329FqaRLdbBsJyRf9pV0e22vW44bX2HXaNjFzNtdzeVBFw6mqvCHAoGBAIyp
fxyGVnqg1j/6q6N6wXtMWTygHd/mmWbh8UndUYH8Z7Etkjb+uNuQ4p3RgwMy/jBC
K6LhRJU5CUTVDQ0GP1TlVYZVgmhVMpb8kL8lBxWqwsKsZcMgXGZ7609SIcvfiq2n
K976FNmPohxj+cfgsAF4BWGaBk7j1ctOMu7LOfJfAoGAc65geXHSOJ+JIpUh7Prx
1z8z/tZH23ShVqIjrBiyai8kYtjaqAcF7WJnabfoqxFWXs2RA67eMMUeMlJk+iaB
N0MV1Y15QwfMelDifCbSOzFD2lCyH7alIPfd4dbzrP20N0PA8QlttpiFiEfS/BTW
jS8UqpXfESXTTrguXBSCV4E=
-----END PRIVATE KEY-----
"""

TEST_IAS_SIGNING_KEY_PEM = """\
-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDNtCAk8Dm+lhd2
R3IHHWm5RUc+sYjbdhbLeg2aRulhhxTY7OdqbTN6KjCwPIUGKr0wfGeRuOaOHTZy
C7Rt1kKQ5q5L14e7qSAbGdiA5HaNPjl2awsnnCVQdBt9IAzWHS0srj5Or9w9Y61S
bM1dYcas+xaZ3TGjneoOZAelNCTtYjSJM3stGzlJbVhY4re5ZIJ/i9djEwaZEoRF
GntMwTa1SO9FdzTc3WkKVzjmLk0H94xwkJC2DGKZTqc5uWEPe730ZSCEtN6cnnAB
6l7B9eaIGqdZL1YlEywa4iwRf8BZqaGfQqrwpZtEyvrkd98r7hHiNDsYZAvoDN86
EbY4lO9tAgMBAAECggEAAo+WfdVje0Og1h81K+cK98Farrxo7jq4LvSf/RZFh+VM
rGzX15LWTqlnL+z1Dxs2B8EdWcqRWfpZfBjCcDwIesk7ZB0YCIbHG8B+7bo5LSa5
D8z2yzPbeaGNv33b4tjF1XWX7ES01M87o+48Xw0kxp6iPTFfKKDEGK58e4VsNMft
Jnp7pSRgCDHhM67pgSuDfrb6yYMpTDbPB6pM+PWO7rA4BvQHiC5XjBMe0NhUJfHV
5s4nZlIcjZ/MTfaHYqR3iF9mwMgRsuTz0pypBxlnq8w+RWvkwvWpmC4ZwGHIosYe
mI6R5tX9qO+ng+0YAJ5pb9uRYL1iQJaNOzK5LZkIMQKBgQD0ao8nPRloCGcVRNaJ
eALervtPCtdHxNiRh5GWWlVENCirSwyh3zOfwpCUGaGT3C8PsXi7s4/a8nxC25XA
lf4gLQsKYtYjUeUuneR44SurpxFkHLXByo9KkqHqBrdGF6j3iXGHTe0R5LrcpaS7
5MVKFxDXPnhbQBymBzRE3SU2swKBgQDXc+Axr5MJMuiaeWoItOGj88Q6DgYmtlQ4
R5eYEs5kDuRs+qfvmy47aIk0ThbauwKGlfsDlm5em3LBn3JOA2aJLUgldRsQq+pI
kzW0CnD1ol/bMAR2sEHVJMdTvC6XJG6+hGENutNx/pe3TR13WDKomyF1KiZ6rmE4
KrzKLC1RXwKBgHldCCQ1xI3Rzk3TVqv/+XzValg/S9KJPfhVVsdPp5MsSx1zMJyY
Fiw4Ek5Xw9GFvaCPQSIC8WWIjocsPdnZIMydUSQhG6+CFMjnAfG77VFYrdwGHYJS
sIAY+2kXWJ3nVbFEgCjtWtBNwTOa1Iev+v7lISmgDWdSGGegoCWpobbdAoGAbjhK
bkCq0N7pXfVVCGU4tb5EGYsJHI7UIQKHC/Y6/bccpp/If+x8R0ogPtDgIj/fd+iM
RHaVufJ+T415VW2p6+1tZjQ1h17beQtOQu/Af/j0XtZ+whVDaH3rNuwjTZEG0pI4
cGSuPTgId26M73wAVn8eK6lHjCVfePNsJ2VYPbMCgYEAugYSRX5jc21qtyaog0Ir
pF5Mk/NuKJT9tSUO2/rY/V5FkyKn2+QB7PIh4p8IN/qEyoNe+NQRxC5C7Obt119p
To0UzG2rVmRn1BEnseTxbI+oy2F9NnHx1z9kDQuUIc7u78K9u/MUkRf0nmYH0VJk
pcwupjdhkf6adcxdutLHJgE=
-----END PRIVATE KEY-----
"""


def ias_test_evidence(ra_report: bytes) -> IasEvidence:
    """``ra_report`` signed under the test signing certificate [ATT-13]."""
    key = serialization.load_pem_private_key(TEST_IAS_SIGNING_KEY_PEM.encode("ascii"), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    cert = x509.load_pem_x509_certificate(TEST_IAS_SIGNING_CERT_PEM.encode("ascii"))
    return IasEvidence(
        ra_report=bytes(ra_report),
        signature=key.sign(bytes(ra_report), padding.PKCS1v15(), hashes.SHA256()),
        raw_signing_cert=cert.public_bytes(serialization.Encoding.DER),
    )
