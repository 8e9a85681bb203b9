"""``scantrack serve --self-signed``: a certificate for trials on a LAN.

Cameras and service workers need a secure context (HTTPS) on a phone; a trial needs no
certificate authority. The certificate is made once, in the data directory beside the
database (``tls/cert.pem``, ``tls/key.pem``, the key readable by its owner only), for
the host's names and LAN addresses, and valid for about two years. Phones must trust it
once (or accept the warning); for production, pass a real certificate with
``--certfile``/``--keyfile``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import os
import socket
from pathlib import Path

CERT, KEY = "cert.pem", "key.pem"
DAYS = 825  # the longest lifetime Apple devices accept for a server certificate


def host_names() -> tuple[list[str], list[ipaddress.IPv4Address | ipaddress.IPv6Address]]:
    """(DNS names, IP addresses) the LAN may reach this host by."""
    names = {"localhost"}
    for name in (socket.gethostname(), socket.getfqdn()):
        if name:
            names.add(name)
    ips: set[ipaddress.IPv4Address | ipaddress.IPv6Address] = {
        ipaddress.ip_address("127.0.0.1"),
        ipaddress.ip_address("::1"),
    }
    with contextlib.suppress(OSError):
        for info in socket.getaddrinfo(socket.gethostname(), None):
            ips.add(ipaddress.ip_address(str(info[4][0]).split("%")[0]))
    # The address of the default route: a UDP "connect" sends nothing.
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect(("10.255.255.255", 9))
        ips.add(ipaddress.ip_address(s.getsockname()[0]))
    return sorted(names), sorted(ips, key=lambda a: (a.version, int(a)))


def self_signed(directory: Path) -> tuple[Path, Path, bool]:
    """(certificate, key, made now): the trial certificate, made on first use."""
    cert_path, key_path = directory / CERT, directory / KEY
    if cert_path.is_file() and key_path.is_file():
        return cert_path, key_path, False
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    names, ips = host_names()
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, names[0] if names else "scantrack"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "scantrack (self-signed trial)"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    sans: list[x509.GeneralName] = [x509.DNSName(n) for n in names]
    sans += [x509.IPAddress(ip) for ip in ips]
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=DAYS))
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    key_bytes = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key_bytes)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path, True
