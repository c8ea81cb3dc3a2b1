//! A thin wrapper over rustls (ring provider): one client configuration per
//! run, a handshake that records what was negotiated and the chain the
//! server presented, and failures named so a person understands them.
//!
//! The handshake accepts any certificate (still checking the handshake
//! signatures): like an opportunistic-TLS MTA, we want to see and report a
//! bad certificate, not abort on it. Verification against the trust anchors
//! happens afterwards, in [`TlsClient::verify`], and in `cert` for the causes
//! webpki does not report (it stops at the first failure).

pub mod cert;
pub mod first_flight;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    AlertDescription, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use std::io;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Instant;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

/// What a successful handshake negotiated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Negotiated {
    /// `TLSv1.3`, `TLSv1.2`.
    pub version: String,
    /// IANA name, e.g. `TLS_AES_256_GCM_SHA384`.
    pub cipher: String,
    /// e.g. `X25519`.
    pub key_exchange_group: Option<String>,
    /// The chain as the server sent it, leaf first.
    pub chain: Vec<CertificateDer<'static>>,
}

/// What kind of handshake failure; the serde name is the JSON `error_kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HandshakeKind {
    ProtocolVersion,
    NoSharedCipher,
    NotTls,
    Alert,
    Certificate,
    Timeout,
    Reset,
    Closed,
    Other,
}

impl HandshakeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ProtocolVersion => "protocol_version",
            Self::NoSharedCipher => "no_shared_cipher",
            Self::NotTls => "not_tls",
            Self::Alert => "alert",
            Self::Certificate => "certificate",
            Self::Timeout => "timeout",
            Self::Reset => "reset",
            Self::Closed => "closed",
            Self::Other => "other",
        }
    }
}

/// Why a handshake failed, in words a person understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct HandshakeError {
    pub kind: HandshakeKind,
    pub message: String,
}

