//! The verdict, its exit code and its one sentence, decided once from the
//! findings (README, "Verdicts and exit codes"):
//! - `error` when smtpcheck could not check: its own resolver did not
//!   answer, or a step failed inside smtpcheck;
//! - `fail` when a check that weighs outright fails ([`Weight::Outright`]:
//!   DNS says "no mail", bogus DNSSEC, a broken enforced MTA-STS policy, an
//!   open relay, a `--critical` threshold), or no address came through
//!   every step that was run;
//! - `warn` when some address did, but any check warned or failed (a backup
//!   MX carrying the load, an implicit MX, greylisting, a message accepted
//!   for only some of its recipients);
//! - `pass` otherwise.

use super::{Check, CheckId, Detail, Status, Verdict};
use crate::checks::finding::{BlocklistResult, MxKind};
use crate::checks::senders::{Action, Sender, SenderKind};
use serde::Serialize;

/// The command a report is for: what it may claim about delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Command {
    Mx,
    Policy,
    Connect,
    Banner,
    Ehlo,
    Tls,
    Probe,
    Send,
    Blocklist,
}

impl Command {
    pub fn name(self) -> &'static str {
        match self {
            Self::Mx => "mx",
            Self::Policy => "policy",
            Self::Connect => "connect",
            Self::Banner => "banner",
            Self::Ehlo => "ehlo",
            Self::Tls => "tls",
            Self::Probe => "probe",
            Self::Send => "send",
            Self::Blocklist => "blocklist",
        }
    }

    /// The command whose report names it (`send`, `probe`, ...).
    pub fn from_name(name: &str) -> Option<Self> {
        [
            Self::Mx,
            Self::Policy,
            Self::Connect,
            Self::Banner,
            Self::Ehlo,
            Self::Tls,
            Self::Probe,
            Self::Send,
            Self::Blocklist,
        ]
        .into_iter()
        .find(|c| c.name() == name)
    }

    /// Whether the run reached RCPT, so it can say "can be delivered".
    fn tests_delivery(self) -> bool {
        matches!(self, Self::Probe | Self::Send)
    }
}

/// The verdict and the sentence that says why, naming the decisive finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgement {
    pub verdict: Verdict,
    pub summary: String,
    /// The finding that decided the verdict (its index in the checks).
    pub decisive: Option<usize>,
}

/// How a failed check weighs in the verdict. Kept here, by id, so the whole
/// rule reads in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Weight {
    /// A step on the delivery path of its address: a fail breaks that path;
    /// the run fails when no path is left.
    Path,
    /// Made on a connection of its own (`--tls-injection-test`, `--vrfy`):
    /// a finding about the server, not a break in the delivery path; it
    /// warns at most.
    OffPath,
    /// Fails the run by itself: DNS says "no mail" (`dns.mx`), the DNSSEC
    /// answers are bogus (validating resolvers answer SERVFAIL), an enforced
    /// MTA-STS policy is broken by the MX hosts (enforcing senders defer
    /// everything), an open relay (it gets the domain block-listed), or a
    /// threshold the user set was crossed.
    Outright,
    /// smtpcheck could not check (its resolver, its own bug).
    CouldNotCheck,
}

fn weight(check: &Check) -> Weight {
    match (check.id, &check.detail) {
        (CheckId::DnsMx, Detail::Mx(MxKind::ResolverDown)) => Weight::CouldNotCheck,
        (CheckId::Internal, _) => Weight::CouldNotCheck,
        (CheckId::DnsMx | CheckId::DnsDnssec | CheckId::PolicyMtaSts, _) => Weight::Outright,
        (CheckId::ThresholdTime | CheckId::SmtpRelay, _) => Weight::Outright,
        (CheckId::TlsInjection | CheckId::SmtpVrfy | CheckId::DnsBlocklist, _) => Weight::OffPath,
        (
            CheckId::TlsVersions
            | CheckId::TlsCiphers
            | CheckId::TlsKeyExchange
            | CheckId::TlsHardening
            | CheckId::TlsCaa,
            _,
        ) => Weight::OffPath,
        _ => Weight::Path,
    }
}

