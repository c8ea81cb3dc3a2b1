//! TLS end to end: STARTTLS and implicit TLS against fake servers holding
//! certificates made by rcgen, each certificate cause asserted on its own.

mod support;

use serde_json::{json, Value};
use std::sync::Arc;
use support::pki::{Pki, SignedBy};
use support::smtp::{responder, Config, FakeSmtp, Upgrade};
use support::{check, checks, smtpcheck_json};

const HOST: &str = "mx.tls.test";

/// A zone for tls.test whose MX mx.tls.test is 127.0.0.1.
fn zone() -> support::dns::TestDns {
    support::dns::TestDns::start(&[&support::dns::zone(
        "tls.test",
        "@ MX 10 mx\nmx A 127.0.0.1",
    )])
}

/// `probe tls.test` against `smtp`, through `dns`, and `extra`.
fn probe_line(dns: &support::dns::TestDns, smtp: &FakeSmtp, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["probe", "tls.test", "--resolver"]
        .map(String::from)
        .to_vec();
    args.push(dns.resolver_arg());
    args.extend(["--allow-private", "--port"].map(String::from));
    args.push(smtp.port().to_string());
    args.extend(["--helo", "client.test"].map(String::from));
    args.extend(extra.iter().map(|a| a.to_string()));
    args
}

