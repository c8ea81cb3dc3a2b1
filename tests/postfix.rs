//! The real path: a real Postfix on loopback (started by scripts/postfix-up,
//! which scripts/test and .ci/run call), found through the tests' own DNS zone.
//! Locally these tests skip with a message when Postfix is absent; with
//! CI=true they must run.

mod support;

use serde_json::Value;
use std::io::Read;
use std::time::Duration;
use support::dns::{zone, TestDns};
use support::{check, checks, smtpcheck_json};

/// True when our configured Postfix answers on 127.0.0.1:25.
fn postfix_running() -> bool {
    let Ok(mut s) = std::net::TcpStream::connect_timeout(
        &"127.0.0.1:25".parse().unwrap(),
        Duration::from_secs(2),
    ) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let mut buf = [0u8; 256];
    let n = s.read(&mut buf).unwrap_or(0);
    String::from_utf8_lossy(&buf[..n]).contains("smtpcheck-test")
}

fn require_postfix() -> bool {
    if postfix_running() {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true but Postfix is not answering on 127.0.0.1:25: scripts/postfix-up must have started it");
    }
    eprintln!(
        "SKIPPED: Postfix is not running on 127.0.0.1:25 (run scripts/test as root to set it up)"
    );
    false
}

fn postfix_zone() -> TestDns {
    TestDns::start(&[&zone(
        "postfix.test",
        "@ MX 10 mx\nmx A 127.0.0.1\nmx AAAA ::1",
    )])
}

fn probe(target: &str, dns: &TestDns) -> (Value, i32) {
    smtpcheck_json(&[
        "probe",
        target,
        "--resolver",
        &dns.resolver_arg(),
        "--helo",
        "client.smtpcheck.test",
        "--from",
        "probe@postfix.test",
    ])
}

#[test]
fn postfix_accepts_postmaster_on_both_addresses() {
    if !require_postfix() {
        return;
    }
    let dns = postfix_zone();
    let (doc, code) = probe("postfix.test", &dns);
    assert_eq!(
        (doc["verdict"].as_str(), code),
        (Some("pass"), 0),
        "{doc:#}"
    );
    let connects = checks(&doc, "tcp.connect");
    let addresses: Vec<&str> = connects
        .iter()
        .map(|c| c["address"].as_str().unwrap())
        .collect();
    assert_eq!(addresses, ["127.0.0.1", "::1"]);
    for banner in checks(&doc, "smtp.banner") {
        assert!(banner["data"]["text"]
            .as_str()
            .unwrap()
            .starts_with("mx.postfix.test ESMTP"));
    }
    for ehlo in checks(&doc, "smtp.ehlo") {
        let caps: Vec<&str> = ehlo["data"]["capabilities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert!(
            caps.contains(&"PIPELINING") && caps.contains(&"SIZE"),
            "{caps:?}"
        );
        assert_eq!(ehlo["data"]["greeting_name"], "mx.postfix.test");
    }
    for rcpt in checks(&doc, "smtp.rcpt") {
        assert_eq!(
            (
                rcpt["data"]["code"].as_u64(),
                rcpt["data"]["enhanced_code"].as_str()
            ),
            (Some(250), Some("2.1.5"))
        );
        assert_eq!(rcpt["data"]["pipelined"], true);
    }
}

#[test]
fn postfix_rejects_an_unknown_user() {
    if !require_postfix() {
        return;
    }
    let dns = postfix_zone();
    let (doc, code) = probe("nosuchuser@postfix.test", &dns);
    assert_eq!(
        (doc["verdict"].as_str(), code),
        (Some("fail"), 2),
        "{doc:#}"
    );
    for rcpt in checks(&doc, "smtp.rcpt") {
        assert_eq!(rcpt["data"]["cause"], "unknown_user", "{rcpt:#}");
        assert_eq!(rcpt["data"]["enhanced_code"], "5.1.1");
    }
}

#[test]
fn postfix_denies_relaying_for_a_foreign_domain() {
    if !require_postfix() {
        return;
    }
    // elsewhere.test's MX points at our Postfix, which does not serve it.
    let dns = TestDns::start(&[
        &zone("elsewhere.test", "@ MX 10 mx.postfix.test.\n"),
        &zone("postfix.test", "mx A 127.0.0.1"),
    ]);
    let (doc, code) = probe("elsewhere.test", &dns);
    assert_eq!(code, 2, "{doc:#}");
    let rcpt = check(&doc, "smtp.rcpt");
    assert_eq!(
        (
            rcpt["data"]["code"].as_u64(),
            rcpt["data"]["cause"].as_str()
        ),
        (Some(554), Some("relay_denied")),
        "{rcpt:#}"
    );
}

#[test]
fn step_commands_against_postfix() {
    if !require_postfix() {
        return;
    }
    let dns = postfix_zone();
    let resolver = dns.resolver_arg();
    let (doc, code) = smtpcheck_json(&[
        "ehlo",
        "postfix.test",
        "--resolver",
        &resolver,
        "--helo",
        "client.smtpcheck.test",
    ]);
    assert_eq!(code, 0, "{doc:#}");
    assert!(checks(&doc, "smtp.mail").is_empty());
    assert_eq!(checks(&doc, "smtp.ehlo").len(), 2);
    let (doc, code) = smtpcheck_json(&["banner", "postfix.test", "--resolver", &resolver]);
    assert_eq!(code, 0, "{doc:#}");
    assert!(checks(&doc, "smtp.ehlo").is_empty());
}
