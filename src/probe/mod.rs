//! The probe pipeline: MX lookup, addresses of every exchange (in parallel),
//! then one conversation per (exchange, address), all at once under a cap.

pub mod conversation;
pub mod policy;

use crate::checks;
use crate::checks::dns::MxOutcome;
use crate::dns::{Dns, DnsError};
pub use crate::observe::Stage;
use crate::report::{Check, CheckId, Conversation, Endpoint, Report, Status};
use crate::smtp::{Deadlines, Timed};
use crate::target::{Host, Server, Target};
use crate::tls::TlsClient;
pub use conversation::TlsMode;
use conversation::{converse, Plan};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::Instant;

/// Most exchanges probed for one domain; more are listed but not contacted
/// (a domain with dozens of MX records is misconfigured or hostile).
pub const MAX_EXCHANGES: usize = 16;
/// Most addresses probed per exchange.
pub const MAX_ADDRESSES: usize = 8;
/// The longest the PTR and forward-confirmation lookups may take.
pub const IDENTITY_WAIT: Duration = Duration::from_secs(3);

/// Default cap on simultaneous connections of one probe.
pub const DEFAULT_CONCURRENCY: usize = 32;

#[derive(Debug, Clone)]
pub struct Options {
    pub stage: Stage,
    pub server: Option<Server>,
    pub port: u16,
    pub helo: String,
    /// The reverse-path; empty for `<>`.
    pub sender: String,
    pub recipient: String,
    /// The longest one network wait may take.
    pub step_timeout: Duration,
    /// The whole run ends by then.
    pub overall_timeout: Duration,
    pub concurrency: usize,
    pub tls_mode: TlsMode,
    /// The TLS configuration shared by every connection (None: TLS off).
    pub tls: Option<Arc<TlsClient>>,
    /// A certificate expiring within this many days is a warning.
    pub cert_warn_days: i64,
    /// `--cert-days WARN,CRIT`: a certificate expiring within CRIT days fails.
    pub cert_crit_days: Option<i64>,
    /// `--tls-injection-test`: an extra connection per address.
    pub injection_test: bool,
    /// `scan --per-ip`: connections per address across all probes.
    pub per_ip: Option<Arc<PerIpGate>>,
    /// `--relay-test`: an extra connection per address tries to relay.
    pub relay_test: bool,
    /// `--vrfy`: an extra connection per address asks VRFY and EXPN.
    pub vrfy: bool,
    /// `--retry-greylist SECS`: after a greylisting reply, wait and try again once.
    pub retry_greylist: Option<Duration>,
    /// `--allow-private`: MX addresses in private, loopback or reserved ranges are fine (labs, internal mail).
    pub allow_private: bool,
    /// `--quit-after`: end the conversation after this phase; later ones show as skip.
    pub quit_after: Option<Stage>,
    /// `send`: the message, dot-stuffed and ending in `.` CRLF.
    pub message: Option<Arc<Vec<u8>>>,
    /// `send`: recipients after the first (--to, --cc, --bcc).
    pub extra_recipients: Vec<String>,
    /// `--auth-user` and its secret.
    pub auth: Option<conversation::AuthPlan>,
    /// `--submission`: the server must offer AUTH.
    pub auth_expected: bool,
    /// `send`: the message as written (BDAT and the SIZE check use it).
    pub message_raw: Option<Arc<Vec<u8>>>,
    /// `send --chunking`.
    pub chunking: bool,
    /// `send --notify`.
    pub notify: Option<String>,
    /// SPF and DMARC (`policy`, `probe --policy`).
    pub policy: bool,
    /// DNSSEC, DANE, MTA-STS and TLS-RPT: whether mail can reach the domain
    /// under the policies senders enforce (on in `probe`, `send`, `scan`,
    /// `policy`; `--no-transport-policy` turns it off).
    pub transport: bool,
    /// The command name in the report, when not the stage's own.
    pub label: Option<&'static str>,
}

