//! The engine: route (MX lookup, addresses of every exchange, in parallel),
//! converse (one conversation per exchange and address, all at once under
//! the caps) and the policy lookups beside them. It records observations
//! (`observe`) and knows nothing of findings or output.

pub mod blocklist;
pub mod connect;
pub mod conversation;
pub mod interactive;
pub mod mta_sts;
pub mod policy;
mod tls_scan;

use crate::dns::{Dns, DnsError};
use crate::observe::conversation::{ConnectError, Observation};
use crate::observe::dns::{Control, ExchangeSecurity, Identity, MxOutcome};
pub use crate::observe::Stage;
use crate::observe::{Endpoint, Route, Run, Transport};
use crate::smtp::{Deadlines, Reply, Timed};
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
    pub notify: Option<crate::smtp::Notify>,
    /// SPF and DMARC (`policy`, `probe --policy`).
    pub policy: bool,
    /// DNSSEC, DANE, MTA-STS and TLS-RPT: whether mail can reach the domain
    /// under the policies senders enforce (on in `probe`, `send`, `scan`,
    /// `policy`; `--no-transport-policy` turns it off).
    pub transport: bool,
    /// The command name in the report, when not the stage's own.
    pub label: Option<&'static str>,
    /// `--retry-greylist`: which RCPT replies are greylisting. The engine
    /// knows no reply meanings; the caller passes the classifier's rule.
    pub greylisting: Option<fn(&Reply) -> bool>,
    /// How connections are opened: TCP, or a test's scripted peers.
    pub connector: Arc<dyn connect::Connector>,
    /// The MTA-STS policy host's HTTPS port: 443 except in a lab.
    pub mta_sts_port: u16,
    /// Shared by the runs of a scan: which ports some connection reached,
    /// so one run's timeouts are not blamed on a blocked port.
    pub port_witness: Option<Arc<PortWitness>>,
    /// Only addresses of this family are probed (`-4`, `-6`, `--source`).
    pub family: Option<crate::observe::Family>,
    /// Enumerate the TLS versions and graded suites per address.
    pub tls_scan: bool,
    /// The TLS server name to send instead of the MX host (`--sni`); the
    /// certificate is still judged against the MX host, as senders do.
    pub sni: Option<String>,
    /// Where the engine says what each connection waits on, for a
    /// progress line (None: nobody watches).
    pub activity: Option<Arc<crate::observe::activity::Activity>>,
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
            greylisting: None,
            connector: connect::tcp(),
            mta_sts_port: mta_sts::DEFAULT_PORT,
            family: None,
            sni: None,
            tls_scan: false,
            activity: None,
            port_witness: None,
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

/// The ports that some connection of a scan reached. When port 25 worked
/// for other domains of the same scan, this machine's path to port 25 is
/// not blocked, whatever one domain's timeouts look like.
#[derive(Debug, Default)]
pub struct PortWitness {
    worked: std::sync::Mutex<std::collections::BTreeSet<u16>>,
}

impl PortWitness {
    pub fn record(&self, port: u16) {
        if let Ok(mut w) = self.worked.lock() {
            w.insert(port);
        }
    }

