//! What each kind of sender will do with mail for the domain right now,
//! worked out from the findings: an opportunistic sender (most MTAs), one
//! that enforces DANE (RFC 7672: Postfix, Exim, Microsoft), one that enforces
//! MTA-STS (RFC 8461: Gmail, Microsoft). Each walks the MX hosts in
//! preference order (RFC 5321 §5.1) and skips the ones its policy forbids.
//! It reads only the typed parts of findings (`id`, `status`, `detail`).

use super::finding::{AnswerSecurity, MxKind, StsMode};
use super::{Check, CheckId, Detail, Status};
use crate::dnssec::Security;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Deliver,
    /// Greylisted: the first attempt is deferred, and the sender's retry
    /// (typically within minutes) delivers.
    DeliverLater,
    Defer,
    Bounce,
    /// This run did not go far enough to tell (no SMTP, `--quit-after`).
    Unknown,
}

impl Action {
    pub fn word(self) -> &'static str {
        match self {
            Self::Deliver => "deliver",
            Self::DeliverLater => "deliver after a retry",
            Self::Defer => "defer",
            Self::Bounce => "bounce",
            Self::Unknown => "unknown",
        }
    }
}

/// The kinds of sender the simulation speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SenderKind {
    Opportunistic,
    Dane,
    MtaSts,
}

impl SenderKind {
    pub const ALL: [SenderKind; 3] = [Self::Opportunistic, Self::Dane, Self::MtaSts];

    pub fn label(self) -> &'static str {
        match self {
            Self::Opportunistic => "Opportunistic sender (most MTAs)",
            Self::Dane => "DANE-enforcing sender (Postfix, Exim, Microsoft)",
            Self::MtaSts => "MTA-STS-enforcing sender (Gmail, Microsoft)",
        }
    }

    /// Who, in a sentence ("DANE-enforcing senders").
    pub fn plural(self) -> &'static str {
        match self {
            Self::Opportunistic => "ordinary senders",
            Self::Dane => "DANE-enforcing senders",
            Self::MtaSts => "MTA-STS-enforcing senders",
        }
    }
}

impl PartialEq<&str> for SenderKind {
    fn eq(&self, other: &&str) -> bool {
        serde_json::to_value(self).is_ok_and(|v| v == *other)
    }
}

/// One kind of sender and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sender {
    pub kind: SenderKind,
    pub action: Action,
    /// The MX the mail goes to (deliver), or the one that refuses or
    /// greylists it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    pub reason: String,
}

impl Sender {
    pub fn label(&self) -> &'static str {
        self.kind.label()
    }
}

/// How one MX host answered the probe.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Answer {
    Accepted,
    /// A 5xx: final (RFC 5321 §4.2.1), the sender stops here.
    Refused(String),
    /// A greylisting 4xx: the sender retries this host later and gets through.
    Greylisted(String),
    /// Unreachable, or another 4xx or broken step: the sender tries the next
    /// MX, and retries later (RFC 5321 §4.5.4.1).
    Failed(String),
    /// The run did not get that far.
    NotProbed,
}

impl Answer {
    /// Which of two addresses' answers a sender ends with: any acceptance
    /// wins, then a refusal, then greylisting, then a failure.
    fn rank(&self) -> u8 {
        match self {
            Self::Accepted => 4,
            Self::Refused(_) => 3,
            Self::Greylisted(_) => 2,
            Self::Failed(_) => 1,
            Self::NotProbed => 0,
        }
    }
}

