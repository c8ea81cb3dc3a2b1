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
