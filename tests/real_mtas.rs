//! The real path: real MTAs on loopback, found through the tests' own DNS
//! zone. Postfix on 127.0.0.1 and ::1 (scripts/postfix-up), Exim on
//! 127.0.0.2 (scripts/exim-up), aiosmtpd on 127.0.0.3, nodemailer's
//! smtp-server on 127.0.0.4 and Haraka on 127.0.0.5 (scripts/aiosmtpd-up,
//! smtp-server-up, haraka-up); scripts/test and .ci/run start them all. Locally
//! these tests skip with a message when an MTA is absent; with CI=true they
//! must run.

mod support;

use serde_json::Value;
use std::io::Read;
use std::time::Duration;
use support::dns::{zone, TestDns};
use support::{check, checks, smtpcheck_json};

/// True when an MTA greets on `addr` with a banner containing `marker`.
fn mta_running(addr: &str, marker: &str) -> bool {
    let Ok(mut s) =
        std::net::TcpStream::connect_timeout(&addr.parse().unwrap(), Duration::from_secs(2))
    else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let mut buf = [0u8; 256];
    let n = s.read(&mut buf).unwrap_or(0);
    String::from_utf8_lossy(&buf[..n]).contains(marker)
}

fn require_mta(name: &str, addr: &str, marker: &str, script: &str) -> bool {
    if mta_running(addr, marker) {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true but {name} is not answering on {addr}: {script} must have started it");
    }
    eprintln!("SKIPPED: {name} is not running on {addr} (run scripts/test as root to set it up)");
    false
}

fn require_postfix() -> bool {
    require_mta(
        "Postfix",
        "127.0.0.1:25",
        "smtpcheck-test",
        "scripts/postfix-up",
    )
}

/// The private CA scripts/test-pki made for the MTAs' certificates.
const CA_FILE: &str = "/etc/smtpcheck-test/ca.pem";

fn postfix_zone() -> TestDns {
    TestDns::start(&[&zone(
        "postfix.test",
        "@ MX 10 mx\nmx A 127.0.0.1\nmx AAAA ::1",
    )])
}

fn probe(target: &str, dns: &TestDns) -> (Value, i32) {
    probe_with(target, dns, &[])
}

fn probe_with(target: &str, dns: &TestDns, extra: &[&str]) -> (Value, i32) {
    let resolver = dns.resolver_arg();
    let mut args = vec![
        "probe",
        target,
        "--resolver",
        &resolver,
        "--allow-private",
        "--helo",
        "client.smtpcheck.test",
        "--from",
        "probe@postfix.test",
        "--ca-file",
        CA_FILE,
    ];
    args.extend_from_slice(extra);
    smtpcheck_json(&args)
}

fn status_of(check: &Value) -> &str {
    check["status"].as_str().unwrap()
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
        "--allow-private",
        "--helo",
        "client.smtpcheck.test",
    ]);
    assert_eq!(code, 0, "{doc:#}");
    assert!(checks(&doc, "smtp.mail").is_empty());
    assert_eq!(checks(&doc, "smtp.ehlo").len(), 2);
    let (doc, code) = smtpcheck_json(&[
        "banner",
        "postfix.test",
        "--resolver",
        &resolver,
        "--allow-private",
    ]);
    assert_eq!(code, 0, "{doc:#}");
    assert!(checks(&doc, "smtp.ehlo").is_empty());
}

#[test]
fn postfix_starttls_on_25_with_the_test_ca() {
    if !require_postfix() {
        return;
    }
    let dns = postfix_zone();
    let (doc, code) = probe_with("postfix.test", &dns, &["--require-tls"]);
    assert_eq!(
        (doc["verdict"].as_str(), code),
        (Some("pass"), 0),
        "{doc:#}"
    );
    for tls in checks(&doc, "tls.starttls") {
        assert_eq!(status_of(tls), "pass");
        assert!(["TLSv1.3", "TLSv1.2"].contains(&tls["data"]["version"].as_str().unwrap()));
        assert!(tls["data"]["cipher"].as_str().unwrap().starts_with("TLS"));
        assert!(tls["data"]["handshake_ms"].is_number());
    }
    for cert in checks(&doc, "tls.certificate") {
        assert_eq!(status_of(cert), "pass", "{cert:#}");
        assert_eq!(cert["data"]["sans"], serde_json::json!(["mx.postfix.test"]));
        assert_eq!(cert["data"]["issuer"], "CN=smtpcheck Test CA");
        assert_eq!(cert["data"]["key"], "EC P-256");
        assert!(cert["data"]["days_left"].as_i64().unwrap() >= 28);
    }
    let after: Vec<&Value> = checks(&doc, "smtp.ehlo")
        .into_iter()
        .filter(|c| c["data"]["after_tls"] == true)
        .collect();
    assert_eq!(after.len(), 2);
    // the transaction ran inside TLS
    let lines = doc["transcripts"][0]["lines"].as_array().unwrap();
    let rcpt = lines
        .iter()
        .find(|l| l["text"].as_str().unwrap().starts_with("RCPT TO"))
        .unwrap();
    assert_eq!(rcpt["tls"], true);
}

