//! Scripted SMTP peers behind the engine's connector seam: in memory, on
//! the test's own runtime, so deadlines and retries run under tokio's
//! paused clock without a single real sleep.

use smtpcheck::probe::connect::{Connecting, Connection, Connector};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader, ReadBuf};

/// What a peer does on a connection to one port.
#[derive(Clone)]
pub enum Behaviour {
    /// Greets with 220 and answers each command line with `respond`.
    Smtp(Arc<dyn Fn(&str) -> String + Send + Sync>),
    /// The same, but the greeting comes only after this long (a tarpit).
    SlowSmtp(Duration, Arc<dyn Fn(&str) -> String + Send + Sync>),
    /// The connection attempt never completes (a filtering firewall).
    Silent,
    /// Accepts after `delay`, then says nothing.
    AcceptAfter(Duration),
    /// The connector itself panics (a bug in smtpcheck's engine).
    Panic,
}

/// A scripted network: what each port does, and what was seen.
#[derive(Clone)]
pub struct Network {
    by_port: Arc<dyn Fn(u16) -> Behaviour + Send + Sync>,
    /// Command lines received, over every connection.
    pub received: Arc<Mutex<Vec<String>>>,
    open: Arc<AtomicUsize>,
    /// The most connections (or attempts) in flight at once.
    pub max_open: Arc<AtomicUsize>,
    /// Every connection attempt, on any port.
    tried: Arc<AtomicUsize>,
}

impl std::fmt::Debug for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("scripted network")
    }
}

impl Network {
    pub fn new(by_port: impl Fn(u16) -> Behaviour + Send + Sync + 'static) -> Self {
        Self {
            by_port: Arc::new(by_port),
            received: Default::default(),
            open: Default::default(),
            max_open: Default::default(),
            tried: Default::default(),
        }
    }

    /// Every port speaks SMTP with `respond`.
    pub fn smtp(respond: impl Fn(&str) -> String + Send + Sync + 'static) -> Self {
        let respond: Arc<dyn Fn(&str) -> String + Send + Sync> = Arc::new(respond);
        Self::new(move |_| Behaviour::Smtp(respond.clone()))
    }

    /// How many connections were attempted, on any port.
    pub fn attempts(&self) -> usize {
        self.tried.load(Ordering::SeqCst)
    }

    pub fn count(&self, verb: &str) -> usize {
        self.received
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.to_ascii_uppercase().starts_with(verb))
            .count()
    }

    fn enter(&self) -> Slot {
        let now = self.open.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_open.fetch_max(now, Ordering::SeqCst);
        Slot(self.open.clone())
    }
}

/// One connection (or attempt) in flight; counted until dropped.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A stream that holds its slot while open.
struct Counted<S> {
    inner: S,
    _slot: Slot,
}

impl<S: AsyncRead + Unpin> AsyncRead for Counted<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Counted<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

impl Connector for Network {
    fn connect(&self, to: SocketAddr) -> Connecting {
        let behaviour = (self.by_port)(to.port());
        self.tried.fetch_add(1, Ordering::SeqCst);
        let slot = self.enter();
        let received = self.received.clone();
        Box::pin(async move {
            let (client, server) = tokio::io::duplex(64 * 1024);
            match behaviour {
                Behaviour::Panic => panic!("scripted connector failure"),
                Behaviour::Silent => std::future::pending::<()>().await,
                Behaviour::AcceptAfter(delay) => {
                    tokio::time::sleep(delay).await;
                    tokio::spawn(async move {
                        let _held = server;
                        std::future::pending::<()>().await
                    });
                }
                Behaviour::Smtp(respond) => {
                    tokio::spawn(serve(server, Duration::ZERO, respond, received));
                }
                Behaviour::SlowSmtp(wait, respond) => {
                    tokio::spawn(serve(server, wait, respond, received));
                }
            }
            Ok(Connection {
                stream: Box::new(Counted {
                    inner: client,
                    _slot: slot,
                }),
                local: Some("127.0.0.1".parse().unwrap()),
            })
        })
    }
}

async fn serve(
    stream: tokio::io::DuplexStream,
    greeting_after: Duration,
    respond: Arc<dyn Fn(&str) -> String + Send + Sync>,
    received: Arc<Mutex<Vec<String>>>,
) {
    let (read, mut write) = tokio::io::split(stream);
    let mut lines = BufReader::new(read).lines();
    tokio::time::sleep(greeting_after).await;
    if write.write_all(b"220 peer.test ESMTP\r\n").await.is_err() {
        return;
    }
    while let Ok(Some(line)) = lines.next_line().await {
        received.lock().unwrap().push(line.clone());
        let reply = respond(&line);
        if write.write_all(reply.as_bytes()).await.is_err() {
            return;
        }
        if line.eq_ignore_ascii_case("QUIT") {
            return;
        }
    }
}

/// Ordinary answers: EHLO with `capabilities`, 250 to MAIL, `rcpt` to
/// RCPT, 250 to RSET, 221 to QUIT.
pub fn answers(rcpt: &'static str) -> impl Fn(&str) -> String + Send + Sync + Clone {
    move |line: &str| {
        let verb = line
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" => "250-peer.test\r\n250 8BITMIME\r\n".into(),
            "MAIL" => "250 2.1.0 Ok\r\n".into(),
            "RCPT" => format!("{rcpt}\r\n"),
            "QUIT" => "221 2.0.0 Bye\r\n".into(),
            _ => "250 2.0.0 Ok\r\n".into(),
        }
    }
}
