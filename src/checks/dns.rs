//! `dns.mx` and `dns.address`: where mail for the domain goes (RFC 5321 §5.1).

use super::{Check, CheckId, Detail, Status};
use crate::checks::finding::MxKind;
use crate::dns::{DnsError, MxRecord};
pub use crate::observe::dns::{MxOutcome, Published};
use serde_json::{json, Value};
use std::net::IpAddr;
use std::time::Duration;

fn records_json(records: &[MxRecord]) -> Value {
    records
        .iter()
        .map(|r| json!({"preference": r.preference, "exchange": r.exchange}))
        .collect()
}

pub fn mx_check(domain: &str, outcome: &MxOutcome, elapsed: Duration) -> Check {
    let check = |status, summary: String| Check::new(CheckId::DnsMx, status, summary).took(elapsed);
    match outcome {
        MxOutcome::Records(records) if outcome.is_null_mx() => check(
            Status::Fail,
            format!("null MX: {domain} publishes \"MX 0 .\", so it does not accept mail (RFC 7505)"),
        )
        .with("source", "null")
        .with("records", records_json(records))
        .detail(Detail::Mx(MxKind::Null))
        .advice("If this domain should receive mail, replace the null MX record with MX records naming your mail servers."),
        MxOutcome::Records(records) => {
            let listed: Vec<String> = records
                .iter()
                .map(|r| format!("{} {}", r.preference, r.exchange))
                .collect();
            let has_null = records.iter().any(MxRecord::is_null);
            // A long list is cut with a count: every record stays in the data.
            let shown = match listed.len() > MX_SHOWN {
                true => format!("{}, and {} more (all in --json)", listed[..MX_SHOWN].join(", "), listed.len() - MX_SHOWN),
                false => listed.join(", "),
            };
            let summary = format!(
                "{} MX record{}: {shown}",
                records.len(),
                if records.len() == 1 { "" } else { "s" },
            );
            let c = check(if has_null { Status::Warn } else { Status::Pass }, summary)
                .with("source", "mx")
                .with("records", records_json(records))
                .detail(Detail::Mx(MxKind::Records));
            if has_null {
                c.advice("A null MX (\"MX 0 .\") must be the only MX record (RFC 7505 §3); senders may treat the domain as not accepting mail. Remove the null MX or the others.")
            } else {
                c
            }
        }
        MxOutcome::Implicit(addresses) => check(
            Status::Warn,
            format!("no MX records: mail goes to {domain} itself (implicit MX, RFC 5321 §5.1)"),
        )
        .with("source", "implicit")
        .detail(Detail::Mx(MxKind::Implicit))
        .with("records", json!([{"preference": 0, "exchange": domain}]))
        .with("addresses", addresses.iter().map(|a| a.to_string()).collect::<Vec<_>>())
        .advice(format!("Publish an MX record for {domain}: the implicit MX works, but it is fragile and some senders and checkers treat a missing MX as a misconfiguration.")),
        MxOutcome::NoMailHost => check(
            Status::Fail,
            format!("{domain} has no MX records and no address: it cannot receive mail"),
        )
        .with("source", Value::Null)
        .with("records", json!([]))
        .with("dns_error", "nodata")
        .detail(Detail::Mx(MxKind::NoMailHost))
        .advice(format!("Publish MX records for {domain} naming the servers that receive its mail.")),
        MxOutcome::Failed(e) => mx_timeout_cause(e, check(Status::Fail, mx_failure_summary(domain, e)))
            .with("source", Value::Null)
            .with("records", json!([]))
            .with("dns_error", e.kind())
            .detail(Detail::Mx(match e {
                DnsError::NxDomain => MxKind::NoMailHost,
                _ => MxKind::Failed,
            }))
            .advice(dns_advice(e)),
        MxOutcome::ResolverDown { resolver, error } => check(
            Status::Fail,
            format!("could not check: the DNS resolver {resolver} did not answer the MX question ({error})"),
        )
        .with("source", Value::Null)
        .with("records", json!([]))
        .with("dns_error", error.kind())
        .with("resolver", resolver.clone())
        .with("cause", "resolver_unreachable")
        .detail(Detail::Mx(MxKind::ResolverDown))
        .advice("This says nothing about the domain: the resolver smtpcheck asks is down, unreachable or refuses to serve this machine. Check --resolver (or /etc/resolv.conf) and try again."),
    }
}

