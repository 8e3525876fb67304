"""The test IAS report-signing root [ATT-13]: a reference-only device for vectors.

Production trusts Intel's report-signing root alone ([ATT-6]), so no report
but Intel's own reaches the checks that follow the signature. With the chain
configuration's ``ias_test_root`` flag set, the reference also trusts the test
root below, whose signing certificate and private key ship here: anyone can
sign any report with them, which is the point. :func:`ias_test_evidence` signs
a report and gives the evidence as the pallet receives it.

The root and the signing certificate are RSA-2048 and were made once; the
signing certificate is valid from 2020-01-01T00:00:00Z to
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
CSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQDBJjr607KJR2CmLedQcGdHs9UxvvD8
cbPhF7dBBYxOYY8iCkWi0FZuOsR8oXGdFWW4UqIm2+9RTIMwuv9oCpB8Qy6bojUO
/5vFjIPz2dRhwXpw5+2FawzX/p8IyphjvUtSKJayLtvNPPKpb0F/cp79A1d4kQrI
T6cKU7R2heEPs0CVKWXMQh0AbI/GdM0eqrXoPZU7ifIqI6VizXy49MBg61lIirjL
BCqPKPtJ6skqkMo24xdQIoen0lH2SEHw92wNmi7qHUAIOxo1/O2YhJ7akeMHT9Tg
XbuArknYVyRaa4jmbeoPl5fm2dxfm3tQgOhphGurYL8PkHeukNwvJ2jLAgMBAAGj
EzARMA8GA1UdEwEB/wQFMAMBAf8wDQYJKoZIhvcNAQELBQADggEBAJ5kpVIHEXpx
zbLIcB8AqKtn6c3XOEqU+24piMaRyB3neuoAAZSS111hMJMThSDfMUV9+jsi3T/w
ZkXxxRGx44d0FHI8yQTRjrLf2cZTKY+wnog7u/+DzHK612Yq8J9AZ491HLdbImSU
vQmzhAe7WSSBBVDhTmLNZRkyAXst+HLbKMi7xwmsieuXx1Zf6rzHjNHoCBOFVoDS
r+9Je12BRhLRjmHjNG7On5Tjj6fptdCw559/TRUtM8KWogRAUcyjMojitsG5Jt3T
OwNn/eefJTMI8cY6IajT7GKLqCd3KiZeeYMBN8Va1e7viWY5uAXLF+xYi1HtNqnw
WB8SQk3PBgM=
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
BgNVHRMBAf8EAjAAMA0GCSqGSIb3DQEBCwUAA4IBAQCNAap46NDF+dQJV7cmDYIM
+SJmrayh+Rdm8rK68Aw4MRfrraoNEO903d4Qk9k+sh3a3aaAXNZO04bHGcZMPgrP
0GdeSadQeiQZqMcpdthRdF3C5v5kvOxJtuCEmYhoKXHMtFCSw4uunVsGFNiqvMg6
K3OnLzI1ewQ4Qbgl12J6EBa+5xd9W++xazA7jNcd3NDVN6k4/TmeHlDaUu2jof60
8QOzCfu6umdDoDoLj13u+Tve8r4V10FiyMt444ibfBjCSGpft7YZDviaWmnDdSp5
IdTMJrjdGgXyO8zbpaiWk6FXiFJ7/3FgGvnONrogAS5CQCJn+6dSj3J2SIzwEYWa
-----END CERTIFICATE-----
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
