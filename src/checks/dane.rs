//! `dns.dnssec` and `tls.dane`: whether the answers a sender relies on are
//! signed, and whether the certificates match the TLSA records (RFC 7672).

use super::finding::AnswerSecurity;
use super::{Check, CheckId, Detail, Status};
use crate::dane::{self, Outcome, Tlsa};
use crate::dns::DnsError;
use crate::dnssec::Security;
pub use crate::observe::dns::{Answer, TlsaAnswer};
use rustls::pki_types::{CertificateDer, UnixTime};
use serde_json::json;

/// `dns.dnssec`: bogus fails (validating resolvers answer SERVFAIL, so mail
/// stops); all secure passes; otherwise info, with the reason.
pub fn dnssec_check(answers: &[Answer]) -> Check {
    let worst = answers
        .iter()
        .map(|a| a.validation.status)
        .max()
        .unwrap_or(Security::Indeterminate);
    let listed: Vec<String> = answers
        .iter()
        .map(|a| format!("{} {} {}", a.rtype, a.name, a.validation.status.word()))
        .collect();
    let data: Vec<_> = answers
        .iter()
        .map(|a| json!({"name": a.name, "type": a.rtype, "status": a.validation.status, "reason": a.validation.reason}))
        .collect();
    let first_reason = answers
        .iter()
        .find(|a| a.validation.status == worst)
        .and_then(|a| a.validation.reason.clone());
    let check = match worst {
        Security::Secure => Check::new(CheckId::DnsDnssec,
            Status::Pass,
            format!("DNSSEC secure: {}", listed.join(", ")),
        ),
        Security::Bogus => Check::new(CheckId::DnsDnssec,
            Status::Fail,
            format!("DNSSEC bogus: {}", listed.join(", ")),
        )
        .advice(format!(
            "Validating resolvers (most large senders use one) answer SERVFAIL for bogus data, so mail stops ({}). Re-sign the zone or fix the DS at the parent.",
            first_reason.unwrap_or_else(|| "the signatures do not validate".into())
        )),
        Security::Indeterminate => Check::new(CheckId::DnsDnssec,
            Status::Info,
            format!("DNSSEC indeterminate: {}", first_reason.unwrap_or_default()),
        ),
        Security::Insecure => Check::new(CheckId::DnsDnssec,
            Status::Info,
            format!("not DNSSEC-signed (insecure): {}", listed.join(", ")),
        )
        .advice("Without DNSSEC, DANE cannot protect mail to this domain; MTA-STS still can."),
    };
    let typed = answers
        .iter()
        .map(|a| AnswerSecurity {
            name: a.name.clone(),
            rtype: a.rtype,
            security: a.validation.status,
        })
        .collect();
    check
        .with("answers", data)
        .with("status", worst.word())
        .detail(Detail::Dnssec {
            overall: worst,
            answers: typed,
        })
}

/// What the probe's TLS step left for DANE to match.
#[derive(Debug, Clone, Copy)]
pub enum Presented<'a> {
    /// No SMTP in this run (`policy`), or TLS was not part of it.
    NotProbed,
    /// The connection ended before TLS.
    Unreached,
    /// STARTTLS was not offered or was refused.
    NoStartTls,
    /// The handshake failed.
    HandshakeFailed(&'a str),
    /// The chain the server presented, leaf first.
    Chain(&'a [CertificateDer<'static>]),
}

