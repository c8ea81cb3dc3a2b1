//! `smtpcheck scan`: many targets, one probe report per line (JSON Lines),
//! streamed as each finishes. Memory does not grow with the input: at most
//! `jobs` probes are in flight and nothing else is kept but the counts.

use crate::dns::Dns;
use crate::observe::Run;
use crate::probe::Options;
use crate::report::{Report, Verdict};
use crate::target;
use serde::Serialize;
use std::future::Future;
use std::io::{self, Write};
use tokio::io::{AsyncBufRead, AsyncBufReadExt};
use tokio::task::JoinSet;
use tokio::time::Instant;

/// A deterministic share of the input: `K/N` takes the targets whose
/// domain hashes to K modulo N (0 ≤ K < N), so N machines can split one list
/// without talking to each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    pub fn parse(s: &str) -> Result<Self, String> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("\"{s}\" is not K/N"))?;
        let index: u64 = k
            .trim()
            .parse()
            .map_err(|_| format!("\"{k}\" is not a number"))?;
        let count: u64 = n
            .trim()
            .parse()
            .map_err(|_| format!("\"{n}\" is not a number"))?;
        if count == 0 || index >= count {
            return Err(format!("{s}: K must be from 0 to N-1 and N at least 1"));
        }
        Ok(Self { index, count })
    }

    /// Whether this shard takes `key` (the normalized domain, or the line).
    pub fn takes(&self, key: &str) -> bool {
        fnv1a(key.as_bytes()) % self.count == self.index
    }
}

/// FNV-1a, 64 bit: stable across machines, versions and runs (unlike
/// std's SipHash with random keys).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[derive(Debug, Clone, Copy)]
pub struct ScanOptions {
    pub jobs: usize,
    pub shard: Option<Shard>,
}

/// Counts per verdict, for the closing line and the exit code.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Summary {
    pub total: u64,
    pub pass: u64,
    pub warn: u64,
    pub fail: u64,
    pub error: u64,
    /// Lines skipped because another shard takes them.
    pub other_shards: u64,
    pub elapsed_ms: f64,
    /// Ctrl-C stopped the scan before the input ended.
    pub interrupted: bool,
    /// Probes with a DNS question that got no answer in time (the MX, an
    /// exchange's addresses, MTA-STS, TLS-RPT): the domain's name servers,
    /// or the resolver under load.
    pub dns_timeouts: u64,
}

impl Summary {
    fn add(&mut self, verdict: Verdict) {
        self.total += 1;
        match verdict {
            Verdict::Pass => self.pass += 1,
            Verdict::Warn => self.warn += 1,
            Verdict::Fail => self.fail += 1,
            Verdict::Error => self.error += 1,
        }
    }

    /// The worst verdict's exit code; 130 after Ctrl-C (128 + SIGINT).
    pub fn exit_code(&self) -> u8 {
        if self.interrupted {
            return 130;
        }
        [(self.error, 3), (self.fail, 2), (self.warn, 1)]
            .iter()
            .find(|(n, _)| *n > 0)
            .map_or(0, |(_, code)| *code)
    }

    /// DNS timeouts cluster: many in one run point at the resolver (it
    /// drops questions under load), not at the domains. A few domains of
    /// any large list have lame name servers; twenty, or one in two
    /// hundred, is more than that.
    pub fn resolver_overloaded(&self) -> bool {
        self.dns_timeouts >= 20 || (self.dns_timeouts >= 3 && self.dns_timeouts * 200 >= self.total)
    }

    /// What to say about the DNS timeouts, when they cluster.
    pub fn dns_advice(&self, jobs: usize) -> Option<String> {
        self.resolver_overloaded().then(|| format!(
            "{} of {} probes had a DNS question go unanswered in time (dns_error \"timeout\"; cause \"dns_timeout\" when it was the MX); when they cluster like this the resolver is usually the bottleneck, dropping questions under load, not the domains: lower -j (now {jobs}) or use a local caching resolver (unbound, with --resolver 127.0.0.1)",
            self.dns_timeouts, self.total
        ))
    }

    pub fn per_second(&self) -> f64 {
        match self.elapsed_ms {
            ms if ms > 0.0 => self.total as f64 / (ms / 1000.0),
            _ => 0.0,
        }
    }
}