/// The outcomes for the three kinds, from `checks` and the MX hosts in
/// preference order.
pub fn simulate(checks: &[Check], hosts: &[String]) -> Vec<Sender> {
    if let Some(early) = before_smtp(checks) {
        return SenderKind::ALL
            .into_iter()
            .map(|kind| Sender {
                kind,
                ..early.clone()
            })
            .collect();
    }
    let dnssec = checks.iter().find_map(|c| match &c.detail {
        Detail::Dnssec { overall, answers } if c.id == CheckId::DnsDnssec => {
            Some((*overall, answers))
        }
        _ => None,
    });
    // RFC 7672 §2.2: DANE applies when the MX answer is secure; then each
    // host on its own (a host in an unsigned zone gets plain TLS).
    let dane_applies = dnssec.map(|(overall, answers)| {
        answer_status(answers, "MX", None)
            // --server or `policy` without an MX answer: the weakest status
            .unwrap_or(overall)
    });
    let sts = checks.iter().find_map(|c| match &c.detail {
        Detail::MtaSts {
            mode,
            uncovered,
            tls_failures,
        } if c.id == CheckId::PolicyMtaSts => Some((*mode, uncovered, tls_failures)),
        _ => None,
    });
    let opportunistic = walk(SenderKind::Opportunistic, checks, hosts, |_| None);
    // A sender whose policy does not apply acts like an opportunistic one.
    let unenforced = |kind, why: String| Sender {
        kind,
        reason: format!("{} ({why})", opportunistic.reason),
        ..opportunistic.clone()
    };
    let no_answers = Vec::new();
    let answers = dnssec.map_or(&no_answers, |(_, a)| a);
    let dane = match dane_applies {
        Some(Security::Bogus) => Sender {
            kind: SenderKind::Dane,
            action: Action::Defer,
            via: None,
            reason:
                "the DNS answers are DNSSEC-bogus: a validating sender gets SERVFAIL and retries"
                    .into(),
        },
        Some(Security::Secure) => walk(SenderKind::Dane, checks, hosts, |host| {
            dane_block(checks, answers, host)
        }),
        _ => unenforced(
            SenderKind::Dane,
            "DANE does not apply: the MX answer is not DNSSEC-secure".into(),
        ),
    };
    let mta_sts = match sts {
        Some((Some(StsMode::Enforce), uncovered, failures)) => {
            walk(SenderKind::MtaSts, checks, hosts, |host| {
                sts_block(uncovered, failures, host)
            })
        }
        Some((Some(mode), _, _)) => unenforced(
            SenderKind::MtaSts,
            format!("MTA-STS mode {} is not enforced", mode.as_str()),
        ),
        _ => unenforced(SenderKind::MtaSts, "no usable MTA-STS policy".into()),
    };
    vec![opportunistic, dane, mta_sts]
}

/// The MX lookup already decides for everyone: null MX or no domain bounces,
/// a DNS failure defers, a resolver that did not answer tells nothing.
fn before_smtp(checks: &[Check]) -> Option<Sender> {
    let mx = checks.iter().find(|c| c.id == CheckId::DnsMx)?;
    if mx.status != Status::Fail {
        return None;
    }
    let action = match mx.detail {
        // RFC 7505 null MX, no such domain, or no MX and no address: final.
        Detail::Mx(MxKind::Null | MxKind::NoMailHost) => Action::Bounce,
        Detail::Mx(MxKind::ResolverDown) => Action::Unknown,
        _ => Action::Defer,
    };
    Some(Sender {
        kind: SenderKind::Opportunistic,
        action,
        via: None,
        reason: mx.summary.clone(),
    })
}