#[test]
fn postfix_without_the_ca_is_an_unknown_issuer() {
    if !require_postfix() {
        return;
    }
    let dns = TestDns::start(&[&zone("postfix.test", "@ MX 10 mx\nmx A 127.0.0.1")]);
    let resolver = dns.resolver_arg();
    let (doc, code) = smtpcheck_json(&[
        "tls",
        "postfix.test",
        "--resolver",
        &resolver,
        "--allow-private",
    ]);
    assert_eq!(code, 1, "{doc:#}");
    let cert = check(&doc, "tls.certificate");
    assert_eq!(
        cert["data"]["problems"],
        serde_json::json!(["unknown_issuer"]),
        "{cert:#}"
    );
    assert_eq!(status_of(cert), "warn");
    let (doc, code) = smtpcheck_json(&[
        "tls",
        "postfix.test",
        "--resolver",
        &resolver,
        "--allow-private",
        "--tls",
        "require",
    ]);
    assert_eq!(code, 2, "{doc:#}");
    assert_eq!(status_of(check(&doc, "tls.certificate")), "fail");
}

#[test]
fn postfix_implicit_tls_on_465() {
    if !require_postfix() {
        return;
    }
    let dns = TestDns::start(&[&zone("postfix.test", "@ MX 10 mx\nmx A 127.0.0.1")]);
    let (doc, code) = probe_with("postfix.test", &dns, &["--port", "465"]);
    assert_eq!(
        (doc["verdict"].as_str(), code),
        (Some("pass"), 0),
        "{doc:#}"
    );
    let tls = check(&doc, "tls.implicit");
    assert_eq!(status_of(tls), "pass");
    assert!(checks(&doc, "tls.starttls").is_empty());
    assert_eq!(status_of(check(&doc, "tls.certificate")), "pass");
    assert_eq!(check(&doc, "smtp.ehlo")["data"]["after_tls"], true);
    let banner_line = &doc["transcripts"][0]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["dir"] == "received")
        .unwrap()
        .clone();
    assert_eq!(banner_line["tls"], true, "the greeting came inside TLS");
}

#[test]
fn postfix_submission_on_587_requires_starttls() {
    if !require_postfix() {
        return;
    }
    let dns = TestDns::start(&[&zone("postfix.test", "@ MX 10 mx\nmx A 127.0.0.1")]);
    let (doc, code) = probe_with("postfix.test", &dns, &["--port", "587"]);
    assert_eq!(
        (doc["verdict"].as_str(), code),
        (Some("pass"), 0),
        "{doc:#}"
    );
    assert_eq!(status_of(check(&doc, "tls.starttls")), "pass");
    // without TLS, Postfix's "encrypt" level refuses the transaction
    let (doc, code) = probe_with("postfix.test", &dns, &["--port", "587", "--tls", "off"]);
    assert_eq!(code, 2, "{doc:#}");
    let mail = check(&doc, "smtp.mail");
    assert_eq!(
        (mail["data"]["code"].as_u64(), status_of(mail)),
        (Some(530), "fail"),
        "{mail:#}"
    );
}

