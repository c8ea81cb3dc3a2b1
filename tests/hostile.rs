//! Hostile and broken peers: each must end within its deadline with a named
//! cause, exit 2, and no panic. The upper bounds on `duration_ms` are the
//! deadline under test plus a margin for process start-up, not speed checks.

mod support;

use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use support::dns::{zone, TestDns};
use support::pki::Pki;
use support::smtp::{responder, Config, FakeSmtp, Greeting, Upgrade};
use support::{check, checks, smtpcheck_json};

/// How much later than its deadline a run may end (process start, exit).
const MARGIN_MS: f64 = 3000.0;

fn run(smtp: &FakeSmtp, extra: &[&str]) -> (Value, i32) {
    let dns = TestDns::start(&[&zone("hostile.test", "@ MX 10 mx\nmx A 127.0.0.1")]);
    let (resolver, port) = (dns.resolver_arg(), smtp.port().to_string());
    let mut args = vec![
        "probe",
        "hostile.test",
        "--resolver",
        &resolver,
        "--allow-private",
        "--port",
        &port,
        "--timeout",
        "2",
    ];
    args.extend_from_slice(extra);
    smtpcheck_json(&args)
}

/// Asserts exit 2, the banner's error kind, no panic, and an end on time.
fn banner_fails(greeting: Greeting, kind: &str) -> Value {
    let smtp = FakeSmtp::start("127.0.0.1:0", greeting, responder(&[], "250 Ok"));
    let (doc, code) = run(&smtp, &[]);
    assert_eq!(code, 2, "{doc:#}");
    let banner = check(&doc, "smtp.banner");
    assert_eq!(banner["data"]["error_kind"], kind, "{banner:#}");
    assert!(
        doc["duration_ms"].as_f64().unwrap() < 2000.0 + MARGIN_MS,
        "{doc:#}"
    );
    banner.clone()
}

#[test]
fn never_greets() {
    banner_fails(Greeting::Never, "timeout");
}

#[test]
fn greets_after_the_deadline() {
    // The greeting would complete after 3 s; the step deadline is 2 s.
    let late = Greeting::Drip(
        b"2".repeat(30).into_iter().chain(*b"0 late\r\n").collect(),
        Duration::from_millis(100),
    );
    banner_fails(late, "timeout");
}

#[test]
fn drips_a_byte_a_second_forever() {
    let b = banner_fails(
        Greeting::Drip(b"220-".repeat(1000), Duration::from_secs(1)),
        "timeout",
    );
    assert!(b["summary"]
        .as_str()
        .unwrap()
        .contains("no complete reply within"));
}

#[test]
fn ten_mebibytes_without_a_line_end() {
    let b = banner_fails(Greeting::Flood(10 << 20), "protocol");
    assert!(b["summary"]
        .as_str()
        .unwrap()
        .contains("longer than 4096 bytes"));
}

#[test]
fn endless_continuation_lines() {
    let b = banner_fails(
        Greeting::Endless(b"220-still greeting\r\n".to_vec()),
        "protocol",
    );
    assert!(
        b["summary"]
            .as_str()
            .unwrap()
            .contains("more than 100 lines"),
        "{b:#}"
    );
}

#[test]
fn random_bytes() {
    // A fixed pseudo-random sequence (xorshift), so the test is repeatable.
    let mut x: u32 = 0x9e37_79b9;
    let noise: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    banner_fails(Greeting::Send(noise), "protocol");
}

#[test]
fn nul_bytes() {
    let b = banner_fails(Greeting::Send(b"220\0\0\0 hello\r\n".to_vec()), "protocol");
    assert!(
        b["summary"].as_str().unwrap().contains("\\x00"),
        "NUL shown escaped: {b:#}"
    );
}

#[test]
fn continuation_line_with_another_code() {
    let b = banner_fails(
        Greeting::Send(b"220-mx.hostile.test\r\n250 surprise\r\n".to_vec()),
        "protocol",
    );
    assert!(b["summary"]
        .as_str()
        .unwrap()
        .contains("continuation line has code 250"));
}

#[test]
fn reset_in_the_middle_of_a_reply() {
    banner_fails(Greeting::ResetAfter(b"220-half a greet".to_vec()), "reset");
}

#[test]
fn close_right_after_accept() {
    banner_fails(Greeting::Close, "closed");
}

#[test]
fn reply_split_across_one_byte_segments_still_parses() {
    let greeting = b"220-mx.hostile.test ESMTP\r\n220-slow but fine\r\n220 ready\r\n".to_vec();
    let smtp = FakeSmtp::start(
        "127.0.0.1:0",
        Greeting::Drip(greeting, Duration::from_millis(2)),
        responder(&[], "250 Ok"),
    );
    // Drip then lingers: the banner completes, and EHLO then gets no answer.
    let dns = TestDns::start(&[&zone("hostile.test", "@ MX 10 mx\nmx A 127.0.0.1")]);
    let (resolver, port) = (dns.resolver_arg(), smtp.port().to_string());
    let (doc, _) = smtpcheck_json(&[
        "banner",
        "hostile.test",
        "--resolver",
        &resolver,
        "--allow-private",
        "--port",
        &port,
    ]);
    let b = check(&doc, "smtp.banner");
    assert_eq!(b["status"], "pass", "{b:#}");
    assert_eq!(
        b["data"]["text"],
        "mx.hostile.test ESMTP\nslow but fine\nready"
    );
}

