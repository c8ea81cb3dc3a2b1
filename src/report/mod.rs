//! The one report model every command produces, and the one place where the
//! verdict and the exit code are decided.
//!
//! The JSON shape of these types is a contract (schema version 1, documented
//! in docs/json-schema.md and pinned by tests/json_contract.rs): fields may be
//! added, never renamed or removed, without a new schema version.

pub use crate::checks::finding::{Check, CheckId, Detail, Status};
pub use crate::checks::senders::Sender;
pub use crate::observe::Endpoint;
pub use crate::smtp::millis;
use crate::smtp::TranscriptLine;
use serde::Serialize;
use std::time::Duration;

pub mod verdict;
pub use verdict::{decide, judge, Command, Judgement};

/// Version of the JSON document; bumped only on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

/// The outcome for the whole target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
    Error,
}

impl Verdict {
    /// Exit codes follow the monitoring-plugins convention (OK, WARNING,
    /// CRITICAL, UNKNOWN), so smtpcheck drops into Nagios, Icinga and CI as is.
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Pass => 0,
            Verdict::Warn => 1,
            Verdict::Fail => 2,
            Verdict::Error => 3,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
            Verdict::Error => "error",
        }
    }
}

/// Every line exchanged with one address.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conversation {
    #[serde(flatten)]
    pub endpoint: Endpoint,
    pub lines: Vec<TranscriptLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub schema_version: u32,
    /// The command that produced the report (`probe`, `mx`, `connect`, ...).
    pub command: String,
    pub target: String,
    pub domain: Option<String>,
    pub verdict: Verdict,
    pub exit_code: u8,
    /// The verdict in one sentence, naming the finding that decided it.
    pub summary: String,
    /// Which of `checks` decided the verdict (renderers name it).
    #[serde(skip)]
    pub decisive: Option<usize>,
    pub duration_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub checks: Vec<Check>,
    /// What each kind of sender will do (empty when the run cannot say:
    /// `mx`, `connect`, errors).
    pub senders: Vec<Sender>,
    pub transcripts: Vec<Conversation>,
}

impl Report {
    /// A finished run: the verdict and its sentence follow from the checks
    /// and what the senders do.
    pub fn finished(
        command: &str,
        target: &str,
        domain: &str,
        checks: Vec<Check>,
        senders: Vec<Sender>,
        transcripts: Vec<Conversation>,
        elapsed: Duration,
    ) -> Self {
        let mut report = Self {
            schema_version: SCHEMA_VERSION,
            command: command.to_string(),
            target: target.to_string(),
            domain: Some(domain.to_string()),
            verdict: Verdict::Pass,
            exit_code: 0,
            summary: String::new(),
            decisive: None,
            duration_ms: millis(elapsed),
            error: None,
            checks,
            senders,
            transcripts,
        };
        report.judge();
        report
    }

    /// Decides the verdict, the exit code and the sentence; the one place
    /// that does. When smtpcheck could not check because its resolver did
    /// not answer, `error` says so too.
    fn judge(&mut self) {
        // "mail for bob@example.com" when the target is an address.
        let domain = match self.target.contains('@') {
            true => self.target.as_str(),
            false => self.domain.as_deref().unwrap_or(&self.target),
        };
        let Judgement {
            verdict,
            summary,
            decisive,
        } = judge(
            Command::from_name(&self.command),
            domain,
            &self.checks,
            &self.senders,
        );
        if let Some(down) = self
            .checks
            .iter()
            .find(|c| c.detail == Detail::Mx(crate::checks::finding::MxKind::ResolverDown))
        {
            self.error = Some(down.summary.clone());
        }
        self.verdict = verdict;
        self.exit_code = verdict.exit_code();
        self.summary = summary;
        self.decisive = decisive;
    }

    /// The finding that decided the verdict, if one did.
    pub fn decisive(&self) -> Option<&Check> {
        self.decisive.and_then(|i| self.checks.get(i))
    }

    /// Adds a `threshold.time` check for `--warning` / `--critical` (seconds
    /// of total run time, the monitoring-plugins convention) and decides the
    /// verdict again: a crossed critical threshold makes it `fail`.
    pub fn apply_time_thresholds(&mut self, warning: Option<Duration>, critical: Option<Duration>) {
        if self.error.is_some() || (warning.is_none() && critical.is_none()) {
            return;
        }
        let total = self.duration_ms / 1000.0;
        let crossed = |limit: Option<Duration>| limit.is_some_and(|l| total > l.as_secs_f64());
        let (status, words) = if crossed(critical) {
            (Status::Fail, "above the critical threshold")
        } else if crossed(warning) {
            (Status::Warn, "above the warning threshold")
        } else {
            (Status::Pass, "within the thresholds")
        };
        let check = Check::new(
            CheckId::ThresholdTime,
            status,
            format!("total time {total:.3} s, {words}"),
        )
        .with("total_s", total)
        .with("warning_s", warning.map(|d| d.as_secs_f64()))
        .with("critical_s", critical.map(|d| d.as_secs_f64()));
        self.checks.push(check);
        self.judge();
    }

