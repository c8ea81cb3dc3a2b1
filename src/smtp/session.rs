//! An SMTP client session over any byte stream, with a deadline on every wait
//! and a transcript of every line.
//!
//! The session knows nothing of sockets or TLS: the probe hands it a TCP
//! stream, and a STARTTLS upgrade takes the stream out with
//! [`Session::into_parts`] and puts the TLS stream back with
//! [`Session::from_parts`], keeping the transcript.

use super::command::Command;
use super::reply::{escape_bytes, Reply, ReplyDecoder, ReplyError};
use serde::Serialize;
use std::io;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::Instant;

/// Size of one read from the socket; together with the codec's line limit it
/// bounds what a session buffers.
const READ_CHUNK: usize = 4096;

/// Who wrote a transcript line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Sent,
    Received,
    /// Something smtpcheck observed or did that is not a line on the wire.
    Note,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TranscriptLine {
    pub dir: Direction,
    /// Milliseconds since the connection attempt started.
    pub t_ms: f64,
    pub text: String,
    /// The line travelled inside TLS.
    pub tls: bool,
}

/// Any byte stream a session can run over: plain TCP, or TLS after STARTTLS.
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}
pub type BoxStream = Box<dyn Stream>;

pub type Transcript = Vec<TranscriptLine>;

/// Why a wait for the server ended without a reply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    #[error("no complete reply within {:.1} s{}", waited.as_secs_f64(), partial_note(*partial))]
    Timeout { waited: Duration, partial: usize },
    #[error("the server closed the connection{}", partial_note(*partial))]
    Closed { partial: usize },
    #[error("connection error: {message}")]
    Io {
        kind: io::ErrorKind,
        message: String,
    },
    #[error("protocol error: {0}")]
    Protocol(#[from] ReplyError),
}

fn partial_note(partial: usize) -> String {
    match partial {
        0 => String::new(),
        n => format!(" (after {n} bytes of an unfinished line)"),
    }
}

impl SessionError {
    fn io(e: io::Error) -> Self {
        Self::Io {
            kind: e.kind(),
            message: e.to_string(),
        }
    }

    /// A short stable name for JSON (`timeout`, `closed`, `reset`, `io`, `protocol`).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Timeout { .. } => "timeout",
            Self::Closed { .. } => "closed",
            Self::Io {
                kind: io::ErrorKind::ConnectionReset,
                ..
            } => "reset",
            Self::Io { .. } => "io",
            Self::Protocol(_) => "protocol",
        }
    }
}

/// Timing and limits a session runs under.
#[derive(Debug, Clone, Copy)]
pub struct Deadlines {
    /// The longest any single wait (one reply, one write) may take.
    pub step: Duration,
    /// Nothing waits past this instant, whatever the step allows.
    pub overall: Instant,
}

impl Deadlines {
    /// The instant the wait starting now must end.
    pub fn next(&self) -> Instant {
        (Instant::now() + self.step).min(self.overall)
    }
}

/// Told what a session starts waiting for ("greeting", "reply to EHLO"),
/// so a progress line can say it. The session does not know who listens.
#[derive(Clone)]
pub struct OnWait(pub std::sync::Arc<dyn Fn(&str) + Send + Sync>);

impl std::fmt::Debug for OnWait {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OnWait")
    }
}

/// The part of a session that survives a change of stream (STARTTLS).
#[derive(Debug)]
pub struct SessionState {
    decoder: ReplyDecoder,
    transcript: Transcript,
    origin: Instant,
    deadlines: Deadlines,
    encrypted: bool,
    /// The verb of the last command sent (None: nothing sent, so the
    /// greeting is awaited).
    last_verb: Option<&'static str>,
    on_wait: Option<OnWait>,
}

impl SessionState {
    /// A fresh state: nothing buffered, nothing said yet.
    pub fn new(origin: Instant, deadlines: Deadlines) -> Self {
        Self {
            decoder: ReplyDecoder::new(),
            transcript: Vec::new(),
            origin,
            deadlines,
            encrypted: false,
            last_verb: None,
            on_wait: None,
        }
    }

    /// From now on, tell `on_wait` what each read waits for.
    pub fn set_on_wait(&mut self, on_wait: OnWait) {
        self.on_wait = Some(on_wait);
    }

