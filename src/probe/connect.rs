//! How the engine opens connections: one seam above the session, so tests
//! can put scripted peers behind it (in memory, under tokio's paused clock)
//! and the real thing is plain TCP.

use crate::smtp::BoxStream;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;

/// An open connection and this side's address of it (what the server sees).
pub struct Connection {
    pub stream: BoxStream,
    pub local: Option<IpAddr>,
}

pub type Connecting = Pin<Box<dyn Future<Output = io::Result<Connection>> + Send>>;

/// Opens connections for the engine.
pub trait Connector: Send + Sync + std::fmt::Debug {
    fn connect(&self, to: SocketAddr) -> Connecting;
}

/// The connector every run uses unless told otherwise.
pub fn tcp() -> Arc<dyn Connector> {
    Arc::new(Tcp::default())
}

/// TCP from `source` (`--source`): the server sees that address, so a relay
/// test can be repeated from an address it does not trust.
pub fn tcp_from(source: Option<IpAddr>) -> Arc<dyn Connector> {
    Arc::new(Tcp { source })
}

/// Plain TCP with TCP_NODELAY: commands are small and latency matters more
/// than packet count.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tcp {
    /// Bind the client socket to this address before connecting.
    pub source: Option<IpAddr>,
}

impl Connector for Tcp {
    fn connect(&self, to: SocketAddr) -> Connecting {
        let source = self.source;
        Box::pin(async move {
            let tcp = open(to, source).await?;
            let _ = tcp.set_nodelay(true);
            let local = tcp.local_addr().ok().map(|a| a.ip());
            Ok(Connection {
                stream: Box::new(tcp),
                local,
            })
        })
    }
}

/// Opens the TCP connection. Running out of file descriptors (EMFILE,
/// ENFILE: a big scan on a low `ulimit -n`) is our problem, not the
/// server's: wait for a descriptor to free up instead of reporting a
/// failure. The caller's deadline still bounds the wait.
async fn open(socket: SocketAddr, source: Option<IpAddr>) -> io::Result<TcpStream> {
    loop {
        let attempt = match source {
            None => TcpStream::connect(socket).await,
            Some(ip) => from(ip, socket).await,
        };
        match attempt {
            Err(e) if matches!(e.raw_os_error(), Some(libc::ENFILE | libc::EMFILE)) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            other => return other,
        }
    }
}

/// A connection whose local end is `source` (any free port).
async fn from(source: IpAddr, to: SocketAddr) -> io::Result<TcpStream> {
    let socket = match to {
        SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
        SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
    };
    socket.bind(SocketAddr::new(source, 0))?;
    socket.connect(to).await
}
