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

/// The human report as an 80-column terminal would get it (colour off),
/// and the exit code. Asserts that no line is wider than the screen.
pub fn screen(args: &[&str]) -> (String, i32) {
    const WIDTH: usize = 80;
    let out = assert_cmd::Command::cargo_bin("smtpcheck")
        .expect("binary built")
        .args(args)
        .args(["--color", "never"])
        .env("COLUMNS", WIDTH.to_string())
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("smtpcheck ran");
    let text = String::from_utf8(out.stdout).expect("UTF-8 report");
    for line in text.lines() {
        let width = line.chars().count();
        assert!(width <= WIDTH, "{width} columns: {line:?}\n{text}");
    }
    (text, out.status.code().expect("exit code"))
}

/// Pins `text` as an insta snapshot with what varies from run to run
/// replaced: timings, the ports the fake servers got, dates, fingerprints
/// and keys.
pub fn assert_screen(name: &str, text: &str, ports: &[u16]) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("../snapshots");
    for port in ports {
        // also inside names such as `_25._tcp`, where \b does not see an edge
        settings.add_filter(&format!(r"(^|[^0-9]){port}([^0-9]|$)"), "${1}PORT${2}");
    }
    // the padding of the time column varies with the digits: it goes too
    settings.add_filter(r"\s+[0-9]+(\.[0-9]+)? (ms|s)\b", " N $2");
    settings.add_filter(
        r"\b[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9:]{8}Z?)?( UTC)?",
        "DATE",
    );
    settings.add_filter(r"\b[0-9A-Fa-f:]{32,}\b", "HEX");
    settings.add_filter(r"\([0-9]+ days left\)", "(N days left)");
    settings.bind(|| insta::assert_snapshot!(format!("screen__{name}"), text));
}
