//! The binary in a real pseudo-terminal, as a person sees it: the spinner
//! says what the run waits on, and Ctrl-C typed at the keyboard (the
//! terminal's interrupt character, not a signal sent by hand) stops a scan,
//! twice aborts it.

mod support;

use expectrl::process::unix::WaitStatus;
use expectrl::session::OsSession;
use expectrl::{ControlCode, Expect, Regex, Session};
use std::process::Command;
use std::time::Duration;
use support::dns::{zone, TestDns};
use support::smtp::{responder, FakeSmtp, Greeting};

fn bin() -> String {
    env!("CARGO_BIN_EXE_smtpcheck").to_string()
}

/// The binary in an 80×24 terminal; every expectation waits at most 20 s.
fn in_terminal(args: &[&str]) -> OsSession {
    let mut command = Command::new(bin());
    command
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS");
    let mut session = Session::spawn(command).expect("spawn in a pty");
    session
        .get_process_mut()
        .set_window_size(80, 24)
        .expect("window size");
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    session
}

#[test]
fn the_spinner_names_the_address_and_the_step_it_waits_on() {
    let silent = FakeSmtp::start("127.0.0.1:0", Greeting::Never, responder(&[], "250 Ok"));
    let server = format!("127.0.0.1:{}", silent.port());
    let mut p = in_terminal(&[
        "probe",
        "--server",
        &server,
        "--tls",
        "off",
        "--timeout",
        "30",
        "--rcpt",
        "a@d.test",
        "--no-transport-policy",
    ]);
    // "127.0.0.1 [127.0.0.1]: greeting, 1.2 s", redrawn as the wait grows
    p.expect(Regex(r"\[127\.0\.0\.1\]: greeting, [0-9]+\.[0-9] s"))
        .expect("the spinner names the wait");
    p.send(ControlCode::EndOfText).unwrap();
    let status = p.get_process().wait().unwrap();
    assert!(
        matches!(
            status,
            WaitStatus::Signaled(_, expectrl::process::unix::Signal::SIGINT, _)
        ),
        "{status:?}"
    );
}

#[test]
fn ctrl_c_at_the_keyboard_stops_a_scan_and_twice_aborts_it() {
    let good = FakeSmtp::standard("127.0.0.1:0", &[], "250 Ok");
    let dns = TestDns::start(&[&zone("scan.test", "mx A 127.0.0.1\nd0 MX 10 mx\n")]);
    let targets = tempfile::NamedTempFile::new().unwrap();
    // the first never gets a DNS answer, so the scan is still busy
    std::fs::write(targets.path(), "hangs.blackhole.scan.test\nd0.scan.test\n").unwrap();
    let (resolver, port) = (dns.resolver_arg(), good.port().to_string());
    let file = targets.path().to_str().unwrap();
    let mut p = in_terminal(&[
        "scan",
        file,
        "-j",
        "2",
        "--resolver",
        &resolver,
        "--allow-private",
        "--port",
        &port,
        "--tls",
        "off",
        "--timeout",
        "100",
        "--deadline",
        "200",
    ]);
    p.expect("d0.scan.test")
        .expect("the finished target's line");
    p.send(ControlCode::EndOfText).unwrap();
    p.expect(Regex(r"stopping: no new targets.*Ctrl-C again aborts now"))
        .expect("the first Ctrl-C is answered at once");
    p.send(ControlCode::EndOfText).unwrap();
    p.expect("aborted").expect("the second Ctrl-C aborts");
    let status = p.get_process().wait().unwrap();
    assert!(matches!(status, WaitStatus::Exited(_, 130)), "{status:?}");
}

/// Everything the terminal showed while `expect` waited for `needle`.
fn seen(p: &mut OsSession, needle: &str, screen: &mut String) {
    let found = match p.expect(needle) {
        Ok(found) => found,
        Err(e) => {
            let status = p.get_process().status();
            panic!("{needle:?} not on the screen ({e}; the process: {status:?}); so far:\n{screen}")
        }
    };
    screen.push_str(&String::from_utf8_lossy(found.before()));
    for m in found.matches() {
        screen.push_str(&String::from_utf8_lossy(m));
    }
}

