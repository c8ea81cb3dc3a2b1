//! An in-process authoritative DNS server (hickory-server) serving test zones
//! written in zone-file syntax, on 127.0.0.1 (UDP and TCP, same port).
//!
//! Some names misbehave on purpose: any name with a label `servfail` gets
//! SERVFAIL, one with a label `blackhole` gets no answer at all (the client
//! must time out), and one with a label `truncated` gets an empty, truncated
//! answer over UDP (the client must retry over TCP, where it is answered).
//!
//! Zones may be signed (DNSSEC, Ed25519, NSEC): each zone is its own catalog
//! and a DS question is routed to the parent of the zone it names, as a
//! recursive resolver would find it, so one server can hold a trust anchor
//! zone, its secure, insecure and bogus children.

use super::RT;
use hickory_server::dnssec::NxProofKind;
use hickory_server::net::runtime::{RuntimeProvider, Time, TokioRuntimeProvider, TokioTime};
use hickory_server::net::xfer::Protocol;
use hickory_server::proto::dnssec::crypto::Ed25519SigningKey;
use hickory_server::proto::dnssec::rdata::{DNSKEY, DS};
use hickory_server::proto::dnssec::{Algorithm, DigestType, DnssecSigner, SigningKey};
use hickory_server::proto::op::{MessageType, Metadata, ResponseCode};
use hickory_server::proto::rr::{LowerName, Name};
use hickory_server::proto::rr::{RecordSet, RecordType, RrKey};
use hickory_server::proto::serialize::txt::Parser;
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{
    AxfrPolicy, Catalog, MessageResponseBuilder, ZoneHandler, ZoneType,
};
use hickory_server::Server;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, UdpSocket};

pub struct TestDns {
    pub addr: SocketAddr,
    _server: Server<Handler>,
}

/// A DNSSEC zone key (Ed25519, algorithm 15), used as both KSK and ZSK.
#[derive(Clone)]
pub struct ZoneKey {
    pkcs8: Vec<u8>,
    dnskey: DNSKEY,
}

impl ZoneKey {
    pub fn generate() -> Self {
        let pkcs8 = Ed25519SigningKey::generate_pkcs8().expect("key");
        let key = Ed25519SigningKey::from_pkcs8(&pkcs8).expect("key");
        let dnskey = DNSKEY::from_key(&key.to_public_key().expect("public key"));
        Self {
            pkcs8: pkcs8.secret_pkcs8_der().to_vec(),
            dnskey,
        }
    }

    fn signer(&self, origin: &Name, valid_for: Duration) -> DnssecSigner {
        let der = rustls::pki_types::PrivatePkcs8KeyDer::from(self.pkcs8.clone());
        let key = Ed25519SigningKey::from_pkcs8(&der).expect("key");
        DnssecSigner::new(
            self.dnskey.clone(),
            Box::new(key),
            origin.clone(),
            valid_for,
        )
    }

    /// `owner IN DS ...` (SHA-256) for the parent zone.
    pub fn ds(&self, owner: &str) -> String {
        let name = Name::from_ascii(format!("{}.", owner.trim_end_matches('.'))).unwrap();
        let digest = self.dnskey.to_digest(&name, DigestType::SHA256).unwrap();
        let ds = DS::new(
            self.dnskey.calculate_key_tag().unwrap(),
            Algorithm::ED25519,
            DigestType::SHA256,
            digest.as_ref().to_vec(),
        );
        format!("{owner}. IN DS {ds}")
    }

    /// `owner IN DNSKEY ...`, as a trust-anchor file line.
    pub fn dnskey(&self, owner: &str) -> String {
        format!("{}. IN DNSKEY {}", owner.trim_end_matches('.'), self.dnskey)
    }
}

/// How a zone is served.
pub enum Signing {
    None,
    /// Signed, signatures valid for a day from now.
    Valid(ZoneKey),
    /// Signed by each of these keys (a KSK and a ZSK, say: a trust anchor
    /// naming one must carry the other).
    Keys(Vec<ZoneKey>),
    /// Signed with signatures that expired ten days ago.
    Expired(ZoneKey),
}

impl TestDns {
    /// Serves every zone in `zones` (each a zone file with its own $ORIGIN and SOA).
    pub fn start(zones: &[&str]) -> Self {
        Self::start_signed(
            zones
                .iter()
                .map(|z| (z.to_string(), Signing::None))
                .collect(),
        )
    }

