"""The DCAP corpus: synthetic evidence under the test root CA, one rejection class or parser
boundary at a time [STEP-8] [ATT-20]..[ATT-39].

Production's sample is one quote from one platform: it verifies, and tampering with it only
breaks a signature. Evidence made under the test root ([ATT-39]; the genesis sets
``dcap_test_root``) is signed for whatever it says, so each check of the chain's verifier
can be shown on its own: a field out of range but properly signed, a certificate that is
not a CA but chains, a length one byte off, a TCB level one SVN short. Every vector here
verifies at the corpus instant ``NOW`` unless it says otherwise; the default evidence
verifies (``ok``), and each step changes one thing of it.

These vectors are a suite of their own, ``dcap_corpus``: only an implementation that trusts
the test root can run them, and dcap-qvl, which trusts Intel's root alone, does not declare
the suite (and answers a genesis that trusts the test root ``unsupported``). The one vector
that shows the test root refused without the flag is in the ``dcap`` suite, which dcap-qvl
passes.
All DCAP failures share one code ([ATT-20]), so the order of the checks is invisible except
against ``InvalidQuoteStatus`` and ``UnsupportedAttestationType``, which the precedence
vectors show.
"""

from __future__ import annotations

from typing import Any

import attrs

from phala_spec.conformance.authoring import CaseBuilder, case
from phala_spec.conformance.dcap_corpus import (
    CPU_SVN,
    DAY,
    FMSPC,
    NOW,
    PCE_SVN,
    PCK_CA,
    PCK_LEAF,
    SGX,
    TCB_SIGNER,
    Cert,
    Collateral,
    Quote,
    chain,
    collateral,
    compact,
    der,
    der_uint,
    entry,
    level,
    oid_body,
    pck_data,
    pck_leaf,
    quote,
    rfc3339,
    sgx_extension,
    sign_raw,
    tcb_entries,
    tcb_info,
    text,
    top_entries,
)
from phala_spec.conformance.suites.attestation.common import BAD_DCAP, BAD_STATUS, UNSUPPORTED

SUITE = "dcap_corpus"
SHARED_SUITE = "dcap"  # what a verifier trusting Intel's root alone also answers [ATT-35]
HANDLER = "verify_dcap"
MINIMAL = ("minimal",)
TEST_ROOT = {"dcap_test_root": True}
P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def corpus_genesis(b: CaseBuilder) -> None:
    """The ``minimal`` genesis with the test root trusted [ATT-39]."""
    b.genesis(config=TEST_ROOT)


def verify(
    b: CaseBuilder,
    outcome: str,
    q: bytes | None = None,
    c: bytes | None = None,
    now: int = NOW,
) -> None:
    """One ``verify_dcap`` step of the default evidence with ``q`` or ``c`` in its place."""
    b.verify_dcap(quote() if q is None else q, collateral() if c is None else c, now)
    b.expect_outcome(outcome)


def with_pck(leaf: Cert | None = None, *others: Cert, tail: str = "\x00") -> bytes:
    """A quote whose PCK chain is ``leaf`` (default: the PCK certificate) then ``others``
    (default: the platform CA), then the test root."""
    certs = (PCK_LEAF if leaf is None else leaf, *(others or (PCK_CA,)))
    return quote(cert_data=pck_data(*certs, tail=tail))


def with_extension(ext: bytes) -> bytes:
    """A quote whose PCK certificate carries ``ext`` as its SGX extension [ATT-29]."""
    return with_pck(pck_leaf(sgx=ext))


def with_platform(cpu_svn: bytes = CPU_SVN, pce_svn: int = PCE_SVN) -> bytes:
    """A quote whose PCK certificate describes another platform TCB [ATT-29]."""
    return with_extension(sgx_extension(top_entries(tcb=tcb_entries(cpu_svn, pce_svn))))


def with_tcb(*levels: Any, **members: Any) -> bytes:
    """Collateral whose TCB info lists ``levels`` [ATT-27]."""
    return collateral(tcb_info(list(levels), **members))


# --- The test root [ATT-39] ------------------------------------------------------------------


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-3", "ATT-33", "ATT-39"))
def corpus_verifies_under_test_root(b: CaseBuilder) -> None:
    """With the test root trusted, the corpus's default evidence verifies: provider `Dcap`,
    confidence 1 (`UpToDate`), the pRuntime hash with `isv_prod_id` 0x0102 and `isv_svn`
    0x0304 written big-endian, the quote's 64 bytes of report data, no timestamp."""
    corpus_genesis(b)
    verify(b, "ok")


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-3", "ATT-23", "ATT-39"))
def corpus_enclave_ids_at_their_largest(b: CaseBuilder) -> None:
    """`isv_prod_id` and `isv_svn` are u16: a quote with both at 0xFFFF verifies, and its
    pRuntime hash carries `FFFF FFFF` between the two measurements; with both at 0, `0000 0000`
    [ATT-3]."""
    corpus_genesis(b)
    verify(b, "ok", quote(isv_prod_id=0xFFFF, isv_svn=0xFFFF))
    verify(b, "ok", quote(isv_prod_id=0, isv_svn=0))


