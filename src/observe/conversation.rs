//! What one SMTP conversation observed, step by step: plain data made by the
//! engine (`probe`) and read by the checks.

use super::Endpoint;
use crate::smtp::{Capabilities, Reply, SessionError, Timed, Transcript};
use crate::tls::cert::CertFacts;
use crate::tls::{HandshakeError, Negotiated};
use std::io;
use std::time::Duration;

/// What went wrong opening the TCP connection.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectError {
    #[error("connection refused")]
    Refused,
    #[error("no answer to the connection attempt within {:.1} s", .0.as_secs_f64())]
    Timeout(Duration),
    #[error("address unreachable: {0}")]
    Unreachable(String),
    #[error("connection failed: {0}")]
    Other(String),
}

impl ConnectError {
    /// The JSON `error_kind`: `refused`, `timeout`, `unreachable` or `other`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Refused => "refused",
            Self::Timeout(_) => "timeout",
            Self::Unreachable(_) => "unreachable",
            Self::Other(_) => "other",
        }
    }

    /// The kind of a failed `connect(2)`.
    pub fn from_io(e: &io::Error) -> Self {
        // The standard library maps ENETUNREACH and EHOSTUNREACH to these
        // kinds on every system.
        match e.kind() {
            io::ErrorKind::ConnectionRefused => Self::Refused,
            io::ErrorKind::NetworkUnreachable | io::ErrorKind::HostUnreachable => {
                Self::Unreachable(e.to_string())
            }
            _ => Self::Other(e.to_string()),
        }
    }
}

/// One protocol version asked for alone (`--tls-scan`) and the answer.
#[derive(Debug, Clone)]
pub struct VersionProbe {
    pub version: crate::tls::first_flight::Version,
    pub answer: Result<crate::tls::first_flight::FirstFlight, String>,
}

impl VersionProbe {
    /// The server negotiated exactly this version: the suite it chose.
    pub fn accepted(&self) -> Option<&crate::tls::first_flight::ServerHello> {
        match &self.answer {
            Ok(crate::tls::first_flight::FirstFlight::Hello(h))
                if h.version == Some(self.version) =>
            {
                Some(h)
            }
            _ => None,
        }
    }
}

/// One family of suites offered alone (`--tls-scan`) and the answer.
#[derive(Debug, Clone)]
pub struct CategoryProbe {
    pub category: crate::tls::first_flight::Category,
    pub version: crate::tls::first_flight::Version,
    pub answer: Result<crate::tls::first_flight::FirstFlight, String>,
}

impl CategoryProbe {
    /// The server took a suite of the family: its ServerHello.
    pub fn accepted(&self) -> Option<&crate::tls::first_flight::ServerHello> {
        match &self.answer {
            Ok(crate::tls::first_flight::FirstFlight::Hello(h)) => Some(h),
            _ => None,
        }
    }
}

/// An extension asked for on the command line that the server lacks: the
/// transaction went on without it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unoffered {
    /// `--notify`: no DSN (RFC 3461), so no NOTIFY was sent.
    Dsn,
    /// `--chunking`: no CHUNKING (RFC 3030), so DATA was used.
    Chunking,
}

impl Unoffered {
    /// The extension's EHLO keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Unoffered::Dsn => "DSN",
            Unoffered::Chunking => "CHUNKING",
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            Unoffered::Dsn => "the server does not offer DSN (RFC 3461): --notify was not sent, so no delivery notification will come",
            Unoffered::Chunking => "the server does not offer CHUNKING (RFC 3030): the message went with DATA, not BDAT",
        }
    }
}

/// How TLS is used on this connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// STARTTLS when offered; plaintext otherwise (opportunistic, RFC 3207).
    Auto,
    /// STARTTLS must work and the certificate must verify.
    Require,
    /// Never attempt TLS.
    Off,
    /// TLS from the first byte (RFC 8314; port 465).
    Implicit,
}