#[test]
fn postfix_passes_the_starttls_injection_test() {
    if !require_postfix() {
        return;
    }
    let dns = TestDns::start(&[&zone("postfix.test", "@ MX 10 mx\nmx A 127.0.0.1")]);
    let (doc, code) = probe_with("postfix.test", &dns, &["--tls-injection-test"]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(check(&doc, "tls.injection")["data"]["result"], "safe");
}

/// One row of the server matrix: the same probes, the same assertions, no
/// special case per server.
struct Mta {
    name: &'static str,
    domain: &'static str,
    ip: &'static str,
    banner: &'static str,
    script: &'static str,
    /// The AUTH mechanisms it offers on 25 inside TLS to
    /// probe@DOMAIN / probe-secret-42 (XOAUTH2: token probe-token-42).
    auth: &'static [&'static str],
    /// Where messages delivered to postmaster@DOMAIN land, one file each.
    mailbox: Option<&'static str>,
}

const MATRIX: &[Mta] = &[
    Mta {
        name: "Postfix",
        domain: "postfix.test",
        ip: "127.0.0.1",
        banner: "smtpcheck-test",
        script: "scripts/postfix-up",
        auth: &[],
        mailbox: None,
    },
    Mta {
        name: "Exim",
        domain: "exim.test",
        ip: "127.0.0.2",
        banner: "Exim",
        script: "scripts/exim-up",
        auth: &[],
        mailbox: None,
    },
    Mta {
        name: "aiosmtpd",
        domain: "aiosmtpd.test",
        ip: "127.0.0.3",
        banner: "Python SMTP",
        script: "scripts/aiosmtpd-up",
        auth: &["PLAIN", "LOGIN"],
        mailbox: Some("/var/spool/smtpcheck-aiosmtpd/mail"),
    },
    Mta {
        name: "smtp-server",
        domain: "smtp-server.test",
        ip: "127.0.0.4",
        banner: "smtp-server",
        script: "scripts/smtp-server-up",
        auth: &["PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"],
        mailbox: Some("/var/spool/smtpcheck-smtp-server/mail"),
    },
    Mta {
        name: "Haraka",
        domain: "haraka.test",
        ip: "127.0.0.5",
        banner: "Haraka",
        script: "scripts/haraka-up",
        auth: &["PLAIN", "LOGIN", "CRAM-MD5"],
        mailbox: Some("/var/spool/smtpcheck-haraka/mail"),
    },
];

/// The MTAs of the matrix that are running (all of them in CI).
fn running_mtas() -> impl Iterator<Item = &'static Mta> {
    MATRIX
        .iter()
        .filter(|m| require_mta(m.name, &format!("{}:25", m.ip), m.banner, m.script))
}

fn mta_zone(mta: &Mta) -> TestDns {
    TestDns::start(&[&zone(mta.domain, &format!("@ MX 10 mx\nmx A {}", mta.ip))])
}

/// smtpcheck with `args`, the secret in the environment as a user sets it.
fn with_secret(args: &[&str], env: &str, secret: &str) -> (Value, i32) {
    let out = assert_cmd::Command::cargo_bin("smtpcheck")
        .unwrap()
        .args(args)
        .arg("--json")
        .env(env, secret)
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (doc, out.status.code().unwrap_or(-1))
}

/// `probe` of `mta`'s domain with AUTH as probe@DOMAIN by `mech`, the
/// secret in the environment variable `env`.
fn auth_probe(mta: &Mta, dns: &TestDns, mech: &str, env: &str, secret: &str) -> (Value, i32) {
    let (resolver, user) = (dns.resolver_arg(), format!("probe@{}", mta.domain));
    let args = [
        "probe",
        mta.domain,
        "--resolver",
        &resolver,
        "--allow-private",
        "--ca-file",
        CA_FILE,
        "--from",
        &user,
        "--auth-user",
        &user,
        "--auth-mech",
        mech,
    ];
    with_secret(&args, env, secret)
}

/// Each mechanism each server offers, with the right secret and a wrong one.
#[test]
fn every_real_mta_authenticates_with_each_mechanism_it_offers() {
    for mta in running_mtas().filter(|m| !m.auth.is_empty()) {
        let dns = mta_zone(mta);
        for mech in mta.auth {
            let (env, good) = match *mech {
                "XOAUTH2" => ("SMTPCHECK_OAUTH_TOKEN", "probe-token-42"),
                _ => ("SMTPCHECK_PASSWORD", "probe-secret-42"),
            };
            let (doc, code) = auth_probe(mta, &dns, mech, env, good);
            let auth = check(&doc, "smtp.auth");
            assert_eq!(
                (
                    code,
                    auth["data"]["code"].as_u64(),
                    auth["data"]["mechanism"].as_str()
                ),
                (0, Some(235), Some(*mech)),
                "{} {mech}: {doc:#}",
                mta.name
            );
            let (doc, code) = auth_probe(mta, &dns, mech, env, "wrong-secret");
            let auth = check(&doc, "smtp.auth");
            assert_eq!(
                (code, auth["status"].as_str(), auth["data"]["code"].as_u64()),
                (2, Some("fail"), Some(535)),
                "{} {mech} with a wrong secret: {doc:#}",
                mta.name
            );
            let serialized = doc.to_string();
            assert!(!serialized.contains(good) && !serialized.contains("wrong-secret"));
        }
    }
}

