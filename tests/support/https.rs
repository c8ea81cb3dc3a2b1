//! A fake HTTPS host for MTA-STS policies: answers every request with one
//! canned response over TLS, on port 443 of a loopback address.

use super::RT;
use rustls::ServerConfig;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

pub struct FakeHttps {
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeHttps {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeHttps {
    /// `None` when port 443 cannot be bound (not root).
    pub fn start(ip: &str, tls: Arc<ServerConfig>, response: Vec<u8>) -> Option<Self> {
        let listener = RT.block_on(TcpListener::bind((ip, 443))).ok()?;
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
                    let _ = tls.shutdown().await;
                });
            }
        });
        Some(Self { task })
    }
}

/// An HTTP/1.0 response with this status line, content type and body.
pub fn response(status: &str, content_type: &str, extra: &str, body: &str) -> Vec<u8> {
    format!("HTTP/1.0 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{extra}\r\n{body}", body.len()).into_bytes()
}
