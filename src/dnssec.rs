//! DNSSEC status of an answer, from hickory's own validator (dnssec-ring),
//! and the trust anchors it starts from.
//!
//! The validating resolver is a twin of the plain one: every other lookup of
//! a run stays unvalidated, so a resolver that serves no DNSSEC records, or
//! cannot reach the root, changes nothing but this status ("indeterminate").

use hickory_resolver::net::{DnsError as HickoryDnsError, NetError};
use hickory_resolver::proto::dnssec::rdata::{DNSSECRData, DNSKEY, DS, RRSIG};
use hickory_resolver::proto::dnssec::{Proof, TrustAnchors, Verifier};
use hickory_resolver::proto::rr::{DNSClass, LowerName, Name, RData, Record, RecordType};
use hickory_resolver::proto::serialize::txt::{trust_anchor, Parser};
use serde::Serialize;

/// The four states of RFC 4035 §4.3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// A chain of signed DNSKEY and DS records leads from a trust anchor.
    Secure,
    /// Provably unsigned (no DS at a delegation).
    Insecure,
    /// Could not be decided: no DNSSEC records served, or no way to the anchor.
    Indeterminate,
    /// Signed, but the signatures or the chain do not validate.
    Bogus,
}

impl Security {
    pub fn word(self) -> &'static str {
        match self {
            Self::Secure => "secure",
            Self::Insecure => "insecure",
            Self::Indeterminate => "indeterminate",
            Self::Bogus => "bogus",
        }
    }

    fn from_proof(proof: Proof) -> Self {
        match proof {
            Proof::Secure => Self::Secure,
            Proof::Insecure => Self::Insecure,
            Proof::Bogus => Self::Bogus,
            Proof::Indeterminate => Self::Indeterminate,
        }
    }
}

/// The status of one answer, with the reason when it is not plain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Validation {
    pub status: Security,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Validation {
    pub fn new(status: Security, reason: Option<String>) -> Self {
        Self { status, reason }
    }

    /// Judges a validated answer: the weakest proof among its records.
    pub fn of_records<'a>(records: impl IntoIterator<Item = &'a Record>) -> Self {
        let proofs: Vec<Security> = records
            .into_iter()
            .filter(|r| !matches!(r.data, RData::DNSSEC(DNSSECRData::RRSIG(_))))
            .map(|r| Security::from_proof(r.proof))
            .collect();
        let status = if proofs.contains(&Security::Bogus) {
            Security::Bogus
        } else if proofs.is_empty() || proofs.contains(&Security::Indeterminate) {
            Security::Indeterminate
        } else if proofs.contains(&Security::Insecure) {
            Security::Insecure
        } else {
            Security::Secure
        };
        let reason = match status {
            Security::Indeterminate => Some(NO_CHAIN.to_string()),
            Security::Bogus => Some(BOGUS.to_string()),
            _ => None,
        };
        Self { status, reason }
    }

    /// Judges a failed validated lookup.
    pub fn of_error(e: &NetError) -> Self {
        match e {
            NetError::Dns(HickoryDnsError::DnssecBogus) => {
                Self::new(Security::Bogus, Some(BOGUS.to_string()))
            }
            NetError::Dns(HickoryDnsError::Nsec { proof, .. }) => {
                let status = Security::from_proof(*proof);
                let reason = match status {
                    Security::Bogus => Some("the denial of existence does not validate".into()),
                    Security::Indeterminate => Some(NO_CHAIN.to_string()),
                    _ => None,
                };
                Self::new(status, reason)
            }
            NetError::Dns(HickoryDnsError::NoRecordsFound(none)) => {
                // A validated denial: its SOA and NSEC records carry the proof.
                match &none.authorities {
                    Some(records) if !records.is_empty() => Self::of_records(records.iter()),
                    _ => Self::new(Security::Indeterminate, Some(NO_CHAIN.to_string())),
                }
            }
            other => Self::new(
                Security::Indeterminate,
                Some(format!("the validating lookup failed: {other}")),
            ),
        }
    }
}

const NO_CHAIN: &str =
    "no chain of signatures to a trust anchor could be built (the resolver serves no DNSSEC records, or the root is out of reach)";
const BOGUS: &str =
    "the signatures do not validate: expired, made with the wrong key, or a DS that matches no DNSKEY";

/// Trust anchors from a file in zone-file syntax, like a validating
/// resolver's trust-anchor file: DNSKEY records are anchors as they stand;
/// DS records (RFC 4034 §5) anchor whichever DNSKEY at their owner they match,
/// which is looked up when validation first needs it.
#[derive(Debug, Clone, Default)]
pub struct Anchors {
    pub keys: Vec<(Name, DNSKEY)>,
    pub digests: Vec<(Name, DS)>,
}