/// `tls.dane` for one address (or one exchange, without SMTP).
/// `names` are the reference identifiers for DANE-TA: the MX host, then the
/// next-hop domain (RFC 7672 §3.2.2).
pub fn dane_check(tlsa: &TlsaAnswer, presented: Presented<'_>, names: &[&str]) -> Check {
    let records = match &tlsa.records {
        Ok(records) => records,
        Err(DnsError::NoRecords | DnsError::NxDomain) => {
            return match tlsa.validation.status {
                Security::Bogus => bogus(tlsa),
                _ => Check::new(
                    CheckId::TlsDane,
                    Status::Info,
                    format!("no TLSA records at {}: DANE does not apply", tlsa.name),
                ),
            }
            .with("tlsa_name", tlsa.name.as_str())
            .with("dnssec", tlsa.validation.status.word());
        }
        Err(e) => {
            return Check::new(CheckId::TlsDane,
                if tlsa.validation.status == Security::Secure {
                    Status::Warn
                } else {
                    Status::Info
                },
                format!("TLSA lookup at {} failed: {e}", tlsa.name),
            )
            .advice("A DANE sender that cannot tell whether TLSA records exist defers mail (RFC 7672 §2.2); make sure the authoritative servers answer TLSA queries.")
            .with("tlsa_name", tlsa.name.as_str())
            .with("dnssec", tlsa.validation.status.word());
        }
    };
    let shown: Vec<String> = records.iter().map(Tlsa::describe).collect();
    let check = match tlsa.validation.status {
        Security::Bogus => bogus(tlsa),
        Security::Insecure | Security::Indeterminate => Check::new(CheckId::TlsDane,
            Status::Info,
            format!(
                "TLSA {} published but not DNSSEC-secure ({}): senders ignore it",
                shown.join(", "),
                tlsa.validation.status.word()
            ),
        )
        .advice("DANE needs the TLSA records, and the MX and address answers, to validate as secure (RFC 7672 §2.2); sign the zone, or the records do nothing."),
        Security::Secure => matched(records, presented, names),
    };
    check
        .with("tlsa_name", tlsa.name.as_str())
        .with("dnssec", tlsa.validation.status.word())
        .with("records", serde_json::to_value(records).unwrap_or_default())
}

fn bogus(tlsa: &TlsaAnswer) -> Check {
    Check::new(CheckId::TlsDane,
        Status::Fail,
        format!(
            "the TLSA answer at {} is DNSSEC-bogus: DANE senders will defer mail",
            tlsa.name
        ),
    )
    .advice(format!(
        "DANE senders cannot trust the records ({}). Re-sign the zone or fix the DS record at the parent.",
        tlsa.validation
            .reason
            .clone()
            .unwrap_or_else(|| "the signatures do not validate".into())
    ))
}

