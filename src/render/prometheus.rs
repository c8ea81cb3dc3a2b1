//! One probe as Prometheus metrics (`smtpcheck serve`, `GET /probe`), in
//! the multi-target pattern of blackbox_exporter: `probe_success` and
//! `probe_duration_seconds` as it names them, then smtpcheck's own, in base
//! units (seconds, seconds since the epoch), `_info` series for text
//! (Prometheus naming conventions). Written with the prometheus-client
//! crate's OpenMetrics encoder.

use super::human::{endpoints, is_at, STEPS};
use crate::report::{Check, Detail, Report, Status, Verdict};
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;

type Labels = Vec<(String, String)>;
type FloatGauge = Gauge<f64, AtomicU64>;

/// The value of `smtpcheck_check_status`: 0 pass (or info), 1 warn, 2 fail.
fn status_value(status: Status) -> Option<i64> {
    match status {
        Status::Pass | Status::Info => Some(0),
        Status::Warn => Some(1),
        Status::Fail => Some(2),
        Status::Skip => None,
    }
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The exposition of `report` (module `module`).
pub fn probe(report: &Report, module: &str) -> Result<String, std::fmt::Error> {
    let mut registry = Registry::default();
    // blackbox_exporter's meaning: the probe found what it looks for, here
    // that mail can reach the domain (pass or warn).
    let success = Gauge::<i64>::default();
    success.set(i64::from(matches!(
        report.verdict,
        Verdict::Pass | Verdict::Warn
    )));
    registry.register(
        "probe_success",
        "Whether mail can reach the target (verdict pass or warn)",
        success,
    );
    let duration = FloatGauge::default();
    duration.set(report.duration_ms / 1000.0);
    registry.register(
        "probe_duration_seconds",
        "How long the probe took",
        duration,
    );
    let verdict = Family::<Labels, Gauge>::default();
    for v in [Verdict::Pass, Verdict::Warn, Verdict::Fail, Verdict::Error] {
        verdict
            .get_or_create(&labels(&[("verdict", v.as_str())]))
            .set(i64::from(report.verdict == v));
    }
    registry.register(
        "smtpcheck_verdict",
        "The verdict: 1 for the one reached, 0 for the others",
        verdict,
    );
    let exit = Gauge::<i64>::default();
    exit.set(i64::from(report.exit_code));
    registry.register(
        "smtpcheck_exit_code",
        "The exit code smtpcheck would give: 0 pass, 1 warn, 2 fail, 3 could not check",
        exit,
    );
    let info = Family::<Labels, Gauge>::default();
    info.get_or_create(&labels(&[
        ("module", module),
        ("target", &report.target),
        ("version", env!("CARGO_PKG_VERSION")),
    ]))
    .set(1);
    registry.register(
        "smtpcheck_probe_info",
        "What was probed, with which module",
        info,
    );
    per_address(report, &mut registry);
    per_check(report, &mut registry);
    let mut out = String::new();
    encode(&mut out, &registry)?;
    Ok(out)
}

/// Step times, success, TLS and certificate per address.
fn per_address(report: &Report, registry: &mut Registry) {
    let steps = Family::<Labels, FloatGauge>::default();
    let success = Family::<Labels, Gauge>::default();
    let tls = Family::<Labels, Gauge>::default();
    let expiry = Family::<Labels, Gauge>::default();
    for e in endpoints(report) {
        let (host, address) = (e.host.clone(), e.address.to_string());
        let here: Vec<&Check> = report.checks.iter().filter(|c| is_at(c, &e)).collect();
        for (id, _, word) in STEPS {
            let step = word.to_ascii_lowercase();
            // EHLO twice (before and inside TLS): the first is the step.
            if let Some(ms) = here
                .iter()
                .filter(|c| c.id == id)
                .find_map(|c| c.duration_ms)
            {
                steps
                    .get_or_create(&labels(&[
                        ("host", &host),
                        ("address", &address),
                        ("step", &step),
                    ]))
                    .set(ms / 1000.0);
            }
        }
        let failed = here
            .iter()
            .any(|c| c.status == Status::Fail && STEPS.iter().any(|(id, _, _)| *id == c.id));
        success
            .get_or_create(&labels(&[("host", &host), ("address", &address)]))
            .set(i64::from(!failed));
        for c in &here {
            if let Detail::Tls { version, cipher } = &c.detail {
                tls.get_or_create(&labels(&[
                    ("host", &host),
                    ("address", &address),
                    ("version", version),
                    ("cipher", cipher),
                ]))
                .set(1);
            }
            if let Detail::Certificate { facts: Some(f), .. } = &c.detail {
                expiry
                    .get_or_create(&labels(&[("host", &host), ("address", &address)]))
                    .set(f.not_after_unix);
            }
        }
    }
    registry.register(
        "smtpcheck_step_duration_seconds",
        "How long each step of the conversation took, per address",
        steps,
    );
    registry.register(
        "smtpcheck_address_success",
        "Whether every step of the delivery path passed at this address",
        success,
    );
    registry.register(
        "smtpcheck_tls_version_info",
        "The TLS version and suite negotiated, per address",
        tls,
    );
    registry.register(
        "smtpcheck_certificate_expiry_timestamp_seconds",
        "When the certificate the address presented expires (notAfter), in seconds since the epoch",
        expiry,
    );
}

/// Every check's status: 0 pass or info, 1 warn, 2 fail (skips left out);
/// a check made twice at one address (EHLO before and inside TLS) counts
/// its worst.
fn per_check(report: &Report, registry: &mut Registry) {
    let status = Family::<Labels, Gauge>::default();
    for c in &report.checks {
        let Some(value) = status_value(c.status) else {
            continue;
        };
        let host = c.host.clone().unwrap_or_default();
        let address = c.address.map(|a| a.to_string()).unwrap_or_default();
        let gauge = status.get_or_create(&labels(&[
            ("id", c.id.as_str()),
            ("host", &host),
            ("address", &address),
        ]));
        if value > gauge.get() {
            gauge.set(value);
        }
    }
    registry.register(
        "smtpcheck_check_status",
        "Each check's status: 0 pass or info, 1 warn, 2 fail (tls.dane, policy.mta_sts, tls.certificate, ...)",
        status,
    );
}

/// The Prometheus text format (0.0.4) of an OpenMetrics exposition, for
/// scrapers that do not ask for OpenMetrics (and `promtool check
/// metrics`): a counter's family takes its samples' `_total` name, and the
/// `# UNIT` and `# EOF` lines go.
pub fn text_format(openmetrics: &str) -> String {
    let counters: Vec<&str> = openmetrics
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE ")?.strip_suffix(" counter"))
        .collect();
    let mut out = String::with_capacity(openmetrics.len());
    for line in openmetrics.lines() {
        if line == "# EOF" || line.starts_with("# UNIT ") {
            continue;
        }
        let renamed = ["# HELP ", "# TYPE "].iter().find_map(|prefix| {
            let rest = line.strip_prefix(prefix)?;
            let (name, tail) = rest.split_once(' ')?;
            counters
                .contains(&name)
                .then(|| format!("{prefix}{name}_total {tail}"))
        });
        out.push_str(renamed.as_deref().unwrap_or(line));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_take_their_total_name_in_the_text_format() {
        let om = "# HELP x_probes Probes.\n# TYPE x_probes counter\nx_probes_total{a=\"b\"} 1\n# HELP g A gauge.\n# TYPE g gauge\n# UNIT g seconds\ng 2\n# EOF\n";
        assert_eq!(
            text_format(om),
            "# HELP x_probes_total Probes.\n# TYPE x_probes_total counter\nx_probes_total{a=\"b\"} 1\n# HELP g A gauge.\n# TYPE g gauge\ng 2\n"
        );
    }
}