    /// Serves zones, some signed.
    pub fn start_signed(zones: Vec<(String, Signing)>) -> Self {
        let mut routes = Vec::new();
        for (text, signing) in zones {
            let (origin, records) = Parser::new(text.as_str(), None, None)
                .parse()
                .unwrap_or_else(|e| panic!("test zone does not parse: {e}\n{text}"));
            let handler: Arc<dyn ZoneHandler> = match signing {
                Signing::None => {
                    Arc::new(zone_handler::<TokioRuntimeProvider>(&origin, records, None))
                }
                Signing::Valid(key) => Arc::new(signed(&origin, records, vec![key])),
                Signing::Keys(keys) => Arc::new(signed(&origin, records, keys)),
                Signing::Expired(key) => {
                    let mut h =
                        zone_handler::<PastRuntime>(&origin, records, Some(NxProofKind::Nsec));
                    h.add_zone_signing_key_mut(key.signer(&origin, Duration::from_secs(86_400)))
                        .expect("add key");
                    h.secure_zone_mut().expect("sign zone");
                    Arc::new(h)
                }
            };
            let mut catalog = Catalog::new();
            catalog.upsert(LowerName::new(&origin), vec![handler]);
            routes.push((LowerName::new(&origin), catalog));
        }
        let handler = Handler { routes };
        RT.block_on(async move {
            let (udp, tcp) = bind_pair().await;
            let addr = udp.local_addr().unwrap();
            let mut server = Server::new(handler);
            server.register_socket(udp);
            server.register_listener(tcp, Duration::from_secs(5), 65535);
            Self {
                addr,
                _server: server,
            }
        })
    }

    /// The `--resolver` argument for this server.
    pub fn resolver_arg(&self) -> String {
        self.addr.to_string()
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }
}

/// A UDP socket and a TCP listener on the same loopback port.
async fn bind_pair() -> (UdpSocket, TcpListener) {
    for _ in 0..50 {
        let udp = UdpSocket::bind("127.0.0.1:0").await.expect("bind udp");
        let port = udp.local_addr().unwrap().port();
        if let Ok(tcp) = TcpListener::bind(("127.0.0.1", port)).await {
            return (udp, tcp);
        }
    }
    panic!("no free port for UDP and TCP together");
}

/// A zone signed now by every key in `keys`, with NSEC denial.
fn signed(
    origin: &Name,
    records: std::collections::BTreeMap<RrKey, RecordSet>,
    keys: Vec<ZoneKey>,
) -> InMemoryZoneHandler<TokioRuntimeProvider> {
    let mut h = zone_handler::<TokioRuntimeProvider>(origin, records, Some(NxProofKind::Nsec));
    for key in keys {
        h.add_zone_signing_key_mut(key.signer(origin, Duration::from_secs(86_400)))
            .expect("add key");
    }
    h.secure_zone_mut().expect("sign zone");
    h
}

fn zone_handler<P: RuntimeProvider + Send + Sync>(
    origin: &Name,
    records: std::collections::BTreeMap<RrKey, RecordSet>,
    nx: Option<NxProofKind>,
) -> InMemoryZoneHandler<P> {
    InMemoryZoneHandler::<P>::new(
        origin.clone(),
        records,
        ZoneType::Primary,
        AxfrPolicy::Deny,
        nx,
    )
    .expect("valid zone")
}

pub struct Handler {
    /// One catalog per zone, so that a DS question can skip the zone it names.
    routes: Vec<(LowerName, Catalog)>,
}

impl Handler {
    /// The zone that answers `name`: the closest enclosing one; for DS, the
    /// closest strictly above `name` (RFC 4034 §5: DS lives in the parent).
    fn route(&self, name: &LowerName, qtype: RecordType) -> Option<&Catalog> {
        self.routes
            .iter()
            .filter(|(origin, _)| origin.zone_of(name))
            .filter(|(origin, _)| !(qtype == RecordType::DS && origin == name))
            .max_by_key(|(origin, _)| origin.num_labels())
            .map(|(_, catalog)| catalog)
    }
}

/// A runtime whose clock reads ten days ago: a zone signed under it carries
/// signatures that have already expired.
#[derive(Clone, Default)]
pub struct PastRuntime(TokioRuntimeProvider);

