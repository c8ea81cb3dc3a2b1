//! What a certificate chain says, and everything wrong with it, each cause
//! named on its own: webpki stops at the first failure, so dates, names and
//! trust are checked separately here (RFC 5280 validity, RFC 6125 names).

use super::TlsClient;
use rustls::pki_types::{CertificateDer, UnixTime};
use rustls::CertificateError;
use serde::Serialize;
use std::net::IpAddr;
use std::time::Duration;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::public_key::PublicKey;

/// One thing wrong with the certificate. `id()` is the stable JSON name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertProblem {
    Expired {
        since: String,
        days_ago: i64,
    },
    NotYetValid {
        from: String,
    },
    NameMismatch {
        expected: String,
        presented: Vec<String>,
    },
    SelfSigned,
    /// Only the leaf was sent, and its issuer is not a trust anchor, though the
    /// leaf points at an issuer certificate (AIA caIssuers): a missing intermediate.
    MissingIntermediate {
        issuer: String,
    },
    UnknownIssuer {
        issuer: String,
        /// Only the leaf was sent (and it names no issuer certificate): a
        /// missing intermediate and a private CA look the same from here.
        lone: bool,
    },
    /// An RSA key under 2048 bits: rustls and webpki refuse it, and the
    /// CA/Browser Forum's Baseline Requirements (§6.1.5) forbid it.
    WeakKey {
        bits: u32,
    },
    /// Signed with SHA-1 or MD5 (not a root's self-signature, which no one
    /// checks): webpki refuses it, and browsers and CAs stopped in 2017.
    WeakSignature {
        algorithm: String,
    },
    /// Chain hygiene (RFC 5246 §7.4.2: each certificate certifies the one
    /// before it): a certificate that issued another one of the chain, but
    /// not the one before it. Verifiers mostly cope; some do not.
    ChainOrder {
        /// 1-based: the position of the certificate out of place.
        position: usize,
        subject: String,
    },
    /// A certificate that certifies none of the others: an old
    /// intermediate left in the file, or another site's certificate.
    UnrelatedCertificate {
        position: usize,
        subject: String,
    },
    Other(String),
}

impl CertProblem {
    /// Hygiene, not trust: the chain verifies anyway, so senders deliver
    /// as they would without it (it warns; it never fails `--tls require`).
    pub fn is_hygiene(&self) -> bool {
        matches!(
            self,
            Self::ChainOrder { .. } | Self::UnrelatedCertificate { .. }
        )
    }

