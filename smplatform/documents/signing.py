"""The platform's digital signature on the PDFs it issues (PAdES, with pyHanko), and the
check of a signed PDF that someone hands back.

The deployment provides the key and certificate (settings `SIGNING_KEY_PATH`,
`SIGNING_CERT_PATH`, `SIGNING_PASSPHRASE`; PEM or DER files). The certificates a signature
must chain to are `SIGNING_TRUST_PATHS` (default: the signing certificate itself, which is
what a self-signed demo certificate needs; a deployment with a CA-issued certificate lists
its CA). `flask create-signing-certificate` makes a self-signed demo pair in `instance/`.

What the signature proves is checked in `check()`: the file is intact and wholly covered by
one signature (nothing appended after signing), made with a certificate that chains to a
trusted one. What it says it is comes from the document information the platform wrote
before signing (`SmpKind`, `SmpNumber`, `SmpContentSha256`, ...), read only from a file
whose signature holds.
"""
from __future__ import annotations

import asyncio
import functools
import io
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)

FIELD_NAME = "PlatformSignature"
# Document information keys the platform writes into every PDF it signs (WeasyPrint's
# custom metadata: <meta name="SmpNumber" ...>).
META_KEYS = ("SmpKind", "SmpNumber", "SmpContentSha256", "SmpUnit", "SmpBatch")
# The visible signature on the first page, in PDF points from the bottom left. Declaration:
# over the box its cover reserves (`.signature-box`, bottom right of the page area, pdf.css).
# Annex 2 (A4 landscape, top margin 32 mm): in the top margin, right, above the title.
A4_BOX = (346, 63, 544, 112)
A4_LANDSCAPE_BOX = (601, 516, 799, 572)


class SigningUnavailable(RuntimeError):
    """The deployment has not provided a usable key and certificate."""


@dataclass(frozen=True)
class Settings:
    key_path: str | None
    cert_path: str | None
    passphrase: str | None
    trust_paths: tuple[str, ...]

    @classmethod
    def from_config(cls, config) -> Settings:
        trust = config.get("SIGNING_TRUST_PATHS") or ()
        if isinstance(trust, str):
            trust = tuple(p for p in trust.split(":") if p)
        return cls(config.get("SIGNING_KEY_PATH"), config.get("SIGNING_CERT_PATH"),
                   config.get("SIGNING_PASSPHRASE") or None, tuple(trust))

    def stamp(self) -> tuple:
        """What the loaded signer depends on: the paths and the files' modification times."""
        paths = [self.key_path, self.cert_path, *self.trust_paths]
        return (self.passphrase, *[(p, _mtime(p)) for p in paths])


def _mtime(path: str | None) -> float | None:
    try:
        return Path(path).stat().st_mtime if path else None
    except OSError:
        return None


_lock = threading.Lock()
_cache: dict = {}


@functools.cache
def _kept_key_signer_class():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ec import ECDSA
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from pyhanko.sign import signers
    from pyhanko.sign.general import get_pyca_cryptography_hash

    class KeptKeySigner(signers.SimpleSigner):
        """pyHanko's SimpleSigner, keeping the parsed private key: SimpleSigner parses it
        again for every signature (twice per PDF, with the size estimate), and parsing an
        RSA key with its consistency checks costs about 0.18 s; signing itself ~2 ms."""

        _parsed = None

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            if mechanism not in ("rsassa_pkcs1v15", "ecdsa"):
                return super().sign_raw(data, digest_algorithm)
            if self._parsed is None:
                self._parsed = serialization.load_der_private_key(self.signing_key.dump(),
                                                                  password=None)
            hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
            if mechanism == "ecdsa":
                return self._parsed.sign(data, ECDSA(hash_algorithm))
            return self._parsed.sign(data, PKCS1v15(), hash_algorithm)

    return KeptKeySigner