/// smtp-server answers a bad XOAUTH2 token with a 334 challenge carrying
/// JSON (RFC 7628 §3.2.2): shown decoded, with advice about tokens.
#[test]
fn a_refused_xoauth2_token_is_explained_from_the_servers_json() {
    let Some(mta) = running_mtas().find(|m| m.auth.contains(&"XOAUTH2")) else {
        return;
    };
    let dns = mta_zone(mta);
    let (doc, _) = auth_probe(
        mta,
        &dns,
        "xoauth2",
        "SMTPCHECK_OAUTH_TOKEN",
        "expired-token",
    );
    let auth = check(&doc, "smtp.auth");
    assert_eq!(auth["data"]["cause"], "auth_token_refused", "{auth:#}");
    assert!(auth["data"]["token_error"]
        .as_str()
        .unwrap()
        .contains("\"status\":\"401\""));
    let summary = auth["summary"].as_str().unwrap();
    assert!(
        summary.contains("status 401, scope https://mail.smtpcheck.test/"),
        "{summary}"
    );
    let advice = auth["advice"].as_str().unwrap();
    assert!(
        advice.contains("access token") && !advice.contains("password is wrong"),
        "{advice}"
    );
}

/// `send` to postmaster through each server's MX; the message is read back
/// from where the server put it, and the queue id matches its reply.
#[test]
fn every_real_mta_delivers_a_sent_message_read_back_from_its_mailbox() {
    for mta in running_mtas() {
        let Some(mailbox) = mta.mailbox else { continue };
        let dns = mta_zone(mta);
        let (resolver, from) = (dns.resolver_arg(), format!("probe@{}", mta.domain));
        let subject = format!("smtpcheck matrix {} {}", mta.name, std::process::id());
        let to = format!("postmaster@{}", mta.domain);
        let (doc, code) = smtpcheck_json(&[
            "send",
            "--to",
            &to,
            "--from",
            &from,
            "--resolver",
            &resolver,
            "--allow-private",
            "--ca-file",
            CA_FILE,
            "--subject",
            &subject,
            "--body",
            "hello\n.dotted\nGrüße",
        ]);
        assert_eq!(code, 0, "{}: {doc:#}", mta.name);
        let end = check(&doc, "smtp.data_end");
        assert_eq!(end["data"]["code"], 250, "{}: {end:#}", mta.name);
        let delivered: Vec<String> = std::fs::read_dir(mailbox)
            .unwrap()
            .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
            .filter(|m| m.contains(&subject))
            .collect();
        assert_eq!(delivered.len(), 1, "{}: {subject} in {mailbox}", mta.name);
        let message = &delivered[0];
        assert!(
            message.contains("\r\n.dotted\r\n"),
            "dot-stuffing undone: {message}"
        );
        assert!(message.contains("X-Smtpcheck: test message"), "{message}");
        if let Some(id) = end["data"]["queue_id"].as_str() {
            assert!(
                end["data"]["text"].as_str().unwrap().contains(id),
                "{end:#}"
            );
        }
    }
}

