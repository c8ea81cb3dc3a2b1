//! `smtpcheck session` without a terminal: commands from stdin, the
//! transcript on stdout, every reply explained, secrets never shown, the
//! exit code from the last reply. The terminal side (line editor, tab
//! completion, no-echo prompts, Ctrl-C) is driven through a pty in
//! tests/session_pty.rs.

mod support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use support::dns::{zone, TestDns};
use support::pki::{Pki, SignedBy};
use support::smtp::{responder, Config, FakeSmtp, Greeting, Upgrade};

/// The binary with `args`, `stdin` piped in; (stdout, stderr, exit code).
fn session(args: &[&str], stdin: &str, env: &[(&str, &str)]) -> (String, String, i32) {
    let mut cmd = assert_cmd::Command::cargo_bin("smtpcheck").unwrap();
    cmd.arg("session")
        .args(args)
        .env_remove("SMTPCHECK_PASSWORD")
        .env_remove("SMTPCHECK_OAUTH_TOKEN")
        .write_stdin(stdin.as_bytes().to_vec())
        .timeout(std::time::Duration::from_secs(60));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap(),
    )
}

fn server_of(smtp: &FakeSmtp) -> String {
    format!("127.0.0.1:{}", smtp.port())
}

/// What goes out is exactly what was typed, each line ending in CRLF (a
/// server of our own reads the raw bytes).
#[test]
fn each_typed_line_goes_out_as_typed_with_crlf() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut c, _) = listener.accept().unwrap();
        c.write_all(b"220 raw.test ESMTP\r\n").unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 512];
        while !got.ends_with(b"QUIT\r\n") {
            let n = c.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            got.extend_from_slice(&buf[..n]);
            let lines = got.iter().filter(|&&b| b == b'\n').count();
            let answered = got[..got.len() - n].iter().filter(|&&b| b == b'\n').count();
            for _ in answered..lines {
                c.write_all(b"250 ok\r\n").unwrap();
            }
        }
        got
    });
    let (out, _, code) = session(
        &["--server", &format!("127.0.0.1:{port}")],
        "ehlo Me.Test\nmail from:<a@b.test>  SIZE=10\nQUIT\n",
        &[],
    );
    let got = server.join().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&got),
        "ehlo Me.Test\r\nmail from:<a@b.test>  SIZE=10\r\nQUIT\r\n"
    );
    assert!(out.contains("-> ehlo Me.Test\n<- 250 ok"), "{out}");
    assert_eq!(code, 0, "{out}");
}

#[test]
fn replies_are_explained_and_the_exit_code_follows_the_last_one() {
    let smtp = FakeSmtp::standard(
        "127.0.0.1:0",
        &["PIPELINING"],
        "550 5.1.1 <nobody@d.test>: Recipient address rejected: User unknown in local recipient table",
    );
    let (out, _, code) = session(
        &["--server", &server_of(&smtp)],
        "EHLO me.test\nMAIL FROM:<a@me.test>\nRCPT TO:<nobody@d.test>\n",
        &[],
    );
    assert!(
        out.contains("<- 220 fake.test ESMTP ready\n   => "),
        "{out}"
    );
    assert!(
        out.contains("<- 550 5.1.1 <nobody@d.test>: Recipient address rejected: User unknown in local recipient table\n   => the mailbox does not exist"),
        "{out}"
    );
    // stdin ended: a courtesy QUIT, not counted as the last reply
    assert_eq!(smtp.received().last().map(String::as_str), Some("QUIT"));
    assert_eq!(code, 2, "{out}");
    let grey = FakeSmtp::standard("127.0.0.1:0", &[], "450 4.2.0 Greylisted, try again later");
    let (out, _, code) = session(
        &["--server", &server_of(&grey)],
        "EHLO me.test\nMAIL FROM:<>\nRCPT TO:<a@d.test>\n",
        &[],
    );
    assert!(out.contains("=> greylisting"), "{out}");
    assert_eq!(code, 1, "{out}");
}