def _loaded(settings: Settings):
    """(signer, trust roots), loaded once per process and again when a file changes."""
    stamp = settings.stamp()
    with _lock:
        if _cache.get("stamp") == stamp:
            return _cache["signer"], _cache["roots"]
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.sign import signers
    for name, path in (("key", settings.key_path), ("certificate", settings.cert_path)):
        if not path or not Path(path).is_file():
            raise SigningUnavailable(f"signing {name} not found: {path or '(not set)'}")
    passphrase = settings.passphrase.encode() if settings.passphrase else None
    loaded = signers.SimpleSigner.load(settings.key_path, settings.cert_path,
                                       key_passphrase=passphrase)
    if loaded is None:
        raise SigningUnavailable("the signing key could not be read (wrong passphrase?)")
    signer = _kept_key_signer_class()(signing_cert=loaded.signing_cert,
                                      signing_key=loaded.signing_key,
                                      cert_registry=loaded.cert_registry)
    roots = [load_cert_from_pemder(p) for p in (settings.trust_paths or (settings.cert_path,))]
    with _lock:
        _cache.update(stamp=stamp, signer=signer, roots=roots)
    return signer, roots


def available(config=None) -> bool:
    try:
        _loaded(Settings.from_config(config or current_app.config))
    except (SigningUnavailable, ValueError, OSError):
        return False
    return True


def sign(pdf: bytes, *, reason: str, info: dict[str, str] | None = None,
         box: tuple[int, int, int, int] | None = A4_BOX, location: str | None = None) -> bytes:
    """`pdf` with the platform's PAdES signature (B-B: a CMS signature with the signing
    certificate and the signing time), visible in `box` on the first page. `info` (keys of
    META_KEYS) is written into the document information in the same signed revision.

    Raises SigningUnavailable when the deployment's key or certificate cannot be used.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle
    signer, _roots = _loaded(Settings.from_config(current_app.config))
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256",
        reason=reason, location=location or current_app.config.get("SIGNING_LOCATION"))
    spec = fields.SigFieldSpec(FIELD_NAME, on_page=0, box=box) if box else \
        fields.SigFieldSpec(FIELD_NAME)
    style = TextStampStyle(stamp_text="Digitally signed (PAdES)\n%(ts)s",
                           border_width=0, timestamp_format="%Y-%m-%d %H:%M:%S %Z")
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    if info:
        _write_info(writer, info)
    pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=style, new_field_spec=spec)
    return _run(lambda: pdf_signer.async_sign_pdf(writer)).getvalue()


def _run(coroutine_function):
    """Run one of pyHanko's coroutines to its end from synchronous code: in this thread, or,
    when this thread already runs an event loop (an async server, a browser driver), in a
    short-lived thread of its own, since asyncio.run refuses to nest."""
    if asyncio._get_running_loop() is None:
        return asyncio.run(coroutine_function())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(coroutine_function())).result()


def unavailable_answer(error: SigningUnavailable):
    """The 503 page a download answers when the PDF cannot be signed: an unsigned final
    document is never handed out in its place."""
    from flask_babel import gettext as _

    from smplatform.errors import render_error
    log.error("PDF not signed: %s", error)
    return render_error(503, _("The platform cannot sign documents at the moment (its signing "
                               "certificate is missing or unreadable), so the signed PDF "
                               "cannot be issued. Nothing was changed. Please try again "
                               "later or contact the help desk."))


def _write_info(writer, info: dict[str, str]) -> None:
    from pyhanko.pdf_utils import generic
    unknown = set(info) - set(META_KEYS)
    if unknown:
        raise ValueError(f"unknown document information keys: {sorted(unknown)}")
    reference = writer.trailer.raw_get("/Info")
    if isinstance(reference, generic.IndirectObject):
        dictionary = reference.get_object()
    else:
        dictionary = generic.DictionaryObject()
        reference = writer.add_object(dictionary)
        writer.set_info(reference)
    for key, value in info.items():
        dictionary[generic.NameObject(f"/{key}")] = generic.TextStringObject(str(value))
    writer.mark_update(reference)


# ---------------------------------------------------------------- checking a signed PDF

# Why a signature does not hold (SignatureCheck.problem).
NOT_A_PDF = "not_a_pdf"
UNSIGNED = "unsigned"
BROKEN = "broken"  # the bytes were changed after signing
MODIFIED = "modified"  # something was appended after the signature
UNTRUSTED = "untrusted"  # a sound signature, but not by a certificate the platform trusts


@dataclass
class SignatureCheck:
    """The outcome of checking a PDF's signature. `info` (the platform's document
    information) is filled only when the signature holds."""

    valid: bool
    problem: str | None = None
    signed_at: datetime | None = None
    signer: str = ""
    info: dict = field(default_factory=dict)


def _info(reader) -> dict:
    try:
        info = reader.trailer_view.get("/Info")
        info = info.get_object() if info is not None else {}
    except Exception:  # noqa: BLE001  (a malformed dictionary is no information)
        return {}
    out = {}
    for key in META_KEYS:
        value = info.get(f"/{key}") if hasattr(info, "get") else None
        if value is not None:
            out[key] = str(value)
    return out


def _signer_name(cert) -> str:
    """"Organisation, common name" of the signing certificate's subject."""
    if cert is None:
        return ""
    subject = cert.subject.native
    parts = [subject.get("organization_name"), subject.get("common_name")]
    return ", ".join(str(p) for p in parts if p)