impl Options {
    /// The defaults of the command line (README, "Options") for `stage`.
    pub fn new(stage: Stage) -> Self {
        Self {
            stage,
            server: None,
            port: 25,
            helo: "localhost".to_string(),
            sender: String::new(),
            recipient: String::new(),
            step_timeout: Duration::from_secs(10),
            overall_timeout: Duration::from_secs(60),
            concurrency: DEFAULT_CONCURRENCY,
            tls_mode: TlsMode::Auto,
            tls: None,
            cert_warn_days: 14,
            cert_crit_days: None,
            injection_test: false,
            per_ip: None,
            relay_test: false,
            vrfy: false,
            retry_greylist: None,
            allow_private: false,
            quit_after: None,
            message: None,
            extra_recipients: Vec::new(),
            auth: None,
            auth_expected: false,
            message_raw: None,
            chunking: false,
            notify: None,
            policy: false,
            transport: false,
            label: None,
        }
    }

    /// The command name in the report (`policy`, else the stage's own).
    pub fn command(&self) -> &'static str {
        self.label.unwrap_or(self.stage.command())
    }

    /// These options for one target: the recipient defaults to the target's
    /// address, or postmaster@DOMAIN (RFC 5321 §4.5.1 requires it to exist).
    pub fn for_target(&self, target: &Target) -> Self {
        let mut opts = self.clone();
        if opts.recipient.is_empty() {
            opts.recipient = target
                .address
                .clone()
                .unwrap_or_else(|| format!("postmaster@{}", target.domain));
        }
        opts
    }
}

/// At most `limit` connections to one address at a time, shared by every
/// probe of a scan (politeness towards servers that host many domains).
#[derive(Debug)]
pub struct PerIpGate {
    limit: usize,
    gates: std::sync::Mutex<std::collections::HashMap<IpAddr, Arc<Semaphore>>>,
}

impl PerIpGate {
    pub fn new(limit: usize) -> Self {
        Self {
            limit: limit.max(1),
            gates: Default::default(),
        }
    }

    /// Waits for a free slot at `ip`; the slot is held until the permit drops.
    pub async fn enter(&self, ip: IpAddr) -> tokio::sync::OwnedSemaphorePermit {
        let gate = {
            let mut gates = self.gates.lock().unwrap_or_else(|e| e.into_inner());
            // Forget idle addresses now and then, so memory does not grow
            // with the length of a scan.
            if gates.len() > 4096 {
                gates.retain(|_, g| Arc::strong_count(g) > 1);
            }
            gates
                .entry(ip)
                .or_insert_with(|| Arc::new(Semaphore::new(self.limit)))
                .clone()
        };
        gate.acquire_owned()
            .await
            .expect("per-address gates are never closed")
    }
}

/// An exchange and, once known, its addresses.
struct Exchange {
    name: String,
    addresses: Option<Vec<IpAddr>>,
    /// Published in MX records (not --server), so MX hygiene applies.
    from_mx: bool,
    /// The exchange is a CNAME to this name.
    cname: Option<String>,
}

