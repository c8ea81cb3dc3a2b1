//! `smtpcheck send`: the message on the wire (headers, CRLF, dot-stuffing),
//! DATA checks with the queue id, several recipients, --quit-after, and a
//! real delivery into Postfix's mailbox.

mod support;

use serde_json::Value;
use support::smtp::FakeSmtp;
use support::{check, checks, smtpcheck_json};

fn send(smtp: &FakeSmtp, extra: &[&str]) -> (Value, i32) {
    let mut args = support::smtp::send_args(smtp);
    args.extend(extra.iter().map(|a| a.to_string()));
    smtpcheck_json(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

#[test]
fn the_message_arrives_well_formed_and_dot_stuffed() {
    let smtp = FakeSmtp::standard("127.0.0.1:0", &["PIPELINING"], "250 2.1.5 Ok");
    let (doc, code) = send(
        &smtp,
        &[
            "--to",
            "bob@dest.test",
            "--subject",
            "hello there",
            "--body",
            "first line\n.starts with a dot\n..two dots",
            "--header",
            "X-Ticket: 42",
        ],
    );
    assert_eq!(
        (doc["verdict"].as_str(), code),
        (Some("pass"), 0),
        "{doc:#}"
    );
    assert_eq!(doc["command"], "send");
    let data = check(&doc, "smtp.data");
    assert_eq!(data["data"]["code"], 354);
    let end = check(&doc, "smtp.data_end");
    assert_eq!(end["data"]["queue_id"], "FAKE42");
    assert!(end["summary"]
        .as_str()
        .unwrap()
        .contains("queued as FAKE42"));
    let messages = smtp.messages();
    assert_eq!(messages.len(), 1);
    let wire = String::from_utf8(messages[0].clone()).unwrap();
    assert!(wire.starts_with("Date: "), "{wire}");
    for header in [
        "From: <me@client.test>\r\n",
        "To: <bob@dest.test>\r\n",
        "Subject: hello there\r\n",
        "MIME-Version: 1.0\r\n",
        "X-Smtpcheck: test message",
        "X-Ticket: 42\r\n",
        "Message-ID: <",
    ] {
        assert!(wire.contains(header), "{header:?} in {wire}");
    }
    assert!(
        wire.ends_with("\r\n\r\nfirst line\r\n..starts with a dot\r\n...two dots\r\n.\r\n"),
        "{wire:?}"
    );
    assert!(
        !wire.replace("\r\n", "").contains('\n'),
        "every line ends in CRLF"
    );
    // pipelined: MAIL, RCPT and DATA in one group, then the message, then QUIT
    let sent = smtp.received();
    assert_eq!(
        &sent[1..4],
        [
            "MAIL FROM:<me@client.test>",
            "RCPT TO:<bob@dest.test>",
            "DATA"
        ]
    );
    assert_eq!(sent.last().unwrap(), "QUIT");
}

#[test]
fn every_recipient_gets_its_rcpt_and_bcc_stays_out_of_the_headers() {
    let smtp = FakeSmtp::standard("127.0.0.1:0", &[], "250 2.1.5 Ok");
    let (doc, code) = send(
        &smtp,
        &[
            "--to",
            "a@dest.test",
            "--cc",
            "b@dest.test",
            "--bcc",
            "hidden@dest.test",
        ],
    );
    assert_eq!(code, 0, "{doc:#}");
    let rcpts: Vec<&str> = checks(&doc, "smtp.rcpt")
        .iter()
        .map(|c| c["data"]["recipient"].as_str().unwrap())
        .collect();
    assert_eq!(rcpts, ["a@dest.test", "b@dest.test", "hidden@dest.test"]);
    let wire = String::from_utf8(smtp.messages()[0].clone()).unwrap();
    assert!(wire.contains("Cc: <b@dest.test>\r\n"));
    assert!(!wire.contains("hidden@dest.test"), "Bcc is envelope only");
}

#[test]
fn recipients_in_another_domain_need_server() {
    let (doc, code) = smtpcheck_json(&["send", "--to", "a@one.test", "--to", "b@two.test"]);
    assert_eq!(code, 3);
    assert!(
        doc["error"]
            .as_str()
            .unwrap()
            .contains("is not in one.test"),
        "{doc}"
    );
}

/// One known and one unknown recipient: the server takes the message for
/// the known one. The report says what the wire says (sent to 1 of 2, the
/// queue id), and the exit code tells "sent to some" (1) from "sent to
/// none" (2), so a script that retries on 2 never delivers twice.
#[test]
fn a_message_accepted_for_some_recipients_is_reported_as_sent_to_them() {
    for pipelining in [&["PIPELINING"][..], &[]] {
        let base = support::smtp::responder(pipelining, "250 2.1.5 Ok");
        let respond = std::sync::Arc::new(move |line: &str, tls: bool| {
            if line.starts_with("RCPT TO:<unknown@") {
                return Some(b"550 5.1.1 <unknown@dest.test>: Recipient address rejected: User unknown in local recipient table\r\n".to_vec());
            }
            base(line, tls)
        });
        let smtp = FakeSmtp::start(
            "127.0.0.1:0",
            support::smtp::Greeting::Send(b"220 fake.test ESMTP\r\n".to_vec()),
            respond,
        );
        let (doc, code) = send(
            &smtp,
            &["--to", "known@dest.test", "--to", "unknown@dest.test"],
        );
        assert_eq!(smtp.messages().len(), 1, "the message was delivered");
        assert_eq!(
            (doc["verdict"].as_str(), code),
            (Some("warn"), 1),
            "{doc:#}"
        );
        let rcpts = checks(&doc, "smtp.rcpt");
        assert_eq!(
            rcpts
                .iter()
                .map(|c| c["status"].as_str().unwrap())
                .collect::<Vec<_>>(),
            ["pass", "fail"]
        );
        assert_eq!(check(&doc, "smtp.data")["status"], "pass");
        let end = check(&doc, "smtp.data_end");
        assert_eq!(
            (end["status"].as_str(), end["data"]["queue_id"].as_str()),
            (Some("pass"), Some("FAKE42"))
        );
        let summary = doc["summary"].as_str().unwrap();
        assert!(
            summary.starts_with(
                "message accepted for 1 of 2 recipient(s), queued as FAKE42; not accepted: "
            ),
            "{summary}"
        );
        assert!(summary.contains("unknown@dest.test"), "{summary}");
    }
    // Refused for every recipient: nothing was sent, exit 2.
    let smtp = FakeSmtp::standard("127.0.0.1:0", &[], "550 5.1.1 User unknown");
    let (doc, code) = send(&smtp, &["--to", "a@dest.test", "--to", "b@dest.test"]);
    assert_eq!(
        (doc["verdict"].as_str(), code),
        (Some("fail"), 2),
        "{doc:#}"
    );
    assert!(smtp.messages().is_empty());
    assert!(
        doc["summary"]
            .as_str()
            .unwrap()
            .starts_with("message not sent: smtp.rcpt"),
        "{doc:#}"
    );
}

#[test]
fn a_sent_message_names_its_queue_id_in_the_verdict() {
    let smtp = FakeSmtp::standard("127.0.0.1:0", &[], "250 2.1.5 Ok");
    let (doc, code) = send(&smtp, &["--to", "a@dest.test"]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(
        doc["summary"],
        "message accepted for 1 of 1 recipient(s), queued as FAKE42"
    );
    let out = support::smtpcheck(&[
        "send",
        "--server",
        &format!("127.0.0.1:{}", smtp.port()),
        "--tls",
        "off",
        "--from",
        "me@client.test",
        "--to",
        "a@dest.test",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.trim_end()
            .ends_with("message accepted for 1 of 1 recipient(s), queued as FAKE42"),
        "{text}"
    );
}

#[test]
fn quit_after_stops_cleanly_and_shows_the_rest_as_skip() {
    let smtp = FakeSmtp::standard("127.0.0.1:0", &["PIPELINING"], "250 2.1.5 Ok");
    let (doc, code) = send(&smtp, &["--to", "a@dest.test", "--quit-after", "mail"]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(check(&doc, "smtp.mail")["status"], "pass");
    for id in ["smtp.rcpt", "smtp.data", "smtp.data_end"] {
        let c = check(&doc, id);
        assert_eq!(
            (c["status"].as_str(), c["summary"].as_str()),
            (Some("skip"), Some("skipped: --quit-after mail")),
            "{id}"
        );
    }
    assert_eq!(
        smtp.received()[1..],
        ["MAIL FROM:<me@client.test>", "RSET", "QUIT"]
    );
    assert!(smtp.messages().is_empty());
    // probe takes it too
    let server = format!("127.0.0.1:{}", smtp.port());
    let (doc, _) = smtpcheck_json(&[
        "probe",
        "dest.test",
        "--server",
        &server,
        "--tls",
        "off",
        "--quit-after",
        "ehlo",
    ]);
    assert_eq!(
        check(&doc, "smtp.mail")["summary"],
        "skipped: --quit-after ehlo"
    );
}

#[test]
fn send_delivers_into_the_real_postfix_mailbox() {
    if !std::path::Path::new("/var/mail").exists()
        || std::net::TcpStream::connect("127.0.0.1:25").is_err()
    {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("CI=true but Postfix is not running: scripts/postfix-up must have started it");
        }
        eprintln!("SKIPPED: Postfix is not running on 127.0.0.1:25");
        return;
    }
    // Once with DATA, once with BDAT (Postfix offers CHUNKING).
    for extra in [None, Some("--chunking")] {
        let subject = format!(
            "smtpcheck delivery test {} {}",
            std::process::id(),
            extra.unwrap_or("data")
        );
        let mut args = vec![
            "send",
            "--to",
            "postmaster@postfix.test",
            "--server",
            "127.0.0.1",
            "--from",
            "probe@postfix.test",
            "--helo",
            "client.smtpcheck.test",
            "--subject",
            &subject,
            "--body",
            "hello\n.dotted\nbye",
            "--ca-file",
            "/etc/smtpcheck-test/ca.pem",
        ];
        args.extend(extra);
        let (doc, code) = smtpcheck_json(&args);
        // 127.0.0.1 is not the certificate's name: a warning, delivery still works
        assert!(code <= 1, "{doc:#}");
        assert_eq!(
            check(&doc, "smtp.data")["data"]["chunking"]
                .as_bool()
                .unwrap_or(false),
            extra.is_some()
        );
        let queue_id = check(&doc, "smtp.data_end")["data"]["queue_id"]
            .as_str()
            .expect("Postfix names the queue id")
            .to_string();
        // Local delivery is asynchronous: wait for the message in root's mbox (postmaster is an alias of root).
        let mut found = String::new();
        for _ in 0..100 {
            let mbox = std::fs::read_to_string("/var/mail/root").unwrap_or_default();
            if let Some(pos) = mbox.find(&format!("Subject: {subject}")) {
                found = mbox[pos..].chars().take(2000).collect();
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        assert!(
            !found.is_empty(),
            "message {queue_id} did not arrive in /var/mail/root"
        );
        assert!(found.contains("X-Smtpcheck: test message"), "{found}");
        assert!(
            found.contains("\nhello\n.dotted\nbye\n"),
            "the body arrives as written: {found}"
        );
    }
}

mod auth {
    use super::*;
    use base64::engine::general_purpose::STANDARD as B64;
    use base64::Engine;
    use std::sync::Arc;
    use support::smtp::{responder, Config};

    const SECRET: &str = "s3cr3t-Zebra";

    /// A server that checks the exact AUTH bytes for user "user" and SECRET,
    /// and for CRAM-MD5 the RFC 2195 example (tim / tanstaaftanstaaf).
    fn auth_server(mechanisms: &'static str) -> FakeSmtp {
        let caps = format!("AUTH {mechanisms}");
        let base = responder(
            &["PIPELINING", Box::leak(caps.into_boxed_str())],
            "250 2.1.5 Ok",
        );
        let plain = format!("AUTH PLAIN {}", B64.encode(format!("\0user\0{SECRET}")));
        let xoauth = format!(
            "AUTH XOAUTH2 {}",
            B64.encode("user=user\x01auth=Bearer tok-123\x01\x01")
        );
        let (user, pass) = (B64.encode("user"), B64.encode(SECRET));
        let respond = Arc::new(move |line: &str, tls: bool| {
            let reply: &str = match line {
                l if l == plain || l == xoauth => "235 2.7.0 Authentication successful",
                l if l.starts_with("AUTH PLAIN") || l.starts_with("AUTH XOAUTH2") => {
                    "535 5.7.8 Error: authentication failed: authentication failure"
                }
                "AUTH LOGIN" => "334 VXNlcm5hbWU6",
                l if l == user => "334 UGFzc3dvcmQ6",
                l if l == pass => "235 2.7.0 Authentication successful",
                "AUTH CRAM-MD5" => "334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+",
                "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw" => {
                    "235 2.7.0 Authentication successful"
                }
                l if !l.contains(' ')
                    && l.len() > 8
                    && !l.starts_with("QUIT")
                    && !l.starts_with("RSET")
                    && !l.starts_with("DATA") =>
                {
                    "535 5.7.8 Error: authentication failed"
                }
                _ => return base(line, tls),
            };
            Some(format!("{reply}\r\n").into_bytes())
        });
        FakeSmtp::with("127.0.0.1:0", Config::new(respond))
    }

    fn run(smtp: &FakeSmtp, env: &[(&str, &str)], extra: &[&str]) -> (std::process::Output, Value) {
        let mut cmd = assert_cmd::Command::cargo_bin("smtpcheck").unwrap();
        cmd.args(support::smtp::plaintext_args("probe", Some("d.test"), smtp))
            .arg("--allow-plaintext-auth");
        cmd.args(extra)
            .env_remove("SMTPCHECK_PASSWORD")
            .env_remove("SMTPCHECK_OAUTH_TOKEN");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let json = cmd.output().unwrap();
        let doc: Value = serde_json::from_slice(&json.stdout).unwrap_or(Value::Null);
        (json, doc)
    }

    #[test]
    fn each_mechanism_sends_the_exact_bytes() {
        for (mechs, user, secret, wanted) in [
            ("PLAIN", "user", SECRET, "PLAIN"),
            ("LOGIN", "user", SECRET, "LOGIN"),
            (
                "PLAIN LOGIN CRAM-MD5",
                "tim",
                "tanstaaftanstaaf",
                "CRAM-MD5",
            ),
        ] {
            let smtp = auth_server(mechs);
            let (out, doc) = run(
                &smtp,
                &[("SMTPCHECK_PASSWORD", secret)],
                &["--auth-user", user, "--json"],
            );
            assert_eq!(out.status.code(), Some(0), "{mechs}: {doc:#}");
            let a = check(&doc, "smtp.auth");
            assert_eq!(
                (
                    a["status"].as_str(),
                    a["data"]["mechanism"].as_str(),
                    a["data"]["code"].as_u64()
                ),
                (Some("pass"), Some(wanted), Some(235)),
                "{mechs}"
            );
            assert_eq!(check(&doc, "smtp.rcpt")["status"], "pass");
        }
        let smtp = auth_server("PLAIN XOAUTH2");
        let (out, doc) = run(
            &smtp,
            &[("SMTPCHECK_OAUTH_TOKEN", "tok-123")],
            &["--auth-user", "user", "--json"],
        );
        assert_eq!(out.status.code(), Some(0), "{doc:#}");
        assert_eq!(check(&doc, "smtp.auth")["data"]["mechanism"], "XOAUTH2");
    }

    #[test]
    fn wrong_password_is_535_with_advice_and_stops_the_transaction() {
        let smtp = auth_server("PLAIN");
        let (out, doc) = run(
            &smtp,
            &[("SMTPCHECK_PASSWORD", "wrong")],
            &["--auth-user", "user", "--json"],
        );
        assert_eq!(out.status.code(), Some(2), "{doc:#}");
        let a = check(&doc, "smtp.auth");
        assert_eq!(
            (a["data"]["code"].as_u64(), a["data"]["cause"].as_str()),
            (Some(535), Some("auth_credentials_invalid"))
        );
        assert!(a["advice"].as_str().unwrap().contains("app password"));
        assert_eq!(check(&doc, "smtp.mail")["status"], "skip");
    }

    #[test]
    fn no_credentials_in_plaintext_unless_asked() {
        let smtp = auth_server("PLAIN");
        let server = format!("127.0.0.1:{}", smtp.port());
        let (doc, code) = smtpcheck_json(&[
            "probe",
            "d.test",
            "--server",
            &server,
            "--tls",
            "off",
            "--auth-user",
            "user",
            "--password-file",
            "/dev/null",
        ]);
        assert_eq!(code, 2, "{doc:#}");
        assert_eq!(
            check(&doc, "smtp.auth")["data"]["cause"],
            "auth_plaintext_refused"
        );
        assert!(
            !smtp.received().iter().any(|l| l.starts_with("AUTH")),
            "nothing was sent"
        );
    }

    #[test]
    fn the_secret_never_appears_in_any_output() {
        let smtp = auth_server("PLAIN LOGIN");
        let encoded = [
            SECRET.to_string(),
            B64.encode(SECRET),
            B64.encode(format!("\0user\0{SECRET}")),
        ];
        for (mech, format) in [
            ("plain", "--json"),
            ("login", "--json"),
            ("plain", "-v"),
            ("login", "-v"),
        ] {
            let (out, _) = run(
                &smtp,
                &[("SMTPCHECK_PASSWORD", SECRET)],
                &["--auth-user", "user", "--auth-mech", mech, format],
            );
            assert_eq!(out.status.code(), Some(0), "{mech} {format}");
            let all = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            for secret in &encoded {
                assert!(
                    !all.contains(secret.as_str()),
                    "{mech} {format} leaked {secret}: {all}"
                );
            }
            if format == "-v" {
                assert!(
                    all.contains(&format!("-> AUTH {} ", mech.to_uppercase()))
                        || all.contains(&format!("-> AUTH {}", mech.to_uppercase())),
                    "{all}"
                );
                assert!(all.contains("****"), "{all}");
            }
        }
    }

    #[test]
    fn submission_expects_auth() {
        let smtp = FakeSmtp::standard("127.0.0.1:0", &["PIPELINING"], "250 Ok");
        let server = format!("127.0.0.1:{}", smtp.port());
        // --submission requires TLS: this plaintext fake fails at STARTTLS, before AUTH
        let (doc, code) = smtpcheck_json(&["probe", "d.test", "--server", &server, "--submission"]);
        assert_eq!(code, 2, "{doc:#}");
        assert_eq!(check(&doc, "tls.starttls")["status"], "fail");
        assert_eq!(check(&doc, "smtp.auth")["status"], "skip");
    }
}

mod extensions {
    use super::*;

    #[test]
    fn size_limit_is_checked_before_anything_is_sent() {
        let small = FakeSmtp::standard("127.0.0.1:0", &["SIZE 100"], "250 Ok");
        let (doc, code) = send(&small, &["--to", "a@dest.test", "--body", &"x".repeat(200)]);
        assert_eq!(code, 2, "{doc:#}");
        let mail = check(&doc, "smtp.mail");
        assert_eq!(mail["data"]["cause"], "size_exceeded");
        assert!(
            mail["summary"]
                .as_str()
                .unwrap()
                .contains("SIZE limit is 100"),
            "{mail:#}"
        );
        assert!(!small.received().iter().any(|l| l.starts_with("MAIL")));
        let big = FakeSmtp::standard("127.0.0.1:0", &["SIZE 10000000"], "250 Ok");
        let (doc, code) = send(&big, &["--to", "a@dest.test"]);
        assert_eq!(code, 0, "{doc:#}");
        assert!(
            big.received()
                .iter()
                .any(|l| l.starts_with("MAIL FROM:<me@client.test> SIZE=")),
            "{:?}",
            big.received()
        );
    }

    #[test]
    fn a_non_ascii_address_needs_smtputf8() {
        let plain = FakeSmtp::standard("127.0.0.1:0", &[], "250 Ok");
        let (doc, code) = send(&plain, &["--to", "josé@dest.test"]);
        assert_eq!(code, 2);
        let mail = check(&doc, "smtp.mail");
        assert_eq!(mail["data"]["cause"], "smtputf8_missing", "{mail:#}");
        assert!(mail["summary"]
            .as_str()
            .unwrap()
            .contains("josé@dest.test has non-ASCII characters"));
        let utf8 = FakeSmtp::standard("127.0.0.1:0", &["SMTPUTF8"], "250 Ok");
        let (doc, code) = send(&utf8, &["--to", "josé@dest.test"]);
        assert_eq!(code, 0, "{doc:#}");
        assert!(
            utf8.received()
                .contains(&"MAIL FROM:<me@client.test> SMTPUTF8".to_string()),
            "{:?}",
            utf8.received()
        );
    }

    #[test]
    fn dsn_notify_goes_on_every_rcpt_when_offered() {
        let dsn = FakeSmtp::standard("127.0.0.1:0", &["DSN"], "250 Ok");
        let (doc, code) = send(
            &dsn,
            &[
                "--to",
                "a@dest.test",
                "--cc",
                "b@dest.test",
                "--notify",
                "success,failure",
            ],
        );
        assert_eq!(code, 0, "{doc:#}");
        let rcpts: Vec<String> = dsn
            .received()
            .into_iter()
            .filter(|l| l.starts_with("RCPT"))
            .collect();
        assert_eq!(
            rcpts,
            [
                "RCPT TO:<a@dest.test> NOTIFY=SUCCESS,FAILURE",
                "RCPT TO:<b@dest.test> NOTIFY=SUCCESS,FAILURE"
            ]
        );
        let none = FakeSmtp::standard("127.0.0.1:0", &[], "250 Ok");
        let (doc, _) = send(&none, &["--to", "a@dest.test", "--notify", "never"]);
        assert!(none
            .received()
            .contains(&"RCPT TO:<a@dest.test>".to_string()));
        // sent, but not as asked: a warning that says so
        let data = check(&doc, "smtp.data");
        assert_eq!(data["status"], "warn", "{data:#}");
        assert_eq!(data["data"]["not_offered"], serde_json::json!(["DSN"]));
        assert!(data["summary"]
            .as_str()
            .unwrap()
            .contains("no delivery notification will come"));
        let chunking = FakeSmtp::standard("127.0.0.1:0", &["PIPELINING"], "250 Ok");
        let (doc, code) = send(&chunking, &["--to", "a@dest.test", "--chunking"]);
        let data = check(&doc, "smtp.data");
        assert_eq!(
            (code, data["status"].as_str()),
            (1, Some("warn")),
            "{doc:#}"
        );
        assert_eq!(data["data"]["not_offered"], serde_json::json!(["CHUNKING"]));
        assert!(chunking.received().contains(&"DATA".to_string()));
    }

    #[test]
    fn chunking_sends_bdat_with_the_message_as_written() {
        let smtp = FakeSmtp::standard("127.0.0.1:0", &["CHUNKING", "PIPELINING"], "250 2.1.5 Ok");
        let (doc, code) = send(
            &smtp,
            &[
                "--to",
                "a@dest.test",
                "--chunking",
                "--body",
                ".not stuffed",
            ],
        );
        assert_eq!(code, 0, "{doc:#}");
        assert_eq!(
            check(&doc, "smtp.data")["data"]["chunking"],
            true,
            "{doc:#}"
        );
        assert_eq!(check(&doc, "smtp.data_end")["data"]["queue_id"], "FAKE43");
        let wire = String::from_utf8(smtp.messages()[0].clone()).unwrap();
        assert!(
            wire.ends_with("\r\n\r\n.not stuffed\r\n"),
            "BDAT carries the message as written: {wire:?}"
        );
        assert!(smtp
            .received()
            .iter()
            .any(|l| l.starts_with("BDAT ") && l.ends_with(" LAST")));
        assert!(!smtp.received().iter().any(|l| l == "DATA"));
    }
}

#[test]
fn body_from_stdin_and_from_a_file() {
    let smtp = FakeSmtp::standard("127.0.0.1:0", &[], "250 Ok");
    let server = format!("127.0.0.1:{}", smtp.port());
    let out = assert_cmd::Command::cargo_bin("smtpcheck")
        .unwrap()
        .args([
            "send",
            "--to",
            "a@dest.test",
            "--server",
            &server,
            "--tls",
            "off",
            "--body-file",
            "-",
            "--from",
            "me@client.test",
            "--json",
        ])
        .write_stdin("from stdin\nsecond line\n")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("body.txt");
    std::fs::write(&path, "from a file\n").unwrap();
    let (doc, code) = send(
        &smtp,
        &["--to", "a@dest.test", "--body-file", path.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{doc:#}");
    let messages = smtp.messages();
    assert!(String::from_utf8_lossy(&messages[0])
        .ends_with("\r\n\r\nfrom stdin\r\nsecond line\r\n.\r\n"));
    assert!(String::from_utf8_lossy(&messages[1]).ends_with("\r\n\r\nfrom a file\r\n.\r\n"));
}

/// `send` needs a sender a receiver accepts: no silent `<>` or made-up
/// `smtpcheck@hostname`.
#[test]
fn send_needs_a_sender() {
    let (doc, code) = smtpcheck_json(&["send", "--to", "a@dest.test", "--server", "127.0.0.1:1"]);
    assert_eq!(code, 3, "{doc}");
    assert!(
        doc["error"]
            .as_str()
            .unwrap()
            .contains("send needs --from ADDRESS"),
        "{doc}"
    );
}

/// Non-ASCII subject, header and body go out as RFC 2047 words and a
/// transfer encoding: a 7-bit message, and MAIL FROM without BODY=8BITMIME
/// or SMTPUTF8 (the server offers neither).
#[test]
fn non_ascii_text_goes_out_as_seven_bit() {
    let smtp = FakeSmtp::standard("127.0.0.1:0", &["PIPELINING"], "250 2.1.5 Ok");
    let (doc, code) = send(
        &smtp,
        &[
            "--to",
            "bob@dest.test",
            "--subject",
            "Prüfung ✓",
            "--header",
            "X-Note: héllo",
            "--body",
            "Grüße, the café is open.",
        ],
    );
    assert_eq!(code, 0, "{doc:#}");
    let wire = &smtp.messages()[0];
    assert!(wire.is_ascii(), "{}", String::from_utf8_lossy(wire));
    let text = String::from_utf8_lossy(wire);
    assert!(text.contains("Subject: =?utf-8?"), "{text}");
    assert!(text.contains("X-Note: =?utf-8?"), "{text}");
    assert!(
        text.contains("Content-Transfer-Encoding: quoted-printable"),
        "{text}"
    );
    let mail = smtp
        .received()
        .into_iter()
        .find(|l| l.starts_with("MAIL FROM:"))
        .unwrap();
    assert_eq!(mail, "MAIL FROM:<me@client.test>");
}
