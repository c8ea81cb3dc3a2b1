//! Observations: plain data for what the engine saw (DNS answers,
//! connection outcomes, replies, TLS sessions and chains, policy records).
//! The engine (`probe`) produces them; the checks turn them into findings.
//! Nothing here knows of findings or output.

pub mod conversation;
pub mod dns;
pub mod policy;

use serde::Serialize;
use std::net::IpAddr;

/// How far a command goes. Each stage includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Mx,
    Connect,
    Banner,
    Ehlo,
    /// STARTTLS, the certificate, and EHLO again inside TLS.
    Tls,
    /// AUTH (RFC 4954), when credentials are given or AUTH is expected.
    Auth,
    /// MAIL FROM (only reachable with `--quit-after mail`).
    Mail,
    /// The whole test transaction: MAIL, RCPT, RSET, QUIT.
    Rcpt,
    /// `send`: the transaction with DATA and the message.
    Data,
}

impl Stage {
    /// The phase's own word (`--quit-after ehlo`).
    pub fn phase(self) -> &'static str {
        match self {
            Stage::Mx => "mx",
            Stage::Connect => "connect",
            Stage::Banner => "banner",
            Stage::Ehlo => "ehlo",
            Stage::Tls => "tls",
            Stage::Auth => "auth",
            Stage::Mail => "mail",
            Stage::Rcpt => "rcpt",
            Stage::Data => "data",
        }
    }

    /// The subcommand that stops at this stage.
    pub fn command(self) -> &'static str {
        match self {
            Stage::Mx => "mx",
            Stage::Connect => "connect",
            Stage::Banner => "banner",
            Stage::Ehlo => "ehlo",
            Stage::Tls => "tls",
            Stage::Auth | Stage::Mail | Stage::Rcpt => "probe",
            Stage::Data => "send",
        }
    }
}

/// Where an SMTP conversation took place.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Endpoint {
    pub host: String,
    pub address: IpAddr,
    pub port: u16,
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.address {
            IpAddr::V4(a) => write!(f, "{} [{a}]:{}", self.host, self.port),
            IpAddr::V6(a) => write!(f, "{} [{a}]:{}", self.host, self.port),
        }
    }
}
