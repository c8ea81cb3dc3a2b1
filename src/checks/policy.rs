//! `policy.spf`, `policy.dmarc`, `policy.tls_rpt`: how the domain tells
//! receivers who may send for it (SPF, RFC 7208), what to do with mail that
//! fails (DMARC, RFC 7489), and where to report TLS failures (TLS-RPT,
//! RFC 8460).

use super::finding::StsMode;
use super::{Check, CheckId, Detail, Status};
use crate::dns::DnsError;
use crate::observe::policy::{
    DmarcObservation, SpfObservation, TlsRptObservation, SPF_LOOKUP_LIMIT,
};

pub fn spf_check(domain: &str, obs: &SpfObservation) -> Check {
    let id = CheckId::PolicySpf;
    let records = match &obs.records {
        Err(DnsError::NoRecords | DnsError::NxDomain) => {
            return Check::new(id, Status::Warn, format!("{domain} publishes no SPF record"))
                .with("cause", "spf_missing")
                .advice("Publish a TXT record \"v=spf1 mx -all\" (or the hosts that really send for the domain); without it receivers cannot tell forged mail from yours, and many score it as spam.");
        }
        Err(e) => {
            return Check::new(
                id,
                Status::Warn,
                format!("SPF lookup for {domain} failed: {e}"),
            )
            .with("cause", "spf_lookup_failed");
        }
        Ok(r) => r,
    };
    let base = |status, summary: String| {
        Check::new(id, status, summary)
            .with("records", records.clone())
            .with("lookups", obs.lookups)
            .with("void_lookups", obs.void_lookups)
            .with("problems", obs.problems.clone())
    };
    if records.len() > 1 {
        return base(
            Status::Fail,
            format!(
                "{domain} publishes {} SPF records; RFC 7208 §4.5 makes that a permerror",
                records.len()
            ),
        )
        .with("cause", "spf_multiple")
        .advice("Merge them into one v=spf1 record.");
    }
    let record = &records[0];
    if let Some(term) = record.split_whitespace().skip(1).find(|t| !known_term(t)) {
        return base(
            Status::Fail,
            format!("SPF record has an unknown term \"{term}\": a permerror (RFC 7208 §4.6)"),
        )
        .with("cause", "spf_syntax")
        .advice("Fix the record's syntax; receivers treat the whole record as an error.");
    }
    if obs.lookups > SPF_LOOKUP_LIMIT {
        return base(Status::Fail, format!("SPF needs {} or more DNS lookups, over the limit of {SPF_LOOKUP_LIMIT} (RFC 7208 §4.6.4): a permerror", obs.lookups))
            .with("cause", "spf_too_many_lookups")
            .advice("Flatten includes (replace some with ip4:/ip6: ranges) until the count through every include and redirect is at most 10.");
    }
    if obs.void_lookups > 2 {
        return base(
            Status::Fail,
            format!(
                "SPF makes {} lookups that find nothing; RFC 7208 §4.6.4 allows 2",
                obs.void_lookups
            ),
        )
        .with("cause", "spf_void_lookups")
        .advice("Remove the terms that point at names without records.");
    }
    let all = record.split_whitespace().find(|t| {
        t.trim_start_matches(['+', '-', '~', '?'])
            .eq_ignore_ascii_case("all")
    });
    let redirect = record.to_ascii_lowercase().contains("redirect=");
    let summary = format!("{record} ({} DNS lookups)", obs.lookups);
    match all.map(|t| t.chars().next().unwrap_or('+')) {
        Some('-') | Some('~') if obs.problems.is_empty() => base(Status::Pass, summary),
        _ if !obs.problems.is_empty() => base(
            Status::Warn,
            format!("{summary}: {}", obs.problems.join("; ")),
        )
        .with("cause", "spf_include_problem")
        .advice("Every include must name a domain with exactly one SPF record."),
        Some('?') => base(
            Status::Warn,
            format!("{summary}: \"?all\" says nothing about other senders"),
        )
        .with("cause", "spf_neutral")
        .advice("End the record with \"~all\" or \"-all\" once the list of senders is complete."),
        None if redirect => base(Status::Pass, summary),
        None => base(
            Status::Warn,
            format!("{summary}: no \"all\" term, so other senders are neutral"),
        )
        .with("cause", "spf_no_all")
        .advice("End the record with \"~all\" or \"-all\"."),
        Some(_) => base(
            Status::Fail,
            format!(
                "{summary}: \"+all\" authorizes every host on the internet to send as {domain}"
            ),
        )
        .with("cause", "spf_allows_all")
        .advice("Replace \"+all\" with \"-all\" (or \"~all\") after listing the real senders."),
    }
}