/// Secure TLSA records against what the server presented.
fn matched(records: &[Tlsa], presented: Presented<'_>, names: &[&str]) -> Check {
    let defer = "DANE senders will defer mail";
    let check = match presented {
        Presented::NotProbed => Check::new(CheckId::TlsDane,
            Status::Info,
            format!(
                "TLSA {} (DNSSEC secure); not matched, no TLS handshake in this run",
                records.iter().map(Tlsa::describe).collect::<Vec<_>>().join(", ")
            ),
        ),
        Presented::Unreached => Check::new(CheckId::TlsDane,
            Status::Skip,
            "skipped: the conversation ended before TLS",
        ),
        Presented::NoStartTls => Check::new(CheckId::TlsDane,
            Status::Fail,
            format!("TLSA records are published but the server does not do STARTTLS: {defer}"),
        )
        .advice("RFC 7672 §2.2: with usable TLSA records a sender must use TLS; enable STARTTLS or withdraw the records."),
        Presented::HandshakeFailed(why) => Check::new(CheckId::TlsDane,
            Status::Fail,
            format!("TLSA records are published but the TLS handshake failed ({why}): {defer}"),
        ),
        Presented::Chain(chain) => match dane::authenticate(records, chain, names, UnixTime::now()) {
            Outcome::Match { record, depth } => Check::new(CheckId::TlsDane,
                Status::Pass,
                format!(
                    "TLSA {} ({}) matches the {}",
                    record.describe(),
                    record.usage_name(),
                    match depth {
                        0 => "server's certificate".to_string(),
                        d if d < chain.len() => format!("certificate at depth {d} of the chain"),
                        _ => "chain, anchored in the key the record holds (not sent by the server)"
                            .to_string(),
                    }
                ),
            )
            .with("matched", serde_json::to_value(&record).unwrap_or_default())
            .with("depth", depth as u64),
            Outcome::NoMatch(why) => Check::new(CheckId::TlsDane,
                Status::Fail,
                format!("no TLSA record matches: {why}: {defer}"),
            )
            .advice("Publish a TLSA record for the certificate the server presents now (e.g. 3 1 1 of its public key), keep it beside the old one until caches expire, then retire the old one (RFC 7671 §8.1)."),
            Outcome::NoneUsable => Check::new(CheckId::TlsDane,
                Status::Warn,
                "only PKIX-TA(0) / PKIX-EE(1) TLSA records: unusable for SMTP; DANE senders will use TLS without authenticating",
            )
            .advice("RFC 7672 §3.1.3: SMTP uses DANE-TA(2) and DANE-EE(3) only; publish 3 1 1 or 2 x x records instead."),
        },
    };
    match (check.status, dane::rollover_risk(records)) {
        (Status::Pass, Some(risk)) => {
            let mut warned = check.advice(risk);
            warned.status = Status::Warn;
            warned
                .summary
                .push_str("; a single record cannot survive a key rollover");
            warned
        }
        _ => check,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dnssec::Validation;

    fn secure() -> Validation {
        Validation::new(Security::Secure, None)
    }

    fn leaf() -> CertificateDer<'static> {
        let key = rcgen::KeyPair::generate().unwrap();
        let params = rcgen::CertificateParams::new(vec!["mx.example.test".into()]).unwrap();
        params.self_signed(&key).unwrap().der().clone()
    }

    fn record(cert: &CertificateDer<'_>) -> Tlsa {
        Tlsa {
            usage: 3,
            selector: 1,
            matching: 1,
            data: dane::association(cert, 1, 1).unwrap(),
        }
    }

    fn answer(records: Vec<Tlsa>, validation: Validation) -> TlsaAnswer {
        TlsaAnswer {
            name: "_25._tcp.mx.example.test".into(),
            records: Ok(records),
            validation,
        }
    }

    #[test]
    fn dnssec_status_is_the_worst_answer() {
        let a = |status| Answer {
            name: "example.test".into(),
            rtype: "MX",
            validation: Validation::new(status, None),
        };
        assert_eq!(dnssec_check(&[a(Security::Secure)]).status, Status::Pass);
        assert_eq!(
            dnssec_check(&[a(Security::Secure), a(Security::Bogus)]).status,
            Status::Fail
        );
        assert_eq!(
            dnssec_check(&[a(Security::Secure), a(Security::Insecure)]).status,
            Status::Info
        );
        let ind = dnssec_check(&[a(Security::Indeterminate)]);
        assert_eq!(ind.status, Status::Info);
        assert_eq!(ind.data["status"], "indeterminate");
    }

    #[test]
    fn a_match_with_a_single_record_warns_about_rollover() {
        let c = leaf();
        let chain = [c.clone()];
        let check = dane_check(
            &answer(vec![record(&c)], secure()),
            Presented::Chain(&chain),
            &[],
        );
        assert_eq!(check.status, Status::Warn, "{check:?}");
        assert!(check.advice.unwrap().contains("RFC 7671 §8.1"));
    }

    #[test]
    fn a_match_with_a_next_key_record_passes() {
        let c = leaf();
        let chain = [c.clone()];
        let next = record(&leaf());
        let check = dane_check(
            &answer(vec![record(&c), next], secure()),
            Presented::Chain(&chain),
            &[],
        );
        assert_eq!(check.status, Status::Pass, "{check:?}");
        assert_eq!(check.data["depth"], 0);
    }

    #[test]
    fn missing_starttls_or_a_mismatch_fails() {
        let c = leaf();
        let other = leaf();
        let chain = [other];
        let a = answer(vec![record(&c)], secure());
        assert_eq!(
            dane_check(&a, Presented::NoStartTls, &[]).status,
            Status::Fail
        );
        let miss = dane_check(&a, Presented::Chain(&chain), &[]);
        assert_eq!(miss.status, Status::Fail);
        assert!(miss.summary.contains("defer"), "{}", miss.summary);
    }

    #[test]
    fn unsigned_records_are_only_shown() {
        let c = leaf();
        let a = answer(vec![record(&c)], Validation::new(Security::Insecure, None));
        let check = dane_check(&a, Presented::NoStartTls, &[]);
        assert_eq!(check.status, Status::Info);
        assert!(check.summary.contains("not DNSSEC-secure"));
    }

    #[test]
    fn no_tlsa_is_info_and_bogus_tlsa_fails() {
        let none = TlsaAnswer {
            name: "_25._tcp.mx.example.test".into(),
            records: Err(DnsError::NoRecords),
            validation: secure(),
        };
        assert_eq!(
            dane_check(&none, Presented::NotProbed, &[]).status,
            Status::Info
        );
        let c = leaf();
        let bogus = answer(vec![record(&c)], Validation::new(Security::Bogus, None));
        assert_eq!(
            dane_check(&bogus, Presented::NotProbed, &[]).status,
            Status::Fail
        );
    }
}
