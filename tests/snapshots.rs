//! The JSON contract pinned as whole documents (insta JSON snapshots) for a
//! few representative reports, beside the key-by-key contract test in
//! tests/probe.rs. What varies from run to run (timings, the ports the fake
//! servers got) is replaced before the comparison.

mod support;

use serde_json::Value;
use support::dns::{zone, TestDns};
use support::smtp::{FakeSmtp, Greeting};
use support::smtpcheck_json;

/// Timings become 0 and the listed ports `PORT`, wherever they appear.
fn redact(doc: &mut Value, ports: &[u16]) {
    match doc {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                let timing = key.ends_with("_ms") || key == "total_s";
                if timing && value.is_number() {
                    *value = Value::from(0);
                } else if key == "port"
                    && value.as_u64().is_some_and(|p| ports.contains(&(p as u16)))
                {
                    *value = Value::from("PORT");
                } else {
                    redact(value, ports);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| redact(v, ports)),
        Value::String(text) => {
            for port in ports {
                *text = text
                    .replace(&format!(":{port}"), ":PORT")
                    .replace(&format!("port {port}"), "port PORT");
            }
            // "(handshake 0.4 ms)", "in 1.2 ms": timings inside words
            if let Some(at) = text.find(" ms") {
                let start = text[..at]
                    .rfind(|c: char| !(c.is_ascii_digit() || c == '.'))
                    .map_or(0, |i| i + 1);
                if start < at {
                    text.replace_range(start..at, "N");
                }
            }
        }
        _ => {}
    }
}

fn probe_args<'a>(target: &'a str, resolver: &'a str, port: &'a str) -> Vec<&'a str> {
    vec![
        "probe",
        target,
        "--resolver",
        resolver,
        "--allow-private",
        "--port",
        port,
        "--helo",
        "client.test",
        "--tls",
        "off",
        "--from",
        "me@client.test",
    ]
}

#[test]
fn a_backup_mx_carrying_the_load() {
    let up = FakeSmtp::standard("127.0.0.3:0", &["PIPELINING", "8BITMIME"], "250 2.1.5 Ok");
    let dns = TestDns::start(&[&zone(
        "snap.test",
        "@ MX 10 down\n@ MX 20 up\ndown A 127.0.0.2\nup A 127.0.0.3",
    )]);
    let (resolver, port) = (dns.resolver_arg(), up.port().to_string());
    let mut args = probe_args("snap.test", &resolver, &port);
    args.push("--no-transport-policy");
    let (mut doc, code) = smtpcheck_json(&args);
    assert_eq!(code, 1);
    // reverse DNS of loopback depends on the machine's resolver: not pinned
    if let Some(checks) = doc["checks"].as_array_mut() {
        checks.retain(|c| c["id"] != "dns.ptr" && c["id"] != "smtp.identity");
    }
    redact(&mut doc, &[up.port(), dns.port()]);
    insta::assert_json_snapshot!(doc);
}

#[test]
fn a_message_sent_to_one_of_two_recipients() {
    let base = support::smtp::responder(&[], "250 2.1.5 Ok");
    let smtp = FakeSmtp::start(
        "127.0.0.1:0",
        Greeting::Send(b"220 fake.test ESMTP\r\n".to_vec()),
        std::sync::Arc::new(move |line: &str, tls: bool| {
            if line.starts_with("RCPT TO:<unknown@") {
                return Some(
                    b"550 5.1.1 <unknown@dest.test>: Recipient address rejected: User unknown\r\n"
                        .to_vec(),
                );
            }
            base(line, tls)
        }),
    );
    let mut args = support::smtp::send_args(&smtp);
    args.extend(
        [
            "--to",
            "known@dest.test",
            "--to",
            "unknown@dest.test",
            "--no-transport-policy",
        ]
        .map(String::from),
    );
    let (mut doc, code) = smtpcheck_json(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code, 1);
    if let Some(checks) = doc["checks"].as_array_mut() {
        checks.retain(|c| c["id"] != "dns.ptr" && c["id"] != "smtp.identity");
    }
    // the message itself carries a date and a message id: not pinned
    doc["transcripts"] = Value::Null;
    redact(&mut doc, &[smtp.port()]);
    insta::assert_json_snapshot!(doc);
}

#[test]
fn the_error_document() {
    let (doc, code) = smtpcheck_json(&["probe", "bad..domain"]);
    assert_eq!(code, 3);
    insta::assert_json_snapshot!(doc);
}

#[test]
fn nxdomain() {
    let dns = TestDns::start(&[&zone("snap.test", "")]);
    let resolver = dns.resolver_arg();
    let (mut doc, code) = smtpcheck_json(&probe_args("gone.snap.test", &resolver, "25"));
    assert_eq!(code, 2);
    redact(&mut doc, &[dns.port()]);
    insta::assert_json_snapshot!(doc);
}