impl HandshakeError {
    pub fn new(kind: HandshakeKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    fn from_io(e: &io::Error) -> Self {
        if let Some(tls) = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        {
            return Self::from_rustls(tls);
        }
        match e.kind() {
            io::ErrorKind::ConnectionReset => Self::new(
                HandshakeKind::Reset,
                "the server reset the connection during the TLS handshake",
            ),
            io::ErrorKind::UnexpectedEof => Self::new(
                HandshakeKind::Closed,
                "the server closed the connection during the TLS handshake",
            ),
            _ => Self::new(HandshakeKind::Other, format!("TLS handshake failed: {e}")),
        }
    }

    fn from_rustls(e: &rustls::Error) -> Self {
        use rustls::Error as E;
        match e {
            E::AlertReceived(AlertDescription::ProtocolVersion) | E::PeerIncompatible(rustls::PeerIncompatible::ServerDoesNotSupportTls12Or13) => Self::new(
                HandshakeKind::ProtocolVersion,
                "the server supports no TLS version we accept (TLS 1.2 or 1.3): it likely offers only legacy TLS 1.0/1.1, which modern senders refuse",
            ),
            E::AlertReceived(alert @ (AlertDescription::HandshakeFailure | AlertDescription::InsufficientSecurity)) => Self::new(
                HandshakeKind::NoSharedCipher,
                format!("no cipher suite or key exchange in common with the server (it sent the TLS alert \"{}\")", alert_words(*alert)),
            ),
            E::PeerIncompatible(why) => Self::new(
                HandshakeKind::NoSharedCipher,
                format!("no cipher suite or key exchange in common with the server ({})", crate::words::variant(&format!("{why:?}"))),
            ),
            E::InvalidMessage(rustls::InvalidMessage::InvalidContentType) => Self::new(
                HandshakeKind::NotTls,
                "the server answered with something that is not TLS: its first bytes are not a TLS record (it may still be speaking SMTP in plaintext)",
            ),
            E::InvalidMessage(_) | E::InappropriateMessage { .. } | E::InappropriateHandshakeMessage { .. } => Self::new(
                HandshakeKind::NotTls,
                "the server answered with something that is not a valid TLS handshake",
            ),
            E::AlertReceived(alert) => Self::new(
                HandshakeKind::Alert,
                format!("the server aborted the handshake with the TLS alert \"{}\"", alert_words(*alert)),
            ),
            E::InvalidCertificate(c) => Self::new(HandshakeKind::Certificate, format!("the certificate does not verify: {}", certificate_words(c))),
            other => Self::new(HandshakeKind::Other, format!("TLS handshake failed: {other}")),
        }
    }
}

/// A TLS alert by its RFC 8446 §6 name in words (`internal error`).
fn alert_words(alert: AlertDescription) -> String {
    crate::words::variant(&format!("{alert:?}"))
}

/// Whether smtpcheck's own TLS library (rustls with ring) implements the
/// cipher suite `id`: when it does, a failed handshake is about something
/// else (the key, the certificate, the key exchange).
pub fn offers_suite(id: u16) -> bool {
    rustls::crypto::ring::ALL_CIPHER_SUITES
        .iter()
        .any(|s| u16::from(s.suite()) == id)
}

/// A TLS alert code by its name in words (`70` is `protocol version`).
pub fn alert_name(code: u8) -> String {
    match AlertDescription::from(code) {
        AlertDescription::Unknown(n) => format!("number {n}"),
        known => alert_words(known),
    }
}

/// Why a certificate does not verify, in words.
pub fn certificate_words(e: &rustls::CertificateError) -> String {
    use rustls::CertificateError as C;
    match e {
        C::UnknownIssuer => "it is issued by an authority that is not trusted (unknown issuer: a private CA, or a missing intermediate certificate)".into(),
        C::Expired | C::ExpiredContext { .. } => "it has expired".into(),
        C::NotValidYet | C::NotValidYetContext { .. } => "it is not valid yet".into(),
        C::NotValidForName | C::NotValidForNameContext { .. } => "it is not valid for this name".into(),
        C::BadSignature => "its signature does not verify, or uses an algorithm or key size that is not accepted".into(),
        C::Revoked => "it has been revoked".into(),
        C::BadEncoding => "it is not a well-formed certificate".into(),
        C::InvalidPurpose | C::InvalidPurposeContext { .. } => "it is not for TLS servers (extended key usage)".into(),
        other => {
            let name = format!("{other:?}");
            let name = name.split(['(', ' ', '{']).next().unwrap_or("");
            crate::words::variant(name)
        }
    }
}

/// The TLS side of a run: trust anchors parsed once, one connector shared by
/// every connection.
pub struct TlsClient {
    connector: TlsConnector,
    /// Full certificate verification during the handshake (MTA-STS policy
    /// fetches, which must fail on a bad certificate: RFC 8461 §3.3).
    strict: TlsConnector,
    verifier: Arc<WebPkiServerVerifier>,
    roots: Arc<RootCertStore>,
}

impl std::fmt::Debug for TlsClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TlsClient({} trust anchors)", self.roots.roots.len())
    }
}