    fn waiting(&self) {
        // Every read of every probe passes here: words only for a listener.
        if self.on_wait.is_none() {
            return;
        }
        match self.last_verb {
            None => self.waiting_for("greeting"),
            Some(verb) => self.waiting_for(&format!("reply to {verb}")),
        }
    }

    /// Tells the listener, if any, that `what` is awaited now.
    pub fn waiting_for(&self, what: &str) {
        if let Some(OnWait(tell)) = &self.on_wait {
            tell(what);
        }
    }

    /// Bytes the server sent that no reply has consumed yet. After a reply to
    /// STARTTLS this must be empty: anything else arrived in plaintext before
    /// the handshake (the CVE-2011-0411 class of injection).
    pub fn unread(&self) -> &[u8] {
        self.decoder.pending()
    }

    /// From now on the stream is encrypted (marks transcript lines).
    pub fn set_encrypted(&mut self) {
        self.encrypted = true;
    }

    pub fn note(&mut self, text: impl Into<String>) {
        self.record(Direction::Note, text.into());
    }

    fn record(&mut self, dir: Direction, text: String) {
        let t_ms = millis(self.origin.elapsed());
        let tls = self.encrypted;
        self.transcript.push(TranscriptLine {
            dir,
            t_ms,
            text,
            tls,
        });
    }

    pub fn deadlines(&self) -> Deadlines {
        self.deadlines
    }

    pub fn into_transcript(self) -> Transcript {
        self.transcript
    }
}

pub struct Session<S> {
    stream: S,
    state: SessionState,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Session<S> {
    /// Starts a session on a connected stream; `origin` is when the connection
    /// attempt began, so transcript times include the connect.
    pub fn new(stream: S, origin: Instant, deadlines: Deadlines) -> Self {
        Self {
            stream,
            state: SessionState::new(origin, deadlines),
        }
    }

    pub fn into_parts(self) -> (S, SessionState) {
        (self.stream, self.state)
    }

    pub fn from_parts(stream: S, state: SessionState) -> Self {
        Self { stream, state }
    }

    /// Tells `on_wait` what each read waits for.
    pub fn on_wait(mut self, on_wait: OnWait) -> Self {
        self.state.set_on_wait(on_wait);
        self
    }

    /// The same session under other deadlines.
    pub fn with_deadlines(mut self, deadlines: Deadlines) -> Self {
        self.state.deadlines = deadlines;
        self
    }

    pub fn transcript(&self) -> &Transcript {
        &self.state.transcript
    }

    pub fn into_transcript(self) -> Transcript {
        self.state.transcript
    }

    /// Adds a line of our own to the transcript.
    pub fn note(&mut self, text: impl Into<String>) {
        self.state.note(text);
    }

    fn record(&mut self, dir: Direction, text: String) {
        self.state.record(dir, text);
    }

    /// Reads one complete reply, or fails when the deadline passes: the
    /// deadline covers the whole reply, so a server that drips a byte at a
    /// time still ends the wait on time.
    pub async fn read_reply(&mut self) -> Result<Reply, SessionError> {
        self.state.waiting();
        let started = Instant::now();
        let deadline = self.state.deadlines.next();
        match tokio::time::timeout_at(deadline, self.read_reply_unbounded()).await {
            Ok(result) => result,
            Err(_) => {
                let partial = self.state.decoder.buffered();
                self.note(format!(
                    "gave up waiting after {:.1} s",
                    started.elapsed().as_secs_f64()
                ));
                Err(SessionError::Timeout {
                    waited: started.elapsed(),
                    partial,
                })
            }
        }
    }

    async fn read_reply_unbounded(&mut self) -> Result<Reply, SessionError> {
        let mut buf = [0u8; READ_CHUNK];
        loop {
            match self.state.decoder.next_line() {
                Ok(Some(decoded)) => {
                    self.record(Direction::Received, escape_bytes(&decoded.line.raw));
                    if let Some(reply) = decoded.reply {
                        return Ok(reply);
                    }
                    continue;
                }
                Ok(None) => {}
                Err(e) => {
                    self.note(format!("protocol error: {e}"));
                    return Err(e.into());
                }
            }
            let n = self.stream.read(&mut buf).await.map_err(SessionError::io)?;
            if n == 0 {
                let partial = self.state.decoder.buffered();
                self.note("connection closed by the server");
                return Err(SessionError::Closed { partial });
            }
            self.state.decoder.feed(&buf[..n]);
        }
    }

    /// A reply the server sent unasked (a 421 before it closes), when one
    /// is already here; never waits. A line still arriving stays buffered.
    pub async fn unsolicited(&mut self) -> Option<Result<Reply, SessionError>> {
        tokio::time::timeout(Duration::ZERO, self.read_reply_unbounded())
            .await
            .ok()
    }

    /// Waits, with no deadline, for whatever the server says next: the
    /// interactive session's watch while a person is at the prompt. Safe to
    /// cancel: a line still arriving stays buffered.
    pub async fn next_unasked(&mut self) -> Result<Reply, SessionError> {
        self.read_reply_unbounded().await
    }

    /// Sends one command line (CRLF added) under the step deadline.
    pub async fn send(&mut self, command: &Command) -> Result<(), SessionError> {
        self.write_lines(std::slice::from_ref(command)).await
    }

    /// Writes several commands in one write without reading anything.
    pub async fn send_group(&mut self, commands: &[Command]) -> Result<(), SessionError> {
        self.write_lines(commands).await
    }

    async fn write_lines(&mut self, commands: &[Command]) -> Result<(), SessionError> {
        let mut wire = Vec::new();
        for command in commands {
            wire.extend_from_slice(command.line().as_bytes());
            wire.extend_from_slice(b"\r\n");
            self.record(Direction::Sent, command.shown().to_string());
            self.state.last_verb = Some(command.verb());
        }
        self.write_bounded(&wire).await
    }

    /// Sends message bytes under the step deadline: after a 354 the
    /// dot-stuffed message ending in `.` CRLF (`dotted`), or a BDAT chunk.
    /// The transcript shows the size, not the content.
    pub async fn send_message(&mut self, message: &[u8], dotted: bool) -> Result<(), SessionError> {
        let lines = message.iter().filter(|&&b| b == b'\n').count();
        if dotted {
            self.note(format!(
                "message: {} bytes in {lines} lines, dot-stuffed (RFC 5321 §4.5.2)",
                message.len()
            ));
            self.record(Direction::Sent, ".".to_string());
        } else {
            self.note(format!("message: {} bytes in {lines} lines", message.len()));
        }
        self.write_bounded(message).await
    }

    /// Writes and flushes `bytes` under the step deadline.
    async fn write_bounded(&mut self, bytes: &[u8]) -> Result<(), SessionError> {
        let deadline = self.state.deadlines.next();
        let write = async {
            self.stream.write_all(bytes).await?;
            self.stream.flush().await
        };
        match tokio::time::timeout_at(deadline, write).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(SessionError::io(e)),
            Err(_) => Err(SessionError::Timeout {
                waited: self.state.deadlines.step,
                partial: 0,
            }),
        }
    }

