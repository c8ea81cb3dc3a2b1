//! DNS block lists: which lists, how to ask them, and what their answers
//! mean. A list is asked by name (`1.2.0.192.zen.spamhaus.org` for the IP
//! 192.0.2.1, `example.com.dbl.spamhaus.org` for a domain); NXDOMAIN means
//! not listed, an A record in 127.0.0.0/8 is the reason. Some answers are
//! not listings at all: Spamhaus answers 127.255.255.252/254/255 when the
//! query itself is refused (a typo in the zone, a public resolver, too many
//! queries), so a receiver that rejects on them blocks clients that are not
//! listed.

use crate::dns::{Dns, DnsError};
use serde::Serialize;
use std::net::{IpAddr, Ipv4Addr};
use tokio::time::Instant;

/// What a list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ListKind {
    /// Sending IPv4 addresses.
    Ip,
    /// Domains (sender domains, links in messages).
    Domain,
}

/// What one answer means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Meaning {
    Listed,
    /// The list refused the query: says nothing about the target.
    QueryRefused,
}

/// One list, with the meaning of each answer it gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct List {
    pub zone: &'static str,
    pub name: &'static str,
    pub kind: ListKind,
    /// `(answer, meaning, words)`; an answer not listed here is a listing
    /// without a documented reason.
    pub answers: &'static [([u8; 4], Meaning, &'static str)],
    /// Where a person looks the target up or asks for removal (`{}`: the target).
    pub lookup: &'static str,
    /// Where the answers are documented.
    pub source: &'static str,
}

use Meaning::{Listed, QueryRefused};

/// Spamhaus's error answers for any of its zones (news article 788).
const SPAMHAUS_ERRORS: [([u8; 4], Meaning, &str); 3] = [
    (
        [127, 255, 255, 252],
        QueryRefused,
        "typing error in the list's name (the query was refused)",
    ),
    (
        [127, 255, 255, 254],
        QueryRefused,
        "the query came through a public or open resolver, which Spamhaus refuses",
    ),
    (
        [127, 255, 255, 255],
        QueryRefused,
        "too many queries from the resolver (over the free-use limit)",
    ),
];

const ZEN: &[([u8; 4], Meaning, &str)] = &[
    (
        [127, 0, 0, 2],
        Listed,
        "SBL: a known spam source or spam operation",
    ),
    (
        [127, 0, 0, 3],
        Listed,
        "CSS: a source of low-reputation mail (Spamhaus CSS)",
    ),
    (
        [127, 0, 0, 4],
        Listed,
        "XBL: an exploited or infected host (botnet, open proxy)",
    ),
    ([127, 0, 0, 5], Listed, "XBL: an exploited or infected host"),
    ([127, 0, 0, 6], Listed, "XBL: an exploited or infected host"),
    ([127, 0, 0, 7], Listed, "XBL: an exploited or infected host"),
    (
        [127, 0, 0, 9],
        Listed,
        "DROP: a hijacked or criminal network",
    ),
    (
        [127, 0, 0, 10],
        Listed,
        "PBL: an end-user address range that should not send mail directly (listed by its ISP)",
    ),
    (
        [127, 0, 0, 11],
        Listed,
        "PBL: an end-user address range that should not send mail directly (listed by Spamhaus)",
    ),
    ([127, 0, 0, 30], Listed, "BCL: a botnet controller"),
    SPAMHAUS_ERRORS[0],
    SPAMHAUS_ERRORS[1],
    SPAMHAUS_ERRORS[2],
];

const DBL: &[([u8; 4], Meaning, &str)] = &[
    ([127, 0, 1, 2], Listed, "a low-reputation (spam) domain"),
    ([127, 0, 1, 4], Listed, "a phishing domain"),
    ([127, 0, 1, 5], Listed, "a malware domain"),
    (
        [127, 0, 1, 6],
        Listed,
        "a botnet command-and-control domain",
    ),
    ([127, 0, 1, 102], Listed, "an abused legitimate domain"),
    (
        [127, 0, 1, 103],
        Listed,
        "an abused redirector or URL shortener",
    ),
    (
        [127, 0, 1, 104],
        Listed,
        "an abused legitimate domain used for phishing",
    ),
    (
        [127, 0, 1, 105],
        Listed,
        "an abused legitimate domain used for malware",
    ),
    (
        [127, 0, 1, 106],
        Listed,
        "an abused legitimate domain hosting a botnet controller",
    ),
    (
        [127, 0, 1, 255],
        QueryRefused,
        "an IP address was asked of a domain list",
    ),
    SPAMHAUS_ERRORS[0],
    SPAMHAUS_ERRORS[1],
    SPAMHAUS_ERRORS[2],
];

