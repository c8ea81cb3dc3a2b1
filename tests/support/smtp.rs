//! Scripted SMTP servers: well-behaved ones with configurable replies, TLS
//! ones (STARTTLS or implicit), and hostile ones (silent, dripping, flooding,
//! answering STARTTLS with an alert).

use super::RT;
use rustls::ServerConfig;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;

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
    /// Wait, then send these bytes and answer commands.
    Delayed(Vec<u8>, Duration),
    /// Send each part, pausing after it, then answer commands.
    Parts(Vec<(Vec<u8>, Duration)>),
    /// Send this line over and over, forever.
    Endless(Vec<u8>),
    /// Close the connection at once.
    Close,
    /// Send these bytes, then reset the connection.
    ResetAfter(Vec<u8>),
}

/// What the server does with STARTTLS (when not `None`, the responder never sees it).
#[derive(Clone)]
pub enum Upgrade {
    /// The responder answers STARTTLS like any other command.
    None,
    /// 220, then a TLS handshake with this configuration.
    Accept(Arc<ServerConfig>),
    /// 220, read the ClientHello, answer with a fatal TLS alert of this
    /// description (70 = protocol_version, 40 = handshake_failure), close.
    Alert(u8),
    /// Like `Accept`, but commands that arrived before the handshake are
    /// kept and answered inside TLS: the CVE-2011-0411 bug.
    AcceptVulnerable(Arc<ServerConfig>),
    /// 220, then never a byte of handshake.
    Stall,
    /// 220, read the ClientHello, reset the connection.
    Reset,
    /// 220, read the ClientHello, answer with plaintext garbage.
    Garbage,
}

/// How the server answers one command line; the flag says whether the
/// session is inside TLS. `None` closes the connection.
pub type Responder = Arc<dyn Fn(&str, bool) -> Option<Vec<u8>> + Send + Sync>;

#[derive(Clone)]
pub struct Config {
    pub greeting: Greeting,
    pub respond: Responder,
    pub upgrade: Upgrade,
    /// TLS from the first byte with this configuration (RFC 8314).
    pub implicit: Option<Arc<ServerConfig>>,
    /// Every message received after DATA, byte for byte (dot-stuffing and
    /// the final "." line included).
    pub messages: Arc<Mutex<Vec<Vec<u8>>>>,
    /// The TLS server name (SNI) of every STARTTLS handshake ("" for none).
    pub server_names: Arc<Mutex<Vec<String>>>,
}

impl Config {
    pub fn new(respond: Responder) -> Self {
        Self {
            greeting: Greeting::Send(b"220 fake.test ESMTP ready\r\n".to_vec()),
            respond,
            upgrade: Upgrade::None,
            implicit: None,
            messages: Arc::default(),
            server_names: Arc::default(),
        }
    }
}

pub struct FakeSmtp {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<String>>>,
    messages: Arc<Mutex<Vec<Vec<u8>>>>,
    server_names: Arc<Mutex<Vec<String>>>,
    /// The client address of every connection.
    peers: Arc<Mutex<Vec<SocketAddr>>>,
    /// (connections open now, most ever open at once)
    concurrency: Arc<Mutex<(usize, usize)>>,
    task: tokio::task::JoinHandle<()>,
}

/// Counts a connection as open while it lives.
struct Open(Arc<Mutex<(usize, usize)>>);

impl Open {
    fn new(counter: &Arc<Mutex<(usize, usize)>>) -> Self {
        let mut c = counter.lock().unwrap();
        c.0 += 1;
        c.1 = c.1.max(c.0);
        Self(counter.clone())
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.0.lock().unwrap().0 -= 1;
    }
}

impl Drop for FakeSmtp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

type Log = Arc<Mutex<Vec<String>>>;

impl FakeSmtp {
    /// Listens on `bind` ("127.0.0.1:0", "[::1]:0", or a fixed port).
    pub fn start(bind: &str, greeting: Greeting, respond: Responder) -> Self {
        Self::with(
            bind,
            Config {
                greeting,
                ..Config::new(respond)
            },
        )
    }

    pub fn with(bind: &str, config: Config) -> Self {
        let bind: SocketAddr = bind.parse().expect("bind address");
        assert!(bind.ip().is_loopback(), "tests only use loopback");
        let listener = RT
            .block_on(TcpListener::bind(bind))
            .expect("bind fake SMTP server");
        let addr = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let concurrency = Arc::new(Mutex::new((0, 0)));
        let (log, counter) = (received.clone(), concurrency.clone());
        let (messages, server_names) = (config.messages.clone(), config.server_names.clone());
        let peers = Arc::new(Mutex::new(Vec::new()));
        let seen = peers.clone();
        let task = RT.spawn(async move {
            while let Ok((stream, peer)) = listener.accept().await {
                seen.lock().unwrap().push(peer);
                let open = Open::new(&counter);
                let (config, log) = (config.clone(), log.clone());
                tokio::spawn(serve(stream, config, log, open));
            }
        });
        Self {
            addr,
            received,
            messages,
            server_names,
            peers,
            concurrency,
            task,
        }
    }

