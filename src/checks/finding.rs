//! The finding model: what a check concluded, where, and what to do. Checks
//! produce these from observations; the report, the verdict, the sender
//! simulation and every renderer read the typed fields (`id`, `status`,
//! `detail`), never the `data` map, which is serialisation only.

use crate::observe::Endpoint;
use crate::smtp::millis;
use serde::Serialize;
use serde_json::{Map, Value};
use std::net::IpAddr;
use std::time::Duration;

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Info,
    Skip,
    Warn,
    Fail,
}

macro_rules! check_ids {
    ($($variant:ident => $name:literal,)*) => {
        /// Every check smtpcheck makes; the serde name is the JSON `id`
        /// (docs/json-schema.md).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        pub enum CheckId {
            $(#[serde(rename = $name)] $variant,)*
        }

        impl CheckId {
            /// Every id, in declaration order.
            pub const ALL: &'static [CheckId] = &[$(CheckId::$variant,)*];

            /// The id as JSON writes it (`smtp.rcpt`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(CheckId::$variant => $name,)*
                }
            }
        }
    };
}

check_ids! {
    DnsMx => "dns.mx",
    DnsAddress => "dns.address",
    DnsHygiene => "dns.hygiene",
    DnsPtr => "dns.ptr",
    DnsDnssec => "dns.dnssec",
    DnsBlocklist => "dns.blocklist",
    TcpConnect => "tcp.connect",
    NetPath => "net.path",
    TlsImplicit => "tls.implicit",
    SmtpBanner => "smtp.banner",
    SmtpEhlo => "smtp.ehlo",
    TlsStarttls => "tls.starttls",
    TlsCertificate => "tls.certificate",
    TlsDane => "tls.dane",
    TlsInjection => "tls.injection",
    TlsVersions => "tls.versions",
    TlsCiphers => "tls.ciphers",
    TlsKeyExchange => "tls.key_exchange",
    TlsHardening => "tls.hardening",
    TlsCaa => "tls.caa",
    SmtpIdentity => "smtp.identity",
    SmtpAuth => "smtp.auth",
    SmtpMail => "smtp.mail",
    SmtpRcpt => "smtp.rcpt",
    SmtpData => "smtp.data",
    SmtpDataEnd => "smtp.data_end",
    SmtpRelay => "smtp.relay",
    SmtpVrfy => "smtp.vrfy",
    PolicySpf => "policy.spf",
    PolicyDmarc => "policy.dmarc",
    PolicyMtaSts => "policy.mta_sts",
    PolicyTlsRpt => "policy.tls_rpt",
    ThresholdTime => "threshold.time",
    Internal => "internal.error",
}

impl CheckId {
    /// A transport-policy finding (the report's policy section).
    pub fn is_policy(self) -> bool {
        self.as_str().starts_with("policy.") || matches!(self, Self::DnsDnssec | Self::TlsDane)
    }
}

impl std::fmt::Display for CheckId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl PartialEq<str> for CheckId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for CheckId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// What kind of answer the MX lookup gave, for the verdict and the senders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MxKind {
    Records,
    Implicit,
    /// RFC 7505 null MX: the domain takes no mail, final.
    Null,
    /// NXDOMAIN, or no MX and no address: final.
    NoMailHost,
    /// The domain's name servers failed (SERVFAIL and the like): senders retry.
    Failed,
    /// The resolver smtpcheck asks did not answer: nothing was learnt.
    ResolverDown,
}

/// DNSSEC status of one answer, as the sender simulation needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerSecurity {
    pub name: String,
    /// `MX`, `A`, `AAAA`, `TLSA`.
    pub rtype: &'static str,
    pub security: crate::dnssec::Security,
}

/// MTA-STS mode (RFC 8461 §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StsMode {
    Enforce,
    Testing,
    None,
}

impl StsMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Enforce => "enforce",
            Self::Testing => "testing",
            Self::None => "none",
        }
    }
}

/// What a block list answered about one subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlocklistResult {
    Listed,
    NotListed,
    QueryRefused,
    Failed,
}

/// The typed facts of a finding that other layers reason about. `data`
/// carries the same and more for JSON; nothing reads it back.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Detail {
    #[default]
    None,
    /// A step answered by an SMTP reply.
    Reply {
        code: u16,
        /// The reply is greylisting (the classifier's rule).
        greylisted: bool,
        /// The queue id the server gave for an accepted message.
        queue_id: Option<String>,
    },
    Mx(MxKind),
    Dnssec {
        /// The weakest status across every answer.
        overall: crate::dnssec::Security,
        answers: Vec<AnswerSecurity>,
    },
    MtaSts {
        mode: Option<StsMode>,
        uncovered: Vec<String>,
        tls_failures: Vec<String>,
    },
    Certificate {
        days_left: Option<i64>,
        /// Verified for the name with no problem at all.
        clean: bool,
        /// The leaf as presented, for the human report's detail lines.
        facts: Option<Box<crate::tls::cert::CertFacts>>,
    },
    /// `tls.starttls`, `tls.implicit`: the session negotiated.
    Tls {
        version: String,
        cipher: String,
    },
    /// `dns.blocklist`: what the list answered.
    Blocklist(BlocklistResult),
    /// `smtp.relay`: the server relayed for a foreign domain.
    OpenRelay {
        /// The probe came from an address the server may trust.
        trusted_source: bool,
    },
}

/// One finding: what was checked, where, how it went and what to do.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub id: CheckId,
    pub status: Status,
    pub summary: String,
    pub host: Option<String>,
    pub address: Option<IpAddr>,
    pub port: Option<u16>,
    pub duration_ms: Option<f64>,
    pub advice: Option<String>,
    /// Serialisation only: every typed fact other layers need is in `detail`.
    pub data: Map<String, Value>,
    #[serde(skip)]
    pub detail: Detail,
}

impl Check {
    pub fn new(id: CheckId, status: Status, summary: impl Into<String>) -> Self {
        Self {
            id,
            status,
            summary: summary.into(),
            host: None,
            address: None,
            port: None,
            duration_ms: None,
            advice: None,
            data: Map::new(),
            detail: Detail::None,
        }
    }

    pub fn host(mut self, host: &str) -> Self {
        self.host = Some(host.to_string());
        self
    }

    /// Places the check at one exchange address and port.
    pub fn at(mut self, endpoint: &Endpoint) -> Self {
        self.host = Some(endpoint.host.clone());
        self.address = Some(endpoint.address);
        self.port = Some(endpoint.port);
        self
    }

    pub fn took(mut self, elapsed: Duration) -> Self {
        self.duration_ms = Some(millis(elapsed));
        self
    }

    pub fn advice(mut self, advice: impl Into<String>) -> Self {
        self.advice = Some(advice.into());
        self
    }

    /// Adds a JSON field (write-only: see `data`).
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.data.insert(key.to_string(), value.into());
        self
    }

    pub fn detail(mut self, detail: Detail) -> Self {
        self.detail = detail;
        self
    }

    /// The reply code, when the finding is about an SMTP reply.
    pub fn reply_code(&self) -> Option<u16> {
        match self.detail {
            Detail::Reply { code, .. } => Some(code),
            _ => None,
        }
    }

    /// Same host, address and port.
    pub fn same_place(&self, other: &Check) -> bool {
        (&self.host, self.address, self.port) == (&other.host, other.address, other.port)
    }
}