/// The lists `smtpcheck blocklist` asks by default, and that replies most
/// often name.
pub const LISTS: &[List] = &[
    List {
        zone: "zen.spamhaus.org",
        name: "Spamhaus ZEN",
        kind: ListKind::Ip,
        answers: ZEN,
        lookup: "https://check.spamhaus.org/results/?query={}",
        source: "https://docs.spamhaus.com/datasets/docs/source/10-data-type-documentation/datasets/040-zones.html",
    },
    List {
        zone: "bl.spamcop.net",
        name: "SpamCop",
        kind: ListKind::Ip,
        answers: &[([127, 0, 0, 2], Listed, "reported as a spam source by SpamCop users (expires when reports stop)")],
        lookup: "https://www.spamcop.net/bl.shtml?{}",
        source: "https://www.spamcop.net/fom-serve/cache/291.html",
    },
    List {
        zone: "b.barracudacentral.org",
        name: "Barracuda Reputation Block List",
        kind: ListKind::Ip,
        answers: &[([127, 0, 0, 2], Listed, "poor reputation at Barracuda")],
        lookup: "https://www.barracudacentral.org/lookups/lookup-reputation?ip={}",
        source: "http://www.barracudacentral.org/rbl/how-to-use",
    },
    List {
        zone: "psbl.surriel.com",
        name: "PSBL",
        kind: ListKind::Ip,
        answers: &[([127, 0, 0, 2], Listed, "sent mail to PSBL's spam traps")],
        lookup: "https://psbl.org/listing?ip={}",
        source: "http://psbl.surriel.com/howto/",
    },
    List {
        zone: "bl.mailspike.net",
        name: "Mailspike",
        kind: ListKind::Ip,
        answers: &[
            ([127, 0, 0, 2], Listed, "part of a distributed spam wave"),
            ([127, 0, 0, 10], Listed, "the worst reputation (L5)"),
            ([127, 0, 0, 11], Listed, "very bad reputation (L4)"),
            ([127, 0, 0, 12], Listed, "bad reputation (L3)"),
        ],
        lookup: "https://mailspike.org/lookup.html",
        source: "https://mailspike.org/usage.html",
    },
    List {
        zone: "dnsbl-1.uceprotect.net",
        name: "UCEPROTECT level 1",
        kind: ListKind::Ip,
        answers: &[([127, 0, 0, 2], Listed, "this address sent to UCEPROTECT's spam traps in the last 7 days")],
        lookup: "https://www.uceprotect.net/en/rblcheck.php?ipr={}",
        source: "https://www.uceprotect.net/en/index.php?m=3&s=3",
    },
    List {
        zone: "dbl.spamhaus.org",
        name: "Spamhaus DBL",
        kind: ListKind::Domain,
        answers: DBL,
        lookup: "https://check.spamhaus.org/results/?query={}",
        source: "https://docs.spamhaus.com/datasets/docs/source/10-data-type-documentation/datasets/040-zones.html",
    },
];

/// The list of that zone, when it is one smtpcheck knows (also under
/// Spamhaus's own names: `sbl.`, `xbl.`, `pbl.`, `sbl-xbl.spamhaus.org`).
pub fn known(zone: &str) -> Option<&'static List> {
    let zone = zone.trim_end_matches('.').to_ascii_lowercase();
    let spamhaus_ip = [
        "sbl.spamhaus.org",
        "xbl.spamhaus.org",
        "pbl.spamhaus.org",
        "sbl-xbl.spamhaus.org",
    ];
    let zone = if spamhaus_ip.contains(&zone.as_str()) {
        "zen.spamhaus.org".to_string()
    } else {
        zone
    };
    LISTS.iter().find(|l| l.zone == zone)
}

/// What a list is asked about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Subject {
    Ip(IpAddr),
    Domain(String),
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Ip(ip) => write!(f, "{ip}"),
            Self::Domain(d) => f.write_str(d),
        }
    }
}

/// The name to ask: reversed IPv4 octets, or the domain, then the zone.
/// `None` for what the list cannot hold (IPv6 here, a domain on an IP list).
pub fn query_name(zone: &str, kind: ListKind, target: &Subject) -> Option<String> {
    match (kind, target) {
        (ListKind::Ip, Subject::Ip(IpAddr::V4(ip))) => {
            let [a, b, c, d] = ip.octets();
            Some(format!("{d}.{c}.{b}.{a}.{zone}"))
        }
        (ListKind::Domain, Subject::Domain(domain)) => {
            Some(format!("{}.{zone}", domain.trim_end_matches('.')))
        }
        _ => None,
    }
}

/// One answer and what it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    pub address: Ipv4Addr,
    pub meaning: Meaning,
    pub words: &'static str,
}

/// What one list said about one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    pub zone: String,
    /// The list, when smtpcheck knows it (its answers' meanings).
    pub list: Option<&'static List>,
    pub target: Subject,
    /// NXDOMAIN (not listed) is `Ok(empty)`.
    pub answers: Result<Vec<Answer>, DnsError>,
    /// The list's TXT record (its own words, often a link).
    pub text: Option<String>,
}