    pub fn id(&self) -> &'static str {
        match self {
            Self::Expired { .. } => "expired",
            Self::NotYetValid { .. } => "not_yet_valid",
            Self::NameMismatch { .. } => "name_mismatch",
            Self::SelfSigned => "self_signed",
            Self::MissingIntermediate { .. } => "missing_intermediate",
            Self::UnknownIssuer { .. } => "unknown_issuer",
            Self::WeakKey { .. } => "weak_key",
            Self::WeakSignature { .. } => "weak_signature",
            Self::ChainOrder { .. } => "chain_order",
            Self::UnrelatedCertificate { .. } => "unrelated_certificate",
            Self::Other(_) => "other",
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Self::Expired { since, days_ago } => match days_ago {
                0 => format!("expired today ({since})"),
                1 => format!("expired 1 day ago ({since})"),
                n => format!("expired {n} days ago ({since})"),
            },
            Self::NotYetValid { from } => format!("not valid yet: valid from {from}"),
            Self::NameMismatch { expected, presented } => {
                if presented.is_empty() {
                    format!("name mismatch: expected {expected}, the certificate names no host (no subjectAltName)")
                } else {
                    format!("name mismatch: expected {expected}, the certificate is for {}", presented.join(", "))
                }
            }
            Self::SelfSigned => "self-signed: no trusted CA vouches for it".to_string(),
            Self::MissingIntermediate { issuer } => format!(
                "missing intermediate: the server sent only its own certificate, issued by \"{issuer}\", which is not a trusted root"
            ),
            Self::UnknownIssuer { issuer, lone: false } => format!("unknown issuer: the chain ends at \"{issuer}\", which is not a trusted CA"),
            Self::UnknownIssuer { issuer, lone: true } => format!("unknown issuer: the server sent only its own certificate, issued by \"{issuer}\", which is not a trusted root: the intermediate certificate is missing from the chain it sends, or \"{issuer}\" is a private CA"),
            Self::WeakKey { bits } => format!("RSA key of {bits} bits, under the 2048-bit minimum"),
            Self::WeakSignature { algorithm } => format!("signed with {algorithm}, a hash no verifier accepts any more"),
            Self::ChainOrder { position, subject } => format!("the chain is out of order: certificate {position} (\"{subject}\") does not certify the one before it, but another one of the chain"),
            Self::UnrelatedCertificate { position, subject } => format!("the chain holds an unrelated certificate: certificate {position} (\"{subject}\") certifies none of the others"),
            Self::Other(words) => words.clone(),
        }
    }

    pub fn advice(&self) -> &'static str {
        match self {
            Self::Expired { .. } => "Renew the certificate and reload the mail server; senders that verify (DANE, MTA-STS) defer mail until then.",
            Self::NotYetValid { .. } => "The certificate's start date is in the future: check the server's clock, or install the certificate that is valid now.",
            Self::NameMismatch { .. } => "Get a certificate that lists the MX host name in its subjectAltName, or point the MX record at the name the certificate is for.",
            Self::SelfSigned => "Use a certificate from a public CA (e.g. Let's Encrypt); for a private CA, pass its certificate with --ca-file to check the rest.",
            Self::MissingIntermediate { .. } => "Configure the server to send the full chain (leaf then intermediates): for Postfix, put the intermediates after the leaf in smtpd_tls_chain_files or smtpd_tls_cert_file.",
            Self::UnknownIssuer { lone: false, .. } => "The issuing CA is not trusted: use a certificate from a public CA, or pass your private CA with --ca-file.",
            Self::UnknownIssuer { lone: true, .. } => "If the certificate is from a public CA, configure the server to send the full chain (leaf then intermediates; Postfix: smtpd_tls_chain_files). If it is from a private CA, pass that CA's certificate with --ca-file.",
            Self::WeakKey { .. } => "Issue a new certificate with an RSA key of at least 2048 bits (3072 for NCSC-NL's \"good\") or an ECDSA P-256 key; rustls-based and other modern senders cannot complete a handshake with this one.",
            Self::WeakSignature { .. } => "Reissue the certificate: any CA today signs with SHA-256 or better; verifying senders (DANE-TA aside, MTA-STS) treat this one as invalid.",
            Self::ChainOrder { .. } => "Send the leaf first, then the certificate that issued it, then that one's issuer (Postfix: that order in smtpd_tls_chain_files; an ACME client's fullchain.pem is already in order). Most senders cope with the wrong order; some stricter TLS stacks do not.",
            Self::UnrelatedCertificate { .. } => "Remove the certificate from the chain file: it is an old intermediate or another site's certificate, sent with every handshake for nothing.",
            Self::Other(_) => "The certificate could not be verified; the reason above is the verifier's own.",
        }
    }
}

/// Facts about the presented chain (leaf first), for `tls.certificate`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CertFacts {
    pub subject: String,
    pub sans: Vec<String>,
    pub issuer: String,
    pub not_before: String,
    pub not_after: String,
    /// `not_after` in seconds since the epoch (Prometheus wants numbers).
    #[serde(skip)]
    pub not_after_unix: i64,
    pub days_left: i64,
    pub self_signed: bool,
    pub chain_length: usize,
    pub key: String,
    /// The key typed: what `key` says in words, for the checks to grade.
    #[serde(skip)]
    pub key_kind: KeyKind,
    pub signature_algorithm: String,
    pub sha256: String,
    /// webpki's verdict at the current time, in words (None when it verified).
    pub verification_error: Option<String>,
    /// Every certificate sent, in the order sent.
    pub chain: Vec<ChainEntry>,
    #[serde(skip)]
    pub problems: Vec<CertProblem>,
}

/// A certificate's public key, as the grades need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyKind {
    Rsa {
        bits: u32,
    },
    /// An EC key on a named curve ("P-256", "P-384", "P-521", or the OID).
    Ec {
        curve: String,
    },
    Ed25519,
    Ed448,
    /// Another algorithm (DSA, GOST...), by its words.
    Other(String),
}

impl KeyKind {
    /// "RSA 2048", "EC P-256", "Ed25519": the words of `CertFacts::key`.
    pub fn describe(&self) -> String {
        match self {
            Self::Rsa { bits } => format!("RSA {bits}"),
            Self::Ec { curve } => format!("EC {curve}"),
            Self::Ed25519 => "Ed25519".into(),
            Self::Ed448 => "Ed448".into(),
            Self::Other(words) => words.clone(),
        }
    }

    pub fn rsa_bits(&self) -> Option<u32> {
        match self {
            Self::Rsa { bits } => Some(*bits),
            _ => None,
        }
    }
}

