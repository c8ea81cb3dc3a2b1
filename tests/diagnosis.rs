//! Causes and advice, end to end: each rule produces its `data.cause` in the
//! JSON and its advice in the human report. `smtpcheck explain` too.

mod support;

use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use support::smtp::{responder, FakeSmtp, Greeting};
use support::{check, smtpcheck, smtpcheck_json};

fn probe(smtp: &FakeSmtp, extra: &[&str]) -> (Value, i32) {
    let server = format!("127.0.0.1:{}", smtp.port());
    let mut args = vec![
        "probe",
        "diag.test",
        "--server",
        &server,
        "--tls",
        "off",
        "--helo",
        "client.test",
    ];
    args.extend_from_slice(extra);
    smtpcheck_json(&args)
}

fn human(smtp: &FakeSmtp) -> String {
    let server = format!("127.0.0.1:{}", smtp.port());
    let out = smtpcheck(&[
        "probe",
        "diag.test",
        "--server",
        &server,
        "--tls",
        "off",
        "--helo",
        "client.test",
    ]);
    String::from_utf8(out.stdout).unwrap()
}

/// A server that answers `verb` with `reply`, and otherwise normally.
fn answering(verb: &'static str, reply: &'static str) -> FakeSmtp {
    let base = responder(&["PIPELINING"], "250 2.1.5 Ok");
    let respond = Arc::new(move |line: &str, tls: bool| {
        if line.to_ascii_uppercase().starts_with(verb) {
            return Some(format!("{reply}\r\n").into_bytes());
        }
        base(line, tls)
    });
    FakeSmtp::start(
        "127.0.0.1:0",
        Greeting::Send(b"220 diag.test ESMTP\r\n".to_vec()),
        respond,
    )
}

#[test]
fn rcpt_and_mail_causes() {
    let cases: &[(&str, &str, &str, &str, i32)] = &[
        ("RCPT", "450 4.7.1 <postmaster@diag.test>: Recipient address rejected: Greylisted", "smtp.rcpt", "greylisting", 1),
        ("RCPT", "550 5.1.1 <postmaster@diag.test>: Recipient address rejected: User unknown", "smtp.rcpt", "unknown_user", 2),
        ("RCPT", "554 5.7.1 <postmaster@diag.test>: Relay access denied", "smtp.rcpt", "relay_denied", 2),
        ("MAIL", "530 5.7.0 Must issue a STARTTLS command first", "smtp.mail", "starttls_required", 2),
        ("RCPT", "504 5.5.2 <client>: Helo command rejected: need fully-qualified hostname", "smtp.rcpt", "helo_not_fqdn", 2),
        ("RCPT", "550 5.7.25 The IP address sending this message does not have a PTR record setup", "smtp.rcpt", "reverse_dns", 2),
        ("MAIL", "552 5.3.4 Message size exceeds fixed limit", "smtp.mail", "size_exceeded", 2),
        ("MAIL", "550 5.7.26 Unauthenticated email from diag.test is not accepted due to domain's DMARC policy", "smtp.mail", "authentication_policy", 2),
        ("MAIL", "550 5.7.27 Sender address has null MX", "smtp.mail", "null_mx_sender", 2),
        ("RCPT", "550 5.7.1 Message refused", "smtp.rcpt", "refused", 2),
    ];
    for (verb, reply, id, cause, code) in cases {
        let smtp = answering(verb, reply);
        let (doc, exit) = probe(&smtp, &[]);
        assert_eq!(exit, *code, "{reply}: {doc:#}");
        let c = check(&doc, id);
        assert_eq!(c["data"]["cause"], *cause, "{reply}: {c:#}");
        assert!(
            c["advice"].as_str().is_some_and(|a| !a.is_empty()),
            "{reply}"
        );
    }
    // the fallback explains the codes themselves
    let smtp = answering("RCPT", "550 5.7.1 Message refused");
    let (doc, _) = probe(&smtp, &[]);
    let advice = check(&doc, "smtp.rcpt")["advice"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        advice.contains("5.7.1 means \"Delivery not authorized, message refused\""),
        "{advice}"
    );
    // and the human report shows the advice under the line
    let smtp = answering(
        "RCPT",
        "550 5.7.25 The IP address sending this message does not have a PTR record setup",
    );
    let text = human(&smtp);
    assert!(text.contains("reverse DNS"), "{text}");
    assert!(
        text.contains("-> The check is about your address"),
        "{text}"
    );
}

