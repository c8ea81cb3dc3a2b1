//! A fake HTTPS host for MTA-STS policies: answers every request with one
//! canned response over TLS, on a free port of a loopback address (the
//! tests pass it with `--mta-sts-port`).

use super::RT;
use rustls::ServerConfig;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

pub struct FakeHttps {
    port: u16,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeHttps {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// How the host ends each connection after its response.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// TLS close_notify, then FIN.
    CloseNotify,
    /// FIN without close_notify, as Python's http.server does.
    Abrupt,
}

impl FakeHttps {
    pub fn start(ip: &str, tls: Arc<ServerConfig>, response: Vec<u8>) -> Self {
        Self::start_ending(ip, tls, response, Ending::CloseNotify)
    }

    pub fn start_ending(
        ip: &str,
        tls: Arc<ServerConfig>,
        response: Vec<u8>,
        ending: Ending,
    ) -> Self {
        let listener = RT
            .block_on(TcpListener::bind((ip, 0)))
            .expect("a free loopback port");
        let port = listener.local_addr().unwrap().port();
        let acceptor = TlsAcceptor::from(tls);
        let task = RT.spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (acceptor, response) = (acceptor.clone(), response.clone());
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(stream).await else {
                        return;
                    };
                    let mut request = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match tls.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => request.extend_from_slice(&buf[..n]),
                        }
                    }
                    let _ = tls.write_all(&response).await;
                    match ending {
                        Ending::CloseNotify => {
                            let _ = tls.shutdown().await;
                        }
                        Ending::Abrupt => {
                            let _ = tls.flush().await;
                            let (mut tcp, _) = tls.into_inner();
                            let _ = tcp.shutdown().await;
                        }
                    }
                });
            }
        });
        Self { port, task }
    }

    pub fn port(&self) -> u16 {
        self.port
    }
}

/// An HTTP/1.0 response with this status line, content type and body.
pub fn response(status: &str, content_type: &str, extra: &str, body: &str) -> Vec<u8> {
    format!("HTTP/1.0 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{extra}\r\n{body}", body.len()).into_bytes()
}

/// An HTTP/1.1 200 `text/plain` response with `body` in chunks of `size`.
pub fn chunked(body: &str, size: usize) -> Vec<u8> {
    let mut out = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
    for chunk in body.as_bytes().chunks(size) {
        out.extend(format!("{:x}\r\n", chunk.len()).into_bytes());
        out.extend(chunk);
        out.extend(b"\r\n");
    }
    out.extend(b"0\r\n\r\n");
    out
}
