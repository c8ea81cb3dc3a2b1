//! Scripted SMTP servers: well-behaved ones with configurable replies, and
//! hostile ones (silent, dripping, flooding).

use super::RT;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// What the server does when a client connects.
#[derive(Clone)]
pub enum Greeting {
    /// Send these bytes, then answer commands.
    Send(Vec<u8>),
    /// Accept and say nothing, ever.
    Never,
    /// Send these bytes one at a time, `Duration` apart, then stay silent.
    Drip(Vec<u8>, Duration),
    /// Send this many bytes with no line end.
    Flood(usize),
}

/// How the server answers one command line; `None` closes the connection.
pub type Responder = Arc<dyn Fn(&str) -> Option<Vec<u8>> + Send + Sync>;

pub struct FakeSmtp {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeSmtp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeSmtp {
    /// Listens on `bind` ("127.0.0.1:0", "[::1]:0", or a fixed port).
    pub fn start(bind: &str, greeting: Greeting, respond: Responder) -> Self {
        let bind: SocketAddr = bind.parse().expect("bind address");
        assert!(bind.ip().is_loopback(), "tests only use loopback");
        let listener = RT
            .block_on(TcpListener::bind(bind))
            .expect("bind fake SMTP server");
        let addr = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        let task = RT.spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (greeting, respond, log) = (greeting.clone(), respond.clone(), log.clone());
                tokio::spawn(serve(stream, greeting, respond, log));
            }
        });
        Self {
            addr,
            received,
            task,
        }
    }

    /// A well-behaved server that advertises `capabilities` and answers
    /// RCPT with `rcpt_reply`.
    pub fn standard(bind: &str, capabilities: &[&str], rcpt_reply: &str) -> Self {
        Self::start(
            bind,
            Greeting::Send(b"220 fake.test ESMTP ready\r\n".to_vec()),
            responder(capabilities, rcpt_reply),
        )
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Every command line received so far, over all connections.
    pub fn received(&self) -> Vec<String> {
        self.received.lock().unwrap().clone()
    }
}

/// The usual answers: EHLO with capabilities, 250 to MAIL and RSET, the
/// given reply to RCPT, 221 and close on QUIT, 502 to anything else.
pub fn responder(capabilities: &[&str], rcpt_reply: &str) -> Responder {
    let ehlo = ehlo_reply(capabilities);
    let rcpt = format!("{rcpt_reply}\r\n");
    Arc::new(move |line: &str| {
        let verb = line
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        Some(match verb.as_str() {
            "EHLO" => ehlo.clone().into_bytes(),
            "HELO" => b"250 fake.test\r\n".to_vec(),
            "MAIL" | "RSET" | "NOOP" => b"250 2.0.0 Ok\r\n".to_vec(),
            "RCPT" => rcpt.clone().into_bytes(),
            "QUIT" => b"221 2.0.0 Bye\r\n".to_vec(),
            _ => b"502 5.5.2 Error: command not recognized\r\n".to_vec(),
        })
    })
}

/// `250-fake.test` then one line per capability.
pub fn ehlo_reply(capabilities: &[&str]) -> String {
    let mut lines = vec!["fake.test".to_string()];
    lines.extend(capabilities.iter().map(|c| c.to_string()));
    let last = lines.len() - 1;
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| format!("250{}{l}\r\n", if i == last { ' ' } else { '-' }))
        .collect()
}

async fn serve(
    stream: TcpStream,
    greeting: Greeting,
    respond: Responder,
    log: Arc<Mutex<Vec<String>>>,
) {
    let (read, mut write) = stream.into_split();
    match greeting {
        Greeting::Send(bytes) => {
            if write.write_all(&bytes).await.is_err() {
                return;
            }
        }
        Greeting::Never => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            return;
        }
        Greeting::Drip(bytes, every) => {
            for b in bytes {
                if write.write_all(&[b]).await.is_err() {
                    return;
                }
                tokio::time::sleep(every).await;
            }
            tokio::time::sleep(Duration::from_secs(3600)).await;
            return;
        }
        Greeting::Flood(n) => {
            let chunk = vec![b'2'; 64 * 1024];
            let mut sent = 0;
            while sent < n {
                if write.write_all(&chunk).await.is_err() {
                    return;
                }
                sent += chunk.len();
            }
            tokio::time::sleep(Duration::from_secs(3600)).await;
            return;
        }
    }
    let mut lines = BufReader::new(read).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        log.lock().unwrap().push(line.clone());
        let quit = line.eq_ignore_ascii_case("QUIT");
        match respond(&line) {
            Some(bytes) => {
                if write.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            None => return,
        }
        if quit {
            return;
        }
    }
}

/// A port whose accept queue is full, so the kernel drops further SYNs and a
/// connect times out: the loopback stand-in for a firewall that drops packets.
pub struct Blackhole {
    pub addr: SocketAddr,
    _listener: TcpListener,
    _filler: std::net::TcpStream,
}

impl Blackhole {
    pub fn start(ip: &str) -> Self {
        let bind: SocketAddr = format!("{ip}:0").parse().unwrap();
        assert!(bind.ip().is_loopback());
        let listener = RT.block_on(async {
            let socket = tokio::net::TcpSocket::new_v4().unwrap();
            socket.bind(bind).unwrap();
            socket.listen(0).unwrap()
        });
        let addr = listener.local_addr().unwrap();
        // With a backlog of 0, one queued connection fills the queue.
        let filler = std::net::TcpStream::connect(addr).unwrap();
        Self {
            addr,
            _listener: listener,
            _filler: filler,
        }
    }
}