/// A timed-out MX question has its own cause, so that a scan's many
/// timeouts under resolver load are told apart from domains that fail.
fn mx_timeout_cause(e: &DnsError, check: Check) -> Check {
    match e {
        DnsError::Timeout(_) => check.with("cause", "dns_timeout"),
        _ => check,
    }
}

fn mx_failure_summary(domain: &str, e: &DnsError) -> String {
    match e {
        DnsError::NxDomain => format!("{domain} does not exist (NXDOMAIN)"),
        other => format!("MX lookup for {domain} failed: {other}"),
    }
}

fn dns_advice(e: &DnsError) -> &'static str {
    match e {
        DnsError::NxDomain => "Check the spelling. If the domain is new, its registration or delegation may not be complete yet.",
        DnsError::ServFail => "The domain's name servers fail to answer, or DNSSEC validation fails: check the delegation (dig +trace) and the DNSSEC signatures. Senders will defer mail until this is fixed.",
        DnsError::Timeout(_) => "No DNS answer in time: the domain's name servers do not respond (lame or overloaded), or the resolver in use dropped the question (in a big scan, under load: lower -j) or is unreachable (see --resolver).",
        DnsError::Refused => "The resolver refused the query: it may not allow recursion for this client. Try another resolver with --resolver.",
        DnsError::NoRecords | DnsError::Other(_) => "Check the domain's DNS records with dig, from this machine and from another network.",
    }
}

/// The most MX records a summary names (100 make a 3,000-character line).
const MX_SHOWN: usize = 8;

pub fn address_check(
    host: &str,
    result: &Result<Vec<IpAddr>, DnsError>,
    elapsed: Duration,
) -> Check {
    let c = |status, summary: String| {
        Check::new(CheckId::DnsAddress, status, summary)
            .host(host)
            .took(elapsed)
    };
    match result {
        Ok(addresses) => {
            let list: Vec<String> = addresses.iter().map(|a| a.to_string()).collect();
            c(Status::Pass, format!("{host} has address{} {}", if list.len() == 1 { "" } else { "es" }, list.join(", ")))
                .with("addresses", list)
        }
        Err(e) => c(Status::Fail, format!("{host} has no address: {e}"))
            .with("addresses", json!([]))
            .with("dns_error", e.kind())
            .advice(match e {
                DnsError::NxDomain | DnsError::NoRecords => format!("Senders cannot reach this MX: publish an A and/or AAAA record for {host}, or remove the MX record that names it."),
                other => dns_advice(other).to_string(),
            }),
    }
}

/// `dns.address` when `-4`, `-6` or `--source` left addresses out: the
/// summary says which; an exchange with none of the family left is a skip
/// (not a failure: its other addresses exist, this run does not use them).
pub fn with_left_out(check: Check, probed: &[IpAddr], left_out: &[IpAddr]) -> Check {
    let Some(first) = left_out.first() else {
        return check;
    };
    let other = crate::observe::Family::of(*first);
    let kept = other.other();
    let list: Vec<String> = left_out.iter().map(IpAddr::to_string).collect();
    let host = check.host.clone().unwrap_or_default();
    let check = check.with("left_out", list.clone());
    if probed.is_empty() {
        return Check {
            status: Status::Skip,
            summary: format!(
                "{host} has no {} address; its {} address{} {} left out ({} only)",
                kept.name(),
                other.name(),
                if list.len() == 1 { "" } else { "es" },
                list.join(", "),
                kept.name()
            ),
            advice: None,
            ..check
        };
    }
    let summary = format!(
        "{} ({} left out: {} only)",
        check.summary,
        list.join(", "),
        kept.name()
    );
    Check { summary, ..check }
}