    /// Sends a command and reads its reply.
    pub async fn command(&mut self, command: &Command) -> Result<Reply, SessionError> {
        self.send(command).await?;
        self.read_reply().await
    }

    /// Sends several commands in one write and reads their replies in order
    /// (RFC 2920 §3.1: only when the server advertised PIPELINING). Each reply
    /// comes with the time since the previous one (the first: since the write).
    /// Reading stops at the first error, which is then the last element.
    pub async fn pipeline(
        &mut self,
        commands: &[Command],
    ) -> Vec<Timed<Result<Reply, SessionError>>> {
        self.note(format!(
            "PIPELINING: sending {} commands in one write (RFC 2920)",
            commands.len()
        ));
        let mut since = Instant::now();
        if let Err(e) = self.write_lines(commands).await {
            return vec![Timed::since(since, Err(e))];
        }
        let mut replies = Vec::with_capacity(commands.len());
        for _ in commands {
            let reply = self.read_reply().await;
            let failed = reply.is_err();
            replies.push(Timed::since(since, reply));
            since = Instant::now();
            if failed {
                break;
            }
        }
        replies
    }

    /// Best-effort QUIT: sends it and waits briefly for the 221, ignoring
    /// failure (the server may already have gone). Waits at most
    /// [`QUIT_GRACE`], so politeness never costs a full step timeout.
    pub async fn quit(&mut self) {
        let saved = self.state.deadlines;
        self.state.deadlines.step = saved.step.min(QUIT_GRACE);
        let _ = self.command(&Command::quit()).await;
        self.state.deadlines = saved;
    }
}

/// How long a courtesy QUIT may wait for its 221.
pub const QUIT_GRACE: Duration = Duration::from_secs(2);

