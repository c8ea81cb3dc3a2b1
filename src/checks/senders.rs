//! What each kind of sender will do with mail for the domain right now,
//! worked out from the checks: an opportunistic sender (most MTAs), one
//! that enforces DANE (RFC 7672: Postfix, Exim, Microsoft), one that enforces
//! MTA-STS (RFC 8461: Gmail, Microsoft). Each walks the MX hosts in
//! preference order (RFC 5321 §5.1) and skips the ones its policy forbids.

use super::{Check, CheckId, Status};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Deliver,
    Defer,
    Bounce,
    /// This run did not go far enough to tell (no SMTP, `--quit-after`).
    Unknown,
}

impl Action {
    pub fn word(self) -> &'static str {
        match self {
            Self::Deliver => "deliver",
            Self::Defer => "defer",
            Self::Bounce => "bounce",
            Self::Unknown => "unknown",
        }
    }
}

/// One kind of sender and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sender {
    /// `opportunistic`, `dane`, `mta_sts`.
    pub kind: &'static str,
    pub action: Action,
    /// The MX the mail goes to (deliver), or the one that refuses it (bounce).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    pub reason: String,
}

impl Sender {
    pub fn label(&self) -> &'static str {
        match self.kind {
            "opportunistic" => "Opportunistic sender (most MTAs)",
            "dane" => "DANE-enforcing sender (Postfix, Exim, Microsoft)",
            _ => "MTA-STS-enforcing sender (Gmail, Microsoft)",
        }
    }
}

/// How one MX host answered the probe.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Answer {
    Accepted,
    /// A 5xx: final (RFC 5321 §4.2.1), the sender stops here.
    Refused(String),
    /// Unreachable, or a 4xx or broken step: the sender tries the next MX.
    Failed(String),
    /// The run did not get that far.
    NotProbed,
}

impl Answer {
    /// Which of two addresses' answers a sender ends with: any acceptance
    /// wins, then a refusal, then a failure.
    fn rank(&self) -> u8 {
        match self {
            Self::Accepted => 3,
            Self::Refused(_) => 2,
            Self::Failed(_) => 1,
            Self::NotProbed => 0,
        }
    }
}

/// The outcomes for the three kinds, from `checks` and the MX hosts in
/// preference order.
pub fn simulate(checks: &[Check], hosts: &[String]) -> Vec<Sender> {
    if let Some(early) = before_smtp(checks) {
        return ["opportunistic", "dane", "mta_sts"]
            .into_iter()
            .map(|kind| Sender {
                kind,
                ..early.clone()
            })
            .collect();
    }
    // RFC 7672 §2.2: DANE applies when the MX answer is secure; then each
    // host on its own (a host in an unsigned zone gets plain TLS).
    let dnssec = checks.iter().find(|c| c.id == CheckId::DnsDnssec);
    let dane_applies = dnssec.map(|c| match answer_status(c, "MX", None) {
        Some(status) => status,
        // --server or `policy` without an MX answer: the weakest status
        None => c.data.get("status").and_then(|s| s.as_str()).unwrap_or(""),
    });
    let sts = checks.iter().find(|c| c.id == CheckId::PolicyMtaSts);
    let sts_mode = sts
        .and_then(|c| c.data.get("mode"))
        .and_then(|m| m.as_str());
    let opportunistic = walk("opportunistic", checks, hosts, |_| None);
    // A sender whose policy does not apply acts like an opportunistic one.
    let unenforced = |kind, why: String| Sender {
        kind,
        reason: format!("{} ({why})", opportunistic.reason),
        ..opportunistic.clone()
    };
    let dane = match dane_applies {
        Some("bogus") => Sender {
            kind: "dane",
            action: Action::Defer,
            via: None,
            reason:
                "the DNS answers are DNSSEC-bogus: a validating sender gets SERVFAIL and retries"
                    .into(),
        },
        Some("secure") => walk("dane", checks, hosts, |host| dane_block(checks, host)),
        _ => unenforced(
            "dane",
            "DANE does not apply: the MX answer is not DNSSEC-secure".into(),
        ),
    };
    let mta_sts = match (sts, sts_mode) {
        (Some(sts), Some("enforce")) => walk("mta_sts", checks, hosts, |host| sts_block(sts, host)),
        (_, Some(mode)) => unenforced("mta_sts", format!("MTA-STS mode {mode} is not enforced")),
        _ => unenforced("mta_sts", "no usable MTA-STS policy".into()),
    };
    vec![opportunistic, dane, mta_sts]
}

