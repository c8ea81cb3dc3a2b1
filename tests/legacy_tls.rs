//! Servers whose TLS rustls cannot complete but OpenSSL senders can: TLS
//! 1.0 or 1.1 only, static RSA, DHE (real OpenSSL 3 with SECLEVEL=0 behind
//! Python's ssl, scripts/peers/legacy_tls_smtp.py). Each is a TLS-quality
//! finding with the weakness named, and the address stays deliverable for
//! opportunistic senders, which retry in plaintext: MAIL and RCPT are
//! tested on that retry. `--tls require` still fails them.

mod support;

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use support::{check, smtpcheck_json};

struct LegacyServer {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for LegacyServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where scripts/tlslite-up installs tlslite-ng.
const TLSLITE: &str = "/opt/smtpcheck-tlslite";

impl LegacyServer {
    fn start(args: &[&str]) -> Self {
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scripts/peers/legacy_tls_smtp.py"
        );
        Self::run(script, args)
    }

    /// A tlslite-ng server (scripts/peers/tlslite_smtp.py), or None with a
    /// message when tlslite-ng is not installed (with CI=true it must be).
    fn tlslite(args: &[&str]) -> Option<Self> {
        if !std::path::Path::new(TLSLITE).join("tlslite").is_dir() {
            assert!(
                std::env::var("CI").map_or(true, |v| v != "true"),
                "CI=true but tlslite-ng is not in {TLSLITE}: scripts/tlslite-up must have installed it"
            );
            eprintln!("SKIPPED: tlslite-ng is not in {TLSLITE} (run scripts/tlslite-up as root)");
            return None;
        }
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/peers/tlslite_smtp.py");
        Some(Self::run(script, args))
    }

    fn run(script: &str, args: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new("python3")
            .env("PYTHONPATH", TLSLITE)
            .args(["-W", "ignore", script, "--dir"])
            .arg(dir.path())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs the legacy TLS server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("no port from {args:?}: {line:?}"));
        Self {
            child,
            port,
            _dir: dir,
        }
    }

    fn probe(&self, extra: &[&str]) -> (Value, i32) {
        let server = format!("127.0.0.1:{}", self.port);
        let mut args = vec![
            "probe",
            "--server",
            &server,
            "--rcpt",
            "postmaster@legacy.test",
        ];
        args.extend_from_slice(extra);
        smtpcheck_json(&args)
    }
}

/// The checks every such server gets: a TLS warning with `cause`, the
/// transaction from the plaintext retry, and a failure under --tls require.
fn deliverable_with_weak_tls(server: &LegacyServer, cause: &str) -> Value {
    let (doc, code) = server.probe(&[]);
    assert_eq!(code, 1, "{doc:#}");
    let tls = check(&doc, "tls.starttls").clone();
    assert_eq!(
        (tls["status"].as_str(), tls["data"]["cause"].as_str()),
        (Some("warn"), Some(cause)),
        "{tls:#}"
    );
    assert_eq!(check(&doc, "smtp.rcpt")["status"], "pass", "{doc:#}");
    assert_eq!(check(&doc, "smtp.mail")["data"]["plaintext_retry"], true);
    assert!(
        !doc["summary"]
            .as_str()
            .unwrap()
            .contains("cannot be delivered"),
        "{doc:#}"
    );
    let (doc, code) = server.probe(&["--require-tls"]);
    assert_eq!(code, 2, "{doc:#}");
    assert_eq!(check(&doc, "tls.starttls")["status"], "fail");
    assert_eq!(check(&doc, "smtp.rcpt")["status"], "skip");
    tls
}

#[test]
fn tls_1_0_only_is_named_and_stays_deliverable() {
    let server = LegacyServer::start(&["--tls-version", "1.0"]);
    let tls = deliverable_with_weak_tls(&server, "tls_legacy_version");
    assert_eq!(tls["data"]["legacy_version"], "TLSv1.0");
    assert!(
        tls["summary"]
            .as_str()
            .unwrap()
            .contains("the server speaks only TLSv1.0"),
        "{tls:#}"
    );
}

#[test]
fn tls_1_1_only_is_named() {
    let server = LegacyServer::start(&["--tls-version", "1.1"]);
    let tls = deliverable_with_weak_tls(&server, "tls_legacy_version");
    assert_eq!(tls["data"]["legacy_version"], "TLSv1.1");
}

#[test]
fn static_rsa_only_names_the_suite() {
    let server = LegacyServer::start(&[
        "--tls-version",
        "1.2",
        "--ciphers",
        "AES128-SHA:@SECLEVEL=0",
    ]);
    let tls = deliverable_with_weak_tls(&server, "tls_legacy_suite");
    assert_eq!(
        (
            tls["data"]["legacy_version"].as_str(),
            tls["data"]["legacy_suite"].as_str()
        ),
        (Some("TLSv1.2"), Some("TLS_RSA_WITH_AES_128_CBC_SHA"))
    );
}