/// One certificate of the chain as the server sent it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChainEntry {
    pub subject: String,
    pub issuer: String,
    pub key: String,
    pub signature_algorithm: String,
    pub not_after: String,
    /// What it is to the chain: `leaf`, `issuer` (it certifies the one
    /// before it), `out_of_order` (it certifies another one), `unrelated`.
    pub role: &'static str,
}

impl CertFacts {
    /// No problem but chain hygiene: what senders that verify accept.
    pub fn verified(&self) -> bool {
        self.problems.iter().all(CertProblem::is_hygiene)
    }

    /// The first SAN, or the subject when there is none: how people name a certificate.
    pub fn subject_short(&self) -> String {
        match self.sans.first() {
            Some(name) => name.clone(),
            None => self.subject.clone(),
        }
    }
}

/// Inspects `chain` as presented for `expected` (the exchange's name, or its
/// IP when probing an address).
pub fn inspect(
    client: &TlsClient,
    chain: &[CertificateDer<'static>],
    expected: &str,
    now: UnixTime,
) -> Result<CertFacts, String> {
    let leaf_der = chain.first().ok_or("the server presented no certificate")?;
    let (_, leaf) = X509Certificate::from_der(leaf_der.as_ref())
        .map_err(|e| format!("the server's certificate does not parse: {e}"))?;
    let now_secs = now.as_secs() as i64;
    let not_before = leaf.validity().not_before.timestamp();
    let not_after = leaf.validity().not_after.timestamp();
    let sans = subject_alt_names(&leaf);
    let key = key_kind(&leaf);
    let self_signed = leaf.subject().as_raw() == leaf.issuer().as_raw();
    let mut problems = Vec::new();
    if now_secs > not_after {
        problems.push(CertProblem::Expired {
            since: iso_date(not_after),
            days_ago: (now_secs - not_after) / 86_400,
        });
    }
    if now_secs < not_before {
        problems.push(CertProblem::NotYetValid {
            from: iso_date(not_before),
        });
    }
    if !name_matches(expected, &sans) {
        problems.push(CertProblem::NameMismatch {
            expected: expected.to_string(),
            presented: sans.clone(),
        });
    }
    // Trust, judged at a moment inside the validity period so that an expired
    // certificate still tells us whether its chain is sound.
    let mid = (not_before + (not_after - not_before) / 2).max(0) as u64;
    let trust = client.verify(
        chain,
        expected,
        UnixTime::since_unix_epoch(Duration::from_secs(mid)),
    );
    match trust {
        Ok(()) => {}
        Err(rustls::Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        )) => {}
        Err(rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer)) => {
            let issuer = leaf.issuer().to_string();
            problems.push(if self_signed {
                CertProblem::SelfSigned
            } else if chain.len() == 1
                && names_issuer_certificate(&leaf)
                && !client.is_trust_anchor_subject(leaf.issuer().as_raw())
            {
                CertProblem::MissingIntermediate { issuer }
            } else {
                CertProblem::UnknownIssuer {
                    issuer: chain_top_issuer(chain).unwrap_or(issuer),
                    lone: chain.len() == 1,
                }
            });
        }
        // The key size or the hash is why webpki says no: name that, not
        // its words.
        Err(_) if key.rsa_bits().is_some_and(|b| b < 2048) => {}
        Err(_) if !self_signed && weak_hash(&leaf).is_some() => {}
        Err(e) => problems.push(CertProblem::Other(format!("not verifiable: {}", words(&e)))),
    }
    if let Some(bits) = key.rsa_bits().filter(|b| *b < 2048) {
        problems.push(CertProblem::WeakKey { bits });
    }
    if let (false, Some(algorithm)) = (self_signed, weak_hash(&leaf)) {
        problems.push(CertProblem::WeakSignature { algorithm });
    }
    let (entries, hygiene) = chain_entries(chain);
    problems.extend(hygiene);
    let verification_error = client.verify(chain, expected, now).err().map(|e| words(&e));
    Ok(CertFacts {
        subject: leaf.subject().to_string(),
        sans,
        issuer: leaf.issuer().to_string(),
        not_before: iso_date(not_before),
        not_after: iso_date(not_after),
        not_after_unix: not_after,
        // toward zero, like `days_ago` above: "expired 2 days ago" is -2
        days_left: (not_after - now_secs) / 86_400,
        self_signed,
        chain_length: chain.len(),
        key: key.describe(),
        key_kind: key,
        signature_algorithm: signature_name(&leaf.signature_algorithm.algorithm.to_id_string()),
        sha256: fingerprint(leaf_der.as_ref()),
        verification_error,
        chain: entries,
        problems,
    })
}

