//! The command line's conventions: help and version, usage errors, the
//! committed completions and man page, a closed stdout.

use assert_cmd::Command;
use std::io::Read;
use std::process::Stdio;

fn smtpcheck() -> Command {
    Command::cargo_bin("smtpcheck").unwrap()
}

#[test]
fn help_and_version_exit_0() {
    smtpcheck()
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicates::str::contains("Exit codes: 0 pass"));
    smtpcheck()
        .args(["probe", "--help"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("--resolver"));
    smtpcheck()
        .arg("--version")
        .assert()
        .code(0)
        .stdout(predicates::str::starts_with("smtpcheck "));
}

#[test]
fn usage_errors_exit_3_with_clap_message() {
    smtpcheck()
        .args(["probe", "example.test", "--no-such-flag"])
        .assert()
        .code(3)
        .stderr(predicates::str::contains(
            "unexpected argument '--no-such-flag'",
        ));
    smtpcheck()
        .args(["probe", "example.test", "--port", "0"])
        .assert()
        .code(3)
        .stderr(predicates::str::contains("--port"));
    smtpcheck()
        .args(["probe", "example.test", "--timeout", "-1"])
        .assert()
        .code(3);
    smtpcheck().assert().code(3);
}

#[test]
fn usage_error_with_json_still_prints_one_document() {
    let out = smtpcheck()
        .args(["probe", "example.test", "--json", "--port", "abc"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(doc["verdict"], "error");
    assert!(doc["error"].as_str().unwrap().contains("--port"), "{doc}");
    // the command and target are named as far as the line tells them
    assert_eq!(
        (doc["command"].as_str(), doc["target"].as_str()),
        (Some("probe"), Some("example.test"))
    );
}

#[test]
fn a_missing_argument_is_named_in_the_json_error() {
    let out = smtpcheck().args(["probe", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert!(
        doc["error"]
            .as_str()
            .unwrap()
            .ends_with("not provided: <TARGET>"),
        "{doc}"
    );
}

#[test]
fn usage_error_with_nagios_prints_an_unknown_line() {
    let out = smtpcheck()
        .args([
            "probe",
            "example.test",
            "--format",
            "nagios",
            "--port",
            "abc",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let line = String::from_utf8(out.stdout).unwrap();
    assert!(
        line.starts_with("SMTP UNKNOWN - ") && line.contains("--port"),
        "{line}"
    );
    assert_eq!(line.lines().count(), 1);
}

#[test]
fn bad_target_is_one_line_and_exit_3() {
    let out = smtpcheck()
        .args(["probe", "not a domain"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr, "smtpcheck: error: the target \"not a domain\" contains ' ', which no host name may contain\n");
    assert!(out.stdout.is_empty());
}

/// The generated files in the repository must match what the binary prints;
/// run scripts/regenerate after changing the command line.
#[test]
fn committed_completions_and_man_page_are_current() {
    let root = env!("CARGO_MANIFEST_DIR");
    let cases = [
        (vec!["completions", "bash"], "completions/smtpcheck.bash"),
        (vec!["completions", "zsh"], "completions/_smtpcheck"),
        (vec!["completions", "fish"], "completions/smtpcheck.fish"),
        (
            vec!["completions", "powershell"],
            "completions/_smtpcheck.ps1",
        ),
        (vec!["completions", "elvish"], "completions/smtpcheck.elv"),
        (vec!["man"], "man/smtpcheck.1"),
    ];
    for (args, file) in cases {
        let out = smtpcheck().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let committed = std::fs::read(format!("{root}/{file}")).unwrap_or_default();
        assert!(
            committed == out.stdout,
            "{file} is stale: run scripts/regenerate and commit the result"
        );
    }
    let bash = std::fs::read_to_string(format!("{root}/completions/smtpcheck.bash")).unwrap();
    assert!(bash.contains("--resolver") && bash.contains("probe"));
    let man = std::fs::read_to_string(format!("{root}/man/smtpcheck.1")).unwrap();
    assert!(man.contains("EXIT STATUS") && man.contains("\\-\\-timeout"));
}

#[test]
fn closed_stdout_is_not_a_panic() {
    let bin = assert_cmd::cargo::cargo_bin("smtpcheck");
    let mut child = std::process::Command::new(bin)
        .arg("man")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Hang up before the page is written, like `smtpcheck man | head -c0`:
    // every write then fails with EPIPE.
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(status.code(), Some(0));
}

/// Every input is validated before anything is sent: one table of bad inputs
/// with the exact first line on stderr (exit 3), and good ones that pass
/// validation (they reach the network and fail there: exit 2, not 3).
#[test]
fn input_validation_table() {
    let bad: &[(&[&str], &str)] = &[
        (&["probe", "a..b"], "smtpcheck: error: the target \"a..b\" has an empty label"),
        (&["probe", "@x.test"], "smtpcheck: error: the target address \"@x.test\" has an empty local part"),
        (&["probe", "127.0.0.1"], "smtpcheck: error: the target 127.0.0.1 is an IP address, which has no MX: use --server 127.0.0.1 with a domain target"),
        (&["probe", "user@[127.0.0.1]"], "smtpcheck: error: the target user@[127.0.0.1] names an IP literal, which has no MX: use --server 127.0.0.1 and --rcpt user@[127.0.0.1]"),
        (&["probe", "x\r\n.test"], "smtpcheck: error: the target contains a carriage return (CR), which is never sent to a server"),
        (&["probe", "x.test", "--port", "0"], "error: invalid value '0' for '--port <PORT>': 0 is not in 1..=65535"),
        (&["probe", "x.test", "--port", "70000"], "error: invalid value '70000' for '--port <PORT>': 70000 is not in 1..=65535"),
        (&["probe", "x.test", "--timeout", "0"], "error: invalid value '0' for '--timeout <SECS>': 0 is out of range: give 0.1 to 3600 seconds"),
        (&["probe", "x.test", "--timeout", "abc"], "error: invalid value 'abc' for '--timeout <SECS>': \"abc\" is not a number of seconds"),
        (&["probe", "x.test", "--deadline", "99999"], "error: invalid value '99999' for '--deadline <SECS>': 99999 is out of range: give 0.1 to 3600 seconds"),
        (&["probe", "x.test", "--server", "[::1"], "smtpcheck: error: --server \"[::1\" opens '[' but never closes it"),
        (&["probe", "x.test", "--server", "mx.test:0"], "smtpcheck: error: --server \"mx.test:0\": the port must be a number from 1 to 65535"),
        (&["probe", "x.test", "--server", "[nothost]:25"], "smtpcheck: error: --server \"[nothost]:25\": \"nothost\" is not an IP address"),
        (&["probe", "x.test", "--rcpt", "nobody"], "smtpcheck: error: the recipient address \"nobody\" is not an address of the form user@domain"),
        (&["probe", "x.test", "--rcpt", "a@b.test\nDATA"], "smtpcheck: error: the recipient address contains a line feed (LF), which is never sent to a server"),
        (&["probe", "x.test", "--from", "a@[300.1.1.1]"], "smtpcheck: error: the sender address \"a@[300.1.1.1]\" has an invalid address literal [300.1.1.1]"),
        (&["probe", "x.test", "--from", "a\r@b.test"], "smtpcheck: error: the sender address contains a carriage return (CR), which is never sent to a server"),
        (&["probe", "x.test", "--helo", "bad_name!"], "smtpcheck: error: --helo \"bad_name!\" contains '!', which no host name may contain"),
        (&["probe", "x.test", "--resolver", "localhost"], "error: invalid value 'localhost' for '--resolver <IP[:PORT]>': \"localhost\" is not IP or IP:PORT (IPv6 with a port: [::1]:5353)"),
        (&["probe", "x.test", "--concurrency", "0"], "error: invalid value '0' for '--concurrency <N>': 0 is not in 1..=1024"),
        (&["probe", "x.test", "--tls", "sometimes"], "error: invalid value 'sometimes' for '--tls <MODE>'"),
        (&["probe", "x.test", "--ca-file", "/nonexistent/ca.pem", "--server", "127.0.0.1:9"], "smtpcheck: error: --ca-file /nonexistent/ca.pem: no such file or directory"),
        (&["probe", "x.test", "--password-file", "/nonexistent/pw", "--auth-user", "u"], "smtpcheck: error: --password-file /nonexistent/pw: no such file or directory"),
        (&["probe", "xn--zz.test"], "smtpcheck: error: the target \"xn--zz.test\" is not a valid domain name: xn--zz is not a valid A-label (the xn-- form of an internationalized name)"),
        (&["probe", "mx.example.com:2525"], "smtpcheck: error: the target \"mx.example.com:2525\" names a port: give the domain (example.com), or name the host with --server mx.example.com --port 2525"),
        (&["connect", "x.test", "--relay-test"], "smtpcheck: error: --relay-test needs the mail transaction, which connect does not run: use smtpcheck probe"),
        (&["ehlo", "x.test", "--vrfy"], "smtpcheck: error: --vrfy needs the mail transaction, which ehlo does not run: use smtpcheck probe"),
        (&["banner", "x.test", "--quit-after", "rcpt"], "smtpcheck: error: --quit-after rcpt is after where banner stops anyway"),
        (&["scan", "-", "--no-transport-policy"], "smtpcheck: error: scan runs without the transport checks unless --transport-policy asks for them; --no-transport-policy is for probe"),
        (&["probe", "x.test", "--helo", "[300.1.1.1]"], "smtpcheck: error: --helo \"[300.1.1.1]\" has an invalid address literal [300.1.1.1]"),
    ];
    for (args, first_line) in bad {
        let out = smtpcheck().args(*args).output().unwrap();
        assert_eq!(out.status.code(), Some(3), "{args:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().next().unwrap_or(""), *first_line, "{args:?}");
    }
    // A closed port on loopback: valid input reaches the network and fails there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = format!("127.0.0.1:{port}");
    let good: &[&[&str]] = &[
        &["probe", "x.test", "--server", &server],
        &["probe", "bücher.test", "--server", &server],
        &["probe", "x.test", "--server", &server, "--from", "<>"],
        &[
            "probe",
            "x.test",
            "--server",
            &server,
            "--rcpt",
            "\"john doe\"@x.test",
        ],
        &[
            "probe",
            "x.test",
            "--server",
            &server,
            "--rcpt",
            "a@[IPv6:2001:db8::1]",
        ],
        &[
            "probe",
            "x.test",
            "--server",
            &server,
            "--helo",
            "client.example",
        ],
        &[
            "probe",
            "x.test",
            "--server",
            &server,
            "--timeout",
            "0.5",
            "--deadline",
            "3600",
        ],
        &[
            "probe",
            "x.test",
            "--server",
            &server,
            "--tls",
            "implicit",
            "--cert-warn-days",
            "30",
        ],
    ];
    for args in good {
        let out = smtpcheck().args(*args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// `explain -` reads what people paste: a bounce in the forms Postfix,
/// Exim, Gmail and Microsoft write, a DSN, or a multi-line reply.
mod explain_pasted {
    fn explain_stdin(text: &str) -> serde_json::Value {
        let out = assert_cmd::Command::cargo_bin("smtpcheck")
            .unwrap()
            .args(["explain", "-", "--json"])
            .write_stdin(text)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn cause(doc: &serde_json::Value) -> &str {
        doc["cause"]["id"].as_str().unwrap_or("none")
    }

    #[test]
    fn a_postfix_bounce() {
        let doc = explain_stdin(
            "This is the mail system at host mail.example.net.\n\n\
             I'm sorry to have to inform you that your message could not\n\
             be delivered to one or more recipients.\n\n\
             <bob@example.org>: host mx.example.org[192.0.2.25] said: 550 5.1.1\n    \
             <bob@example.org>: Recipient address rejected: User unknown in local\n    \
             recipient table (in reply to RCPT TO command)\n",
        );
        assert_eq!(
            (cause(&doc), doc["stage"].as_str()),
            ("unknown_user", Some("rcpt")),
            "{doc:#}"
        );
        assert!(
            !doc["text"].as_str().unwrap().contains("in reply to"),
            "{doc:#}"
        );
    }

    #[test]
    fn an_exim_bounce() {
        let doc = explain_stdin(
            "This message was created automatically by mail delivery software.\n\n\
             A message that you sent could not be delivered to one or more of its\n\
             recipients. This is a permanent error. The following address(es) failed:\n\n  \
             bob@example.org\n    \
             host mx.example.org [192.0.2.25]\n    \
             SMTP error from remote mail server after RCPT TO:<bob@example.org>:\n    \
             554 5.7.1 Service unavailable; Client host [192.0.2.7] blocked using zen.spamhaus.org\n",
        );
        assert_eq!(cause(&doc), "blocklisted", "{doc:#}");
        assert_eq!(doc["blocklist"], "zen.spamhaus.org");
    }

    #[test]
    fn a_gmail_bounce_with_a_multi_line_reply() {
        let doc = explain_stdin(
            "** Address not found **\n\n\
             Your message wasn't delivered to bob@example.org because the address couldn't be found.\n\n\
             The response from the remote server was:\n\
             550-5.7.26 This mail has been blocked because the sender is unauthenticated.\n\
             550-5.7.26 Gmail requires all senders to authenticate with either SPF or DKIM.\n\
             550 5.7.26 Authentication results: dkim=none spf=none - gsmtp\n",
        );
        assert_eq!(
            (cause(&doc), doc["provider"].as_str()),
            ("authentication_policy", Some("gmail")),
            "{doc:#}"
        );
    }

    #[test]
    fn a_microsoft_ndr() {
        let doc = explain_stdin(
            "Delivery has failed to these recipients or groups:\n\n\
             bob@example.org\n\
             The email address you entered couldn't be found.\n\n\
             Diagnostic information for administrators:\n\
             Generating server: AM0PR01MB1234.eurprd01.prod.exchangelabs.com\n\
             bob@example.org\n\
             Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'\n",
        );
        assert_eq!(
            (cause(&doc), doc["provider"].as_str()),
            ("unknown_user", Some("microsoft")),
            "{doc:#}"
        );
    }

    #[test]
    fn a_dsn_with_two_recipients_gives_two_explanations() {
        let doc = explain_stdin(
            "Final-Recipient: rfc822; a@example.org\nAction: failed\nStatus: 5.2.2\n\
             Diagnostic-Code: smtp; 552 5.2.2 <a@example.org>: mailbox full\n\n\
             Final-Recipient: rfc822; b@example.org\nAction: delayed\nStatus: 4.7.1\n\
             Diagnostic-Code: smtp; 450 4.7.1 <b@example.org>: Recipient address rejected: Greylisted\n",
        );
        let causes: Vec<&str> = doc.as_array().unwrap().iter().map(cause).collect();
        assert_eq!(causes, ["mailbox_full", "greylisting"]);
    }

    #[test]
    fn text_without_a_reply_is_an_error() {
        let out = assert_cmd::Command::cargo_bin("smtpcheck")
            .unwrap()
            .args(["explain", "-"])
            .write_stdin("hello, my mail does not arrive\n")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3));
        assert!(String::from_utf8_lossy(&out.stderr).contains("no SMTP reply found"));
    }
}

/// `explain --json` has one error shape, `{"input", "error"}`, whether the
/// argument is missing or is not a reply.
#[test]
fn explain_json_errors_have_one_shape() {
    let keys = |args: &[&str]| {
        let out = smtpcheck().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(3), "{args:?}");
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut keys: Vec<String> = doc.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(keys(&["explain", "--json"]), ["error", "input"]);
    assert_eq!(keys(&["explain", "--json", "hello"]), ["error", "input"]);
    assert_eq!(keys(&["explain", "--json", "999"]), ["error", "input"]);
}

/// `--help` groups the options under headings and ends with examples.
#[test]
fn help_has_headings_and_examples() {
    let out = smtpcheck().args(["probe", "--help"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let at = |h: &str| {
        text.find(&format!("\n{h}:\n"))
            .unwrap_or_else(|| panic!("{h} in {text}"))
    };
    assert!(at("Target") < at("Transaction") && at("Transaction") < at("TLS"));
    for heading in [
        "Extra tests",
        "AUTH",
        "DNS and time",
        "Output and monitoring",
        "Examples",
    ] {
        at(heading);
    }
    assert!(text.contains("[env: SMTPCHECK_HELO=]"), "{text}");
}

/// The one man page holds every option of every subcommand (read from each
/// subcommand's own --help, not from a hand list), and names no page that
/// does not exist.
#[test]
fn the_man_page_lists_every_option_of_every_subcommand() {
    let text =
        |args: &[&str]| String::from_utf8(smtpcheck().args(args).output().unwrap().stdout).unwrap();
    let man = text(&["man"]);
    let top = text(&["--help"]);
    let commands: Vec<String> = top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() >= 12, "{commands:?}");
    for command in &commands {
        for line in text(&[command, "--help"]).lines() {
            let Some(flag) = line.split_whitespace().find(|w| w.starts_with("--")) else {
                continue;
            };
            let flag = flag.trim_end_matches(',').split(['=', '<']).next().unwrap();
            if flag == "--help" || !line.trim_start().starts_with('-') {
                continue;
            }
            let roff = flag.replace('-', "\\-");
            assert!(
                man.contains(&roff),
                "{command} {flag} is not in the man page"
            );
        }
    }
    assert!(
        !man.contains("smtpcheck\\-probe(1)"),
        "a reference to a page that does not exist"
    );
    for variable in [
        "SMTPCHECK_PASSWORD",
        "SMTPCHECK_OAUTH_TOKEN",
        "SMTPCHECK_RESOLVER",
        "NO_COLOR",
    ] {
        assert!(man.contains(variable), "{variable}");
    }
}