pub struct PastTime;

#[async_trait::async_trait]
impl Time for PastTime {
    async fn delay_for(duration: Duration) {
        tokio::time::sleep(duration).await
    }

    async fn timeout<F: 'static + std::future::Future + Send>(
        duration: Duration,
        future: F,
    ) -> Result<F::Output, std::io::Error> {
        tokio::time::timeout(duration, future)
            .await
            .map_err(|_| std::io::ErrorKind::TimedOut.into())
    }

    fn current_time() -> u64 {
        TokioTime::current_time() - 10 * 86_400
    }
}

impl RuntimeProvider for PastRuntime {
    type Handle = <TokioRuntimeProvider as RuntimeProvider>::Handle;
    type Timer = PastTime;
    type Udp = <TokioRuntimeProvider as RuntimeProvider>::Udp;
    type Tcp = <TokioRuntimeProvider as RuntimeProvider>::Tcp;

    fn create_handle(&self) -> Self::Handle {
        self.0.create_handle()
    }

    fn connect_tcp(
        &self,
        server_addr: SocketAddr,
        bind_addr: Option<SocketAddr>,
        timeout: Option<Duration>,
    ) -> std::pin::Pin<
        Box<dyn Send + std::future::Future<Output = Result<Self::Tcp, std::io::Error>>>,
    > {
        self.0.connect_tcp(server_addr, bind_addr, timeout)
    }

    fn bind_udp(
        &self,
        local_addr: SocketAddr,
        server_addr: SocketAddr,
    ) -> std::pin::Pin<
        Box<dyn Send + std::future::Future<Output = Result<Self::Udp, std::io::Error>>>,
    > {
        self.0.bind_udp(local_addr, server_addr)
    }
}

fn has_label(name: &Name, label: &str) -> bool {
    name.iter()
        .any(|l| l.eq_ignore_ascii_case(label.as_bytes()))
}

#[async_trait::async_trait]
impl RequestHandler for Handler {
    async fn handle_request<R: ResponseHandler, T: Time>(
        &self,
        request: &Request,
        mut response: R,
    ) -> ResponseInfo {
        let name: Option<Name> = request.queries.queries().first().map(|q| q.name().into());
        if let Some(name) = &name {
            if has_label(name, "blackhole") {
                // Say nothing: hold the request longer than any client waits.
                tokio::time::sleep(Duration::from_secs(120)).await;
            }
            if has_label(name, "truncated") && request.protocol() == Protocol::Udp {
                // An empty answer with TC set: the client must retry over TCP.
                let mut metadata = Metadata::new(
                    request.metadata.id,
                    MessageType::Response,
                    request.metadata.op_code,
                );
                metadata.truncation = true;
                metadata.authoritative = true;
                let msg =
                    MessageResponseBuilder::new(&request.queries, None).build_no_records(metadata);
                return response.send_response(msg).await.expect("send truncated");
            }
            if has_label(name, "servfail") {
                let msg = MessageResponseBuilder::new(&request.queries, None)
                    .error_msg(&request.metadata, ResponseCode::ServFail);
                return response.send_response(msg).await.expect("send SERVFAIL");
            }
        }
        let Some(query) = request.queries.queries().first() else {
            let msg = MessageResponseBuilder::new(&request.queries, None)
                .error_msg(&request.metadata, ResponseCode::FormErr);
            return response.send_response(msg).await.expect("send FORMERR");
        };
        match self.route(query.name(), query.query_type()) {
            Some(catalog) => catalog.handle_request::<R, T>(request, response).await,
            None => {
                let msg = MessageResponseBuilder::new(&request.queries, None)
                    .error_msg(&request.metadata, ResponseCode::Refused);
                response.send_response(msg).await.expect("send REFUSED")
            }
        }
    }
}

/// A zone file for `origin` with a SOA and NS, followed by `records`
/// (relative names allowed).
pub fn zone(origin: &str, records: &str) -> String {
    format!(
        "$ORIGIN {origin}.\n$TTL 60\n@ IN SOA ns.{origin}. hostmaster.{origin}. 1 3600 600 86400 60\n@ IN NS ns.{origin}.\nns IN A 127.0.0.1\n{records}\n"
    )
}
