//! DANE for SMTP (RFC 7672, RFC 7671): TLSA records and whether the chain a
//! server presented matches them. Pure: records and certificates in, an
//! outcome out.

use ring::digest;
use rustls::client::danger::ServerCertVerifier;
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, ServerName, TrustAnchor, UnixTime};
use rustls::RootCertStore;
use serde::Serialize;
use std::sync::Arc;
use x509_parser::prelude::{FromDer, X509Certificate};

/// One TLSA record (RFC 6698 §2.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tlsa {
    pub usage: u8,
    pub selector: u8,
    pub matching: u8,
    #[serde(serialize_with = "hex")]
    pub data: Vec<u8>,
}

fn hex<S: serde::Serializer>(data: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&to_hex(data))
}

pub fn to_hex(data: &[u8]) -> String {
    ::hex::encode(data)
}

/// RFC 7218 acronyms.
const USAGES: [&str; 4] = ["PKIX-TA", "PKIX-EE", "DANE-TA", "DANE-EE"];

impl Tlsa {
    /// `3 1 1 a1b2…` as in a zone file, the data shortened.
    pub fn describe(&self) -> String {
        let data = to_hex(&self.data);
        let short = if data.len() > 16 {
            format!("{}…", &data[..16])
        } else {
            data
        };
        format!("{} {} {} {short}", self.usage, self.selector, self.matching)
    }

    /// RFC 7672 §3.1: only DANE-TA(2) and DANE-EE(3) are for SMTP; PKIX
    /// usages (0, 1) are unusable there, as are unknown selectors and
    /// matching types (RFC 6698 §4.1).
    pub fn usable(&self) -> bool {
        matches!(self.usage, 2 | 3) && self.selector <= 1 && self.matching <= 2
    }

    pub fn usage_name(&self) -> &'static str {
        USAGES
            .get(self.usage as usize)
            .copied()
            .unwrap_or("unknown")
    }

    /// Whether `cert` is the one this record names (selector, then matching type).
    pub fn matches(&self, cert: &CertificateDer<'_>) -> bool {
        association(cert, self.selector, self.matching).is_some_and(|a| a == self.data)
    }
}

/// The association data of `cert` for a selector and matching type
/// (RFC 6698 §2.1.2, §2.1.3): the whole certificate or its
/// SubjectPublicKeyInfo, as is or hashed with SHA-256 or SHA-512.
pub fn association(cert: &CertificateDer<'_>, selector: u8, matching: u8) -> Option<Vec<u8>> {
    let selected: Vec<u8> = match selector {
        0 => cert.as_ref().to_vec(),
        1 => {
            let (_, parsed) = X509Certificate::from_der(cert.as_ref()).ok()?;
            parsed.tbs_certificate.subject_pki.raw.to_vec()
        }
        _ => return None,
    };
    match matching {
        0 => Some(selected),
        1 => Some(digest::digest(&digest::SHA256, &selected).as_ref().to_vec()),
        2 => Some(digest::digest(&digest::SHA512, &selected).as_ref().to_vec()),
        _ => None,
    }
}

/// How the presented chain fares against the TLSA records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A usable record authenticates the server.
    Match {
        record: Tlsa,
        /// 0 = the leaf; more = the chain element used as trust anchor.
        depth: usize,
    },
    /// No usable record matches (with the reason for the closest miss).
    NoMatch(String),
    /// Every record is unusable for SMTP: senders must use TLS but will not
    /// authenticate (RFC 7672 §2.2).
    NoneUsable,
}

