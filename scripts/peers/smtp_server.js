// nodemailer's smtp-server as a real SMTP peer for tests/real_mtas.rs
// (scripts/smtp-server-up). The protocol, STARTTLS, AUTH PLAIN, LOGIN,
// CRAM-MD5 and XOAUTH2 and their replies are smtp-server's own; the RCPT
// policy (which it leaves to the application) is ours. Delivered messages
// land in SPOOL/mail, one file each.
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { SMTPServer } = require('smtp-server');

const [address, domain, spool, pki] = process.argv.slice(2);
const host = `mx.${domain}`;
const user = `probe@${domain}`;
const password = 'probe-secret-42';
const token = 'probe-token-42';

function refuse(code, text) {
  const err = new Error(text);
  err.responseCode = code;
  return err;
}

const server = new SMTPServer({
  name: host,
  banner: 'smtp-server smtpcheck-test',
  key: fs.readFileSync(path.join(pki, `${host}.key`)),
  cert: fs.readFileSync(path.join(pki, `${host}.pem`)),
  authMethods: ['PLAIN', 'LOGIN', 'CRAM-MD5', 'XOAUTH2'],
  authOptional: true,
  size: 10 * 1024 * 1024,
  disableReverseLookup: true,
  logger: false,
  onAuth(auth, session, callback) {
    const known = auth.username === user;
    let ok = false;
    if (auth.method === 'XOAUTH2') {
      ok = known && auth.accessToken === token;
      if (!ok) {
        // RFC 7628 §3.2.2: the error is a base64 JSON challenge.
        return callback(null, {
          data: { status: '401', schemes: 'bearer', scope: 'https://mail.smtpcheck.test/' },
        });
      }
    } else if (auth.method === 'CRAM-MD5') {
      ok = known && auth.validatePassword(password);
    } else {
      ok = known && auth.password === password;
    }
    if (!ok) return callback(refuse(535, 'Invalid username or password'));
    callback(null, { user: auth.username });
  },
  onRcptTo(rcpt, session, callback) {
    const [local, rcptDomain] = rcpt.address.toLowerCase().split(/@(?=[^@]*$)/);
    if (rcptDomain !== domain) {
      if (!session.user) return callback(refuse(550, 'Relay access denied'));
    } else if (local !== 'postmaster') {
      return callback(refuse(550, '5.1.1 Unknown user'));
    }
    callback();
  },
  onData(stream, session, callback) {
    const id = crypto.randomBytes(6).toString('hex').toUpperCase();
    const out = fs.createWriteStream(path.join(spool, 'mail', `${Date.now()}-${id}.eml`));
    stream.pipe(out);
    out.on('finish', () => callback(null, `Message queued as ${id}`));
  },
});
server.on('error', (err) => console.error(err.message));
server.listen(25, address, () => {
  fs.writeFileSync(path.join(spool, 'server.pid'), String(process.pid));
});
