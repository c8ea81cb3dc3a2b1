//! `smtpcheck serve`, in process: the exporter on a free loopback port of
//! the test runtime, asked over real HTTP. Every endpoint and every
//! refusal; the exposition checked by Prometheus's own `promtool check
//! metrics`; the page loaded by headless Chromium (Debian's chromium,
//! installed by scripts/test) and its DOM read back.

mod support;

use smtpcheck::serve::{Exporter, Modules, Settings};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;
use support::dns::{zone, TestDns};
use support::smtp::{responder, FakeSmtp, Greeting};
use support::RT;

struct Served {
    addr: SocketAddr,
    exporter: Arc<Exporter>,
    _dns: TestDns,
}

fn settings() -> Settings {
    Settings {
        max_concurrent: 4,
        rate_per_minute: 1000,
        cache_ttl: Duration::ZERO,
        allow: Vec::new(),
        allow_private: true,
        helo: "client.test".into(),
        config: None,
    }
}

/// The exporter over `zones`, with the modules of `toml`.
fn serve(zones: &[&str], toml: &str, settings: Settings) -> Served {
    let dns = TestDns::start(zones);
    let resolver: SocketAddr = dns.resolver_arg().parse().unwrap();
    let modules = Modules::parse(toml).unwrap();
    let tls = Arc::new(smtpcheck::tls::TlsClient::new(None).unwrap());
    let (addr, exporter) = RT.block_on(async {
        let dns = smtpcheck::dns::Dns::using(resolver, Duration::from_secs(5)).unwrap();
        let exporter = Exporter::new(settings, modules, dns, tls);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let running = exporter.clone();
        tokio::spawn(async move { smtpcheck::serve::serve(listener, running).await });
        (addr, exporter)
    });
    Served {
        addr,
        exporter,
        _dns: dns,
    }
}

/// A module for the fake server on `port`, in plaintext.
fn module(port: u16) -> String {
    format!("[modules.default]\nport = {port}\ntls = \"off\"\ntransport_policy = false\n")
}

struct Answer {
    status: u16,
    headers: String,
    body: String,
}