/// Authenticates `chain` (leaf first) with `records` (RFC 7672 §3).
///
/// DANE-EE(3) matches the leaf only, with no name or date check (§3.1.1).
/// DANE-TA(2) matches a certificate above the leaf, which then anchors an
/// ordinary chain validation, dates included, where the leaf must carry one of
/// `names`: the TLSA base domain (the MX host) or the next-hop domain (§3.2.2).
pub fn authenticate(
    records: &[Tlsa],
    chain: &[CertificateDer<'static>],
    names: &[&str],
    now: UnixTime,
) -> Outcome {
    let usable: Vec<&Tlsa> = records.iter().filter(|r| r.usable()).collect();
    if usable.is_empty() {
        return Outcome::NoneUsable;
    }
    let Some(leaf) = chain.first() else {
        return Outcome::NoMatch("the server presented no certificate".into());
    };
    if let Some(record) = usable.iter().find(|r| r.usage == 3 && r.matches(leaf)) {
        return Outcome::Match {
            record: (*record).clone(),
            depth: 0,
        };
    }
    let mut miss = "no DANE-EE record matches the server's certificate".to_string();
    for record in usable.iter().filter(|r| r.usage == 2) {
        for (depth, anchor) in chain.iter().enumerate().skip(1) {
            if !record.matches(anchor) {
                continue;
            }
            match verify_under(anchor, &chain[..depth], names, now) {
                Ok(()) => {
                    return Outcome::Match {
                        record: (*record).clone(),
                        depth,
                    }
                }
                Err(e) => {
                    miss = format!(
                        "the DANE-TA record matches chain element {depth}, but the chain does not validate under it: {e}"
                    )
                }
            }
        }
    }
    // RFC 7671 §5.2.2: a DANE-TA record that holds the whole trust anchor
    // (matching type 0) works even when the server leaves the anchor out.
    for record in usable.iter().filter(|r| r.usage == 2 && r.matching == 0) {
        let Some(roots) = anchor_from_record(record, chain) else {
            continue;
        };
        match verify_with(roots, chain, names, now) {
            Ok(()) => {
                return Outcome::Match {
                    record: (*record).clone(),
                    depth: chain.len(),
                }
            }
            Err(e) => {
                miss = format!(
                "the chain does not validate under the trust anchor the DANE-TA record holds: {e}"
            )
            }
        }
    }
    if usable.iter().all(|r| r.usage == 2) && !miss.starts_with("the") {
        miss = "no DANE-TA record matches a certificate in the presented chain".into();
    }
    Outcome::NoMatch(miss)
}

/// The trust anchor a `2 0 0` (a whole certificate) or `2 1 0` (a whole
/// public key) record carries. A bare key gets, as its name, the issuer of
/// the top of the presented chain: that is whom the chain says signed it.
fn anchor_from_record(record: &Tlsa, chain: &[CertificateDer<'static>]) -> Option<RootCertStore> {
    let mut roots = RootCertStore::empty();
    match record.selector {
        0 => roots.add(CertificateDer::from(record.data.clone())).ok()?,
        1 => {
            let top = chain.last()?;
            let (_, parsed) = X509Certificate::from_der(top.as_ref()).ok()?;
            let subject = der_contents(parsed.tbs_certificate.issuer.as_raw())?;
            let spki = der_contents(&record.data)?;
            roots.roots.push(TrustAnchor {
                subject: subject.to_vec().into(),
                subject_public_key_info: spki.to_vec().into(),
                name_constraints: None,
            });
        }
        _ => return None,
    }
    Some(roots)
}

/// The contents of a DER SEQUENCE, without its tag and length (parsed by
/// asn1-rs, x509-parser's own DER reader): the form webpki keeps trust
/// anchor names and keys in.
fn der_contents(der: &[u8]) -> Option<&[u8]> {
    use x509_parser::asn1_rs::{Any, FromDer, Tag};
    let (rest, any) = Any::from_der(der).ok()?;
    (rest.is_empty() && any.tag() == Tag::Sequence).then_some(any.data)
}

/// Validates `below` (leaf first) with `anchor` as the only trust anchor,
/// for any one of `names`.
fn verify_under(
    anchor: &CertificateDer<'static>,
    below: &[CertificateDer<'static>],
    names: &[&str],
    now: UnixTime,
) -> Result<(), String> {
    let mut roots = RootCertStore::empty();
    roots.add(anchor.clone()).map_err(|e| e.to_string())?;
    verify_with(roots, below, names, now)
}

/// Validates `below` (leaf first) under `roots`, for any one of `names`.
fn verify_with(
    roots: RootCertStore,
    below: &[CertificateDer<'static>],
    names: &[&str],
    now: UnixTime,
) -> Result<(), String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
        .build()
        .map_err(|e| e.to_string())?;
    let (leaf, intermediates) = below.split_first().ok_or("no leaf")?;
    let mut last = "no reference name to check".to_string();
    for name in names {
        let Ok(server_name) = ServerName::try_from(name.to_string()) else {
            continue;
        };
        match verifier.verify_server_cert(leaf, intermediates, &server_name, &[], now) {
            Ok(_) => return Ok(()),
            Err(e) => last = e.to_string(),
        }
    }
    Err(last)
}

/// RFC 7671 §8.1: a lone DANE-EE record ties the domain to one key; the
/// next certificate breaks delivery unless its record is published first.
/// Returns the advice when the set cannot survive a rollover.
pub fn rollover_risk(records: &[Tlsa]) -> Option<String> {
    let usable: Vec<&Tlsa> = records.iter().filter(|r| r.usable()).collect();
    match usable.as_slice() {
        [only] if only.usage == 3 => Some(format!(
            "a single {} record and nothing else: the next key or certificate breaks DANE delivery unless its record is published first; publish the next key's record beside it (\"current + next\"), or add a 2 x x record for the issuing CA (RFC 7671 §8.1)",
            only.describe().split(' ').take(3).collect::<Vec<_>>().join(" ")
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert(name: &str) -> CertificateDer<'static> {
        let key = rcgen::KeyPair::generate().unwrap();
        let params = rcgen::CertificateParams::new(vec![name.to_string()]).unwrap();
        params.self_signed(&key).unwrap().der().clone()
    }

    #[test]
    fn association_follows_selector_and_matching_type() {
        let c = cert("mx.example.test");
        let full = association(&c, 0, 0).unwrap();
        assert_eq!(full, c.as_ref());
        let spki = association(&c, 1, 0).unwrap();
        assert!(spki.len() < full.len() && spki[0] == 0x30);
        assert_eq!(association(&c, 1, 1).unwrap().len(), 32);
        assert_eq!(association(&c, 0, 2).unwrap().len(), 64);
        assert!(association(&c, 2, 1).is_none());
        assert!(association(&c, 1, 3).is_none());
    }

    #[test]
    fn dane_ee_matches_the_leaf_only() {
        let leaf = cert("mx.example.test");
        let other = cert("other.example.test");
        let rec = |c: &CertificateDer<'_>| Tlsa {
            usage: 3,
            selector: 1,
            matching: 1,
            data: association(c, 1, 1).unwrap(),
        };
        let chain = vec![leaf.clone()];
        let outcome = authenticate(&[rec(&leaf)], &chain, &["x"], UnixTime::now());
        assert!(
            matches!(outcome, Outcome::Match { depth: 0, .. }),
            "{outcome:?}"
        );
        let outcome = authenticate(&[rec(&other)], &chain, &["x"], UnixTime::now());
        assert!(matches!(outcome, Outcome::NoMatch(_)), "{outcome:?}");
    }

    #[test]
    fn der_contents_strips_the_outer_sequence() {
        assert_eq!(
            der_contents(&[0x30, 0x02, 0x05, 0x00]),
            Some(&[0x05, 0x00][..])
        );
        let long: Vec<u8> = [0x30, 0x81, 0x80].into_iter().chain([7u8; 128]).collect();
        assert_eq!(der_contents(&long).map(<[u8]>::len), Some(128));
        assert_eq!(der_contents(&[0x31, 0x00]), None);
        assert_eq!(der_contents(&[0x30, 0x05, 0x00]), None);
    }

    #[test]
    fn pkix_usages_are_unusable_for_smtp() {
        let leaf = cert("mx.example.test");
        let records: Vec<Tlsa> = [0u8, 1]
            .iter()
            .map(|&usage| Tlsa {
                usage,
                selector: 1,
                matching: 1,
                data: association(&leaf, 1, 1).unwrap(),
            })
            .collect();
        let outcome = authenticate(&records, &[leaf], &["x"], UnixTime::now());
        assert_eq!(outcome, Outcome::NoneUsable);
    }

    #[test]
    fn a_lone_dane_ee_record_is_a_rollover_risk() {
        let one = Tlsa {
            usage: 3,
            selector: 1,
            matching: 1,
            data: vec![1; 32],
        };
        assert!(rollover_risk(std::slice::from_ref(&one))
            .unwrap()
            .contains("single 3 1 1"));
        let next = Tlsa {
            data: vec![2; 32],
            ..one.clone()
        };
        assert!(rollover_risk(&[one.clone(), next]).is_none());
        let ta = Tlsa {
            usage: 2,
            selector: 0,
            matching: 1,
            data: vec![3; 32],
        };
        assert!(rollover_risk(&[one, ta]).is_none());
    }
}