impl Anchors {
    pub fn parse(text: &str) -> Result<Self, String> {
        // hickory has a parser for each half (its trust-anchor parser reads
        // DNSKEY only, its zone parser refuses DNSKEY), so the lines are
        // sorted by type first; parenthesised records are joined.
        let (mut keys, mut digests) = (String::new(), String::from("$TTL 0\n"));
        for line in logical_lines(text).iter().map(|l| with_class(l)) {
            let mut words = line.split_whitespace().map(str::to_ascii_uppercase);
            if words.any(|w| w == "DS") {
                digests.push_str(&line);
                digests.push('\n');
            } else {
                keys.push_str(&line);
                keys.push('\n');
            }
        }
        let mut anchors = Self::default();
        for entry in trust_anchor::Parser::new(keys.as_str())
            .parse()
            .map_err(|e| format!("not a trust-anchor file: {e}"))?
        {
            if let trust_anchor::Entry::DNSKEY(record) = entry {
                anchors
                    .keys
                    .push((record.name().clone(), record.data().clone()));
            }
        }
        let (_, records) = Parser::new(digests.as_str(), None, Some(Name::root()))
            .parse()
            .map_err(|e| format!("not a trust-anchor file: {e}"))?;
        for set in records.values() {
            for record in set.records_without_rrsigs() {
                if let RData::DNSSEC(DNSSECRData::DS(ds)) = &record.data {
                    anchors.digests.push((record.name.clone(), ds.clone()));
                }
            }
        }
        if anchors.keys.is_empty() && anchors.digests.is_empty() {
            return Err("no DNSKEY or DS record in the trust-anchor file".into());
        }
        Ok(anchors)
    }

    /// The zones our anchors name, whose DNSKEY sets must be fetched.
    pub fn owners(&self) -> Vec<Name> {
        let mut owners: Vec<Name> = self
            .keys
            .iter()
            .map(|(n, _)| n.clone())
            .chain(self.digests.iter().map(|(n, _)| n.clone()))
            .filter(|n| !n.is_root())
            .collect();
        owners.sort();
        owners.dedup();
        owners
    }

    /// The root anchors plus ours. `fetched` holds the signed DNSKEY set of
    /// each anchored zone. A DS anchors the keys it digests (RFC 4034 §5.1.4);
    /// then, as a validating resolver does (RFC 4035 §5), a DNSKEY set signed
    /// by an anchored key anchors all its keys, so a zone split into KSK and
    /// ZSK validates without asking its parent. Returns the anchors and a
    /// complaint for each DS that matched no key.
    pub fn trust_anchors(
        &self,
        fetched: &[(Name, SignedKeys)],
        now: u32,
    ) -> (TrustAnchors, Vec<String>) {
        let mut anchors = TrustAnchors::default();
        let mut trusted: Vec<(Name, DNSKEY)> = self.keys.clone();
        let mut unmatched = Vec::new();
        for (owner, ds) in &self.digests {
            let keys = fetched
                .iter()
                .filter(|(n, _)| n == owner)
                .flat_map(|(_, set)| &set.keys);
            let matching: Vec<&DNSKEY> = keys
                .filter(|key| ds.covers(owner, key).unwrap_or(false))
                .collect();
            if matching.is_empty() {
                unmatched.push(format!(
                    "the trust anchor DS {} (key tag {}) matches no DNSKEY served for it",
                    owner,
                    ds.key_tag()
                ));
            }
            trusted.extend(matching.into_iter().map(|k| (owner.clone(), k.clone())));
        }
        for (owner, set) in fetched {
            let anchored: Vec<&DNSKEY> = trusted
                .iter()
                .filter(|(n, _)| n == owner)
                .map(|(_, k)| k)
                .collect();
            if set.signed_by_any(owner, &anchored, now) {
                trusted.extend(set.keys.iter().map(|k| (owner.clone(), k.clone())));
            }
        }
        for (name, key) in &trusted {
            if !key.revoke() {
                anchors.insert_with_name(key.public_key(), LowerName::new(name));
            }
        }
        (anchors, unmatched)
    }
}

/// A DNSKEY set as served, with its signatures (asked with the DO bit).
#[derive(Debug, Clone, Default)]
pub struct SignedKeys {
    pub keys: Vec<DNSKEY>,
    pub records: Vec<Record>,
    pub signatures: Vec<RRSIG>,
}

impl SignedKeys {
    pub fn from_records(records: Vec<Record>) -> Self {
        let mut set = Self::default();
        for record in records {
            match &record.data {
                RData::DNSSEC(DNSSECRData::DNSKEY(key)) => {
                    set.keys.push(key.clone());
                    set.records.push(record);
                }
                RData::DNSSEC(DNSSECRData::RRSIG(sig))
                    if sig.input().type_covered == RecordType::DNSKEY =>
                {
                    set.signatures.push(sig.clone())
                }
                _ => {}
            }
        }
        set
    }