def check(pdf: bytes) -> SignatureCheck:
    """Check the platform's signature of an uploaded PDF."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko_certvalidator import ValidationContext
    if not pdf.startswith(b"%PDF-"):
        return SignatureCheck(False, NOT_A_PDF)
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, OSError):
        return SignatureCheck(False, NOT_A_PDF)
    if not signatures:
        return SignatureCheck(False, UNSIGNED)
    _signer, roots = _loaded(Settings.from_config(current_app.config))
    embedded = signatures[0]
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        status = _run(lambda: async_validate_pdf_signature(embedded, context))
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as error:
        log.info("signature check failed: %s", error)
        return SignatureCheck(False, BROKEN)
    signed_at = status.signer_reported_dt
    signer = _signer_name(status.signing_cert)
    if not status.intact or not status.valid:
        return SignatureCheck(False, BROKEN, signed_at, signer)
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    if len(signatures) != 1 or status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return SignatureCheck(False, MODIFIED, signed_at, signer)
    if not status.trusted:
        return SignatureCheck(False, UNTRUSTED, signed_at, signer)
    return SignatureCheck(True, None, signed_at, signer, _info(reader))


# ---------------------------------------------------------------- the demo certificate


def create_demo_certificate(key_path: Path, cert_path: Path, *, passphrase: str | None = None,
                            common_name: str = "smplatform demo signing certificate",
                            days: int = 3650) -> None:
    """A self-signed RSA-2048 certificate for signing documents, for a demo or a test: not
    for production, where the deployment provides a certificate from its CA."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "服务型制造公共服务平台（演示）"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])
    now = datetime.now(UTC)
    usage = x509.KeyUsage(digital_signature=True, content_commitment=True,
                          key_encipherment=False, data_encipherment=False, key_agreement=False,
                          key_cert_sign=False, crl_sign=False, encipher_only=False,
                          decipher_only=False)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage, critical=True)
            .sign(key, hashes.SHA256()))
    encryption = (serialization.BestAvailableEncryption(passphrase.encode()) if passphrase
                  else serialization.NoEncryption())
    key_path.parent.mkdir(parents=True, exist_ok=True)
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    key_bytes = key.private_bytes(serialization.Encoding.PEM,
                                  serialization.PrivateFormat.PKCS8, encryption)
    key_path.touch(mode=0o600, exist_ok=True)
    key_path.write_bytes(key_bytes)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