    /// A well-behaved server that advertises `capabilities` and answers
    /// RCPT with `rcpt_reply`.
    pub fn standard(bind: &str, capabilities: &[&str], rcpt_reply: &str) -> Self {
        Self::with(bind, Config::new(responder(capabilities, rcpt_reply)))
    }

    /// A well-behaved server offering PIPELINING and STARTTLS, which it
    /// handles as `upgrade` says.
    pub fn starttls(upgrade: Upgrade) -> Self {
        Self::with(
            "127.0.0.1:0",
            Config {
                upgrade,
                ..Config::new(responder(&["PIPELINING", "STARTTLS"], "250 2.1.5 Ok"))
            },
        )
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Every message received after DATA, as the bytes on the wire.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        self.messages.lock().unwrap().clone()
    }

    /// The SNI of every STARTTLS handshake ("" when the client sent none).
    pub fn server_names(&self) -> Vec<String> {
        self.server_names.lock().unwrap().clone()
    }

    /// The client address of every connection, in order.
    pub fn peers(&self) -> Vec<SocketAddr> {
        self.peers.lock().unwrap().clone()
    }

    /// The most connections that were ever open at the same time.
    pub fn max_concurrent(&self) -> usize {
        self.concurrency.lock().unwrap().1
    }

    /// Every command line received so far, over all connections.
    pub fn received(&self) -> Vec<String> {
        self.received.lock().unwrap().clone()
    }
}

/// `COMMAND [TARGET] --server` this fake server, in plaintext, with a
/// fixed HELO name.
pub fn plaintext_args(command: &str, target: Option<&str>, smtp: &FakeSmtp) -> Vec<String> {
    let mut args = vec![command.to_string()];
    args.extend(target.map(String::from));
    args.extend(["--server".to_string(), format!("127.0.0.1:{}", smtp.port())]);
    args.extend(["--tls", "off", "--helo", "client.test"].map(String::from));
    args
}

/// `send` to this fake server, in plaintext, from `me@client.test`.
pub fn send_args(smtp: &FakeSmtp) -> Vec<String> {
    let mut args = plaintext_args("send", None, smtp);
    args.extend(["--from", "me@client.test"].map(String::from));
    args
}

