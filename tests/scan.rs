//! `smtpcheck scan`: JSON Lines equal to single probes, shards that
//! partition the input, politeness per address, no head-of-line blocking,
//! the summary, Ctrl-C, and resource faults (EMFILE, a closed stdout).

mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;
use support::dns::{zone, TestDns};
use support::smtp::{responder, FakeSmtp, Greeting};
use support::{smtpcheck, smtpcheck_json};

fn bin() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("smtpcheck")
}

/// `n` domains d0.scan.test .. in one zone, each with MX at 127.0.0.1.
fn scan_zone(n: usize, extra: &str) -> TestDns {
    let mut records = String::from("mx A 127.0.0.1\n");
    for i in 0..n {
        records.push_str(&format!("d{i} MX 10 mx\n"));
    }
    records.push_str(extra);
    TestDns::start(&[&zone("scan.test", &records)])
}

/// The binary with `args`, stdin, stdout and stderr piped, still running.
fn spawn_piped(args: &[&str]) -> std::process::Child {
    Command::new(bin())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn write_input(lines: &[String]) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    for l in lines {
        writeln!(f, "{l}").unwrap();
    }
    f
}

fn parse_lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect()
}

/// id=status for every check, the stable part of a report.
fn shape(report: &Value) -> Vec<String> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{}@{}={}",
                c["id"].as_str().unwrap(),
                c["address"],
                c["status"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn scan_equals_single_probes_in_any_order() {
    let good = FakeSmtp::standard("127.0.0.1:0", &["PIPELINING"], "250 2.1.5 Ok");
    let dns = scan_zone(6, "");
    let port = good.port().to_string();
    let resolver = dns.resolver_arg();
    let mut targets: Vec<String> = (0..6).map(|i| format!("d{i}.scan.test")).collect();
    targets.push("missing.scan.test".into());
    targets.push("bad..target".into());
    let mut input_lines = vec!["# a comment".to_string(), String::new()];
    input_lines.extend(targets.iter().cloned());
    let input = write_input(&input_lines);
    let common = [
        "--resolver",
        &resolver,
        "--allow-private",
        "--port",
        &port,
        "--tls",
        "off",
        "--helo",
        "client.test",
    ];
    let mut args = vec![
        "scan",
        input.path().to_str().unwrap(),
        "-j",
        "4",
        "--transport-policy",
    ];
    args.extend_from_slice(&common);
    let out = smtpcheck(&args);
    assert_eq!(
        out.status.code(),
        Some(3),
        "worst verdict is the error line"
    );
    let lines = parse_lines(&out.stdout);
    assert_eq!(lines.len(), targets.len());
    let by_target: BTreeMap<String, &Value> = lines
        .iter()
        .map(|r| (r["target"].as_str().unwrap().to_string(), r))
        .collect();
    for t in &targets {
        let mut single_args = vec!["probe", t.as_str()];
        single_args.extend_from_slice(&common);
        let (single, _) = smtpcheck_json(&single_args);
        let scanned = by_target[t.as_str()];
        assert_eq!(scanned["verdict"], single["verdict"], "{t}");
        assert_eq!(shape(scanned), shape(&single), "{t}");
    }
    // Without --transport-policy a scan skips DNSSEC, DANE, MTA-STS, TLS-RPT
    // and the sender simulation, and only those.
    let mut plain_args = vec!["scan", input.path().to_str().unwrap(), "-j", "4"];
    plain_args.extend_from_slice(&common);
    let plain = parse_lines(&smtpcheck(&plain_args).stdout);
    for report in &plain {
        let t = report["target"].as_str().unwrap();
        let expected: Vec<String> = shape(by_target[t])
            .into_iter()
            .filter(|c| {
                !c.starts_with("dns.dnssec")
                    && !c.starts_with("tls.dane")
                    && !c.starts_with("tls.caa")
                    && !c.starts_with("policy.")
            })
            .collect();
        assert_eq!(shape(report), expected, "{t}");
        assert!(report["senders"].as_array().unwrap().is_empty(), "{t}");
    }
    assert!(
        by_target["d0.scan.test"]["senders"]
            .as_array()
            .unwrap()
            .len()
            == 3
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("8 targets in"), "{stderr}");
    assert!(
        stderr.contains("6 pass, 0 warn, 1 fail, 1 error"),
        "{stderr}"
    );
}

#[test]
fn shards_are_disjoint_and_cover_the_input() {
    let dns = scan_zone(0, "");
    let targets: Vec<String> = (0..30).map(|i| format!("s{i}.scan.test")).collect();
    let input = write_input(&targets);
    let resolver = dns.resolver_arg();
    let mut seen: Vec<String> = Vec::new();
    for k in 0..3 {
        let shard = format!("{k}/3");
        let out = smtpcheck(&[
            "scan",
            input.path().to_str().unwrap(),
            "--shard",
            &shard,
            "--resolver",
            &resolver,
            "--allow-private",
        ]);
        let got: Vec<String> = parse_lines(&out.stdout)
            .iter()
            .map(|r| r["target"].as_str().unwrap().to_string())
            .collect();
        assert!(
            !got.is_empty() && got.len() < 30,
            "shard {shard} took {}",
            got.len()
        );
        seen.extend(got);
    }
    seen.sort();
    let mut all = targets.clone();
    all.sort();
    assert_eq!(seen, all, "every target exactly once");
}

#[test]
fn politeness_limits_connections_per_address() {
    // Greets after a pause so that connections overlap if nothing holds them back.
    let slow = FakeSmtp::start(
        "127.0.0.1:0",
        Greeting::Delayed(
            b"220 slow.test ESMTP\r\n".to_vec(),
            Duration::from_millis(150),
        ),
        responder(&[], "250 Ok"),
    );
    let dns = scan_zone(12, "");
    let targets: Vec<String> = (0..12).map(|i| format!("d{i}.scan.test")).collect();
    let input = write_input(&targets);
    let (resolver, port) = (dns.resolver_arg(), slow.port().to_string());
    let path = input.path().to_str().unwrap().to_string();
    let run = |per_ip: &str| {
        let out = smtpcheck(&[
            "scan",
            &path,
            "-j",
            "12",
            "--per-ip",
            per_ip,
            "--resolver",
            &resolver,
            "--allow-private",
            "--port",
            &port,
            "--tls",
            "off",
        ]);
        assert_eq!(parse_lines(&out.stdout).len(), 12);
    };
    run("1");
    assert_eq!(slow.max_concurrent(), 1);
    run("3");
    assert!(
        (2..=3).contains(&slow.max_concurrent()),
        "{}",
        slow.max_concurrent()
    );
}

#[test]
fn a_slow_target_does_not_hold_up_the_others() {
    let silent = FakeSmtp::start("127.0.0.2:0", Greeting::Never, responder(&[], "250 Ok"));
    let good = FakeSmtp::start(
        &format!("127.0.0.1:{}", silent.port()),
        Greeting::Send(b"220 ok\r\n".to_vec()),
        responder(&[], "250 Ok"),
    );
    let dns = scan_zone(5, "slowmx A 127.0.0.2\nslow MX 10 slowmx\n");
    let mut targets = vec!["slow.scan.test".to_string()];
    targets.extend((0..5).map(|i| format!("d{i}.scan.test")));
    let input = write_input(&targets);
    let (resolver, port) = (dns.resolver_arg(), good.port().to_string());
    let out = smtpcheck(&[
        "scan",
        input.path().to_str().unwrap(),
        "-j",
        "6",
        "--resolver",
        &resolver,
        "--allow-private",
        "--port",
        &port,
        "--tls",
        "off",
        "--timeout",
        "3",
    ]);
    let order: Vec<String> = parse_lines(&out.stdout)
        .iter()
        .map(|r| r["target"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(order.len(), 6);
    assert_eq!(
        order.last().unwrap(),
        "slow.scan.test",
        "written as each finishes: {order:?}"
    );
}

#[test]
fn ctrl_c_stops_new_probes_flushes_and_exits_130() {
    let good = FakeSmtp::standard("127.0.0.1:0", &[], "250 Ok");
    let server = format!("127.0.0.1:{}", good.port());
    let mut child = spawn_piped(&["scan", "-", "--server", &server, "--tls", "off", "-j", "1"]);
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "one.scan.test").unwrap();
    stdin.flush().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let report: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(report["target"], "one.scan.test");
    // stdin stays open: only Ctrl-C can end this scan
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    drop(stdin);
    assert_eq!(exit.code(), Some(130));
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(
        stderr.contains("1 targets in") && stderr.contains("interrupted"),
        "{stderr}"
    );
}

#[test]
fn running_out_of_file_descriptors_slows_down_instead_of_failing() {
    let good = FakeSmtp::standard("127.0.0.1:0", &["PIPELINING"], "250 Ok");
    let server = format!("127.0.0.1:{}", good.port());
    let targets: Vec<String> = (0..120).map(|i| format!("fd{i}.scan.test")).collect();
    let input = write_input(&targets);
    let script = format!(
        "ulimit -n 48 && exec {} scan {} --server {server} --tls off -j 120 --per-ip 120",
        bin().display(),
        input.path().display()
    );
    let out = Command::new("sh").args(["-c", &script]).output().unwrap();
    let lines = parse_lines(&out.stdout);
    assert_eq!(lines.len(), 120, "{}", String::from_utf8_lossy(&out.stderr));
    let failed: Vec<&Value> = lines.iter().filter(|r| r["verdict"] != "pass").collect();
    assert!(
        failed.is_empty(),
        "EMFILE must not fail probes: {:#}",
        failed[0]
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_closed_stdout_ends_the_scan_with_a_clear_error() {
    let good = FakeSmtp::standard("127.0.0.1:0", &[], "250 Ok");
    let server = format!("127.0.0.1:{}", good.port());
    let targets: Vec<String> = (0..50).map(|i| format!("c{i}.scan.test")).collect();
    let input = write_input(&targets);
    let mut child = Command::new(bin())
        .args([
            "scan",
            input.path().to_str().unwrap(),
            "--server",
            &server,
            "--tls",
            "off",
            "-j",
            "1",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    serde_json::from_str::<Value>(&first).expect("the first line is whole");
    drop(stdout);
    let exit = child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(exit.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("scan stopped") && stderr.contains("Broken pipe"),
        "{stderr}"
    );
}

#[test]
fn output_file_gets_the_lines() {
    let good = FakeSmtp::standard("127.0.0.1:0", &[], "250 Ok");
    let server = format!("127.0.0.1:{}", good.port());
    let input = write_input(&["a.scan.test".into(), "b.scan.test".into()]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.jsonl");
    let out = smtpcheck(&[
        "scan",
        input.path().to_str().unwrap(),
        "--server",
        &server,
        "--tls",
        "off",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    assert_eq!(parse_lines(&std::fs::read(&path).unwrap()).len(), 2);
}

#[test]
fn nagios_format_is_one_parseable_status_line() {
    let good = FakeSmtp::standard("127.0.0.1:0", &["PIPELINING"], "250 2.1.5 Ok");
    let server = format!("127.0.0.1:{}", good.port());
    let out = smtpcheck(&[
        "probe",
        "n.test",
        "--server",
        &server,
        "--tls",
        "off",
        "--format",
        "nagios",
        "--warning",
        "5",
        "--critical",
        "10",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    let (status, perf) = text.trim_end().split_once(" | ").unwrap();
    assert_eq!(
        status,
        "SMTP OK - n.test: mail accepted by 1 of 1 addresses"
    );
    let labels: Vec<&str> = perf
        .split(' ')
        .map(|p| p.split('=').next().unwrap())
        .collect();
    assert_eq!(labels, ["time_connect", "time_banner", "time_total"]);
    let total = perf
        .split(' ')
        .find(|p| p.starts_with("time_total="))
        .unwrap();
    let fields: Vec<&str> = total.trim_start_matches("time_total=").split(';').collect();
    assert!(fields[0].ends_with('s') && fields[0].trim_end_matches('s').parse::<f64>().is_ok());
    assert_eq!(&fields[1..], ["5", "10", "0"]);
    // refused: CRITICAL, exit 2, the cause in the status text
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let closed = format!("127.0.0.1:{port}");
    let out = smtpcheck(&[
        "connect", "n.test", "--server", &closed, "--format", "nagios",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("SMTP CRITICAL - n.test: tcp.connect 127.0.0.1 [127.0.0.1]: "),
        "{text}"
    );
    assert!(text.contains("connection refused"), "{text}");
    // bad input: UNKNOWN, exit 3
    let out = smtpcheck(&["probe", "bad..domain", "--format", "nagios"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .starts_with("SMTP UNKNOWN - "));
}

#[test]
fn a_full_disk_ends_the_scan_with_a_clear_error() {
    let good = FakeSmtp::standard("127.0.0.1:0", &[], "250 Ok");
    let server = format!("127.0.0.1:{}", good.port());
    let input = write_input(&["a.scan.test".into(), "b.scan.test".into()]);
    // /dev/full accepts the open and fails every write with ENOSPC.
    let out = smtpcheck(&[
        "scan",
        input.path().to_str().unwrap(),
        "--server",
        &server,
        "--tls",
        "off",
        "-o",
        "/dev/full",
    ]);
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("scan stopped") && stderr.contains("No space left on device"),
        "{stderr}"
    );
}

/// Questions the resolver never answers (a resolver dropping them under
/// load looks the same): each such report names `dns_timeout`, and the
/// summary says the timeouts cluster and what to do.
#[test]
fn clustered_dns_timeouts_are_named_and_the_resolver_suspected() {
    let good = FakeSmtp::standard("127.0.0.1:0", &["PIPELINING"], "250 2.1.5 Ok");
    let dns = scan_zone(3, "");
    let (port, resolver) = (good.port().to_string(), dns.resolver_arg());
    let mut targets: Vec<String> = (0..3).map(|i| format!("d{i}.scan.test")).collect();
    targets.extend((0..3).map(|i| format!("b{i}.blackhole.scan.test")));
    let input = write_input(&targets);
    let out = smtpcheck(&[
        "scan",
        input.path().to_str().unwrap(),
        "-j",
        "6",
        "--resolver",
        &resolver,
        "--allow-private",
        "--port",
        &port,
        "--tls",
        "off",
        "--helo",
        "client.test",
        "--timeout",
        "0.5",
    ]);
    let lines = parse_lines(&out.stdout);
    let timed_out: Vec<&Value> = lines
        .iter()
        .filter(|r| r["target"].as_str().unwrap().contains("blackhole"))
        .collect();
    assert_eq!(timed_out.len(), 3);
    for report in timed_out {
        let mx = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "dns.mx")
            .unwrap();
        assert_eq!(
            (
                mx["data"]["dns_error"].as_str(),
                mx["data"]["cause"].as_str()
            ),
            (Some("timeout"), Some("dns_timeout")),
            "{mx:#}"
        );
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("3 of 6 probes had a DNS question go unanswered in time")
            && stderr.contains("lower -j (now 6)"),
        "{stderr}"
    );
    // the domains that answered are not blamed: no advice when none timed out
    let input = write_input(&targets[..3]);
    let out = smtpcheck(&[
        "scan",
        input.path().to_str().unwrap(),
        "--resolver",
        &resolver,
        "--allow-private",
        "--port",
        &port,
        "--tls",
        "off",
        "--helo",
        "client.test",
    ]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("unanswered"));
}

/// The first Ctrl-C says what the scan is finishing and how long it may
/// take; a second one aborts at once with 130, without waiting for the
/// probe that hangs.
#[test]
fn a_second_ctrl_c_aborts_at_once() {
    let good = FakeSmtp::standard("127.0.0.1:0", &[], "250 Ok");
    let dns = scan_zone(1, "");
    let (resolver, port) = (dns.resolver_arg(), good.port().to_string());
    let mut child = spawn_piped(&[
        "scan",
        "-",
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
    let mut stdin = child.stdin.take().unwrap();
    // The DNS of the first never answers; the second finishes, so by its
    // line the first is read and running.
    writeln!(stdin, "hangs.blackhole.scan.test\nd0.scan.test").unwrap();
    stdin.flush().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert!(line.contains("d0.scan.test"), "{line}");
    let pid = child.id().to_string();
    let interrupt = || {
        assert!(Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success());
    };
    interrupt();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut said = String::new();
    stderr.read_line(&mut said).unwrap();
    assert!(
        said.contains("stopping: no new targets")
            && said.contains("(200 s) at most")
            && said.contains("Ctrl-C again aborts now"),
        "{said}"
    );
    interrupt();
    let exit = child.wait().unwrap();
    drop(stdin);
    assert_eq!(exit.code(), Some(130));
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert!(rest.contains("aborted"), "{rest}");
}
