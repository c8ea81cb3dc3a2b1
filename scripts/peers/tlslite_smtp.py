"""An SMTP server whose STARTTLS speaks what no OpenSSL 3 build serves any
more, through tlslite-ng (pure Python, PyPI tlslite-ng 0.8): SSLv3, RC4,
3DES, TLS 1.3 AES-CCM-8, anonymous Diffie-Hellman, no extended master
secret. Started by tests/legacy_tls.rs; prints its port on stdout, then
serves until killed.

usage: tlslite_smtp.py --dir DIR [--versions ssl3,tls1.0,...] [--ciphers rc4,3des,...]
                       [--kx rsa,dhe_rsa,...] [--anon] [--no-ems]
"""
import argparse
import os
import socket
import subprocess
import sys
import threading

from tlslite import HandshakeSettings, TLSConnection, X509CertChain, parsePEMKey
from tlslite.errors import TLSError

VERSIONS = {"ssl3": (3, 0), "tls1.0": (3, 1), "tls1.1": (3, 2), "tls1.2": (3, 3), "tls1.3": (3, 4)}


def certificate(directory):
    """A test CA (DIR/ca.pem) and an RSA-2048 leaf for mx.legacy.test."""
    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=directory)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2", "-subj", "/CN=legacy test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign",
            "-keyout", "ca.key", "-out", "ca.pem")
    openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=mx.legacy.test",
            "-keyout", "key.pem", "-out", "leaf.csr")
    with open(os.path.join(directory, "leaf.ext"), "w") as f:
        f.write("subjectAltName=DNS:mx.legacy.test\nextendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-sha256", "-days", "2", "-extfile", "leaf.ext", "-out", "cert.pem")
    with open(os.path.join(directory, "cert.pem")) as f:
        chain = X509CertChain()
        chain.parsePemList(f.read())
    with open(os.path.join(directory, "key.pem")) as f:
        key = parsePEMKey(f.read(), private=True)
    return chain, key


def settings_of(args):
    s = HandshakeSettings()
    versions = [VERSIONS[v] for v in args.versions.split(",")]
    s.minVersion, s.maxVersion = min(versions), max(versions)
    s.versions = sorted(versions, reverse=True)
    if args.ciphers:
        s.cipherNames = args.ciphers.split(",")
    if args.kx:
        s.keyExchangeNames = args.kx.split(",")
    if args.macs:
        s.macNames = args.macs.split(",")
    if args.no_ems:
        s.useExtendedMasterSecret = False
    return s.validate()


def lines(read):
    buf = b""
    while True:
        while b"\r\n" not in buf:
            data = read()
            if not data:
                return
            buf += data
        line, buf = buf.split(b"\r\n", 1)
        yield line.decode("latin-1")


def reply(send, verb, tls):
    if verb in ("EHLO", "HELO"):
        caps = ["mx.legacy.test", "PIPELINING"] + ([] if tls else ["STARTTLS"])
        send("".join(f"250{'-' if i < len(caps) - 1 else ' '}{c}\r\n" for i, c in enumerate(caps)).encode())
    elif verb in ("MAIL", "RSET", "NOOP"):
        send(b"250 2.0.0 Ok\r\n")
    elif verb == "RCPT":
        send(b"250 2.1.5 Ok\r\n")
    else:
        send(b"502 5.5.2 Error: command not recognized\r\n")


def serve(conn, args, chain, key):
    try:
        conn.sendall(b"220 mx.legacy.test ESMTP tlslite\r\n")
        for line in lines(lambda: conn.recv(4096)):
            verb = line.split(" ")[0].upper()
            if verb == "QUIT":
                conn.sendall(b"221 2.0.0 Bye\r\n")
                return
            if verb != "STARTTLS":
                reply(conn.sendall, verb, False)
                continue
            conn.sendall(b"220 2.0.0 Ready to start TLS\r\n")
            tls = TLSConnection(conn)
            try:
                if args.anon:
                    tls.handshakeServer(anon=True, settings=settings_of(args))
                else:
                    tls.handshakeServer(certChain=chain, privateKey=key, settings=settings_of(args))
            except (TLSError, OSError, ValueError):
                return
            for inner in lines(lambda: tls.read(max=4096)):
                verb = inner.split(" ")[0].upper()
                if verb == "QUIT":
                    tls.write(b"221 2.0.0 Bye\r\n")
                    return
                reply(tls.write, verb, True)
            return
    except OSError:
        pass
    finally:
        conn.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--versions", default="tls1.2")
    parser.add_argument("--ciphers", help="tlslite cipher names: rc4, 3des, aes128, aes128ccm_8, ...")
    parser.add_argument("--kx", help="tlslite key exchange names: rsa, dhe_rsa, ecdhe_rsa, dh_anon, ...")
    parser.add_argument("--macs", help="tlslite MAC names: sha, sha256, md5, aead")
    parser.add_argument("--anon", action="store_true")
    parser.add_argument("--no-ems", action="store_true")
    args = parser.parse_args()
    chain, key = certificate(args.dir)
    settings_of(args)  # refuse bad settings before printing a port
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    print(listener.getsockname()[1], flush=True)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn, args, chain, key), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