/// `smtpcheck session` at the keyboard: the greeting, tab completion of
/// verbs and of what the server advertised, STARTTLS in place with the
/// certificate verdict, AUTH with the secret asked without echo and found
/// nowhere afterwards (screen, history, transcript), Ctrl-C twice to leave.
#[test]
fn a_session_at_the_keyboard() {
    use support::pki::{Pki, SignedBy};
    use support::smtp::{Config, Upgrade};
    let pki = Pki::new();
    let leaf = pki.leaf(&["mx.kbd.test"], -1, 365, SignedBy::Ca);
    let plain = responder(&["PIPELINING", "STARTTLS"], "250 2.1.5 Ok");
    let inside = responder(&["PIPELINING", "AUTH PLAIN LOGIN"], "250 2.1.5 Ok");
    let smtp = FakeSmtp::with(
        "127.0.0.1:0",
        Config {
            upgrade: Upgrade::Accept(leaf.server_config()),
            ..Config::new(std::sync::Arc::new(move |line: &str, tls: bool| {
                match (tls, line) {
                    (true, l) if l.starts_with("AUTH PLAIN ") => {
                        Some(b"235 2.7.0 Authentication successful\r\n".to_vec())
                    }
                    (true, l) => inside(l, tls),
                    (false, l) => plain(l, tls),
                }
            }))
        },
    );
    let dns = TestDns::start(&[&zone("kbd.test", "@ MX 10 mx\nmx A 127.0.0.1")]);
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history");
    let transcript = dir.path().join("transcript");
    let (resolver, port, ca) = (dns.resolver_arg(), smtp.port().to_string(), pki.ca_file());
    let mut p = in_terminal(&[
        "session",
        "kbd.test",
        "--resolver",
        &resolver,
        "--port",
        &port,
        "--ca-file",
        &ca,
        "--history",
        history.to_str().unwrap(),
        "--color",
        "never",
    ]);
    let mut screen = String::new();
    seen(&mut p, "220 fake.test ESMTP ready", &mut screen);
    seen(&mut p, "smtp> ", &mut screen);
    // tab completes the verb
    p.send("eh\t").unwrap();
    seen(&mut p, "EHLO ", &mut screen);
    p.send("me.test\r").unwrap();
    seen(&mut p, "250 STARTTLS", &mut screen);
    seen(&mut p, "smtp> ", &mut screen);
    // STARTTLS only completes once the server advertised it
    p.send("STA\t").unwrap();
    seen(&mut p, "STARTTLS", &mut screen);
    p.send("\r").unwrap();
    seen(
        &mut p,
        "tls.certificate  certificate mx.kbd.test",
        &mut screen,
    );
    seen(&mut p, "smtp~> ", &mut screen);
    p.send("EHLO me.test\r").unwrap();
    seen(&mut p, "250 AUTH PLAIN LOGIN", &mut screen);
    seen(&mut p, "smtp~> ", &mut screen);
    // the mechanisms the server advertised complete after AUTH
    p.send("AUTH PL\t").unwrap();
    seen(&mut p, "PLAIN ", &mut screen);
    p.send("bob\r").unwrap();
    seen(&mut p, "Password for bob: ", &mut screen);
    p.send("s3cret-Pa55\r").unwrap();
    seen(&mut p, "235 2.7.0 Authentication successful", &mut screen);
    seen(&mut p, "smtp~> ", &mut screen);
    p.send(format!(":transcript {}\r", transcript.display()))
        .unwrap();
    seen(&mut p, "transcript written", &mut screen);
    seen(&mut p, "smtp~> ", &mut screen);
    p.send(ControlCode::EndOfText).unwrap();
    seen(&mut p, "Ctrl-C again sends QUIT", &mut screen);
    p.send(ControlCode::EndOfText).unwrap();
    seen(&mut p, "221", &mut screen);
    let status = p.get_process().wait().unwrap();
    assert!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "{status:?}\n{screen}"
    );
    assert!(smtp
        .received()
        .contains(&"AUTH PLAIN AGJvYgBzM2NyZXQtUGE1NQ==".to_string()));
    let history = std::fs::read_to_string(&history).unwrap();
    let transcript = std::fs::read_to_string(&transcript).unwrap();
    assert!(
        history.contains("AUTH PLAIN bob") && history.contains("EHLO me.test"),
        "{history}"
    );
    assert!(transcript.contains("~> AUTH PLAIN ****"), "{transcript}");
    for (what, text) in [
        ("screen", &screen),
        ("history", &history),
        ("transcript", &transcript),
    ] {
        assert!(
            !text.contains("s3cret") && !text.contains("AGJvYgBzM2NyZXQtUGE1NQ"),
            "the secret is in the {what}:\n{text}"
        );
    }
}

