//! End-to-end: the real binary against scripted SMTP servers and an
//! in-process DNS zone, all on loopback. One test per rule of the probe.

mod support;

use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use support::dns::{zone, TestDns};
use support::smtp::{ehlo_reply, responder, Blackhole, FakeSmtp, Greeting};
use support::{check, checks, smtpcheck, smtpcheck_json};

/// A zone `name` whose single MX `mx.name` points at `ip`.
fn single_mx(name: &str, ip: &str) -> TestDns {
    let rr = if ip.contains(':') { "AAAA" } else { "A" };
    TestDns::start(&[&zone(name, &format!("@ MX 10 mx\nmx {rr} {ip}"))])
}

fn probe(target: &str, dns: &TestDns, port: u16, extra: &[&str]) -> (Value, i32) {
    let port = port.to_string();
    let resolver = dns.resolver_arg();
    let mut args = vec![
        "probe",
        target,
        "--resolver",
        &resolver,
        "--allow-private",
        "--port",
        &port,
        "--helo",
        "client.test",
        // TLS has its own tests (tests/tls.rs); these fakes speak plaintext.
        "--tls",
        "off",
    ];
    args.extend_from_slice(extra);
    smtpcheck_json(&args)
}

fn statuses(doc: &Value) -> Vec<String> {
    doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{}={}",
                c["id"].as_str().unwrap(),
                c["status"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn healthy_domain_passes_with_pipelining() {
    let smtp = FakeSmtp::standard(
        "127.0.0.1:0",
        &["PIPELINING", "SIZE 10240000"],
        "250 2.1.5 Ok",
    );
    let dns = single_mx("good.test", "127.0.0.1");
    let (doc, code) = probe("good.test", &dns, smtp.port(), &[]);
    assert_eq!(
        (doc["verdict"].as_str(), code),
        (Some("pass"), 0),
        "{doc:#}"
    );
    assert_eq!(
        statuses(&doc),
        [
            "dns.mx=pass",
            "dns.address=pass",
            "tcp.connect=pass",
            "smtp.banner=pass",
            "smtp.ehlo=pass",
            "tls.starttls=skip",
            "smtp.mail=pass",
            "smtp.rcpt=pass",
            // 127.0.0.1 is "localhost" to every resolver, which points back: confirmed
            "dns.ptr=info",
            // the greeting and EHLO say fake.test, the MX is mx.good.test
            "smtp.identity=info",
            // an unsigned lab zone, no TLSA, no MTA-STS, no TLS-RPT: said, not judged
            "dns.dnssec=info",
            "tls.caa=info",
            "tls.dane=info",
            "policy.mta_sts=info",
            "policy.tls_rpt=info"
        ]
    );
    // a resolver that serves no DNSSEC records and no way to the root
    assert_eq!(check(&doc, "dns.dnssec")["data"]["status"], "indeterminate");
    assert_eq!(check(&doc, "dns.mx")["data"]["source"], "mx");
    assert_eq!(
        check(&doc, "dns.mx")["data"]["records"],
        json!([{"preference": 10, "exchange": "mx.good.test"}])
    );
    assert_eq!(
        check(&doc, "smtp.rcpt")["data"]["recipient"],
        "postmaster@good.test"
    );
    assert_eq!(check(&doc, "smtp.rcpt")["data"]["pipelined"], true);
    assert_eq!(
        check(&doc, "smtp.ehlo")["data"]["capabilities"],
        json!(["PIPELINING", "SIZE"])
    );
    assert_eq!(check(&doc, "smtp.banner")["data"]["code"], 220);
    let sent = smtp.received();
    assert_eq!(
        sent,
        [
            "EHLO client.test",
            "MAIL FROM:<>",
            "RCPT TO:<postmaster@good.test>",
            "RSET",
            "QUIT"
        ]
    );
    let transcript = doc["transcripts"][0]["lines"].as_array().unwrap();
    assert!(transcript
        .iter()
        .any(|l| l["dir"] == "note" && l["text"].as_str().unwrap().contains("PIPELINING")));
}

#[test]
fn without_pipelining_commands_go_one_by_one_and_never_data() {
    let smtp = FakeSmtp::standard("127.0.0.1:0", &["SIZE 1000"], "250 2.1.5 Ok");
    let dns = single_mx("plain.test", "127.0.0.1");
    let (doc, code) = probe("plain.test", &dns, smtp.port(), &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(check(&doc, "smtp.rcpt")["data"]["pipelined"], false);
    assert_eq!(
        smtp.received(),
        [
            "EHLO client.test",
            "MAIL FROM:<>",
            "RCPT TO:<postmaster@plain.test>",
            "RSET",
            "QUIT"
        ]
    );
}

#[test]
fn null_mx_fails_without_connecting() {
    let smtp = FakeSmtp::standard("127.0.0.1:0", &[], "250 Ok");
    let dns = TestDns::start(&[&zone("nullmx.test", "@ MX 0 .\n@ A 127.0.0.1")]);
    let (doc, code) = probe("nullmx.test", &dns, smtp.port(), &[]);
    assert_eq!((doc["verdict"].as_str(), code), (Some("fail"), 2));
    let mx = check(&doc, "dns.mx");
    assert_eq!(
        (mx["status"].as_str(), mx["data"]["source"].as_str()),
        (Some("fail"), Some("null"))
    );
    assert!(mx["summary"]
        .as_str()
        .unwrap()
        .contains("does not accept mail"));
    assert!(checks(&doc, "tcp.connect").is_empty());
    assert!(smtp.received().is_empty());
}

#[test]
fn implicit_mx_is_a_warning_and_still_probed() {
    let smtp = FakeSmtp::standard("127.0.0.1:0", &[], "250 Ok");
    let dns = TestDns::start(&[&zone("implicit.test", "@ A 127.0.0.1")]);
    let (doc, code) = probe("implicit.test", &dns, smtp.port(), &[]);
    assert_eq!(
        (doc["verdict"].as_str(), code),
        (Some("warn"), 1),
        "{doc:#}"
    );
    assert_eq!(check(&doc, "dns.mx")["data"]["source"], "implicit");
    assert_eq!(check(&doc, "smtp.rcpt")["status"], "pass");
    assert_eq!(check(&doc, "tcp.connect")["host"], "implicit.test");
}

#[test]
fn nxdomain_fails() {
    let dns = TestDns::start(&[&zone("exists.test", "@ MX 10 mx\nmx A 127.0.0.1")]);
    let (doc, code) = probe("missing.exists.test", &dns, 25, &[]);
    assert_eq!(code, 2);
    let mx = check(&doc, "dns.mx");
    assert_eq!(
        (mx["status"].as_str(), mx["data"]["dns_error"].as_str()),
        (Some("fail"), Some("nxdomain"))
    );
    assert!(mx["summary"].as_str().unwrap().contains("does not exist"));
}

#[test]
fn servfail_fails_with_the_dns_cause() {
    let dns = TestDns::start(&[&zone("broken.test", "")]);
    let (doc, code) = probe("servfail.broken.test", &dns, 25, &[]);
    assert_eq!(code, 2);
    assert_eq!(
        check(&doc, "dns.mx")["data"]["dns_error"],
        "servfail",
        "{doc:#}"
    );
}

#[test]
fn dns_timeout_fails_with_the_dns_cause() {
    let dns = TestDns::start(&[&zone("slow.test", "")]);
    let (doc, code) = probe("blackhole.slow.test", &dns, 25, &["--timeout", "1"]);
    assert_eq!(code, 2);
    assert_eq!(
        check(&doc, "dns.mx")["data"]["dns_error"],
        "timeout",
        "{doc:#}"
    );
}

/// The resolver smtpcheck asks does not answer at all: nothing is known
/// about the domain, so the run could not check (exit 3, UNKNOWN), and the
/// words name the resolver. A lame domain behind a working resolver (the
/// test above) stays the domain's problem.
#[test]
fn a_dead_resolver_is_could_not_check_not_the_domains_fault() {
    // Nothing listens on a bound-then-closed UDP port on loopback.
    let port = std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let resolver = format!("127.0.0.1:{port}");
    let args = [
        "probe",
        "example.test",
        "--resolver",
        &resolver,
        "--timeout",
        "1",
    ];
    let (doc, code) = smtpcheck_json(&args);
    assert_eq!(
        (doc["verdict"].as_str(), code),
        (Some("error"), 3),
        "{doc:#}"
    );
    let error = doc["error"].as_str().unwrap();
    assert!(
        error.contains(&resolver) && error.contains("did not answer"),
        "{error}"
    );
    assert_eq!(
        check(&doc, "dns.mx")["data"]["cause"],
        "resolver_unreachable"
    );
    assert!(doc["senders"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["action"] == "unknown"));
    let mut nagios = args.to_vec();
    nagios.extend(["--format", "nagios"]);
    let out = support::smtpcheck(&nagios);
    let line = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{line}");
    assert!(line.starts_with("SMTP UNKNOWN - "), "{line}");
    assert!(line.contains(&resolver), "{line}");
}

#[test]
fn exchange_without_address_fails_for_that_exchange_only() {
    let smtp = FakeSmtp::standard("127.0.0.1:0", &[], "250 Ok");
    let dns = TestDns::start(&[&zone(
        "half.test",
        "@ MX 10 ghost\n@ MX 20 mx\nmx A 127.0.0.1",
    )]);
    let (doc, code) = probe("half.test", &dns, smtp.port(), &[]);
    assert_eq!(
        (doc["verdict"].as_str(), code),
        (Some("warn"), 1),
        "{doc:#}"
    );
    let addr = checks(&doc, "dns.address");
    assert_eq!(addr[0]["host"], "ghost.half.test");
    assert_eq!(addr[0]["status"], "fail");
    assert_eq!(addr[1]["status"], "pass");
}

#[test]
fn refused_connection_is_named() {
    // Bind to learn a free port, then close it: connecting there is refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dns = single_mx("refused.test", "127.0.0.1");
    let (doc, code) = probe("refused.test", &dns, port, &[]);
    assert_eq!((doc["verdict"].as_str(), code), (Some("fail"), 2));
    let c = check(&doc, "tcp.connect");
    assert_eq!(
        (c["status"].as_str(), c["data"]["error_kind"].as_str()),
        (Some("fail"), Some("refused"))
    );
    assert!(c["advice"]
        .as_str()
        .unwrap()
        .contains("nothing accepts connections"));
    assert_eq!(check(&doc, "smtp.banner")["status"], "skip");
    assert_eq!(check(&doc, "smtp.rcpt")["status"], "skip");
}

#[test]
fn dropped_packets_are_a_connect_timeout_not_a_refusal() {
    let hole = Blackhole::start("127.0.0.6");
    let dns = single_mx("dropped.test", "127.0.0.6");
    let (doc, code) = probe("dropped.test", &dns, hole.addr.port(), &["--timeout", "1"]);
    assert_eq!(code, 2);
    let c = check(&doc, "tcp.connect");
    assert_eq!(c["data"]["error_kind"], "timeout", "{doc:#}");
    assert!(c["advice"].as_str().unwrap().contains("port"), "{c:#}");
}

fn greeting_server(greeting: &[u8]) -> FakeSmtp {
    FakeSmtp::start(
        "127.0.0.1:0",
        Greeting::Send(greeting.to_vec()),
        responder(&[], "250 Ok"),
    )
}

#[test]
fn banner_554_fails_quoting_the_server_and_quits() {
    let smtp = greeting_server(
        b"554 5.7.1 Service unavailable; client [127.0.0.1] blocked using zen.example\r\n",
    );
    let dns = single_mx("blocked.test", "127.0.0.1");
    let (doc, code) = probe("blocked.test", &dns, smtp.port(), &[]);
    assert_eq!(code, 2);
    let b = check(&doc, "smtp.banner");
    assert_eq!(
        (b["status"].as_str(), b["data"]["code"].as_u64()),
        (Some("fail"), Some(554))
    );
    assert!(b["summary"]
        .as_str()
        .unwrap()
        .contains("blocked using zen.example"));
    assert_eq!(check(&doc, "smtp.ehlo")["status"], "skip");
    assert_eq!(smtp.received(), ["QUIT"]);
}

#[test]
fn banner_421_fails() {
    let smtp = greeting_server(b"421 4.3.2 Service shutting down\r\n");
    let dns = single_mx("busy.test", "127.0.0.1");
    let (doc, code) = probe("busy.test", &dns, smtp.port(), &[]);
    assert_eq!(code, 2);
    let b = check(&doc, "smtp.banner");
    assert_eq!(b["data"]["code"], 421);
    assert!(b["summary"].as_str().unwrap().contains("not available"));
}

#[test]
fn greylisting_on_rcpt_is_a_warning() {
    let smtp = FakeSmtp::standard(
        "127.0.0.1:0",
        &["PIPELINING"],
        "450 4.7.1 <postmaster@grey.test>: Recipient address rejected: Greylisted",
    );
    let dns = single_mx("grey.test", "127.0.0.1");
    let (doc, code) = probe("grey.test", &dns, smtp.port(), &[]);
    assert_eq!((doc["verdict"].as_str(), code), (Some("warn"), 1));
    let r = check(&doc, "smtp.rcpt");
    assert_eq!(
        (r["status"].as_str(), r["data"]["cause"].as_str()),
        (Some("warn"), Some("greylisting"))
    );
    assert_eq!(r["data"]["enhanced_code"], "4.7.1");
}

#[test]
fn unknown_user_fails() {
    let smtp = FakeSmtp::standard("127.0.0.1:0", &[], "550 5.1.1 <nobody@users.test>: Recipient address rejected: User unknown in local recipient table");
    let dns = single_mx("users.test", "127.0.0.1");
    let (doc, code) = probe("nobody@users.test", &dns, smtp.port(), &[]);
    assert_eq!((doc["verdict"].as_str(), code), (Some("fail"), 2));
    let r = check(&doc, "smtp.rcpt");
    assert_eq!(
        (r["status"].as_str(), r["data"]["cause"].as_str()),
        (Some("fail"), Some("unknown_user"))
    );
    assert_eq!(r["data"]["recipient"], "nobody@users.test");
    assert_eq!(doc["domain"], "users.test");
}

#[test]
fn ehlo_refused_falls_back_to_helo_with_a_warning() {
    let base = responder(&[], "250 Ok");
    let old = Arc::new(move |line: &str, tls: bool| {
        if line.to_ascii_uppercase().starts_with("EHLO") {
            Some(b"502 5.5.1 EHLO not implemented\r\n".to_vec())
        } else {
            base(line, tls)
        }
    });
    let smtp = FakeSmtp::start(
        "127.0.0.1:0",
        Greeting::Send(b"220 old.test SMTP\r\n".to_vec()),
        old,
    );
    let dns = single_mx("old.test", "127.0.0.1");
    let (doc, code) = probe("old.test", &dns, smtp.port(), &[]);
    assert_eq!(
        (doc["verdict"].as_str(), code),
        (Some("warn"), 1),
        "{doc:#}"
    );
    let e = check(&doc, "smtp.ehlo");
    assert_eq!(
        (e["status"].as_str(), e["data"]["helo_fallback"].as_bool()),
        (Some("warn"), Some(true))
    );
    assert_eq!(check(&doc, "smtp.rcpt")["status"], "pass");
    assert_eq!(
        &smtp.received()[..2],
        ["EHLO client.test", "HELO client.test"]
    );
}

#[test]
fn server_that_never_greets_times_out() {
    let smtp = FakeSmtp::start("127.0.0.1:0", Greeting::Never, responder(&[], "250 Ok"));
    let dns = single_mx("silent.test", "127.0.0.1");
    let (doc, code) = probe("silent.test", &dns, smtp.port(), &["--timeout", "1"]);
    assert_eq!(code, 2);
    let b = check(&doc, "smtp.banner");
    assert_eq!(
        (b["status"].as_str(), b["data"]["error_kind"].as_str()),
        (Some("fail"), Some("timeout"))
    );
}

#[test]
fn dripping_server_hits_the_deadline() {
    // One byte every 300 ms never completes a line within 1.5 s; an idle
    // timeout of 1.5 s would never fire.
    let smtp = FakeSmtp::start(
        "127.0.0.1:0",
        Greeting::Drip(
            b"220 slow.test ESMTP but very slow\r\n".to_vec(),
            Duration::from_millis(300),
        ),
        responder(&[], "250 Ok"),
    );
    let dns = single_mx("drip.test", "127.0.0.1");
    let (doc, code) = probe("drip.test", &dns, smtp.port(), &["--timeout", "1.5"]);
    assert_eq!(code, 2);
    let b = check(&doc, "smtp.banner");
    assert_eq!(b["data"]["error_kind"], "timeout", "{doc:#}");
    assert!(
        b["summary"].as_str().unwrap().contains("unfinished line"),
        "{b:#}"
    );
}

#[test]
fn megabytes_without_a_line_end_is_a_protocol_error() {
    let smtp = FakeSmtp::start(
        "127.0.0.1:0",
        Greeting::Flood(4 << 20),
        responder(&[], "250 Ok"),
    );
    let dns = single_mx("flood.test", "127.0.0.1");
    let (doc, code) = probe("flood.test", &dns, smtp.port(), &[]);
    assert_eq!(code, 2);
    let b = check(&doc, "smtp.banner");
    assert_eq!(b["data"]["error_kind"], "protocol", "{doc:#}");
    assert!(b["summary"]
        .as_str()
        .unwrap()
        .contains("longer than 4096 bytes"));
}

#[test]
fn primary_down_backup_up_is_a_warning() {
    let backup = FakeSmtp::standard("127.0.0.3:0", &[], "250 Ok");
    // Nothing listens on 127.0.0.2 at the backup's port: refused.
    let dns = TestDns::start(&[&zone(
        "backup.test",
        "@ MX 10 mx1\n@ MX 20 mx2\nmx1 A 127.0.0.2\nmx2 A 127.0.0.3",
    )]);
    let (doc, code) = probe("backup.test", &dns, backup.port(), &[]);
    assert_eq!(
        (doc["verdict"].as_str(), code),
        (Some("warn"), 1),
        "{doc:#}"
    );
    let connects = checks(&doc, "tcp.connect");
    assert_eq!(
        (connects[0]["host"].as_str(), connects[0]["status"].as_str()),
        (Some("mx1.backup.test"), Some("fail"))
    );
    assert_eq!(
        (connects[1]["host"].as_str(), connects[1]["status"].as_str()),
        (Some("mx2.backup.test"), Some("pass"))
    );
    let rcpts = checks(&doc, "smtp.rcpt");
    assert_eq!(
        (rcpts[0]["status"].as_str(), rcpts[1]["status"].as_str()),
        (Some("skip"), Some("pass"))
    );
}

#[test]
fn ipv6_only_exchange_on_loopback() {
    let smtp = FakeSmtp::standard("[::1]:0", &[], "250 Ok");
    let dns = single_mx("v6.test", "::1");
    let (doc, code) = probe("v6.test", &dns, smtp.port(), &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(
        check(&doc, "dns.address")["data"]["addresses"],
        json!(["::1"])
    );
    assert_eq!(check(&doc, "tcp.connect")["address"], "::1");
}

#[test]
fn unicode_domain_is_probed_as_its_a_label() {
    let smtp = FakeSmtp::standard("127.0.0.1:0", &[], "250 Ok");
    let dns = single_mx("xn--bcher-kva.test", "127.0.0.1");
    let (doc, code) = probe("bücher.test", &dns, smtp.port(), &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["domain"], "xn--bcher-kva.test");
    assert_eq!(doc["target"], "bücher.test");
    assert_eq!(
        check(&doc, "smtp.rcpt")["data"]["recipient"],
        "postmaster@xn--bcher-kva.test"
    );
}

#[test]
fn address_target_becomes_the_recipient() {
    let smtp = FakeSmtp::standard("127.0.0.1:0", &[], "250 2.1.5 Ok");
    let dns = single_mx("people.test", "127.0.0.1");
    let (doc, code) = probe(
        "alice@people.test",
        &dns,
        smtp.port(),
        &["--from", "probe@client.test"],
    );
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(
        smtp.received()[1..3],
        [
            "MAIL FROM:<probe@client.test>",
            "RCPT TO:<alice@people.test>"
        ]
    );
}

#[test]
fn server_option_skips_mx() {
    let smtp = FakeSmtp::standard("127.0.0.1:0", &[], "250 Ok");
    let server = format!("127.0.0.1:{}", smtp.port());
    let (doc, code) = smtpcheck_json(&[
        "probe",
        "anything.test",
        "--server",
        &server,
        "--helo",
        "client.test",
        "--tls",
        "off",
    ]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(check(&doc, "dns.mx")["status"], "skip");
    assert!(checks(&doc, "dns.address").is_empty());
    assert_eq!(check(&doc, "tcp.connect")["port"], smtp.port());
    // a host name is resolved through the resolver
    let dns = TestDns::start(&[&zone("relay.test", "smtp A 127.0.0.1")]);
    let server = format!("smtp.relay.test:{}", smtp.port());
    let (doc, code) = smtpcheck_json(&[
        "probe",
        "anything.test",
        "--server",
        &server,
        "--resolver",
        &dns.resolver_arg(),
        "--allow-private",
        "--tls",
        "off",
    ]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(check(&doc, "dns.address")["host"], "smtp.relay.test");
}

#[test]
fn step_commands_stop_where_they_say() {
    let smtp = FakeSmtp::standard("127.0.0.1:0", &["PIPELINING"], "250 Ok");
    let dns = single_mx("steps.test", "127.0.0.1");
    let (port, resolver) = (smtp.port().to_string(), dns.resolver_arg());
    let run = |cmd: &str| {
        let before = smtp.received().len();
        let (doc, code) = smtpcheck_json(
            &[
                cmd,
                "steps.test",
                "--resolver",
                &resolver,
                "--allow-private",
                "--port",
                &port,
                "--helo",
                "client.test",
            ][..if cmd == "mx" { 5 } else { 9 }],
        );
        (
            statuses(&doc),
            code,
            doc["command"].clone(),
            smtp.received()[before..].to_vec(),
        )
    };
    let (s, code, cmd, sent) = run("mx");
    assert_eq!(
        (s, code, cmd),
        (
            vec!["dns.mx=pass".to_string(), "dns.address=pass".into()],
            0,
            json!("mx")
        )
    );
    assert!(sent.is_empty());
    let (s, code, _, sent) = run("connect");
    assert_eq!((s.last().unwrap().as_str(), code), ("tcp.connect=pass", 0));
    assert!(sent.is_empty());
    let (s, _, _, sent) = run("banner");
    assert_eq!(s.last().unwrap(), "smtp.banner=pass");
    assert_eq!(sent, ["QUIT"]);
    let (s, _, _, sent) = run("ehlo");
    assert_eq!(s.last().unwrap(), "smtp.ehlo=pass");
    assert_eq!(sent, ["EHLO client.test", "QUIT"]);
}

#[test]
fn line_breaks_in_addresses_are_refused_with_exit_3() {
    for (flag, value) in [
        ("--from", "a@b.test\r\nRCPT TO:<x@y.test>"),
        ("--rcpt", "a@b.test\nDATA"),
    ] {
        // (NUL cannot travel in argv; the parser's unit tests cover it.)
        let out = smtpcheck(&[
            "probe",
            "example.test",
            "--server",
            "127.0.0.1:9",
            flag,
            value,
            "--json",
        ]);
        assert_eq!(out.status.code(), Some(3), "{flag} {value:?}");
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            (doc["verdict"].as_str(), doc["exit_code"].as_u64()),
            (Some("error"), Some(3))
        );
        assert!(
            doc["error"]
                .as_str()
                .unwrap()
                .contains("never sent to a server"),
            "{doc}"
        );
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}

#[test]
fn verbose_human_report_shows_the_transcript() {
    let smtp = FakeSmtp::standard("127.0.0.1:0", &["PIPELINING"], "250 Ok");
    let dns = single_mx("human.test", "127.0.0.1");
    let port = smtp.port().to_string();
    let out = smtpcheck(&[
        "probe",
        "human.test",
        "--resolver",
        &dns.resolver_arg(),
        "--allow-private",
        "--port",
        &port,
        "-v",
        "--helo",
        "client.test",
        "--tls",
        "off",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("mx.human.test [127.0.0.1]:"), "{text}");
    assert!(text.contains("-> EHLO client.test"), "{text}");
    assert!(text.contains("<- 250-fake.test"), "{text}");
    assert!(text.contains("Verdict: PASS (exit 0)"), "{text}");
    assert!(
        !text.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
    let _ = ehlo_reply(&[]);
}

#[test]
fn color_always_overrides_and_never_disables() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = format!("127.0.0.1:{port}");
    let out = smtpcheck(&[
        "connect", "c.test", "--server", &server, "--color", "always",
    ]);
    assert!(out.stdout.contains(&0x1b));
    let out = smtpcheck(&["connect", "c.test", "--server", &server, "--color", "never"]);
    assert!(!out.stdout.contains(&0x1b));
}

/// The JSON contract, version 1 (docs/json-schema.md): these names and types
/// are a promise to scripts. Adding fields is allowed; this test pins the rest.
#[test]
fn json_contract_v1_shape() {
    let up = FakeSmtp::standard("127.0.0.3:0", &["PIPELINING"], "250 2.1.5 Ok");
    let dns = TestDns::start(&[&zone(
        "contract.test",
        "@ MX 10 down\n@ MX 20 up\ndown A 127.0.0.2\nup A 127.0.0.3",
    )]);
    let (doc, code) = probe("contract.test", &dns, up.port(), &[]);
    assert_eq!(code, 1);
    let keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(
        keys(&doc),
        [
            "checks",
            "command",
            "domain",
            "duration_ms",
            "exit_code",
            "schema_version",
            "senders",
            "summary",
            "target",
            "transcripts",
            "verdict"
        ]
    );
    assert!(doc["summary"].as_str().unwrap().contains("can get through"));
    for s in doc["senders"].as_array().unwrap() {
        assert_eq!(
            keys(s).len(),
            4 - usize::from(s.get("via").is_none()),
            "{s}"
        );
        assert!(["opportunistic", "dane", "mta_sts"].contains(&s["kind"].as_str().unwrap()));
        assert!(["deliver", "deliver_later", "defer", "bounce", "unknown"]
            .contains(&s["action"].as_str().unwrap()));
        assert!(s["reason"].is_string());
    }
    assert_eq!(doc["senders"][0]["via"], "up.contract.test");
    assert_eq!(doc["schema_version"], 1);
    assert!(doc["duration_ms"].is_number());
    assert_eq!(doc["exit_code"], 1);
    for c in doc["checks"].as_array().unwrap() {
        assert_eq!(
            keys(c),
            [
                "address",
                "advice",
                "data",
                "duration_ms",
                "host",
                "id",
                "port",
                "status",
                "summary"
            ],
            "{c}"
        );
        assert!(["pass", "warn", "fail", "skip", "info"].contains(&c["status"].as_str().unwrap()));
        assert!(c["summary"].is_string() && c["data"].is_object());
        assert!(c["duration_ms"].is_null() || c["duration_ms"].is_number());
        assert!(c["advice"].is_null() || c["advice"].is_string());
        let data = &c["data"];
        let has = |k: &str| assert!(data.get(k).is_some(), "{} lacks data.{k}: {c}", c["id"]);
        match (c["id"].as_str().unwrap(), c["status"].as_str().unwrap()) {
            (_, "skip") => {}
            ("dns.mx", _) => ["source", "records"].iter().for_each(|k| has(k)),
            ("dns.address", _) => has("addresses"),
            ("tcp.connect", "fail") => has("error_kind"),
            ("tcp.connect", _) => {}
            ("smtp.banner", _) | ("smtp.mail", _) => ["code", "text"].iter().for_each(|k| has(k)),
            ("smtp.ehlo", _) => ["capabilities", "helo_fallback"]
                .iter()
                .for_each(|k| has(k)),
            ("smtp.rcpt", _) => ["code", "text", "recipient"].iter().for_each(|k| has(k)),
            ("tls.starttls", _) | ("tls.implicit", _) => has("offered"),
            ("dns.ptr", _) => has("ptr"),
            ("smtp.identity", _) => has("names"),
            ("dns.dnssec", _) => ["status", "answers"].iter().for_each(|k| has(k)),
            ("tls.dane", _) => ["tlsa_name", "dnssec"].iter().for_each(|k| has(k)),
            ("policy.mta_sts", _) | ("policy.tls_rpt", _) => {}
            ("tls.caa", _) => has("records"),
            ("tls.certificate", _) => [
                "subject",
                "sans",
                "issuer",
                "not_after",
                "days_left",
                "problems",
            ]
            .iter()
            .for_each(|k| has(k)),
            (other, _) => panic!("undocumented check id {other}"),
        }
    }
    let failed = checks(&doc, "tcp.connect")[0];
    assert_eq!(
        (
            failed["host"].as_str(),
            failed["address"].as_str(),
            failed["port"].as_u64()
        ),
        (
            Some("down.contract.test"),
            Some("127.0.0.2"),
            Some(up.port() as u64)
        )
    );
    for t in doc["transcripts"].as_array().unwrap() {
        assert_eq!(keys(t), ["address", "host", "lines", "port"]);
        for line in t["lines"].as_array().unwrap() {
            assert_eq!(keys(line), ["dir", "t_ms", "text", "tls"]);
            assert!(["sent", "received", "note"].contains(&line["dir"].as_str().unwrap()));
        }
    }
    // and on error: the same document with "error" and no checks
    let (err, code) = smtpcheck_json(&["probe", "bad..domain"]);
    assert_eq!(code, 3);
    assert_eq!(
        keys(&err),
        [
            "checks",
            "command",
            "domain",
            "duration_ms",
            "error",
            "exit_code",
            "schema_version",
            "senders",
            "summary",
            "target",
            "transcripts",
            "verdict"
        ]
    );
    for s in doc["senders"].as_array().unwrap() {
        assert_eq!(
            keys(s).len(),
            4 - usize::from(s.get("via").is_none()),
            "{s}"
        );
        assert!(["opportunistic", "dane", "mta_sts"].contains(&s["kind"].as_str().unwrap()));
        assert!(["deliver", "deliver_later", "defer", "bounce", "unknown"]
            .contains(&s["action"].as_str().unwrap()));
        assert!(s["reason"].is_string());
    }
    assert_eq!(doc["senders"][0]["via"], "up.contract.test");
    assert_eq!(
        (err["verdict"].as_str(), err["domain"].is_null()),
        (Some("error"), true)
    );
}

/// The reverse name of a loopback address comes from the resolver named
/// with --resolver, not from hickory's built-in "localhost" answer.
#[test]
fn reverse_dns_of_loopback_asks_the_resolver() {
    let smtp = FakeSmtp::standard("127.0.0.1:0", &[], "250 2.1.5 Ok");
    let dns = TestDns::start(&[
        &zone("0.0.127.in-addr.arpa", "1 PTR mx.ptr.test."),
        &zone("ptr.test", "mx A 127.0.0.1"),
    ]);
    let server = format!("127.0.0.1:{}", smtp.port());
    let resolver = dns.resolver_arg();
    let (doc, _) = smtpcheck_json(&[
        "probe",
        "ptr.test",
        "--server",
        &server,
        "--resolver",
        &resolver,
        "--tls",
        "off",
        "--helo",
        "client.test",
    ]);
    let ptr = check(&doc, "dns.ptr");
    assert_eq!(ptr["data"]["ptr"], json!(["mx.ptr.test"]), "{ptr:#}");
    assert_eq!(ptr["data"]["fcrdns"], true, "{ptr:#}");
}

mod families {
    use super::*;

    fn zone_of_two() -> TestDns {
        TestDns::start(&[&zone(
            "fam.test",
            "@ MX 10 mx\n@ MX 20 mx6\nmx A 127.0.0.1\nmx AAAA ::1\nmx6 AAAA ::1",
        )])
    }

    fn connected(doc: &Value) -> Vec<String> {
        checks(doc, "tcp.connect")
            .iter()
            .map(|c| c["address"].as_str().unwrap().to_string())
            .collect()
    }

    fn address_check<'a>(doc: &'a Value, host: &str) -> &'a Value {
        checks(doc, "dns.address")
            .into_iter()
            .find(|c| c["host"] == host)
            .unwrap()
    }

    #[test]
    fn ipv4_only_leaves_out_aaaa_and_says_so() {
        let smtp = FakeSmtp::standard("127.0.0.1:0", &["PIPELINING"], "250 2.1.5 Ok");
        let dns = zone_of_two();
        let (all, _) = probe("fam.test", &dns, smtp.port(), &[]);
        assert_eq!(connected(&all), ["127.0.0.1", "::1", "::1"]);
        let (doc, code) = probe("fam.test", &dns, smtp.port(), &["-4"]);
        assert_eq!(
            (code, connected(&doc)),
            (0, vec!["127.0.0.1".to_string()]),
            "{doc:#}"
        );
        let mx = address_check(&doc, "mx.fam.test");
        assert_eq!(mx["status"], "pass");
        assert!(
            mx["summary"]
                .as_str()
                .unwrap()
                .ends_with("(::1 left out: IPv4 only)"),
            "{mx:#}"
        );
        assert_eq!(mx["data"]["left_out"], json!(["::1"]));
        let mx6 = address_check(&doc, "mx6.fam.test");
        assert_eq!(mx6["status"], "skip", "{mx6:#}");
        assert_eq!(
            mx6["summary"],
            "mx6.fam.test has no IPv4 address; its IPv6 address ::1 left out (IPv4 only)"
        );
    }

    #[test]
    fn ipv6_only_probes_aaaa() {
        let smtp = FakeSmtp::standard("[::1]:0", &["PIPELINING"], "250 2.1.5 Ok");
        let dns = zone_of_two();
        let (doc, code) = probe("fam.test", &dns, smtp.port(), &["--ipv6"]);
        assert_eq!(
            (code, connected(&doc)),
            (0, vec!["::1".to_string(), "::1".to_string()]),
            "{doc:#}"
        );
    }

    /// The server sees the address named with --source (any 127/8 address
    /// is this machine's on Linux); it implies IPv4 here.
    #[test]
    fn source_binds_the_client_address() {
        let smtp = FakeSmtp::standard("127.0.0.1:0", &["PIPELINING"], "250 2.1.5 Ok");
        let dns = zone_of_two();
        let (doc, code) = probe("fam.test", &dns, smtp.port(), &["--source", "127.0.0.69"]);
        assert_eq!(
            (code, connected(&doc)),
            (0, vec!["127.0.0.1".to_string()]),
            "{doc:#}"
        );
        let peers: Vec<String> = smtp.peers().iter().map(|p| p.ip().to_string()).collect();
        assert_eq!(peers, ["127.0.0.69"]);
        let (doc, code) = probe(
            "fam.test",
            &dns,
            smtp.port(),
            &["--source", "127.0.0.69", "-6"],
        );
        assert_eq!(code, 3);
        assert_eq!(
            doc["error"],
            "--source 127.0.0.69 is an IPv4 address, but -6 asks for IPv6 only"
        );
    }
}

/// `--server` needs no target when `--rcpt` names the address; `--helo`
/// with a bare IP goes out as the address literal RFC 5321 §4.1.3 requires.
#[test]
fn server_alone_takes_the_recipient_and_a_helo_ip_is_a_literal() {
    let smtp = FakeSmtp::standard("127.0.0.1:0", &["PIPELINING"], "250 2.1.5 Ok");
    let server = format!("127.0.0.1:{}", smtp.port());
    let (doc, code) = smtpcheck_json(&[
        "probe",
        "--server",
        &server,
        "--rcpt",
        "postmaster@lab.test",
        "--helo",
        "192.0.2.7",
        "--tls",
        "off",
    ]);
    assert_eq!(
        (code, doc["target"].as_str()),
        (0, Some("postmaster@lab.test")),
        "{doc:#}"
    );
    let received = smtp.received();
    assert!(
        received.contains(&"EHLO [192.0.2.7]".to_string()),
        "{received:?}"
    );
    assert!(
        received.contains(&"RCPT TO:<postmaster@lab.test>".to_string()),
        "{received:?}"
    );
    let (doc, code) = smtpcheck_json(&["probe", "--server", &server, "--tls", "off"]);
    assert_eq!(code, 3);
    assert!(
        doc["error"]
            .as_str()
            .unwrap()
            .contains("names no domain to test"),
        "{doc}"
    );
}

/// Options an admin repeats can come from the environment.
#[test]
fn repeated_options_come_from_the_environment() {
    let smtp = FakeSmtp::standard("127.0.0.1:0", &["PIPELINING"], "250 2.1.5 Ok");
    let server = format!("127.0.0.1:{}", smtp.port());
    let out = assert_cmd::Command::cargo_bin("smtpcheck")
        .unwrap()
        .args([
            "probe",
            "--server",
            &server,
            "--rcpt",
            "postmaster@lab.test",
            "--tls",
            "off",
            "--json",
        ])
        .env("SMTPCHECK_HELO", "client.from-env.test")
        .env("SMTPCHECK_FROM", "probe@from-env.test")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let received = smtp.received();
    assert!(
        received.contains(&"EHLO client.from-env.test".to_string()),
        "{received:?}"
    );
    assert!(
        received.contains(&"MAIL FROM:<probe@from-env.test>".to_string()),
        "{received:?}"
    );
}

/// The human report wraps at the width asked for (a terminal's, or
/// COLUMNS) with a hanging indent; not on a terminal and without COLUMNS it
/// does not wrap, so each finding stays one line and `tail -1` is the verdict.
#[test]
fn the_human_report_wraps_at_the_width_and_only_then() {
    let smtp = FakeSmtp::standard("127.0.0.1:0", &["PIPELINING"], "550 5.1.1 <nobody@lab.test>: Recipient address rejected: User unknown in virtual mailbox table");
    let server = format!("127.0.0.1:{}", smtp.port());
    let run = |columns: Option<&str>| {
        let mut cmd = assert_cmd::Command::cargo_bin("smtpcheck").unwrap();
        cmd.args([
            "probe",
            "--server",
            &server,
            "--rcpt",
            "nobody@lab.test",
            "--tls",
            "off",
        ]);
        cmd.env_remove("COLUMNS");
        if let Some(c) = columns {
            cmd.env("COLUMNS", c);
        }
        String::from_utf8(cmd.output().unwrap().stdout).unwrap()
    };
    let wrapped = run(Some("80"));
    assert!(
        wrapped.lines().all(|l| l.chars().count() <= 80),
        "{wrapped}"
    );
    assert!(
        wrapped
            .lines()
            .any(|l| l.starts_with(&" ".repeat(35)) && !l.trim().is_empty()),
        "hanging indent: {wrapped}"
    );
    let plain = run(None);
    assert!(plain.lines().any(|l| l.chars().count() > 80), "{plain}");
    assert!(
        plain
            .lines()
            .last()
            .unwrap()
            .starts_with("Verdict: FAIL (exit 2): "),
        "{plain}"
    );
}

/// Human report noise: the steps skipped after a failed connect are one
/// line, and senders that would do the same for the same reason share one.
#[test]
fn skipped_runs_and_identical_senders_are_one_line_each() {
    let down = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = down.local_addr().unwrap().port();
    drop(down);
    let dns = single_mx("quiet.test", "127.0.0.1");
    let resolver = dns.resolver_arg();
    let port_arg = port.to_string();
    let out = smtpcheck(&[
        "probe",
        "quiet.test",
        "--resolver",
        &resolver,
        "--allow-private",
        "--port",
        &port_arg,
        "--tls",
        "off",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("SKIP  5 steps")
            && text.contains("(smtp.banner, smtp.ehlo, tls.starttls, smtp.mail, smtp.rcpt)"),
        "{text}"
    );
    assert_eq!(
        text.matches("skipped: tcp.connect failed").count(),
        1,
        "{text}"
    );
    let senders: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("What senders will do"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert!(
        senders[0].starts_with(
            "  Opportunistic, DANE-enforcing, MTA-STS-enforcing senders: DEFER: every MX fails"
        ),
        "all three kinds defer alike: {text}"
    );
    let block = senders.join("\n");
    assert_eq!(
        block.matches("connection refused").count(),
        1,
        "the reply once: {block}"
    );
    assert!(
        senders[1].contains("DANE-enforcing: DANE does not apply"),
        "{block}"
    );
}

/// CAA (RFC 8659) for each MX name, from the closest name that has any:
/// reported, never judged.
#[test]
fn caa_records_of_the_mx_name_are_reported() {
    let smtp = FakeSmtp::standard("127.0.0.1:0", &["PIPELINING"], "250 2.1.5 Ok");
    let dns = TestDns::start(&[&zone(
        "caa.test",
        "@ MX 10 mx\nmx A 127.0.0.1\n@ CAA 0 issue \"letsencrypt.org\"",
    )]);
    let (doc, _) = probe("caa.test", &dns, smtp.port(), &[]);
    let caa = check(&doc, "tls.caa");
    assert_eq!(
        (caa["status"].as_str(), caa["data"]["found_at"].as_str()),
        (Some("info"), Some("caa.test")),
        "{caa:#}"
    );
    assert!(
        caa["summary"].as_str().unwrap().contains("letsencrypt.org"),
        "{caa:#}"
    );
    let bare = single_mx("nocaa.test", "127.0.0.1");
    let (doc, _) = probe("nocaa.test", &bare, smtp.port(), &[]);
    assert!(check(&doc, "tls.caa")["summary"]
        .as_str()
        .unwrap()
        .contains("any CA may issue"));
}
