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
    Arc::new(Tcp)
}

/// Plain TCP with TCP_NODELAY: commands are small and latency matters more
/// than packet count.
#[derive(Debug, Clone, Copy)]
pub struct Tcp;

impl Connector for Tcp {
    fn connect(&self, to: SocketAddr) -> Connecting {
        Box::pin(async move {
            let tcp = open(to).await?;
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
async fn open(socket: SocketAddr) -> io::Result<TcpStream> {
    loop {
        match TcpStream::connect(socket).await {
            Err(e) if matches!(e.raw_os_error(), Some(23 | 24)) => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            other => return other,
        }
    }
}