/// Runs the pipeline for `target` and builds the report.
pub async fn run(dns: &Dns, target: &Target, opts: &Options) -> Report {
    let started = Instant::now();
    let deadlines = Deadlines {
        step: opts.step_timeout,
        overall: started + opts.overall_timeout,
    };
    // The policy records are DNS only: ask them beside everything else.
    let policy = opts.policy.then(|| {
        let (dns, domain) = (dns.clone(), target.domain.clone());
        tokio::spawn(async move {
            let deadline = deadlines.next();
            tokio::join!(
                policy::spf(&dns, &domain, deadline),
                policy::dmarc(&dns, &domain, deadline),
            )
        })
    });
    let transport = opts.transport.then(|| {
        let (dns, domain, tls) = (dns.clone(), target.domain.clone(), opts.tls.clone());
        let mx = opts.server.is_none();
        tokio::spawn(async move {
            let deadline = deadlines.next();
            let mx = async {
                match mx {
                    true => Some(
                        dns.validate(&domain, crate::dns::RecordType::MX, deadline)
                            .await,
                    ),
                    false => None,
                }
            };
            tokio::join!(
                mx,
                policy::tls_rpt(&dns, &domain, deadline),
                policy::mta_sts(&dns, tls.as_deref(), &domain, deadline)
            )
        })
    });
    let mut checks = Vec::new();
    let mut exchanges = match &opts.server {
        Some(server) => {
            checks.push(Check::new(
                CheckId::DnsMx,
                Status::Skip,
                "skipped: --server names the host to probe",
            ));
            vec![match &server.host {
                Host::Ip(ip) => Exchange {
                    name: ip.to_string(),
                    addresses: Some(vec![*ip]),
                    from_mx: false,
                    cname: None,
                },
                Host::Name(name) => Exchange {
                    name: name.clone(),
                    addresses: None,
                    from_mx: false,
                    cname: None,
                },
            }]
        }
        None => {
            let t = Instant::now();
            let outcome = lookup_mx(dns, &target.domain, deadlines).await;
            let mut check = checks::dns::mx_check(&target.domain, &outcome, t.elapsed());
            let exchanges = exchanges_of(&target.domain, &outcome);
            if exchanges.len() > MAX_EXCHANGES {
                check = check.with("probed_exchanges", MAX_EXCHANGES as u64);
                check
                    .summary
                    .push_str(&format!(" (only the first {MAX_EXCHANGES} are probed)"));
            }
            checks.push(check);
            exchanges.into_iter().take(MAX_EXCHANGES).collect()
        }
    };
    checks.extend(resolve_exchanges(dns, &mut exchanges, deadlines).await);
    let port = opts
        .server
        .as_ref()
        .and_then(|s| s.port)
        .unwrap_or(opts.port);
    let security = opts
        .transport
        .then(|| spawn_exchange_security(dns, &exchanges, port, deadlines));
    let published: Vec<checks::dns::Published> = exchanges
        .iter()
        .filter(|x| x.from_mx)
        .map(|x| checks::dns::Published {
            name: x.name.clone(),
            cname: x.cname.clone(),
            addresses: x.addresses.clone().unwrap_or_default(),
        })
        .collect();
    let mx_records = checks.first().and_then(|c| c.data.get("records")).cloned();
    checks.extend(checks::dns::hygiene_checks(
        &published,
        mx_records.as_ref(),
        opts.allow_private,
    ));
    let mut transcripts = Vec::new();
    let mut observations = Vec::new();
    if opts.stage > Stage::Mx {
        let endpoints: Vec<Endpoint> = exchanges
            .iter()
            .flat_map(|x| {
                x.addresses
                    .iter()
                    .flatten()
                    .take(MAX_ADDRESSES)
                    .map(|a| Endpoint {
                        host: x.name.clone(),
                        address: *a,
                        port,
                    })
            })
            .collect();
        let plan = Plan {
            stage: opts.quit_after.map_or(opts.stage, |q| q.min(opts.stage)),
            message: opts.message.clone(),
            extra_recipients: opts.extra_recipients.clone(),
            auth: opts.auth.clone(),
            auth_expected: opts.auth_expected,
            message_raw: opts.message_raw.clone(),
            chunking: opts.chunking,
            notify: opts.notify.clone(),
            helo: opts.helo.clone(),
            sender: opts.sender.clone(),
            recipient: opts.recipient.clone(),
            deadlines,
            tls_mode: opts.tls_mode,
            tls: opts.tls.clone(),
            injection_test: opts.injection_test,
            relay_test: opts.relay_test,
            vrfy: opts.vrfy,
        };
        let policy = checks::Policy {
            require_tls: opts.tls_mode == TlsMode::Require,
            cert_warn_days: opts.cert_warn_days,
            cert_crit_days: opts.cert_crit_days,
            auth_planned: opts.auth.is_some() || opts.auth_expected,
        };
        let addresses: Vec<IpAddr> = endpoints.iter().map(|e| e.address).collect();
        // Reverse DNS runs beside the conversations: no time added.
        let identities;
        (observations, identities) = tokio::join!(
            converse_all(
                endpoints,
                plan.clone(),
                opts.concurrency,
                opts.per_ip.clone()
            ),
            async {
                match opts.stage {
                    Stage::Rcpt | Stage::Data => {
                        // Reverse zones are often slow or lame, and identity is
                        // hygiene: never let it hold the report up for long.
                        let short = Deadlines {
                            step: deadlines.step.min(IDENTITY_WAIT),
                            ..deadlines
                        };
                        reverse_dns(dns, &addresses, short).await
                    }
                    _ => Default::default(),
                }
            }
        );
        if let Some(wait) = opts.retry_greylist {
            retry_greylisted(&mut observations, &plan, wait).await;
        }
        let controls = control_connections(&observations, &plan).await;
        for obs in &observations {
            checks.extend(checks::smtp::conversation_checks(
                obs,
                opts.stage,
                opts.quit_after,
                &policy,
            ));
            if let Some(identity) = identities.get(&obs.endpoint.address) {
                checks.extend(checks::identity::identity_checks(obs, identity));
            }
        }
        checks.extend(checks::net::path_checks(&observations, &controls));
    }
    let mx_hosts: Vec<String> = exchanges
        .iter()
        .filter(|x| x.from_mx)
        .map(|x| x.name.clone())
        .collect();
    if let (Some(Ok((mx_validation, tls_rpt, mta_sts))), Some(security)) = (
        match transport {
            Some(task) => Some(task.await),
            None => None,
        },
        match security {
            Some(task) => task.await.ok(),
            None => None,
        },
    ) {
        checks.extend(security_checks(
            &target.domain,
            mx_validation,
            &security,
            &observations,
        ));
        let certificate_ok = certificates_seen(&checks);
        checks.push(checks::policy::mta_sts_check(
            &target.domain,
            &mta_sts,
            &mx_hosts,
            &certificate_ok,
        ));
        checks.push(checks::policy::tls_rpt_check(&target.domain, &tls_rpt));
    }
    if let Some(Ok((spf, dmarc))) = match policy {
        Some(task) => Some(task.await),
        None => None,
    } {
        checks.push(checks::policy::spf_check(&target.domain, &spf));
        checks.push(checks::policy::dmarc_check(&target.domain, &dmarc));
    }
    for obs in observations {
        let mut lines = obs.transcript;
        if let Some(retry) = obs.retry {
            lines.extend(retry.transcript);
        }
        transcripts.push(Conversation {
            endpoint: obs.endpoint,
            lines,
        });
    }
    let senders = match opts.transport {
        false => Vec::new(),
        true => {
            let hosts: Vec<String> = exchanges.iter().map(|x| x.name.clone()).collect();
            checks::senders::simulate(&checks, &hosts)
        }
    };
    let mut report = Report::finished(
        opts.command(),
        &target.input,
        &target.domain,
        checks,
        transcripts,
        started.elapsed(),
    );
    report.senders = senders;
    report
}

