//! Causes and advice, end to end: each rule produces its `data.cause` in the
//! JSON and its advice in the human report. `smtpcheck explain` too.

mod support;

use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use support::smtp::{responder, FakeSmtp, Greeting};
use support::{check, smtpcheck, smtpcheck_json};

fn probe(smtp: &FakeSmtp, extra: &[&str]) -> (Value, i32) {
    let mut args = support::smtp::plaintext_args("probe", Some("diag.test"), smtp);
    args.extend(extra.iter().map(|a| a.to_string()));
    smtpcheck_json(&args.iter().map(String::as_str).collect::<Vec<_>>())
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
        ("MAIL", "550 5.7.26 Unauthenticated email from diag.test is not accepted due to domain's DMARC policy", "smtp.mail", "dmarc_policy", 2),
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

fn zone_probe(zone_text: &str, domain: &str, port: u16, extra: &[&str]) -> (Value, i32) {
    let dns = support::dns::TestDns::start(&[&support::dns::zone(domain, zone_text)]);
    let (resolver, port) = (dns.resolver_arg(), port.to_string());
    let mut args = vec![
        "probe",
        domain,
        "--resolver",
        &resolver,
        "--allow-private",
        "--port",
        &port,
        "--tls",
        "off",
        "--helo",
        "client.test",
    ];
    args.extend_from_slice(extra);
    smtpcheck_json(&args)
}

#[test]
fn blocked_port_is_told_apart_from_servers_down() {
    // The control port 587 needs root to bind; the CI runs as root.
    let Ok(probe_587) = std::net::TcpListener::bind("127.0.0.7:587") else {
        eprintln!("SKIPPED: cannot bind 127.0.0.7:587 (not root)");
        return;
    };
    drop(probe_587);
    let submission = FakeSmtp::standard("127.0.0.7:587", &[], "250 Ok");
    let hole = support::smtp::Blackhole::start("127.0.0.7");
    let (doc, code) = zone_probe(
        "@ MX 10 mx\nmx A 127.0.0.7",
        "blocked.test",
        hole.addr.port(),
        &["--timeout", "1"],
    );
    assert_eq!(code, 2);
    let path = check(&doc, "net.path");
    assert_eq!(path["data"]["cause"], "port25_blocked", "{doc:#}");
    assert!(path["summary"]
        .as_str()
        .unwrap()
        .contains("appears blocked on your network path"));
    assert!(path["advice"].as_str().unwrap().contains("another network"));
    drop(submission);
}

#[test]
fn ipv6_failing_where_ipv4_works_is_named() {
    let smtp = FakeSmtp::standard("127.0.0.1:0", &[], "250 Ok");
    // nothing listens on [::1] at that port: refused
    let (doc, code) = zone_probe(
        "@ MX 10 mx\nmx A 127.0.0.1\nmx AAAA ::1",
        "v6broken.test",
        smtp.port(),
        &[],
    );
    assert_eq!(code, 1, "{doc:#}");
    let path = check(&doc, "net.path");
    assert_eq!(
        (path["status"].as_str(), path["data"]["cause"].as_str()),
        (Some("warn"), Some("ipv6_not_listening"))
    );
}

#[test]
fn retry_greylist_waits_and_reports_the_outcome() {
    let attempts = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let base = responder(&[], "250 2.1.5 Ok");
    let seen = attempts.clone();
    let respond = Arc::new(move |line: &str, tls: bool| {
        if line.starts_with("RCPT") && seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
            return Some(b"450 4.7.1 <postmaster@diag.test>: Recipient address rejected: Greylisted for 1 seconds\r\n".to_vec());
        }
        base(line, tls)
    });
    let smtp = FakeSmtp::start(
        "127.0.0.1:0",
        Greeting::Send(b"220 grey.test ESMTP\r\n".to_vec()),
        respond,
    );
    let (doc, code) = probe(&smtp, &["--retry-greylist", "0.5"]);
    assert_eq!(code, 0, "{doc:#}");
    let r = check(&doc, "smtp.rcpt");
    assert_eq!(
        (r["status"].as_str(), r["data"]["retry"]["outcome"].as_str()),
        (Some("pass"), Some("accepted"))
    );
    assert_eq!(r["data"]["cause"], "greylisting");
    assert!(r["advice"]
        .as_str()
        .unwrap()
        .starts_with("Greylisting confirmed"));
    assert_eq!(attempts.load(std::sync::atomic::Ordering::SeqCst), 2);
    // without the option, a warning and no second attempt
    let greylisting = answering(
        "RCPT",
        "450 4.7.1 <postmaster@diag.test>: Recipient address rejected: Greylisted",
    );
    let (doc, code) = probe(&greylisting, &[]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(
        greylisting
            .received()
            .iter()
            .filter(|l| l.starts_with("RCPT"))
            .count(),
        1
    );
}

#[test]
fn relay_test_finds_an_open_relay() {
    let base = responder(&[], "250 2.1.5 Ok");
    let open = Arc::new(move |line: &str, tls: bool| base(line, tls));
    let smtp = FakeSmtp::start(
        "127.0.0.1:0",
        Greeting::Send(b"220 open.test ESMTP\r\n".to_vec()),
        open,
    );
    let (doc, code) = probe(&smtp, &["--relay-test"]);
    assert_eq!(
        (code, doc["verdict"].as_str()),
        (2, Some("fail")),
        "an open relay gets the domain block-listed: the run fails: {doc:#}"
    );
    let relay = check(&doc, "smtp.relay");
    assert_eq!(
        (relay["status"].as_str(), relay["data"]["cause"].as_str()),
        (Some("fail"), Some("open_relay"))
    );
    // The probe came from loopback, which servers trust: the finding says
    // so, and keeps the fail.
    assert_eq!(relay["data"]["trusted_source"], true, "{relay:#}");
    assert!(relay["summary"]
        .as_str()
        .unwrap()
        .contains("repeat it from outside"));
    assert!(
        doc["summary"].as_str().unwrap().contains("smtp.relay"),
        "{doc:#}"
    );
    assert!(smtp
        .received()
        .iter()
        .any(|l| l == "RCPT TO:<smtpcheck-relay-test@example.net>"));
    assert!(!smtp
        .received()
        .iter()
        .any(|l| l.eq_ignore_ascii_case("DATA")));
    let closed = answering("RCPT TO:<SMTPCHECK-RELAY", "554 5.7.1 Relay access denied");
    let (doc, code) = probe(&closed, &["--relay-test"]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(check(&doc, "smtp.relay")["data"]["result"], "refused");
}

#[test]
fn vrfy_reports_address_disclosure() {
    let telling = answering("VRFY", "250 <postmaster@diag.test>");
    let (doc, code) = probe(&telling, &["--vrfy"]);
    assert_eq!(code, 1, "{doc:#}");
    let v = check(&doc, "smtp.vrfy");
    assert_eq!(
        (v["status"].as_str(), v["data"]["cause"].as_str()),
        (Some("warn"), Some("address_disclosure"))
    );
    let discreet = answering("VRFY", "252 2.0.0 Cannot VRFY user");
    let (doc, code) = probe(&discreet, &["--vrfy"]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(check(&doc, "smtp.vrfy")["data"]["result"], "private");
}

#[test]
fn mx_hygiene_findings() {
    let z = "@ MX 10 alias\n@ MX 20 real\n@ MX 30 real\n@ MX 40 192.0.2.1.\nalias CNAME real\nreal A 127.0.0.1";
    let dns = support::dns::TestDns::start(&[&support::dns::zone("hygiene.test", z)]);
    let resolver = dns.resolver_arg();
    let (doc, code) = smtpcheck_json(&["mx", "hygiene.test", "--resolver", &resolver]);
    assert_eq!(code, 1, "{doc:#}");
    let causes: Vec<&str> = support::checks(&doc, "dns.hygiene")
        .iter()
        .map(|c| c["data"]["cause"].as_str().unwrap())
        .collect();
    for expected in [
        "duplicate_mx",
        "mx_is_cname",
        "mx_is_ip_literal",
        "non_public_address",
    ] {
        assert!(causes.contains(&expected), "{expected} in {causes:?}");
    }
    let private = support::checks(&doc, "dns.hygiene")
        .into_iter()
        .find(|c| c["data"]["cause"] == "non_public_address")
        .unwrap();
    assert_eq!(private["data"]["address_kind"], "loopback");
    // a lab says so, and the loopback warning goes
    let (doc, _) = smtpcheck_json(&[
        "mx",
        "hygiene.test",
        "--resolver",
        &resolver,
        "--allow-private",
    ]);
    assert!(support::checks(&doc, "dns.hygiene")
        .iter()
        .all(|c| c["data"]["cause"] != "non_public_address"));
}

#[test]
fn identity_names_each_disagreement() {
    let smtp = FakeSmtp::start(
        "127.0.0.2:0",
        Greeting::Send(b"220 mx.ident.test ESMTP\r\n".to_vec()),
        responder(&[], "250 Ok"),
    );
    let (doc, code) = zone_probe("@ MX 10 mx\nmx A 127.0.0.2", "ident.test", smtp.port(), &[]);
    assert_eq!(code, 0, "{doc:#}");
    let names = check(&doc, "smtp.identity");
    assert_eq!(
        (names["status"].as_str(), names["data"]["cause"].as_str()),
        (Some("info"), Some("names_disagree"))
    );
    let summary = names["summary"].as_str().unwrap();
    assert!(
        summary.starts_with("the MX is mx.ident.test, but"),
        "{summary}"
    );
    assert!(summary.contains("EHLO says fake.test"), "{summary}");
    assert!(
        !summary.contains("the greeting says"),
        "the greeting agrees: {summary}"
    );
    assert_eq!(names["data"]["names"]["banner"], "mx.ident.test");
    // the test resolver (asked, not hickory's built-in localhost answer)
    // has no reverse zone
    let ptr = check(&doc, "dns.ptr");
    assert_eq!(ptr["data"]["cause"], "no_ptr", "{ptr:#}");
    assert_eq!(
        ptr["status"], "info",
        "a loopback address: info, not a warning"
    );
}

mod policy {
    use super::*;

    fn policy(zones: &[&str], domain: &str) -> (Value, i32) {
        let dns = support::dns::TestDns::start(zones);
        let resolver = dns.resolver_arg();
        smtpcheck_json(&["policy", domain, "--resolver", &resolver, "--allow-private"])
    }

    fn cause(doc: &Value, id: &str) -> String {
        check(doc, id)["data"]["cause"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    #[test]
    fn good_records_pass() {
        let z = support::dns::zone(
            "good.test",
            "@ MX 10 mx\nmx A 127.0.0.1\n@ TXT \"v=spf1 mx -all\"\n_dmarc TXT \"v=DMARC1; p=reject; rua=mailto:d@good.test\"\n_smtp._tls TXT \"v=TLSRPTv1; rua=mailto:t@good.test\"",
        );
        let (doc, code) = policy(&[&z], "good.test");
        assert_eq!(
            (doc["command"].as_str(), code),
            (Some("policy"), 0),
            "{doc:#}"
        );
        assert_eq!(check(&doc, "policy.spf")["data"]["lookups"], 1);
        assert_eq!(check(&doc, "policy.dmarc")["data"]["p"], "reject");
        assert_eq!(
            check(&doc, "policy.tls_rpt")["data"]["rua"],
            serde_json::json!(["mailto:t@good.test"])
        );
        assert!(
            support::checks(&doc, "tcp.connect").is_empty(),
            "policy speaks no SMTP"
        );
    }

    #[test]
    fn missing_records_are_named() {
        let z = support::dns::zone("bare.test", "@ MX 10 mx\nmx A 127.0.0.1");
        let (doc, code) = policy(&[&z], "bare.test");
        assert_eq!(code, 1, "{doc:#}");
        assert_eq!(cause(&doc, "policy.spf"), "spf_missing");
        assert_eq!(cause(&doc, "policy.dmarc"), "dmarc_missing");
        assert_eq!(
            (
                check(&doc, "policy.tls_rpt")["status"].as_str(),
                cause(&doc, "policy.tls_rpt").as_str()
            ),
            (Some("info"), "tls_rpt_missing")
        );
    }

    #[test]
    fn spf_lookup_limit_is_counted_through_nested_includes() {
        let mut records = String::from(
            "@ MX 10 mx\nmx A 127.0.0.1\n@ TXT \"v=spf1 include:i1.deep.test -all\"\n",
        );
        for i in 1..=11 {
            records.push_str(&format!(
                "i{i} TXT \"v=spf1 include:i{}.deep.test -all\"\n",
                i + 1
            ));
        }
        records.push_str("i12 TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n");
        let (doc, code) = policy(&[&support::dns::zone("deep.test", &records)], "deep.test");
        assert_eq!(code, 1, "{doc:#}");
        let spf = check(&doc, "policy.spf");
        assert_eq!(spf["data"]["cause"], "spf_too_many_lookups", "{spf:#}");
        assert!(spf["data"]["lookups"].as_u64().unwrap() > 10);
    }

    #[test]
    fn spf_rules() {
        let cases = [
            ("\"v=spf1 +all\"", "spf_allows_all"),
            ("\"v=spf1 mx ?all\"", "spf_neutral"),
            ("\"v=spf1 mx\"", "spf_no_all"),
            (
                "\"v=spf1 mx -all\"\n@ TXT \"v=spf1 a -all\"",
                "spf_multiple",
            ),
            (
                "\"v=spf1 a:nx1.rules.test a:nx2.rules.test a:nx3.rules.test -all\"",
                "spf_void_lookups",
            ),
            (
                "\"v=spf1 include:nospf.rules.test -all\"",
                "spf_include_problem",
            ),
            ("\"v=spf1 bogus:thing -all\"", "spf_syntax"),
        ];
        for (txt, expected) in cases {
            let z = support::dns::zone(
                "rules.test",
                &format!("@ MX 10 mx\nmx A 127.0.0.1\n@ TXT {txt}\nnospf TXT \"hello\""),
            );
            let (doc, _) = policy(&[&z], "rules.test");
            assert_eq!(cause(&doc, "policy.spf"), expected, "{txt}: {doc:#}");
        }
    }

    #[test]
    fn dmarc_at_the_organizational_domain_and_p_none() {
        let z = support::dns::zone(
            "org.test",
            "sub MX 10 mx\nmx A 127.0.0.1\n_dmarc TXT \"v=DMARC1; p=none; rua=mailto:r@org.test\"",
        );
        let (doc, code) = policy(&[&z], "sub.org.test");
        assert_eq!(code, 1, "{doc:#}");
        let d = check(&doc, "policy.dmarc");
        assert_eq!(
            (d["data"]["found_at"].as_str(), d["data"]["cause"].as_str()),
            (Some("org.test"), Some("dmarc_monitoring_only"))
        );
        assert!(d["summary"].as_str().unwrap().contains("monitoring only"));
    }

    #[test]
    fn malformed_tls_rpt_warns_and_probe_policy_adds_the_checks() {
        let z = support::dns::zone(
            "rpt.test",
            "@ MX 10 mx\nmx A 127.0.0.1\n_smtp._tls TXT \"v=TLSRPTv1; rua=ftp://reports.rpt.test\"",
        );
        let (doc, _) = policy(&[&z], "rpt.test");
        assert_eq!(cause(&doc, "policy.tls_rpt"), "tls_rpt_malformed");
        let smtp = FakeSmtp::standard("127.0.0.1:0", &[], "250 Ok");
        let (doc, _) = zone_probe(
            "@ MX 10 mx\nmx A 127.0.0.1",
            "withpolicy.test",
            smtp.port(),
            &["--policy"],
        );
        assert_eq!(cause(&doc, "policy.spf"), "spf_missing");
        let (doc, _) = zone_probe(
            "@ MX 10 mx\nmx A 127.0.0.1",
            "withoutpolicy.test",
            smtp.port(),
            &[],
        );
        assert!(support::checks(&doc, "policy.spf").is_empty());
    }
}

#[test]
fn identity_by_address_lists_the_names_without_comparing() {
    let smtp = FakeSmtp::start(
        "127.0.0.1:0",
        Greeting::Send(b"220 mx.byip.test ESMTP\r\n".to_vec()),
        responder(&[], "250 Ok"),
    );
    let (doc, code) = probe(&smtp, &[]);
    assert_eq!(code, 0, "{doc:#}");
    let names = check(&doc, "smtp.identity");
    assert!(
        names["summary"]
            .as_str()
            .unwrap()
            .starts_with("probed by address; the names seen:"),
        "{names:#}"
    );
    assert!(names["summary"]
        .as_str()
        .unwrap()
        .contains("greeting mx.byip.test"));
    assert!(names["data"].get("cause").is_none());
}