pub use crate::dns::non_public;

/// `dns.hygiene`: what is wrong with how the MX records are published. One
/// check per finding (none when all is well).
pub fn hygiene_checks(
    published: &[Published],
    records: &[MxRecord],
    allow_private: bool,
) -> Vec<Check> {
    let mut out = Vec::new();
    let finding = |host: &str, cause: &str, summary: String, advice: &str| {
        Check::new(CheckId::DnsHygiene, Status::Warn, summary)
            .host(host)
            .with("cause", cause)
            .advice(advice)
    };
    let names: Vec<&str> = records.iter().map(|r| r.exchange.as_str()).collect();
    let mut seen: Vec<&str> = Vec::new();
    for name in &names {
        if seen.contains(name) && *name != "." {
            out.push(finding(
                name,
                "duplicate_mx",
                format!("{name} is listed in more than one MX record"),
                "List each exchange once, with the preference you mean.",
            ));
        }
        seen.push(name);
    }
    for x in published {
        if x.name.parse::<IpAddr>().is_ok() {
            out.push(finding(&x.name, "mx_is_ip_literal", format!("the MX record names an IP address ({}) instead of a host name", x.name), "An MX exchange must be a host name with A/AAAA records (RFC 5321 §5.1); many senders will not use an IP here. Publish a name for it."));
        }
        if let Some(target) = &x.cname {
            out.push(finding(&x.name, "mx_is_cname", format!("{} is a CNAME (to {target}), which an MX exchange must not be (RFC 2181 §10.3)", x.name), "Point the MX record at the canonical name, or give the exchange its own A/AAAA records."));
        }
        if allow_private {
            continue;
        }
        for ip in &x.addresses {
            if let Some(kind) = non_public(*ip) {
                out.push(
                    finding(&x.name, "non_public_address", format!("{} resolves to {ip}, a {kind} address that senders on the internet cannot reach", x.name), "Publish the exchange's public address; for a lab or internal mail, --allow-private accepts such addresses.")
                        .with("address_kind", kind),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mx(p: u16, e: &str) -> MxRecord {
        MxRecord {
            preference: p,
            exchange: e.into(),
        }
    }

    #[test]
    fn a_long_mx_list_is_cut_with_a_count() {
        let records: Vec<MxRecord> = (0..100).map(|i| mx(i, &format!("mx{i}.d.test"))).collect();
        let c = mx_check("d.test", &MxOutcome::Records(records), Default::default());
        assert!(
            c.summary
                .starts_with("100 MX records: 0 mx0.d.test, 1 mx1.d.test"),
            "{}",
            c.summary
        );
        assert!(
            c.summary
                .ends_with("7 mx7.d.test, and 92 more (all in --json)"),
            "{}",
            c.summary
        );
        assert_eq!(c.data["records"].as_array().unwrap().len(), 100);
    }

    #[test]
    fn null_mx_is_fail() {
        let c = mx_check(
            "d.test",
            &MxOutcome::Records(vec![mx(0, ".")]),
            Duration::ZERO,
        );
        assert_eq!(
            (c.status, c.data["source"].as_str()),
            (Status::Fail, Some("null"))
        );
        assert!(c.summary.contains("does not accept mail"));
    }

    #[test]
    fn null_mx_among_others_is_warn() {
        let c = mx_check(
            "d.test",
            &MxOutcome::Records(vec![mx(0, "."), mx(10, "mx.d.test")]),
            Duration::ZERO,
        );
        assert_eq!(c.status, Status::Warn);
    }

    #[test]
    fn records_are_listed() {
        let c = mx_check(
            "d.test",
            &MxOutcome::Records(vec![mx(10, "a.d.test"), mx(20, "b.d.test")]),
            Duration::ZERO,
        );
        assert_eq!(c.status, Status::Pass);
        assert_eq!(c.summary, "2 MX records: 10 a.d.test, 20 b.d.test");
        assert_eq!(c.data["records"][1]["exchange"], "b.d.test");
    }

    #[test]
    fn implicit_mx_is_warn_and_failures_name_the_cause() {
        let c = mx_check(
            "d.test",
            &MxOutcome::Implicit(vec!["127.0.0.1".parse().unwrap()]),
            Duration::ZERO,
        );
        assert_eq!(
            (c.status, c.data["source"].as_str()),
            (Status::Warn, Some("implicit"))
        );
        let c = mx_check(
            "d.test",
            &MxOutcome::Failed(DnsError::NxDomain),
            Duration::ZERO,
        );
        assert_eq!(
            (c.status, c.data["dns_error"].as_str()),
            (Status::Fail, Some("nxdomain"))
        );
        let c = mx_check(
            "d.test",
            &MxOutcome::Failed(DnsError::ServFail),
            Duration::ZERO,
        );
        assert!(c.summary.contains("SERVFAIL"));
        let c = mx_check("d.test", &MxOutcome::NoMailHost, Duration::ZERO);
        assert_eq!(c.status, Status::Fail);
    }

    #[test]
    fn exchange_without_address_is_fail() {
        let c = address_check("mx.d.test", &Err(DnsError::NxDomain), Duration::ZERO);
        assert_eq!(
            (c.status, c.host.as_deref()),
            (Status::Fail, Some("mx.d.test"))
        );
        let c = address_check(
            "mx.d.test",
            &Ok(vec!["::1".parse().unwrap()]),
            Duration::ZERO,
        );
        assert_eq!(c.summary, "mx.d.test has address ::1");
    }
}

#[cfg(test)]
mod hygiene_tests {
    use super::*;

    fn mx(p: u16, e: &str) -> MxRecord {
        MxRecord {
            preference: p,
            exchange: e.into(),
        }
    }

    fn published(name: &str, cname: Option<&str>, ips: &[&str]) -> Published {
        Published {
            name: name.into(),
            cname: cname.map(Into::into),
            addresses: ips.iter().map(|i| i.parse().unwrap()).collect(),
        }
    }

    #[test]
    fn address_classes() {
        for (ip, kind) in [
            ("127.0.0.1", "loopback"),
            ("10.1.2.3", "private (RFC 1918)"),
            ("192.168.0.1", "private (RFC 1918)"),
            ("100.64.0.1", "shared carrier-grade NAT space (RFC 6598)"),
            ("192.0.2.1", "documentation (RFC 5737)"),
            ("::1", "loopback"),
            ("fd00::1", "unique local (RFC 4193)"),
            ("fe80::1", "link-local"),
            ("2001:db8::1", "documentation (RFC 3849)"),
        ] {
            assert_eq!(non_public(ip.parse().unwrap()), Some(kind), "{ip}");
        }
        for ip in ["8.8.8.8", "2a00:1450::1", "100.128.0.1"] {
            assert_eq!(non_public(ip.parse().unwrap()), None, "{ip}");
        }
    }

    #[test]
    fn findings() {
        let records = [mx(10, "a.d.test"), mx(20, "a.d.test")];
        let p = [
            published("a.d.test", Some("b.d.test"), &["10.0.0.1"]),
            published("192.0.2.7", None, &[]),
        ];
        let causes: Vec<String> = hygiene_checks(&p, &records, false)
            .iter()
            .map(|c| c.data["cause"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            causes,
            [
                "duplicate_mx",
                "mx_is_cname",
                "non_public_address",
                "mx_is_ip_literal"
            ]
        );
        let allowed: Vec<Check> = hygiene_checks(&p, &records, true);
        assert!(allowed
            .iter()
            .all(|c| c.data["cause"] != "non_public_address"));
    }
}
