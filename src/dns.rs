//! A thin wrapper over hickory-resolver: the two questions the probe asks
//! (MX of a domain, addresses of a host) and DNS failures named by cause.

use crate::dane::Tlsa;
use crate::dnssec::{Anchors, Security, SignedKeys, Validation};
use hickory_resolver::config::{
    ConnectionConfig, NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts,
};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError as HickoryDnsError, NetError};
use hickory_resolver::proto::dnssec::TrustAnchors;
use hickory_resolver::proto::op::Query;
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::Record;
pub use hickory_resolver::proto::rr::RecordType;
use hickory_resolver::proto::rr::{Name, RData};
use hickory_resolver::system_conf::read_system_conf;
use hickory_resolver::TokioResolver;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::OnceCell;
use tokio::time::Instant;

/// Why a DNS question got no usable answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DnsError {
    #[error("the name does not exist (NXDOMAIN)")]
    NxDomain,
    #[error("no records of that type (NODATA)")]
    NoRecords,
    #[error("the DNS server failed to answer (SERVFAIL)")]
    ServFail,
    #[error("the DNS server refused the query (REFUSED)")]
    Refused,
    #[error("no DNS answer within {:.1} s", .0.as_secs_f64())]
    Timeout(Duration),
    #[error("DNS lookup failed: {0}")]
    Other(String),
}

impl DnsError {
    /// Stable name for JSON `data.dns_error`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NxDomain => "nxdomain",
            Self::NoRecords => "nodata",
            Self::ServFail => "servfail",
            Self::Refused => "refused",
            Self::Timeout(_) => "timeout",
            Self::Other(_) => "other",
        }
    }

    /// No DNS response came back at all (nothing answered, or the
    /// question could not be sent): as opposed to an answer that says no.
    pub fn is_transport(&self) -> bool {
        matches!(self, Self::Timeout(_) | Self::Other(_))
    }

    fn from_net(e: &NetError, timeout: Duration) -> Self {
        if e.is_nx_domain() {
            return Self::NxDomain;
        }
        if e.is_no_records_found() {
            return Self::NoRecords;
        }
        match e {
            NetError::Dns(HickoryDnsError::ResponseCode(ResponseCode::ServFail)) => Self::ServFail,
            NetError::Dns(HickoryDnsError::ResponseCode(ResponseCode::Refused)) => Self::Refused,
            NetError::Timeout => Self::Timeout(timeout),
            other => Self::Other(other.to_string()),
        }
    }
}

/// Why an address cannot be reached from the internet, if it cannot.
pub fn non_public(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            if v4.is_loopback() {
                Some("loopback")
            } else if v4.is_private() {
                Some("private (RFC 1918)")
            } else if v4.is_link_local() {
                Some("link-local")
            } else if o[0] == 100 && (64..128).contains(&o[1]) {
                Some("shared carrier-grade NAT space (RFC 6598)")
            } else if v4.is_unspecified() || o[0] == 0 {
                Some("unspecified")
            } else if v4.is_documentation() {
                Some("documentation (RFC 5737)")
            } else if v4.is_multicast() || v4.is_broadcast() || o[0] >= 240 {
                Some("multicast or reserved")
            } else {
                None
            }
        }
        IpAddr::V6(v6) => {
            let seg = v6.segments();
            if v6.is_loopback() {
                Some("loopback")
            } else if v6.is_unspecified() {
                Some("unspecified")
            } else if seg[0] & 0xfe00 == 0xfc00 {
                Some("unique local (RFC 4193)")
            } else if seg[0] & 0xffc0 == 0xfe80 {
                Some("link-local")
            } else if seg[0] == 0x2001 && seg[1] == 0x0db8 {
                Some("documentation (RFC 3849)")
            } else if v6.is_multicast() {
                Some("multicast")
            } else {
                None
            }
        }
    }
}

/// One MX record (RFC 5321 §5.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MxRecord {
    pub preference: u16,
    /// The exchange's name without the trailing dot; `.` for a null MX.
    pub exchange: String,
}

impl MxRecord {
    /// RFC 7505: an MX whose exchange is the root means "no mail here".
    pub fn is_null(&self) -> bool {
        self.exchange == "."
    }
}