/// The verdict of `checks` for `command`.
pub fn decide(checks: &[Check]) -> Verdict {
    verdict_of(checks).0
}

/// The verdict and the check that decided it, when one did.
fn verdict_of(checks: &[Check]) -> (Verdict, Option<&Check>) {
    let failed = |w: Weight| {
        checks
            .iter()
            .find(|c| weight(c) == w && c.status == Status::Fail)
    };
    if let Some(c) = failed(Weight::CouldNotCheck) {
        return (Verdict::Error, Some(c));
    }
    if let Some(c) = failed(Weight::Outright) {
        return (Verdict::Fail, Some(c));
    }
    if !any_path_works(checks) {
        let first = checks
            .iter()
            .find(|c| weight(c) == Weight::Path && c.status == Status::Fail);
        return (Verdict::Fail, first);
    }
    let worst = checks
        .iter()
        .find(|c| c.status == Status::Fail)
        .or_else(|| checks.iter().find(|c| c.status == Status::Warn));
    match worst {
        Some(c) => (Verdict::Warn, Some(c)),
        None => (Verdict::Pass, None),
    }
}

/// Places of the findings made at an address, in report order.
fn endpoints(checks: &[Check]) -> Vec<&Check> {
    let mut seen: Vec<&Check> = Vec::new();
    for c in checks.iter().filter(|c| c.address.is_some()) {
        if !seen.iter().any(|s| s.same_place(c)) {
            seen.push(c);
        }
    }
    seen
}

/// True when at least one address came through every step without a fail.
/// Without any conversation (`mx`, `policy`), an exchange with an address
/// is enough. A message the server accepted counts as through, even when
/// some of its recipients were refused (RFC 5321 §3.3: the message goes to
/// those that were accepted).
fn any_path_works(checks: &[Check]) -> bool {
    let places = endpoints(checks);
    if places.is_empty() {
        return checks
            .iter()
            .any(|c| c.id == CheckId::DnsAddress && c.status != Status::Fail);
    }
    places.iter().any(|place| {
        let here: Vec<&Check> = checks.iter().filter(|c| c.same_place(place)).collect();
        let delivered = accepted_message(&here);
        here.iter()
            .filter(|c| weight(c) == Weight::Path)
            .filter(|c| !(delivered && c.id == CheckId::SmtpRcpt))
            .all(|c| c.status != Status::Fail)
    })
}

/// The end of DATA was accepted (2xx) at this place.
fn accepted_message(here: &[&Check]) -> bool {
    here.iter().any(|c| {
        c.id == CheckId::SmtpDataEnd && matches!(c.reply_code(), Some(code) if code / 100 == 2)
    })
}

/// The verdict and its sentence.
pub fn judge(
    command: Option<Command>,
    domain: &str,
    checks: &[Check],
    senders: &[Sender],
) -> Judgement {
    if command == Some(Command::Blocklist) {
        return blocklist_judgement(checks);
    }
    let (verdict, decisive) = verdict_of(checks);
    let cause = match decisive {
        Some(d) if verdict == Verdict::Fail && weight(d) == Weight::Path => broken_paths(checks, d),
        Some(d) => describe(d),
        None => String::new(),
    };
    let summary = match (command, verdict) {
        (Some(Command::Send), _) => send_summary(verdict, checks, &cause),
        (_, Verdict::Error) => format!("could not check {domain}: {cause}"),
        (Some(c), Verdict::Pass) if c.tests_delivery() => {
            format!("mail for {domain} can be delivered: every check passed")
        }
        (Some(Command::Mx), Verdict::Pass) => {
            format!("mail for {domain} is routed: every exchange has an address")
        }
        (_, Verdict::Pass) => format!("every check passed for {domain}"),
        (Some(c), Verdict::Warn) if c.tests_delivery() => {
            format!("mail for {domain} can get through, but {cause}")
        }
        (_, Verdict::Warn) => format!("{domain}: {cause}"),
        (Some(c), Verdict::Fail) if c.tests_delivery() => fail_summary(domain, &cause, senders),
        (_, Verdict::Fail) => format!("{domain}: {cause}"),
    };
    let decisive = decisive.and_then(|d| checks.iter().position(|c| std::ptr::eq(c, d)));
    Judgement {
        verdict,
        summary,
        decisive,
    }
}