    pub fn worked(&self, port: u16) -> bool {
        self.worked.lock().is_ok_and(|w| w.contains(&port))
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

/// Runs the engine for `target`: route (MX and addresses), converse (every
/// address at once, under the caps), and the policy lookups beside them.
/// Returns what it saw; judging it is the checks' job.
pub async fn observe(dns: &Dns, target: &Target, opts: &Options) -> Run {
    let started = Instant::now();
    let deadlines = Deadlines {
        step: opts.step_timeout,
        overall: started + opts.overall_timeout,
    };
    let policy = opts
        .policy
        .then(|| spawn_policy_records(dns, &target.domain, deadlines));
    let transport = opts
        .transport
        .then(|| spawn_transport_records(dns, opts, &target.domain, deadlines));
    let watch = |what: &str| {
        let board = opts.activity.as_ref()?;
        Some(board.watch(target.domain.clone(), what))
    };
    let routing = watch("MX and address lookups");
    let (mx, routes, listed) = route(dns, target, opts, deadlines).await;
    drop(routing);
    let port = opts
        .server
        .as_ref()
        .and_then(|s| s.port)
        .unwrap_or(opts.port);
    let security = opts
        .transport
        .then(|| spawn_exchange_security(dns, &routes, port, deadlines));
    let mut run = Run {
        mx,
        routes: Vec::new(),
        listed,
        port,
        conversations: Vec::new(),
        identities: Default::default(),
        controls: Vec::new(),
        transport: None,
        policy: None,
        blocklists: Vec::new(),
        internal_errors: Vec::new(),
        elapsed: Duration::ZERO,
    };
    if opts.stage > Stage::Mx {
        converse_routes(dns, &routes, port, opts, deadlines, &mut run).await;
    }
    run.routes = routes;
    let joined = |what: &str, e: tokio::task::JoinError, run: &mut Run| {
        run.internal_errors.push(format!("{what}: {e}"));
    };
    let _policies = (opts.transport || opts.policy)
        .then(|| watch("DNS policy records (DNSSEC, DANE, MTA-STS, SPF, DMARC)"))
        .flatten();
    if let Some(task) = transport {
        let records = task.await;
        let found = match security {
            Some(task) => task.await,
            None => Ok(Vec::new()),
        };
        match (records, found) {
            (Ok((mx_validation, tls_rpt, mta_sts)), Ok(security)) => {
                run.transport = Some(Transport {
                    mx_validation,
                    tls_rpt,
                    mta_sts,
                    security,
                })
            }
            (Err(e), _) | (_, Err(e)) => {
                joined("the DNSSEC, DANE and MTA-STS lookups", e, &mut run)
            }
        }
    }
    if let Some(task) = policy {
        match task.await {
            Ok(found) => run.policy = Some(found),
            Err(e) => joined("the SPF and DMARC lookups", e, &mut run),
        }
    }
    run.elapsed = started.elapsed();
    run
}

type PolicyRecords = (
    crate::observe::policy::SpfObservation,
    crate::observe::policy::DmarcObservation,
);

/// SPF and DMARC: DNS only, asked beside everything else.
fn spawn_policy_records(
    dns: &Dns,
    domain: &str,
    deadlines: Deadlines,
) -> tokio::task::JoinHandle<PolicyRecords> {
    let (dns, domain) = (dns.clone(), domain.to_string());
    tokio::spawn(async move {
        let deadline = deadlines.next();
        tokio::join!(
            policy::spf(&dns, &domain, deadline),
            policy::dmarc(&dns, &domain, deadline),
        )
    })
}

type TransportRecords = (
    Option<crate::dnssec::Validation>,
    crate::observe::policy::TlsRptObservation,
    crate::observe::policy::MtaStsObservation,
);

/// DNSSEC of the MX answer, TLS-RPT and MTA-STS, beside everything else.
fn spawn_transport_records(
    dns: &Dns,
    opts: &Options,
    domain: &str,
    deadlines: Deadlines,
) -> tokio::task::JoinHandle<TransportRecords> {
    let (dns, domain) = (dns.clone(), domain.to_string());
    let (tls, connector) = (opts.tls.clone(), opts.connector.clone());
    let (has_mx, sts_port) = (opts.server.is_none(), opts.mta_sts_port);
    tokio::spawn(async move {
        let deadline = deadlines.next();
        let mx = async {
            match has_mx {
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
            policy::mta_sts(
                &dns,
                connector.as_ref(),
                tls.as_deref(),
                &domain,
                sts_port,
                deadline
            )
        )
    })
}

/// The MX answer (none with `--server`), the exchanges to probe with their
/// addresses, and how many exchanges the answer listed.
async fn route(
    dns: &Dns,
    target: &Target,
    opts: &Options,
    deadlines: Deadlines,
) -> (Option<Timed<MxOutcome>>, Vec<Route>, usize) {
    let (mx, mut routes) = match &opts.server {
        Some(server) => (None, vec![server_route(&server.host)]),
        None => {
            let t = Instant::now();
            let outcome = lookup_mx(dns, &target.domain, deadlines).await;
            let routes = routes_of(&target.domain, &outcome);
            (Some(Timed::since(t, outcome)), routes)
        }
    };
    let listed = routes.len();
    routes.truncate(MAX_EXCHANGES);
    resolve_routes(dns, &mut routes, deadlines).await;
    if let Some(family) = opts.family {
        for route in &mut routes {
            let (kept, other) = route.addresses.iter().partition(|a| family.admits(**a));
            (route.addresses, route.left_out) = (kept, other);
        }
    }
    (mx, routes, listed)
}

fn server_route(host: &Host) -> Route {
    match host {
        Host::Ip(ip) => Route {
            name: ip.to_string(),
            from_mx: false,
            cname: None,
            lookup: None,
            addresses: vec![*ip],
            left_out: Vec::new(),
        },
        Host::Name(name) => Route {
            name: name.clone(),
            from_mx: false,
            cname: None,
            lookup: None,
            addresses: Vec::new(),
            left_out: Vec::new(),
        },
    }
}

/// Every conversation, reverse DNS beside them, the greylisting retry and
/// the port-25 diagnosis, recorded into `run`.
async fn converse_routes(
    dns: &Dns,
    routes: &[Route],
    port: u16,
    opts: &Options,
    deadlines: Deadlines,
    run: &mut Run,
) {
    let endpoints = endpoints_of(routes, port, MAX_ADDRESSES);
    let plan = plan_of(opts, deadlines);
    let gates = Gates {
        all: Arc::new(Semaphore::new(opts.concurrency.max(1))),
        per_ip: opts.per_ip.clone(),
    };
    let addresses: Vec<IpAddr> = endpoints.iter().map(|e| e.address).collect();
    // Reverse DNS runs beside the conversations: no time added.
    let (mut conversations, identities) =
        tokio::join!(converse_all(endpoints, &plan, &gates), async {
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
        });
    if let (Some(wait), Some(rule)) = (opts.retry_greylist, opts.greylisting) {
        retry_greylisted(&mut conversations, &plan, &gates, wait, rule).await;
    }
    if let Some(witness) = &opts.port_witness {
        for obs in conversations.iter().filter(|o| o.connect.value.is_ok()) {
            witness.record(obs.endpoint.port);
        }
    }
    let path_known = opts.port_witness.as_ref().is_some_and(|w| w.worked(port));
    if !path_known {
        run.controls = control_connections(&conversations, &plan, &gates).await;
    }
    run.blocklists = named_blocklists(dns, &conversations, deadlines).await;
    run.conversations = conversations;
    run.identities = identities;
}

/// Every address of every route on `port`, at most `per_route` of each, in
/// route order (the order senders try them).
fn endpoints_of(routes: &[Route], port: u16, per_route: usize) -> Vec<Endpoint> {
    routes
        .iter()
        .flat_map(|r| {
            r.addresses.iter().take(per_route).map(|a| Endpoint {
                host: r.name.clone(),
                address: *a,
                port,
            })
        })
        .collect()
}

fn plan_of(opts: &Options, deadlines: Deadlines) -> Plan {
    Plan {
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
        connector: opts.connector.clone(),
        sni: opts.sni.clone(),
        tls_scan: opts.tls_scan,
        activity: opts.activity.clone(),
    }
}

/// Every connection of a run passes both gates: the run's own cap
/// (`--concurrency`) and, in a scan, the per-address cap (`--per-ip`).
#[derive(Clone)]
struct Gates {
    all: Arc<Semaphore>,
    per_ip: Option<Arc<PerIpGate>>,
}

/// Held while a connection is open.
struct Passage {
    _all: Option<tokio::sync::OwnedSemaphorePermit>,
    _ip: Option<tokio::sync::OwnedSemaphorePermit>,
}

impl Gates {
    async fn enter(&self, ip: IpAddr) -> Passage {
        // The semaphore is never closed, so acquiring only fails never.
        let all = self.all.clone().acquire_owned().await.ok();
        let ip = match &self.per_ip {
            Some(g) => Some(g.enter(ip).await),
            None => None,
        };
        Passage { _all: all, _ip: ip }
    }
}

/// Looks up, beside the conversations, each exchange's address and TLSA
/// answers with their DNSSEC status.
fn spawn_exchange_security(
    dns: &Dns,
    routes: &[Route],
    port: u16,
    deadlines: Deadlines,
) -> tokio::task::JoinHandle<Vec<ExchangeSecurity>> {
    let hosts: Vec<(String, Option<String>, bool)> = routes
        .iter()
        .filter(|x| x.name.parse::<IpAddr>().is_err() && !x.addresses.is_empty())
        .map(|x| {
            (
                x.name.clone(),
                x.cname.clone(),
                x.addresses.iter().any(IpAddr::is_ipv6),
            )
        })
        .collect();
    let dns = dns.clone();
    tokio::spawn(async move {
        let deadline = deadlines.next();
        let lookups = hosts.iter().map(|(host, cname, ipv6)| {
            policy::exchange_security(&dns, host, cname.as_deref(), port, *ipv6, deadline)
        });
        // In order, all at once, in this one task: a panic fails the task,
        // which the caller reports.
        futures_util::future::join_all(lookups).await
    })
}

/// MX, falling back to the implicit MX (RFC 5321 §5.1) on NODATA only:
/// NXDOMAIN or a failure must not be papered over by an address lookup.
/// A failure with no DNS response at all is checked against the resolver
/// itself: when it does not answer, the domain is not to blame.
async fn lookup_mx(dns: &Dns, domain: &str, deadlines: Deadlines) -> MxOutcome {
    let failed = |e: DnsError| async move {
        let down = match &e {
            // A recursive resolver turns an upstream refusal into SERVFAIL
            // (RFC 8914 lists both): REFUSED is the resolver refusing us.
            DnsError::Refused => true,
            e if e.is_transport() => !dns.resolver_answers(deadlines.next()).await,
            _ => false,
        };
        match down {
            true => MxOutcome::ResolverDown {
                resolver: dns.resolver_name(),
                error: e,
            },
            false => MxOutcome::Failed(e),
        }
    };
    match dns.mx(domain, deadlines.next()).await {
        Ok(records) => MxOutcome::Records(records),
        Err(DnsError::NoRecords) => match dns.addresses(domain, deadlines.next()).await {
            Ok(addresses) => MxOutcome::Implicit(addresses),
            Err(DnsError::NoRecords | DnsError::NxDomain) => MxOutcome::NoMailHost,
            Err(e) => failed(e).await,
        },
        Err(e) => failed(e).await,
    }
}

fn routes_of(domain: &str, outcome: &MxOutcome) -> Vec<Route> {
    match outcome {
        MxOutcome::Records(records) => records
            .iter()
            .filter(|r| !r.is_null())
            .map(|r| Route {
                name: r.exchange.clone(),
                from_mx: true,
                cname: None,
                lookup: None,
                addresses: Vec::new(),
                left_out: Vec::new(),
            })
            .collect(),
        MxOutcome::Implicit(addresses) => vec![Route {
            name: domain.to_string(),
            from_mx: true,
            cname: None,
            lookup: None,
            addresses: addresses.clone(),
            left_out: Vec::new(),
        }],
        MxOutcome::NoMailHost | MxOutcome::Failed(_) | MxOutcome::ResolverDown { .. } => Vec::new(),
    }
}

/// Looks up every exchange that needs it (a name from MX or `--server`,
/// not the implicit MX), all at once. A lookup whose task fails is an
/// error on that exchange, never a silent empty answer.
async fn resolve_routes(dns: &Dns, routes: &mut [Route], deadlines: Deadlines) {
    let mut lookups = JoinSet::new();
    let mut index = std::collections::HashMap::new();
    for (i, x) in routes.iter().enumerate() {
        let known = x.name.parse::<IpAddr>().is_ok() || !x.addresses.is_empty();
        if known {
            continue;
        }
        let (dns, name, from_mx) = (dns.clone(), x.name.clone(), x.from_mx);
        let task = lookups.spawn(async move {
            let t = Instant::now();
            // The CNAME question runs beside A and AAAA: no extra round trip.
            let (result, cname) = tokio::join!(dns.addresses(&name, deadlines.next()), async {
                match from_mx {
                    true => dns.cname(&name, deadlines.next()).await,
                    false => None,
                }
            });
            (Timed::since(t, result), cname)
        });
        index.insert(task.id(), (i, Instant::now()));
    }
    while let Some(joined) = lookups.join_next_with_id().await {
        let (i, (timed, cname)) = match joined {
            Ok((id, found)) => (index[&id].0, found),
            Err(e) => {
                let (i, t) = index[&e.id()];
                let failed = Err(DnsError::Other(format!("internal error in smtpcheck: {e}")));
                (i, (Timed::since(t, failed), None))
            }
        };
        let route = &mut routes[i];
        route.cname = cname;
        route.addresses = timed.value.clone().unwrap_or_default();
        route.lookup = Some(timed);
    }
}

/// `--retry-greylist`: wait once, then run every greylisted conversation
/// again on a new connection (greylisting keys on the sender, recipient and
/// client address, not the connection). `--deadline` bounds the wait and
/// the retry: when the wait would not leave a step's time before it, the
/// retry is not made and the observation says so.
async fn retry_greylisted(
    observations: &mut [Observation],
    plan: &Plan,
    gates: &Gates,
    wait: Duration,
    greylisting: fn(&Reply) -> bool,
) {
    let greylisted = |o: &Observation| matches!(&o.rcpt, Some(Timed { value: Ok(r), .. }) if r.is_transient() && greylisting(r));
    let endpoints: Vec<Endpoint> = observations
        .iter()
        .filter(|o| greylisted(o))
        .map(|o| o.endpoint.clone())
        .collect();
    if endpoints.is_empty() {
        return;
    }
    let retry_at = Instant::now() + wait;
    if retry_at + plan.deadlines.step > plan.deadlines.overall {
        let left = plan
            .deadlines
            .overall
            .saturating_duration_since(Instant::now());
        let why = format!(
            "the retry after {} s was not made: --deadline leaves {:.1} s",
            wait.as_secs(),
            left.as_secs_f64()
        );
        for o in observations.iter_mut().filter(|o| greylisted(o)) {
            o.retry_cut = Some(why.clone());
        }
        return;
    }
    tokio::time::sleep_until(retry_at).await;
    for retry in converse_all(endpoints, plan, gates).await {
        if let Some(o) = observations
            .iter_mut()
            .find(|o| o.endpoint == retry.endpoint && o.retry.is_none())
        {
            o.retry = Some(Box::new(retry));
        }
    }
}

/// PTR names of one address looked up, at most this many.
const MAX_PTR_NAMES: usize = 4;

/// PTR of every probed address and whether each PTR name resolves back
/// (forward-confirmed reverse DNS), all addresses and names at once.
async fn reverse_dns(
    dns: &Dns,
    addresses: &[IpAddr],
    deadlines: Deadlines,
) -> std::collections::HashMap<IpAddr, Identity> {
    let mut set = JoinSet::new();
    let mut asked = std::collections::HashSet::new();
    for &ip in addresses {
        if !asked.insert(ip) {
            continue;
        }
        let dns = dns.clone();
        set.spawn(async move {
            let ptr = dns.ptr(ip, deadlines.next()).await;
            let names: Vec<&String> = ptr.iter().flatten().take(MAX_PTR_NAMES).collect();
            let forward = futures_util::future::join_all(
                names
                    .iter()
                    .map(|name| dns.addresses(name, deadlines.next())),
            )
            .await;
            let confirmed = names
                .iter()
                .zip(forward)
                .filter(|(_, found)| found.as_ref().is_ok_and(|a| a.contains(&ip)))
                .map(|(name, _)| name.to_string())
                .collect();
            (ip, Identity { ptr, confirmed })
        });
    }
    let mut out = std::collections::HashMap::new();
    // A failed reverse lookup leaves the address without an identity
    // check: hygiene, never the verdict.
    while let Some(Ok((ip, identity))) = set.join_next().await {
        out.insert(ip, identity);
    }
    out
}

/// Most block-list lookups one run makes for what refusals named.
const MAX_BLOCKLIST_LOOKUPS: usize = 4;

/// A refusal that names a block list ("Client host [192.0.2.7] blocked
/// using zen.spamhaus.org"): ask the list about the address it names, or
/// this side's address when that is public, so the report can say whether
/// the listing is real, what it means, or whether the receiver's own
/// lookup was refused.
async fn named_blocklists(
    dns: &Dns,
    conversations: &[Observation],
    deadlines: Deadlines,
) -> Vec<crate::dnsbl::Lookup> {
    use crate::dnsbl::{self, Subject};
    let mut wanted: Vec<(String, IpAddr)> = Vec::new();
    for obs in conversations {
        let replies = [
            &obs.banner,
            &obs.ehlo,
            &obs.mail,
            &obs.rcpt,
            &obs.data,
            &obs.data_end,
        ]
        .into_iter()
        .flatten()
        .chain(obs.extra_rcpts.iter().map(|(_, r)| r));
        for reply in replies {
            let Timed { value: Ok(r), .. } = reply else {
                continue;
            };
            if r.code < 400 {
                continue;
            }
            let text = r.text();
            let Some(zone) = dnsbl::zone_named(&text) else {
                continue;
            };
            let public_local = obs
                .local_address
                .filter(|ip| crate::dns::non_public(*ip).is_none());
            let Some(ip) = dnsbl::address_named(&text).or(public_local) else {
                continue;
            };
            if !wanted.contains(&(zone.clone(), ip)) {
                wanted.push((zone, ip));
            }
        }
    }
    wanted.truncate(MAX_BLOCKLIST_LOOKUPS);
    let deadline = deadlines.next();
    let subjects: Vec<(String, Subject)> = wanted
        .into_iter()
        .map(|(zone, ip)| (zone, Subject::Ip(ip)))
        .collect();
    futures_util::future::join_all(
        subjects
            .iter()
            .map(|(zone, subject)| dnsbl::lookup(dns, zone, subject, deadline)),
    )
    .await
}

/// When every connection on the probed port timed out, try the same
/// addresses on 587 and 465 (connect only): if those answer, the port is
/// blocked on the path, not the servers down. They pass the same gates as
/// every other connection.
async fn control_connections(
    observations: &[Observation],
    plan: &Plan,
    gates: &Gates,
) -> Vec<Control> {
    let all_timed_out = !observations.is_empty()
        && observations
            .iter()
            .all(|o| matches!(o.connect.value, Err(ConnectError::Timeout(_))));
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
            let (deadline, gates) = (plan.deadlines.next(), gates.clone());
            let connector = plan.connector.clone();
            set.spawn(async move {
                let _passage = gates.enter(endpoint.address).await;
                let socket = std::net::SocketAddr::new(endpoint.address, endpoint.port);
                let ok = matches!(
                    tokio::time::timeout_at(deadline, connector.connect(socket)).await,
                    Ok(Ok(_))
                );
                Control {
                    endpoint,
                    connected: ok,
                }
            });
        }
    }
    let mut controls = Vec::new();
    while let Some(joined) = set.join_next().await {
        // A control that failed inside smtpcheck proves nothing either way.
        if let Ok(c) = joined {
            controls.push(c);
        }
    }
    controls.sort_by(|a, b| {
        (a.endpoint.address, a.endpoint.port).cmp(&(b.endpoint.address, b.endpoint.port))
    });
    controls
}

/// One conversation per endpoint under the gates; exactly one observation
/// per endpoint comes back, in endpoint order. A conversation whose task
/// fails (a bug) is an observation that says so.
async fn converse_all(endpoints: Vec<Endpoint>, plan: &Plan, gates: &Gates) -> Vec<Observation> {
    let plan = Arc::new(plan.clone());
    let mut set = JoinSet::new();
    let mut index = std::collections::HashMap::new();
    let mut slots: Vec<Option<Observation>> = endpoints.iter().map(|_| None).collect();
    for (i, endpoint) in endpoints.iter().enumerate() {
        let (gates, plan, endpoint) = (gates.clone(), plan.clone(), endpoint.clone());
        let task = set.spawn(async move {
            let _passage = gates.enter(endpoint.address).await;
            converse(endpoint, &plan).await
        });
        index.insert(task.id(), i);
    }
    while let Some(joined) = set.join_next_with_id().await {
        match joined {
            Ok((id, obs)) => slots[index[&id]] = Some(obs),
            Err(e) => {
                let i = index[&e.id()];
                let mut obs = Observation::connected(
                    endpoints[i].clone(),
                    Timed {
                        value: Ok(()),
                        elapsed: Duration::ZERO,
                    },
                    &plan.sender,
                    &plan.recipient,
                );
                obs.internal_error = Some(panic_words(e));
                slots[i] = Some(obs);
            }
        }
    }
    slots.into_iter().flatten().collect()
}

/// What a failed task says, in words.
fn panic_words(e: tokio::task::JoinError) -> String {
    match e.try_into_panic() {
        Ok(payload) => match payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
        {
            Some(message) => format!("the conversation task panicked: {message}"),
            None => "the conversation task panicked".to_string(),
        },
        Err(e) => format!("the conversation task ended: {e}"),
    }
}

#[cfg(test)]
mod tests {
    //! Results are matched to their endpoints, never by position: a
    //! conversation or a retry that fails inside smtpcheck cannot shift
    //! another address's result onto it.
    use super::connect::{Connecting, Connection, Connector};
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt};