fn run(smtp: &FakeSmtp, extra: &[&str]) -> (Value, i32) {
    let dns = zone();
    let args = probe_line(&dns, smtp, extra);
    smtpcheck_json(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

fn cert_problems(doc: &Value) -> Value {
    check(doc, "tls.certificate")["data"]["problems"].clone()
}

#[test]
fn valid_certificate_passes_and_the_transaction_runs_inside_tls() {
    let pki = Pki::new();
    let leaf = pki.leaf(&[HOST], -1, 365, SignedBy::Ca);
    let smtp = FakeSmtp::starttls(Upgrade::Accept(leaf.server_config()));
    let ca = pki.ca_file();
    let (doc, code) = run(&smtp, &["--ca-file", &ca]);
    assert_eq!(
        (doc["verdict"].as_str(), code),
        (Some("pass"), 0),
        "{doc:#}"
    );
    let tls = check(&doc, "tls.starttls");
    assert_eq!(tls["data"]["version"], "TLSv1.3");
    // the IANA name, as docs/json-schema.md promises
    assert_eq!(tls["data"]["cipher"], "TLS_AES_256_GCM_SHA384");
    assert_eq!(tls["data"]["key_exchange_group"], "X25519");
    assert!(tls["data"]["handshake_ms"].as_f64().unwrap() > 0.0);
    let cert = &check(&doc, "tls.certificate")["data"];
    assert_eq!(cert["problems"], json!([]));
    assert_eq!(cert["sans"], json!([HOST]));
    assert_eq!(cert["issuer"], "CN=smtpcheck Test Root CA");
    assert_eq!(cert["subject"], "CN=mx.tls.test");
    assert_eq!(
        (cert["chain_length"].as_u64(), cert["self_signed"].as_bool()),
        (Some(1), Some(false))
    );
    assert_eq!(cert["days_left"], 365);
    assert_eq!(cert["key"], "EC P-256");
    assert_eq!(cert["signature_algorithm"], "ecdsa-with-SHA256");
    assert_eq!(cert["sha256"].as_str().unwrap().len(), 32 * 3 - 1);
    assert!(cert["verification_error"].is_null());
    // EHLO again inside TLS, then MAIL/RCPT inside TLS, never before
    let ehlos = checks(&doc, "smtp.ehlo");
    assert_eq!(
        (
            ehlos[0]["data"]["after_tls"].as_bool(),
            ehlos[1]["data"]["after_tls"].as_bool()
        ),
        (Some(false), Some(true))
    );
    assert_eq!(
        smtp.received(),
        [
            "EHLO client.test",
            "STARTTLS",
            "EHLO client.test",
            "MAIL FROM:<>",
            "RCPT TO:<postmaster@tls.test>",
            "RSET",
            "QUIT"
        ]
    );
    let lines = doc["transcripts"][0]["lines"].as_array().unwrap();
    let mail = lines.iter().find(|l| l["text"] == "MAIL FROM:<>").unwrap();
    assert_eq!(mail["tls"], true);
}

#[test]
fn unknown_issuer_warns_and_fails_under_require() {
    let pki = Pki::new();
    let leaf = pki.leaf(&[HOST], -1, 365, SignedBy::Ca);
    let smtp = FakeSmtp::starttls(Upgrade::Accept(leaf.server_config()));
    let (doc, code) = run(&smtp, &[]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(cert_problems(&doc), json!(["unknown_issuer"]));
    let cert = check(&doc, "tls.certificate");
    assert_eq!(cert["status"], "warn");
    assert!(
        cert["summary"]
            .as_str()
            .unwrap()
            .contains("smtpcheck Test Root CA"),
        "{cert:#}"
    );
    assert_eq!(
        cert["data"]["verification_error"],
        "unknown issuer (no chain to a trusted CA)"
    );
    // opportunistic TLS: the transaction still ran
    assert_eq!(check(&doc, "smtp.rcpt")["status"], "pass");
    let (doc, code) = run(&smtp, &["--require-tls"]);
    assert_eq!(code, 2);
    assert_eq!(check(&doc, "tls.certificate")["status"], "fail");
    assert_eq!(check(&doc, "smtp.mail")["status"], "skip");
}

/// A lone leaf whose issuer is no root (and names no issuer certificate):
/// a missing intermediate and a private CA look alike, and both are said;
/// a whole chain ending at an unknown root is said as that.
#[test]
fn a_lone_leaf_names_both_a_missing_intermediate_and_a_private_ca() {
    let pki = Pki::new();
    let lone = pki.leaf(&[HOST], -1, 365, SignedBy::Ca);
    let smtp = FakeSmtp::starttls(Upgrade::Accept(lone.server_config()));
    let (doc, _) = run(&smtp, &[]);
    let summary = check(&doc, "tls.certificate")["summary"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(summary.contains("sent only its own certificate") && summary.contains("the intermediate certificate is missing from the chain it sends, or \"CN=smtpcheck Test Root CA\" is a private CA"), "{summary}");
    let whole = pki.leaf(
        &[HOST],
        -1,
        365,
        SignedBy::Intermediate {
            send_intermediate: true,
        },
    );
    let smtp = FakeSmtp::starttls(Upgrade::Accept(whole.server_config()));
    let (doc, _) = run(&smtp, &[]);
    let summary = check(&doc, "tls.certificate")["summary"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        summary.contains("unknown issuer: the chain ends at"),
        "{summary}"
    );
    assert_eq!(cert_problems(&doc), json!(["unknown_issuer"]));
}

#[test]
fn expired_certificate_says_since_when() {
    let pki = Pki::new();
    let leaf = pki.leaf(&[HOST], -100, -3, SignedBy::Ca);
    let smtp = FakeSmtp::starttls(Upgrade::Accept(leaf.server_config()));
    let ca = pki.ca_file();
    let (doc, code) = run(&smtp, &["--ca-file", &ca]);
    assert_eq!(code, 1);
    assert_eq!(cert_problems(&doc), json!(["expired"]));
    let cert = check(&doc, "tls.certificate");
    assert!(
        cert["summary"]
            .as_str()
            .unwrap()
            .contains("expired 2 days ago"),
        "{cert:#}"
    );
    assert_eq!(cert["data"]["cause"], "expired");
    assert_eq!(cert["data"]["verification_error"], "certificate expired");
    assert!(cert["data"]["days_left"].as_i64().unwrap() < 0);
}

/// `--cert-days 21,7` on an expired certificate: past the critical mark,
/// so CRITICAL (exit 2), and the perfdata carries the thresholds.
#[test]
fn an_expired_certificate_is_critical_under_cert_days() {
    let pki = Pki::new();
    let leaf = pki.leaf(&[HOST], -100, -3, SignedBy::Ca);
    let smtp = FakeSmtp::starttls(Upgrade::Accept(leaf.server_config()));
    let ca = pki.ca_file();
    let dns = zone();
    let args = probe_line(
        &dns,
        &smtp,
        &[
            "--ca-file",
            &ca,
            "--cert-days",
            "21,7",
            "--format",
            "nagios",
        ],
    );
    let out = support::smtpcheck(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let line = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{line}");
    assert!(line.starts_with("SMTP CRITICAL - "), "{line}");
    let perf = line.split('|').nth(1).expect("perfdata");
    let cert = perf
        .split_whitespace()
        .find(|p| p.starts_with("cert_days="))
        .expect("cert_days in the perfdata");
    assert!(cert.ends_with(";21;7"), "{cert}");
    // the same certificate without --cert-days: opportunistic senders
    // deliver, so a warning
    let (doc, code) = run(&smtp, &["--ca-file", &ca]);
    assert_eq!(code, 1, "{doc:#}");
}

#[test]
fn not_yet_valid_certificate() {
    let pki = Pki::new();
    let leaf = pki.leaf(&[HOST], 10, 400, SignedBy::Ca);
    let smtp = FakeSmtp::starttls(Upgrade::Accept(leaf.server_config()));
    let ca = pki.ca_file();
    let (doc, _) = run(&smtp, &["--ca-file", &ca]);
    assert_eq!(cert_problems(&doc), json!(["not_yet_valid"]));
    assert!(check(&doc, "tls.certificate")["summary"]
        .as_str()
        .unwrap()
        .contains("not valid yet"));
}

#[test]
fn name_mismatch_says_what_was_presented_and_expected() {
    let pki = Pki::new();
    let leaf = pki.leaf(&["mail.other.test", "other.test"], -1, 365, SignedBy::Ca);
    let smtp = FakeSmtp::starttls(Upgrade::Accept(leaf.server_config()));
    let ca = pki.ca_file();
    let (doc, _) = run(&smtp, &["--ca-file", &ca]);
    assert_eq!(cert_problems(&doc), json!(["name_mismatch"]));
    let summary = check(&doc, "tls.certificate")["summary"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        summary
            .contains("expected mx.tls.test, the certificate is for mail.other.test, other.test"),
        "{summary}"
    );
}

#[test]
fn self_signed_certificate() {
    let pki = Pki::new();
    let leaf = pki.leaf(&[HOST], -1, 365, SignedBy::Itself);
    let smtp = FakeSmtp::starttls(Upgrade::Accept(leaf.server_config()));
    let ca = pki.ca_file();
    let (doc, _) = run(&smtp, &["--ca-file", &ca]);
    assert_eq!(cert_problems(&doc), json!(["self_signed"]));
    assert_eq!(check(&doc, "tls.certificate")["data"]["self_signed"], true);
}

#[test]
fn missing_intermediate_is_named_and_a_full_chain_passes() {
    let pki = Pki::new();
    let ca = pki.ca_file();
    let bare = pki.leaf(
        &[HOST],
        -1,
        365,
        SignedBy::Intermediate {
            send_intermediate: false,
        },
    );
    let smtp = FakeSmtp::starttls(Upgrade::Accept(bare.server_config()));
    let (doc, _) = run(&smtp, &["--ca-file", &ca]);
    assert_eq!(cert_problems(&doc), json!(["missing_intermediate"]));
    assert!(check(&doc, "tls.certificate")["summary"]
        .as_str()
        .unwrap()
        .contains("smtpcheck Test Intermediate CA"));
    let full = pki.leaf(
        &[HOST],
        -1,
        365,
        SignedBy::Intermediate {
            send_intermediate: true,
        },
    );
    let smtp = FakeSmtp::starttls(Upgrade::Accept(full.server_config()));
    let (doc, code) = run(&smtp, &["--ca-file", &ca]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(check(&doc, "tls.certificate")["data"]["chain_length"], 2);
}

#[test]
fn several_problems_are_all_named() {
    let pki = Pki::new();
    let leaf = pki.leaf(&["other.test"], -100, -1, SignedBy::Itself);
    let smtp = FakeSmtp::starttls(Upgrade::Accept(leaf.server_config()));
    let (doc, _) = run(&smtp, &[]);
    assert_eq!(
        cert_problems(&doc),
        json!(["expired", "name_mismatch", "self_signed"])
    );
}

#[test]
fn expiring_soon_warns_with_the_days_left() {
    let pki = Pki::new();
    let leaf = pki.leaf(&[HOST], -80, 5, SignedBy::Ca);
    let smtp = FakeSmtp::starttls(Upgrade::Accept(leaf.server_config()));
    let ca = pki.ca_file();
    let (doc, code) = run(&smtp, &["--ca-file", &ca]);
    assert_eq!(code, 1);
    let cert = check(&doc, "tls.certificate");
    assert_eq!(
        (cert["status"].as_str(), cert["data"]["problems"].clone()),
        (Some("warn"), json!([]))
    );
    assert!(
        cert["summary"]
            .as_str()
            .unwrap()
            .contains("expires in 5 day"),
        "{cert:#}"
    );
    let (_, code) = run(&smtp, &["--ca-file", &ca, "--cert-warn-days", "3"]);
    assert_eq!(code, 0);
}

fn starttls_reply_server(reply: &'static [u8]) -> FakeSmtp {
    let base = responder(&["STARTTLS"], "250 2.1.5 Ok");
    let respond = Arc::new(move |line: &str, tls: bool| {
        if line.eq_ignore_ascii_case("STARTTLS") {
            if reply.is_empty() {
                return None; // close the connection
            }
            return Some(reply.to_vec());
        }
        base(line, tls)
    });
    FakeSmtp::with("127.0.0.1:0", Config::new(respond))
}

#[test]
fn starttls_refused_with_454_warns_and_continues_in_plaintext() {
    let smtp = starttls_reply_server(b"454 4.7.0 TLS not available due to local problem\r\n");
    let (doc, code) = run(&smtp, &[]);
    assert_eq!(code, 1, "{doc:#}");
    let tls = check(&doc, "tls.starttls");
    assert_eq!(
        (tls["status"].as_str(), tls["data"]["code"].as_u64()),
        (Some("warn"), Some(454))
    );
    assert_eq!(check(&doc, "tls.certificate")["status"], "skip");
    assert_eq!(check(&doc, "smtp.rcpt")["status"], "pass");
    let (doc, code) = run(&smtp, &["--tls", "require"]);
    assert_eq!(code, 2);
    assert_eq!(check(&doc, "tls.starttls")["status"], "fail");
}

#[test]
fn plaintext_after_the_220_is_injection_and_never_processed() {
    let smtp = starttls_reply_server(b"220 2.0.0 Ready to start TLS\r\n250 injected\r\n");
    let (doc, code) = run(&smtp, &[]);
    assert_eq!(code, 2, "{doc:#}");
    let tls = check(&doc, "tls.starttls");
    assert_eq!(
        (tls["status"].as_str(), tls["data"]["cause"].as_str()),
        (Some("fail"), Some("plaintext_injection"))
    );
    assert_eq!(tls["data"]["injected_bytes"], 14);
    assert!(tls["summary"]
        .as_str()
        .unwrap()
        .starts_with("plaintext injected after STARTTLS"));
    assert_eq!(check(&doc, "smtp.mail")["status"], "skip");
    // nothing was sent after STARTTLS: no handshake, no command
    assert_eq!(smtp.received().last().unwrap(), "STARTTLS");
}

#[test]
fn server_that_closes_after_starttls_fails_with_the_cause() {
    let smtp = starttls_reply_server(b"");
    let (doc, code) = run(&smtp, &[]);
    assert_eq!(code, 2);
    let tls = check(&doc, "tls.starttls");
    assert_eq!(
        (tls["status"].as_str(), tls["data"]["error_kind"].as_str()),
        (Some("fail"), Some("closed")),
        "{tls:#}"
    );
}

#[test]
fn starttls_not_offered_warns_and_fails_under_require() {
    let smtp = FakeSmtp::standard("127.0.0.1:0", &["PIPELINING"], "250 2.1.5 Ok");
    let (doc, code) = run(&smtp, &[]);
    assert_eq!(code, 1);
    let tls = check(&doc, "tls.starttls");
    assert_eq!(
        (tls["status"].as_str(), tls["data"]["offered"].as_bool()),
        (Some("warn"), Some(false))
    );
    let (doc, code) = run(&smtp, &["--require-tls"]);
    assert_eq!(code, 2);
    assert_eq!(check(&doc, "tls.starttls")["status"], "fail");
    assert_eq!(check(&doc, "smtp.rcpt")["status"], "skip");
}

#[test]
fn legacy_tls_only_server_is_named_a_protocol_version_problem() {
    // A server that refuses every version, also in our own ClientHello
    // offering all of them: not "legacy", and opportunistic senders still
    // deliver in plaintext.
    let smtp = FakeSmtp::starttls(Upgrade::Alert(70));
    let (doc, code) = run(&smtp, &[]);
    assert_eq!(code, 1, "{doc:#}");
    let tls = check(&doc, "tls.starttls");
    assert_eq!(tls["data"]["error_kind"], "protocol_version", "{tls:#}");
    assert!(tls["summary"].as_str().unwrap().contains("refuses every TLS version and suite, even a ClientHello offering all of them (TLS alert \"protocol version\")"), "{tls:#}");
    // --tls require: the same explanation, a failure, and no retry
    let (doc, code) = run(&smtp, &["--require-tls"]);
    assert_eq!(code, 2, "{doc:#}");
    let tls = check(&doc, "tls.starttls");
    let summary = tls["summary"].as_str().unwrap();
    assert_eq!(tls["status"], "fail");
    assert!(
        summary.contains("refuses every TLS version") && summary.contains("(not tested here)"),
        "{summary}"
    );
    // rustls's own words for alerts, as --tls require reports them
    let smtp = FakeSmtp::starttls(Upgrade::Alert(40));
    let (doc, _) = run(&smtp, &["--require-tls"]);
    let tls = check(&doc, "tls.starttls");
    assert_eq!(tls["data"]["error_kind"], "no_shared_cipher");
    assert!(
        tls["summary"]
            .as_str()
            .unwrap()
            .contains("TLS alert \"handshake failure\""),
        "{tls:#}"
    );
    // an alert of another kind, named in words (80: internal_error)
    let smtp = FakeSmtp::starttls(Upgrade::Alert(80));
    let (doc, _) = run(&smtp, &["--require-tls"]);
    let tls = check(&doc, "tls.starttls");
    assert!(
        tls["summary"]
            .as_str()
            .unwrap()
            .contains("TLS alert \"internal error\""),
        "{tls:#}"
    );
}

#[test]
fn implicit_tls_greets_inside_tls() {
    let pki = Pki::new();
    let leaf = pki.leaf(&[HOST], -1, 365, SignedBy::Ca);
    let smtp = FakeSmtp::with(
        "127.0.0.1:0",
        Config {
            implicit: Some(leaf.server_config()),
            ..Config::new(responder(&["PIPELINING"], "250 2.1.5 Ok"))
        },
    );
    let ca = pki.ca_file();
    let (doc, code) = run(&smtp, &["--tls", "implicit", "--ca-file", &ca]);
    assert_eq!(code, 0, "{doc:#}");
    let ids: Vec<&str> = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "dns.mx",
            "dns.address",
            "tcp.connect",
            "tls.implicit",
            "tls.certificate",
            "smtp.banner",
            "smtp.ehlo",
            "smtp.mail",
            "smtp.rcpt",
            "dns.ptr",
            "smtp.identity",
            "dns.dnssec",
            "tls.caa",
            "tls.dane",
            "policy.mta_sts",
            "policy.tls_rpt"
        ]
    );
    assert_eq!(check(&doc, "smtp.ehlo")["data"]["after_tls"], true);
    assert_eq!(smtp.received()[0], "EHLO client.test");
}

#[test]
fn capabilities_that_appear_inside_tls_are_reported() {
    let pki = Pki::new();
    let leaf = pki.leaf(&[HOST], -1, 365, SignedBy::Ca);
    let respond = Arc::new(|line: &str, tls: bool| {
        if line.to_ascii_uppercase().starts_with("EHLO") {
            let caps: &[&str] = if tls {
                &["PIPELINING", "AUTH PLAIN LOGIN"]
            } else {
                &["PIPELINING", "STARTTLS"]
            };
            return Some(support::smtp::ehlo_reply(caps).into_bytes());
        }
        responder(&[], "250 Ok")(line, tls)
    });
    let smtp = FakeSmtp::with(
        "127.0.0.1:0",
        Config {
            upgrade: Upgrade::Accept(leaf.server_config()),
            ..Config::new(respond)
        },
    );
    let ca = pki.ca_file();
    let (doc, code) = run(&smtp, &["--ca-file", &ca]);
    assert_eq!(code, 0, "{doc:#}");
    let after = checks(&doc, "smtp.ehlo")[1];
    assert_eq!(after["data"]["appeared"], json!(["AUTH"]));
    assert_eq!(after["data"]["vanished"], json!([]));
    assert!(after["summary"]
        .as_str()
        .unwrap()
        .contains("new inside TLS: AUTH"));
}

/// `smtpcheck tls tls.test` against `smtp`, trusting `pki`'s CA.
fn tls_command(smtp: &FakeSmtp, pki: &Pki) -> (Value, i32) {
    let dns = zone();
    let (resolver, port, ca) = (dns.resolver_arg(), smtp.port().to_string(), pki.ca_file());
    smtpcheck_json(&[
        "tls",
        "tls.test",
        "--resolver",
        &resolver,
        "--allow-private",
        "--port",
        &port,
        "--ca-file",
        &ca,
    ])
}

#[test]
fn tls_command_stops_after_the_certificate() {
    let pki = Pki::new();
    let leaf = pki.leaf(&[HOST], -1, 365, SignedBy::Ca);
    let smtp = FakeSmtp::starttls(Upgrade::Accept(leaf.server_config()));
    let (doc, code) = tls_command(&smtp, &pki);
    assert_eq!((code, doc["command"].as_str()), (0, Some("tls")), "{doc:#}");
    assert!(checks(&doc, "smtp.mail").is_empty());
    // the conversation ends with QUIT; the --tls-scan connections after it
    // end after the server's first flight
    assert!(smtp.received().contains(&"QUIT".to_string()));
    assert!(!smtp.received().iter().any(|l| l.starts_with("MAIL")));
}

#[test]
fn handshake_that_never_comes_is_a_timeout() {
    // After a failed handshake opportunistic senders retry in plaintext:
    // a warning; with --tls require, a failure.
    let smtp = FakeSmtp::starttls(Upgrade::Stall);
    let (doc, code) = run(&smtp, &["--timeout", "1", "--require-tls"]);
    assert_eq!(code, 2);
    assert_eq!(
        check(&doc, "tls.starttls")["data"]["error_kind"],
        "timeout",
        "{doc:#}"
    );
}

#[test]
fn reset_during_the_handshake_is_named() {
    let smtp = FakeSmtp::starttls(Upgrade::Reset);
    let (doc, code) = run(&smtp, &["--require-tls"]);
    assert_eq!(code, 2);
    assert_eq!(
        check(&doc, "tls.starttls")["data"]["error_kind"],
        "reset",
        "{doc:#}"
    );
    let (doc, code) = run(&smtp, &[]);
    assert_eq!(
        code, 1,
        "delivered in plaintext by opportunistic senders: {doc:#}"
    );
    assert_eq!(check(&doc, "tls.starttls")["data"]["error_kind"], "reset");
    assert_eq!(check(&doc, "smtp.rcpt")["status"], "pass");
}

#[test]
fn injection_test_finds_a_vulnerable_server_and_clears_a_safe_one() {
    let pki = Pki::new();
    let leaf = pki.leaf(&[HOST], -1, 365, SignedBy::Ca);
    let ca = pki.ca_file();
    let vulnerable = FakeSmtp::starttls(Upgrade::AcceptVulnerable(leaf.server_config()));
    let (doc, code) = run(&vulnerable, &["--ca-file", &ca, "--tls-injection-test"]);
    assert_eq!(
        code, 1,
        "mail gets through, but the vulnerability is a failed check: {doc:#}"
    );
    let inj = check(&doc, "tls.injection");
    assert_eq!(
        (inj["status"].as_str(), inj["data"]["result"].as_str()),
        (Some("fail"), Some("vulnerable")),
        "{inj:#}"
    );
    let safe = FakeSmtp::starttls(Upgrade::Accept(leaf.server_config()));
    let (doc, code) = run(&safe, &["--ca-file", &ca, "--tls-injection-test"]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(check(&doc, "tls.injection")["data"]["result"], "safe");
    // without the flag, no second connection and no check
    let (doc, _) = run(&safe, &["--ca-file", &ca]);
    assert!(checks(&doc, "tls.injection").is_empty());
}

#[test]
fn auth_before_tls_on_the_submission_port_warns() {
    // Port 587 needs root to bind; the CI runs as root.
    let Ok(listener) = std::net::TcpListener::bind("127.0.0.9:587") else {
        assert!(
            std::env::var("CI").is_err(),
            "CI runs as root: 587 must bind"
        );
        eprintln!("SKIPPED: cannot bind 127.0.0.9:587 (not root)");
        return;
    };
    drop(listener);
    let pki = Pki::new();
    let leaf = pki.leaf(&["127.0.0.9"], -1, 365, SignedBy::Ca);
    let smtp = FakeSmtp::with(
        "127.0.0.9:587",
        Config {
            upgrade: Upgrade::Accept(leaf.server_config()),
            ..Config::new(responder(&["AUTH PLAIN LOGIN", "STARTTLS"], "250 2.1.5 Ok"))
        },
    );
    let ca = pki.ca_file();
    let (doc, code) = smtpcheck_json(&[
        "ehlo",
        "sub.test",
        "--server",
        "127.0.0.9:587",
        "--ca-file",
        &ca,
    ]);
    assert_eq!(code, 1, "{doc:#}");
    let ehlo = check(&doc, "smtp.ehlo");
    assert_eq!(ehlo["status"], "warn");
    assert!(ehlo["advice"]
        .as_str()
        .unwrap()
        .contains("AUTH PLAIN LOGIN is offered before TLS"));
    drop(smtp);
}

#[test]
fn verbose_transcript_marks_lines_inside_tls() {
    let pki = Pki::new();
    let leaf = pki.leaf(&[HOST], -1, 365, SignedBy::Ca);
    let smtp = FakeSmtp::starttls(Upgrade::Accept(leaf.server_config()));
    let dns = zone();
    let (resolver, port, ca) = (dns.resolver_arg(), smtp.port().to_string(), pki.ca_file());
    let out = support::smtpcheck(&[
        "probe",
        "tls.test",
        "--resolver",
        &resolver,
        "--allow-private",
        "--port",
        &port,
        "--ca-file",
        &ca,
        "-v",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("-> STARTTLS"), "{text}");
    assert!(text.contains("~> MAIL FROM:<>"), "{text}");
    assert!(text.contains("<~ 250 2.1.5 Ok"), "{text}");
    assert!(text.contains("tls.certificate"), "{text}");
}

mod mta_sts {
    use super::*;
    use support::https::{chunked, response, Ending, FakeHttps};

    const POLICY_OK: &str =
        "version: STSv1\r\nmode: enforce\r\nmx: mx.sts.test\r\nmax_age: 604800\r\n";

    /// The zone of sts.test with `hosts` as the policy host's records
    /// (`mta-sts A 127.0.0.21`).
    fn zone(hosts: &str) -> support::dns::TestDns {
        support::dns::TestDns::start(&[&support::dns::zone(
            "sts.test",
            &format!("@ MX 10 mx\nmx A 127.0.0.1\n_mta-sts TXT \"v=STSv1; id=20261124\"\n{hosts}"),
        )])
    }

    fn policy_leaf(pki: &Pki, trusted: bool) -> support::pki::Leaf {
        let signer = if trusted {
            SignedBy::Ca
        } else {
            SignedBy::Itself
        };
        pki.leaf(&["mta-sts.sts.test"], -1, 365, signer)
    }

    /// `policy sts.test` with the policy host's records and port given.
    fn policy_check(hosts: &str, port: u16, pki: &Pki) -> Value {
        let dns = zone(hosts);
        let (resolver, ca, port) = (dns.resolver_arg(), pki.ca_file(), port.to_string());
        let (doc, _) = smtpcheck_json(&[
            "policy",
            "sts.test",
            "--resolver",
            &resolver,
            "--allow-private",
            "--ca-file",
            &ca,
            "--mta-sts-port",
            &port,
        ]);
        check(&doc, "policy.mta_sts").clone()
    }

    /// Runs `policy sts.test` against a policy host on `ip` serving `reply`.
    fn policy_with(ip: &str, reply: Vec<u8>, trusted: bool) -> Value {
        let pki = Pki::new();
        let host = FakeHttps::start(ip, policy_leaf(&pki, trusted).server_config(), reply);
        policy_check(&format!("mta-sts A {ip}"), host.port(), &pki)
    }

    fn assert_enforced(c: &Value) {
        assert_eq!(
            (c["status"].as_str(), c["data"]["mode"].as_str()),
            (Some("pass"), Some("enforce")),
            "{c:#}"
        );
    }

    #[test]
    fn enforce_policy_covering_the_mx_passes() {
        let c = policy_with(
            "127.0.0.21",
            response("200 OK", "text/plain", "", POLICY_OK),
            true,
        );
        assert_enforced(&c);
        assert_eq!(c["data"]["max_age"], 604800);
    }

    /// Python's http.server ends with FIN and no TLS close_notify after a
    /// complete Content-Length body; curl and every MTA-STS sender read it.
    #[test]
    fn a_host_closing_without_close_notify_is_read_by_its_length() {
        let pki = Pki::new();
        let reply = response("200 OK", "text/plain", "", POLICY_OK);
        let leaf = policy_leaf(&pki, true);
        let host =
            FakeHttps::start_ending("127.0.0.29", leaf.server_config(), reply, Ending::Abrupt);
        assert_enforced(&policy_check("mta-sts A 127.0.0.29", host.port(), &pki));
    }

    #[test]
    fn a_chunked_policy_is_read() {
        let c = policy_with("127.0.0.30", chunked(POLICY_OK, 7), true);
        assert_enforced(&c);
    }

    /// The first address refuses; the policy host answers on its AAAA.
    #[test]
    fn every_address_of_the_policy_host_is_tried() {
        let pki = Pki::new();
        let reply = response("200 OK", "text/plain", "", POLICY_OK);
        let host = FakeHttps::start("::1", policy_leaf(&pki, true).server_config(), reply);
        let c = policy_check("mta-sts A 127.0.0.31\nmta-sts AAAA ::1", host.port(), &pki);
        assert_enforced(&c);
    }

    /// With no address answering, each failure is named.
    #[test]
    fn unreachable_policy_addresses_are_each_named() {
        let pki = Pki::new();
        let free = std::net::TcpListener::bind("127.0.0.32:0").unwrap();
        let port = free.local_addr().unwrap().port();
        drop(free);
        let c = policy_check("mta-sts A 127.0.0.32\nmta-sts A 127.0.0.33", port, &pki);
        let summary = c["summary"].as_str().unwrap();
        assert_eq!(c["status"], "warn", "{c:#}");
        for ip in ["127.0.0.32", "127.0.0.33"] {
            assert!(
                summary.contains(&format!(
                    "cannot connect to mta-sts.sts.test ({ip}) on port {port}: connection refused"
                )),
                "{summary}"
            );
        }
    }

    #[test]
    fn enforce_policy_missing_the_mx_fails() {
        let body = POLICY_OK.replace("mx: mx.sts.test", "mx: *.other.test");
        let c = policy_with(
            "127.0.0.22",
            response("200 OK", "text/plain", "", &body),
            true,
        );
        assert_eq!(
            (c["status"].as_str(), c["data"]["cause"].as_str()),
            (Some("fail"), Some("mta_sts_mx_mismatch")),
            "{c:#}"
        );
        assert!(c["summary"].as_str().unwrap().contains("will defer mail"));
        assert_eq!(
            c["data"]["uncovered_mx"],
            serde_json::json!(["mx.sts.test"])
        );
    }

    #[test]
    fn broken_policy_hosts_are_named() {
        let cases: Vec<(Vec<u8>, bool, &str)> = vec![
            (
                response("200 OK", "text/html", "", POLICY_OK),
                true,
                "not text/plain",
            ),
            (
                response(
                    "301 Moved Permanently",
                    "text/plain",
                    "Location: https://elsewhere.test/policy\r\n",
                    "",
                ),
                true,
                "redirect",
            ),
            (
                response("200 OK", "text/plain", "", &"x".repeat(70 * 1024)),
                true,
                "larger than",
            ),
            (
                response("200 OK", "text/plain", "", POLICY_OK),
                false,
                "TLS with mta-sts.sts.test failed",
            ),
            (
                response(
                    "200 OK",
                    "text/plain",
                    "",
                    "version: STSv1\r\nmode: enforce\r\nmx: mx.sts.test\r\nmax_age: 99999999\r\n",
                ),
                true,
                "exceeds",
            ),
            (b"SSH-2.0-OpenSSH_9.2\r\n".to_vec(), true, "not HTTP"),
        ];
        for (reply, trusted, words) in cases {
            let c = policy_with("127.0.0.23", reply, trusted);
            assert_eq!(c["status"], "warn", "{words}: {c:#}");
            assert!(
                c["summary"].as_str().unwrap().contains(words),
                "{words}: {c:#}"
            );
        }
    }

    /// `probe` (MTA-STS runs by default) with a policy host on `ip`
    /// serving `policy`, and an MX presenting `leaf`.
    fn probe_under(ip: &str, policy: &str, leaf: Option<&support::pki::Leaf>, pki: &Pki) -> Value {
        let host_cert = pki.leaf(&["mta-sts.sts.test"], -1, 365, SignedBy::Ca);
        let reply = response("200 OK", "text/plain", "", policy);
        let host = FakeHttps::start(ip, host_cert.server_config(), reply);
        // None: a server that offers no STARTTLS at all
        let smtp = match leaf {
            Some(leaf) => FakeSmtp::starttls(Upgrade::Accept(leaf.server_config())),
            None => FakeSmtp::standard("127.0.0.1:0", &["PIPELINING"], "250 2.1.5 Ok"),
        };
        let dns = zone(&format!("mta-sts A {ip}"));
        let (resolver, ca, port) = (dns.resolver_arg(), pki.ca_file(), smtp.port().to_string());
        let sts_port = host.port().to_string();
        let (doc, _) = smtpcheck_json(&[
            "probe",
            "sts.test",
            "--resolver",
            &resolver,
            "--allow-private",
            "--ca-file",
            &ca,
            "--port",
            &port,
            "--helo",
            "client.test",
            "--mta-sts-port",
            &sts_port,
        ]);
        doc
    }

    use support::sender;

    #[test]
    fn mta_sts_senders_deliver_defer_as_the_policy_and_certificate_say() {
        let pki = Pki::new();
        let good = pki.leaf(&["mx.sts.test"], -1, 365, SignedBy::Ca);
        let doc = probe_under("127.0.0.24", POLICY_OK, Some(&good), &pki);
        assert_eq!(check(&doc, "policy.mta_sts")["status"], "pass", "{doc:#}");
        assert_eq!(sender(&doc, "mta_sts")["action"], "deliver");
        assert_eq!(doc["exit_code"], 0, "{doc:#}");
        // The policy does not list the MX: enforcing senders defer, others deliver.
        let missing = POLICY_OK.replace("mx: mx.sts.test", "mx: *.other.test");
        let doc = probe_under("127.0.0.25", &missing, Some(&good), &pki);
        let sts = sender(&doc, "mta_sts");
        assert_eq!(sts["action"], "defer", "{doc:#}");
        assert!(
            sts["reason"].as_str().unwrap().contains("no mx pattern"),
            "{sts}"
        );
        assert_eq!(sender(&doc, "opportunistic")["action"], "deliver");
        assert_eq!(
            doc["exit_code"], 2,
            "an enforced policy the MX breaks fails: {doc:#}"
        );
        // Listed, but its certificate does not verify.
        let selfsigned = pki.leaf(&["mx.sts.test"], -1, 365, SignedBy::Itself);
        let doc = probe_under("127.0.0.26", POLICY_OK, Some(&selfsigned), &pki);
        let sts = sender(&doc, "mta_sts");
        assert_eq!(sts["action"], "defer", "{doc:#}");
        assert!(
            sts["reason"]
                .as_str()
                .unwrap()
                .contains("TLS does not verify"),
            "{sts}"
        );
        // Listed, but no STARTTLS: an MTA-STS sender requires TLS.
        let doc = probe_under("127.0.0.28", POLICY_OK, None, &pki);
        assert_eq!(check(&doc, "policy.mta_sts")["status"], "fail", "{doc:#}");
        assert_eq!(sender(&doc, "mta_sts")["action"], "defer", "{doc:#}");
        assert_eq!(sender(&doc, "opportunistic")["action"], "deliver");
        // In testing mode nobody defers.
        let testing = missing.replace("mode: enforce", "mode: testing");
        let doc = probe_under("127.0.0.27", &testing, Some(&good), &pki);
        assert_eq!(check(&doc, "policy.mta_sts")["status"], "warn");
        assert_eq!(sender(&doc, "mta_sts")["action"], "deliver");
    }
}

/// `--sni` changes the name sent in the ClientHello; the certificate is
/// still judged against the MX host, as a sender judges it.
#[test]
fn sni_sends_the_given_name_and_the_certificate_is_judged_for_the_mx() {
    let pki = Pki::new();
    let leaf = pki.leaf(&[HOST], -1, 365, SignedBy::Ca);
    let smtp = FakeSmtp::starttls(Upgrade::Accept(leaf.server_config()));
    let ca = pki.ca_file();
    let (doc, code) = run(&smtp, &["--ca-file", &ca, "--sni", "Other.Name.test"]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(check(&doc, "tls.certificate")["status"], "pass");
    let (_, _) = run(&smtp, &["--ca-file", &ca]);
    assert_eq!(smtp.server_names(), ["other.name.test", HOST]);
}

/// `smtpcheck tls` enumerates versions by default: rustls on the server
/// side speaks TLS 1.2 and 1.3 with good suites only: a clean pass.
#[test]
fn the_tls_command_grades_a_modern_server_clean() {
    let pki = Pki::new();
    let leaf = pki.leaf(&[HOST], -1, 365, SignedBy::Ca);
    let smtp = FakeSmtp::starttls(Upgrade::Accept(leaf.server_config()));
    let (doc, code) = tls_command(&smtp, &pki);
    assert_eq!(code, 0, "{doc:#}");
    let versions = check(&doc, "tls.versions");
    assert_eq!(
        versions["data"]["offered"],
        json!(["TLSv1.2", "TLSv1.3"]),
        "{versions:#}"
    );
    assert_eq!(
        (
            versions["status"].as_str(),
            versions["data"]["grade"].as_str()
        ),
        (Some("pass"), Some("sufficient"))
    );
    let ciphers = check(&doc, "tls.ciphers");
    assert_eq!(
        (
            ciphers["status"].as_str(),
            ciphers["data"]["grade"].as_str()
        ),
        (Some("pass"), Some("good")),
        "{ciphers:#}"
    );
    // probe does not enumerate unless asked
    let (doc, _) = run(&smtp, &["--ca-file", &pki.ca_file()]);
    assert!(checks(&doc, "tls.versions").is_empty());
}

/// The human report shows the certificate a check is about: subject,
/// issuer, names, key, signature, validity and fingerprint, when it is
/// wrong and with -v; a good one stays one line without -v.
#[test]
fn the_human_report_shows_the_certificate_details() {
    let pki = Pki::new();
    let dns = zone();
    let human = |leaf: &support::pki::Leaf, extra: &[&str]| {
        let smtp = FakeSmtp::starttls(Upgrade::Accept(leaf.server_config()));
        let mut args = probe_line(&dns, &smtp, extra);
        args.push("--ca-file".into());
        args.push(pki.ca_file());
        let out = support::smtpcheck(&args.iter().map(String::as_str).collect::<Vec<_>>());
        String::from_utf8(out.stdout).unwrap()
    };
    let selfsigned = pki.leaf(&[HOST], -1, 365, SignedBy::Itself);
    let text = human(&selfsigned, &[]);
    for part in [
        "subject CN=mx.tls.test; issuer CN=mx.tls.test; chain of 1",
        "names mx.tls.test; key EC P-256; signed ecdsa-with-SHA256",
        "days left)",
        "SHA-256 ",
    ] {
        assert!(text.contains(part), "{part:?} in {text}");
    }
    let good = pki.leaf(&[HOST], -1, 365, SignedBy::Ca);
    assert!(!human(&good, &[]).contains("SHA-256 "));
    assert!(human(&good, &["-v"]).contains("SHA-256 "));
}

/// Every certificate the server sent is listed with its role; a chain in
/// the wrong order and an unrelated extra certificate are named (RFC 5246
/// §7.4.2), as warnings that never fail `--tls require`: the chain still
/// verifies, and senders deliver.
#[test]
fn chain_order_and_unrelated_certificates_are_named() {
    let pki = Pki::new();
    let leaf = pki.leaf(
        &[HOST],
        -1,
        365,
        SignedBy::Intermediate {
            send_intermediate: true,
        },
    );
    let ca = pki.ca_file();
    let roles = |doc: &Value| -> Vec<String> {
        check(doc, "tls.certificate")["data"]["chain"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["role"].as_str().unwrap().to_string())
            .collect()
    };
    // in order: leaf, then its issuer
    let smtp = FakeSmtp::starttls(Upgrade::Accept(leaf.server_config()));
    let (doc, code) = run(&smtp, &["--ca-file", &ca]);
    assert_eq!(
        (roles(&doc), code),
        (vec!["leaf".into(), "issuer".into()], 0),
        "{doc:#}"
    );
    let entry = &check(&doc, "tls.certificate")["data"]["chain"][1];
    assert_eq!(entry["subject"], "CN=smtpcheck Test Intermediate CA");
    assert_eq!(entry["issuer"], "CN=smtpcheck Test Root CA");
    assert!(
        entry["key"].as_str().unwrap().starts_with("EC"),
        "{entry:#}"
    );
    // the root before the intermediate: out of order
    let shuffled = leaf.sending(vec![
        leaf.chain[0].clone(),
        pki.ca.der.clone(),
        leaf.chain[1].clone(),
    ]);
    let smtp = FakeSmtp::starttls(Upgrade::Accept(shuffled.server_config()));
    let (doc, code) = run(&smtp, &["--ca-file", &ca, "--tls", "require"]);
    assert_eq!(
        cert_problems(&doc),
        serde_json::json!(["chain_order"]),
        "{doc:#}"
    );
    assert_eq!(roles(&doc), vec!["leaf", "out_of_order", "out_of_order"]);
    let cert = check(&doc, "tls.certificate");
    assert_eq!(cert["status"], "warn");
    assert!(
        cert["summary"].as_str().unwrap().contains(
            "certificate 2 (\"CN=smtpcheck Test Root CA\") does not certify the one before it"
        ),
        "{cert:#}"
    );
    // a warning, not a failed delivery path, even under --tls require
    assert_eq!(code, 1, "{doc:#}");
    let dns = zone();
    let mut args = probe_line(&dns, &smtp, &["--ca-file", &ca]);
    args.push("-v".into());
    let out = support::smtpcheck(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(
        human.contains(
            "2 out of order: CN=smtpcheck Test Root CA, issued by CN=smtpcheck Test Root CA"
        ),
        "{human}"
    );
    assert!(
        human.contains("3 out of order: CN=smtpcheck Test Intermediate CA"),
        "{human}"
    );
    assert_eq!(check(&doc, "smtp.rcpt")["status"], "pass");
    // another CA's intermediate sent along: unrelated
    let other = Pki::new();
    let extra = leaf.sending(vec![
        leaf.chain[0].clone(),
        leaf.chain[1].clone(),
        other.intermediate.der.clone(),
    ]);
    let smtp = FakeSmtp::starttls(Upgrade::Accept(extra.server_config()));
    let (doc, _) = run(&smtp, &["--ca-file", &ca]);
    assert_eq!(
        cert_problems(&doc),
        serde_json::json!(["unrelated_certificate"]),
        "{doc:#}"
    );
    assert_eq!(roles(&doc), vec!["leaf", "issuer", "unrelated"]);
}