/// A result and how long it took.
#[derive(Debug, Clone, PartialEq)]
pub struct Timed<T> {
    pub value: T,
    pub elapsed: Duration,
}

impl<T> Timed<T> {
    pub fn since(start: Instant, value: T) -> Self {
        Self {
            value,
            elapsed: start.elapsed(),
        }
    }
}

/// Milliseconds with microsecond resolution: loopback steps take well under 1 ms.
pub fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::duplex;

    fn deadlines(ms: u64) -> Deadlines {
        Deadlines {
            step: Duration::from_millis(ms),
            overall: Instant::now() + Duration::from_secs(60),
        }
    }

    #[tokio::test]
    async fn command_and_reply_are_transcribed() {
        let (client, mut server) = duplex(1024);
        let mut session = Session::new(client, Instant::now(), deadlines(2000));
        let server_task = tokio::spawn(async move {
            server.write_all(b"220 hi\r\n").await.unwrap();
            let mut buf = [0u8; 64];
            let n = server.read(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], b"NOOP\r\n");
            server.write_all(b"250-ok\r\n250 done\r\n").await.unwrap();
            server
        });
        assert_eq!(session.read_reply().await.unwrap().code, 220);
        let reply = session.command(&Command::noop()).await.unwrap();
        assert_eq!(reply.text(), "ok\ndone");
        let t = session.transcript();
        let dirs: Vec<_> = t.iter().map(|l| (l.dir, l.text.as_str())).collect();
        assert_eq!(
            dirs,
            [
                (Direction::Received, "220 hi"),
                (Direction::Sent, "NOOP"),
                (Direction::Received, "250-ok"),
                (Direction::Received, "250 done"),
            ]
        );
        drop(server_task.await.unwrap());
    }

    #[tokio::test(start_paused = true)]
    async fn deadline_covers_the_whole_reply_not_each_byte() {
        let (client, mut server) = duplex(1024);
        let mut session = Session::new(client, Instant::now(), deadlines(3000));
        tokio::spawn(async move {
            // one byte a second, forever: an idle timeout would never fire
            loop {
                if server.write_all(b"2").await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
        let err = session.read_reply().await.unwrap_err();
        match err {
            SessionError::Timeout { waited, partial } => {
                assert!(waited <= Duration::from_millis(3100), "{waited:?}");
                assert!(partial >= 2, "{partial}");
            }
            other => panic!("expected timeout, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn closed_connection_is_named() {
        let (client, server) = duplex(64);
        drop(server);
        let mut session = Session::new(client, Instant::now(), deadlines(1000));
        assert_eq!(
            session.read_reply().await.unwrap_err(),
            SessionError::Closed { partial: 0 }
        );
    }

    #[tokio::test]
    async fn protocol_error_is_returned_and_noted() {
        let (client, mut server) = duplex(64);
        server.write_all(b"250-a\r\n354 b\r\n").await.unwrap();
        let mut session = Session::new(client, Instant::now(), deadlines(1000));
        let err = session.read_reply().await.unwrap_err();
        assert_eq!(err.kind(), "protocol");
        assert!(session
            .transcript()
            .last()
            .unwrap()
            .text
            .contains("continuation"));
    }

    #[tokio::test]
    async fn pipeline_writes_once_and_reads_in_order() {
        let (client, mut server) = duplex(1024);
        let mut session = Session::new(client, Instant::now(), deadlines(2000));
        let cmds = [
            Command::mail_from("").unwrap(),
            Command::rcpt_to("a@b.test").unwrap(),
        ];
        let server_task = tokio::spawn(async move {
            let mut buf = [0u8; 128];
            let mut got = Vec::new();
            while !got.ends_with(b"RCPT TO:<a@b.test>\r\n") {
                let n = server.read(&mut buf).await.unwrap();
                got.extend_from_slice(&buf[..n]);
            }
            server
                .write_all(b"250 2.1.0 ok\r\n550 5.1.1 no\r\n")
                .await
                .unwrap();
            (got, server)
        });
        let replies = session.pipeline(&cmds).await;
        let codes: Vec<u16> = replies
            .iter()
            .map(|r| r.value.as_ref().unwrap().code)
            .collect();
        assert_eq!(codes, [250, 550]);
        let (got, _server) = server_task.await.unwrap();
        assert_eq!(got, b"MAIL FROM:<>\r\nRCPT TO:<a@b.test>\r\n");
    }
}
