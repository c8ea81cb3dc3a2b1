"""aiosmtpd as a real SMTP peer for tests/real_mtas.rs (scripts/aiosmtpd-up).

aiosmtpd is a library: the SMTP state machine, STARTTLS, AUTH PLAIN/LOGIN and
every protocol reply are its own; the RCPT policy below is ours (aiosmtpd has
none), the relay refusal in the words of aiosmtpd's own documentation.
Delivered messages land in SPOOL/mail as one file each.
"""
import os
import ssl
import sys
import time
import uuid

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

ADDRESS, DOMAIN, SPOOL, PKI = sys.argv[1:5]
HOST = f"mx.{DOMAIN}"
USERS = {"postmaster"}
CREDENTIALS = {(f"probe@{DOMAIN}", "probe-secret-42")}


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login.decode(), auth_data.password.decode()) in CREDENTIALS
    # handled=False: aiosmtpd then answers 535 5.7.8 itself
    return AuthResult(success=ok, handled=False)


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local, _, domain = address.rpartition("@")
        if domain.lower() != DOMAIN:
            if not session.authenticated:
                return "550 not relaying to that domain"
        elif local.lower() not in USERS:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        name = f"{time.time():.6f}-{uuid.uuid4().hex[:8]}.eml"
        with open(os.path.join(SPOOL, "mail", name), "wb") as f:
            f.write(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(f"{PKI}/{HOST}.pem", f"{PKI}/{HOST}.key")
controller = Controller(
    Handler(),
    hostname=ADDRESS,
    port=25,
    server_hostname=HOST,
    tls_context=context,
    authenticator=authenticator,
    auth_require_tls=True,
)
controller.start()
with open(os.path.join(SPOOL, "server.pid"), "w") as f:
    f.write(str(os.getpid()))
try:
    while True:
        time.sleep(3600)
finally:
    controller.stop()