#[test]
fn dhe_only_names_the_suite() {
    let server = LegacyServer::start(&[
        "--tls-version",
        "1.2",
        "--ciphers",
        "DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0",
        "--dh",
        "ffdhe2048",
    ]);
    let tls = deliverable_with_weak_tls(&server, "tls_legacy_suite");
    assert_eq!(
        tls["data"]["legacy_suite"],
        "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"
    );
}

/// Through the MX: the sender simulation has opportunistic senders deliver
/// (over TLS 1.0 if their library allows it, else in plaintext).
#[test]
fn opportunistic_senders_deliver_to_a_tls_1_0_only_mx() {
    use support::dns::{zone, TestDns};
    let server = LegacyServer::start(&["--tls-version", "1.0"]);
    let dns = TestDns::start(&[&zone("legacy.test", "@ MX 10 mx\nmx A 127.0.0.1")]);
    let (resolver, port) = (dns.resolver_arg(), server.port.to_string());
    let (doc, code) = smtpcheck_json(&[
        "probe",
        "legacy.test",
        "--resolver",
        &resolver,
        "--allow-private",
        "--port",
        &port,
    ]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(
        support::sender(&doc, "opportunistic")["action"],
        "deliver",
        "{doc:#}"
    );
}

/// `--tls-scan`: one connection per version; a TLS 1.0-only OpenSSL server
/// is graded phase-out in internet.nl's terms, and its suite named.
#[test]
fn tls_scan_grades_a_tls_1_0_only_server() {
    let server = LegacyServer::start(&["--tls-version", "1.0"]);
    let (doc, _) = server.probe(&["--tls-scan"]);
    let versions = check(&doc, "tls.versions");
    assert_eq!(
        (
            versions["status"].as_str(),
            versions["data"]["grade"].as_str()
        ),
        (Some("warn"), Some("phase-out")),
        "{versions:#}"
    );
    assert_eq!(versions["data"]["offered"], serde_json::json!(["TLSv1.0"]));
    assert_eq!(
        versions["data"]["refused"],
        serde_json::json!(["SSLv3", "TLSv1.1", "TLSv1.2", "TLSv1.3"])
    );
    assert!(versions["summary"]
        .as_str()
        .unwrap()
        .starts_with("accepts TLSv1.0 (phase-out); no TLS 1.3"));
    let ciphers = check(&doc, "tls.ciphers");
    assert_eq!(
        ciphers["data"]["chosen"][0]["version"], "TLSv1.0",
        "{ciphers:#}"
    );
}

/// Static RSA only on TLS 1.2: the version is sufficient, the suite is
/// phase-out (no forward secrecy).
#[test]
fn tls_scan_grades_static_rsa_as_phase_out() {
    let server = LegacyServer::start(&[
        "--tls-version",
        "1.2",
        "--ciphers",
        "AES128-SHA:@SECLEVEL=0",
    ]);
    let (doc, _) = server.probe(&["--tls-scan"]);
    assert_eq!(check(&doc, "tls.versions")["data"]["grade"], "sufficient");
    let ciphers = check(&doc, "tls.ciphers");
    assert_eq!(
        (
            ciphers["status"].as_str(),
            ciphers["data"]["grade"].as_str()
        ),
        (Some("warn"), Some("phase-out")),
        "{ciphers:#}"
    );
    assert_eq!(
        ciphers["data"]["chosen"][0]["suite"],
        "TLS_RSA_WITH_AES_128_CBC_SHA"
    );
}

/// An RSA-1024 certificate with a suite rustls has: the handshake fails on
/// the key, and that is what is said (not "bad signature", not "a suite
/// rustls lacks"); the chain, sent in the clear in TLS 1.2, is inspected.
#[test]
fn an_rsa_1024_certificate_is_named_a_weak_key() {
    let server = LegacyServer::start(&[
        "--tls-version",
        "1.2",
        "--rsa-bits",
        "1024",
        "--ciphers",
        "ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0",
    ]);
    let tls = deliverable_with_weak_tls(&server, "tls_weak_key");
    assert!(
        tls["summary"]
            .as_str()
            .unwrap()
            .contains("an RSA key of 1024 bits"),
        "{tls:#}"
    );
    let (doc, _) = server.probe(&[]);
    let cert = check(&doc, "tls.certificate");
    assert_eq!(cert["data"]["key"], "RSA 1024", "{cert:#}");
    assert_eq!(cert["data"]["key_grade"], "insufficient", "{cert:#}");
    let problems = cert["data"]["problems"].as_array().unwrap();
    assert!(
        problems.contains(&"weak_key".into()) && !problems.contains(&"other".into()),
        "{cert:#}"
    );
    assert!(!cert["summary"].as_str().unwrap().contains("BadSignature"));
}

/// A leaf signed with SHA-1 by a CA the run trusts: named in words (no
/// verifier debug dump), as its own problem.
#[test]
fn a_sha1_signed_certificate_is_named() {
    let server = LegacyServer::start(&["--tls-version", "1.2", "--digest", "sha1"]);
    let ca = server._dir.path().join("ca.pem");
    let (doc, _) = server.probe(&["--ca-file", ca.to_str().unwrap()]);
    let cert = check(&doc, "tls.certificate");
    assert_eq!(cert["data"]["signature_algorithm"], "sha1WithRSAEncryption");
    let problems = cert["data"]["problems"].as_array().unwrap();
    assert!(
        problems.contains(&"weak_signature".into()) && !problems.contains(&"other".into()),
        "{cert:#}"
    );
    let summary = cert["summary"].as_str().unwrap();
    assert!(
        summary.contains("signed with sha1WithRSAEncryption") && summary.len() < 300,
        "{summary}"
    );
}

/// DHE with a 1024-bit prime beside ECDHE: the server prefers ECDHE, so a
/// normal handshake never shows it; offered alone, DHE is taken, and the
/// prime is graded insufficient.
#[test]
fn a_1024_bit_dhe_group_beside_ecdhe_is_found() {
    let server = LegacyServer::start(&[
        "--tls-version",
        "1.2",
        "--ciphers",
        "ECDHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0",
        "--dh",
        "1024",
    ]);
    let (doc, _) = server.probe(&["--tls-scan"]);
    assert_eq!(check(&doc, "tls.starttls")["status"], "pass", "{doc:#}");
    let kx = check(&doc, "tls.key_exchange");
    assert_eq!(
        (kx["status"].as_str(), kx["data"]["grade"].as_str()),
        (Some("warn"), Some("insufficient")),
        "{kx:#}"
    );
    assert!(
        kx["summary"]
            .as_str()
            .unwrap()
            .contains("DHE 1024-bit prime (insufficient)"),
        "{kx:#}"
    );
    let ciphers = check(&doc, "tls.ciphers");
    let families = ciphers["data"]["accepted_families"].as_array().unwrap();
    assert!(
        families
            .iter()
            .any(|f| f["family"] == "dhe" && f["grade"] == "insufficient"),
        "{ciphers:#}"
    );
    assert!(ciphers["data"]["refused_families"]
        .as_array()
        .unwrap()
        .contains(&"RC4".into()));
}

/// `smtpcheck tls` runs no transaction, so no plaintext retry, but the
/// failed handshake is still explained by what the server speaks.
#[test]
fn the_tls_command_explains_a_tls_1_0_only_server() {
    let server = LegacyServer::start(&["--tls-version", "1.0"]);
    let target = format!("127.0.0.1:{}", server.port);
    let (doc, code) = smtpcheck_json(&["tls", "legacy.test", "--server", &target]);
    let tls = check(&doc, "tls.starttls");
    assert_eq!(
        (code, tls["data"]["cause"].as_str()),
        (1, Some("tls_legacy_version")),
        "{doc:#}"
    );
    assert!(
        tls["summary"]
            .as_str()
            .unwrap()
            .contains("(not tested here)"),
        "{tls:#}"
    );
    assert_eq!(
        check(&doc, "tls.versions")["data"]["offered"],
        serde_json::json!(["TLSv1.0"])
    );
}

/// The families each tlslite-ng server accepts when offered alone, with
/// their grades, from `tls.ciphers`.
fn families(doc: &Value) -> Vec<(String, String)> {
    check(doc, "tls.ciphers")["data"]["accepted_families"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["family"].as_str().unwrap().to_string(),
                f["grade"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// SSLv3 only (tlslite-ng, as no OpenSSL 3 serves it): tlslite refuses our
/// every-version ClientHello with protocol_version instead of answering
/// lower, so smtpcheck asks for SSLv3 by name; it is named, graded
/// insufficient, and the transaction still runs in plaintext.
#[test]
fn sslv3_only_is_named_not_called_broken() {
    let Some(server) = LegacyServer::tlslite(&["--versions", "ssl3"]) else {
        return;
    };
    let tls = deliverable_with_weak_tls(&server, "tls_legacy_version");
    let summary = tls["summary"].as_str().unwrap();
    assert!(
        summary.contains("speaks only SSLv3") && summary.contains("RFC 7568"),
        "{summary}"
    );
    assert_eq!(tls["data"]["legacy_version"], "SSLv3");
    let (doc, _) = server.probe(&["--tls-scan"]);
    let versions = check(&doc, "tls.versions");
    assert_eq!(
        versions["data"]["offered"],
        serde_json::json!(["SSLv3"]),
        "{versions:#}"
    );
    assert_eq!(versions["data"]["grade"], "insufficient");
}

/// RC4 and 3DES beside good suites: a normal handshake gets AES-GCM, so
/// only offering each family alone shows them.
#[test]
fn rc4_and_3des_beside_good_suites_are_found() {
    let Some(rc4) = LegacyServer::tlslite(&["--ciphers", "aes128gcm,rc4", "--macs", "sha,aead"])
    else {
        return;
    };
    let (doc, _) = rc4.probe(&["--tls-scan"]);
    assert_eq!(check(&doc, "tls.starttls")["status"], "pass", "{doc:#}");
    assert!(
        families(&doc).contains(&("rc4".into(), "insufficient".into())),
        "{doc:#}"
    );
    let ciphers = check(&doc, "tls.ciphers");
    assert_eq!(
        (
            ciphers["status"].as_str(),
            ciphers["data"]["grade"].as_str()
        ),
        (Some("warn"), Some("insufficient"))
    );
    assert!(ciphers["summary"]
        .as_str()
        .unwrap()
        .contains("RC4 (insufficient)"));
    let Some(des) = LegacyServer::tlslite(&["--ciphers", "aes128gcm,3des"]) else {
        return;
    };
    let (doc, _) = des.probe(&["--tls-scan"]);
    assert!(
        families(&doc).contains(&("triple_des".into(), "phase-out".into())),
        "{doc:#}"
    );
    assert!(!families(&doc).iter().any(|(f, _)| f == "rc4"), "{doc:#}");
}

/// TLS 1.3 with AES-CCM-8 beside AES-GCM: NCSC-NL grades CCM_8 insufficient.
#[test]
fn tls13_ccm8_is_found() {
    let Some(server) = LegacyServer::tlslite(&[
        "--versions",
        "tls1.2,tls1.3",
        "--ciphers",
        "aes128gcm,aes128ccm_8",
    ]) else {
        return;
    };
    let (doc, _) = server.probe(&["--tls-scan"]);
    assert_eq!(
        check(&doc, "tls.starttls")["data"]["version"],
        "TLSv1.3",
        "{doc:#}"
    );
    assert!(
        families(&doc).contains(&("ccm8".into(), "insufficient".into())),
        "{doc:#}"
    );
}

/// Anonymous Diffie-Hellman only: no certificate at all. rustls cannot
/// complete it; the suite is named, graded insufficient, signed by nothing.
#[test]
fn anonymous_suites_are_named() {
    let Some(server) = LegacyServer::tlslite(&[
        "--anon",
        "--kx",
        "dh_anon,ecdh_anon",
        "--ciphers",
        "aes128gcm,aes128",
    ]) else {
        return;
    };
    let tls = deliverable_with_weak_tls(&server, "tls_legacy_suite");
    assert!(
        tls["data"]["legacy_suite"]
            .as_str()
            .unwrap()
            .contains("_anon_"),
        "{tls:#}"
    );
    let (doc, _) = server.probe(&["--tls-scan"]);
    assert!(
        families(&doc).contains(&("anonymous_or_null".into(), "insufficient".into())),
        "{doc:#}"
    );
    let kx = check(&doc, "tls.key_exchange");
    assert!(
        kx["summary"]
            .as_str()
            .unwrap()
            .contains("signed with nothing"),
        "{kx:#}"
    );
    assert_eq!(kx["data"]["grade"], "insufficient");
}

/// TLS 1.2 without the extended master secret (RFC 7627): a warning, and
/// client-initiated renegotiation said to be untested rather than passed.
#[test]
fn no_extended_master_secret_warns() {
    let Some(server) = LegacyServer::tlslite(&["--no-ems"]) else {
        return;
    };
    let (doc, _) = server.probe(&["--tls-scan"]);
    let hardening = check(&doc, "tls.hardening");
    assert_eq!(
        (
            hardening["status"].as_str(),
            hardening["data"]["grade"].as_str()
        ),
        (Some("warn"), Some("phase-out")),
        "{hardening:#}"
    );
    assert_eq!(
        hardening["data"]["extended_master_secret_missing"],
        serde_json::json!(["TLSv1.2"])
    );
    assert_eq!(hardening["data"]["client_renegotiation"], "not_tested");
    assert!(hardening["summary"]
        .as_str()
        .unwrap()
        .contains("client-initiated renegotiation not tested"));
}