/// Ctrl-C while the session waits on a silent server ends the wait, not
/// the process; a second one sends QUIT and leaves.
#[test]
fn ctrl_c_ends_a_wait_in_a_session() {
    let silent = FakeSmtp::start("127.0.0.1:0", Greeting::Never, responder(&[], "250 Ok"));
    let server = format!("127.0.0.1:{}", silent.port());
    let mut p = in_terminal(&[
        "session",
        "--server",
        &server,
        "--timeout",
        "60",
        "--no-history",
    ]);
    let mut screen = String::new();
    seen(&mut p, "connected to", &mut screen);
    p.send(ControlCode::EndOfText).unwrap();
    seen(&mut p, "interrupted: no longer waiting", &mut screen);
    seen(&mut p, "smtp> ", &mut screen);
    p.send(ControlCode::EndOfText).unwrap();
    let status = p.get_process().wait().unwrap();
    // no reply ever came: exit 3, and QUIT was sent on the way out
    assert!(
        matches!(status, WaitStatus::Exited(_, 3)),
        "{status:?}\n{screen}"
    );
}

/// The real Postfix at the keyboard: its greeting, EHLO completed by tab,
/// and its extensions then completing (PIPELINING was advertised).
#[test]
fn a_keyboard_session_with_the_real_postfix() {
    let up = std::net::TcpStream::connect_timeout(
        &"127.0.0.1:25".parse().unwrap(),
        Duration::from_secs(2),
    )
    .is_ok();
    if !up {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI=true but Postfix is not answering on 127.0.0.1:25 (scripts/postfix-up)"
        );
        eprintln!("SKIPPED: Postfix is not running on 127.0.0.1:25 (run scripts/test as root)");
        return;
    }
    let mut p = in_terminal(&[
        "session",
        "--server",
        "127.0.0.1",
        "--no-history",
        "--color",
        "never",
    ]);
    let mut screen = String::new();
    seen(&mut p, "ESMTP smtpcheck-test", &mut screen);
    seen(&mut p, "smtp> ", &mut screen);
    p.send("eh\t").unwrap();
    seen(&mut p, "EHLO ", &mut screen);
    p.send("client.smtpcheck.test\r").unwrap();
    seen(&mut p, "250 ", &mut screen);
    seen(&mut p, "smtp> ", &mut screen);
    p.send("MAIL FROM:<probe@postfix.test> BO\t").unwrap();
    seen(&mut p, "BODY=", &mut screen);
    p.send("\x15").unwrap(); // Ctrl-U: the line is cleared, nothing sent
    p.send("QUIT\r").unwrap();
    seen(&mut p, "221 2.0.0 Bye", &mut screen);
    let status = p.get_process().wait().unwrap();
    assert!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "{status:?}\n{screen}"
    );
}

/// What the server says while the person sits at the prompt (a 421 idle
/// timeout) shows as it arrives, above the line being edited, explained.
#[test]
fn a_reply_that_comes_unasked_shows_while_the_prompt_waits() {
    let server = FakeSmtp::start(
        "127.0.0.1:0",
        Greeting::Parts(vec![
            (
                b"220 fake.test ESMTP\r\n".to_vec(),
                Duration::from_millis(800),
            ),
            (
                b"421 4.4.2 fake.test Error: timeout exceeded\r\n".to_vec(),
                Duration::ZERO,
            ),
        ]),
        responder(&[], "250 Ok"),
    );
    let addr = format!("127.0.0.1:{}", server.port());
    let mut p = in_terminal(&[
        "session",
        "--server",
        &addr,
        "--no-history",
        "--color",
        "never",
    ]);
    let mut screen = String::new();
    seen(&mut p, "smtp> ", &mut screen);
    // nothing typed: the 421 and its explanation arrive on their own
    seen(
        &mut p,
        "421 4.4.2 fake.test Error: timeout exceeded",
        &mut screen,
    );
    seen(&mut p, "   => ", &mut screen);
    p.send(":quit\r").unwrap();
    let status = p.get_process().wait().unwrap();
    // the last reply the session saw was the 421: transient, exit 1
    assert!(
        matches!(status, WaitStatus::Exited(_, 1)),
        "{status:?}\n{screen}"
    );
}
