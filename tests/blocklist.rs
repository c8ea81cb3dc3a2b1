//! Block lists, against an in-process DNS server standing in for them
//! (never a public list): `smtpcheck blocklist`, and the lookup a probe
//! makes when a refusal names a list.

mod support;

use support::dns::{zone, TestDns};
use support::smtp::{responder, FakeSmtp, Greeting};
use support::{check, checks, smtpcheck_json};

/// ZEN lists 192.0.2.7 as XBL and refuses 192.0.2.8 (a public resolver),
/// SpamCop lists nothing, DBL lists spam.test.
fn lists() -> TestDns {
    TestDns::start(&[
        &zone(
            "zen.spamhaus.org",
            "7.2.0.192 A 127.0.0.4\n7.2.0.192 TXT \"https://www.spamhaus.org/query/ip/192.0.2.7\"\n8.2.0.192 A 127.255.255.254",
        ),
        &zone("bl.spamcop.net", "2.0.0.127 A 127.0.0.2"),
        &zone("dbl.spamhaus.org", "spam.test A 127.0.1.2"),
    ])
}

fn blocklist(dns: &TestDns, targets: &[&str]) -> (serde_json::Value, i32) {
    let resolver = dns.resolver_arg();
    let mut args = vec!["blocklist"];
    args.extend_from_slice(targets);
    args.extend([
        "--list",
        "zen.spamhaus.org",
        "--list",
        "bl.spamcop.net",
        "--list",
        "dbl.spamhaus.org",
        "--resolver",
        &resolver,
        "--timeout",
        "2",
    ]);
    smtpcheck_json(&args)
}

#[test]
fn a_listed_address_fails_with_what_the_answer_means() {
    let dns = lists();
    let (doc, code) = blocklist(&dns, &["192.0.2.7"]);
    assert_eq!(
        (doc["verdict"].as_str(), code),
        (Some("fail"), 2),
        "{doc:#}"
    );
    let found = checks(&doc, "dns.blocklist");
    assert_eq!(found.len(), 2, "IP lists only: {doc:#}");
    let zen = found
        .iter()
        .find(|c| c["data"]["zone"] == "zen.spamhaus.org")
        .unwrap();
    assert_eq!(zen["data"]["result"], "listed");
    assert!(
        zen["summary"]
            .as_str()
            .unwrap()
            .contains("XBL: an exploited or infected host"),
        "{zen:#}"
    );
    assert_eq!(
        zen["data"]["text"],
        "https://www.spamhaus.org/query/ip/192.0.2.7"
    );
    let spamcop = found
        .iter()
        .find(|c| c["data"]["zone"] == "bl.spamcop.net")
        .unwrap();
    assert_eq!(
        (
            spamcop["status"].as_str(),
            spamcop["data"]["result"].as_str()
        ),
        (Some("pass"), Some("not_listed"))
    );
}

#[test]
fn a_refused_query_is_not_a_listing() {
    let dns = lists();
    let (doc, code) = blocklist(&dns, &["192.0.2.8"]);
    assert_eq!(
        (doc["verdict"].as_str(), code),
        (Some("warn"), 1),
        "{doc:#}"
    );
    let zen = checks(&doc, "dns.blocklist")
        .into_iter()
        .find(|c| c["data"]["zone"] == "zen.spamhaus.org")
        .unwrap();
    assert_eq!(zen["data"]["result"], "query_refused");
    assert!(
        zen["summary"]
            .as_str()
            .unwrap()
            .contains("public or open resolver"),
        "{zen:#}"
    );
}

#[test]
fn domains_go_to_the_domain_lists_and_clean_targets_pass() {
    let dns = lists();
    let (doc, code) = blocklist(&dns, &["spam.test"]);
    assert_eq!(code, 2, "{doc:#}");
    let dbl = check(&doc, "dns.blocklist");
    assert!(
        dbl["summary"]
            .as_str()
            .unwrap()
            .contains("a low-reputation (spam) domain"),
        "{dbl:#}"
    );
    let (doc, code) = blocklist(&dns, &["192.0.2.9", "clean.test"]);
    assert_eq!(
        (doc["verdict"].as_str(), code),
        (Some("pass"), 0),
        "{doc:#}"
    );
    assert_eq!(checks(&doc, "dns.blocklist").len(), 3);
}

#[test]
fn bad_targets_are_one_clear_line() {
    let (doc, code) = smtpcheck_json(&["blocklist", "2001:db8::1"]);
    assert_eq!(code, 3);
    assert!(doc["error"].as_str().unwrap().contains("IPv6"), "{doc:#}");
}

/// A refusal that names a list and the client address: the probe asks the
/// list and says what the listing is.
#[test]
fn a_refusal_naming_a_list_is_looked_up() {
    let dns = lists();
    let base = responder(&[], "250 2.1.5 Ok");
    let smtp = FakeSmtp::start(
        "127.0.0.1:0",
        Greeting::Send(b"220 fake.test ESMTP\r\n".to_vec()),
        std::sync::Arc::new(move |line: &str, tls: bool| {
            if line.starts_with("RCPT") {
                return Some(b"554 5.7.1 Service unavailable; Client host [192.0.2.7] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.7\r\n".to_vec());
            }
            base(line, tls)
        }),
    );
    let mut args = support::smtp::plaintext_args("probe", Some("d.test"), &smtp);
    args.extend([
        "--resolver".to_string(),
        dns.resolver_arg(),
        "--no-transport-policy".into(),
    ]);
    let (doc, code) = smtpcheck_json(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code, 2, "{doc:#}");
    assert_eq!(check(&doc, "smtp.rcpt")["data"]["cause"], "blocklisted");
    let lookup = check(&doc, "dns.blocklist");
    assert_eq!(
        (lookup["status"].as_str(), lookup["data"]["target"].as_str()),
        (Some("warn"), Some("192.0.2.7")),
        "{lookup:#}"
    );
    assert!(
        lookup["summary"].as_str().unwrap().contains("XBL"),
        "{lookup:#}"
    );
}
