//! The engine and the report under tokio's paused clock: deadlines,
//! greylisting retries, concurrency caps and failures inside smtpcheck,
//! through the connector seam with scripted peers in memory. No real
//! sleeps, no wall-clock assertions: the clock here is virtual.

#[path = "support/peer.rs"]
mod peer;

use peer::{answers, Behaviour, Network};
use smtpcheck::dns::Dns;
use smtpcheck::probe::{Options, Stage};
use smtpcheck::report::{CheckId, Report, Status, Verdict};
use smtpcheck::target::{parse_target, Host, Server};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

const GREYLISTED: &str =
    "450 4.7.1 <postmaster@d.test>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/d.test.html";

fn options(network: &Network) -> Options {
    let mut opts = Options::new(Stage::Rcpt);
    opts.server = Some(Server {
        host: Host::Ip("127.0.0.1".parse().unwrap()),
        port: Some(25),
    });
    opts.tls_mode = smtpcheck::probe::TlsMode::Off;
    opts.sender = "me@client.test".into();
    opts.recipient = "postmaster@d.test".into();
    opts.connector = Arc::new(network.clone());
    opts
}

/// Runs the whole probe; returns the report and the virtual time it took.
async fn run(opts: &Options) -> (Report, Duration) {
    // Only reverse DNS asks anything with --server IP: a closed loopback
    // port answers it at once.
    let dns = Dns::using("127.0.0.1:9".parse().unwrap(), Duration::from_secs(1)).unwrap();
    let target = parse_target("d.test").unwrap();
    let started = Instant::now();
    let report = smtpcheck::assess::run(&dns, &target, &opts.for_target(&target)).await;
    (report, started.elapsed())
}

fn rcpt(report: &Report) -> &smtpcheck::report::Check {
    report
        .checks
        .iter()
        .find(|c| c.id == CheckId::SmtpRcpt)
        .expect("an smtp.rcpt check")
}

#[tokio::test(start_paused = true)]
async fn the_deadline_bounds_the_greylisting_retry() {
    let network = Network::smtp(answers(GREYLISTED));
    let mut opts = options(&network);
    opts.retry_greylist = Some(Duration::from_secs(30));
    opts.overall_timeout = Duration::from_secs(5);
    let (report, took) = run(&opts).await;
    assert!(
        took <= Duration::from_secs(5),
        "ran {took:?} past --deadline 5"
    );
    assert_eq!(network.count("RCPT"), 1, "no retry was made");
    let rcpt = rcpt(&report);
    assert_eq!(rcpt.status, Status::Warn);
    assert!(
        rcpt.summary.contains("was not made: --deadline"),
        "{}",
        rcpt.summary
    );
    assert_eq!(rcpt.data["retry"]["outcome"], "not_made");
}

#[tokio::test(start_paused = true)]
async fn a_retry_that_fits_is_made_after_the_wait() {
    let attempts = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = attempts.clone();
    let base = answers("250 2.1.5 Ok");
    let network = Network::smtp(move |line: &str| {
        if line.starts_with("RCPT") {
            // greylisted once, accepted on the retry
            if seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
                return format!("{GREYLISTED}\r\n");
            }
        }
        base(line)
    });
    let mut opts = options(&network);
    opts.retry_greylist = Some(Duration::from_secs(30));
    let (report, took) = run(&opts).await;
    assert!(
        took >= Duration::from_secs(30),
        "the retry waited: {took:?}"
    );
    assert_eq!(network.count("RCPT"), 2);
    let rcpt = rcpt(&report);
    assert_eq!(
        (rcpt.status, report.verdict),
        (Status::Pass, Verdict::Pass),
        "{}",
        rcpt.summary
    );
    assert_eq!(rcpt.data["retry"]["outcome"], "accepted");
}

#[tokio::test(start_paused = true)]
async fn a_panicking_conversation_is_an_error_finding_not_a_gap() {
    let network = Network::new(|_| Behaviour::Panic);
    let (report, _) = run(&options(&network)).await;
    let internal: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.id == CheckId::Internal)
        .collect();
    assert_eq!(internal.len(), 1, "{:#?}", report.checks);
    assert_eq!(internal[0].address, Some("127.0.0.1".parse().unwrap()));
    assert!(
        internal[0].summary.contains("panicked"),
        "{}",
        internal[0].summary
    );
    assert_eq!((report.verdict, report.exit_code), (Verdict::Error, 3));
    assert!(
        report.summary.starts_with("could not check"),
        "{}",
        report.summary
    );
}

#[tokio::test(start_paused = true)]
async fn control_connections_pass_the_concurrency_cap() {
    // Port 25 filtered, 587 and 465 answer after a while: the diagnosis
    // runs its control connections, one at a time under --concurrency 1.
    let network = Network::new(|port| match port {
        25 => Behaviour::Silent,
        _ => Behaviour::AcceptAfter(Duration::from_millis(200)),
    });
    let mut opts = options(&network);
    opts.concurrency = 1;
    opts.step_timeout = Duration::from_secs(2);
    let (report, _) = run(&opts).await;
    let path = report
        .checks
        .iter()
        .find(|c| c.id == CheckId::NetPath)
        .expect("the port-25 diagnosis");
    assert_eq!(path.data["cause"], "port25_blocked", "{}", path.summary);
    assert_eq!(
        network.max_open.load(std::sync::atomic::Ordering::SeqCst),
        1
    );
}

/// In a scan, once port 25 worked for another domain, one domain's
/// timeouts are that domain's: no control connections, no "port 25 is
/// blocked on your path".
#[tokio::test(start_paused = true)]
async fn port_25_that_worked_elsewhere_in_the_scan_is_not_called_blocked() {
    let network = Network::new(|port| match port {
        25 => Behaviour::Silent,
        _ => Behaviour::AcceptAfter(Duration::from_millis(200)),
    });
    let mut opts = options(&network);
    opts.step_timeout = Duration::from_secs(2);
    let witness = Arc::new(smtpcheck::probe::PortWitness::default());
    witness.record(25);
    opts.port_witness = Some(witness);
    let (report, _) = run(&opts).await;
    assert!(
        !report.checks.iter().any(|c| c.id == CheckId::NetPath),
        "{:?}",
        report.checks.iter().map(|c| &c.summary).collect::<Vec<_>>()
    );
    assert_eq!(
        network.attempts(),
        1,
        "only the port-25 attempt, no controls"
    );
}

#[tokio::test(start_paused = true)]
async fn a_slow_greeting_is_slow_not_down() {
    // The greeting comes after 6 s: past the 5 s "slow" mark, inside the
    // 10 s step timeout. Senders wait up to 5 minutes (RFC 5321 §4.5.3.2).
    let network = Network::new(|_| {
        Behaviour::SlowSmtp(Duration::from_secs(6), Arc::new(answers("250 2.1.5 Ok")))
    });
    let (report, took) = run(&options(&network)).await;
    assert!(took >= Duration::from_secs(6));
    let banner = report
        .checks
        .iter()
        .find(|c| c.id == CheckId::SmtpBanner)
        .unwrap();
    assert_eq!(
        (banner.status, &banner.data["cause"]),
        (Status::Warn, &serde_json::json!("slow_banner"))
    );
    assert!(
        banner.summary.starts_with("slow greeting, not down: 6.0 s"),
        "{}",
        banner.summary
    );
    assert_eq!(rcpt(&report).status, Status::Pass);
    assert_eq!(report.verdict, Verdict::Warn);
}