#[test]
fn blocklisted_greeting_names_the_list() {
    let smtp = FakeSmtp::start(
        "127.0.0.1:0",
        Greeting::Send(b"554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/127.0.0.1\r\n".to_vec()),
        responder(&[], "250 Ok"),
    );
    let (doc, code) = probe(&smtp, &[]);
    assert_eq!(code, 2);
    let b = check(&doc, "smtp.banner");
    assert_eq!(
        (b["data"]["cause"].as_str(), b["data"]["blocklist"].as_str()),
        (Some("blocklisted"), Some("zen.spamhaus.org"))
    );
    assert!(b["summary"]
        .as_str()
        .unwrap()
        .starts_with("your address is on the block list zen.spamhaus.org"));
    assert!(
        human(&smtp).contains("-> The server checks connecting addresses against zen.spamhaus.org")
    );
}

#[test]
fn slow_greeting_is_slow_not_down() {
    let smtp = FakeSmtp::start(
        "127.0.0.1:0",
        Greeting::Delayed(
            b"220 tarpit.test ESMTP\r\n".to_vec(),
            Duration::from_millis(5300),
        ),
        responder(&[], "250 Ok"),
    );
    let (doc, code) = probe(&smtp, &[]);
    assert_eq!(code, 1, "{doc:#}");
    let b = check(&doc, "smtp.banner");
    assert_eq!(
        (b["status"].as_str(), b["data"]["cause"].as_str()),
        (Some("warn"), Some("slow_banner"))
    );
    assert!(
        b["summary"]
            .as_str()
            .unwrap()
            .starts_with("slow greeting, not down: 5."),
        "{b:#}"
    );
    assert_eq!(check(&doc, "smtp.rcpt")["status"], "pass");
}

#[test]
fn pregreet_pause_is_waited_out_and_said() {
    let smtp = FakeSmtp::start(
        "127.0.0.1:0",
        Greeting::Parts(vec![
            (
                b"220-trap.test ESMTP wait for it\r\n".to_vec(),
                Duration::from_millis(1500),
            ),
            (b"220 trap.test ready\r\n".to_vec(), Duration::ZERO),
        ]),
        responder(&[], "250 Ok"),
    );
    let (doc, code) = probe(&smtp, &[]);
    assert_eq!(code, 0, "{doc:#}");
    let b = check(&doc, "smtp.banner");
    assert_eq!(b["data"]["cause"], "pregreet_wait");
    assert!(b["data"]["multiline_wait_ms"].as_f64().unwrap() >= 1000.0);
    assert!(
        b["summary"].as_str().unwrap().contains("waited 1."),
        "{b:#}"
    );
    // nothing was sent before the whole greeting was in
    assert_eq!(smtp.received()[0], "EHLO client.test");
}

#[test]
fn explain_command() {
    let out = smtpcheck(&["explain", "550", "5.7.1", "Relaying denied"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("550  Requested action not taken: mailbox unavailable"),
        "{text}"
    );
    assert!(
        text.contains("5.7.1  Delivery not authorized, message refused (RFC 3463)"),
        "{text}"
    );
    assert!(text.contains("(relay_denied)"), "{text}");
    let out = smtpcheck(&["explain", "5.7.25", "--json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["enhanced_code"]["meaning"],
        "Reverse DNS validation failed"
    );
    assert_eq!(doc["enhanced_code"]["source"], "RFC 7372");
    let out = smtpcheck(&["explain", "not-a-code", "--json"]);
    assert_eq!(out.status.code(), Some(3));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["error"]
        .as_str()
        .unwrap()
        .contains("neither a reply code"));
}