#[test]
fn four_twenty_one_in_the_middle_of_the_session() {
    let base = responder(&[], "250 Ok");
    let respond = Arc::new(move |line: &str, tls: bool| {
        if line.starts_with("MAIL") {
            return Some(
                b"421 4.3.2 Service shutting down, closing transmission channel\r\n".to_vec(),
            );
        }
        base(line, tls)
    });
    let smtp = FakeSmtp::start(
        "127.0.0.1:0",
        Greeting::Send(b"220 ok\r\n".to_vec()),
        respond,
    );
    let (doc, code) = run(&smtp, &["--tls", "off"]);
    assert_eq!(code, 1, "421 is transient: {doc:#}");
    let mail = check(&doc, "smtp.mail");
    assert_eq!(
        (mail["status"].as_str(), mail["data"]["code"].as_u64()),
        (Some("warn"), Some(421))
    );
    assert_eq!(mail["data"]["cause"], "service_unavailable", "{mail:#}");
    assert_eq!(check(&doc, "smtp.rcpt")["status"], "skip");
}

#[test]
fn starttls_answered_with_garbage_instead_of_a_handshake() {
    let smtp = FakeSmtp::with(
        "127.0.0.1:0",
        Config {
            upgrade: Upgrade::Garbage,
            ..Config::new(responder(&["STARTTLS"], "250 Ok"))
        },
    );
    // Opportunistic senders retry without STARTTLS and deliver: a warning,
    // with the transaction tested on the plaintext retry.
    let (doc, code) = run(&smtp, &[]);
    assert_eq!(code, 1, "{doc:#}");
    let tls = check(&doc, "tls.starttls");
    assert_eq!(
        (tls["status"].as_str(), tls["data"]["cause"].as_str()),
        (Some("warn"), Some("tls_broken")),
        "{doc:#}"
    );
    assert_eq!(tls["data"]["error_kind"], "not_tls", "{doc:#}");
    let rcpt = check(&doc, "smtp.rcpt");
    assert_eq!(rcpt["status"], "pass", "{doc:#}");
    assert_eq!(check(&doc, "smtp.mail")["data"]["plaintext_retry"], true);
    // --tls require: no retry, a failure
    let (doc, code) = run(&smtp, &["--require-tls"]);
    assert_eq!(
        (code, check(&doc, "smtp.rcpt")["status"].as_str()),
        (2, Some("skip")),
        "{doc:#}"
    );
    // in words, without rustls' InvalidContentType
    let summary = tls["summary"].as_str().unwrap();
    assert!(
        summary.contains("its first bytes are not a TLS record"),
        "{summary}"
    );
    assert!(!summary.contains("InvalidContentType"), "{summary}");
}

#[test]
fn a_chain_of_fifty_certificates() {
    let pki = Pki::new();
    let leaf = pki.long_chain("mx.hostile.test", 49);
    assert_eq!(leaf.chain.len(), 50);
    let smtp = FakeSmtp::with(
        "127.0.0.1:0",
        Config {
            upgrade: Upgrade::Accept(leaf.server_config()),
            ..Config::new(responder(&["STARTTLS"], "250 Ok"))
        },
    );
    let ca = pki.ca_file();
    let (doc, code) = run(&smtp, &["--ca-file", &ca]);
    assert_eq!(code, 1, "{doc:#}");
    let cert = check(&doc, "tls.certificate");
    assert_eq!(cert["data"]["chain_length"], 50);
    assert_eq!(cert["status"], "warn");
    assert!(
        !cert["data"]["problems"].as_array().unwrap().is_empty(),
        "{cert:#}"
    );
}

fn dns_run(zones: &[&str], target: &str, extra: &[&str]) -> (Value, i32) {
    let dns = TestDns::start(zones);
    let resolver = dns.resolver_arg();
    let mut args = vec![
        "mx",
        target,
        "--resolver",
        &resolver,
        "--allow-private",
        "--timeout",
        "2",
    ];
    args.extend_from_slice(extra);
    smtpcheck_json(&args)
}

#[test]
fn dns_that_never_answers() {
    let (doc, code) = dns_run(&[&zone("slow.test", "")], "blackhole.slow.test", &[]);
    assert_eq!(code, 2);
    assert_eq!(check(&doc, "dns.mx")["data"]["dns_error"], "timeout");
    assert!(doc["duration_ms"].as_f64().unwrap() < 2000.0 + MARGIN_MS);
}

#[test]
fn truncated_udp_answer_is_retried_over_tcp() {
    let z = zone("big.test", "truncated MX 10 mx\nmx A 127.0.0.1");
    let (doc, code) = dns_run(&[&z], "truncated.big.test", &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(
        check(&doc, "dns.mx")["data"]["records"][0]["exchange"],
        "mx.big.test"
    );
}

#[test]
fn cname_loop_ends_with_a_named_dns_cause() {
    let z = zone("loop.test", "a CNAME b\nb CNAME a");
    let (doc, code) = dns_run(&[&z], "a.loop.test", &[]);
    assert_eq!(code, 2, "{doc:#}");
    let mx = check(&doc, "dns.mx");
    assert_eq!(mx["status"], "fail");
    assert!(mx["data"]["dns_error"].is_string(), "{mx:#}");
    assert!(doc["duration_ms"].as_f64().unwrap() < 2000.0 + MARGIN_MS);
}

#[test]
fn a_hundred_mx_records_are_capped_and_the_cap_is_said() {
    let records: String = (0..100).map(|i| format!("@ MX {i} mx{i}\n")).collect();
    let (doc, code) = dns_run(&[&zone("many.test", &records)], "many.test", &[]);
    assert_eq!(code, 2, "no exchange has an address: {doc:#}");
    let mx = check(&doc, "dns.mx");
    assert_eq!(mx["data"]["records"].as_array().unwrap().len(), 100);
    assert_eq!(mx["data"]["probed_exchanges"], 16);
    assert!(mx["summary"]
        .as_str()
        .unwrap()
        .contains("only the first 16 are probed"));
    assert_eq!(checks(&doc, "dns.address").len(), 16);
}
