//! The test world: scripted SMTP servers and an in-process DNS server, all on
//! loopback, all on one background runtime so tests can run the real binary
//! synchronously. Nothing here ever touches an address outside 127.0.0.0/8 or ::1.
#![allow(dead_code)]

pub mod dns;
pub mod https;
pub mod pki;
pub mod smtp;

use std::process::Output;
use std::sync::LazyLock;

/// The runtime serving every fake server of this test binary.
pub static RT: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("test runtime")
});

/// Runs the smtpcheck binary with `args`, without inheriting NO_COLOR or a terminal.
pub fn smtpcheck(args: &[&str]) -> Output {
    assert_cmd::Command::cargo_bin("smtpcheck")
        .expect("binary built")
        .args(args)
        .env_remove("NO_COLOR")
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("smtpcheck ran")
}

/// Runs smtpcheck with `--json` and parses stdout; asserts it is one document.
pub fn smtpcheck_json(args: &[&str]) -> (serde_json::Value, i32) {
    let mut all: Vec<&str> = args.to_vec();
    all.push("--json");
    let out = smtpcheck(&all);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}):\n{stdout}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (doc, out.status.code().expect("exit code"))
}

/// The checks with this id, in report order.
pub fn checks<'a>(doc: &'a serde_json::Value, id: &str) -> Vec<&'a serde_json::Value> {
    doc["checks"]
        .as_array()
        .expect("checks array")
        .iter()
        .filter(|c| c["id"] == id)
        .collect()
}

/// The one check with this id (panics when there are several or none).
pub fn check<'a>(doc: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    let found = checks(doc, id);
    assert_eq!(found.len(), 1, "expected one {id} check in {doc:#}");
    found[0]
}

/// The sender simulation's outcome for one kind (`opportunistic`, `dane`,
/// `mta_sts`).
pub fn sender<'a>(doc: &'a serde_json::Value, kind: &str) -> &'a serde_json::Value {
    doc["senders"]
        .as_array()
        .expect("senders array")
        .iter()
        .find(|s| s["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} sender: {doc:#}"))
}