/// `blocklist`: listed anywhere fails; a lookup refused or failed warns;
/// no lookup answered at all is "could not check".
fn blocklist_judgement(checks: &[Check]) -> Judgement {
    let listed = checks.iter().position(|c| c.status == Status::Fail);
    let unsure = checks.iter().position(|c| c.status == Status::Info);
    let answered = checks
        .iter()
        .filter(|c| c.detail != Detail::Blocklist(BlocklistResult::Failed))
        .count();
    let (verdict, decisive, summary) = match (listed, unsure) {
        (Some(i), _) => (Verdict::Fail, Some(i), checks[i].summary.clone()),
        _ if answered == 0 => (
            Verdict::Error,
            unsure,
            "could not check: no block list answered".to_string(),
        ),
        (None, Some(i)) => (
            Verdict::Warn,
            Some(i),
            format!(
                "not listed where the lists answered, but {}",
                checks[i].summary
            ),
        ),
        (None, None) => (
            Verdict::Pass,
            None,
            format!("not listed on any of the {} lists asked", checks.len()),
        ),
    };
    Judgement {
        verdict,
        summary,
        decisive,
    }
}

/// "smtp.rcpt at mx1.example.com [192.0.2.1]: recipient refused: …"
fn describe(check: &Check) -> String {
    match place(check) {
        Some(place) => format!("{} at {place}: {}", check.id, check.summary),
        None => format!("{}: {}", check.id, check.summary),
    }
}

/// "mx1.example.com [192.0.2.1]", where a finding was made.
fn place(check: &Check) -> Option<String> {
    match (&check.host, check.address) {
        (Some(h), Some(a)) => Some(format!("{h} [{a}]")),
        (Some(h), None) => Some(h.clone()),
        _ => None,
    }
}

/// Every address failed: name each one's break, so the verdict line alone
/// says where mail stops ("mx1 … refused the connection; mx2 … greylisted").
/// The first is named with its check; more than three are counted.
fn broken_paths(checks: &[Check], decisive: &Check) -> String {
    const NAMED: usize = 3;
    let places = endpoints(checks);
    let breaks: Vec<&Check> = places
        .iter()
        .filter_map(|place| {
            checks
                .iter()
                .filter(|c| c.same_place(place) && weight(c) == Weight::Path)
                .find(|c| c.status == Status::Fail)
        })
        .collect();
    if breaks.len() < 2 {
        return describe(decisive);
    }
    let mut parts: Vec<String> = Vec::new();
    for (i, check) in breaks.iter().take(NAMED).enumerate() {
        // The first names its check; the rest only their place.
        parts.push(match (i, place(check)) {
            (0, _) | (_, None) => describe(check),
            (_, Some(place)) => format!("{place}: {}", check.summary),
        });
    }
    if breaks.len() > NAMED {
        parts.push(format!("and {} more addresses", breaks.len() - NAMED));
    }
    parts.join("; ")
}

/// A failed probe: who cannot deliver. When ordinary senders still get
/// through and only policy-enforcing ones do not (a DANE or MTA-STS
/// failure), say so instead of "cannot be delivered".
fn fail_summary(domain: &str, cause: &str, senders: &[Sender]) -> String {
    let delivers = |kind: SenderKind| {
        senders
            .iter()
            .find(|s| s.kind == kind && matches!(s.action, Action::Deliver | Action::DeliverLater))
    };
    let refused: Vec<&str> = senders
        .iter()
        .filter(|s| matches!(s.action, Action::Defer | Action::Bounce))
        .map(|s| s.kind.plural())
        .collect();
    match delivers(SenderKind::Opportunistic) {
        Some(ordinary) if !refused.is_empty() => format!(
            "mail for {domain} is stopped for {}: {cause}; ordinary senders still deliver via {}",
            refused.join(" and "),
            ordinary.via.as_deref().unwrap_or("an MX")
        ),
        // Failed on a rule of its own (an open relay, a threshold the user
        // set), while mail flows: do not claim it cannot be delivered.
        Some(_) => format!("mail for {domain} gets through, but {cause}"),
        None => format!("mail for {domain} cannot be delivered: {cause}"),
    }
}