#[test]
fn every_real_mta_is_probed_end_to_end_with_starttls() {
    for mta in running_mtas() {
        let dns = mta_zone(mta);
        let (doc, code) = probe_with(mta.domain, &dns, &["--require-tls"]);
        assert_eq!(
            (doc["verdict"].as_str(), code),
            (Some("pass"), 0),
            "{}: {doc:#}",
            mta.name
        );
        let tls = check(&doc, "tls.starttls");
        assert!(
            tls["data"]["version"]
                .as_str()
                .unwrap()
                .starts_with("TLSv1."),
            "{}",
            mta.name
        );
        let cert = check(&doc, "tls.certificate");
        assert_eq!(
            cert["data"]["sans"],
            serde_json::json!([format!("mx.{}", mta.domain)]),
            "{}",
            mta.name
        );
        assert_eq!(
            checks(&doc, "smtp.ehlo").len(),
            2,
            "{}: EHLO before and inside TLS",
            mta.name
        );
        assert!(check(&doc, "smtp.banner")["data"]["text"]
            .as_str()
            .unwrap()
            .contains(mta.banner));

        let (doc, code) = probe_with(&format!("nosuchuser@{}", mta.domain), &dns, &[]);
        assert_eq!(code, 2, "{}: {doc:#}", mta.name);
        assert_eq!(
            check(&doc, "smtp.rcpt")["data"]["cause"],
            "unknown_user",
            "{}: {doc:#}",
            mta.name
        );

        let foreign = TestDns::start(&[
            &zone("elsewhere.test", &format!("@ MX 10 mx.{}.", mta.domain)),
            &zone(mta.domain, &format!("mx A {}", mta.ip)),
        ]);
        let (doc, code) = probe_with("elsewhere.test", &foreign, &[]);
        assert_eq!(code, 2, "{}: {doc:#}", mta.name);
        assert_eq!(
            check(&doc, "smtp.rcpt")["data"]["cause"],
            "relay_denied",
            "{}: {doc:#}",
            mta.name
        );
    }
}

#[test]
fn postfix_submission_with_real_sasl_auth() {
    if !require_postfix() {
        return;
    }
    let dns = TestDns::start(&[&zone("postfix.test", "@ MX 10 mx\nmx A 127.0.0.1")]);
    let resolver = dns.resolver_arg();
    let run = |password: &str, mech: &str| {
        let out = assert_cmd::Command::cargo_bin("smtpcheck")
            .unwrap()
            .args([
                "probe",
                "postfix.test",
                "--resolver",
                &resolver,
                "--allow-private",
                "--submission",
                "--ca-file",
                CA_FILE,
            ])
            .args([
                "--auth-user",
                "probe",
                "--auth-mech",
                mech,
                "--from",
                "probe@postfix.test",
                "--json",
            ])
            .env("SMTPCHECK_PASSWORD", password)
            .output()
            .unwrap();
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        (doc, out.status.code().unwrap())
    };
    for mech in ["plain", "login", "cram-md5"] {
        let (doc, code) = run("probe-secret-42", mech);
        assert_eq!(code, 0, "{mech}: {doc:#}");
        let auth = check(&doc, "smtp.auth");
        assert_eq!(
            (
                auth["data"]["code"].as_u64(),
                auth["data"]["mechanism"].as_str()
            ),
            (Some(235), Some(mech.to_uppercase().as_str()))
        );
        assert_eq!(
            check(&doc, "tls.starttls")["status"],
            "pass",
            "AUTH only inside TLS on 587"
        );
    }
    let (doc, code) = run("wrong", "plain");
    assert_eq!(code, 2, "{doc:#}");
    assert_eq!(check(&doc, "smtp.auth")["data"]["code"], 535);
}

/// Knot DNS (scripts/knot-up) signs postfix.test itself and serves TLSA
/// records for the certificate the CI Postfix presents; the DS of Knot's key
/// is the trust anchor.
const KNOT: &str = "127.0.0.1:53530";
const KNOT_ANCHOR: &str = "/etc/smtpcheck-test/postfix.test.anchor";

fn require_knot() -> bool {
    let up = std::net::TcpStream::connect_timeout(&KNOT.parse().unwrap(), Duration::from_secs(2))
        .is_ok()
        && std::path::Path::new(KNOT_ANCHOR).exists();
    if !up && std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "CI=true but Knot DNS is not answering on {KNOT}: scripts/knot-up must have started it"
        );
    }
    if !up {
        eprintln!("SKIPPED: Knot DNS is not running on {KNOT} (run scripts/test as root)");
    }
    up
}

