//! The engine side of `smtpcheck session`: find the exchange as `probe`
//! does, connect to the first address that answers, and upgrade a live
//! session to TLS in place when the person typed STARTTLS. What is said
//! on the connection is the person's; this module only opens, upgrades
//! and observes.

use super::conversation::{upgrade, TlsObservation};
use super::{endpoints_of, plan_of, route, Options};
use crate::dns::Dns;
use crate::observe::dns::MxOutcome;
use crate::observe::Endpoint;
use crate::smtp::{BoxStream, Deadlines, Session, SessionState};
use crate::target::Target;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::time::Instant;

/// A connection that is open, greeting not yet read.
pub struct Opened {
    pub endpoint: Endpoint,
    /// The addresses after it, in the order senders try them.
    pub others: Vec<Endpoint>,
    /// Addresses tried before it, and why each failed.
    pub failed: Vec<(Endpoint, String)>,
    pub session: Session<BoxStream>,
    /// With implicit TLS (port 465, `--tls implicit`): the handshake.
    pub tls: Option<TlsObservation>,
}

/// Why no session could be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("{0}")]
    NoRoute(String),
    #[error("no address of {} answered: {}", .domain, .tried.iter().map(|(e, why)| format!("{e}: {why}")).collect::<Vec<_>>().join("; "))]
    NoneAnswered {
        domain: String,
        tried: Vec<(Endpoint, String)>,
    },
    #[error("implicit TLS with {endpoint} failed: {why}")]
    Tls { endpoint: Endpoint, why: String },
}

/// An interactive session has no overall deadline, only the step one: a
/// person may think for a while between commands.
fn deadlines(opts: &Options) -> Deadlines {
    Deadlines {
        step: opts.step_timeout,
        overall: Instant::now() + Duration::from_secs(7 * 24 * 3600),
    }
}

/// Routes like `probe` (MX in preference order, or `--server`) and
/// connects to the addresses one after the other until one answers.
pub async fn open(dns: &Dns, target: &Target, opts: &Options) -> Result<Opened, OpenError> {
    let deadlines = deadlines(opts);
    let (mx, routes, _) = route(dns, target, opts, deadlines).await;
    let port = opts
        .server
        .as_ref()
        .and_then(|s| s.port)
        .unwrap_or(opts.port);
    // Every address: a person may want the ninth too.
    let endpoints = endpoints_of(&routes, port, usize::MAX);
    if endpoints.is_empty() {
        return Err(OpenError::NoRoute(no_route_words(
            &target.domain,
            mx.map(|m| m.value),
        )));
    }
    let plan = plan_of(opts, deadlines);
    let mut failed = Vec::new();
    for (i, endpoint) in endpoints.iter().enumerate() {
        let socket = SocketAddr::new(endpoint.address, endpoint.port);
        let origin = Instant::now();
        let connect = plan.connector.connect(socket);
        let why = match tokio::time::timeout_at(deadlines.next(), connect).await {
            Ok(Ok(tcp)) => {
                let mut session = Session::new(tcp.stream, origin, deadlines);
                session.note(format!("connected to {endpoint}"));
                let mut opened = Opened {
                    endpoint: endpoint.clone(),
                    others: endpoints[i + 1..].to_vec(),
                    failed,
                    session,
                    tls: None,
                };
                if plan.implicit_tls(endpoint.port) {
                    let (stream, state) = opened.session.into_parts();
                    let (upgraded, tls) = starttls_in_place(stream, state, endpoint, opts).await;
                    let handshake_error = tls.handshake_error();
                    opened.tls = Some(tls);
                    opened.session = upgraded.map_err(|_| OpenError::Tls {
                        endpoint: endpoint.clone(),
                        why: handshake_error.unwrap_or_else(|| "no TLS configuration".into()),
                    })?;
                }
                return Ok(opened);
            }
            Ok(Err(e)) => crate::words::io(&e),
            Err(_) => format!(
                "no connection within {:.0} s",
                opts.step_timeout.as_secs_f64()
            ),
        };
        failed.push((endpoint.clone(), why));
    }
    Err(OpenError::NoneAnswered {
        domain: target.domain.clone(),
        tried: failed,
    })
}

fn no_route_words(domain: &str, mx: Option<MxOutcome>) -> String {
    match mx {
        Some(MxOutcome::NoMailHost) => {
            format!("{domain} publishes a null MX (RFC 7505): it takes no mail")
        }
        Some(MxOutcome::Failed(e)) => format!("no MX for {domain}: {e}"),
        Some(MxOutcome::ResolverDown { .. }) => {
            format!("the resolver did not answer for {domain}")
        }
        _ => format!("no address to connect to for {domain}"),
    }
}

/// The TLS handshake on a live session (after the server's 220 to
/// STARTTLS, or at once for implicit TLS), with what it negotiated and the
/// certificate as `probe` inspects them. `Err` hands the state back: the
/// connection is unusable after a failed handshake.
pub async fn starttls_in_place(
    stream: BoxStream,
    state: SessionState,
    endpoint: &Endpoint,
    opts: &Options,
) -> (Result<Session<BoxStream>, SessionState>, TlsObservation) {
    let plan = plan_of(opts, state.deadlines());
    let implicit = plan.implicit_tls(endpoint.port);
    let mut tls = TlsObservation::new(implicit, true);
    let upgraded = upgrade(stream, state, &mut tls, &endpoint.host, &plan).await;
    (upgraded, tls)
}