#[test]
fn the_json_document_lists_every_command_with_its_explained_reply() {
    let smtp = FakeSmtp::standard(
        "127.0.0.1:0",
        &[],
        "550 5.1.1 <nobody@d.test>: Recipient address rejected: User unknown in local recipient table",
    );
    let (out, _, code) = session(
        &["--server", &server_of(&smtp), "--json"],
        "EHLO me.test\nRCPT TO:<nobody@d.test>\nQUIT\n",
        &[],
    );
    let doc: serde_json::Value = serde_json::from_str(&out).expect(&out);
    assert_eq!(doc["command"], "session");
    let exchanges = doc["exchanges"].as_array().unwrap();
    assert_eq!(exchanges[0]["sent"], serde_json::Value::Null);
    assert_eq!(exchanges[0]["code"], 220);
    let rcpt = &exchanges[2];
    assert_eq!(
        (rcpt["sent"].as_str(), rcpt["code"].as_u64()),
        (Some("RCPT TO:<nobody@d.test>"), Some(550))
    );
    assert_eq!(rcpt["cause"], "unknown_user");
    assert_eq!(rcpt["enhanced"], "5.1.1");
    assert_eq!(doc["last_code"], 221);
    assert_eq!((doc["exit_code"].as_u64(), code), (Some(0), 0));
    assert!(doc["transcript"].as_array().unwrap().len() >= 6);
}

/// DATA: the message lines are dot-stuffed and a lone `.` ends them;
/// `:headers` fills in what a message needs from the envelope.
#[test]
fn data_is_dot_stuffed_and_headers_come_from_the_envelope() {
    let smtp = FakeSmtp::standard("127.0.0.1:0", &[], "250 2.1.5 Ok");
    let (out, _, code) = session(
        &["--server", &server_of(&smtp), "--helo", "me.test"],
        "EHLO me.test\nMAIL FROM:<a@me.test>\nRCPT TO:<b@d.test>\nDATA\n:headers\n.hidden\n..two\nlast\n.\nQUIT\n",
        &[],
    );
    assert_eq!(code, 0, "{out}");
    let messages = smtp.messages();
    assert_eq!(messages.len(), 1, "{out}");
    let text = String::from_utf8_lossy(&messages[0]).into_owned();
    assert!(
        text.ends_with("\r\n..hidden\r\n...two\r\nlast\r\n.\r\n"),
        "{text:?}"
    );
    for header in [
        "Date: ",
        "Message-ID: <",
        "From: <a@me.test>",
        "To: <b@d.test>",
        "Subject: smtpcheck session test",
    ] {
        assert!(text.contains(header), "{header} in {text:?}");
    }
    assert!(out.contains("queued as FAKE42"), "{out}");
}

#[test]
fn a_line_with_nul_is_refused_and_never_sent() {
    let smtp = FakeSmtp::standard("127.0.0.1:0", &[], "250 2.1.5 Ok");
    let (out, _, _) = session(&["--server", &server_of(&smtp)], "NOOP\0RSET\nQUIT\n", &[]);
    assert!(
        out.contains("!! not sent: the line contains a NUL byte"),
        "{out}"
    );
    assert_eq!(smtp.received(), vec!["QUIT".to_string()]);
}

/// The AUTH helper encodes the exchange; the secret (and its base64) is
/// never in the output or the transcript file, and it is refused over
/// plaintext unless allowed.
#[test]
fn auth_plain_hides_the_secret_everywhere() {
    let base = responder(&["AUTH PLAIN LOGIN"], "250 2.1.5 Ok");
    let smtp = FakeSmtp::with(
        "127.0.0.1:0",
        Config::new(Arc::new(move |line: &str, tls| {
            if line.starts_with("AUTH PLAIN ") {
                return Some(b"235 2.7.0 Authentication successful\r\n".to_vec());
            }
            base(line, tls)
        })),
    );
    let secret = [("SMTPCHECK_PASSWORD", "s3cret-Pa55")];
    let (out, _, _) = session(
        &["--server", &server_of(&smtp)],
        "EHLO me.test\nAUTH PLAIN bob\nQUIT\n",
        &secret,
    );
    assert!(
        out.contains("!! not sent: the connection is not encrypted"),
        "{out}"
    );
    assert!(!smtp.received().iter().any(|l| l.starts_with("AUTH")));
    let file = tempfile::NamedTempFile::new().unwrap();
    let path = file.path().to_str().unwrap();
    let (out, _, code) = session(
        &[
            "--server",
            &server_of(&smtp),
            "--allow-plaintext-auth",
            "--transcript",
            path,
        ],
        "EHLO me.test\nAUTH PLAIN bob\n",
        &secret,
    );
    let encoded = "AGJvYgBzM2NyZXQtUGE1NQ=="; // base64("\0bob\0s3cret-Pa55")
    assert!(smtp.received().contains(&format!("AUTH PLAIN {encoded}")));
    assert!(out.contains("-> AUTH PLAIN ****\n<- 235 2.7.0"), "{out}");
    let transcript = std::fs::read_to_string(path).unwrap();
    assert!(transcript.contains("AUTH PLAIN ****"), "{transcript}");
    for text in [&out, &transcript] {
        assert!(
            !text.contains("s3cret") && !text.contains(encoded),
            "{text}"
        );
    }
    assert_eq!(code, 0, "{out}");
    // without a terminal and without the variable: nothing is sent
    let (out, _, _) = session(
        &["--server", &server_of(&smtp), "--allow-plaintext-auth"],
        "AUTH LOGIN bob\n",
        &[],
    );
    assert!(out.contains("set SMTPCHECK_PASSWORD"), "{out}");
}