/// `send`: accepted for how many recipients, with the queue ids, or why not.
fn send_summary(verdict: Verdict, checks: &[Check], cause: &str) -> String {
    let rcpts: Vec<&Check> = checks
        .iter()
        .filter(|c| c.id == CheckId::SmtpRcpt)
        .collect();
    let taken = |c: &Check| matches!(c.reply_code(), Some(code) if code / 100 == 2);
    let accepted_rcpts = rcpts.iter().filter(|c| taken(c)).count();
    let accepted: Vec<&Check> = checks
        .iter()
        .filter(|c| c.id == CheckId::SmtpDataEnd)
        .filter(|c| matches!(c.reply_code(), Some(code) if code / 100 == 2))
        .collect();
    if verdict == Verdict::Error {
        return format!("could not check: {cause}");
    }
    if accepted.is_empty() {
        return format!("message not sent: {cause}");
    }
    let queued: Vec<String> = accepted
        .iter()
        .filter_map(|c| match &c.detail {
            Detail::Reply {
                queue_id: Some(id), ..
            } => Some(id.clone()),
            _ => None,
        })
        .collect();
    let queued = match queued.is_empty() {
        true => String::new(),
        false => format!(", queued as {}", queued.join(", ")),
    };
    let refused: Vec<&&Check> = rcpts.iter().filter(|c| !taken(c)).collect();
    let mut words = format!(
        "message accepted for {accepted_rcpts} of {} recipient(s){queued}",
        rcpts.len()
    );
    if let Some(first) = refused.first() {
        words.push_str(&format!("; not accepted: {}", first.summary));
    } else if verdict == Verdict::Warn {
        words.push_str(&format!("; but {cause}"));
    }
    words
}

#[cfg(test)]
mod tests {
    //! The verdict and its sentence, from findings the real producers made.
    use super::*;
    use crate::checks::dane::{dane_check, dnssec_check, Presented};
    use crate::checks::senders::simulate;
    use crate::checks::testkit::{findings, transaction, unreachable};
    use crate::dnssec::{Security, Validation};
    use crate::observe::conversation::ConnectError;
    use crate::observe::dns::{Answer, MxOutcome};
    use crate::observe::Stage;

    fn accepted(host: &str, ip: &str, stage: Stage) -> Vec<Check> {
        findings(
            &transaction(host, ip, "250 2.1.0 Ok", "250 2.1.5 Ok"),
            stage,
        )
    }

    fn sentence(command: Command, checks: &[Check]) -> Judgement {
        let mut hosts: Vec<String> = Vec::new();
        for host in checks.iter().filter_map(|c| c.host.clone()) {
            if !hosts.contains(&host) {
                hosts.push(host);
            }
        }
        judge(Some(command), "d.test", checks, &simulate(checks, &hosts))
    }

    #[test]
    fn only_commands_that_reach_rcpt_speak_of_delivery() {
        let checks = accepted("mx1.d.test", "192.0.2.1", Stage::Connect);
        let j = sentence(Command::Connect, &checks);
        assert_eq!(
            (j.verdict, j.summary.as_str()),
            (Verdict::Pass, "every check passed for d.test")
        );
        let checks = accepted("mx1.d.test", "192.0.2.1", Stage::Rcpt);
        let j = sentence(Command::Probe, &checks);
        assert_eq!(
            j.summary,
            "mail for d.test can be delivered: every check passed"
        );
    }

    #[test]
    fn when_every_address_fails_the_sentence_names_each_break() {
        let mut checks = findings(
            &unreachable("mx1.d.test", "192.0.2.1", ConnectError::Refused),
            Stage::Rcpt,
        );
        checks.extend(findings(
            &transaction(
                "mx2.d.test",
                "192.0.2.2",
                "250 2.1.0 Ok",
                "550 5.1.1 no such user",
            ),
            Stage::Rcpt,
        ));
        let j = sentence(Command::Probe, &checks);
        assert_eq!(j.verdict, Verdict::Fail);
        let s = &j.summary;
        assert!(
            s.starts_with(
                "mail for d.test cannot be delivered: tcp.connect at mx1.d.test [192.0.2.1]"
            ),
            "{s}"
        );
        assert!(s.contains("; mx2.d.test [192.0.2.2]: "), "{s}");
        // five addresses down: three named, the rest counted
        let checks: Vec<Check> = (1..=5)
            .flat_map(|i| {
                findings(
                    &unreachable(
                        &format!("mx{i}.d.test"),
                        &format!("192.0.2.{i}"),
                        ConnectError::Refused,
                    ),
                    Stage::Rcpt,
                )
            })
            .collect();
        let s = sentence(Command::Probe, &checks).summary;
        assert!(
            s.contains("mx3.d.test [192.0.2.3]") && !s.contains("mx4.d.test"),
            "{s}"
        );
        assert!(s.ends_with("; and 2 more addresses"), "{s}");
    }