/// Certificates as this probe saw them, per MX host: a host is fine when
/// every address did STARTTLS and presented a certificate without problems
/// (what an MTA-STS sender requires, RFC 8461 §4.2).
fn certificates_seen(checks: &[Check]) -> Vec<(String, bool)> {
    let mut seen: Vec<(String, bool)> = Vec::new();
    for c in checks.iter().filter(|c| c.status != Status::Skip) {
        let ok = match c.id {
            CheckId::TlsCertificate => c
                .data
                .get("problems")
                .and_then(|p| p.as_array())
                .is_some_and(|p| p.is_empty()),
            CheckId::TlsStarttls => c.status == Status::Pass,
            _ => continue,
        };
        let host = c.host.clone().unwrap_or_default();
        match seen.iter_mut().find(|(h, _)| *h == host) {
            Some(entry) => entry.1 &= ok,
            None => seen.push((host, ok)),
        }
    }
    seen
}

/// Looks up, beside the conversations, each exchange's address and TLSA
/// answers with their DNSSEC status.
fn spawn_exchange_security(
    dns: &Dns,
    exchanges: &[Exchange],
    port: u16,
    deadlines: Deadlines,
) -> tokio::task::JoinHandle<Vec<policy::ExchangeSecurity>> {
    let hosts: Vec<(String, Option<String>, bool)> = exchanges
        .iter()
        .filter(|x| x.name.parse::<IpAddr>().is_err())
        .filter_map(|x| {
            let addresses = x.addresses.as_ref()?;
            Some((
                x.name.clone(),
                x.cname.clone(),
                addresses.iter().any(IpAddr::is_ipv6),
            ))
        })
        .collect();
    let dns = dns.clone();
    tokio::spawn(async move {
        let deadline = deadlines.next();
        let mut set = JoinSet::new();
        for (i, (host, cname, ipv6)) in hosts.into_iter().enumerate() {
            let dns = dns.clone();
            set.spawn(async move {
                let found =
                    policy::exchange_security(&dns, &host, cname.as_deref(), port, ipv6, deadline)
                        .await;
                (i, found)
            });
        }
        let mut found: Vec<(usize, policy::ExchangeSecurity)> =
            set.join_all().await.into_iter().collect();
        found.sort_by_key(|(i, _)| *i);
        found.into_iter().map(|(_, f)| f).collect()
    })
}