@case(suite=SHARED_SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-22", "ATT-39"))
def corpus_test_root_not_trusted_by_default(b: CaseBuilder) -> None:
    """Without the genesis override the chain trusts Intel's root alone: the same evidence
    is `InvalidDCAPQuote` (dcap-qvl agrees)."""
    verify(b, BAD_DCAP)


# --- [ATT-23] [ATT-26] the quote's layout and fields --------------------------------------------


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-26", "ATT-39"))
def corpus_quote_version_and_types(b: CaseBuilder) -> None:
    """Properly signed quotes whose version is 2 or 4, whose attestation key type is 1 or 3,
    or whose certification data type is 4 or 6: each `InvalidDCAPQuote` (only 3, 2 and 5
    verify)."""
    corpus_genesis(b)
    for change in (
        {"version": 2},
        {"version": 4},
        {"key_type": 1},
        {"key_type": 3},
        {"cert_type": 4},
        {"cert_type": 6},
    ):
        verify(b, BAD_DCAP, quote(**change))


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-23", "ATT-31", "ATT-39"))
def corpus_quote_length_fields(b: CaseBuilder) -> None:
    """The length fields one off: the certification data's length one more than the bytes
    left, `InvalidDCAPQuote`; one less, `ok` (the chain text loses its final NUL); the QE
    auth data's length one more or one less, `InvalidDCAPQuote` (the fields after it shift);
    empty QE auth data, bound as such, `ok`."""
    corpus_genesis(b)
    cert_len = len(pck_data(PCK_LEAF, PCK_CA))
    verify(b, BAD_DCAP, quote(cert_data_len=cert_len + 1))
    verify(b, "ok", quote(cert_data_len=cert_len - 1)[:-1])
    verify(b, BAD_DCAP, quote(qe_auth_len=33))
    verify(b, BAD_DCAP, quote(qe_auth_len=31))
    verify(b, "ok", quote(qe_auth_data=b""))


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-23", "ATT-31", "ATT-39"))
def corpus_quote_truncated_at_each_field(b: CaseBuilder) -> None:
    """The default quote cut at the end of each field but the last (header, report body,
    signature-data length, ISV signature, attestation key, QE report, QE signature, QE auth
    data length, QE auth data, certification data type, its length) and one byte short of
    the whole: each `InvalidDCAPQuote`."""
    corpus_genesis(b)
    q = quote()
    for end in (48, 432, 436, 500, 564, 948, 1012, 1014, 1046, 1048, 1052, len(q) - 1):
        verify(b, BAD_DCAP, q[:end])


# --- [ATT-25] [ATT-28] signatures and the QE binding ---------------------------------------------


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-25", "ATT-28", "ATT-39"))
def corpus_quote_signatures(b: CaseBuilder) -> None:
    """The ISV report signed by a key other than the attestation key; the QE report signed
    by a key other than the PCK certificate's; the QE report data not binding the
    attestation key; an attestation key that is not a P-256 point (bound as such); an ISV
    signature with `r = 0`, with `s = n`: each `InvalidDCAPQuote`. The ISV signature with
    `s` replaced by `n − s` (the same signature, high-S) verifies."""
    corpus_genesis(b)
    signed = Quote().header() + Quote().body()
    good = sign_raw("attestation", signed)
    r, s = good[:32], int.from_bytes(good[32:], "big")
    for bad in (
        quote(isv_signature=sign_raw("someone-else", signed)),
        quote(pck_key="someone-else"),
        quote(qe_report_data=bytes(64)),
        quote(attestation_pubkey=bytes(63) + b"\x01"),
        quote(isv_signature=bytes(32) + good[32:]),
        quote(isv_signature=r + P256_N.to_bytes(32, "big")),
    ):
        verify(b, BAD_DCAP, bad)
    verify(b, "ok", quote(isv_signature=r + (P256_N - s).to_bytes(32, "big")))


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-25", "ATT-27", "ATT-39"))
def corpus_tcb_info_signature(b: CaseBuilder) -> None:
    """The TCB info signed by a key other than the TCB signing certificate's; its signature
    63 bytes, or 65 bytes (`r ‖ 0x00 ‖ s`, the same integers); the document changed after
    signing: each `InvalidDCAPQuote`."""
    corpus_genesis(b)
    info = text(tcb_info())
    good = sign_raw("tcb-signing", info.encode())
    for bad in (
        collateral(info, tcb_signer="someone-else"),
        collateral(info, tcb_signature=good[:63]),
        collateral(info, tcb_signature=good[:32] + b"\x00" + good[32:]),
        collateral(info.replace('"tcbType":0', '"tcbType":1'), tcb_signature=good),
    ):
        verify(b, BAD_DCAP, c=bad)


# --- [ATT-24] certificate chains -----------------------------------------------------------------


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-24", "ATT-39"))
def corpus_chain_links(b: CaseBuilder) -> None:
    """Each link of the PCK chain: the PCK certificate signed by another key under its CA's
    name; the platform CA signed by another key under the root's name; the CA missing from
    the chain (another certificate in its place); the PCK certificate alone, issued by the
    root itself (a chain of one); the CA with a P-384 key; a link signed with ECDSA-SHA384
    (the root's of the CA, the CA's of the PCK certificate): each `InvalidDCAPQuote`. The
    PCK certificate issued by the root directly (chain of two), and the chain's blocks in
    another order after the leaf, verify."""
    corpus_genesis(b)
    p384_ca = attrs.evolve(PCK_CA, key="pck-ca-p384")
    direct = pck_leaf(signer="root", issuer_cn=PCK_CA.issuer_cn)
    for bad in (
        with_pck(pck_leaf(signer="someone-else")),
        with_pck(PCK_LEAF, attrs.evolve(PCK_CA, signer="someone-else")),
        with_pck(PCK_LEAF, TCB_SIGNER),
        quote(cert_data=chain(direct, root=False).encode()),
        with_pck(pck_leaf(signer="pck-ca-p384"), p384_ca),
        with_pck(PCK_LEAF, attrs.evolve(PCK_CA, signature_hash="sha384")),
        with_pck(pck_leaf(signature_hash="sha384")),
    ):
        verify(b, BAD_DCAP, bad)
    verify(b, "ok", quote(cert_data=chain(direct).encode()))
    root_first = chain(PCK_LEAF, root=False) + chain(root=True) + chain(PCK_CA, root=False)
    verify(b, "ok", quote(cert_data=root_first.encode()))


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-24", "ATT-39"))
def corpus_chain_basic_constraints(b: CaseBuilder) -> None:
    """The platform CA not a CA (`cA` false), or without basic constraints; the PCK
    certificate a CA; the TCB signing certificate a CA; the CA placed first, as if it were
    the leaf: each `InvalidDCAPQuote`. A PCK certificate without basic constraints (not a
    CA) verifies."""
    corpus_genesis(b)
    for bad in (
        with_pck(PCK_LEAF, attrs.evolve(PCK_CA, ca=False)),
        with_pck(PCK_LEAF, attrs.evolve(PCK_CA, ca=None)),
        with_pck(pck_leaf(ca=True)),
        quote(cert_data=pck_data(PCK_CA, PCK_LEAF)),
    ):
        verify(b, BAD_DCAP, bad)
    verify(b, BAD_DCAP, c=collateral(tcb_chain=chain(attrs.evolve(TCB_SIGNER, ca=True))))
    verify(b, "ok", with_pck(pck_leaf(ca=None)))


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-24", "ATT-39"))
def corpus_chain_validity_bounds(b: CaseBuilder) -> None:
    """Validity is inclusive at both ends, for the leaf and for the CA: a certificate whose
    notAfter is the block's second, or whose notBefore is, verifies; one second either side,
    `InvalidDCAPQuote`. The same for the TCB signing certificate."""
    corpus_genesis(b)
    for field, ok_at, bad_at in (("not_after", NOW, NOW - 1), ("not_before", NOW, NOW + 1)):
        for at, outcome in ((ok_at, "ok"), (bad_at, BAD_DCAP)):
            verify(b, outcome, with_pck(pck_leaf(**{field: at})))
            change: dict[str, Any] = {field: at}
            verify(b, outcome, with_pck(PCK_LEAF, attrs.evolve(PCK_CA, **change)))
            signer = attrs.evolve(TCB_SIGNER, **change)
            verify(b, outcome, c=collateral(tcb_chain=chain(signer)))


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-24", "ATT-39"))
def corpus_chain_depth(b: CaseBuilder) -> None:
    """A PCK certificate six CAs below the root verifies; seven CAs below it,
    `InvalidDCAPQuote` (the reference follows at most six intermediates)."""
    corpus_genesis(b)

    def ladder(n: int) -> bytes:
        cas = [
            Cert(
                f"TEST CA {i}",
                f"ca-{i}",
                "root" if i == n else f"ca-{i + 1}",
                "TEST ONLY phala-spec SGX Root CA" if i == n else f"TEST CA {i + 1}",
                ca=True,
            )
            for i in range(1, n + 1)
        ]
        return with_pck(pck_leaf(signer="ca-1", issuer_cn="TEST CA 1"), *cas)

    verify(b, "ok", ladder(6))
    verify(b, BAD_DCAP, ladder(7))


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-24", "ATT-27", "ATT-39"))
def corpus_chain_pem_text(b: CaseBuilder) -> None:
    """The chain as text: a certificate inside a block labelled `X509 CRL`, a block opened
    as `CERTIFICATE` but closed as `X509 CRL`, a block whose base64 is broken, a block of
    base64 that is not a certificate: each `InvalidDCAPQuote`. Text between and around the
    blocks is ignored (`ok`). The TCB signing certificate alone, without the root's copy
    after it: `InvalidDCAPQuote` (a chain lists at least two certificates)."""
    corpus_genesis(b)
    leaf, ca = chain(PCK_LEAF, root=False), chain(PCK_CA, root=False)
    relabelled = ca.replace("CERTIFICATE", "X509 CRL")
    half = ca.replace("END CERTIFICATE", "END X509 CRL")
    lines = ca.splitlines(keepends=True)
    broken = "".join([lines[0], "!" + lines[1][1:], *lines[2:]])
    not_cert = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
    for middle in (relabelled, half, broken):
        verify(b, BAD_DCAP, quote(cert_data=(leaf + middle + chain()).encode()))
    verify(b, BAD_DCAP, quote(cert_data=(leaf + ca + not_cert + chain()).encode()))
    chatty = "issuer: the platform CA\n" + leaf + "then\n" + ca + chain() + "end\n"
    verify(b, "ok", quote(cert_data=chatty.encode()))
    verify(b, BAD_DCAP, c=collateral(tcb_chain=chain(TCB_SIGNER, root=False)))


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-24", "ATT-28", "ATT-39"))
def corpus_signing_keys_not_p256(b: CaseBuilder) -> None:
    """A PCK certificate, or a TCB signing certificate, whose own key is on P-384 (the
    certificate itself properly issued): its signature cannot be checked as ECDSA-P256,
    `InvalidDCAPQuote`."""
    corpus_genesis(b)
    verify(b, BAD_DCAP, with_pck(pck_leaf(key="pck-p384")))
    signer = attrs.evolve(TCB_SIGNER, key="tcb-p384")
    verify(b, BAD_DCAP, c=collateral(tcb_chain=chain(signer)))


# --- [ATT-29] the PCK certificate's SGX extension ------------------------------------------------


FMSPC_OID = f"{SGX}.4"
TCB_OID = f"{SGX}.2"


def fmspc_entry_with_oid(oid: bytes) -> list[bytes]:
    """The default extension with the FMSPC entry's OID replaced by raw content octets."""
    entries = top_entries()
    entries[3] = entry(oid, der(0x04, FMSPC))
    return entries


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-29", "ATT-39"))
def corpus_pck_extension_fields(b: CaseBuilder) -> None:
    """What the chain reads of the SGX extension: no extension; no FMSPC entry; the FMSPC an
    UTF8String; the FMSPC 5 bytes (and the TCB info's too); the TCB a SET instead of a
    SEQUENCE; no TCB entry; no CPUSVN; the CPUSVN an UTF8String; the CPUSVN 15 bytes; no
    PCESVN; the PCESVN an OCTET STRING; the PCESVN negative (`02 02 80 00`); the PCESVN
    65536: each `InvalidDCAPQuote`. The INTEGER components `.2.1`..`.2.16` disagreeing with
    the CPUSVN, or absent, change nothing (`ok`)."""
    corpus_genesis(b)
    tcb = tcb_entries()
    pce, svn = tcb[16], tcb[17]
    without_fmspc = [e for i, e in enumerate(top_entries()) if i != 3]
    without_tcb = [e for i, e in enumerate(top_entries()) if i != 1]
    five = collateral(tcb_info(fmspc=FMSPC[:5].hex()))
    bad_extensions: list[list[bytes]] = [
        without_fmspc,
        top_entries(fmspc_tag=0x0C),
        without_tcb,
        top_entries(tcb=[*tcb[:16], pce]),
        top_entries(tcb=[*tcb[:16], pce, entry(f"{SGX}.2.18", der(0x0C, CPU_SVN))]),
        top_entries(tcb=[*tcb[:16], pce, entry(f"{SGX}.2.18", der(0x04, CPU_SVN[:15]))]),
        top_entries(tcb=[*tcb[:16], svn]),
        top_entries(tcb=[*tcb[:16], entry(f"{SGX}.2.17", der(0x04, b"\x0b")), svn]),
        top_entries(tcb=[*tcb[:16], entry(f"{SGX}.2.17", der(0x02, b"\x80\x00")), svn]),
        top_entries(tcb=[*tcb[:16], entry(f"{SGX}.2.17", der_uint(65536)), svn]),
    ]
    verify(b, BAD_DCAP, with_pck(pck_leaf(sgx=None)))
    for entries in bad_extensions:
        verify(b, BAD_DCAP, with_extension(sgx_extension(entries)))
    verify(b, BAD_DCAP, with_extension(sgx_extension(top_entries(FMSPC[:5]))), five)
    as_set = top_entries()
    as_set[1] = entry(TCB_OID, der(0x31, b"".join(tcb)))
    verify(b, BAD_DCAP, with_extension(sgx_extension(as_set)))
    other = [entry(f"{SGX}.2.{i + 1}", der_uint(200)) for i in range(16)]
    verify(b, "ok", with_extension(sgx_extension(top_entries(tcb=[*other, pce, svn]))))
    verify(b, "ok", with_extension(sgx_extension(top_entries(tcb=[pce, svn]))))


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-29", "ATT-30", "ATT-39"))
def corpus_pck_pcesvn_bounds(b: CaseBuilder) -> None:
    """The PCESVN is a u16: 65535 verifies (against a level needing 65535), 0 verifies
    (against a level needing 0)."""
    corpus_genesis(b)
    verify(b, "ok", with_platform(pce_svn=65535), with_tcb(level(pcesvn=65535)))
    verify(b, "ok", with_platform(pce_svn=0), with_tcb(level(pcesvn=0)))


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-29", "ATT-39"))
def corpus_pck_extension_oids(b: CaseBuilder) -> None:
    """The FMSPC entry's OID spelled otherwise: with first octet 2 (`0.2.840…`), with first
    octet 82 (`2.2.840…`), with a dangling continuation octet, empty: none is the FMSPC's,
    so each is `InvalidDCAPQuote`."""
    corpus_genesis(b)
    rest = oid_body(FMSPC_OID)[1:]
    for oid in (bytes([2]) + rest, bytes([82]) + rest, oid_body(FMSPC_OID) + b"\x81", b""):
        verify(b, BAD_DCAP, with_extension(sgx_extension(fmspc_entry_with_oid(oid))))


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-29", "ATT-31", "ATT-39"))
def corpus_pck_extension_der(b: CaseBuilder) -> None:
    """The extension's DER at its boundaries. Verify: lengths in the long form of one, two
    and four octets (`81`, `82`, `84`); a value of 127 octets (the last short form); an
    entry ending in an empty value (`05 00`), or in an empty value whose length is in the
    long form (`05 81 00`). `InvalidDCAPQuote`: a five-octet long form (`85`); the
    indefinite form (`80`), inside an entry or ending it; a value claiming more octets than
    its entry holds; one octet left over after an entry's value; two top-level values;
    a top-level SET; an entry of three values; an entry that is not a SEQUENCE; an entry
    whose first value is not an OID."""
    corpus_genesis(b)
    ppid = f"{SGX}.1"
    tops = top_entries()

    def with_first(first: bytes, *, ext_tag: int = 0x30) -> bytes:
        return with_extension(der(ext_tag, first + b"".join(tops[1:])))

    long_ppid = entry(ppid, der(0x04, bytes(200)))  # an 0x81 length
    four = entry(ppid, der(0x04, bytes(16), length=b"\x84\x00\x00\x00\x10"))
    five = entry(ppid, der(0x04, bytes(16), length=b"\x85\x00\x00\x00\x00\x10"))
    edge = entry(ppid, der(0x04, bytes(127)))
    empty_last = entry(ppid, der(0x05, b""))
    empty_long = entry(ppid, b"\x05\x81\x00")
    for first in (long_ppid, four, edge, empty_last, empty_long):
        verify(b, "ok", with_first(first))
    indefinite = der(0x30, der(0x06, oid_body(ppid)) + b"\x04\x80" + bytes(128))
    indefinite_last = entry(ppid, b"\x04\x80")
    overlong = der(0x30, der(0x06, oid_body(ppid)) + b"\x04\x05AB")
    leftover = der(0x30, der(0x06, oid_body(ppid)) + der(0x04, b"AB") + b"\x04")
    three = der(0x30, der(0x06, oid_body(ppid)) + der(0x04, b"AB") + der(0x04, b"CD"))
    not_seq = der(0x31, der(0x06, oid_body(ppid)) + der(0x04, b"AB"))
    no_oid = der(0x30, der(0x04, oid_body(ppid)) + der(0x04, b"AB"))
    for first in (five, indefinite, indefinite_last, overlong, leftover, three, not_seq, no_oid):
        verify(b, BAD_DCAP, with_first(first))
    verify(b, BAD_DCAP, with_extension(sgx_extension() + der(0x05, b"")))
    verify(b, BAD_DCAP, with_first(tops[0], ext_tag=0x31))


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-27", "ATT-29", "ATT-39"))
def corpus_fmspc_match(b: CaseBuilder) -> None:
    """The TCB info's FMSPC against the PCK certificate's: another FMSPC, `InvalidDCAPQuote`;
    the same in lower case, `ok`; written with spaces between the bytes, or with an odd
    number of digits, `InvalidDCAPQuote` (hex is pairs of digits and nothing else)."""
    corpus_genesis(b)
    verify(b, BAD_DCAP, c=collateral(tcb_info(fmspc="00906EA10001")))
    verify(b, "ok", c=collateral(tcb_info(fmspc=FMSPC.hex().lower())))
    spaced = " ".join(f"{x:02X}" for x in FMSPC)
    verify(b, BAD_DCAP, c=collateral(tcb_info(fmspc=spaced)))
    verify(b, BAD_DCAP, c=collateral(tcb_info(fmspc=FMSPC.hex()[:-1])))


# --- [ATT-27] the TCB info document ------------------------------------------------------------


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-27", "ATT-39"))
def corpus_tcb_info_next_update(b: CaseBuilder) -> None:
    """`nextUpdate` is inclusive: at the block's second, `ok`; one second before it,
    `InvalidDCAPQuote`. RFC 3339 as written: a lower-case `t` and `z`, or a `+01:00` offset
    an hour later in local time, `ok`; a date alone, a number, a day that does not exist
    (February 30), absent: `InvalidDCAPQuote`. `issueDate` is not read: one a year after the
    block, or none, `ok`."""
    corpus_genesis(b)
    at, before = rfc3339(NOW), rfc3339(NOW - 1)
    verify(b, "ok", c=collateral(tcb_info(next_update=at)))
    verify(b, BAD_DCAP, c=collateral(tcb_info(next_update=before)))
    verify(b, "ok", c=collateral(tcb_info(next_update=at.replace("T", "t").replace("Z", "z"))))
    hour_later = rfc3339(NOW + 3600).replace("Z", "+01:00")
    verify(b, "ok", c=collateral(tcb_info(next_update=hour_later)))
    before_offset = rfc3339(NOW - 1 + 3600).replace("Z", "+01:00")
    verify(b, BAD_DCAP, c=collateral(tcb_info(next_update=before_offset)))
    for bad in ("2030-01-01", NOW + DAY, "2030-02-30T00:00:00Z"):
        verify(b, BAD_DCAP, c=collateral(tcb_info(next_update=bad)))
    missing = tcb_info()
    del missing["nextUpdate"]
    verify(b, BAD_DCAP, c=collateral(missing))
    verify(b, "ok", c=collateral(tcb_info(issue_date=rfc3339(NOW + 365 * DAY))))
    undated = tcb_info()
    del undated["issueDate"]
    verify(b, "ok", c=collateral(undated))


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-27", "ATT-31", "ATT-39"))
def corpus_tcb_info_shape(b: CaseBuilder) -> None:
    """The TCB info document's shape: not JSON, a JSON list, JSON nested 5,000 deep, no
    `fmspc`, `fmspc` a number, no `tcbLevels`, `tcbLevels` an object or a text: each
    `InvalidDCAPQuote`. An empty `tcbLevels` list is a platform that meets no level: status
    `Unknown`, `InvalidQuoteStatus`."""
    corpus_genesis(b)
    no_fmspc, no_levels = tcb_info(), tcb_info()
    del no_fmspc["fmspc"], no_levels["tcbLevels"]
    for doc in (
        "not json",
        text([tcb_info()]),
        "[" * 5_000 + "]" * 5_000,
        text(no_fmspc),
        text(tcb_info(fmspc=906)),
        text(no_levels),
        text(tcb_info(tcbLevels={})),
        text(tcb_info(tcbLevels="")),
    ):
        verify(b, BAD_DCAP, c=collateral(doc))
    verify(b, BAD_STATUS, c=with_tcb())


UNMET = level(status="Revoked", pcesvn=PCE_SVN + 1)  # a level the platform does not meet


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-27", "ATT-30", "ATT-39"))
def corpus_tcb_levels_malformed(b: CaseBuilder) -> None:
    """Every TCB level is read, even after the one the platform meets: a later level that is
    not an object, without `tcb`, with 15 or 17 components, a component that is not an
    object, a component SVN of 256, of −1 or written as text, a PCESVN of 65536, no
    `tcbStatus`, `tcbStatus` a number, `advisoryIDs` a text or holding a number: each
    `InvalidDCAPQuote`. A later level with SVN 255 and PCESVN 65535 is well formed (`ok`)."""
    corpus_genesis(b)
    good = level()
    comps = level()["tcb"]["sgxtcbcomponents"]
    no_tcb = level()
    del no_tcb["tcb"]
    no_status = level()
    del no_status["tcbStatus"]

    def with_components(items: list[Any]) -> dict[str, Any]:
        lv = level()
        lv["tcb"]["sgxtcbcomponents"] = items
        return lv

    bad_levels: list[Any] = [
        "UpToDate",
        no_tcb,
        with_components(comps[:15]),
        with_components([*comps, {"svn": 0}]),
        with_components([*comps[:15], 0]),
        level([256] + [0] * 15),
        level([-1] + [0] * 15),
        with_components([{"svn": "1"}, *comps[1:]]),
        level(pcesvn=65536),
        no_status,
        {**level(), "tcbStatus": 1},
        {**level(), "advisoryIDs": "INTEL-SA-00334"},
        {**level(), "advisoryIDs": ["INTEL-SA-00334", 334]},
    ]
    for bad in bad_levels:
        verify(b, BAD_DCAP, c=with_tcb(good, bad))
    verify(b, "ok", c=with_tcb(good, level([255] * 16, 65535)))


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-4", "ATT-30", "ATT-39"))
def corpus_tcb_statuses(b: CaseBuilder) -> None:
    """The status of the level the platform meets, graded by [ATT-4]: `UpToDate` and `OK` 1,
    `SWHardeningNeeded` 2, `ConfigurationNeeded` and `ConfigurationAndSWHardeningNeeded` 3
    (4 with an advisory outside the whitelist, 3 with whitelisted ones or none),
    `OutOfDate` and `OutOfDateConfigurationNeeded` 5: `ok` with that confidence; `Revoked`,
    `uptodate`, `Unknown`: `InvalidQuoteStatus`."""
    corpus_genesis(b)
    for status, advisories in (
        ("UpToDate", ["INTEL-SA-00615"]),
        ("OK", None),
        ("SWHardeningNeeded", ["INTEL-SA-00615"]),
        ("ConfigurationNeeded", None),
        ("ConfigurationNeeded", ["INTEL-SA-00334", "INTEL-SA-00219"]),
        ("ConfigurationNeeded", ["INTEL-SA-00334", "INTEL-SA-00615"]),
        ("ConfigurationAndSWHardeningNeeded", ["INTEL-SA-00389"]),
        ("ConfigurationAndSWHardeningNeeded", ["INTEL-SA-00381", "INTEL-SA-00657"]),
        ("OutOfDate", ["INTEL-SA-00615"]),
        ("OutOfDateConfigurationNeeded", []),
    ):
        verify(b, "ok", c=with_tcb(level(status=status, advisories=advisories)))
    for status in ("Revoked", "uptodate", "Unknown"):
        verify(b, BAD_STATUS, c=with_tcb(level(status=status)))


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-30", "ATT-39"))
def corpus_tcb_level_selection(b: CaseBuilder) -> None:
    """The first level, in document order, that the platform meets decides. Levels asking one
    more of any single CPU SVN component, or of the PCESVN, are passed over (their status,
    `Revoked`, would be `InvalidQuoteStatus`); a level the platform exactly meets, or exceeds,
    is taken; of two met levels the first wins (`OutOfDate` before `UpToDate`: confidence 5);
    the advisories come from the level taken; no level met: `InvalidQuoteStatus`."""
    corpus_genesis(b)
    one_more = [
        level([c + (j == i) for j, c in enumerate(CPU_SVN)], status="Revoked") for i in range(16)
    ]
    verify(b, "ok", c=with_tcb(*one_more, UNMET, level()))
    verify(b, "ok", c=with_tcb(level([max(c - 1, 0) for c in CPU_SVN], PCE_SVN - 1)))
    verify(b, "ok", c=with_tcb(level(status="OutOfDate"), level()))
    with_ids = level(status="ConfigurationNeeded", advisories=["INTEL-SA-00615"])
    verify(b, "ok", c=with_tcb(UNMET, with_ids, level(status="ConfigurationNeeded")))
    verify(b, BAD_STATUS, c=with_tcb(*one_more, UNMET))


# --- [ATT-21] the collateral's encoding ------------------------------------------------------


def fields() -> list[bytes]:
    """The default collateral's nine fields [ATT-21]."""
    return Collateral().fields()


def encode(parts: list[bytes], lengths: dict[int, bytes] | None = None) -> bytes:
    """The collateral's fields with the compact lengths of some replaced."""
    lengths = lengths or {}
    return b"".join(lengths.get(i, compact(len(f))) + f for i, f in enumerate(parts))


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-21", "ATT-32", "ATT-39"))
def corpus_collateral_strings(b: CaseBuilder) -> None:
    """Each of the seven `String` fields holding a byte that is not UTF-8 (`0xFF`), even the
    ones the chain never reads: `InvalidDCAPQuote`. The two `Vec<u8>` fields are bytes: the
    QE identity's signature holding `0xFF` changes nothing (`ok`)."""
    corpus_genesis(b)
    for i in (0, 1, 2, 3, 4, 6, 7):
        parts = fields()
        parts[i] = parts[i] + b"\xff"
        verify(b, BAD_DCAP, c=encode(parts))
    parts = fields()
    parts[8] = b"\xff"
    verify(b, "ok", c=encode(parts))


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-21", "ATT-39"))
def corpus_collateral_compact_lengths(b: CaseBuilder) -> None:
    """SCALE compact lengths at each mode's edge, on the PCK CRL field (never read): 63 bytes
    in one octet and 64 in two, 16,383 in two and 16,384 in four, `ok`; 63 in two octets,
    16,383 in four, 5 in the big-integer mode: non-canonical, `InvalidDCAPQuote`. 2^30 in
    the big-integer mode is canonical, but the bytes are not there: `InvalidDCAPQuote`. The
    collateral cut inside a length, inside the last field, or empty, and a byte after the
    last field: `InvalidDCAPQuote`."""
    corpus_genesis(b)

    def crl(n: int, length: bytes | None = None) -> bytes:
        parts = fields()
        parts[2] = b"0" * n
        return encode(parts, {2: length} if length is not None else None)

    for n in (63, 64, 16_383, 16_384):
        verify(b, "ok", c=crl(n))
    for n, length in (
        (63, (63 << 2 | 1).to_bytes(2, "little")),
        (16_383, (16_383 << 2 | 2).to_bytes(4, "little")),
        (5, b"\x03" + (5).to_bytes(4, "little")),
        (5, b"\x03" + (1 << 30).to_bytes(4, "little")),
    ):
        verify(b, BAD_DCAP, c=crl(n, length))
    parts = fields()
    parts[8] = b"signature"
    good = encode(parts)
    tcb_at = sum(len(compact(len(f))) + len(f) for f in parts[:3])
    for bad in (good[: tcb_at + 1], good[:-1], b"", good + b"\x00"):
        verify(b, BAD_DCAP, c=bad)


# --- Check order [ATT-20] [ATT-30] ---------------------------------------------------------


@case(suite=SUITE, handler=HANDLER, presets=MINIMAL, clauses=("ATT-20", "ATT-30", "ATT-39"))
def corpus_precedence(b: CaseBuilder) -> None:
    """A platform that meets no TCB level, whose quote also fails a check: the check decides
    (`InvalidDCAPQuote` before `InvalidQuoteStatus`), whichever it is (the ISV signature, the
    TCB info's nextUpdate, the FMSPC). The same quote without collateral:
    `UnsupportedAttestationType`, before any of them."""
    corpus_genesis(b)
    unmet = tcb_info([UNMET])
    signed = Quote().header() + Quote().body()
    broken = quote(isv_signature=sign_raw("someone-else", signed))
    verify(b, BAD_STATUS, c=collateral(unmet))
    verify(b, BAD_DCAP, broken, collateral(unmet))
    verify(b, BAD_DCAP, c=collateral(tcb_info([UNMET], next_update=rfc3339(NOW - 1))))
    verify(b, BAD_DCAP, c=collateral(tcb_info([UNMET], fmspc="00906EA10001")))
    b.verify_dcap(broken, None, NOW)
    b.expect_outcome(UNSUPPORTED)
