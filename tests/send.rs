//! `smtpcheck send`: the message on the wire (headers, CRLF, dot-stuffing),
//! DATA checks with the queue id, several recipients, --quit-after, and a
//! real delivery into Postfix's mailbox.

mod support;

use serde_json::Value;
use support::smtp::FakeSmtp;
use support::{check, checks, smtpcheck_json};

fn send(smtp: &FakeSmtp, extra: &[&str]) -> (Value, i32) {
    let server = format!("127.0.0.1:{}", smtp.port());
    let mut args = vec![
        "send",
        "--server",
        &server,
        "--tls",
        "off",
        "--helo",
        "client.test",
        "--from",
        "me@client.test",
    ];
    args.extend_from_slice(extra);
    smtpcheck_json(&args)
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
    let subject = format!("smtpcheck delivery test {}", std::process::id());
    let (doc, code) = smtpcheck_json(&[
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
    ]);
    // 127.0.0.1 is not the certificate's name: a warning, delivery still works
    assert!(code <= 1, "{doc:#}");
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
        "dot-stuffing undone by the server: {found}"
    );
}