#[test]
fn knot_signed_zone_validates_and_its_tlsa_matches_postfix() {
    if !require_postfix() || !require_knot() {
        return;
    }
    let knot_probe = |extra: &[&str]| {
        let mut args = vec![
            "probe",
            "postfix.test",
            "--resolver",
            KNOT,
            "--allow-private",
            "--helo",
            "client.smtpcheck.test",
            "--ca-file",
            CA_FILE,
        ];
        args.extend_from_slice(extra);
        smtpcheck_json(&args)
    };
    let (doc, code) = knot_probe(&["--dnssec-anchor", KNOT_ANCHOR]);
    let dnssec = check(&doc, "dns.dnssec");
    assert_eq!(
        (dnssec["status"].as_str(), dnssec["data"]["status"].as_str()),
        (Some("pass"), Some("secure")),
        "{doc:#}"
    );
    let dane = check(&doc, "tls.dane");
    assert_eq!(dane["status"], "pass", "{dane:#}");
    assert_eq!(dane["data"]["matched"]["usage"], 3);
    for sender in doc["senders"].as_array().unwrap() {
        assert_eq!(
            (sender["action"].as_str(), sender["via"].as_str()),
            (Some("deliver"), Some("mx.postfix.test")),
            "{sender}"
        );
    }
    assert_eq!(code, 0, "{doc:#}");
    // Without the anchor the same zone cannot be judged, and nothing else changes.
    let (doc, code) = knot_probe(&[]);
    assert_eq!(check(&doc, "dns.dnssec")["data"]["status"], "indeterminate");
    assert_eq!(code, 0, "{doc:#}");
}

/// `--tls-scan` against the real Postfix (OpenSSL 3, Debian's defaults with
/// smtpd_tls_security_level = may): TLS 1.2 and 1.3 accepted, and the
/// anonymous DH suites Postfix enables for opportunistic TLS found and
/// graded insufficient, their unsigned key exchange too.
#[test]
fn tls_scan_of_the_real_postfix() {
    if !require_postfix() {
        return;
    }
    let dns = postfix_zone();
    let (doc, _) = probe_with("postfix.test", &dns, &["--tls-scan", "-4"]);
    let versions = check(&doc, "tls.versions");
    let offered: Vec<&str> = versions["data"]["offered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        offered.contains(&"TLSv1.2") && offered.contains(&"TLSv1.3"),
        "{versions:#}"
    );
    let ciphers = check(&doc, "tls.ciphers");
    let families = ciphers["data"]["accepted_families"].as_array().unwrap();
    assert!(
        families
            .iter()
            .any(|f| f["family"] == "anonymous_or_null" && f["grade"] == "insufficient"),
        "{ciphers:#}"
    );
    assert!(
        ciphers["data"]["refused_families"]
            .as_array()
            .unwrap()
            .contains(&"RC4".into()),
        "{ciphers:#}"
    );
    let kx = check(&doc, "tls.key_exchange");
    assert!(
        kx["summary"]
            .as_str()
            .unwrap()
            .contains("an anonymous suite"),
        "{kx:#}"
    );
}