impl TlsClient {
    /// webpki-roots plus the certificates in `ca_file` (PEM) as extra anchors.
    pub fn new(ca_file: Option<&Path>) -> Result<Self, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        if let Some(path) = ca_file {
            let pem_error = |e: rustls::pki_types::pem::Error| {
                let why = match e {
                    rustls::pki_types::pem::Error::Io(io) => crate::words::io(&io),
                    other => format!("not a valid PEM file ({other})"),
                };
                format!("--ca-file {}: {why}", path.display())
            };
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(pem_error)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(pem_error)?;
            if certs.is_empty() {
                return Err(format!(
                    "--ca-file {}: no PEM certificate found",
                    path.display()
                ));
            }
            for cert in certs {
                roots.add(cert).map_err(|e| {
                    format!("--ca-file {}: unusable certificate: {e}", path.display())
                })?;
            }
        }
        let roots = Arc::new(roots);
        let verifier = WebPkiServerVerifier::builder_with_provider(roots.clone(), provider.clone())
            .build()
            .map_err(|e| format!("cannot build the certificate verifier: {e}"))?;
        let strict = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("cannot configure TLS: {e}"))?
            .with_root_certificates(roots.clone())
            .with_no_client_auth();
        let config = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("cannot configure TLS: {e}"))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(InspectEveryCertificate { provider }))
            .with_no_client_auth();
        Ok(Self {
            connector: TlsConnector::from(Arc::new(config)),
            strict: TlsConnector::from(Arc::new(strict)),
            verifier,
            roots,
        })
    }

    /// Runs the client handshake on `stream` until `deadline`. SNI is `name`
    /// unless it is an IP address (RFC 6066 §3 forbids IP literals in SNI).
    pub async fn handshake<S: AsyncRead + AsyncWrite + Unpin>(
        &self,
        stream: S,
        name: &str,
        deadline: Instant,
    ) -> Result<(TlsStream<S>, Negotiated), HandshakeError> {
        let server_name =
            server_name(name).map_err(|e| HandshakeError::new(HandshakeKind::Other, e))?;
        let started = Instant::now();
        let tls =
            match tokio::time::timeout_at(deadline, self.connector.connect(server_name, stream))
                .await
            {
                Ok(Ok(tls)) => tls,
                Ok(Err(e)) => return Err(HandshakeError::from_io(&e)),
                Err(_) => {
                    return Err(HandshakeError::new(
                        HandshakeKind::Timeout,
                        format!(
                            "no TLS handshake within {:.1} s",
                            started.elapsed().as_secs_f64()
                        ),
                    ))
                }
            };
        let conn = tls.get_ref().1;
        let negotiated = Negotiated {
            version: conn
                .protocol_version()
                .map(version_name)
                .unwrap_or_default(),
            cipher: conn
                .negotiated_cipher_suite()
                .map(|s| first_flight::suite_name(u16::from(s.suite())))
                .unwrap_or_default(),
            key_exchange_group: conn
                .negotiated_key_exchange_group()
                .map(|g| format!("{:?}", g.name())),
            chain: conn
                .peer_certificates()
                .map(<[_]>::to_vec)
                .unwrap_or_default(),
        };
        Ok((tls, negotiated))
    }

    /// A handshake that fails unless the certificate verifies for `name`.
    pub async fn connect_verified<S: AsyncRead + AsyncWrite + Unpin>(
        &self,
        stream: S,
        name: &str,
        deadline: Instant,
    ) -> Result<TlsStream<S>, HandshakeError> {
        let server_name =
            server_name(name).map_err(|e| HandshakeError::new(HandshakeKind::Other, e))?;
        match tokio::time::timeout_at(deadline, self.strict.connect(server_name, stream)).await {
            Ok(Ok(tls)) => Ok(tls),
            Ok(Err(e)) => Err(HandshakeError::from_io(&e)),
            Err(_) => Err(HandshakeError::new(
                HandshakeKind::Timeout,
                "no TLS handshake in time",
            )),
        }
    }

    /// Verifies `chain` for `name` against the trust anchors at `now`.
    pub fn verify(
        &self,
        chain: &[CertificateDer<'static>],
        name: &str,
        now: UnixTime,
    ) -> Result<(), rustls::Error> {
        let Some((leaf, intermediates)) = chain.split_first() else {
            return Err(rustls::Error::NoCertificatesPresented);
        };
        let server_name = server_name(name).map_err(rustls::Error::General)?;
        self.verifier
            .verify_server_cert(leaf, intermediates, &server_name, &[], now)
            .map(|_| ())
    }

    /// Subjects (DER) of the trust anchors, to tell a trusted root from an
    /// unknown issuer.
    pub fn is_trust_anchor_subject(&self, subject_der: &[u8]) -> bool {
        self.roots
            .roots
            .iter()
            .any(|r| r.subject.as_ref() == subject_der)
    }
}

fn server_name(name: &str) -> Result<ServerName<'static>, String> {
    if let Ok(ip) = name.parse::<IpAddr>() {
        return Ok(ServerName::IpAddress(ip.into()));
    }
    ServerName::try_from(name.to_string())
        .map_err(|e| format!("{name} is not a valid TLS server name: {e}"))
}

fn version_name(v: rustls::ProtocolVersion) -> String {
    match v {
        rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3".into(),
        rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2".into(),
        rustls::ProtocolVersion::TLSv1_1 => "TLSv1.1".into(),
        rustls::ProtocolVersion::TLSv1_0 => "TLSv1.0".into(),
        other => format!("{other:?}"),
    }
}

/// Accepts whatever certificate the server presents (it is verified after
/// the handshake), but checks the handshake signatures properly, so the
/// negotiated session is still bound to that certificate's key.
#[derive(Debug)]
struct InspectEveryCertificate {
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for InspectEveryCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