    #[test]
    fn a_warning_names_the_decisive_finding_in_the_words_of_the_command() {
        let mut checks = findings(
            &unreachable("mx1.d.test", "192.0.2.1", ConnectError::Refused),
            Stage::Connect,
        );
        checks.extend(accepted("mx2.d.test", "192.0.2.2", Stage::Connect));
        let j = sentence(Command::Connect, &checks);
        assert_eq!(j.verdict, Verdict::Warn);
        assert!(!j.summary.contains("can get through"), "{}", j.summary);
        assert!(
            j.summary.starts_with(
                "d.test: tcp.connect at mx1.d.test [192.0.2.1]: 192.0.2.1:25: connection refused"
            ),
            "{}",
            j.summary
        );
        let mut checks = findings(
            &unreachable("mx1.d.test", "192.0.2.1", ConnectError::Refused),
            Stage::Rcpt,
        );
        checks.extend(accepted("mx2.d.test", "192.0.2.2", Stage::Rcpt));
        let j = sentence(Command::Probe, &checks);
        assert!(
            j.summary
                .starts_with("mail for d.test can get through, but tcp.connect at mx1.d.test"),
            "{}",
            j.summary
        );
    }

    #[test]
    fn a_dane_only_failure_says_who_is_stopped() {
        let mut checks = vec![dnssec_check(&[Answer {
            name: "d.test".into(),
            rtype: "MX",
            validation: Validation::new(Security::Secure, None),
        }])];
        checks.extend(accepted("mx1.d.test", "192.0.2.1", Stage::Rcpt));
        let tlsa = crate::checks::testkit::secure_tlsa("mx1.d.test");
        let endpoint = crate::checks::testkit::endpoint("mx1.d.test", "192.0.2.1");
        checks.push(dane_check(&tlsa, Presented::NoStartTls, &["mx1.d.test"]).at(&endpoint));
        let j = sentence(Command::Probe, &checks);
        assert_eq!(j.verdict, Verdict::Fail, "the verdict stays");
        assert!(
            j.summary.starts_with(
                "mail for d.test is stopped for DANE-enforcing senders: tls.dane at mx1.d.test"
            ),
            "{}",
            j.summary
        );
        assert!(
            j.summary
                .ends_with("ordinary senders still deliver via mx1.d.test"),
            "{}",
            j.summary
        );
    }

    #[test]
    fn dns_only_commands_name_the_dns_cause() {
        let checks = vec![crate::checks::dns::mx_check(
            "d.test",
            &MxOutcome::Failed(crate::dns::DnsError::NxDomain),
            Default::default(),
        )];
        let j = sentence(Command::Policy, &checks);
        assert_eq!(j.verdict, Verdict::Fail);
        assert_eq!(
            j.summary,
            "d.test: dns.mx: d.test does not exist (NXDOMAIN)"
        );
        let down = vec![crate::checks::dns::mx_check(
            "d.test",
            &MxOutcome::ResolverDown {
                resolver: "127.0.0.1:9".into(),
                error: crate::dns::DnsError::Timeout(std::time::Duration::from_secs(1)),
            },
            Default::default(),
        )];
        let j = sentence(Command::Probe, &down);
        assert_eq!(j.verdict, Verdict::Error);
        assert!(
            j.summary.starts_with(
                "could not check d.test: dns.mx: could not check: the DNS resolver 127.0.0.1:9"
            ),
            "{}",
            j.summary
        );
    }
}