/// The MX lookup already decides for everyone: null MX or no domain bounces,
/// a DNS failure defers.
fn before_smtp(checks: &[Check]) -> Option<Sender> {
    let mx = checks.iter().find(|c| c.id == CheckId::DnsMx)?;
    if mx.status != Status::Fail {
        return None;
    }
    // RFC 7505 null MX, no such domain, or no MX and no address: final.
    let field = |key: &str| mx.data.get(key).and_then(|v| v.as_str()).unwrap_or("");
    let permanent =
        field("source") == "null" || matches!(field("dns_error"), "nxdomain" | "nodata");
    Some(Sender {
        kind: "",
        action: if permanent {
            Action::Bounce
        } else {
            Action::Defer
        },
        via: None,
        reason: mx.summary.clone(),
    })
}

/// Walks the MX hosts in order; `block` names why a host may not be used.
fn walk(
    kind: &'static str,
    checks: &[Check],
    hosts: &[String],
    block: impl Fn(&str) -> Option<String>,
) -> Sender {
    let mut skipped = Vec::new();
    let mut unknown = false;
    for host in hosts {
        if let Some(why) = block(host) {
            skipped.push(format!("{host}: {why}"));
            continue;
        }
        match answer(checks, host) {
            Answer::Accepted => {
                let mut reason = format!("{host} accepts the recipient");
                if !skipped.is_empty() {
                    reason.push_str(&format!(" (after skipping {})", skipped.join("; ")));
                }
                return Sender {
                    kind,
                    action: Action::Deliver,
                    via: Some(host.clone()),
                    reason,
                };
            }
            // RFC 5321 §4.2.1: a 5xx is final, the sender stops here.
            Answer::Refused(why) => {
                return Sender {
                    kind,
                    action: Action::Bounce,
                    via: Some(host.clone()),
                    reason: format!("{host} refuses permanently: {why}"),
                }
            }
            Answer::Failed(why) => skipped.push(format!("{host}: {why}")),
            Answer::NotProbed => unknown = true,
        }
    }
    if unknown {
        return Sender {
            kind,
            action: Action::Unknown,
            via: None,
            reason: if skipped.is_empty() {
                "this run did not reach RCPT, so delivery was not tested".into()
            } else {
                format!(
                    "delivery was not tested; it may not use {}",
                    skipped.join("; ")
                )
            },
        };
    }
    Sender {
        kind,
        action: Action::Defer,
        via: None,
        reason: if skipped.is_empty() {
            "no MX host to try".into()
        } else {
            format!("every MX fails: {}", skipped.join("; "))
        },
    }
}

/// The best answer among the host's addresses (a sender tries each).
fn answer(checks: &[Check], host: &str) -> Answer {
    let mine: Vec<&Check> = checks
        .iter()
        .filter(|c| c.host.as_deref() == Some(host) && c.address.is_some())
        .collect();
    let addresses: std::collections::BTreeSet<_> = mine.iter().filter_map(|c| c.address).collect();
    addresses
        .into_iter()
        .map(|address| {
            let at: Vec<&Check> = mine
                .iter()
                .copied()
                .filter(|c| c.address == Some(address))
                .collect();
            address_answer(&at)
        })
        .max_by_key(Answer::rank)
        .unwrap_or(Answer::NotProbed)
}

fn address_answer(checks: &[&Check]) -> Answer {
    let rcpt = checks.iter().find(|c| c.id == CheckId::SmtpRcpt);
    if let Some(rcpt) = rcpt {
        match rcpt.status {
            Status::Pass | Status::Warn | Status::Info => return Answer::Accepted,
            Status::Fail => {
                let code = rcpt.data.get("code").and_then(|c| c.as_u64()).unwrap_or(0);
                return if (500..600).contains(&code) {
                    Answer::Refused(rcpt.summary.clone())
                } else {
                    Answer::Failed(rcpt.summary.clone())
                };
            }
            Status::Skip => {}
        }
    }
    // The first step that failed on the way, if any.
    let on_path = [
        CheckId::TcpConnect,
        CheckId::SmtpBanner,
        CheckId::SmtpEhlo,
        CheckId::SmtpMail,
    ];
    if let Some(failed) = checks
        .iter()
        .find(|c| on_path.contains(&c.id) && c.status == Status::Fail)
    {
        let code = failed
            .data
            .get("code")
            .and_then(|c| c.as_u64())
            .unwrap_or(0);
        return if failed.id == CheckId::SmtpMail && (500..600).contains(&code) {
            Answer::Refused(failed.summary.clone())
        } else {
            Answer::Failed(failed.summary.clone())
        };
    }
    Answer::NotProbed
}