/// A term the record may hold: a known mechanism (with its qualifier), a
/// known modifier, or any other modifier, which RFC 7208 §6 says MUST be
/// ignored (`name=value`, name = ALPHA *(ALPHA / DIGIT / "-" / "_" / "."),
/// §4.6.1). Only an unknown mechanism is a permerror.
fn known_term(term: &str) -> bool {
    if let Some((name, _)) = term.split_once('=') {
        let mut chars = name.chars();
        let is_name = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if is_name {
            return true;
        }
    }
    let t = term
        .trim_start_matches(['+', '-', '~', '?'])
        .to_ascii_lowercase();
    let name = t.split([':', '=', '/']).next().unwrap_or("");
    matches!(
        name,
        "all" | "include" | "a" | "mx" | "ptr" | "ip4" | "ip6" | "exists" | "redirect" | "exp"
    )
}

/// Tags of a `k=v; k=v` record (DMARC, TLS-RPT).
fn tags(record: &str) -> Vec<(String, String)> {
    record
        .split(';')
        .filter_map(|part| {
            let (k, v) = part.split_once('=')?;
            Some((k.trim().to_ascii_lowercase(), v.trim().to_string()))
        })
        .collect()
}

pub fn dmarc_check(domain: &str, obs: &DmarcObservation) -> Check {
    let id = CheckId::PolicyDmarc;
    let records = match &obs.records {
        Ok(r) => r,
        Err(DnsError::NoRecords | DnsError::NxDomain) => {
            return Check::new(id, Status::Warn, format!("{domain} publishes no DMARC record (nor its organizational domain)"))
                .with("cause", "dmarc_missing")
                .advice("Publish \"v=DMARC1; p=none; rua=mailto:...\" at _dmarc to start collecting reports, then move to quarantine or reject; Gmail and Yahoo require DMARC from bulk senders.");
        }
        Err(e) => {
            return Check::new(id, Status::Warn, format!("DMARC lookup failed: {e}"))
                .with("cause", "dmarc_lookup_failed")
        }
    };
    let at = obs.found_at.clone().unwrap_or_else(|| domain.to_string());
    if records.len() > 1 {
        return Check::new(
            id,
            Status::Fail,
            format!(
                "_dmarc.{at} has {} DMARC records; receivers ignore them all (RFC 7489 §6.6.3)",
                records.len()
            ),
        )
        .with("cause", "dmarc_multiple")
        .advice("Keep exactly one v=DMARC1 record.");
    }
    let t = tags(&records[0]);
    let get = |k: &str| t.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    let p = get("p").map(|p| p.to_ascii_lowercase());
    let c = |status, summary: String| {
        Check::new(id, status, summary)
            .with("record", records[0].clone())
            .with("found_at", at.clone())
            .with("p", p.clone())
            .with("sp", get("sp"))
            .with("pct", get("pct"))
            .with("rua", get("rua"))
    };
    let inherited = if at != domain {
        format!(" (from the organizational domain {at})")
    } else {
        String::new()
    };
    match p.as_deref() {
        Some("reject") | Some("quarantine") => c(
            Status::Pass,
            format!("DMARC p={}{inherited}", p.as_deref().unwrap_or("")),
        ),
        Some("none") => c(
            Status::Warn,
            format!("DMARC p=none{inherited}: monitoring only, failing mail is still delivered"),
        )
        .with("cause", "dmarc_monitoring_only")
        .advice(
            "Once the reports show your own mail passes, move to p=quarantine and then p=reject.",
        ),
        _ => c(
            Status::Fail,
            format!("DMARC record{inherited} has no valid p= tag: receivers ignore it"),
        )
        .with("cause", "dmarc_syntax")
        .advice("The record must start \"v=DMARC1; p=none|quarantine|reject\" (RFC 7489 §6.3)."),
    }
}

pub fn tls_rpt_check(domain: &str, obs: &TlsRptObservation) -> Check {
    let id = CheckId::PolicyTlsRpt;
    let records = match &obs.records {
        Ok(r) => r,
        Err(DnsError::NoRecords | DnsError::NxDomain) => {
            return Check::new(id, Status::Info, format!("no TLS-RPT record at _smtp._tls.{domain}"))
                .with("cause", "tls_rpt_missing")
                .advice("Optional: \"v=TLSRPTv1; rua=mailto:tls-reports@...\" asks senders to report TLS failures to you (RFC 8460).");
        }
        Err(e) => return Check::new(id, Status::Info, format!("TLS-RPT lookup failed: {e}")),
    };
    if records.len() > 1 {
        return Check::new(
            id,
            Status::Warn,
            format!(
                "_smtp._tls.{domain} has {} TLS-RPT records; senders use none",
                records.len()
            ),
        )
        .with("cause", "tls_rpt_malformed");
    }
    let t = tags(&records[0]);
    let rua: Vec<String> = t
        .iter()
        .find(|(k, _)| k == "rua")
        .map(|(_, v)| v.split(',').map(|u| u.trim().to_string()).collect())
        .unwrap_or_default();
    let valid = !rua.is_empty()
        && rua
            .iter()
            .all(|u| u.starts_with("mailto:") || u.starts_with("https:"));
    if !valid {
        return Check::new(
            id,
            Status::Warn,
            format!(
                "TLS-RPT record \"{}\" needs rua= with mailto: or https: targets",
                records[0]
            ),
        )
        .with("record", records[0].clone())
        .with("cause", "tls_rpt_malformed")
        .advice("Write it as \"v=TLSRPTv1; rua=mailto:tls-reports@example.com\" (RFC 8460 §3).");
    }
    Check::new(
        id,
        Status::Pass,
        format!("TLS failures are reported to {}", rua.join(", ")),
    )
    .with("record", records[0].clone())
    .with("rua", rua)
}