    /// smtpcheck could not check at all (bad input, unusable resolver).
    pub fn error(command: &str, target: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            schema_version: SCHEMA_VERSION,
            command: command.to_string(),
            target: target.to_string(),
            domain: None,
            verdict: Verdict::Error,
            exit_code: Verdict::Error.exit_code(),
            summary: message.clone(),
            decisive: None,
            duration_ms: 0.0,
            error: Some(message),
            checks: Vec::new(),
            senders: Vec::new(),
            transcripts: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(id: CheckId, status: Status, addr: &str) -> Check {
        Check::new(id, status, "").at(&Endpoint {
            host: "mx.test".into(),
            address: addr.parse().unwrap(),
            port: 25,
        })
    }

    #[test]
    fn exit_codes_follow_monitoring_plugins() {
        let codes: Vec<u8> = [Verdict::Pass, Verdict::Warn, Verdict::Fail, Verdict::Error]
            .iter()
            .map(|v| v.exit_code())
            .collect();
        assert_eq!(codes, [0, 1, 2, 3]);
    }

    #[test]
    fn all_good_is_pass() {
        let checks = vec![
            Check::new(CheckId::DnsMx, Status::Pass, ""),
            at(CheckId::TcpConnect, Status::Pass, "127.0.0.1"),
            at(CheckId::SmtpRcpt, Status::Pass, "127.0.0.1"),
        ];
        assert_eq!(decide(&checks), Verdict::Pass);
    }

    #[test]
    fn bogus_dnssec_or_a_broken_enforced_sts_policy_fails_outright() {
        let path = || {
            vec![
                Check::new(CheckId::DnsMx, Status::Pass, ""),
                at(CheckId::SmtpRcpt, Status::Pass, "127.0.0.1"),
            ]
        };
        for id in [CheckId::DnsDnssec, CheckId::PolicyMtaSts] {
            let mut checks = path();
            checks.push(Check::new(id, Status::Fail, ""));
            assert_eq!(decide(&checks), Verdict::Fail, "{id}");
        }
        // other policy failures (SPF, say) only warn
        let mut checks = path();
        checks.push(Check::new(CheckId::PolicySpf, Status::Fail, ""));
        assert_eq!(decide(&checks), Verdict::Warn);
    }

    #[test]
    fn backup_carrying_the_load_is_warn() {
        let checks = vec![
            Check::new(CheckId::DnsMx, Status::Pass, ""),
            at(CheckId::TcpConnect, Status::Fail, "127.0.0.2"),
            at(CheckId::SmtpBanner, Status::Skip, "127.0.0.2"),
            at(CheckId::TcpConnect, Status::Pass, "127.0.0.3"),
            at(CheckId::SmtpRcpt, Status::Pass, "127.0.0.3"),
        ];
        assert_eq!(decide(&checks), Verdict::Warn);
    }

    #[test]
    fn no_working_address_is_fail() {
        let checks = vec![
            Check::new(CheckId::DnsMx, Status::Pass, ""),
            at(CheckId::TcpConnect, Status::Pass, "127.0.0.2"),
            at(CheckId::SmtpRcpt, Status::Fail, "127.0.0.2"),
            at(CheckId::TcpConnect, Status::Fail, "127.0.0.3"),
        ];
        assert_eq!(decide(&checks), Verdict::Fail);
    }

    #[test]
    fn transient_rcpt_is_warn_not_fail() {
        let checks = vec![
            Check::new(CheckId::DnsMx, Status::Pass, ""),
            at(CheckId::SmtpRcpt, Status::Warn, "127.0.0.2"),
        ];
        assert_eq!(decide(&checks), Verdict::Warn);
    }

    #[test]
    fn off_path_failure_is_warn_not_fail() {
        let checks = vec![
            Check::new(CheckId::DnsMx, Status::Pass, ""),
            at(CheckId::SmtpRcpt, Status::Pass, "127.0.0.2"),
            at(CheckId::TlsInjection, Status::Fail, "127.0.0.2"),
        ];
        assert_eq!(decide(&checks), Verdict::Warn);
    }

    #[test]
    fn dns_failure_is_fail_even_without_addresses() {
        assert_eq!(
            decide(&[Check::new(CheckId::DnsMx, Status::Fail, "")]),
            Verdict::Fail
        );
    }

    #[test]
    fn mx_only_needs_one_exchange_with_an_address() {
        let ok = vec![
            Check::new(CheckId::DnsMx, Status::Warn, ""),
            Check::new(CheckId::DnsAddress, Status::Pass, ""),
        ];
        assert_eq!(decide(&ok), Verdict::Warn);
        let none = vec![
            Check::new(CheckId::DnsMx, Status::Pass, ""),
            Check::new(CheckId::DnsAddress, Status::Fail, ""),
        ];
        assert_eq!(decide(&none), Verdict::Fail);
    }

    #[test]
    fn error_report_has_exit_3_and_message() {
        let r = Report::error("probe", "x", "bad");
        assert_eq!(
            (r.verdict, r.exit_code, r.error.as_deref()),
            (Verdict::Error, 3, Some("bad"))
        );
    }
}
