//! The human report as a tired admin sees it at 80×24, pinned as insta
//! snapshots for the representative cases of issue #16: all pass, one MX
//! down, greylisted, every address failing, a TLS failure, 100 MX records.
//! Colour is off and the width is 80; `support::screen` asserts that no
//! line is wider. The DANE failure is pinned in tests/dnssec.rs, beside
//! the signed world it needs.

mod support;

use support::dns::{zone, TestDns};
use support::smtp::{responder, FakeSmtp, Greeting, Upgrade};
use support::{assert_screen, screen};

/// `probe` with the test resolver, plaintext, a fixed HELO and sender.
fn probe<'a>(target: &'a str, resolver: &'a str, port: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "probe",
        target,
        "--resolver",
        resolver,
        "--allow-private",
        "--port",
        port,
        "--helo",
        "client.test",
        "--from",
        "me@client.test",
        "--no-transport-policy",
    ];
    args.extend_from_slice(extra);
    args
}

/// The verdict paragraph, unwrapped (it ends the report).
fn verdict(text: &str) -> String {
    let at = text.rfind("\nVerdict: ").expect("a verdict");
    text[at..].split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn all_pass() {
    let up = FakeSmtp::standard("127.0.0.3:0", &["PIPELINING", "8BITMIME"], "250 2.1.5 Ok");
    let dns = TestDns::start(&[&zone("ok.test", "@ MX 10 mx\nmx A 127.0.0.3")]);
    let (resolver, port) = (dns.resolver_arg(), up.port().to_string());
    let (text, code) = screen(&probe("ok.test", &resolver, &port, &["--tls", "off"]));
    assert_eq!(code, 0, "{text}");
    assert_screen("all_pass", &text, &[up.port(), dns.port()]);
}

#[test]
fn one_mx_down() {
    let up = FakeSmtp::standard("127.0.0.3:0", &["PIPELINING"], "250 2.1.5 Ok");
    let dns = TestDns::start(&[&zone(
        "half.test",
        "@ MX 10 down\n@ MX 20 up\ndown A 127.0.0.2\nup A 127.0.0.3",
    )]);
    let (resolver, port) = (dns.resolver_arg(), up.port().to_string());
    let (text, code) = screen(&probe("half.test", &resolver, &port, &["--tls", "off"]));
    assert_eq!(code, 1, "{text}");
    assert!(verdict(&text).contains("down.half.test"), "{text}");
    assert_screen("one_mx_down", &text, &[up.port(), dns.port()]);
}

#[test]
fn greylisted() {
    let grey = FakeSmtp::start(
        "127.0.0.3:0",
        Greeting::Send(b"220 grey.test ESMTP\r\n".to_vec()),
        responder(
            &["PIPELINING"],
            "450 4.2.0 <a@grey.test>: Recipient address rejected: Greylisted, see https://postgrey.schweikert.ch/help/grey.test.html",
        ),
    );
    let dns = TestDns::start(&[&zone("grey.test", "@ MX 10 mx\nmx A 127.0.0.3")]);
    let (resolver, port) = (dns.resolver_arg(), grey.port().to_string());
    let args = probe(
        "grey.test",
        &resolver,
        &port,
        &["--tls", "off", "--rcpt", "a@grey.test"],
    );
    let (text, code) = screen(&args);
    assert!(verdict(&text).contains("greylisting"), "{text}");
    assert_screen("greylisted", &text, &[grey.port(), dns.port()]);
    assert_eq!(code, 1, "{text}");
}

#[test]
fn every_address_failing() {
    let refusing = FakeSmtp::standard("127.0.0.3:0", &[], "550 5.1.1 <a@gone.test>: Recipient address rejected: User unknown in local recipient table");
    let dns = TestDns::start(&[&zone(
        "gone.test",
        "@ MX 10 mx1\n@ MX 20 mx2\nmx1 A 127.0.0.2\nmx2 A 127.0.0.3",
    )]);
    let (resolver, port) = (dns.resolver_arg(), refusing.port().to_string());
    let args = probe(
        "gone.test",
        &resolver,
        &port,
        &["--tls", "off", "--rcpt", "a@gone.test"],
    );
    let (text, code) = screen(&args);
    assert_eq!(code, 2, "{text}");
    // the verdict names both breaks
    let verdict = verdict(&text);
    assert!(
        verdict.contains("FAIL") && verdict.contains("mx1.gone.test [127.0.0.2]"),
        "{text}"
    );
    assert!(
        verdict.contains("mx2.gone.test [127.0.0.3]: the mailbox does not exist"),
        "{text}"
    );
    assert_screen(
        "every_address_failing",
        &text,
        &[refusing.port(), dns.port()],
    );
}

#[test]
fn tls_failure() {
    let broken = FakeSmtp::starttls(Upgrade::Alert(40));
    let dns = TestDns::start(&[&zone("tlsbad.test", "@ MX 10 mx\nmx A 127.0.0.1")]);
    let (resolver, port) = (dns.resolver_arg(), broken.port().to_string());
    let (text, code) = screen(&probe(
        "tlsbad.test",
        &resolver,
        &port,
        &["--tls", "require"],
    ));
    assert_eq!(code, 2, "{text}");
    assert_screen("tls_failure", &text, &[broken.port(), dns.port()]);
}

#[test]
fn a_hundred_mx_records() {
    let mut records = String::new();
    for i in 0..100 {
        records.push_str(&format!("@ MX {i} mx{i}\n"));
    }
    records.push_str("mx0 A 127.0.0.3\n");
    let up = FakeSmtp::standard("127.0.0.3:0", &[], "250 2.1.5 Ok");
    let dns = TestDns::start(&[&zone("many.test", &records)]);
    let (resolver, port) = (dns.resolver_arg(), up.port().to_string());
    let args = probe(
        "many.test",
        &resolver,
        &port,
        &["--tls", "off", "--concurrency", "4"],
    );
    let (text, _) = screen(&args);
    // one paragraph for mx1 and one line naming the 14 others alike
    assert!(
        text.contains("14 more") && text.contains("(-v shows each)"),
        "{text}"
    );
    assert!(
        text.lines().count() <= 40,
        "{} lines\n{text}",
        text.lines().count()
    );
    assert!(
        verdict(&text).contains("mx1.many.test has no address"),
        "{text}"
    );
    assert_screen("a_hundred_mx_records", &text, &[up.port(), dns.port()]);
}

#[test]
fn an_expired_certificate() {
    let pki = support::pki::Pki::new();
    let leaf = pki.leaf(&["mx.old.test"], -400, -3, support::pki::SignedBy::Ca);
    let smtp = FakeSmtp::starttls(Upgrade::Accept(leaf.server_config()));
    let dns = TestDns::start(&[&zone("old.test", "@ MX 10 mx\nmx A 127.0.0.1")]);
    let (resolver, port, ca) = (dns.resolver_arg(), smtp.port().to_string(), pki.ca_file());
    let (text, code) = screen(&probe("old.test", &resolver, &port, &["--ca-file", &ca]));
    // opportunistic TLS: the mail still flows, the expiry is the warning
    assert_eq!(code, 1, "{text}");
    let verdict = verdict(&text);
    assert!(
        verdict.contains("tls.certificate at mx.old.test") && verdict.contains("expired"),
        "{text}"
    );
    assert_screen("expired_certificate", &text, &[smtp.port(), dns.port()]);
}