/// The resolver every lookup of a run shares.
#[derive(Clone)]
pub struct Dns {
    resolver: TokioResolver,
    timeout: Duration,
    validator: Arc<Validator>,
}

/// Where questions go.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// /etc/resolv.conf and /etc/hosts.
    System,
    /// One server, nothing else.
    Server(SocketAddr),
}

/// The validating twin of the resolver, built when first needed (a DS trust
/// anchor needs a lookup before validation can start).
struct Validator {
    source: Source,
    anchors: Option<Anchors>,
    built: OnceCell<Result<Built, String>>,
    /// The root's DNSKEY set validated (the resolver reaches the root).
    root_secure: OnceCell<bool>,
}

impl Validator {
    fn new(source: Source, anchors: Option<Anchors>) -> Arc<Self> {
        Arc::new(Self {
            source,
            anchors,
            built: OnceCell::new(),
            root_secure: OnceCell::new(),
        })
    }
}

/// The validating resolver, and the DS anchors that matched no DNSKEY
/// (said with every status that is not secure).
struct Built {
    resolver: TokioResolver,
    unmatched: Vec<String>,
}

impl Dns {
    /// Uses this machine's resolver configuration (/etc/resolv.conf).
    pub fn system(timeout: Duration) -> Result<Self, String> {
        Self::new(Source::System, timeout)
    }

    /// Asks only `server` (UDP, and TCP when an answer is truncated), ignoring
    /// /etc/hosts so results are those of that server alone.
    pub fn using(server: SocketAddr, timeout: Duration) -> Result<Self, String> {
        Self::new(Source::Server(server), timeout)
    }

    fn new(source: Source, timeout: Duration) -> Result<Self, String> {
        Ok(Self {
            resolver: build(source, timeout, None)?,
            timeout,
            validator: Validator::new(source, None),
        })
    }

    /// The resolver smtpcheck asks, in words (`127.0.0.1:53`, or the
    /// system's), for messages that blame it.
    pub fn resolver_name(&self) -> String {
        match self.validator.source {
            Source::System => "the system resolver (/etc/resolv.conf)".to_string(),
            Source::Server(server) => server.to_string(),
        }
    }

    /// Whether the resolver answers at all: a question for the root's NS
    /// set gets some response (even REFUSED or NXDOMAIN) from any resolver
    /// that is up. A timeout or a transport error means smtpcheck could not
    /// ask, so a failed lookup says nothing about the domain.
    pub async fn resolver_answers(&self, deadline: Instant) -> bool {
        match self
            .bounded(deadline, self.resolver.lookup(Name::root(), RecordType::NS))
            .await
        {
            Ok(_) => true,
            Err(e) => !e.is_transport(),
        }
    }

    /// Validates with `anchors` as well as the root's (`--dnssec-anchor`).
    pub fn with_anchors(mut self, anchors: Anchors) -> Self {
        self.validator = Validator::new(self.validator.source, Some(anchors));
        self
    }

    /// The DNSSEC status of the answer to `name`/`rtype` (RFC 4035 §4.3),
    /// from a validating lookup made beside the plain one.
    pub async fn validate(&self, name: &str, rtype: RecordType, deadline: Instant) -> Validation {
        let Built {
            resolver: validator,
            unmatched,
        } = match tokio::time::timeout_at(deadline, self.validator()).await {
            Ok(Ok(built)) => built,
            Ok(Err(e)) => return Validation::new(Security::Indeterminate, Some(e)),
            Err(_) => {
                return Validation::new(
                    Security::Indeterminate,
                    Some("no trust anchor keys within the deadline".into()),
                )
            }
        };
        // hickory calls an answer bogus when no chain reaches any anchor,
        // which is what a resolver that cannot reach the root (a lab, a
        // filtered network) looks like; and proving that costs a walk up to
        // the root for every answer. Ask once per run instead.
        let mut validation = if !self.anchor_reachable(name, validator, deadline).await {
            Validation::new(
                Security::Indeterminate,
                Some(format!(
                    "no trust anchor is reachable for {name}: the resolver does not serve the root's keys (for a lab zone, give its key with --dnssec-anchor)"
                )),
            )
        } else {
            match tokio::time::timeout_at(deadline, validator.lookup(fqdn(name), rtype)).await {
                Ok(Ok(lookup)) => {
                    Validation::of_records(lookup.answers().iter().filter(|r| {
                        r.record_type() == rtype || r.record_type() == RecordType::CNAME
                    }))
                }
                Ok(Err(e)) => Validation::of_error(&e),
                Err(_) => Validation::new(
                    Security::Indeterminate,
                    Some("the validating lookup did not finish within the deadline".into()),
                ),
            }
        };
        if validation.status != Security::Secure && !unmatched.is_empty() {
            let reason = validation.reason.take().unwrap_or_default();
            validation.reason = Some(format!("{}; {reason}", unmatched.join("; ")));
        }
        validation
    }