/// A DANE sender may not use a host whose TLSA records fail (RFC 7672 §2.2).
/// A DANE sender may not use a host whose TLSA records fail (RFC 7672 §2.2),
/// nor one whose address answer is bogus (its validating resolver fails).
fn dane_block(checks: &[Check], host: &str) -> Option<String> {
    let bogus_address = checks
        .iter()
        .find(|c| c.id == CheckId::DnsDnssec)
        .is_some_and(|c| {
            ["A", "AAAA"]
                .iter()
                .any(|t| answer_status(c, t, Some(host)) == Some("bogus"))
        });
    if bogus_address {
        return Some("DANE: its address answer is DNSSEC-bogus".into());
    }
    checks
        .iter()
        .find(|c| {
            c.id == CheckId::TlsDane && c.host.as_deref() == Some(host) && c.status == Status::Fail
        })
        .map(|c| format!("DANE: {}", c.summary))
}

/// The status of one answer listed in `dns.dnssec` (`data.answers`).
fn answer_status<'a>(dnssec: &'a Check, rtype: &str, name: Option<&str>) -> Option<&'a str> {
    dnssec
        .data
        .get("answers")?
        .as_array()?
        .iter()
        .find(|a| a["type"] == rtype && name.is_none_or(|n| a["name"] == n))
        .and_then(|a| a["status"].as_str())
}

