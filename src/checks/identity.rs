//! `dns.ptr` and `smtp.identity`: does each MX address have reverse DNS that
//! resolves back (forward-confirmed), and do the names a server goes by agree?
//! Warn at most: for receiving mail these are hygiene, not breakage.

use super::{Check, CheckId, Status};
use crate::dns::DnsError;
pub use crate::observe::conversation::Observation;
pub use crate::observe::dns::Identity;
use crate::smtp::Timed;
use crate::tls::cert::name_matches;
use serde_json::json;
use std::net::IpAddr;

pub fn identity_checks(obs: &Observation, identity: &Identity) -> Vec<Check> {
    vec![
        ptr_check(obs.endpoint.address, identity).at(&obs.endpoint),
        names_check(obs, identity).at(&obs.endpoint),
    ]
}

fn ptr_check(ip: IpAddr, identity: &Identity) -> Check {
    match &identity.ptr {
        Err(DnsError::NoRecords | DnsError::NxDomain) => Check::new(CheckId::DnsPtr, Status::Info, format!("no PTR record for {ip}"))
            .with("ptr", json!([]))
            .with("cause", "no_ptr")
            .advice("Receiving does not need it, but if this host also sends mail, receivers (Gmail among them) reject mail from addresses without forward-confirmed reverse DNS."),
        Err(e) => Check::new(CheckId::DnsPtr, Status::Info, format!("PTR lookup for {ip} failed: {e}"))
            .with("ptr", json!([]))
            .with("cause", "ptr_lookup_failed"),
        Ok(names) if !identity.confirmed.is_empty() => {
            Check::new(CheckId::DnsPtr, Status::Pass, format!("{ip} has PTR {} (forward-confirmed)", names.join(", ")))
                .with("ptr", names.clone())
                .with("fcrdns", true)
        }
        // Reverse DNS of a private or loopback address means nothing on the
        // internet (and resolvers answer 127.x themselves): info only.
        Ok(names) => Check::new(CheckId::DnsPtr,
            if crate::checks::dns::non_public(ip).is_some() { Status::Info } else { Status::Warn },
            format!("{ip} has PTR {}, which does not resolve back to {ip} (not forward-confirmed)", names.join(", ")),
        )
        .with("ptr", names.clone())
        .with("fcrdns", false)
        .with("cause", "ptr_not_confirmed")
        .advice("Give the PTR name an A/AAAA record with this address (forward-confirmed reverse DNS, FCrDNS); receivers check it for mail this host sends."),
    }
}

/// The name a 220 greeting gives (RFC 5321 §4.3.1: `220 domain text`),
/// when its first word is a host name: never an enhanced status code
/// (`5.7.1`), an address literal or a bare word.
fn banner_name(obs: &Observation) -> Option<String> {
    let Some(Timed {
        value: Ok(reply), ..
    }) = &obs.banner
    else {
        return None;
    };
    if reply.code != 220 {
        return None;
    }
    let first = reply.first_line();
    let word = first.split_whitespace().next()?.trim_end_matches('.');
    is_host_name(word).then(|| word.to_ascii_lowercase())
}

/// Two or more labels of letters, digits and hyphens, the last with a
/// letter (a top-level domain is never all digits, RFC 3696 §2), so
/// `5.7.1` and `192.0.2.1` are not host names.
fn is_host_name(word: &str) -> bool {
    let labels: Vec<&str> = word.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.bytes().any(|b| b.is_ascii_alphabetic()))
}

fn names_check(obs: &Observation, identity: &Identity) -> Check {
    let mx = obs.endpoint.host.to_ascii_lowercase();
    let ptr = identity.ptr.as_ref().ok().and_then(|n| n.first().cloned());
    let banner = banner_name(obs);
    let ehlo = obs
        .capabilities()
        .map(|c| c.greeting_name.to_ascii_lowercase())
        .filter(|n| !n.is_empty());
    let sans: Option<Vec<String>> = obs
        .tls
        .as_ref()
        .and_then(|t| t.certificate.as_ref())
        .and_then(|c| c.as_ref().ok())
        .map(|f| f.sans.clone());
    let mut differ = Vec::new();
    for (what, name) in [("PTR", &ptr), ("the greeting", &banner), ("EHLO", &ehlo)] {
        if let Some(name) = name {
            if *name != mx {
                differ.push(format!("{what} says {name}"));
            }
        }
    }
    if let Some(sans) = &sans {
        if !name_matches(&mx, sans) {
            differ.push(format!("the certificate is for {}", sans.join(", ")));
        }
    }
    let data = json!({"mx": mx, "ptr": ptr, "banner": banner, "ehlo": ehlo, "certificate": sans});
    if mx.parse::<IpAddr>().is_ok() {
        // Probed by address (--server IP): there is no MX name to compare with.
        let seen: Vec<String> = [("PTR", &ptr), ("greeting", &banner), ("EHLO", &ehlo)]
            .iter()
            .filter_map(|(what, n)| n.as_ref().map(|n| format!("{what} {n}")))
            .collect();
        let mut check = Check::new(
            CheckId::SmtpIdentity,
            Status::Info,
            format!(
                "probed by address; the names seen: {}",
                if seen.is_empty() {
                    "none".to_string()
                } else {
                    seen.join(", ")
                }
            ),
        );
        check.data.insert("names".into(), data);
        return check;
    }
    let mut check = if differ.is_empty() {
        Check::new(
            CheckId::SmtpIdentity,
            Status::Pass,
            format!("every name the server goes by is {mx}"),
        )
    } else {
        Check::new(CheckId::SmtpIdentity, Status::Info, format!("the MX is {mx}, but {}", differ.join("; ")))
            .with("cause", "names_disagree")
            .advice("Harmless for delivery when each name resolves, but agreeing names (MX, PTR, greeting, EHLO, certificate) make the server easier to trust and to debug; certificate names matter for senders that verify.")
    };
    check.data.insert("names".into(), data);
    check
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::{greeted, ok};

    fn identity() -> Identity {
        Identity {
            ptr: Err(DnsError::NoRecords),
            confirmed: Vec::new(),
        }
    }

    #[test]
    fn an_enhanced_code_in_a_refusing_greeting_is_not_a_host_name() {
        let mut obs = greeted("mx.d.test", "192.0.2.1");
        obs.banner = ok("554 5.7.1 Service unavailable; client host blocked");
        obs.ehlo = None;
        let check = names_check(&obs, &identity());
        assert!(!check.summary.contains("5.7.1"), "{}", check.summary);
        assert_eq!(check.data["names"]["banner"], serde_json::Value::Null);
    }

    #[test]
    fn the_greeting_name_is_compared_with_the_mx() {
        let mut obs = greeted("mx.d.test", "192.0.2.1");
        obs.banner = ok("220 other.d.test ESMTP Postfix");
        let check = names_check(&obs, &identity());
        assert!(
            check.summary.contains("the greeting says other.d.test"),
            "{}",
            check.summary
        );
    }

    #[test]
    fn host_names() {
        for yes in ["mx.example.com", "a-b.example", "mx1.xn--p1ai"] {
            assert!(is_host_name(yes), "{yes}");
        }
        for no in [
            "5.7.1",
            "192.0.2.1",
            "localhost",
            "-a.example",
            "a..b",
            "[192.0.2.1]",
        ] {
            assert!(!is_host_name(no), "{no}");
        }
    }
}
