//! An in-process authoritative DNS server (hickory-server) serving test zones
//! written in zone-file syntax, on 127.0.0.1 (UDP and TCP, same port).
//!
//! Some names misbehave on purpose: any name with a label `servfail` gets
//! SERVFAIL, one with a label `blackhole` gets no answer at all (the client
//! must time out), and one with a label `truncated` gets an empty, truncated
//! answer over UDP (the client must retry over TCP, where it is answered).

use super::RT;
use hickory_server::net::runtime::{Time, TokioRuntimeProvider};
use hickory_server::net::xfer::Protocol;
use hickory_server::proto::op::{MessageType, Metadata, ResponseCode};
use hickory_server::proto::rr::{LowerName, Name};
use hickory_server::proto::serialize::txt::Parser;
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, MessageResponseBuilder, ZoneType};
use hickory_server::Server;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, UdpSocket};

pub struct TestDns {
    pub addr: SocketAddr,
    _server: Server<Handler>,
}

impl TestDns {
    /// Serves every zone in `zones` (each a zone file with its own $ORIGIN and SOA).
    pub fn start(zones: &[&str]) -> Self {
        let mut catalog = Catalog::new();
        for text in zones {
            let (origin, records) = Parser::new(*text, None, None)
                .parse()
                .unwrap_or_else(|e| panic!("test zone does not parse: {e}\n{text}"));
            let handler = InMemoryZoneHandler::<TokioRuntimeProvider>::new(
                origin.clone(),
                records,
                ZoneType::Primary,
                AxfrPolicy::Deny,
            )
            .expect("valid zone");
            catalog.upsert(LowerName::new(&origin), vec![Arc::new(handler)]);
        }
        let handler = Handler { catalog };
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

pub struct Handler {
    catalog: Catalog,
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
        self.catalog.handle_request::<R, T>(request, response).await
    }
}

/// A zone file for `origin` with a SOA and NS, followed by `records`
/// (relative names allowed).
pub fn zone(origin: &str, records: &str) -> String {
    format!(
        "$ORIGIN {origin}.\n$TTL 60\n@ IN SOA ns.{origin}. hostmaster.{origin}. 1 3600 600 86400 60\n@ IN NS ns.{origin}.\nns IN A 127.0.0.1\n{records}\n"
    )
}