    /// 127.0.0.1 greylists once then panics on its retry; 127.0.0.2
    /// greylists, then accepts.
    #[derive(Debug, Default)]
    struct TwoServers {
        first_address_calls: AtomicUsize,
        rcpts_at_second: Arc<AtomicUsize>,
    }

    impl Connector for TwoServers {
        fn connect(&self, to: std::net::SocketAddr) -> Connecting {
            let first = to.ip() == "127.0.0.1".parse::<IpAddr>().unwrap();
            if first && self.first_address_calls.fetch_add(1, Ordering::SeqCst) > 0 {
                return Box::pin(async { panic!("the retry to 127.0.0.1 fails inside smtpcheck") });
            }
            let rcpts = self.rcpts_at_second.clone();
            Box::pin(async move {
                let (client, server) = tokio::io::duplex(4096);
                tokio::spawn(async move {
                    let (read, mut write) = tokio::io::split(server);
                    let mut lines = tokio::io::BufReader::new(read).lines();
                    let _ = write.write_all(b"220 mx.test\r\n").await;
                    while let Ok(Some(line)) = lines.next_line().await {
                        let greylist = first
                            || rcpts
                                .fetch_add(usize::from(line.starts_with("RCPT")), Ordering::SeqCst)
                                == 0;
                        let reply: &[u8] = match line.split(' ').next().unwrap_or("") {
                            "RCPT" if greylist => b"450 4.7.1 Greylisted, try again later\r\n",
                            "QUIT" => b"221 Bye\r\n",
                            _ => b"250 Ok\r\n",
                        };
                        let _ = write.write_all(reply).await;
                    }
                });
                Ok(Connection {
                    stream: Box::new(client),
                    local: None,
                })
            })
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_retry_is_not_zipped_onto_another_address() {
        let connector = Arc::new(TwoServers::default());
        let mut opts = Options::new(Stage::Rcpt);
        opts.tls_mode = TlsMode::Off;
        opts.recipient = "postmaster@d.test".into();
        opts.connector = connector.clone();
        let plan = plan_of(
            &opts,
            Deadlines {
                step: Duration::from_secs(10),
                overall: Instant::now() + Duration::from_secs(600),
            },
        );
        let gates = Gates {
            all: Arc::new(Semaphore::new(4)),
            per_ip: None,
        };
        let endpoints: Vec<Endpoint> = ["127.0.0.1", "127.0.0.2"]
            .iter()
            .map(|ip| Endpoint {
                host: "mx.test".into(),
                address: ip.parse().unwrap(),
                port: 25,
            })
            .collect();
        let mut observations = converse_all(endpoints, &plan, &gates).await;
        let greylisting: fn(&Reply) -> bool = |r| r.code == 450;
        retry_greylisted(
            &mut observations,
            &plan,
            &gates,
            Duration::from_secs(60),
            greylisting,
        )
        .await;
        let [first, second] = &observations[..] else {
            panic!("one observation per endpoint: {observations:?}");
        };
        let first_retry = first.retry.as_ref().expect("a retry at 127.0.0.1");
        assert!(first_retry.internal_error.is_some(), "{first_retry:?}");
        let second_retry = second.retry.as_ref().expect("a retry at 127.0.0.2");
        assert_eq!(second_retry.endpoint.address, second.endpoint.address);
        assert!(matches!(&second_retry.rcpt, Some(Timed { value: Ok(r), .. }) if r.code == 250));
    }
}
