"""[ATT-20]..[ATT-34]: DCAP quote verification on production's real sample."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import struct
from datetime import UTC, datetime
from pathlib import Path

import attrs
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hypothesis import given, settings
from hypothesis import strategies as st

from phala_spec.primitives.errors import DispatchError
from phala_spec.tee import dcap as dcap
from phala_spec.tee.attestation import dcap_runtime_hash
from phala_spec.tee.intel_dcap_root import INTEL_SGX_ROOT_CA_PEM, INTEL_SGX_ROOT_CA_SHA256

DATA = Path(__file__).resolve().parents[1] / "conformance" / "evidence"  # what the package ships
QUOTE = (DATA / "dcap_quote_v3.bin").read_bytes()
COLLATERAL_BYTES = (DATA / "dcap_collateral_sgxv30.scale").read_bytes()
NOW = 1699301000  # production's test time, 2023-11-06T20:03:20Z

INVALID = "PhalaRegistry.InvalidDCAPQuote"
ANCHORS = dcap.trust_anchors(dcap.INTEL_ONLY)  # the pinned Intel root alone [ATT-22]

# Offsets in the v3 quote, written out independently of the module under test.
BODY = 48
SIG_DATA = 48 + 384 + 4
ISV_SIG = SIG_DATA
ATT_KEY = SIG_DATA + 64
QE_REPORT = SIG_DATA + 128
QE_SIG = QE_REPORT + 384


def ts(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


@pytest.fixture(scope="module")
def collateral() -> dcap.SgxV30Collateral:
    return dcap.decode_collateral(COLLATERAL_BYTES)


def fails(quote: bytes, coll: dcap.SgxV30Collateral | None, now: int = NOW) -> DispatchError:
    with pytest.raises(DispatchError) as info:
        dcap.verify_dcap(quote, coll, now)
    return info.value


def flip(data: bytes, offset: int) -> bytes:
    return data[:offset] + bytes([data[offset] ^ 0x01]) + data[offset + 1 :]


# -- [ATT-20] the sample verifies ---------------------------------------------------------


def test_sample_verifies_at_production_test_time(collateral):
    report = dcap.verify_dcap(QUOTE, collateral, NOW)
    mr_enclave = QUOTE[BODY + 64 : BODY + 96]
    mr_signer = QUOTE[BODY + 128 : BODY + 160]
    prod_id, svn = struct.unpack_from("<HH", QUOTE, BODY + 256)
    assert report.provider == "Dcap"
    assert report.timestamp is None
    assert report.report_data == QUOTE[BODY + 320 : BODY + 384]
    assert report.report_data.startswith(b"Hello, world!")
    assert (
        report.runtime_hash
        == mr_enclave + prod_id.to_bytes(2, "big") + svn.to_bytes(2, "big") + mr_signer
    )
    assert report.runtime_hash == dcap_runtime_hash(mr_enclave, prod_id, svn, mr_signer)
    assert report.runtime_hash.hex() == (
        "33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb"
        "00000000"
        "815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6"
    )
    # [ATT-30]/[ATT-4]: ConfigurationAndSWHardeningNeeded with advisories outside the whitelist.
    assert report.confidence_level == 4


def test_sample_tcb_status_is_derived_from_the_evidence(collateral):
    verified = dcap.verify_quote(QUOTE, collateral, NOW)
    info = json.loads(collateral.tcb_info)
    leaf = x509.load_pem_x509_certificate(
        re.findall(rb"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", QUOTE, re.S)[0]
    )
    ext = leaf.extensions.get_extension_for_oid(x509.ObjectIdentifier("1.2.840.113741.1.13.1"))
    raw = ext.value.public_bytes()
    # Independent reads of the DER: OID ...13.1.2.18 (CPUSVN) then OCTET STRING(16);
    # OID ...13.1.2.17 (PCESVN) then INTEGER; OID ...13.1.4 (FMSPC) then OCTET STRING(6).
    oid = bytes.fromhex("2a864886f84d010d01")
    cpusvn = raw[raw.index(b"\x06\x0b" + oid + b"\x02\x12") + 13 :][2:18]
    pce_at = raw.index(b"\x06\x0b" + oid + b"\x02\x11") + 13
    assert raw[pce_at] == 0x02
    pcesvn = int.from_bytes(raw[pce_at + 2 : pce_at + 2 + raw[pce_at + 1]], "big")
    fmspc = raw[raw.index(b"\x06\x0a" + oid + b"\x04") + 12 :][2:8]
    assert fmspc.hex().upper() == info["fmspc"] == "00A067110000"
    assert pcesvn == 13
    assert list(cpusvn) == [11, 11, 2, 2, 255, 1] + [0] * 10
    tcb = dcap.pck_tcb(leaf)
    assert (tcb.fmspc, tcb.cpu_svn, tcb.pce_svn) == (fmspc, cpusvn, pcesvn)
    # Level 0 needs component 7 >= 12 and is skipped; level 1 is met (pcesvn 13 >= 13).
    lv0, lv1 = info["tcbLevels"][0]["tcb"], info["tcbLevels"][1]["tcb"]
    assert lv0["sgxtcbcomponents"][6]["svn"] == 12 > cpusvn[6]
    assert all(c >= x["svn"] for c, x in zip(cpusvn, lv1["sgxtcbcomponents"], strict=True))
    assert pcesvn >= lv1["pcesvn"]
    assert (
        verified.tcb_status
        == info["tcbLevels"][1]["tcbStatus"]
        == "ConfigurationAndSWHardeningNeeded"
    )
    assert verified.advisory_ids == tuple(info["tcbLevels"][1]["advisoryIDs"])
    assert verified.advisory_ids == ("INTEL-SA-00289", "INTEL-SA-00615")


def _der(tag: int, body: bytes) -> bytes:
    assert len(body) < 0x10000
    if len(body) < 0x80:
        return bytes([tag, len(body)]) + body
    n = 1 if len(body) < 0x100 else 2
    return bytes([tag, 0x80 | n]) + len(body).to_bytes(n, "big") + body


def _oid(dotted: str) -> bytes:
    first, second, *rest = (int(p) for p in dotted.split("."))
    out = bytearray([first * 40 + second])
    for part in rest:
        chunk = [part & 0x7F]
        part >>= 7
        while part:
            chunk.append(0x80 | (part & 0x7F))
            part >>= 7
        out += bytes(reversed(chunk))
    return _der(0x06, bytes(out))


SGX = "1.2.840.113741.1.13.1"


def _pck_leaf(tcb_entries: list[tuple[str, bytes]]) -> x509.Certificate:
    """A self-signed certificate carrying an SGX extension with the given TCB entries."""
    tcb = b"".join(_der(0x30, _oid(oid) + value) for oid, value in tcb_entries)
    ext = _der(
        0x30,
        _der(0x30, _oid(SGX + ".2") + _der(0x30, tcb))
        + _der(0x30, _oid(SGX + ".4") + _der(0x04, bytes.fromhex("00A067110000"))),
    )
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "PCK")])
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(datetime(2020, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2030, 1, 1, tzinfo=UTC))
        .add_extension(x509.UnrecognizedExtension(x509.ObjectIdentifier(SGX), ext), False)
        .sign(key, hashes.SHA256())
    )


def test_cpu_svn_is_read_from_its_octet_string_not_the_components():
    """[ATT-29] The CPU SVN is the 16-byte `.2.18` OCTET STRING; the INTEGER components
    `.2.1`..`.2.16` are not read (here they disagree with it, then are absent)."""
    cpusvn = bytes([11, 11, 2, 2, 255, 1] + [0] * 10)
    components = [(f"{SGX}.2.{i}", _der(0x02, b"\x07")) for i in range(1, 17)]
    pce = (f"{SGX}.2.17", _der(0x02, b"\x0d"))
    svn = (f"{SGX}.2.18", _der(0x04, cpusvn))
    for entries in ([*components, pce, svn], [pce, svn]):
        tcb = dcap.pck_tcb(_pck_leaf(entries))
        assert (tcb.cpu_svn, tcb.pce_svn) == (cpusvn, 13)
    for bad in ([*components, pce], [pce, (svn[0], _der(0x04, cpusvn[:15]))]):
        with pytest.raises(DispatchError) as info:
            dcap.pck_tcb(_pck_leaf(bad))
        assert info.value.code == INVALID and "CPUSVN" in info.value.detail


# -- [ATT-21] collateral decoding ----------------------------------------------------------


def test_collateral_fields_in_readme_order(collateral):
    assert collateral.pck_crl_issuer_chain.startswith("-----BEGIN CERTIFICATE-----")
    assert collateral.tcb_info_issuer_chain.startswith("-----BEGIN CERTIFICATE-----")
    assert collateral.qe_identity_issuer_chain.startswith("-----BEGIN CERTIFICATE-----")
    bytes.fromhex(collateral.root_ca_crl)
    bytes.fromhex(collateral.pck_crl)
    assert json.loads(collateral.tcb_info)["id"] == "SGX"
    assert json.loads(collateral.qe_identity)["id"] == "QE"
    assert len(collateral.tcb_info_signature) == 64
    assert len(collateral.qe_identity_signature) == 64


@pytest.mark.parametrize("cut", [0, 1, 2, 100, len(COLLATERAL_BYTES) - 1])
def test_truncated_collateral_is_rejected(cut):
    with pytest.raises(DispatchError) as info:
        dcap.decode_collateral(COLLATERAL_BYTES[:cut])
    assert info.value.code == INVALID


def test_collateral_with_trailing_bytes_or_bad_utf8_is_rejected():
    with pytest.raises(DispatchError):
        dcap.decode_collateral(COLLATERAL_BYTES + b"\x00")
    # first field is a String: make its first byte invalid UTF-8
    n_prefix = 2  # compact length of 1908 takes 2 bytes
    bad = COLLATERAL_BYTES[:n_prefix] + b"\xff" + COLLATERAL_BYTES[n_prefix + 1 :]
    with pytest.raises(DispatchError):
        dcap.decode_collateral(bad)


# -- [ATT-20] missing collateral -------------------------------------------------------------


def test_missing_collateral_is_unsupported_attestation_type():
    assert fails(QUOTE, None).code == "PhalaRegistry.UnsupportedAttestationType"


# -- [ATT-22] pinned root --------------------------------------------------------------------


def test_pinned_root_ends_every_chain_in_the_evidence(collateral):
    root_der = base64.b64decode("".join(INTEL_SGX_ROOT_CA_PEM.strip().splitlines()[1:-1]))
    assert hashlib.sha256(root_der).hexdigest() == INTEL_SGX_ROOT_CA_SHA256
    blocks = re.compile(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", re.S)
    for chain in (
        collateral.pck_crl_issuer_chain,
        collateral.tcb_info_issuer_chain,
        collateral.qe_identity_issuer_chain,
        QUOTE.decode("latin-1"),
    ):
        assert blocks.findall(chain)[-1].strip() == INTEL_SGX_ROOT_CA_PEM.strip()


# -- [ATT-24]/[ATT-27] time: TCB info freshness and certificate validity ---------------------


def test_tcb_info_expiry_is_inclusive_of_next_update(collateral):
    next_update = ts(json.loads(collateral.tcb_info)["nextUpdate"])
    assert next_update == ts("2023-12-21T00:06:09Z")
    dcap.verify_dcap(QUOTE, collateral, next_update)
    err = fails(QUOTE, collateral, next_update + 1)
    assert err.code == INVALID and "nextUpdate" in err.detail


def test_issue_date_in_the_future_is_not_checked(collateral):
    # The sample's TCB info was issued 2023-11-21, after production's test time.
    assert ts(json.loads(collateral.tcb_info)["issueDate"]) > NOW
    dcap.verify_dcap(QUOTE, collateral, NOW)


def test_pck_leaf_not_yet_valid(collateral):
    not_before = ts("2023-09-20T21:53:43Z")
    dcap.verify_dcap(QUOTE, collateral, not_before)
    err = fails(QUOTE, collateral, not_before - 1)
    assert err.code == INVALID and "PCK chain" in err.detail


def test_after_certificate_validity(collateral):
    # The TCB signing cert expires 2025-05-21T10:50:10Z, later than nextUpdate, so the
    # whole verification fails on freshness first; the chain check alone is shown too.
    err = fails(QUOTE, collateral, ts("2025-05-21T10:50:11Z"))
    assert err.code == INVALID
    certs = dcap.extract_certs(collateral.tcb_info_issuer_chain.encode(), "tcb")
    dcap.verify_chain(certs, ts("2025-05-21T10:50:10Z"), "tcb", ANCHORS)
    with pytest.raises(DispatchError) as info:
        dcap.verify_chain(certs, ts("2025-05-21T10:50:11Z"), "tcb", ANCHORS)
    assert info.value.code == INVALID and "leaf certificate not valid" in info.value.detail


def test_chain_must_end_at_the_pinned_root(collateral):
    certs = dcap.extract_certs(collateral.tcb_info_issuer_chain.encode(), "tcb")
    # A leaf on its own (root missing from the list) still reaches the pinned anchor ...
    dcap.verify_chain([certs[0], certs[0]], NOW, "tcb", ANCHORS)
    # ... but a chain whose leaf is issued by someone else does not.
    pck_certs = dcap.extract_certs(dcap.parse_quote(QUOTE).cert_data, "pck")
    with pytest.raises(DispatchError):
        dcap.verify_chain([pck_certs[0], certs[1]], NOW, "pck", ANCHORS)


# -- [ATT-28] signatures and the QE binding --------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "detail"),
    [
        (0 + 8, "ISV report signature"),  # header (qe_svn) is signed
        (BODY + 64, "ISV report signature"),  # mr_enclave
        (BODY + 256, "ISV report signature"),  # isv_prod_id
        (BODY + 320, "ISV report signature"),  # report_data
        (ISV_SIG + 5, "ISV report signature"),
        (ISV_SIG + 40, "ISV report signature"),
        (ATT_KEY + 3, ""),  # QE binding (or not a curve point)
        (QE_REPORT + 10, "QE report signature"),
        (QE_REPORT + 320, "QE report signature"),
        (QE_SIG + 1, "QE report signature"),
        (QE_SIG + 63, "QE report signature"),
    ],
)
def test_flipped_byte_is_rejected(collateral, offset, detail):
    err = fails(flip(QUOTE, offset), collateral)
    assert err.code == INVALID
    assert detail in err.detail


def test_flipped_qe_auth_data_breaks_the_binding(collateral):
    auth_len = struct.unpack_from("<H", QUOTE, QE_SIG + 64)[0]
    assert auth_len == 32
    err = fails(flip(QUOTE, QE_SIG + 66), collateral)
    assert "bind" in err.detail


@pytest.mark.parametrize(("offset", "value"), [(0, 4), (2, 3), (QE_SIG + 66 + 32, 4)])
def test_header_and_certification_type_fields(collateral, offset, value):
    bad = QUOTE[:offset] + struct.pack("<H", value) + QUOTE[offset + 2 :]
    err = fails(bad, collateral)
    assert err.code == INVALID and "unsupported" in err.detail


@pytest.mark.parametrize(
    "cut",
    [0, 47, 48, 431, 432, 436, 500, QE_SIG + 64, QE_SIG + 70, len(QUOTE) - 100, len(QUOTE) - 2000],
)
def test_truncated_quote_is_rejected(collateral, cut):
    assert fails(QUOTE[:cut], collateral).code == INVALID


def test_tcb_info_signature_and_text_are_checked(collateral):
    sig = collateral.tcb_info_signature
    err = fails(
        QUOTE, attrs.evolve(collateral, tcb_info_signature=sig[:5] + bytes([sig[5] ^ 1]) + sig[6:])
    )
    assert "TCB info signature" in err.detail
    assert fails(QUOTE, attrs.evolve(collateral, tcb_info_signature=sig[:63])).code == INVALID
    # Any edit of the signed text, even one that keeps it valid JSON, breaks the signature.
    edited = collateral.tcb_info.replace(
        '"tcbStatus":"SWHardeningNeeded"', '"tcbStatus":"UpToDate"', 1
    )
    assert edited != collateral.tcb_info
    assert "TCB info signature" in fails(QUOTE, attrs.evolve(collateral, tcb_info=edited)).detail


# -- [ATT-31] malformed input is always a typed error ----------------------------------------


@pytest.mark.parametrize(
    "field,value",
    [
        ("tcb_info", "not json"),
        ("tcb_info", "[]"),
        ("tcb_info", '{"nextUpdate": 5}'),
        ("tcb_info", '{"nextUpdate": "2099-01-01T00:00:00Z", "fmspc": "zz", "tcbLevels": []}'),
        ("tcb_info", '{"nextUpdate": "2099-01-01", "fmspc": "00", "tcbLevels": []}'),
        ("tcb_info", '{"nextUpdate": "2099-13-01T00:00:00Z", "fmspc": "00", "tcbLevels": []}'),
        (
            "tcb_info",
            '{"nextUpdate": "2099-01-01T00:00:00Z", "fmspc": "00", "tcbLevels": [{"tcb": {}}]}',
        ),
        ("tcb_info", "[" * 100000),
        ("tcb_info_issuer_chain", ""),
        ("tcb_info_issuer_chain", "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----"),
        (
            "tcb_info_issuer_chain",
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----" * 2,
        ),
        ("tcb_info_issuer_chain", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"),
        ("tcb_info_signature", b""),
    ],
)
def test_malformed_collateral_fields(collateral, field, value):
    assert fails(QUOTE, attrs.evolve(collateral, **{field: value})).code == INVALID


@pytest.mark.parametrize(
    "field", ["root_ca_crl", "pck_crl", "qe_identity", "qe_identity_issuer_chain"]
)
def test_crls_and_qe_identity_are_not_checked(collateral, field):
    # [ATT-32]: production checks neither the CRLs (hex of DER) nor the QE identity; garbage
    # in them neither raises an untyped exception nor changes the outcome.
    report = dcap.verify_dcap(QUOTE, attrs.evolve(collateral, **{field: "zz not hex"}), NOW)
    assert report.confidence_level == 4


def test_garbage_in_the_pck_chain(collateral):
    start = QUOTE.index(b"-----BEGIN CERTIFICATE-----") + 40
    bad = QUOTE[:start] + b"!" + QUOTE[start + 1 :]
    assert fails(bad, collateral).code == INVALID


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_mutation_is_a_report_or_a_typed_error(data):
    coll = dcap.decode_collateral(COLLATERAL_BYTES)
    quote = bytearray(QUOTE)
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(quote) - 1))
        quote[i] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(quote)))
    try:
        dcap.verify_dcap(bytes(quote[:cut]), coll, NOW)
    except DispatchError as e:
        assert e.code in (INVALID, "PhalaRegistry.InvalidQuoteStatus")


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=600))
def test_random_collateral_bytes_are_typed_errors(blob):
    try:
        dcap.decode_collateral(blob)
    except DispatchError as e:
        assert e.code == INVALID


# -- [ATT-30] TCB level selection ------------------------------------------------------------


def _level(comps, pce, status):
    return dcap.TcbLevel(
        components=tuple(comps), pce_svn=pce, status=status, advisory_ids=(status,)
    )


def test_tcb_level_selection_rules():
    tcb = dcap.PckTcb(fmspc=b"\x00" * 6, cpu_svn=bytes([5] * 16), pce_svn=10)
    info = dcap.TcbInfo(
        next_update=0,
        fmspc=b"\x00" * 6,
        levels=(
            _level([5] * 16, 11, "PceTooLow"),
            _level([5] * 15 + [6], 10, "Component16TooLow"),
            _level([5] * 16, 10, "Equal"),
            _level([0] * 16, 0, "Later"),
        ),
    )
    assert dcap.select_tcb_level(info, tcb) == ("Equal", ("Equal",))
    assert dcap.select_tcb_level(attrs.evolve(info, levels=info.levels[:2]), tcb) == ("Unknown", ())


def test_unknown_tcb_status_is_invalid_quote_status(collateral, monkeypatch):
    monkeypatch.setattr(dcap, "select_tcb_level", lambda info, tcb: ("Unknown", ()))
    assert fails(QUOTE, collateral).code == "PhalaRegistry.InvalidQuoteStatus"


def test_fmspc_mismatch(collateral, monkeypatch):
    real = dcap.parse_tcb_info

    def other_fmspc(text):
        return attrs.evolve(real(text), fmspc=bytes.fromhex("00906ED50000"))

    monkeypatch.setattr(dcap, "parse_tcb_info", other_fmspc)
    assert "FMSPC" in fails(QUOTE, collateral).detail


def test_now_is_an_argument_not_the_wall_clock(collateral):
    assert datetime.now(UTC).timestamp() > ts("2023-12-21T00:06:09Z")
    dcap.verify_dcap(QUOTE, collateral, NOW)
