"""An SMTP server whose STARTTLS speaks what OpenSSL 3 can still be made to
serve (Python's ssl, SECLEVEL=0): old versions, static RSA, CBC, DHE, small
keys. Started by tests/legacy_tls.rs; prints its port on stdout, then serves
until killed. Every other reply is the minimal well-behaved SMTP.

usage: legacy_tls_smtp.py --tls-version 1.0|1.1|1.2 [--ciphers LIST]
                          [--rsa-bits N] [--digest sha256|sha1] [--dh GROUP] --dir DIR
"""
import argparse
import os
import socket
import ssl
import subprocess
import sys
import threading

VERSIONS = {"1.0": ssl.TLSVersion.TLSv1, "1.1": ssl.TLSVersion.TLSv1_1, "1.2": ssl.TLSVersion.TLSv1_2}


def certificate(directory, bits, digest):
    """A test CA (DIR/ca.pem, for --ca-file) and a leaf for mx.legacy.test
    it signs with `digest`, with an RSA key of `bits`."""
    def openssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=directory)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2", "-subj", "/CN=legacy test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign",
            "-keyout", "ca.key", "-out", "ca.pem")
    openssl("req", "-new", "-newkey", f"rsa:{bits}", "-nodes", "-subj", "/CN=mx.legacy.test",
            "-keyout", "key.pem", "-out", "leaf.csr")
    with open(os.path.join(directory, "leaf.ext"), "w") as f:
        f.write("subjectAltName=DNS:mx.legacy.test\nextendedKeyUsage=serverAuth\n")
    openssl("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            f"-{digest}", "-days", "2", "-extfile", "leaf.ext", "-out", "cert.pem")
    return os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")


def context(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ctx.maximum_version = VERSIONS[args.tls_version]
    ctx.set_ciphers(args.ciphers)
    ctx.load_cert_chain(*certificate(args.dir, args.rsa_bits, args.digest))
    if args.dh:
        # DHE needs parameters: an RFC 7919 group by name, or a prime of N bits
        dh = os.path.join(args.dir, "dh.pem")
        if args.dh.startswith("ffdhe"):
            cmd = ["openssl", "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", f"dh_param:{args.dh}", "-out", dh]
        else:
            cmd = ["openssl", "dhparam", "-out", dh, args.dh]
        subprocess.run(cmd, check=True, capture_output=True)
        ctx.load_dh_params(dh)
    return ctx


def lines(conn):
    buf = b""
    while True:
        while b"\r\n" not in buf:
            data = conn.recv(4096)
            if not data:
                return
            buf += data
        line, buf = buf.split(b"\r\n", 1)
        yield line.decode("latin-1")


def serve(conn, ctx):
    try:
        conn.sendall(b"220 mx.legacy.test ESMTP legacy-tls\r\n")
        tls = False
        for line in lines(conn):
            verb = line.split(" ")[0].upper()
            if verb in ("EHLO", "HELO"):
                caps = ["mx.legacy.test", "PIPELINING"] + ([] if tls else ["STARTTLS"])
                conn.sendall("".join(f"250{'-' if i < len(caps) - 1 else ' '}{c}\r\n" for i, c in enumerate(caps)).encode())
            elif verb == "STARTTLS" and not tls:
                conn.sendall(b"220 2.0.0 Ready to start TLS\r\n")
                try:
                    conn = ctx.wrap_socket(conn, server_side=True)
                except (ssl.SSLError, OSError):
                    return
                tls = True
                return serve_tls(conn)
            elif verb == "QUIT":
                conn.sendall(b"221 2.0.0 Bye\r\n")
                return
            elif verb in ("MAIL", "RSET", "NOOP"):
                conn.sendall(b"250 2.0.0 Ok\r\n")
            elif verb == "RCPT":
                conn.sendall(b"250 2.1.5 Ok\r\n")
            else:
                conn.sendall(b"502 5.5.2 Error: command not recognized\r\n")
    except OSError:
        pass
    finally:
        conn.close()


def serve_tls(conn):
    for line in lines(conn):
        verb = line.split(" ")[0].upper()
        if verb == "QUIT":
            conn.sendall(b"221 2.0.0 Bye\r\n")
            return
        conn.sendall(b"250 2.0.0 Ok\r\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tls-version", default="1.2", choices=VERSIONS)
    parser.add_argument("--ciphers", default="DEFAULT:@SECLEVEL=0")
    parser.add_argument("--rsa-bits", type=int, default=2048)
    parser.add_argument("--digest", default="sha256")
    parser.add_argument("--dh", help="ffdhe2048 or a prime size in bits (1024)")
    parser.add_argument("--dir", required=True)
    args = parser.parse_args()
    ctx = context(args)
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    print(listener.getsockname()[1], flush=True)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve, args=(conn, ctx), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