/// Everything TLS-related one conversation observed.
#[derive(Debug, Clone)]
pub struct TlsObservation {
    pub implicit: bool,
    /// STARTTLS was advertised in EHLO (true for implicit TLS).
    pub offered: bool,
    /// The reply to STARTTLS.
    pub reply: Option<Timed<Result<Reply, SessionError>>>,
    /// Bytes that followed the 220 to STARTTLS before any handshake: plaintext
    /// injection, never processed.
    pub injected: Vec<u8>,
    pub handshake: Option<Timed<Result<Negotiated, HandshakeError>>>,
    /// The presented chain, inspected and verified for the exchange name.
    pub certificate: Option<Result<CertFacts, String>>,
    /// After a failed handshake: what the server answers to our own
    /// ClientHello offering every version and suite, on a new connection.
    pub legacy: Option<Result<crate::tls::first_flight::FirstFlight, String>>,
    /// The transaction ran again without STARTTLS after the failure.
    pub retried_in_plaintext: bool,
}

impl TlsObservation {
    pub fn new(implicit: bool, offered: bool) -> Self {
        Self {
            implicit,
            offered,
            reply: None,
            injected: Vec::new(),
            handshake: None,
            certificate: None,
            legacy: None,
            retried_in_plaintext: false,
        }
    }

    /// True when a TLS session is up.
    pub fn established(&self) -> bool {
        matches!(&self.handshake, Some(Timed { value: Ok(_), .. }))
    }

    /// Why the handshake failed, in words, when it did.
    pub fn handshake_error(&self) -> Option<String> {
        match &self.handshake {
            Some(Timed { value: Err(e), .. }) => Some(e.to_string()),
            _ => None,
        }
    }
}

/// What the active STARTTLS injection test (`--tls-injection-test`) found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InjectionOutcome {
    /// The NOOP sent with STARTTLS was discarded: not vulnerable.
    Safe,
    /// The server answered the NOOP inside TLS: it executed a command that
    /// arrived before the handshake (CVE-2011-0411 class).
    Vulnerable { reply: String },
    /// The server answered the NOOP in plaintext, before any handshake.
    AnsweredInPlaintext { reply: String },
    /// The test could not run to the end; says where it stopped.
    Inconclusive(String),
}

/// Everything one conversation observed, step by step. A step that was not
/// reached is `None`.
#[derive(Debug, Clone)]
pub struct Observation {
    pub endpoint: Endpoint,
    pub connect: Timed<Result<(), ConnectError>>,
    pub banner: Option<Timed<Result<Reply, SessionError>>>,
    pub ehlo: Option<Timed<Result<Reply, SessionError>>>,
    /// Only when EHLO was refused with 5xx (RFC 5321 §4.1.4 fallback).
    pub helo: Option<Timed<Result<Reply, SessionError>>>,
    /// `None` when TLS was not part of the plan (stage or `--tls off`).
    pub tls: Option<TlsObservation>,
    /// EHLO again inside STARTTLS (RFC 3207 §4.2: forget what was learnt before).
    pub ehlo_after_tls: Option<Timed<Result<Reply, SessionError>>>,
    pub mail: Option<Timed<Result<Reply, SessionError>>>,
    pub rcpt: Option<Timed<Result<Reply, SessionError>>>,
    /// AUTH, when credentials were given or AUTH was expected.
    pub auth: Option<AuthOutcome>,
    /// `send`: RCPT for the recipients after the first.
    pub extra_rcpts: Vec<(String, Timed<Result<Reply, SessionError>>)>,
    /// `send`: the reply to DATA (354 expected) and to the end of data (250).
    pub data: Option<Timed<Result<Reply, SessionError>>>,
    pub data_end: Option<Timed<Result<Reply, SessionError>>>,
    /// The message went as `BDAT n LAST` (data_end holds its reply).
    pub chunked: bool,
    /// Refused locally before MAIL: why (SIZE limit, SMTPUTF8 missing).
    pub refused_locally: Option<String>,
    /// ESMTP extensions used for the transaction (SIZE, SMTPUTF8, DSN...).
    pub extensions: Vec<String>,
    /// Extensions the user asked for that the server does not offer.
    pub not_offered: Vec<Unoffered>,
    /// The opt-in injection test, on a connection of its own.
    pub injection: Option<InjectionOutcome>,
    /// `--relay-test`: the reply to RCPT for a foreign domain, on its own connection.
    pub relay: Option<Result<Reply, String>>,
    /// `--vrfy`: the replies to VRFY and EXPN postmaster, on its own connection.
    pub vrfy: Option<Result<(Reply, Reply), String>>,
    /// `--retry-greylist`: the whole conversation again, after the wait.
    pub retry: Option<Box<Observation>>,
    /// `--tls-scan`: what each protocol version got, on its own connection.
    pub tls_versions: Option<Vec<VersionProbe>>,
    /// `--tls-scan`: the weak or special suite families, each alone.
    pub tls_categories: Vec<CategoryProbe>,
    /// The TLS handshake failed with `--tls auto`: the conversation again
    /// on a new connection without STARTTLS, as opportunistic senders
    /// retry (Postfix at security level "may").
    pub plaintext_retry: Option<Box<Observation>>,
    /// `--retry-greylist` wanted a retry that `--deadline` cut short: why.
    pub retry_cut: Option<String>,
    /// The conversation's task failed inside smtpcheck (a bug): nothing
    /// after `connect` is known. Reported, never dropped.
    pub internal_error: Option<String>,
    /// This side's address of the connection (what the server saw).
    pub local_address: Option<std::net::IpAddr>,
    /// MAIL, RCPT, RSET and QUIT went out in one write (RFC 2920).
    pub pipelined: bool,
    pub sender: String,
    pub recipient: String,
    pub transcript: Transcript,
}