/// Runs the scan: reads targets from `input` (blank lines and `#` comments
/// skipped), probes up to `scan.jobs` at once, writes each report to `out`
/// as one line when it finishes, and calls `progress` after each. When
/// `stop` completes (Ctrl-C), no new target is started; the running ones end
/// within their deadlines and are written.
pub async fn scan<R, W>(
    input: R,
    base: &Options,
    dns: &Dns,
    scan: &ScanOptions,
    out: &mut W,
    progress: &mut dyn FnMut(&Summary),
    stop: impl Future<Output = ()>,
) -> io::Result<Summary>
where
    R: AsyncBufRead + Unpin,
    W: Write,
{
    let started = Instant::now();
    let mut summary = Summary::default();
    let mut lines = input.lines();
    let mut running = JoinSet::new();
    let mut reading = true;
    tokio::pin!(stop);
    loop {
        while reading && running.len() < scan.jobs.max(1) {
            tokio::select! {
                biased;
                _ = &mut stop, if !summary.interrupted => {
                    summary.interrupted = true;
                    reading = false;
                }
                line = lines.next_line() => match line? {
                    None => reading = false,
                    Some(line) => {
                        let Some(line) = target_line(&line) else {
                            continue;
                        };
                        match prepare(line, base, scan.shard) {
                            Some(job) => { running.spawn(job.run(dns.clone())); }
                            None => summary.other_shards += 1,
                        }
                    }
                },
            }
        }
        if running.is_empty() {
            break;
        }
        tokio::select! {
            biased;
            _ = &mut stop, if !summary.interrupted => {
                summary.interrupted = true;
                reading = false;
            }
            Some(joined) = running.join_next() => {
                let (report, dns_timed_out) = joined.unwrap_or_else(|e| (Report::error("probe", "", format!("probe task failed: {e}")), false));
                write_line(out, &report)?;
                summary.add(report.verdict);
                summary.dns_timeouts += u64::from(dns_timed_out);
                summary.elapsed_ms = crate::report::millis(started.elapsed());
                progress(&summary);
            }
        }
    }
    summary.elapsed_ms = crate::report::millis(started.elapsed());
    Ok(summary)
}

/// One JSON document per line, written whole and flushed, so a reader (or
/// a run that ends early) never sees half a line.
fn write_line<W: Write>(out: &mut W, report: &Report) -> io::Result<()> {
    let mut line = serde_json::to_vec(report).map_err(io::Error::other)?;
    line.push(b'\n');
    out.write_all(&line)?;
    out.flush()
}

/// A probe to run, or an input line that fails validation.
enum Job {
    Probe(target::Target, Box<Options>),
    Invalid(Report),
}

impl Job {
    /// The report, and whether a DNS question of the route timed out.
    async fn run(self, dns: Dns) -> (Report, bool) {
        match self {
            Job::Probe(target, opts) => {
                crate::assess::run_noting(&dns, &target, &opts, Run::dns_timed_out).await
            }
            Job::Invalid(report) => (report, false),
        }
    }
}

fn prepare(line: &str, base: &Options, shard: Option<Shard>) -> Option<Job> {
    let parsed = target::parse_target(line);
    let key = parsed.as_ref().map_or(line, |t| t.domain.as_str());
    if shard.is_some_and(|s| !s.takes(key)) {
        return None;
    }
    Some(match parsed {
        Ok(target) => {
            let opts = Box::new(base.for_target(&target));
            Job::Probe(target, opts)
        }
        Err(e) => Job::Invalid(Report::error(base.stage.command(), line, e.to_string())),
    })
}

/// The target a scan input line holds: none for blank lines and `#` comments.
pub fn target_line(line: &str) -> Option<&str> {
    let line = line.trim();
    (!line.is_empty() && !line.starts_with('#')).then_some(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_input() {
        let shards: Vec<Shard> = (0..4).map(|k| Shard { index: k, count: 4 }).collect();
        for i in 0..1000 {
            let key = format!("domain{i}.test");
            let taken = shards.iter().filter(|s| s.takes(&key)).count();
            assert_eq!(taken, 1, "{key}");
        }
        // stable: the published FNV-1a test vectors, the same on every machine
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn shard_syntax() {
        assert_eq!(Shard::parse("2/8"), Ok(Shard { index: 2, count: 8 }));
        assert!(Shard::parse("8/8").is_err());
        assert!(Shard::parse("0/0").is_err());
        assert!(Shard::parse("1").is_err());
        assert!(Shard::parse("a/b").is_err());
    }

    #[test]
    fn dns_timeouts_cluster_past_one_in_two_hundred_or_twenty() {
        let with = |dns_timeouts, total| Summary {
            dns_timeouts,
            total,
            ..Default::default()
        };
        assert!(!with(0, 10).resolver_overloaded());
        assert!(
            !with(2, 2).resolver_overloaded(),
            "two lame domains are just that"
        );
        assert!(with(3, 600).resolver_overloaded());
        assert!(!with(3, 601).resolver_overloaded());
        assert!(with(794, 100_000).resolver_overloaded());
        assert!(with(20, 1_000_000).resolver_overloaded());
        assert!(with(3, 6)
            .dns_advice(6)
            .unwrap()
            .starts_with("3 of 6 probes had a DNS question go unanswered"));
        assert_eq!(with(1, 6).dns_advice(6), None);
    }

    #[test]
    fn exit_code_is_the_worst_verdict() {
        let mut s = Summary::default();
        assert_eq!(s.exit_code(), 0);
        s.add(Verdict::Warn);
        assert_eq!(s.exit_code(), 1);
        s.add(Verdict::Fail);
        s.add(Verdict::Pass);
        assert_eq!(s.exit_code(), 2);
        s.add(Verdict::Error);
        assert_eq!(s.exit_code(), 3);
        s.interrupted = true;
        assert_eq!(s.exit_code(), 130);
    }
}