/// `dns.dnssec` for every answer, and `tls.dane` per address (or per
/// exchange when no SMTP ran).
fn security_checks(
    domain: &str,
    mx: Option<crate::dnssec::Validation>,
    found: &[policy::ExchangeSecurity],
    observations: &[conversation::Observation],
) -> Vec<Check> {
    use checks::dane::{Answer, Presented};
    let mut answers: Vec<Answer> = mx
        .map(|validation| Answer {
            name: domain.to_string(),
            rtype: "MX",
            validation,
        })
        .into_iter()
        .collect();
    answers.extend(found.iter().flat_map(|f| f.answers.iter().cloned()));
    let mut out = Vec::new();
    if !answers.is_empty() {
        out.push(checks::dane::dnssec_check(&answers));
    }
    for f in found {
        let names: Vec<&str> = [Some(f.host.as_str()), f.expanded.as_deref(), Some(domain)]
            .into_iter()
            .flatten()
            .collect();
        let at: Vec<&conversation::Observation> = observations
            .iter()
            .filter(|o| o.endpoint.host == f.host)
            .collect();
        if at.is_empty() {
            out.push(checks::dane::dane_check(&f.tlsa, Presented::NotProbed, &names).host(&f.host));
        }
        for obs in at {
            out.push(checks::dane::dane_check(&f.tlsa, presented(obs), &names).at(&obs.endpoint));
        }
    }
    out
}

/// What the TLS step of a conversation left for DANE to match.
fn presented(obs: &conversation::Observation) -> checks::dane::Presented<'_> {
    use checks::dane::Presented;
    let Some(tls) = &obs.tls else {
        // No TLS step: either it was not planned (--tls off, --quit-after)
        // after a good EHLO, or the conversation ended before it.
        let greeted = matches!(&obs.ehlo, Some(Timed { value: Ok(r), .. }) if r.code == 250);
        return match greeted {
            true => Presented::NotProbed,
            false => Presented::Unreached,
        };
    };
    match &tls.handshake {
        Some(Timed { value: Ok(n), .. }) => Presented::Chain(&n.chain),
        Some(Timed { value: Err(e), .. }) => Presented::HandshakeFailed(&e.message),
        None if !tls.offered => Presented::NoStartTls,
        None => match &tls.reply {
            Some(Timed { value: Ok(r), .. }) if r.code != 220 => Presented::NoStartTls,
            _ => Presented::Unreached,
        },
    }
}

