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
