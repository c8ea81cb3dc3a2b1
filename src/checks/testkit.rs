//! Builders for the checks' unit tests: observations as the engine makes
//! them, so every test goes through the real check producers.

use crate::observe::conversation::{ConnectError, Observation};
use crate::observe::{Endpoint, Stage};
use crate::smtp::reply::decode_all;
use crate::smtp::{Reply, SessionError, Timed};
use std::time::Duration;

/// One reply from its wire form (`"250 2.1.5 Ok"`, lines joined by `\n`).
pub fn reply(wire: &str) -> Reply {
    let bytes = wire.replace('\n', "\r\n") + "\r\n";
    decode_all(bytes.as_bytes())
        .expect("a valid reply")
        .remove(0)
}

pub fn timed<T>(value: T) -> Timed<T> {
    Timed {
        value,
        elapsed: Duration::from_millis(1),
    }
}

pub fn ok(wire: &str) -> Option<Timed<Result<Reply, SessionError>>> {
    Some(timed(Ok(reply(wire))))
}

pub fn endpoint(host: &str, ip: &str) -> Endpoint {
    Endpoint {
        host: host.into(),
        address: ip.parse().expect("an IP address"),
        port: 25,
    }
}

/// A conversation that failed to connect.
pub fn unreachable(host: &str, ip: &str, e: ConnectError) -> Observation {
    Observation::connected(endpoint(host, ip), timed(Err(e)), "", "postmaster@d.test")
}

/// A plaintext conversation (`--tls off`) up to RCPT, with these replies
/// to MAIL and RCPT.
pub fn transaction(host: &str, ip: &str, mail: &str, rcpt: &str) -> Observation {
    let mut obs = greeted(host, ip);
    obs.mail = ok(mail);
    if !rcpt.is_empty() {
        obs.rcpt = ok(rcpt);
    }
    obs
}

/// Connected, greeted with 220 and EHLO answered with 250.
pub fn greeted(host: &str, ip: &str) -> Observation {
    let mut obs = Observation::connected(
        endpoint(host, ip),
        timed(Ok(())),
        "me@client.test",
        "postmaster@d.test",
    );
    obs.banner = ok(&format!("220 {host} ESMTP"));
    obs.ehlo = ok(&format!("250-{host}\n250 PIPELINING"));
    obs
}

/// The findings of one conversation, as `probe` makes them.
pub fn findings(obs: &Observation, stage: Stage) -> Vec<super::Check> {
    super::smtp::conversation_checks(obs, stage, None, &policy())
}

pub fn policy() -> super::Policy {
    super::Policy {
        require_tls: false,
        cert_warn_days: 14,
        cert_crit_days: None,
        auth_planned: false,
        foreign_recipient: false,
    }
}

/// Secure TLSA records at `_25._tcp.HOST` that no certificate matches.
pub fn secure_tlsa(host: &str) -> crate::observe::dns::TlsaAnswer {
    use crate::dnssec::{Security, Validation};
    crate::observe::dns::TlsaAnswer {
        name: format!("_25._tcp.{host}"),
        records: Ok(vec![crate::dane::Tlsa {
            usage: 3,
            selector: 1,
            matching: 1,
            data: vec![0; 32],
        }]),
        validation: Validation::new(Security::Secure, None),
    }
}