/// Every certificate of `chain` with its role: does it certify the one
/// before it (by name: its subject is that one's issuer), another one, or
/// none? The leaf is first whatever it is.
fn chain_entries(chain: &[CertificateDer<'static>]) -> (Vec<ChainEntry>, Vec<CertProblem>) {
    let parsed: Vec<Option<X509Certificate<'_>>> = chain
        .iter()
        .map(|der| X509Certificate::from_der(der.as_ref()).ok().map(|(_, c)| c))
        .collect();
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for (i, cert) in parsed.iter().enumerate() {
        let Some(cert) = cert else { continue };
        let certifies =
            |other: &Option<X509Certificate<'_>>| other.as_ref().is_some_and(|o| issued(cert, o));
        let role = match i {
            0 => "leaf",
            _ if certifies(&parsed[i - 1]) => "issuer",
            _ if parsed
                .iter()
                .enumerate()
                .any(|(j, o)| j != i && certifies(o)) =>
            {
                "out_of_order"
            }
            _ => "unrelated",
        };
        let subject = cert.subject().to_string();
        let order_named = problems
            .iter()
            .any(|p| matches!(p, CertProblem::ChainOrder { .. }));
        match role {
            // One wrong order is one problem, however many it displaces.
            "out_of_order" if !order_named => problems.push(CertProblem::ChainOrder {
                position: i + 1,
                subject: subject.clone(),
            }),
            "unrelated" => problems.push(CertProblem::UnrelatedCertificate {
                position: i + 1,
                subject: subject.clone(),
            }),
            _ => {}
        }
        entries.push(ChainEntry {
            subject,
            issuer: cert.issuer().to_string(),
            key: key_kind(cert).describe(),
            signature_algorithm: signature_name(&cert.signature_algorithm.algorithm.to_id_string()),
            not_after: iso_date(cert.validity().not_after.timestamp()),
            role,
        });
    }
    (entries, problems)
}

fn subject_alt_names(cert: &X509Certificate<'_>) -> Vec<String> {
    let Ok(Some(san)) = cert.subject_alternative_name() else {
        return Vec::new();
    };
    san.value
        .general_names
        .iter()
        .filter_map(|name| match name {
            GeneralName::DNSName(dns) => Some(dns.to_ascii_lowercase()),
            GeneralName::IPAddress(bytes) => match bytes.len() {
                4 => Some(IpAddr::from(<[u8; 4]>::try_from(*bytes).ok()?).to_string()),
                16 => Some(IpAddr::from(<[u8; 16]>::try_from(*bytes).ok()?).to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// RFC 6125 §6.4: exact match, or a `*` as the whole leftmost label matching
/// exactly one label. IP addresses match only IP entries.
pub fn name_matches(expected: &str, sans: &[String]) -> bool {
    let expected = expected.trim_end_matches('.').to_ascii_lowercase();
    if let Ok(ip) = expected.parse::<IpAddr>() {
        return sans
            .iter()
            .any(|s| s.parse::<IpAddr>().is_ok_and(|a| a == ip));
    }
    sans.iter().any(|san| {
        if let Some(suffix) = san.strip_prefix("*.") {
            expected
                .split_once('.')
                .is_some_and(|(first, rest)| !first.is_empty() && rest == suffix)
        } else {
            *san == expected
        }
    })
}

/// True when the certificate has an Authority Information Access entry
/// naming its issuer's certificate (RFC 5280 §4.2.2.1, caIssuers).
fn names_issuer_certificate(cert: &X509Certificate<'_>) -> bool {
    cert.extensions()
        .iter()
        .any(|ext| match ext.parsed_extension() {
            ParsedExtension::AuthorityInfoAccess(aia) => aia
                .iter()
                .any(|d| d.access_method.to_id_string() == "1.3.6.1.5.5.7.48.2"),
            _ => false,
        })
}

/// Whether `issuer` issued `cert`: by name (RFC 5280 §6.1: the issuer
/// name is the subject), and by key identifier when both carry one (RFC
/// 5280 §4.2.1.1), so two CAs with the same name are told apart.
fn issued(issuer: &X509Certificate<'_>, cert: &X509Certificate<'_>) -> bool {
    if cert.issuer().as_raw() != issuer.subject().as_raw() {
        return false;
    }
    let authority = cert
        .extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::AuthorityKeyIdentifier(aki) => {
                aki.key_identifier.as_ref().map(|k| k.0)
            }
            _ => None,
        });
    let subject = issuer
        .extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(ski) => Some(ski.0),
            _ => None,
        });
    match (authority, subject) {
        (Some(a), Some(s)) => a == s,
        _ => true,
    }
}

fn chain_top_issuer(chain: &[CertificateDer<'static>]) -> Option<String> {
    let top = chain.last()?;
    let (_, cert) = X509Certificate::from_der(top.as_ref()).ok()?;
    Some(cert.issuer().to_string())
}

/// The signature algorithm, when it hashes with SHA-1 or MD5.
fn weak_hash(cert: &X509Certificate<'_>) -> Option<String> {
    let oid = cert.signature_algorithm.algorithm.to_id_string();
    matches!(
        oid.as_str(),
        "1.2.840.113549.1.1.5" | "1.2.840.113549.1.1.4" | "1.2.840.10045.4.1" | "1.2.840.10040.4.3"
    )
    .then(|| signature_name(&oid))
}

fn key_kind(cert: &X509Certificate<'_>) -> KeyKind {
    let spki = cert.public_key();
    let alg = spki.algorithm.algorithm.to_id_string();
    match (alg.as_str(), spki.parsed()) {
        ("1.3.101.112", _) => KeyKind::Ed25519,
        ("1.3.101.113", _) => KeyKind::Ed448,
        (_, Ok(PublicKey::RSA(rsa))) => KeyKind::Rsa {
            bits: u32::try_from(rsa.key_size()).unwrap_or(u32::MAX),
        },
        (_, Ok(PublicKey::EC(ec))) => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|oid| match oid.to_id_string().as_str() {
                    "1.2.840.10045.3.1.7" => "P-256".to_string(),
                    "1.3.132.0.34" => "P-384".to_string(),
                    "1.3.132.0.35" => "P-521".to_string(),
                    other => other.to_string(),
                });
            KeyKind::Ec {
                curve: curve.unwrap_or_else(|| ec.key_size().to_string()),
            }
        }
        (_, Ok(other)) => KeyKind::Other(format!("{alg} {}", other.key_size())),
        (_, Err(_)) => KeyKind::Other(alg),
    }
}

fn signature_name(oid: &str) -> String {
    match oid {
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10040.4.3" => "dsa-with-sha1",
        "1.2.840.113549.1.1.10" => "rsassaPss",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "1.3.101.112" => "Ed25519",
        other => other,
    }
    .to_string()
}

/// SHA-256 of the DER, upper-case hex pairs joined by colons (as openssl prints it).
fn fingerprint(der: &[u8]) -> String {
    let digest = hex::encode_upper(ring::digest::digest(&ring::digest::SHA256, der));
    let pairs: Vec<&str> = (0..digest.len())
        .step_by(2)
        .map(|i| &digest[i..i + 2])
        .collect();
    pairs.join(":")
}

/// webpki's errors in words.
fn words(e: &rustls::Error) -> String {
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                "certificate expired".into()
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                "certificate not valid yet".into()
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                "certificate not valid for this host name".into()
            }
            CertificateError::UnknownIssuer => "unknown issuer (no chain to a trusted CA)".into(),
            CertificateError::BadSignature => "bad signature in the chain".into(),
            other => super::certificate_words(other),
        },
        other => other.to_string(),
    }
}