fn capabilities_of(step: &Option<Timed<Result<Reply, SessionError>>>) -> Option<Capabilities> {
    match step {
        Some(Timed { value: Ok(r), .. }) if r.is_positive() => Some(Capabilities::from_ehlo(r)),
        _ => None,
    }
}

impl Observation {
    /// An observation of the connect step only; later steps fill in the rest.
    pub fn connected(
        endpoint: Endpoint,
        connect: Timed<Result<(), ConnectError>>,
        sender: &str,
        recipient: &str,
    ) -> Self {
        Self {
            endpoint,
            connect,
            banner: None,
            ehlo: None,
            helo: None,
            tls: None,
            ehlo_after_tls: None,
            mail: None,
            rcpt: None,
            auth: None,
            extra_rcpts: Vec::new(),
            data: None,
            data_end: None,
            chunked: false,
            refused_locally: None,
            extensions: Vec::new(),
            not_offered: Vec::new(),
            injection: None,
            relay: None,
            vrfy: None,
            retry: None,
            plaintext_retry: None,
            tls_versions: None,
            tls_categories: Vec::new(),
            retry_cut: None,
            internal_error: None,
            local_address: None,
            pipelined: false,
            sender: sender.to_string(),
            recipient: recipient.to_string(),
            transcript: Vec::new(),
        }
    }

    /// Capabilities from the first successful EHLO.
    pub fn capabilities(&self) -> Option<Capabilities> {
        capabilities_of(&self.ehlo)
    }

    /// Capabilities from EHLO inside STARTTLS.
    pub fn capabilities_after_tls(&self) -> Option<Capabilities> {
        capabilities_of(&self.ehlo_after_tls)
    }

    /// The capabilities the transaction runs under.
    pub fn current_capabilities(&self) -> Option<Capabilities> {
        if self.ehlo_after_tls.is_some() {
            self.capabilities_after_tls()
        } else {
            self.capabilities()
        }
    }
}

/// What happened at the AUTH step.
#[derive(Debug, Clone)]
pub enum AuthOutcome {
    /// EHLO listed no AUTH.
    NotOffered,
    /// AUTH offered, but no --auth-user to try it with.
    NoCredentials {
        advertised: Vec<String>,
    },
    /// The connection is not encrypted and --allow-plaintext-auth was not given.
    RefusedPlaintext {
        advertised: Vec<String>,
    },
    NoMechanism(String),
    Done {
        mechanism: &'static str,
        user: String,
        reply: Timed<Result<Reply, SessionError>>,
        /// XOAUTH2: the error the server sent as a 334 challenge before
        /// its final reply, decoded from base64 (JSON with status, schemes
        /// and scope, RFC 7628 §3.2.2).
        token_error: Option<String>,
    },
}

impl AuthOutcome {
    pub fn succeeded(&self) -> bool {
        matches!(self, AuthOutcome::Done { reply: Timed { value: Ok(r), .. }, .. } if r.code == 235)
    }
}