    /// Whether one of `anchored` made a signature over the set that verifies
    /// and is in its validity period at `now` (RFC 4035 §5.3).
    fn signed_by_any(&self, owner: &Name, anchored: &[&DNSKEY], now: u32) -> bool {
        self.signatures.iter().any(|sig| {
            let input = sig.input();
            let current = input.sig_inception.get() <= now && now <= input.sig_expiration.get();
            current
                && anchored.iter().any(|key| {
                    key.calculate_key_tag().ok() == Some(input.key_tag)
                        && key.algorithm() == input.algorithm
                        && key
                            .verify_rrsig(owner, DNSClass::IN, sig, self.records.iter())
                            .is_ok()
                })
        })
    }
}

/// `name DS ...` as `name IN DS ...`: hickory's parsers want a TTL or a
/// class after the name, and tools (Knot's keymgr) print neither.
fn with_class(line: &str) -> String {
    let mut words = line.split_whitespace();
    match (words.next(), words.next()) {
        (Some(name), Some(rtype))
            if rtype.eq_ignore_ascii_case("DS") || rtype.eq_ignore_ascii_case("DNSKEY") =>
        {
            format!("{name} IN {rtype} {}", words.collect::<Vec<_>>().join(" "))
        }
        _ => line.to_string(),
    }
}

/// Records one per line: comments dropped, `( ... )` groups joined.
fn logical_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    let mut depth = 0i32;
    for raw in text.lines() {
        let line = raw.split(';').next().unwrap_or("");
        for c in line.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => current.push(c),
            }
        }
        current.push(' ');
        if depth <= 0 {
            if !current.trim().is_empty() {
                lines.push(current.trim().to_string());
            }
            current.clear();
            depth = 0;
        }
    }
    if !current.trim().is_empty() {
        lines.push(current.trim().to_string());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str =
        "example.test. 3600 IN DNSKEY 257 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=";
    const DS_LINE: &str = "example.test. IN DS 2371 15 2 9B4B5A4BD0F2D3C1E53ACB6C1E0B0A4B5C9B1D0E2F3A4B5C6D7E8F9A0B1C2D3E";

    #[test]
    fn anchors_read_dnskey_and_ds_lines() {
        let anchors =
            Anchors::parse(&format!("; lab anchors\n{KEY}\n{DS_LINE} ; a comment\n")).unwrap();
        assert_eq!(anchors.keys.len(), 1);
        assert_eq!(anchors.keys[0].0.to_ascii(), "example.test.");
        assert_eq!(anchors.digests.len(), 1);
        assert_eq!(anchors.digests[0].1.key_tag(), 2371);
        assert_eq!(anchors.owners().len(), 1);
    }

    #[test]
    fn lines_without_ttl_or_class_are_read() {
        // as Knot's `keymgr ZONE ds` and `keymgr ZONE dnskey` print them
        let text = "example.test. DS 2371 15 2 9B4B5A4BD0F2D3C1E53ACB6C1E0B0A4B5C9B1D0E2F3A4B5C6D7E8F9A0B1C2D3E\nexample.test. DNSKEY 257 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=\n";
        let anchors = Anchors::parse(text).unwrap();
        assert_eq!((anchors.keys.len(), anchors.digests.len()), (1, 1));
    }

    #[test]
    fn parenthesised_records_are_joined() {
        let text = "example.test. IN DS 2371 15 2 (\n 9B4B5A4BD0F2D3C1E53ACB6C1E0B0A4B\n 5C9B1D0E2F3A4B5C6D7E8F9A0B1C2D3E )\n";
        let anchors = Anchors::parse(text).unwrap();
        assert_eq!(anchors.digests[0].1.digest().len(), 32);
    }

    #[test]
    fn anchors_without_keys_are_refused() {
        assert!(Anchors::parse("; nothing\n").is_err());
        assert!(Anchors::parse("example.test. IN A 127.0.0.1\n").is_err());
        assert!(Anchors::parse("this is not a zone file {").is_err());
    }

    #[test]
    fn a_ds_that_matches_nothing_is_reported() {
        let anchors = Anchors::parse(DS_LINE).unwrap();
        let (_, unmatched) = anchors.trust_anchors(&[], 0);
        assert_eq!(unmatched.len(), 1);
        assert!(unmatched[0].contains("key tag 2371"), "{unmatched:?}");
    }

    #[test]
    fn the_weakest_proof_decides() {
        let mut a = Record::from_rdata(
            Name::from_ascii("a.test.").unwrap(),
            60,
            RData::A("127.0.0.1".parse().unwrap()),
        );
        a.proof = Proof::Secure;
        let mut b = a.clone();
        assert_eq!(Validation::of_records([&a, &b]).status, Security::Secure);
        b.proof = Proof::Insecure;
        assert_eq!(Validation::of_records([&a, &b]).status, Security::Insecure);
        b.proof = Proof::Indeterminate;
        assert_eq!(
            Validation::of_records([&a, &b]).status,
            Security::Indeterminate
        );
        b.proof = Proof::Bogus;
        assert_eq!(Validation::of_records([&a, &b]).status, Security::Bogus);
        assert_eq!(Validation::of_records([]).status, Security::Indeterminate);
    }
}