    /// Whether validation can say anything about `name`: the root's keys
    /// validate (checked once per run), or one of our anchors is above it.
    async fn anchor_reachable(
        &self,
        name: &str,
        validator: &TokioResolver,
        deadline: Instant,
    ) -> bool {
        let covered = match (&self.validator.anchors, Name::from_ascii(fqdn(name))) {
            (Some(anchors), Ok(name)) => anchors.owners().iter().any(|o| o.zone_of(&name)),
            _ => false,
        };
        if covered {
            return true;
        }
        if let Some(known) = self.validator.root_secure.get() {
            return *known;
        }
        // Only a definite answer is remembered for the run (and a scan): a
        // timeout says nothing about the root, so the next answer asks again.
        let found = match tokio::time::timeout_at(
            deadline,
            validator.lookup(Name::root(), RecordType::DNSKEY),
        )
        .await
        {
            Ok(Ok(lookup)) => Validation::of_records(lookup.answers()).status == Security::Secure,
            Ok(Err(e)) if !DnsError::from_net(&e, self.timeout).is_transport() => false,
            _ => return false,
        };
        let _ = self.validator.root_secure.set(found);
        found
    }

    async fn validator(&self) -> Result<&Built, String> {
        self.validator
            .built
            .get_or_init(|| async {
                let (anchors, unmatched) = match &self.validator.anchors {
                    None => (TrustAnchors::default(), Vec::new()),
                    Some(anchors) => {
                        let mut fetched = Vec::new();
                        for owner in anchors.owners() {
                            let keys = self.signed_dnskeys(&owner).await;
                            fetched.push((owner, keys));
                        }
                        let now = std::time::SystemTime::now()
                            .duration_since(std::time::UNIX_EPOCH)
                            .map_or(0, |d| d.as_secs() as u32);
                        anchors.trust_anchors(&fetched, now)
                    }
                };
                let resolver = build(self.validator.source, self.timeout, Some(Arc::new(anchors)))?;
                Ok(Built {
                    resolver,
                    unmatched,
                })
            })
            .await
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The DNSKEY set at `owner` with its RRSIGs, unvalidated: asked
    /// directly over TCP with the DO bit (RFC 3225), which the resolver sets
    /// only when it validates. The anchors then decide what to trust in it.
    async fn signed_dnskeys(&self, owner: &Name) -> SignedKeys {
        let server = match self.validator.source {
            Source::Server(server) => Some(server),
            Source::System => read_system_conf().ok().and_then(|(config, _)| {
                config
                    .name_servers
                    .first()
                    .map(|ns| SocketAddr::new(ns.ip, 53))
            }),
        };
        let Some(server) = server else {
            return SignedKeys::default();
        };
        let deadline = Instant::now() + self.timeout;
        let asked = ask_with_do(
            server,
            owner,
            RecordType::DNSKEY,
            Carrier::Tcp,
            self.timeout,
        );
        match tokio::time::timeout_at(deadline, asked).await {
            Ok(Ok(records)) => SignedKeys::from_records(records),
            _ => SignedKeys::default(),
        }
    }

    /// The CAA records that govern `name` (RFC 8659 §3): those at the name,
    /// else at its closest ancestor that has any, up to the registrable
    /// domain. `Ok((place, records))`; NODATA when none has any.
    pub async fn caa(
        &self,
        name: &str,
        deadline: Instant,
    ) -> Result<(String, Vec<String>), DnsError> {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        let floor = psl::domain_str(&name).unwrap_or(&name).to_string();
        let mut place = name.as_str();
        loop {
            let found = self
                .records(place, RecordType::CAA, deadline, |data| match data {
                    RData::CAA(c) => Some(c.to_string()),
                    _ => None,
                })
                .await;
            match found {
                Ok(list) => return Ok((place.to_string(), list)),
                Err(DnsError::NoRecords | DnsError::NxDomain) if place != floor => {
                    place = place.split_once('.').map_or(floor.as_str(), |(_, up)| up);
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// TLSA records at `name` (RFC 6698 §2), unvalidated; `validate` says
    /// whether they may be used.
    pub async fn tlsa(&self, name: &str, deadline: Instant) -> Result<Vec<Tlsa>, DnsError> {
        self.records(name, RecordType::TLSA, deadline, |data| match data {
            RData::TLSA(t) => Some(Tlsa {
                usage: u8::from(t.cert_usage),
                selector: u8::from(t.selector),
                matching: u8::from(t.matching),
                data: t.cert_data.clone(),
            }),
            _ => None,
        })
        .await
    }

    /// MX records of `domain`, in preference order (RFC 5321 §5.1: lower first;
    /// equal preferences keep the server's order, which RFC 5321 asks clients
    /// to randomise; a diagnostic tool keeps it stable instead).
    pub async fn mx(&self, domain: &str, deadline: Instant) -> Result<Vec<MxRecord>, DnsError> {
        let mut records = self
            .records(domain, RecordType::MX, deadline, |data| match data {
                RData::MX(mx) => Some(MxRecord {
                    preference: mx.preference,
                    exchange: display_name(&mx.exchange.to_ascii()),
                }),
                _ => None,
            })
            .await?;
        records.sort_by_key(|r| r.preference);
        records.dedup();
        Ok(records)
    }

    /// IPv4 and IPv6 addresses of `host`, asked in parallel; IPv4 first.
    pub async fn addresses(&self, host: &str, deadline: Instant) -> Result<Vec<IpAddr>, DnsError> {
        let name = fqdn(host);
        let (v4, v6) = tokio::join!(
            self.bounded(deadline, self.resolver.lookup(name.clone(), RecordType::A)),
            self.bounded(deadline, self.resolver.lookup(name, RecordType::AAAA)),
        );
        let mut found = Vec::new();
        for lookup in [&v4, &v6].into_iter().flatten() {
            for r in lookup.answers() {
                match &r.data {
                    RData::A(a) => found.push(IpAddr::V4(a.0)),
                    RData::AAAA(a) => found.push(IpAddr::V6(a.0)),
                    _ => {}
                }
            }
        }
        if !found.is_empty() {
            found.dedup();
            return Ok(found);
        }
        // Both failed or were empty: report the more telling cause.
        match (v4, v6) {
            (Err(DnsError::NxDomain), _) | (_, Err(DnsError::NxDomain)) => Err(DnsError::NxDomain),
            (Err(DnsError::NoRecords) | Ok(_), Err(DnsError::NoRecords) | Ok(_)) => {
                Err(DnsError::NoRecords)
            }
            (Err(e), _) | (_, Err(e)) => Err(e),
        }
    }

    /// The target of `host` when it is a CNAME (RFC 2181 §10.3 forbids
    /// that for an MX exchange). `None` when it is not one, or on any failure.
    pub async fn cname(&self, host: &str, deadline: Instant) -> Option<String> {
        let lookup = self
            .bounded(
                deadline,
                self.resolver.lookup(fqdn(host), RecordType::CNAME),
            )
            .await
            .ok()?;
        lookup.answers().iter().find_map(|r| match &r.data {
            RData::CNAME(target) => Some(display_name(&target.0.to_ascii())),
            _ => None,
        })
    }

    /// TXT records of `name`, each record's strings joined (RFC 7208 §3.3).
    /// The IPv4 addresses of `name` (a DNS block list answers with A
    /// records in 127.0.0.0/8).
    pub async fn a_records(
        &self,
        name: &str,
        deadline: Instant,
    ) -> Result<Vec<std::net::Ipv4Addr>, DnsError> {
        self.records(name, RecordType::A, deadline, |data| match data {
            RData::A(a) => Some(a.0),
            _ => None,
        })
        .await
    }

    pub async fn txt(&self, name: &str, deadline: Instant) -> Result<Vec<String>, DnsError> {
        self.records(name, RecordType::TXT, deadline, |data| match data {
            RData::TXT(txt) => Some(
                txt.txt_data
                    .iter()
                    .map(|part| String::from_utf8_lossy(part).into_owned())
                    .collect::<String>(),
            ),
            _ => None,
        })
        .await
    }

    /// PTR names of `ip` (reverse DNS), without trailing dots.
    pub async fn ptr(&self, ip: IpAddr, deadline: Instant) -> Result<Vec<String>, DnsError> {
        // hickory answers loopback reverse names itself ("localhost", RFC
        // 6761 §6.3); with --resolver, ask that server like every other name.
        if let (true, Source::Server(server)) = (ip.is_loopback(), self.validator.source) {
            let name = Name::from(ip);
            let wait = deadline.saturating_duration_since(Instant::now());
            let question = ask_with_do(server, &name, RecordType::PTR, Carrier::Udp, wait);
            let asked = tokio::time::timeout_at(deadline, question);
            let answers = match asked.await {
                Ok(Ok(answers)) => answers,
                Ok(Err(e)) => return Err(DnsError::Other(e)),
                Err(_) => return Err(DnsError::Timeout(self.timeout)),
            };
            return picked(&answers, ptr_name);
        }
        let lookup = self
            .bounded(deadline, self.resolver.reverse_lookup(ip))
            .await?;
        picked(lookup.answers(), ptr_name)
    }

    /// The answers to `name`/`rtype` that `pick` takes; NODATA when none.
    async fn records<T>(
        &self,
        name: &str,
        rtype: RecordType,
        deadline: Instant,
        pick: impl Fn(&RData) -> Option<T>,
    ) -> Result<Vec<T>, DnsError> {
        let lookup = self
            .bounded(deadline, self.resolver.lookup(fqdn(name), rtype))
            .await?;
        picked(lookup.answers(), pick)
    }

    async fn bounded<T>(
        &self,
        deadline: Instant,
        lookup: impl std::future::Future<Output = Result<T, NetError>>,
    ) -> Result<T, DnsError> {
        let waited = Instant::now();
        match tokio::time::timeout_at(deadline, lookup).await {
            Ok(Ok(found)) => Ok(found),
            Ok(Err(e)) => Err(DnsError::from_net(&e, self.timeout)),
            Err(_) => Err(DnsError::Timeout(waited.elapsed())),
        }
    }
}

fn ptr_name(data: &RData) -> Option<String> {
    match data {
        RData::PTR(name) => Some(display_name(&name.0.to_ascii())),
        _ => None,
    }
}

/// The records `pick` takes from `answers`; NODATA when it takes none.
fn picked<T>(answers: &[Record], pick: impl Fn(&RData) -> Option<T>) -> Result<Vec<T>, DnsError> {
    let found: Vec<T> = answers.iter().filter_map(|r| pick(&r.data)).collect();
    if found.is_empty() {
        Err(DnsError::NoRecords)
    } else {
        Ok(found)
    }
}

/// How a direct question goes: UDP for answers that fit a datagram (a
/// PTR), TCP for those that outgrow one (a DNSKEY set with its signatures).
#[derive(Debug, Clone, Copy)]
enum Carrier {
    Udp,
    Tcp,
}

/// EDNS payload size for direct questions (the DNS flag day 2020 value).
const EDNS_PAYLOAD: u16 = 1232;

/// One question to `server` with the DO bit, answer records out, through
/// hickory's own UDP and TCP clients (framing, IDs and matching are theirs).
async fn ask_with_do(
    server: SocketAddr,
    name: &Name,
    rtype: RecordType,
    carrier: Carrier,
    timeout: Duration,
) -> Result<Vec<Record>, String> {
    use futures_util::StreamExt;
    use hickory_resolver::net::tcp::TcpClientStream;
    use hickory_resolver::net::udp::UdpClientStream;
    use hickory_resolver::net::xfer::DnsExchange;
    use hickory_resolver::net::{DnsHandle, DnsMultiplexer};
    use hickory_resolver::proto::op::{DnsRequest, DnsRequestOptions};
    type Background = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;
    let provider = TokioRuntimeProvider::default();
    // The exchange's background future runs right here, beside the
    // question: hickory's own `exchange()` helpers spawn it on a handle
    // that is dropped (and its tasks aborted) when they return.
    let (exchange, background) = match carrier {
        Carrier::Udp => {
            let stream = UdpClientStream::builder(server, provider)
                .with_timeout(Some(timeout))
                .build();
            let (exchange, bg) = DnsExchange::<TokioRuntimeProvider>::from_stream(stream);
            (exchange, Box::pin(bg) as Background)
        }
        Carrier::Tcp => {
            let (connect, sender) = TcpClientStream::new(server, None, Some(timeout), provider);
            let stream = connect.await.map_err(|e| e.to_string())?;
            let multiplexer = DnsMultiplexer::new(stream, sender).with_timeout(timeout);
            let (exchange, bg) = DnsExchange::<TokioRuntimeProvider>::from_stream(multiplexer);
            (exchange, Box::pin(bg) as Background)
        }
    };
    let mut options = DnsRequestOptions::default();
    options.use_edns = true;
    options.edns_set_dnssec_ok = true;
    options.edns_payload_len = EDNS_PAYLOAD;
    options.recursion_desired = true;
    let request = DnsRequest::from_query(Query::query(name.clone(), rtype), options);
    let mut sent = exchange.send(request);
    let response = tokio::select! {
        answer = sent.next() => answer.ok_or("no response")?.map_err(|e| e.to_string())?,
        () = background => return Err("the connection ended before the answer".into()),
    };
    Ok(response.answers.clone())
}

/// A resolver asking `source`; validating when given trust anchors.
fn build(
    source: Source,
    timeout: Duration,
    anchors: Option<Arc<TrustAnchors>>,
) -> Result<TokioResolver, String> {
    let mut builder = match source {
        Source::System => {
            let mut builder = TokioResolver::builder_tokio()
                .map_err(|e| format!("cannot read the system resolver configuration: {e}"))?;
            *builder.options_mut() = options(timeout, ResolveHosts::Auto);
            builder
        }
        Source::Server(server) => {
            let mut udp = ConnectionConfig::udp();
            udp.port = server.port();
            let mut tcp = ConnectionConfig::tcp();
            tcp.port = server.port();
            let config = ResolverConfig::from_name_servers(vec![NameServerConfig::new(
                server.ip(),
                true,
                vec![udp, tcp],
            )]);
            TokioResolver::builder_with_config(config, TokioRuntimeProvider::default())
                .with_options(options(timeout, ResolveHosts::Never))
        }
    };
    if let Some(anchors) = anchors {
        builder = builder.with_trust_anchor(anchors);
        builder.options_mut().validate = true;
    }
    builder.build().map_err(|e| match source {
        Source::System => format!("cannot start the resolver: {e}"),
        Source::Server(server) => format!("cannot use resolver {server}: {e}"),
    })
}

fn options(timeout: Duration, hosts: ResolveHosts) -> ResolverOpts {
    let mut opts = ResolverOpts::default();
    opts.timeout = timeout;
    opts.attempts = 1;
    opts.use_hosts_file = hosts;
    opts.ndots = 0;
    opts
}

/// Queries are made absolute so no search domain is ever appended.
fn fqdn(name: &str) -> String {
    if name.ends_with('.') {
        name.to_string()
    } else {
        format!("{name}.")
    }
}

/// Names are shown without the trailing dot, except the root itself.
fn display_name(name: &str) -> String {
    match name.strip_suffix('.') {
        Some("") | None => name.to_string(),
        Some(n) => n.to_ascii_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_shown_without_trailing_dot() {
        assert_eq!(display_name("MX1.Example.test."), "mx1.example.test");
        assert_eq!(display_name("."), ".");
        assert!(MxRecord {
            preference: 0,
            exchange: ".".into()
        }
        .is_null());
    }

    #[test]
    fn queries_are_absolute() {
        assert_eq!(fqdn("example.test"), "example.test.");
        assert_eq!(fqdn("example.test."), "example.test.");
    }
}