/// Walks the MX hosts in order; `block` names why a host may not be used.
fn walk(
    kind: SenderKind,
    checks: &[Check],
    hosts: &[String],
    block: impl Fn(&str) -> Option<String>,
) -> Sender {
    let mut skipped = Vec::new();
    let mut unknown = false;
    let sender = |action, via: Option<&String>, reason| Sender {
        kind,
        action,
        via: via.cloned(),
        reason,
    };
    let after = |skipped: &[String]| match skipped.is_empty() {
        true => String::new(),
        false => format!(" (after skipping {})", skipped.join("; ")),
    };
    for host in hosts {
        if let Some(why) = block(host) {
            skipped.push(format!("{host}: {why}"));
            continue;
        }
        match answer(checks, host) {
            Answer::Accepted => {
                let reason = format!("{host} accepts the recipient{}", after(&skipped));
                return sender(Action::Deliver, Some(host), reason);
            }
            // RFC 5321 §4.2.1: a 5xx is final, the sender stops here.
            Answer::Refused(why) => {
                let reason = format!("{host} refuses permanently: {why}");
                return sender(Action::Bounce, Some(host), reason);
            }
            // Greylisting defers the first attempt only; the sender's queue
            // retries the same host and gets through.
            Answer::Greylisted(why) => {
                let reason = format!(
                    "{host} greylists the first attempt; the sender retries (typically within minutes) and delivers{}: {why}",
                    after(&skipped)
                );
                return sender(Action::DeliverLater, Some(host), reason);
            }
            Answer::Failed(why) => skipped.push(format!("{host}: {why}")),
            Answer::NotProbed => unknown = true,
        }
    }
    if unknown {
        let reason = if skipped.is_empty() {
            "this run did not reach RCPT, so delivery was not tested".into()
        } else {
            format!(
                "delivery was not tested; it may not use {}",
                skipped.join("; ")
            )
        };
        return sender(Action::Unknown, None, reason);
    }
    let reason = if skipped.is_empty() {
        "no MX host to try".into()
    } else {
        format!("every MX fails: {}", skipped.join("; "))
    };
    sender(Action::Defer, None, reason)
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

/// What one reply-bearing step means to a sender: 2xx goes on, 5xx is
/// final, a greylisting 4xx is retried, any other 4xx or a broken
/// connection moves on to the next MX.
fn reply_answer(check: &Check) -> Option<Answer> {
    if check.status == Status::Skip {
        return None;
    }
    match check.detail {
        Detail::Reply { code, .. } if code / 100 == 2 || code / 100 == 3 => None,
        Detail::Reply { code, .. } if code / 100 == 5 => {
            Some(Answer::Refused(check.summary.clone()))
        }
        Detail::Reply {
            greylisted: true, ..
        } => Some(Answer::Greylisted(check.summary.clone())),
        Detail::Reply { .. } => Some(Answer::Failed(check.summary.clone())),
        _ if check.status == Status::Fail => Some(Answer::Failed(check.summary.clone())),
        _ => None,
    }
}

fn address_answer(checks: &[&Check]) -> Answer {
    // The first step on the way that stops a sender, if any.
    let on_path = [
        CheckId::TcpConnect,
        CheckId::SmtpBanner,
        CheckId::SmtpEhlo,
        CheckId::SmtpMail,
        CheckId::SmtpRcpt,
    ];
    let mut reached_rcpt = false;
    for c in checks.iter().filter(|c| on_path.contains(&c.id)) {
        if let Some(stop) = reply_answer(c) {
            // Before MAIL, any refusal moves the sender to the next MX
            // (Postfix smtp_skip_5xx_greeting); greylisting keys on the
            // envelope, so only MAIL and RCPT carry it.
            let envelope = matches!(c.id, CheckId::SmtpMail | CheckId::SmtpRcpt);
            return match stop {
                Answer::Refused(why) | Answer::Greylisted(why) if !envelope => Answer::Failed(why),
                stop => stop,
            };
        }
        if c.id == CheckId::SmtpRcpt && c.status != Status::Skip {
            reached_rcpt = true;
        }
    }
    if reached_rcpt {
        Answer::Accepted
    } else {
        Answer::NotProbed
    }
}

/// A DANE sender may not use a host whose TLSA records fail (RFC 7672 §2.2),
/// nor one whose address answer is bogus (its validating resolver fails).
fn dane_block(checks: &[Check], answers: &[AnswerSecurity], host: &str) -> Option<String> {
    let bogus_address = ["A", "AAAA"]
        .iter()
        .any(|t| answer_status(answers, t, Some(host)) == Some(Security::Bogus));
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

/// The status of one answer listed in `dns.dnssec`.
fn answer_status(answers: &[AnswerSecurity], rtype: &str, name: Option<&str>) -> Option<Security> {
    answers
        .iter()
        .find(|a| a.rtype == rtype && name.is_none_or(|n| a.name == n))
        .map(|a| a.security)
}

/// An MTA-STS sender in enforce mode may not use a host the policy does not
/// list, or one whose certificate does not verify (RFC 8461 §4).
fn sts_block(uncovered: &[String], tls_failures: &[String], host: &str) -> Option<String> {
    if uncovered.iter().any(|h| h == host) {
        Some("MTA-STS: no mx pattern of the policy matches it".into())
    } else if tls_failures.iter().any(|h| h == host) {
        Some("MTA-STS: its TLS does not verify (certificate or STARTTLS)".into())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    //! Every input here comes from the real check producers, fed with
    //! observations as the engine makes them.
    use super::*;
    use crate::checks::dane::{dane_check, dnssec_check, Presented};
    use crate::checks::testkit::{findings, transaction, unreachable};
    use crate::dnssec::Validation;
    use crate::observe::conversation::ConnectError;
    use crate::observe::dns::{Answer, MxOutcome};
    use crate::observe::policy::MtaStsObservation;
    use crate::observe::Stage;

    /// The findings of a conversation at `host` that ends with this RCPT reply.
    fn rcpt(host: &str, ip: &str, reply: &str) -> Vec<Check> {
        findings(&transaction(host, ip, "250 2.1.0 Ok", reply), Stage::Rcpt)
    }

    fn dnssec(answers: &[(&str, &'static str, Security)]) -> Check {
        let answers: Vec<Answer> = answers
            .iter()
            .map(|(name, rtype, status)| Answer {
                name: name.to_string(),
                rtype,
                validation: Validation::new(*status, None),
            })
            .collect();
        dnssec_check(&answers)
    }

    /// `tls.dane` failing at `host`: secure TLSA records, no STARTTLS.
    fn dane_fails(host: &str) -> Check {
        let tlsa = crate::checks::testkit::secure_tlsa(host);
        let check = dane_check(&tlsa, Presented::NoStartTls, &[host]).host(host);
        assert_eq!(check.status, Status::Fail, "{check:?}");
        check
    }

    fn mta_sts(mode: &str, mx: &str, hosts: &[String]) -> Check {
        let observed = MtaStsObservation {
            txt: Ok(vec!["v=STSv1; id=1".into()]),
            fetched: Some(Ok(format!(
                "version: STSv1\nmode: {mode}\nmx: {mx}\nmax_age: 86400\n"
            ))),
        };
        crate::checks::policy::mta_sts_check("d.test", &observed, hosts, &[])
    }

    fn hosts() -> Vec<String> {
        vec!["mx1.test".into(), "mx2.test".into()]
    }

    fn kind(out: &[Sender], kind: SenderKind) -> &Sender {
        out.iter().find(|s| s.kind == kind).unwrap()
    }

    fn insecure() -> Check {
        dnssec(&[("d.test", "MX", Security::Insecure)])
    }

    #[test]
    fn everyone_delivers_to_the_first_accepting_mx() {
        let mut checks = vec![insecure()];
        checks.extend(rcpt("mx1.test", "127.0.0.1", "250 2.1.5 Ok"));
        let out = simulate(&checks, &hosts());
        assert!(out.iter().all(|s| s.action == Action::Deliver), "{out:?}");
        assert_eq!(
            kind(&out, SenderKind::Opportunistic).via.as_deref(),
            Some("mx1.test")
        );
        assert!(kind(&out, SenderKind::Dane)
            .reason
            .contains("DANE does not apply"));
    }

    #[test]
    fn a_dane_mismatch_moves_dane_senders_to_the_next_mx() {
        let mut checks = vec![dnssec(&[("d.test", "MX", Security::Secure)])];
        checks.extend(rcpt("mx1.test", "127.0.0.1", "250 2.1.5 Ok"));
        checks.push(dane_fails("mx1.test"));
        checks.extend(rcpt("mx2.test", "127.0.0.2", "250 2.1.5 Ok"));
        let out = simulate(&checks, &hosts());
        assert_eq!(
            kind(&out, SenderKind::Opportunistic).via.as_deref(),
            Some("mx1.test")
        );
        let dane = kind(&out, SenderKind::Dane);
        assert_eq!(
            (dane.action, dane.via.as_deref()),
            (Action::Deliver, Some("mx2.test"))
        );
        assert!(dane.reason.contains("skipping mx1.test"), "{}", dane.reason);
    }

    #[test]
    fn dane_senders_defer_when_every_mx_fails_dane() {
        let mut checks = vec![dnssec(&[("d.test", "MX", Security::Secure)])];
        checks.extend(rcpt("mx1.test", "127.0.0.1", "250 2.1.5 Ok"));
        checks.push(dane_fails("mx1.test"));
        let out = simulate(&checks, &["mx1.test".to_string()]);
        assert_eq!(kind(&out, SenderKind::Dane).action, Action::Defer);
        assert_eq!(
            kind(&out, SenderKind::Opportunistic).action,
            Action::Deliver
        );
        let mut bogus = vec![dnssec(&[("d.test", "MX", Security::Bogus)])];
        bogus.extend(rcpt("mx1.test", "127.0.0.1", "250 2.1.5 Ok"));
        assert_eq!(
            kind(&simulate(&bogus, &hosts()), SenderKind::Dane).action,
            Action::Defer
        );
    }

    #[test]
    fn dane_goes_by_the_mx_answer_then_host_by_host() {
        // MX secure, mx1's address bogus, mx2 in an unsigned zone: DANE applies,
        // mx1 is skipped, mx2 gets mail (plain TLS, no TLSA to check).
        let mut checks = vec![dnssec(&[
            ("d.test", "MX", Security::Secure),
            ("mx1.test", "A", Security::Bogus),
            ("mx2.test", "A", Security::Insecure),
        ])];
        checks.extend(rcpt("mx1.test", "127.0.0.1", "250 2.1.5 Ok"));
        checks.extend(rcpt("mx2.test", "127.0.0.2", "250 2.1.5 Ok"));
        let out = simulate(&checks, &hosts());
        let dane = kind(&out, SenderKind::Dane);
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
    }

    #[test]
    fn mta_sts_enforce_skips_uncovered_hosts() {
        let only = vec!["mx1.test".to_string()];
        let mut checks = vec![mta_sts("enforce", "other.test", &only)];
        checks.extend(rcpt("mx1.test", "127.0.0.1", "250 2.1.5 Ok"));
        let out = simulate(&checks, &only);
        assert_eq!(kind(&out, SenderKind::MtaSts).action, Action::Defer);
        assert!(kind(&out, SenderKind::MtaSts)
            .reason
            .contains("no mx pattern"));
        let mut testing = vec![mta_sts("testing", "other.test", &only)];
        testing.extend(rcpt("mx1.test", "127.0.0.1", "250 2.1.5 Ok"));
        let out = simulate(&testing, &only);
        assert_eq!(kind(&out, SenderKind::MtaSts).action, Action::Deliver);
        assert!(kind(&out, SenderKind::MtaSts)
            .reason
            .contains("testing is not enforced"));
    }

    #[test]
    fn a_permanent_refusal_bounces() {
        let out = simulate(
            &rcpt("mx1.test", "127.0.0.1", "550 5.1.1 No such user"),
            &hosts(),
        );
        assert_eq!(kind(&out, SenderKind::Opportunistic).action, Action::Bounce);
        let null = crate::checks::dns::mx_check(
            "d.test",
            &MxOutcome::Records(vec![crate::dns::MxRecord {
                preference: 0,
                exchange: ".".into(),
            }]),
            Default::default(),
        );
        assert!(simulate(&[null], &hosts())
            .iter()
            .all(|s| s.action == Action::Bounce));
    }

    #[test]
    fn a_temporary_refusal_defers_and_the_next_mx_is_tried() {
        // 452 mailbox full at mx1 (not greylisting): the sender moves on.
        let mut checks = rcpt("mx1.test", "127.0.0.1", "452 4.2.2 Mailbox full");
        checks.extend(findings(
            &unreachable("mx2.test", "127.0.0.2", ConnectError::Refused),
            Stage::Rcpt,
        ));
        let out = simulate(&checks, &hosts());
        let sender = kind(&out, SenderKind::Opportunistic);
        assert_eq!(sender.action, Action::Defer, "{sender:?}");
        assert!(sender.reason.contains("mx1.test") && sender.reason.contains("mx2.test"));
        // ... and a backup that accepts gets the mail.
        let mut checks = rcpt("mx1.test", "127.0.0.1", "452 4.2.2 Mailbox full");
        checks.extend(rcpt("mx2.test", "127.0.0.2", "250 2.1.5 Ok"));
        let out = simulate(&checks, &hosts());
        assert_eq!(
            kind(&out, SenderKind::Opportunistic).via.as_deref(),
            Some("mx2.test")
        );
    }

    #[test]
    fn greylisting_delivers_after_a_retry_not_now() {
        let out = simulate(
            &rcpt("mx1.test", "127.0.0.1", "450 4.7.1 <postmaster@d.test>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/"),
            &hosts(),
        );
        let sender = kind(&out, SenderKind::Opportunistic);
        assert_eq!(
            (sender.action, sender.via.as_deref()),
            (Action::DeliverLater, Some("mx1.test")),
            "{sender:?}"
        );
        assert!(sender.reason.contains("retries"), "{}", sender.reason);
    }

    #[test]
    fn a_deferred_sender_is_not_a_delivery() {
        let checks = findings(
            &transaction("mx1.test", "127.0.0.1", "421 4.7.0 Try again later", ""),
            Stage::Rcpt,
        );
        let out = simulate(&checks, &["mx1.test".to_string()]);
        assert_eq!(
            kind(&out, SenderKind::Opportunistic).action,
            Action::Defer,
            "{out:?}"
        );
    }

    #[test]
    fn without_smtp_the_outcome_is_unknown() {
        let out = simulate(&[dnssec(&[("d.test", "MX", Security::Secure)])], &hosts());
        assert!(out.iter().all(|s| s.action == Action::Unknown), "{out:?}");
    }
}
