//! Fetching an MTA-STS policy (RFC 8461 §3.3) with hyper's HTTP/1.1 client
//! over our own verified rustls stream: hyper reads the body by
//! Content-Length or chunks, so a server that closes without a TLS
//! close_notify after a complete body is still read correctly.

use super::connect::Connector;
use crate::dns::Dns;
use crate::tls::TlsClient;
use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper::header::{ACCEPT, CONNECTION, CONTENT_TYPE, HOST, LOCATION, USER_AGENT};
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use std::net::{IpAddr, SocketAddr};
use tokio::time::Instant;

/// RFC 8461 §3.2: policy files are small; refuse more.
pub const MAX_BODY: usize = 64 * 1024;

/// Where the policy host listens: 443 (RFC 8461 §3.3) unless a lab says
/// otherwise.
pub const DEFAULT_PORT: u16 = 443;

/// GET `https://mta-sts.DOMAIN/.well-known/mta-sts.txt` with full
/// certificate verification, no redirects, `text/plain` only, at most
/// [`MAX_BODY`] bytes. Every address (A and AAAA) is tried in turn while
/// connecting or TLS fails, as an HTTP client would; the first HTTP answer,
/// good or bad, is the answer.
pub async fn fetch(
    dns: &Dns,
    connector: &dyn Connector,
    client: &TlsClient,
    domain: &str,
    port: u16,
    deadline: Instant,
) -> Result<String, String> {
    let host = format!("mta-sts.{domain}");
    let addresses = dns
        .addresses(&host, deadline)
        .await
        .map_err(|e| format!("{host}: {e}"))?;
    let mut failures = Vec::new();
    for address in addresses {
        match attempt(connector, client, &host, address, port, deadline).await {
            Attempt::Answered(result) => return result,
            Attempt::Unreachable(why) => failures.push(why),
        }
    }
    match failures.is_empty() {
        true => Err(format!("{host} has no address")),
        false => Err(failures.join("; ")),
    }
}

enum Attempt {
    /// An HTTP response came back: the policy, or why it is unusable.
    Answered(Result<String, String>),
    /// No HTTP conversation with this address: try the next one.
    Unreachable(String),
}

async fn attempt(
    connector: &dyn Connector,
    client: &TlsClient,
    host: &str,
    address: IpAddr,
    port: u16,
    deadline: Instant,
) -> Attempt {
    let at = format!("{host} ({address})");
    let socket = SocketAddr::new(address, port);
    let tcp = match tokio::time::timeout_at(deadline, connector.connect(socket)).await {
        Ok(Ok(c)) => c.stream,
        Ok(Err(e)) => {
            return Attempt::Unreachable(format!(
                "cannot connect to {at} on port {port}: {}",
                crate::observe::conversation::ConnectError::from_io(&e)
            ))
        }
        Err(_) => return Attempt::Unreachable(format!("no answer from {at} on port {port}")),
    };
    let tls = match client.connect_verified(tcp, host, deadline).await {
        Ok(tls) => tls,
        Err(e) => return Attempt::Unreachable(format!("TLS with {host} failed: {e}")),
    };
    match tokio::time::timeout_at(deadline, get(tls, host)).await {
        Ok(result) => result,
        Err(_) => Attempt::Answered(Err(format!("{at} did not send the policy in time"))),
    }
}

/// One GET over an established stream; the body is limited to [`MAX_BODY`].
async fn get<S>(stream: S, host: &str) -> Attempt
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, connection) =
        match hyper::client::conn::http1::handshake(TokioIo::new(stream)).await {
            Ok(pair) => pair,
            Err(e) => return Attempt::Unreachable(format!("HTTP with {host} failed: {e}")),
        };
    // The connection task ends by itself once the response is read; the
    // guard ends it too when we give up first (deadline, body too large).
    let task = AbortOnDrop(tokio::spawn(connection));
    let request = Request::get("/.well-known/mta-sts.txt")
        .header(HOST, host)
        .header(USER_AGENT, concat!("smtpcheck/", env!("CARGO_PKG_VERSION")))
        .header(ACCEPT, "text/plain")
        .header(CONNECTION, "close")
        .body(Empty::<Bytes>::new())
        .expect("a request built from constants");
    let response = match sender.send_request(request).await {
        Ok(r) => r,
        Err(e) => return Attempt::Answered(Err(http_error(host, &e))),
    };
    let (parts, body) = response.into_parts();
    if let Err(why) = acceptable(parts.status, &parts.headers) {
        return Attempt::Answered(Err(why));
    }
    let collected = Limited::new(body, MAX_BODY).collect().await;
    drop(task);
    Attempt::Answered(match collected {
        Ok(body) => Ok(String::from_utf8_lossy(&body.to_bytes()).into_owned()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => {
            Err(format!("the policy is larger than {MAX_BODY} bytes"))
        }
        Err(e) => Err(format!("reading the policy from {host}: {e}")),
    })
}

struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// hyper's words for a failed exchange, made plain for the common case.
fn http_error(host: &str, e: &hyper::Error) -> String {
    if e.is_incomplete_message() {
        format!("{host} closed the connection before a complete response")
    } else if e.is_parse() {
        format!("{host} sent a response that is not HTTP: {e}")
    } else {
        format!("HTTP with {host} failed: {e}")
    }
}

/// RFC 8461 §3.3: a 200 with `text/plain`; redirects MUST NOT be followed.
fn acceptable(status: StatusCode, headers: &hyper::HeaderMap) -> Result<(), String> {
    let header = |name| {
        headers
            .get(name)
            .map(|v: &hyper::header::HeaderValue| {
                String::from_utf8_lossy(v.as_bytes()).into_owned()
            })
            .unwrap_or_default()
    };
    if status.is_redirection() {
        return Err(format!(
            "HTTP {}: a redirect (to {}), which RFC 8461 §3.3 forbids following",
            status.as_u16(),
            header(LOCATION)
        ));
    }
    if status != StatusCode::OK {
        return Err(format!("HTTP status {}, not 200", status.as_u16()));
    }
    let content_type = header(CONTENT_TYPE);
    let media = content_type.split(';').next().unwrap_or("").trim();
    if !media.eq_ignore_ascii_case("text/plain") {
        return Err(format!(
            "Content-Type is \"{content_type}\", not text/plain (RFC 8461 §3.2)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> hyper::HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    hyper::header::HeaderName::from_static(k),
                    v.parse().unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn only_a_plain_text_200_is_a_policy() {
        let plain = headers(&[("content-type", "text/plain; charset=utf-8")]);
        assert!(acceptable(StatusCode::OK, &plain).is_ok());
        assert!(acceptable(StatusCode::OK, &headers(&[("content-type", "TEXT/PLAIN")])).is_ok());
        let html = acceptable(StatusCode::OK, &headers(&[("content-type", "text/html")]));
        assert!(html.unwrap_err().contains("\"text/html\", not text/plain"));
        // text/plainx is another media type, not text/plain with parameters
        assert!(acceptable(StatusCode::OK, &headers(&[("content-type", "text/plainx")])).is_err());
        let moved = acceptable(
            StatusCode::MOVED_PERMANENTLY,
            &headers(&[("location", "https://elsewhere.test/")]),
        );
        assert!(moved
            .unwrap_err()
            .contains("redirect (to https://elsewhere.test/)"));
        let missing = acceptable(StatusCode::NOT_FOUND, &plain);
        assert_eq!(missing.unwrap_err(), "HTTP status 404, not 200");
    }
}
