//! `--format nagios`: one status line in the monitoring-plugins format
//! (https://www.monitoring-plugins.org/doc/guidelines.html#AEN200), with
//! performance data: `SMTP OK - summary | label=value[unit];warn;crit;min`.

use crate::report::{Check, CheckId, Report, Status, Verdict};
use std::io::{self, Write};
use std::time::Duration;

/// The thresholds printed in the perfdata (the verdict already includes them).
#[derive(Debug, Clone, Copy, Default)]
pub struct Thresholds {
    pub warning: Option<Duration>,
    pub critical: Option<Duration>,
    pub cert_warn_days: Option<i64>,
    pub cert_crit_days: Option<i64>,
}

pub fn render(report: &Report, thresholds: &Thresholds, out: &mut impl Write) -> io::Result<()> {
    let state = match report.verdict {
        Verdict::Pass => "OK",
        Verdict::Warn => "WARNING",
        Verdict::Fail => "CRITICAL",
        Verdict::Error => "UNKNOWN",
    };
    let target = report.domain.as_deref().unwrap_or(&report.target);
    let text = match (&report.error, report.decisive()) {
        (Some(error), _) => error.clone(),
        (None, Some(check)) if report.verdict != Verdict::Pass => {
            let place = match (&check.host, check.address) {
                (Some(h), Some(a)) => format!(" {h} [{a}]"),
                (Some(h), None) => format!(" {h}"),
                _ => String::new(),
            };
            format!(
                "{target}: {}{place}: {}",
                check.id,
                one_line(&check.summary)
            )
        }
        _ => format!("{target}: {}", accepted(report)),
    };
    writeln!(
        out,
        "SMTP {state} - {text} | {}",
        perfdata(report, thresholds)
    )
}

fn one_line(s: &str) -> String {
    s.replace(['\n', '|'], " ")
}

fn accepted(report: &Report) -> String {
    let rcpt: Vec<&Check> = report
        .checks
        .iter()
        .filter(|c| c.id == CheckId::SmtpRcpt)
        .collect();
    if rcpt.is_empty() {
        return "every check passed".to_string();
    }
    let ok = rcpt.iter().filter(|c| c.status == Status::Pass).count();
    format!("mail accepted by {ok} of {} addresses", rcpt.len())
}

/// The slowest address decides each timing (what a user waits for).
fn max_seconds(report: &Report, ids: &[CheckId]) -> Option<f64> {
    report
        .checks
        .iter()
        .filter(|c| ids.contains(&c.id))
        .filter_map(|c| c.duration_ms)
        .reduce(f64::max)
        .map(|ms| ms / 1000.0)
}

fn perfdata(report: &Report, t: &Thresholds) -> String {
    let secs = |d: Option<Duration>| {
        d.map(|d| format!("{}", d.as_secs_f64()))
            .unwrap_or_default()
    };
    let mut items = Vec::new();
    let timings: [(&str, &[CheckId]); 4] = [
        ("time_dns", &[CheckId::DnsMx, CheckId::DnsAddress]),
        ("time_connect", &[CheckId::TcpConnect]),
        ("time_banner", &[CheckId::SmtpBanner]),
        ("time_tls", &[CheckId::TlsStarttls, CheckId::TlsImplicit]),
    ];
    for (label, ids) in timings {
        if let Some(s) = max_seconds(report, ids) {
            items.push(format!("{label}={s:.6}s;;;0"));
        }
    }
    items.push(format!(
        "time_total={:.6}s;{};{};0",
        report.duration_ms / 1000.0,
        secs(t.warning),
        secs(t.critical)
    ));
    let cert_days = report
        .checks
        .iter()
        .filter(|c| c.id == CheckId::TlsCertificate)
        .filter_map(|c| match c.detail {
            crate::report::Detail::Certificate { days_left, .. } => days_left,
            _ => None,
        })
        .min();
    if let Some(days) = cert_days {
        let opt = |d: Option<i64>| d.map(|d| d.to_string()).unwrap_or_default();
        items.push(format!(
            "cert_days={days};{};{}",
            opt(t.cert_warn_days),
            opt(t.cert_crit_days)
        ));
    }
    items.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Check, Endpoint, Report};

    fn report(status: Status) -> Report {
        let e = Endpoint {
            host: "mx.d.test".into(),
            address: "127.0.0.1".parse().unwrap(),
            port: 25,
        };
        let checks = vec![
            Check::new(CheckId::DnsMx, Status::Pass, "1 MX").took(Duration::from_millis(3)),
            Check::new(CheckId::TcpConnect, Status::Pass, "ok")
                .at(&e)
                .took(Duration::from_millis(1)),
            Check::new(
                CheckId::SmtpRcpt,
                status,
                "recipient refused: 550 5.1.1 no | such",
            )
            .at(&e),
        ];
        Report::finished(
            "probe",
            "d.test",
            "d.test",
            checks,
            vec![],
            vec![],
            Duration::from_millis(12),
        )
    }

    fn line(r: &Report, t: &Thresholds) -> String {
        let mut out = Vec::new();
        render(r, t, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn ok_line_with_perfdata() {
        let text = line(&report(Status::Pass), &Thresholds::default());
        assert_eq!(
            text,
            "SMTP OK - d.test: mail accepted by 1 of 1 addresses | time_dns=0.003000s;;;0 time_connect=0.001000s;;;0 time_total=0.012000s;;;0\n"
        );
    }

    #[test]
    fn critical_names_the_failing_check_without_breaking_the_format() {
        let text = line(&report(Status::Fail), &Thresholds::default());
        assert!(text.starts_with("SMTP CRITICAL - d.test: smtp.rcpt mx.d.test [127.0.0.1]: recipient refused: 550 5.1.1 no   such | "), "{text}");
        assert_eq!(text.matches('|').count(), 1);
    }

    #[test]
    fn thresholds_appear_in_perfdata() {
        let t = Thresholds {
            warning: Some(Duration::from_secs(2)),
            critical: Some(Duration::from_millis(5500)),
            ..Default::default()
        };
        assert!(line(&report(Status::Pass), &t).contains("time_total=0.012000s;2;5.5;0"));
    }

    #[test]
    fn threshold_edges() {
        let mut r = report(Status::Pass);
        // exactly at the threshold is not above it
        r.apply_time_thresholds(Some(Duration::from_millis(12)), None);
        assert_eq!(r.verdict, Verdict::Pass);
        let mut r = report(Status::Pass);
        r.apply_time_thresholds(
            Some(Duration::from_millis(11)),
            Some(Duration::from_millis(20)),
        );
        assert_eq!((r.verdict, r.exit_code), (Verdict::Warn, 1));
        let mut r = report(Status::Pass);
        r.apply_time_thresholds(
            Some(Duration::from_millis(5)),
            Some(Duration::from_millis(11)),
        );
        assert_eq!((r.verdict, r.exit_code), (Verdict::Fail, 2));
        assert!(line(&r, &Thresholds::default())
            .starts_with("SMTP CRITICAL - d.test: threshold.time: total time 0.012 s"));
    }
}