/// An MTA-STS policy file (RFC 8461 §3.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StsPolicy {
    pub mode: StsMode,
    pub mx: Vec<String>,
    pub max_age: u64,
}

/// RFC 8461 §3.2: max_age at most 31557600 seconds (a year).
pub const STS_MAX_AGE: u64 = 31_557_600;

pub fn parse_sts_policy(body: &str) -> Result<StsPolicy, String> {
    let mut version = None;
    let mut mode = None;
    let mut mx = Vec::new();
    let mut max_age = None;
    for line in body.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let (key, value) = line
            .split_once(':')
            .ok_or_else(|| format!("\"{line}\" is not \"key: value\""))?;
        let value = value.trim().to_string();
        match key.trim() {
            "version" => version = Some(value),
            "mode" => mode = Some(value),
            "mx" => mx.push(value.to_ascii_lowercase()),
            "max_age" => {
                max_age = Some(
                    value
                        .parse::<u64>()
                        .map_err(|_| format!("max_age \"{value}\" is not a number"))?,
                )
            }
            _ => {}
        }
    }
    if version.as_deref() != Some("STSv1") {
        return Err("version must be STSv1".into());
    }
    let mode = match mode.as_deref().ok_or("no mode")? {
        "enforce" => StsMode::Enforce,
        "testing" => StsMode::Testing,
        "none" => StsMode::None,
        other => return Err(format!("mode \"{other}\" is not enforce, testing or none")),
    };
    let max_age = max_age.ok_or("no max_age")?;
    if max_age > STS_MAX_AGE {
        return Err(format!(
            "max_age {max_age} exceeds {STS_MAX_AGE} (RFC 8461 §3.2)"
        ));
    }
    if mx.is_empty() && mode != StsMode::None {
        return Err("no mx patterns".into());
    }
    Ok(StsPolicy { mode, mx, max_age })
}

/// RFC 8461 §4.1: `*.example.com` matches exactly one leftmost label.
pub fn sts_mx_matches(pattern: &str, host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    match pattern.strip_prefix("*.") {
        Some(suffix) => host
            .split_once('.')
            .is_some_and(|(first, rest)| !first.is_empty() && rest == suffix),
        None => host == pattern,
    }
}