/// `2026-11-24T08:00:00Z` from Unix seconds (proleptic Gregorian, UTC).
pub fn iso_date(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        assert_eq!(iso_date(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_date(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso_date(1_795_478_400 + 3661), "2026-11-24T01:01:01Z");
    }

    #[test]
    fn wildcards_match_one_label_only() {
        let sans = vec!["*.example.test".to_string(), "mail.other.test".to_string()];
        assert!(name_matches("mx.example.test", &sans));
        assert!(name_matches("MX.Example.test.", &sans));
        assert!(!name_matches("a.mx.example.test", &sans));
        assert!(!name_matches("example.test", &sans));
        assert!(name_matches("mail.other.test", &sans));
        assert!(!name_matches("127.0.0.1", &sans));
        assert!(name_matches("127.0.0.1", &["127.0.0.1".to_string()]));
    }

    #[test]
    fn problems_have_ids_and_words() {
        let p = CertProblem::NameMismatch {
            expected: "mx.a.test".into(),
            presented: vec!["other.test".into()],
        };
        assert_eq!(p.id(), "name_mismatch");
        assert_eq!(
            p.describe(),
            "name mismatch: expected mx.a.test, the certificate is for other.test"
        );
        assert_eq!(
            CertProblem::Expired {
                since: "x".into(),
                days_ago: 3
            }
            .describe(),
            "expired 3 days ago (x)"
        );
    }
}