/// STARTTLS upgrades the connection in place: the TLS session and the
/// certificate are judged, and what follows travels inside TLS.
/// A session to session.test through `dns`, on `smtp`'s port, trusting `pki`.
fn to_session_test(
    dns: &TestDns,
    smtp: &FakeSmtp,
    pki: &Pki,
    stdin: &str,
) -> (String, String, i32) {
    let (resolver, port, ca) = (dns.resolver_arg(), smtp.port().to_string(), pki.ca_file());
    let args = [
        "session.test",
        "--resolver",
        &resolver,
        "--port",
        &port,
        "--ca-file",
        &ca,
    ];
    session(&args, stdin, &[])
}

#[test]
fn starttls_upgrades_in_place_and_judges_the_certificate() {
    let pki = Pki::new();
    let leaf = pki.leaf(&["mx.session.test"], -1, 365, SignedBy::Ca);
    let smtp = FakeSmtp::starttls(Upgrade::Accept(leaf.server_config()));
    let dns = TestDns::start(&[&zone("session.test", "@ MX 10 mx\nmx A 127.0.0.1")]);
    let (out, _, code) = to_session_test(
        &dns,
        &smtp,
        &pki,
        "EHLO me.test\nSTARTTLS\nEHLO me.test\nQUIT\n",
    );
    assert!(
        out.contains("== connected to mx.session.test [127.0.0.1]"),
        "{out}"
    );
    assert!(out.contains("PASS  tls.starttls  TLSv1.3"), "{out}");
    assert!(
        out.contains("PASS  tls.certificate  certificate mx.session.test"),
        "{out}"
    );
    assert!(out.contains("~> EHLO me.test\n<~ 250-fake.test"), "{out}");
    assert_eq!(smtp.server_names(), vec!["mx.session.test".to_string()]);
    assert_eq!(code, 0, "{out}");
    // a certificate for another name: said so, in the checks' words
    let wrong = pki.leaf(&["other.test"], -1, 365, SignedBy::Ca);
    let smtp = FakeSmtp::starttls(Upgrade::Accept(wrong.server_config()));
    let (out, _, _) = to_session_test(&dns, &smtp, &pki, "EHLO me.test\nSTARTTLS\nQUIT\n");
    assert!(
        out.contains("WARN  tls.certificate") && out.contains("name mismatch"),
        "{out}"
    );
}

/// The MX hosts in preference order: the first that answers is used, the
/// failures and the others are named.
#[test]
fn the_first_address_that_answers_is_used_and_the_rest_are_named() {
    let smtp = FakeSmtp::standard("127.0.0.3:0", &[], "250 2.1.5 Ok");
    let dns = TestDns::start(&[&zone(
        "two.test",
        "@ MX 10 down\n@ MX 20 up\n@ MX 30 spare\ndown A 127.0.0.2\nup A 127.0.0.3\nspare A 127.0.0.4",
    )]);
    let (out, _, code) = session(
        &[
            "two.test",
            "--resolver",
            &dns.resolver_arg(),
            "--port",
            &smtp.port().to_string(),
        ],
        "QUIT\n",
        &[],
    );
    assert!(
        out.contains("== down.two.test [127.0.0.2]:") && out.contains("refused; trying the next"),
        "{out}"
    );
    assert!(
        out.contains("== connected to up.two.test [127.0.0.3]"),
        "{out}"
    );
    assert!(
        out.contains("other addresses, not used: spare.two.test [127.0.0.4]"),
        "{out}"
    );
    assert_eq!(code, 0, "{out}");
}