/// `policy.mta_sts`: the policy against the MX hosts, and against their
/// certificates when a probe saw them (`certificate_ok` per host).
pub fn mta_sts_check(
    domain: &str,
    obs: &crate::observe::policy::MtaStsObservation,
    mx_hosts: &[String],
    certificate_ok: &[(String, bool)],
) -> Check {
    let id = CheckId::PolicyMtaSts;
    let txt = match &obs.txt {
        Err(DnsError::NoRecords | DnsError::NxDomain) => {
            return Check::new(id, Status::Info, format!("{domain} publishes no MTA-STS policy"))
                .with("cause", "mta_sts_missing")
                .advice("Optional: MTA-STS (RFC 8461) makes senders such as Gmail and Microsoft require valid TLS to your MX, which stops downgrade attacks.");
        }
        Err(e) => {
            return Check::new(id, Status::Warn, format!("MTA-STS TXT lookup failed: {e}"))
                .with("cause", "mta_sts_lookup_failed")
        }
        Ok(t) => t,
    };
    if txt.len() > 1 || !txt[0].to_ascii_lowercase().contains("id=") {
        return Check::new(id, Status::Warn, format!("_mta-sts.{domain} must hold exactly one \"v=STSv1; id=...\" record"))
            .with("records", txt.clone())
            .with("cause", "mta_sts_txt_malformed")
            .advice("Publish one TXT record \"v=STSv1; id=20260101\" and change the id whenever the policy changes.");
    }
    let body = match &obs.fetched {
        Some(Ok(body)) => body,
        Some(Err(why)) => {
            return Check::new(id, Status::Warn, format!("MTA-STS policy could not be fetched: {why}"))
                .with("cause", "mta_sts_fetch_failed")
                .advice("Senders find the TXT record but no usable policy, so they ignore MTA-STS. Serve https://mta-sts.DOMAIN/.well-known/mta-sts.txt as text/plain with a valid certificate for mta-sts.DOMAIN, without redirects.");
        }
        None => return Check::new(id, Status::Info, "MTA-STS policy not fetched"),
    };
    let policy = match parse_sts_policy(body) {
        Ok(p) => p,
        Err(why) => {
            return Check::new(id, Status::Warn, format!("MTA-STS policy is invalid: {why}"))
                .with("cause", "mta_sts_policy_invalid")
                .advice("Fix the policy file (RFC 8461 §3.2): version: STSv1, mode, one mx line per pattern, max_age.");
        }
    };
    let uncovered: Vec<&String> = mx_hosts
        .iter()
        .filter(|h| !policy.mx.iter().any(|p| sts_mx_matches(p, h)))
        .collect();
    let bad_certs: Vec<&String> = certificate_ok
        .iter()
        .filter(|(_, ok)| !ok)
        .map(|(h, _)| h)
        .collect();
    let detail = Detail::MtaSts {
        mode: Some(policy.mode),
        uncovered: uncovered.iter().map(|s| s.to_string()).collect(),
        tls_failures: bad_certs.iter().map(|s| s.to_string()).collect(),
    };
    let c = |status, summary: String| {
        Check::new(id, status, summary)
            .detail(detail.clone())
            .with("mode", policy.mode.as_str())
            .with("mx", policy.mx.clone())
            .with("max_age", policy.max_age)
            .with(
                "uncovered_mx",
                uncovered.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            )
            .with(
                "certificate_failures",
                bad_certs.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            )
    };
    if policy.mode == StsMode::None {
        return c(
            Status::Info,
            "MTA-STS mode none: senders are told to drop the policy".into(),
        );
    }
    if uncovered.is_empty() && bad_certs.is_empty() {
        return c(
            Status::Pass,
            format!(
                "MTA-STS mode {}: every MX matches {} with a valid certificate",
                policy.mode.as_str(),
                policy.mx.join(", ")
            ),
        );
    }
    let mut problems = Vec::new();
    if !uncovered.is_empty() {
        problems.push(format!(
            "no mx pattern matches {}",
            uncovered
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !bad_certs.is_empty() {
        problems.push(format!(
            "TLS with {} does not verify (a certificate that fails, or no working STARTTLS)",
            bad_certs
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let (status, consequence) = if policy.mode == StsMode::Enforce {
        (
            Status::Fail,
            "MTA-STS-enforcing senders (Gmail, Microsoft) will defer mail to those MX",
        )
    } else {
        (Status::Warn, "mode testing: senders only report it (TLS-RPT), but enforce would break delivery there")
    };
    c(status, format!("MTA-STS mode {}: {}; {consequence}", policy.mode.as_str(), problems.join("; ")))
        .with("cause", if uncovered.is_empty() { "mta_sts_certificate" } else { "mta_sts_mx_mismatch" })
        .advice("Add an mx line for every MX (a \"*.\" pattern covers one label), and give every MX a certificate valid for its name.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sts_policy_parsing() {
        let p = parse_sts_policy("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmax_age: 604800\r\n").unwrap();
        assert_eq!(
            (p.mode, p.mx.len(), p.max_age),
            (StsMode::Enforce, 2, 604_800)
        );
        assert!(
            parse_sts_policy("version: STSv1\nmode: enforce\nmx: a\nmax_age: 99999999")
                .unwrap_err()
                .contains("exceeds")
        );
        assert!(parse_sts_policy("version: STSv2\nmode: enforce\nmx: a\nmax_age: 1").is_err());
        assert!(parse_sts_policy("version: STSv1\nmode: sometimes\nmx: a\nmax_age: 1").is_err());
    }

    #[test]
    fn unknown_spf_modifiers_are_ignored_and_unknown_mechanisms_are_errors() {
        for term in [
            "v2=x",
            "moo.cow-far_out=man:dog/cat",
            "exp=explain.%{d}",
            "redirect=_spf.example.com",
            "-all",
            "ip4:192.0.2.0/24",
            "include:_spf.example.com",
        ] {
            assert!(known_term(term), "{term}");
        }
        for term in ["foo:bar", "+mx2", "spf2.0/pra", "=x", "1a=b"] {
            assert!(!known_term(term), "{term}");
        }
    }

    #[test]
    fn sts_wildcards_match_one_label() {
        assert!(sts_mx_matches("*.example.net", "mx1.example.net"));
        assert!(!sts_mx_matches("*.example.net", "a.mx1.example.net"));
        assert!(!sts_mx_matches("*.example.net", "example.net"));
        assert!(sts_mx_matches("mail.example.com", "MAIL.example.com."));
    }
}