/// The usual answers: EHLO with capabilities, 250 to MAIL and RSET, the
/// given reply to RCPT, 221 and close on QUIT, 502 to anything else.
pub fn responder(capabilities: &[&str], rcpt_reply: &str) -> Responder {
    let ehlo = ehlo_reply(capabilities);
    let rcpt = format!("{rcpt_reply}\r\n");
    Arc::new(move |line: &str, _tls: bool| {
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
            "DATA" => b"354 End data with <CR><LF>.<CR><LF>\r\n".to_vec(),
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

async fn linger() {
    tokio::time::sleep(Duration::from_secs(3600)).await;
}

async fn serve(stream: TcpStream, config: Config, log: Log, open: Open) {
    let mut open = Some(open);
    if let Some(tls) = &config.implicit {
        let Ok(mut tls) = TlsAcceptor::from(tls.clone()).accept(stream).await else {
            return;
        };
        if let Greeting::Send(bytes) = &config.greeting {
            if tls.write_all(bytes).await.is_err() {
                return;
            }
        }
        session(tls, &config, &log, true, &mut open).await;
        return;
    }
    let mut stream = stream;
    // Every write its own segment, so drips really arrive a byte at a time.
    let _ = stream.set_nodelay(true);
    match &config.greeting {
        Greeting::Send(bytes) => {
            if stream.write_all(bytes).await.is_err() {
                return;
            }
        }
        Greeting::Never => return linger().await,
        Greeting::Parts(parts) => {
            for (bytes, pause) in parts {
                if stream.write_all(bytes).await.is_err() {
                    return;
                }
                tokio::time::sleep(*pause).await;
            }
        }
        Greeting::Delayed(bytes, wait) => {
            tokio::time::sleep(*wait).await;
            if stream.write_all(bytes).await.is_err() {
                return;
            }
        }
        Greeting::Drip(bytes, every) => {
            for b in bytes {
                if stream.write_all(&[*b]).await.is_err() {
                    return;
                }
                tokio::time::sleep(*every).await;
            }
            return linger().await;
        }
        Greeting::Flood(n) => {
            let chunk = vec![b'2'; 64 * 1024];
            let mut sent = 0;
            while sent < *n {
                if stream.write_all(&chunk).await.is_err() {
                    return;
                }
                sent += chunk.len();
            }
            return linger().await;
        }
        Greeting::Endless(line) => {
            while stream.write_all(line).await.is_ok() {}
            return;
        }
        Greeting::Close => return,
        Greeting::ResetAfter(bytes) => {
            let _ = stream.write_all(bytes).await;
            tokio::time::sleep(Duration::from_millis(50)).await;
            #[allow(deprecated)]
            let _ = stream.set_linger(Some(Duration::ZERO));
            return;
        }
    }
    let Some((mut plain, early)) = session(stream, &config, &log, false, &mut open).await else {
        return;
    };
    match &config.upgrade {
        Upgrade::Accept(tls) => {
            if let Ok(tls) = TlsAcceptor::from(tls.clone()).accept(plain).await {
                let name = tls.get_ref().1.server_name().unwrap_or("").to_string();
                config.server_names.lock().unwrap().push(name);
                session(tls, &config, &log, true, &mut open).await;
            }
        }
        Upgrade::AcceptVulnerable(tls) => {
            if let Ok(mut tls) = TlsAcceptor::from(tls.clone()).accept(plain).await {
                for line in String::from_utf8_lossy(&early).lines() {
                    log.lock().unwrap().push(line.to_string());
                    if let Some(reply) = (config.respond)(line, true) {
                        let _ = tls.write_all(&reply).await;
                    }
                }
                session(tls, &config, &log, true, &mut open).await;
            }
        }
        Upgrade::Alert(description) => {
            let mut hello = [0u8; 512];
            let _ = plain.read(&mut hello).await;
            let _ = plain
                .write_all(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, *description])
                .await;
        }
        Upgrade::Stall => linger().await,
        Upgrade::Garbage => {
            let mut hello = [0u8; 512];
            let _ = plain.read(&mut hello).await;
            let _ = plain.write_all(b"250 this is not TLS at all\r\n").await;
            linger().await;
        }
        Upgrade::Reset => {
            let mut hello = [0u8; 512];
            let _ = plain.read(&mut hello).await;
            // SO_LINGER 0 makes the close a reset; with 0 it never blocks.
            #[allow(deprecated)]
            let _ = plain.set_linger(Some(Duration::ZERO));
            drop(plain);
        }
        Upgrade::None => {}
    }
}

/// Answers command lines until QUIT, a close, or STARTTLS with an upgrade
/// configured, which hands the stream back with the bytes already read past
/// the STARTTLS line.
async fn session<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    config: &Config,
    log: &Log,
    tls: bool,
    open: &mut Option<Open>,
) -> Option<(S, Vec<u8>)> {
    let mut reader = BufReader::new(stream);
    let mut message: Option<Vec<u8>> = None;
    loop {
        let mut raw = Vec::new();
        match reader.read_until(b'\n', &mut raw).await {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
        if let Some(body) = message.as_mut() {
            body.extend_from_slice(&raw);
            if raw == b".\r\n" {
                config
                    .messages
                    .lock()
                    .unwrap()
                    .push(message.take().unwrap_or_default());
                reader
                    .get_mut()
                    .write_all(b"250 2.0.0 Ok: queued as FAKE42\r\n")
                    .await
                    .ok()?;
            }
            continue;
        }
        let line = String::from_utf8_lossy(&raw)
            .trim_end_matches(['\r', '\n'])
            .to_string();
        log.lock().unwrap().push(line.clone());
        // CHUNKING (RFC 3030): BDAT n [LAST], then exactly n bytes.
        if let Some(size) = line
            .strip_prefix("BDAT ")
            .and_then(|r| r.split_whitespace().next()?.parse::<usize>().ok())
        {
            let mut chunk = vec![0u8; size];
            tokio::io::AsyncReadExt::read_exact(&mut reader, &mut chunk)
                .await
                .ok()?;
            config.messages.lock().unwrap().push(chunk);
            reader
                .get_mut()
                .write_all(b"250 2.0.0 Ok: queued as FAKE43\r\n")
                .await
                .ok()?;
            continue;
        }
        if line.eq_ignore_ascii_case("STARTTLS") && !tls && !matches!(config.upgrade, Upgrade::None)
        {
            reader
                .get_mut()
                .write_all(b"220 2.0.0 Ready to start TLS\r\n")
                .await
                .ok()?;
            let early = reader.buffer().to_vec();
            return Some((reader.into_inner(), early));
        }
        if line.eq_ignore_ascii_case("QUIT") {
            // The client is done: it no longer counts as a connection.
            open.take();
        }
        let bytes = (config.respond)(&line, tls)?;
        reader.get_mut().write_all(&bytes).await.ok()?;
        if line.eq_ignore_ascii_case("DATA") && bytes.starts_with(b"354") {
            message = Some(Vec::new());
        }
        // QUIT, and a 421 (RFC 5321 §3.8: the server closes after it), end the session.
        if line.eq_ignore_ascii_case("QUIT") || bytes.starts_with(b"421") {
            return None;
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