/// MX, falling back to the implicit MX (RFC 5321 §5.1) on NODATA only:
/// NXDOMAIN or a failure must not be papered over by an address lookup.
async fn lookup_mx(dns: &Dns, domain: &str, deadlines: Deadlines) -> MxOutcome {
    match dns.mx(domain, deadlines.next()).await {
        Ok(records) => MxOutcome::Records(records),
        Err(DnsError::NoRecords) => match dns.addresses(domain, deadlines.next()).await {
            Ok(addresses) => MxOutcome::Implicit(addresses),
            Err(DnsError::NoRecords | DnsError::NxDomain) => MxOutcome::NoMailHost,
            Err(e) => MxOutcome::Failed(e),
        },
        Err(e) => MxOutcome::Failed(e),
    }
}

fn exchanges_of(domain: &str, outcome: &MxOutcome) -> Vec<Exchange> {
    match outcome {
        MxOutcome::Records(records) => records
            .iter()
            .filter(|r| !r.is_null())
            .map(|r| Exchange {
                name: r.exchange.clone(),
                addresses: None,
                from_mx: true,
                cname: None,
            })
            .collect(),
        MxOutcome::Implicit(addresses) => vec![Exchange {
            name: domain.to_string(),
            addresses: Some(addresses.clone()),
            from_mx: true,
            cname: None,
        }],
        MxOutcome::NoMailHost | MxOutcome::Failed(_) => Vec::new(),
    }
}

type AddressLookup = Timed<Result<Vec<IpAddr>, DnsError>>;

/// Looks up every exchange whose addresses are not known yet, all at once,
/// and returns one `dns.address` check per exchange in MX order.
async fn resolve_exchanges(
    dns: &Dns,
    exchanges: &mut [Exchange],
    deadlines: Deadlines,
) -> Vec<Check> {
    let mut lookups = JoinSet::new();
    for (i, x) in exchanges.iter().enumerate() {
        if x.addresses.is_some() {
            continue;
        }
        let (dns, name, from_mx) = (dns.clone(), x.name.clone(), x.from_mx);
        lookups.spawn(async move {
            let t = Instant::now();
            // The CNAME question runs beside A and AAAA: no extra round trip.
            let (result, cname) = tokio::join!(dns.addresses(&name, deadlines.next()), async {
                match from_mx {
                    true => dns.cname(&name, deadlines.next()).await,
                    false => None,
                }
            });
            (i, Timed::since(t, result), cname)
        });
    }
    let mut results: Vec<Option<AddressLookup>> = exchanges.iter().map(|_| None).collect();
    while let Some(joined) = lookups.join_next().await {
        if let Ok((i, timed, cname)) = joined {
            results[i] = Some(timed);
            exchanges[i].cname = cname;
        }
    }
    let mut out = Vec::new();
    for (x, result) in exchanges.iter_mut().zip(results) {
        match result {
            Some(timed) => {
                out.push(checks::dns::address_check(
                    &x.name,
                    &timed.value,
                    timed.elapsed,
                ));
                x.addresses = timed.value.ok();
            }
            None if x.name.parse::<IpAddr>().is_err() => {
                // Known without a lookup of its own (implicit MX).
                let known = Ok(x.addresses.clone().unwrap_or_default());
                out.push(checks::dns::address_check(&x.name, &known, Duration::ZERO));
            }
            None => {}
        }
    }
    out
}

/// `--retry-greylist`: wait once, then run every greylisted conversation
/// again on a new connection (greylisting keys on the sender, recipient and
/// client address, not the connection).
async fn retry_greylisted(
    observations: &mut [conversation::Observation],
    plan: &Plan,
    wait: Duration,
) {
    let greylisted: Vec<usize> = observations
        .iter()
        .enumerate()
        .filter(|(_, o)| checks::smtp::is_greylisted(o))
        .map(|(i, _)| i)
        .collect();
    if greylisted.is_empty() {
        return;
    }
    let retry_at = Instant::now() + wait;
    // The retry gets its own deadline: the user asked to wait.
    let mut plan = plan.clone();
    plan.deadlines.overall = plan
        .deadlines
        .overall
        .max(retry_at + plan.deadlines.step * 8);
    tokio::time::sleep_until(retry_at).await;
    let endpoints: Vec<Endpoint> = greylisted
        .iter()
        .map(|&i| observations[i].endpoint.clone())
        .collect();
    let retries = converse_all(endpoints, plan, greylisted.len(), None).await;
    for (i, retry) in greylisted.into_iter().zip(retries) {
        observations[i].retry = Some(Box::new(retry));
    }
}