/// An MTA-STS sender in enforce mode may not use a host the policy does not
/// list, or one whose certificate does not verify (RFC 8461 §4).
fn sts_block(sts: &Check, host: &str) -> Option<String> {
    let listed = |key: &str| {
        sts.data
            .get(key)
            .and_then(|v| v.as_array())
            .is_some_and(|a| a.iter().any(|h| h.as_str() == Some(host)))
    };
    if listed("uncovered_mx") {
        Some("MTA-STS: no mx pattern of the policy matches it".into())
    } else if listed("certificate_failures") {
        Some("MTA-STS: its TLS does not verify (certificate or STARTTLS)".into())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Check;

    fn at(c: Check, host: &str, ip: &str) -> Check {
        let mut c = c.host(host);
        c.address = Some(ip.parse().unwrap());
        c
    }

    fn rcpt(host: &str, ip: &str, status: Status, code: u64) -> Check {
        at(
            Check::new(CheckId::SmtpRcpt, status, "RCPT").with("code", code),
            host,
            ip,
        )
    }

    fn dnssec(status: &str) -> Check {
        Check::new(CheckId::DnsDnssec, Status::Info, "").with("status", status)
    }

    fn answer(name: &str, rtype: &str, status: &str) -> serde_json::Value {
        serde_json::json!({"name": name, "type": rtype, "status": status})
    }

    fn hosts() -> Vec<String> {
        vec!["mx1.test".into(), "mx2.test".into()]
    }

    fn kind<'a>(out: &'a [Sender], kind: &str) -> &'a Sender {
        out.iter().find(|s| s.kind == kind).unwrap()
    }

    #[test]
    fn everyone_delivers_to_the_first_accepting_mx() {
        let checks = vec![
            dnssec("insecure"),
            rcpt("mx1.test", "127.0.0.1", Status::Pass, 250),
        ];
        let out = simulate(&checks, &hosts());
        assert!(out.iter().all(|s| s.action == Action::Deliver), "{out:?}");
        assert_eq!(kind(&out, "opportunistic").via.as_deref(), Some("mx1.test"));
        assert!(kind(&out, "dane").reason.contains("DANE does not apply"));
    }

    #[test]
    fn a_dane_mismatch_moves_dane_senders_to_the_next_mx() {
        let checks = vec![
            dnssec("secure"),
            rcpt("mx1.test", "127.0.0.1", Status::Pass, 250),
            at(
                Check::new(CheckId::TlsDane, Status::Fail, "no TLSA record matches"),
                "mx1.test",
                "127.0.0.1",
            ),
            rcpt("mx2.test", "127.0.0.2", Status::Pass, 250),
        ];
        let out = simulate(&checks, &hosts());
        assert_eq!(kind(&out, "opportunistic").via.as_deref(), Some("mx1.test"));
        let dane = kind(&out, "dane");
        assert_eq!(
            (dane.action, dane.via.as_deref()),
            (Action::Deliver, Some("mx2.test"))
        );
        assert!(dane.reason.contains("skipping mx1.test"), "{}", dane.reason);
    }

    #[test]
    fn dane_senders_defer_when_every_mx_fails_dane() {
        let checks = vec![
            dnssec("secure"),
            rcpt("mx1.test", "127.0.0.1", Status::Pass, 250),
            at(
                Check::new(CheckId::TlsDane, Status::Fail, "no match"),
                "mx1.test",
                "127.0.0.1",
            ),
        ];
        let out = simulate(&checks, &["mx1.test".to_string()]);
        assert_eq!(kind(&out, "dane").action, Action::Defer);
        assert_eq!(kind(&out, "opportunistic").action, Action::Deliver);
        let bogus = simulate(
            &[
                dnssec("bogus"),
                rcpt("mx1.test", "127.0.0.1", Status::Pass, 250),
            ],
            &hosts(),
        );
        assert_eq!(kind(&bogus, "dane").action, Action::Defer);
    }

    #[test]
    fn dane_goes_by_the_mx_answer_then_host_by_host() {
        // MX secure, mx1's address bogus, mx2 in an unsigned zone: DANE applies,
        // mx1 is skipped, mx2 gets mail (plain TLS, no TLSA to check).
        let dnssec = Check::new(CheckId::DnsDnssec, Status::Fail, "")
            .with("status", "bogus")
            .with(
                "answers",
                vec![
                    answer("d.test", "MX", "secure"),
                    answer("mx1.test", "A", "bogus"),
                    answer("mx2.test", "A", "insecure"),
                ],
            );
        let checks = vec![
            dnssec,
            rcpt("mx1.test", "127.0.0.1", Status::Pass, 250),
            rcpt("mx2.test", "127.0.0.2", Status::Pass, 250),
        ];
        let out = simulate(&checks, &hosts());
        let dane = kind(&out, "dane");
        assert_eq!(
            (dane.action, dane.via.as_deref()),
            (Action::Deliver, Some("mx2.test")),
            "{dane:?}"
        );
        assert!(
            dane.reason.contains("address answer is DNSSEC-bogus"),
            "{}",
            dane.reason
        );
        // the MX answer itself bogus: everything defers
        let bogus_mx = Check::new(CheckId::DnsDnssec, Status::Fail, "")
            .with("status", "bogus")
            .with("answers", vec![answer("d.test", "MX", "bogus")]);
        let out = simulate(
            &[bogus_mx, rcpt("mx1.test", "127.0.0.1", Status::Pass, 250)],
            &hosts(),
        );
        assert_eq!(kind(&out, "dane").action, Action::Defer);
    }

    #[test]
    fn mta_sts_enforce_skips_uncovered_hosts() {
        let sts = Check::new(CheckId::PolicyMtaSts, Status::Fail, "")
            .with("mode", "enforce")
            .with("uncovered_mx", vec!["mx1.test"])
            .with("certificate_failures", Vec::<String>::new());
        let checks = vec![
            sts.clone(),
            rcpt("mx1.test", "127.0.0.1", Status::Pass, 250),
        ];
        let out = simulate(&checks, &["mx1.test".to_string()]);
        assert_eq!(kind(&out, "mta_sts").action, Action::Defer);
        assert!(kind(&out, "mta_sts").reason.contains("no mx pattern"));
        let testing = sts.with("mode", "testing");
        let out = simulate(
            &[testing, rcpt("mx1.test", "127.0.0.1", Status::Pass, 250)],
            &["mx1.test".to_string()],
        );
        assert_eq!(kind(&out, "mta_sts").action, Action::Deliver);
        assert!(kind(&out, "mta_sts")
            .reason
            .contains("testing is not enforced"));
    }

    #[test]
    fn a_permanent_refusal_bounces_and_a_temporary_one_defers() {
        let out = simulate(
            &[rcpt("mx1.test", "127.0.0.1", Status::Fail, 550)],
            &hosts(),
        );
        assert_eq!(kind(&out, "opportunistic").action, Action::Bounce);
        let out = simulate(
            &[
                rcpt("mx1.test", "127.0.0.1", Status::Fail, 451),
                at(
                    Check::new(CheckId::TcpConnect, Status::Fail, "refused"),
                    "mx2.test",
                    "127.0.0.2",
                ),
            ],
            &hosts(),
        );
        assert_eq!(kind(&out, "opportunistic").action, Action::Defer);
        let null = Check::new(CheckId::DnsMx, Status::Fail, "null MX").with("source", "null");
        assert_eq!(simulate(&[null], &hosts())[2].action, Action::Bounce);
    }

    #[test]
    fn without_smtp_the_outcome_is_unknown() {
        let out = simulate(&[dnssec("secure")], &hosts());
        assert!(out.iter().all(|s| s.action == Action::Unknown), "{out:?}");
    }
}