/// `smtpcheck session` piped, as a script would use it.
fn session_with(args: &[&str], stdin: &str) -> (String, i32) {
    let out = assert_cmd::Command::cargo_bin("smtpcheck")
        .unwrap()
        .arg("session")
        .args(args)
        .write_stdin(stdin.as_bytes().to_vec())
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// A session typed into the real Postfix: STARTTLS in place with its test
/// certificate verified, then a message with a dot-stuffed line, read back
/// from root's mailbox (postmaster is an alias of root) unstuffed.
#[test]
fn a_session_delivers_through_postfix_into_its_mailbox() {
    if !require_postfix() {
        return;
    }
    let dns = postfix_zone();
    let subject = format!("smtpcheck session {}", std::process::id());
    let stdin = format!(
        "EHLO client.smtpcheck.test\nSTARTTLS\nEHLO client.smtpcheck.test\n\
         MAIL FROM:<probe@postfix.test>\nRCPT TO:<nobody-here@postfix.test>\n\
         RCPT TO:<postmaster@postfix.test>\nDATA\n:headers\nSubject: {subject}\n\
         .a line that starts with a dot\nlast line\n.\nQUIT\n"
    );
    let (out, code) = session_with(
        &[
            "postfix.test",
            "--resolver",
            &dns.resolver_arg(),
            "--ca-file",
            CA_FILE,
            "-4",
        ],
        &stdin,
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("== connected to mx.postfix.test [127.0.0.1]:25"),
        "{out}"
    );
    assert!(
        out.contains("PASS  tls.certificate  certificate mx.postfix.test"),
        "{out}"
    );
    // Postfix's own words for an unknown local user, explained
    assert!(
        out.contains("<~ 550 5.1.1 <nobody-here@postfix.test>: Recipient address rejected: User unknown in local recipient table\n   => the mailbox does not exist"),
        "{out}"
    );
    let queued = out
        .lines()
        .find_map(|l| l.split("queued as ").nth(1))
        .unwrap_or_else(|| panic!("no queue id: {out}"))
        .trim()
        .to_string();
    // local delivery is asynchronous: wait for it, a little at a time
    let mut mbox = String::new();
    for _ in 0..100 {
        mbox = std::fs::read_to_string("/var/mail/root").unwrap_or_default();
        if mbox.contains(&subject) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let message = mbox
        .split("\nFrom ")
        .find(|m| m.contains(&subject))
        .unwrap_or_else(|| panic!("{subject} ({queued}) not in /var/mail/root"));
    assert!(
        message.contains("\n.a line that starts with a dot\n"),
        "{message}"
    );
    assert!(
        message.contains("Message-ID: <") && message.contains("From: <probe@postfix.test>"),
        "{message}"
    );
}

/// Exim in a session: its greeting and EHLO explained, STARTTLS in place,
/// its refusal of a relay attempt explained as relaying.
#[test]
fn a_session_with_exim_explains_its_relay_refusal() {
    let Some(exim) = MATRIX.iter().find(|m| m.name == "Exim") else {
        unreachable!()
    };
    if !require_mta(exim.name, "127.0.0.2:25", exim.banner, exim.script) {
        return;
    }
    let dns = mta_zone(exim);
    let (out, code) = session_with(
        &["exim.test", "--resolver", &dns.resolver_arg(), "--ca-file", CA_FILE],
        "EHLO client.smtpcheck.test\nSTARTTLS\nEHLO client.smtpcheck.test\nMAIL FROM:<a@client.smtpcheck.test>\nRCPT TO:<someone@elsewhere.example>\n",
    );
    assert!(
        out.contains("PASS  tls.certificate  certificate mx.exim.test"),
        "{out}"
    );
    assert!(out.contains("<~ 550 relay not permitted\n   => "), "{out}");
    let explained = out
        .lines()
        .skip_while(|l| !l.contains("550 relay not permitted"))
        .nth(1)
        .unwrap_or("");
    assert!(explained.contains("relay"), "{out}");
    assert_eq!(code, 2, "{out}");
}

/// A Prometheus scrape of `smtpcheck serve` (the binary, as deployed)
/// against the CI Postfix: probe_success 1 and the step metrics, TLS
/// required and verified with the test CA.
#[test]
fn a_scrape_of_the_exporter_against_postfix() {
    if !require_postfix() {
        return;
    }
    use std::io::{BufRead, BufReader, Write};
    let dns = postfix_zone();
    let config = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(config.path(), "[modules.default]\ntls = \"require\"\ntransport_policy = false\nhelo = \"client.smtpcheck.test\"\n").unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_smtpcheck"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--allow-private",
            "--ca-file",
            CA_FILE,
            "--resolver",
            &dns.resolver_arg(),
            "--config",
        ])
        .arg(config.path())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("smtpcheck serve: listening on http://")
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    let started = std::time::Instant::now();
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    write!(s, "GET /probe?target=postfix.test HTTP/1.1\r\nHost: {addr}\r\nAccept: application/openmetrics-text;version=1.0.0\r\nX-Prometheus-Scrape-Timeout-Seconds: 10\r\nConnection: close\r\n\r\n").unwrap();
    let mut body = String::new();
    s.read_to_string(&mut body).unwrap();
    eprintln!(
        "scrape of postfix.test: {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    let _ = child.kill();
    let _ = child.wait();
    assert!(body.contains("\nprobe_success 1\n"), "{body}");
    for step in ["connect", "greeting", "ehlo", "tls", "mail", "rcpt"] {
        assert!(
            body.contains(&format!("step=\"{step}\"}}")),
            "{step} in {body}"
        );
    }
    assert!(
        body.contains("smtpcheck_tls_version_info{host=\"mx.postfix.test\""),
        "{body}"
    );
    assert!(
        body.contains("smtpcheck_certificate_expiry_timestamp_seconds{host=\"mx.postfix.test\""),
        "{body}"
    );
}