/// PTR of every probed address and whether each PTR name resolves back
/// (forward-confirmed reverse DNS), all addresses at once.
async fn reverse_dns(
    dns: &Dns,
    addresses: &[IpAddr],
    deadlines: Deadlines,
) -> std::collections::HashMap<IpAddr, checks::identity::Identity> {
    let mut set = JoinSet::new();
    let mut asked = std::collections::HashSet::new();
    for &ip in addresses {
        if !asked.insert(ip) {
            continue;
        }
        let dns = dns.clone();
        set.spawn(async move {
            let ptr = dns.ptr(ip, deadlines.next()).await;
            let mut confirmed = Vec::new();
            for name in ptr.iter().flatten() {
                if dns
                    .addresses(name, deadlines.next())
                    .await
                    .is_ok_and(|a| a.contains(&ip))
                {
                    confirmed.push(name.clone());
                }
            }
            (ip, checks::identity::Identity { ptr, confirmed })
        });
    }
    let mut out = std::collections::HashMap::new();
    while let Some(Ok((ip, identity))) = set.join_next().await {
        out.insert(ip, identity);
    }
    out
}

/// When every connection on the probed port timed out, try the same
/// addresses on 587 and 465 (connect only): if those answer, the port is
/// blocked on the path, not the servers down.
async fn control_connections(
    observations: &[conversation::Observation],
    plan: &Plan,
) -> Vec<checks::net::Control> {
    let all_timed_out = !observations.is_empty()
        && observations
            .iter()
            .all(|o| matches!(o.connect.value, Err(conversation::ConnectError::Timeout(_))));
    if !all_timed_out {
        return Vec::new();
    }
    let mut set = JoinSet::new();
    for obs in observations {
        for port in [587u16, 465] {
            if port == obs.endpoint.port {
                continue;
            }
            let endpoint = Endpoint {
                port,
                ..obs.endpoint.clone()
            };
            let deadline = plan.deadlines.next();
            set.spawn(async move {
                let socket = std::net::SocketAddr::new(endpoint.address, endpoint.port);
                let ok = matches!(
                    tokio::time::timeout_at(deadline, tokio::net::TcpStream::connect(socket)).await,
                    Ok(Ok(_))
                );
                checks::net::Control {
                    endpoint,
                    connected: ok,
                }
            });
        }
    }
    let mut controls = Vec::new();
    while let Some(Ok(c)) = set.join_next().await {
        controls.push(c);
    }
    controls
}

/// One conversation per endpoint, at most `limit` at a time; results come
/// back in endpoint order so reports are stable.
async fn converse_all(
    endpoints: Vec<Endpoint>,
    plan: Plan,
    limit: usize,
    per_ip: Option<Arc<PerIpGate>>,
) -> Vec<conversation::Observation> {
    let gate = Arc::new(Semaphore::new(limit.max(1)));
    let plan = Arc::new(plan);
    let mut set = JoinSet::new();
    let count = endpoints.len();
    for (i, endpoint) in endpoints.into_iter().enumerate() {
        let (gate, plan, per_ip) = (gate.clone(), plan.clone(), per_ip.clone());
        set.spawn(async move {
            let _permit = gate.acquire_owned().await;
            let _polite = match &per_ip {
                Some(g) => Some(g.enter(endpoint.address).await),
                None => None,
            };
            (i, converse(endpoint, &plan).await)
        });
    }
    let mut slots: Vec<Option<conversation::Observation>> = (0..count).map(|_| None).collect();
    while let Some(joined) = set.join_next().await {
        if let Ok((i, obs)) = joined {
            slots[i] = Some(obs);
        }
    }
    slots.into_iter().flatten().collect()
}