#[test]
fn a_dropped_connection_and_a_silent_server_are_said_in_words() {
    let closing = FakeSmtp::start(
        "127.0.0.1:0",
        Greeting::Send(b"220 bye.test ESMTP\r\n".to_vec()),
        Arc::new(|_: &str, _| None),
    );
    let (out, _, code) = session(
        &["--server", &server_of(&closing)],
        "EHLO me.test\nNOOP\n",
        &[],
    );
    assert!(
        out.contains("!! the server closed the connection; the session ends"),
        "{out}"
    );
    assert_eq!(code, 3, "{out}");
    let silent = FakeSmtp::start("127.0.0.1:0", Greeting::Never, responder(&[], "250 Ok"));
    let (out, _, code) = session(
        &["--server", &server_of(&silent), "--timeout", "0.5"],
        "",
        &[],
    );
    assert!(
        out.contains("!! no reply within 0.5 s (--timeout)"),
        "{out}"
    );
    assert_eq!(code, 3, "{out}");
    let (_, err, code) = session(&["--server", "127.0.0.1:1"], "", &[]);
    assert!(
        err.contains("no address of 127.0.0.1 answered") && err.contains("refused"),
        "{err}"
    );
    assert_eq!(code, 3);
}

#[test]
fn local_commands_are_never_sent() {
    let smtp = FakeSmtp::standard("127.0.0.1:0", &[], "250 2.1.5 Ok");
    let file = tempfile::NamedTempFile::new().unwrap();
    let path = file.path().to_str().unwrap();
    let (out, _, _) = session(
        &["--server", &server_of(&smtp)],
        &format!(
            ":help\n:explain 550 5.7.1 Relaying denied\n:transcript {path}\n:nonsense\n:quit\n"
        ),
        &[],
    );
    assert!(out.contains("Local commands (never sent)"), "{out}");
    assert!(out.contains("5.7.1"), "{out}");
    assert!(out.contains("!! :nonsense is not a local command"), "{out}");
    assert!(std::fs::read_to_string(path)
        .unwrap()
        .contains("<- 220 fake.test ESMTP ready"));
    assert_eq!(smtp.received(), vec!["QUIT".to_string()]);
}

/// Implicit TLS (port 465, `--tls implicit`): the handshake comes first
/// and is judged before the greeting.
#[test]
fn implicit_tls_is_judged_before_the_greeting() {
    let pki = Pki::new();
    let leaf = pki.leaf(&["mx.session.test"], -1, 365, SignedBy::Ca);
    let smtp = FakeSmtp::with(
        "127.0.0.1:0",
        Config {
            implicit: Some(leaf.server_config()),
            ..Config::new(responder(&[], "250 2.1.5 Ok"))
        },
    );
    let dns = TestDns::start(&[&zone("session.test", "@ MX 10 mx\nmx A 127.0.0.1")]);
    let (out, _, code) = session(
        &[
            "session.test",
            "--resolver",
            &dns.resolver_arg(),
            "--port",
            &smtp.port().to_string(),
            "--ca-file",
            &pki.ca_file(),
            "--tls",
            "implicit",
        ],
        "EHLO me.test\nQUIT\n",
        &[],
    );
    let tls = out.find("PASS  tls.implicit").expect(&out);
    let greeting = out.find("<~ 220 fake.test").expect(&out);
    assert!(tls < greeting, "{out}");
    assert!(out.contains("PASS  tls.certificate"), "{out}");
    assert_eq!(code, 0, "{out}");
}

#[test]
fn no_connection_is_one_line_on_stderr_and_a_json_error_document() {
    let (out, err, code) = session(&["--server", "127.0.0.1:1", "--json"], "", &[]);
    let doc: serde_json::Value = serde_json::from_str(&out).expect(&out);
    assert_eq!(
        (doc["command"].as_str(), doc["verdict"].as_str()),
        (Some("session"), Some("error"))
    );
    assert!(
        doc["error"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("connection refused"),
        "{doc:#}"
    );
    assert_eq!(doc["target"], "127.0.0.1:1");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(code, 3);
    let (_, err, code) = session(&["bad..domain"], "", &[]);
    assert!(
        err.starts_with("smtpcheck: error: ") && !err.contains("Err("),
        "{err}"
    );
    assert_eq!(code, 3);
}