/// One HTTP/1.1 request; `extra` are header lines.
fn request(addr: SocketAddr, method: &str, path: &str, extra: &[&str]) -> Answer {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for h in extra {
        head.push_str(h);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (headers, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = headers.split_whitespace().nth(1).unwrap().parse().unwrap();
    Answer {
        status,
        headers: headers.to_ascii_lowercase(),
        body: body.to_string(),
    }
}

fn get(addr: SocketAddr, path: &str) -> Answer {
    request(addr, "GET", path, &[])
}

fn ok_world() -> (FakeSmtp, String) {
    let smtp = FakeSmtp::standard("127.0.0.1:0", &["PIPELINING"], "250 2.1.5 Ok");
    let zone = zone("ok.test", "@ MX 10 mx\nmx A 127.0.0.1");
    (smtp, zone)
}

/// promtool from Debian's prometheus package (scripts/test installs it);
/// locally without it, the check says so.
fn promtool_accepts(exposition: &str) {
    let Ok(mut child) = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    else {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI=true but promtool is missing: scripts/test installs Debian's prometheus"
        );
        eprintln!("SKIPPED: promtool is not installed (apt-get install prometheus)");
        return;
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(exposition.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && said.trim().is_empty(),
        "promtool: {said}\n{exposition}"
    );
}

#[test]
fn a_scrape_of_probe_gives_success_and_the_step_metrics() {
    let (smtp, zone) = ok_world();
    let s = serve(&[&zone], &module(smtp.port()), settings());
    // as Prometheus asks: OpenMetrics
    let om = request(
        s.addr,
        "GET",
        "/probe?target=ok.test",
        &["Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"],
    );
    assert!(
        om.headers
            .contains("content-type: application/openmetrics-text"),
        "{}",
        om.headers
    );
    assert!(om.body.ends_with("# EOF\n"), "{}", om.body);
    // the classic text format otherwise
    let a = get(s.addr, "/probe?target=ok.test");
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(
        a.headers
            .contains("content-type: text/plain; version=0.0.4"),
        "{}",
        a.headers
    );
    let body = &a.body;
    assert!(body.contains("\nprobe_success 1\n"), "{body}");
    assert!(
        body.contains("smtpcheck_verdict{verdict=\"pass\"} 1"),
        "{body}"
    );
    for step in ["connect", "greeting", "ehlo", "mail", "rcpt"] {
        let series = format!("smtpcheck_step_duration_seconds{{host=\"mx.ok.test\",address=\"127.0.0.1\",step=\"{step}\"}}");
        assert!(body.contains(&series), "{series} in {body}");
    }
    assert!(
        body.contains("smtpcheck_address_success{host=\"mx.ok.test\",address=\"127.0.0.1\"} 1"),
        "{body}"
    );
    assert!(
        body.contains(
            "smtpcheck_check_status{id=\"smtp.rcpt\",host=\"mx.ok.test\",address=\"127.0.0.1\"} 0"
        ),
        "{body}"
    );
    assert!(
        body.contains("smtpcheck_probe_info{module=\"default\",target=\"ok.test\""),
        "{body}"
    );
    promtool_accepts(body);
    // the exporter's own metrics count it
    let own = get(s.addr, "/metrics");
    assert_eq!(own.status, 200);
    assert!(
        own.body
            .contains("smtpcheck_exporter_probes_total{module=\"default\",verdict=\"pass\"} 2"),
        "{}",
        own.body
    );
    promtool_accepts(&own.body);
}

/// A TLS session and its certificate: the version as an _info series, the
/// expiry in seconds since the epoch.
#[test]
fn tls_and_certificate_expiry_are_exported() {
    let pki = support::pki::Pki::new();
    let leaf = pki.leaf(&["mx.ok.test"], -1, 30, support::pki::SignedBy::Ca);
    let smtp = FakeSmtp::starttls(support::smtp::Upgrade::Accept(leaf.server_config()));
    let zone = zone("ok.test", "@ MX 10 mx\nmx A 127.0.0.1");
    let toml = format!(
        "[modules.default]\nport = {}\ntransport_policy = false\n",
        smtp.port()
    );
    let s = serve(&[&zone], &toml, settings());
    let body = get(s.addr, "/probe?target=ok.test").body;
    assert!(body.contains("smtpcheck_tls_version_info{host=\"mx.ok.test\",address=\"127.0.0.1\",version=\"TLSv1.3\""), "{body}");
    let expiry = body
        .lines()
        .find(|l| l.starts_with("smtpcheck_certificate_expiry_timestamp_seconds{"))
        .unwrap_or_else(|| panic!("{body}"));
    let seconds: i64 = expiry.rsplit(' ').next().unwrap().parse().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    // valid for 30 days (and an hour): the expiry is about a month ahead
    assert!(
        (29 * 86_400..32 * 86_400).contains(&(seconds - now)),
        "{expiry}"
    );
    promtool_accepts(&body);
}

#[test]
fn every_refusal_has_its_status_and_reason() {
    let (smtp, zone) = ok_world();
    let mut limited = settings();
    limited.allow = vec!["ok.test".into()];
    let s = serve(&[&zone], &module(smtp.port()), limited);
    for (path, status, says) in [
        ("/probe", 400, "give ?target=DOMAIN"),
        ("/probe?target=bad..domain", 400, "bad..domain"),
        ("/probe?target=192.0.2.1", 400, "IP address"),
        (
            "/probe?target=ok.test&module=nope",
            400,
            "no module named \"nope\"",
        ),
        (
            "/probe?target=other.test",
            403,
            "not in this exporter's allow-list",
        ),
        ("/nothing", 404, "not found"),
    ] {
        let a = get(s.addr, path);
        assert_eq!(a.status, status, "{path}: {}", a.body);
        assert!(a.body.contains(says), "{path}: {}", a.body);
    }
    let long = format!("/probe?target={}.test", "a".repeat(400));
    assert_eq!(get(s.addr, &long).status, 400);
    assert_eq!(
        request(
            s.addr,
            "POST",
            "/probe?target=ok.test",
            &["Content-Length: 0"]
        )
        .status,
        405
    );
    let own = get(s.addr, "/metrics").body;
    for reason in ["no_target", "bad_target", "unknown_module", "not_allowed"] {
        assert!(
            own.contains(&format!(
                "smtpcheck_exporter_refused_total{{reason=\"{reason}\"}}"
            )),
            "{reason}: {own}"
        );
    }
    // the form never reached the server either
    assert!(smtp.peers().is_empty());
}

#[test]
fn a_client_over_its_rate_gets_429() {
    let (smtp, zone) = ok_world();
    let mut slow = settings();
    slow.rate_per_minute = 2;
    let s = serve(&[&zone], &module(smtp.port()), slow);
    assert_eq!(get(s.addr, "/probe?target=ok.test").status, 200);
    assert_eq!(get(s.addr, "/probe?target=ok.test").status, 200);
    let third = get(s.addr, "/probe?target=ok.test");
    assert_eq!(third.status, 429, "{}", third.body);
    assert!(
        third.body.contains("more than 2 requests a minute"),
        "{}",
        third.body
    );
}

/// At most N probes at once: with one slot held by a silent server, the
/// next request gets 503 at once, not a queue that grows.
#[test]
fn probes_beyond_the_limit_get_503() {
    let silent = FakeSmtp::start("127.0.0.1:0", Greeting::Never, responder(&[], "250 Ok"));
    let zone = zone("ok.test", "@ MX 10 mx\nmx A 127.0.0.1");
    let mut one = settings();
    one.max_concurrent = 1;
    let toml = format!("[modules.default]\nport = {}\ntls = \"off\"\ntransport_policy = false\ntimeout = 30\ndeadline = 30\n", silent.port());
    let s = serve(&[&zone], &toml, one);
    let addr = s.addr;
    let first = std::thread::spawn(move || {
        request(
            addr,
            "GET",
            "/probe?target=ok.test",
            &["X-Prometheus-Scrape-Timeout-Seconds: 3"],
        )
    });
    // the first probe holds the slot once the silent server has its connection
    for _ in 0..3000 {
        if !silent.peers().is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(
        !silent.peers().is_empty(),
        "the first probe never connected"
    );
    let second = get(s.addr, "/probe?target=ok.test");
    assert_eq!(second.status, 503, "{}", second.body);
    assert!(
        second.body.contains("1 probes are running already"),
        "{}",
        second.body
    );
    // the first one still ends, by the scrape timeout Prometheus gave
    let first = first.join().unwrap();
    assert_eq!(first.status, 200);
    assert!(first.body.contains("\nprobe_success 0\n"), "{}", first.body);
}

/// `X-Prometheus-Scrape-Timeout-Seconds` is the probe's deadline: a silent
/// server ends in a greeting timeout inside it, reported, not a scrape
/// that Prometheus abandons.
#[test]
fn the_scrape_timeout_is_the_probes_deadline() {
    let silent = FakeSmtp::start("127.0.0.1:0", Greeting::Never, responder(&[], "250 Ok"));
    let zone = zone("ok.test", "@ MX 10 mx\nmx A 127.0.0.1");
    let toml = format!("[modules.default]\nport = {}\ntls = \"off\"\ntransport_policy = false\ntimeout = 120\ndeadline = 300\n", silent.port());
    let s = serve(&[&zone], &toml, settings());
    let a = request(
        s.addr,
        "GET",
        "/probe?target=ok.test",
        &["X-Prometheus-Scrape-Timeout-Seconds: 2"],
    );
    assert_eq!(a.status, 200);
    assert!(a.body.contains("smtpcheck_check_status{id=\"smtp.banner\",host=\"mx.ok.test\",address=\"127.0.0.1\"} 2"), "{}", a.body);
    let duration: f64 = a
        .body
        .lines()
        .find_map(|l| l.strip_prefix("probe_duration_seconds "))
        .unwrap()
        .parse()
        .unwrap();
    // the probe's own account: bounded by the scrape timeout (2 s less the
    // margin), not by the module's 120 s step timeout; loose, as machines are noisy
    assert!(duration < 10.0, "{}", a.body);
}

/// Without --allow-private, a domain whose MX points at loopback is never
/// contacted: the web form cannot reach the exporter's own network.
#[test]
fn private_addresses_are_not_contacted_unless_allowed() {
    let (smtp, zone) = ok_world();
    let mut public = settings();
    public.allow_private = false;
    let s = serve(&[&zone], &module(smtp.port()), public);
    let a = get(s.addr, "/report.json?target=ok.test");
    assert_eq!(a.status, 200);
    let doc: serde_json::Value = serde_json::from_str(&a.body).unwrap();
    let connect = support::check(&doc, "tcp.connect");
    assert_eq!(connect["status"], "fail");
    assert!(
        connect["summary"]
            .as_str()
            .unwrap()
            .contains("connects only to public addresses"),
        "{connect:#}"
    );
    assert!(smtp.peers().is_empty(), "the private MX was contacted");
}

#[test]
fn results_are_cached_for_the_ttl() {
    let (smtp, zone) = ok_world();
    let mut cached = settings();
    cached.cache_ttl = Duration::from_secs(300);
    let s = serve(&[&zone], &module(smtp.port()), cached);
    assert_eq!(get(s.addr, "/probe?target=ok.test").status, 200);
    assert_eq!(get(s.addr, "/report.json?target=OK.test").status, 200);
    assert_eq!(
        smtp.peers().len(),
        1,
        "the second answer came from the cache"
    );
    assert!(get(s.addr, "/metrics")
        .body
        .contains("smtpcheck_exporter_cache_hits_total 1"));
}

/// The page: the form, and the report with the same sections as the human
/// report, the timeline drawn as SVG; hostile text from the server and in
/// the target escaped.
#[test]
fn the_pages_render_and_escape_what_they_show() {
    let hostile = FakeSmtp::start(
        "127.0.0.1:0",
        Greeting::Send(b"220 mx.ok.test ESMTP <script>alert('greeting')</script>\r\n".to_vec()),
        responder(
            &["PIPELINING"],
            "550 5.1.1 <img src=x onerror=alert(1)> unknown",
        ),
    );
    let zone = zone("ok.test", "@ MX 10 mx\nmx A 127.0.0.1");
    let s = serve(&[&zone], &module(hostile.port()), settings());
    let form = get(s.addr, "/");
    assert_eq!(form.status, 200);
    assert!(form
        .headers
        .contains("content-type: text/html; charset=utf-8"));
    assert!(
        form.headers
            .contains("content-security-policy: default-src 'none'"),
        "{}",
        form.headers
    );
    assert!(
        form.body
            .contains("<form method=\"get\" action=\"/report\">"),
        "{}",
        form.body
    );
    let page = get(s.addr, "/report?target=ok.test");
    assert_eq!(page.status, 200);
    let html = &page.body;
    assert!(
        !html.contains("<script>") && !html.contains("<img src=x"),
        "{html}"
    );
    assert!(
        html.contains("&lt;script&gt;alert('greeting')&lt;/script&gt;"),
        "{html}"
    );
    assert!(html.contains("id=\"verdict\""), "{html}");
    let order = ["<h2>DNS</h2>", "<h2>mx.ok.test [127.0.0.1]:", "<svg"];
    let at: Vec<usize> = order
        .iter()
        .map(|o| html.find(o).unwrap_or_else(|| panic!("{o} in {html}")))
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
    // the timeline's legend names each step with its time
    assert!(
        html.contains("greeting ") && html.contains("ms in all"),
        "{html}"
    );
    let bad = get(s.addr, "/report?target=%3Cscript%3Ealert(1)%3C/script%3E");
    assert_eq!(bad.status, 400);
    assert!(!bad.body.contains("<script>alert(1)"), "{}", bad.body);
    let json = get(s.addr, "/report.json?target=ok.test");
    let doc: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(doc["verdict"], "fail");
}

#[test]
fn a_reload_reads_the_modules_again() {
    let (smtp, zone) = ok_world();
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), module(smtp.port())).unwrap();
    let mut with_file = settings();
    with_file.config = Some(file.path().to_path_buf());
    let s = serve(&[&zone], &module(smtp.port()), with_file);
    assert_eq!(
        get(s.addr, "/probe?target=ok.test&module=second").status,
        400
    );
    std::fs::write(
        file.path(),
        format!(
            "{}\n[modules.second]\nport = {}\ntls = \"off\"\n",
            module(smtp.port()),
            smtp.port()
        ),
    )
    .unwrap();
    assert_eq!(s.exporter.reload(), Ok(2));
    assert_eq!(
        get(s.addr, "/probe?target=ok.test&module=second").status,
        200
    );
    // a broken file keeps what was there
    std::fs::write(file.path(), "[modules.x]\nport = 0\n").unwrap();
    assert!(s.exporter.reload().unwrap_err().contains("port 0"));
    assert_eq!(
        get(s.addr, "/probe?target=ok.test&module=second").status,
        200
    );
}

/// A real browser: headless Chromium loads the form and a report page
/// from the running exporter; the rendered DOM holds the verdict, and a
/// screenshot is produced.
#[test]
fn headless_chromium_renders_the_pages() {
    let chromium = "/usr/bin/chromium";
    if !std::path::Path::new(chromium).exists() {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "CI=true but {chromium} is missing: scripts/test installs Debian's chromium"
        );
        eprintln!("SKIPPED: {chromium} is not installed (apt-get install chromium)");
        return;
    }
    let (smtp, zone) = ok_world();
    let s = serve(&[&zone], &module(smtp.port()), settings());
    let profile = tempfile::tempdir().unwrap();
    let browse = |extra: &[&str], path: &str| {
        let out = std::process::Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1200,1600",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(extra)
            .arg(format!("http://{}{path}", s.addr))
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let form = browse(&["--dump-dom"], "/");
    assert!(
        form.contains("<form") && form.contains("name=\"target\""),
        "{form}"
    );
    let report = browse(&["--dump-dom"], "/report?target=ok.test");
    assert!(
        report.contains("id=\"verdict\"") && report.contains("PASS"),
        "{report}"
    );
    assert!(report.contains("mx.ok.test [127.0.0.1]"), "{report}");
    let shot = profile.path().join("report.png");
    browse(
        &[&format!("--screenshot={}", shot.display())],
        "/report?target=ok.test",
    );
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 1000,
        "{} bytes",
        png.len()
    );
}

/// The files README points to: the scrape config and its alert rules pass
/// promtool, and the example modules parse.
#[test]
fn the_contrib_files_are_valid() {
    let root = env!("CARGO_MANIFEST_DIR");
    let text = std::fs::read_to_string(format!("{root}/contrib/serve.toml")).unwrap();
    let modules = Modules::parse(&text).unwrap();
    assert_eq!(
        modules.names(),
        vec!["default", "require_tls", "submission"]
    );
    for (what, file) in [
        ("config", "prometheus/prometheus.yml"),
        ("rules", "prometheus/alerts.yml"),
    ] {
        let Ok(out) = std::process::Command::new("promtool")
            .args(["check", what, &format!("{root}/contrib/{file}")])
            .output()
        else {
            assert!(
                std::env::var("CI").map_or(true, |v| v != "true"),
                "CI=true but promtool is missing"
            );
            eprintln!("SKIPPED: promtool is not installed");
            return;
        };
        assert!(
            out.status.success(),
            "{file}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
