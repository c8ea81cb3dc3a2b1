//! What DNS said: the MX answer, reverse DNS, DNSSEC validations and TLSA
//! records, and the control connections of the port-25 diagnosis.

use super::Endpoint;
use crate::dane::Tlsa;
use crate::dns::{DnsError, MxRecord};
use crate::dnssec::Validation;
use std::net::IpAddr;

/// What the MX question established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MxOutcome {
    /// MX records, in preference order (may include a null MX among others).
    Records(Vec<MxRecord>),
    /// No MX, but the domain has addresses: it is its own exchange.
    Implicit(Vec<IpAddr>),
    /// Neither MX records nor addresses.
    NoMailHost,
    Failed(DnsError),
    /// The resolver smtpcheck asks gave no response at all (or refused to
    /// serve it): nothing was learnt about the domain.
    ResolverDown {
        resolver: String,
        error: DnsError,
    },
}

impl MxOutcome {
    /// RFC 7505: a single `MX 0 .` is the whole answer.
    pub fn is_null_mx(&self) -> bool {
        matches!(self, Self::Records(r) if r.len() == 1 && r[0].is_null())
    }
}

/// An exchange as published in MX (or the implicit MX), with what DNS said.
#[derive(Debug, Clone)]
pub struct Published {
    pub name: String,
    pub cname: Option<String>,
    pub addresses: Vec<IpAddr>,
}

/// What reverse DNS says about one address.
#[derive(Debug, Clone)]
pub struct Identity {
    pub ptr: Result<Vec<String>, DnsError>,
    /// PTR names whose A/AAAA records include the address.
    pub confirmed: Vec<String>,
}

/// A control connection to another port of an MX address.
#[derive(Debug, Clone)]
pub struct Control {
    pub endpoint: Endpoint,
    pub connected: bool,
}

/// One validated answer: `MX example.com`, `A mx1.example.com`, `TLSA _25._tcp.mx1...`.
#[derive(Debug, Clone)]
pub struct Answer {
    pub name: String,
    pub rtype: &'static str,
    pub validation: Validation,
}

/// The TLSA answer for one exchange.
#[derive(Debug, Clone)]
pub struct TlsaAnswer {
    /// `_25._tcp.mx.example.com`
    pub name: String,
    pub records: Result<Vec<Tlsa>, DnsError>,
    pub validation: Validation,
}

/// The DNSSEC status of an exchange's address answers, and its TLSA
/// records (RFC 7672 §2.2: TLSA at `_PORT._tcp.HOST`), validated.
#[derive(Debug, Clone)]
pub struct ExchangeSecurity {
    pub host: String,
    /// The MX host's CNAME target, when that expansion is secure: TLSA was
    /// asked there first, and the certificate may carry it (RFC 7672 §3.2.2).
    pub expanded: Option<String>,
    pub answers: Vec<Answer>,
    pub tlsa: TlsaAnswer,
    /// The CAA records that govern the MX name (RFC 8659): where they were
    /// found, and the records.
    pub caa: Result<(String, Vec<String>), crate::dns::DnsError>,
}
