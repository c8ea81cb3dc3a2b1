//! Observations: plain data for what the engine saw (DNS answers,
//! connection outcomes, replies, TLS sessions and chains, policy records).
//! The engine (`probe`) produces them; the checks turn them into findings.
//! Nothing here knows of findings or output.

pub mod activity;
pub mod conversation;
pub mod dns;
pub mod policy;

use crate::dns::DnsError;
use crate::dnssec::Validation;
use crate::smtp::Timed;
use serde::Serialize;
use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;

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
            Stage::Auth | Stage::Mail | Stage::Rcpt => "probe",
            Stage::Data => "send",
            // The step commands are named after their phase.
            step => step.phase(),
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

/// One exchange as routing found it.
#[derive(Debug, Clone)]
pub struct Route {
    pub name: String,
    /// Published in MX records (not --server), so MX hygiene applies.
    pub from_mx: bool,
    /// The exchange is a CNAME to this name.
    pub cname: Option<String>,
    /// The address lookup, when one was made (not for an IP literal or the
    /// implicit MX, whose addresses came with the MX answer).
    pub lookup: Option<Timed<Result<Vec<IpAddr>, DnsError>>>,
    /// The addresses to probe.
    pub addresses: Vec<IpAddr>,
    /// Addresses of the other family, left out by `-4`, `-6` or `--source`.
    pub left_out: Vec<IpAddr>,
}

impl Run {
    /// A DNS question of the run got no answer in time: the MX, an
    /// exchange's addresses, or the MTA-STS and TLS-RPT records (not a
    /// resolver that is down: that is its own outcome).
    pub fn dns_timed_out(&self) -> bool {
        use crate::dns::DnsError::Timeout;
        let timed_out =
            |r: &Result<Vec<String>, crate::dns::DnsError>| matches!(r, Err(Timeout(_)));
        let mx =
            matches!(&self.mx, Some(t) if matches!(t.value, dns::MxOutcome::Failed(Timeout(_))));
        let address = self
            .routes
            .iter()
            .any(|r| matches!(&r.lookup, Some(t) if matches!(t.value, Err(Timeout(_)))));
        let records = self
            .transport
            .as_ref()
            .is_some_and(|t| timed_out(&t.mta_sts.txt) || timed_out(&t.tls_rpt.records));
        mx || address || records
    }
}

/// An address family a run is limited to (`-4`, `-6`, or the family of
/// `--source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    pub fn of(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(_) => Family::V4,
            IpAddr::V6(_) => Family::V6,
        }
    }

    /// The family that is not this one.
    pub fn other(self) -> Self {
        match self {
            Family::V4 => Family::V6,
            Family::V6 => Family::V4,
        }
    }

    pub fn admits(self, ip: IpAddr) -> bool {
        Family::of(ip) == self
    }

    pub fn name(self) -> &'static str {
        match self {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        }
    }
}

/// The transport-security records: DNSSEC of the MX answer, TLS-RPT,
/// MTA-STS, and per exchange its address and TLSA answers.
#[derive(Debug, Clone)]
pub struct Transport {
    pub mx_validation: Option<Validation>,
    pub tls_rpt: policy::TlsRptObservation,
    pub mta_sts: policy::MtaStsObservation,
    pub security: Vec<dns::ExchangeSecurity>,
}

/// Everything one run observed, in the order the report shows it.
#[derive(Debug, Clone)]
pub struct Run {
    /// The MX answer; `None` with `--server`.
    pub mx: Option<Timed<dns::MxOutcome>>,
    /// The exchanges probed, in MX order (at most the engine's cap).
    pub routes: Vec<Route>,
    /// How many exchanges the MX answer listed (before the cap).
    pub listed: usize,
    pub port: u16,
    /// One per (exchange, address), in route order.
    pub conversations: Vec<conversation::Observation>,
    pub identities: HashMap<IpAddr, dns::Identity>,
    pub controls: Vec<dns::Control>,
    pub transport: Option<Transport>,
    pub policy: Option<(policy::SpfObservation, policy::DmarcObservation)>,
    /// The block lists that refusals named, asked about the address they
    /// named (or this side's address).
    pub blocklists: Vec<crate::dnsbl::Lookup>,
    /// Background work that failed inside smtpcheck (a bug), by what it was.
    pub internal_errors: Vec<String>,
    pub elapsed: Duration,
}