/// Asks `zone` about `target`.
pub async fn lookup(dns: &Dns, zone: &str, target: &Subject, deadline: Instant) -> Lookup {
    let list = known(zone);
    let kind = list.map_or(
        match target {
            Subject::Ip(_) => ListKind::Ip,
            Subject::Domain(_) => ListKind::Domain,
        },
        |l| l.kind,
    );
    let mut found = Lookup {
        zone: zone.to_string(),
        list,
        target: target.clone(),
        answers: Ok(Vec::new()),
        text: None,
    };
    let Some(name) = query_name(zone, kind, target) else {
        found.answers = Err(DnsError::Other(format!("{zone} does not hold {target}")));
        return found;
    };
    let (a, txt) = tokio::join!(dns.a_records(&name, deadline), dns.txt(&name, deadline));
    found.answers = match a {
        Ok(addresses) => Ok(addresses.into_iter().map(|a| meaning(list, a)).collect()),
        Err(DnsError::NxDomain | DnsError::NoRecords) => Ok(Vec::new()),
        Err(e) => Err(e),
    };
    found.text = txt.ok().and_then(|t| t.into_iter().next());
    found
}

fn meaning(list: Option<&List>, address: Ipv4Addr) -> Answer {
    let documented = list.and_then(|l| l.answers.iter().find(|(a, ..)| *a == address.octets()));
    match documented {
        Some((_, meaning, words)) => Answer {
            address,
            meaning: *meaning,
            words,
        },
        // 127.255.255.0/24 is where lists answer about the query itself.
        None if address.octets()[..3] == [127, 255, 255] => Answer {
            address,
            meaning: QueryRefused,
            words: "an error answer about the query itself, not a listing",
        },
        None => Answer {
            address,
            meaning: Listed,
            words: "listed (the list documents no meaning for this answer)",
        },
    }
}

/// The list zone a reply names ("blocked using zen.spamhaus.org").
pub fn zone_named(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    for marker in [
        "blocked using ",
        "listed at ",
        "listed in ",
        "listed on ",
        "listed by ",
        "found on ",
        "black list at ",
        "blacklisted by ",
        "blocklisted by ",
    ] {
        if let Some(pos) = lower.find(marker) {
            let rest = &lower[pos + marker.len()..];
            let word: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
                .collect();
            let word = word.trim_end_matches('.');
            if word.contains('.') && word.chars().any(|c| c.is_ascii_alphabetic()) {
                return Some(word.to_string());
            }
        }
    }
    // A known list named anywhere in the text.
    LISTS
        .iter()
        .find(|l| lower.contains(l.zone))
        .map(|l| l.zone.to_string())
}

/// The client address a reply names (`[192.0.2.7]`, `Client host 192.0.2.7`).
pub fn address_named(text: &str) -> Option<IpAddr> {
    text.split(|c: char| !(c.is_ascii_hexdigit() || c == '.' || c == ':'))
        .filter(|w| w.contains('.'))
        .find_map(|w| w.trim_matches('.').parse::<Ipv4Addr>().ok())
        .map(IpAddr::V4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_to_ask() {
        let ip = Subject::Ip("192.0.2.1".parse().unwrap());
        assert_eq!(
            query_name("zen.spamhaus.org", ListKind::Ip, &ip).as_deref(),
            Some("1.2.0.192.zen.spamhaus.org")
        );
        let domain = Subject::Domain("example.com".into());
        assert_eq!(
            query_name("dbl.spamhaus.org", ListKind::Domain, &domain).as_deref(),
            Some("example.com.dbl.spamhaus.org")
        );
        assert_eq!(query_name("zen.spamhaus.org", ListKind::Ip, &domain), None);
        let v6 = Subject::Ip("2001:db8::1".parse().unwrap());
        assert_eq!(query_name("zen.spamhaus.org", ListKind::Ip, &v6), None);
    }

    #[test]
    fn answers_mean_what_the_lists_document() {
        let zen = known("zen.spamhaus.org");
        assert_eq!(
            meaning(zen, Ipv4Addr::new(127, 0, 0, 4)).words,
            "XBL: an exploited or infected host (botnet, open proxy)"
        );
        assert_eq!(
            meaning(zen, Ipv4Addr::new(127, 255, 255, 254)).meaning,
            QueryRefused
        );
        assert_eq!(
            meaning(known("bl.spamcop.net"), Ipv4Addr::new(127, 255, 255, 1)).meaning,
            QueryRefused
        );
        assert_eq!(meaning(None, Ipv4Addr::new(127, 0, 0, 99)).meaning, Listed);
        assert_eq!(known("sbl.spamhaus.org").unwrap().zone, "zen.spamhaus.org");
    }

    #[test]
    fn zones_and_addresses_in_replies() {
        let text = "Service unavailable; Client host [192.0.2.7] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.7";
        assert_eq!(zone_named(text).as_deref(), Some("zen.spamhaus.org"));
        assert_eq!(address_named(text), Some("192.0.2.7".parse().unwrap()));
        assert_eq!(
            zone_named("Your IP is listed in bl.spamcop.net.").as_deref(),
            Some("bl.spamcop.net")
        );
        assert_eq!(zone_named("blocked using zen"), None);
        assert_eq!(address_named("5.7.1 no address here"), None);
    }
}
