//! One SMTP conversation with one address: connect, greeting, EHLO, and the
//! test transaction (MAIL, RCPT, RSET, QUIT; never DATA). It only observes:
//! turning what it saw into findings is the job of `checks`.

use super::Stage;
use crate::report::Endpoint;
use crate::smtp::{
    Capabilities, Command, Deadlines, Reply, Session, SessionError, Timed, Transcript,
};
use std::io;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::time::Instant;

/// What went wrong opening the TCP connection.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectError {
    #[error("connection refused")]
    Refused,
    #[error("no answer to the connection attempt within {:.1} s", .0.as_secs_f64())]
    Timeout(Duration),
    #[error("address unreachable: {0}")]
    Unreachable(String),
    #[error("connection failed: {0}")]
    Other(String),
}

impl ConnectError {
    /// The JSON `error_kind`: `refused`, `timeout`, `unreachable` or `other`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Refused => "refused",
            Self::Timeout(_) => "timeout",
            Self::Unreachable(_) => "unreachable",
            Self::Other(_) => "other",
        }
    }

    fn from_io(e: &io::Error) -> Self {
        // ENETUNREACH (101) and EHOSTUNREACH (113) on Linux; the ErrorKind
        // names cover other systems.
        match e.kind() {
            io::ErrorKind::ConnectionRefused => Self::Refused,
            io::ErrorKind::NetworkUnreachable | io::ErrorKind::HostUnreachable => {
                Self::Unreachable(e.to_string())
            }
            _ if matches!(e.raw_os_error(), Some(101 | 113)) => Self::Unreachable(e.to_string()),
            _ => Self::Other(e.to_string()),
        }
    }
}

/// Everything one conversation observed, step by step. A step that was not
/// reached is `None`.
#[derive(Debug, Clone)]
pub struct Observation {
    pub endpoint: Endpoint,
    pub connect: Timed<Result<(), ConnectError>>,
    pub banner: Option<Timed<Result<Reply, SessionError>>>,
    pub ehlo: Option<Timed<Result<Reply, SessionError>>>,
    /// Only when EHLO was refused with 5xx (RFC 5321 §4.1.4 fallback).
    pub helo: Option<Timed<Result<Reply, SessionError>>>,
    pub mail: Option<Timed<Result<Reply, SessionError>>>,
    pub rcpt: Option<Timed<Result<Reply, SessionError>>>,
    /// MAIL, RCPT, RSET and QUIT went out in one write (RFC 2920).
    pub pipelined: bool,
    pub sender: String,
    pub recipient: String,
    pub transcript: Transcript,
}

impl Observation {
    /// Capabilities from a successful EHLO.
    pub fn capabilities(&self) -> Option<Capabilities> {
        match &self.ehlo {
            Some(Timed { value: Ok(r), .. }) if r.is_positive() => Some(Capabilities::from_ehlo(r)),
            _ => None,
        }
    }
}

/// What the conversation says and how long it may take.
#[derive(Debug, Clone)]
pub struct Plan {
    pub stage: Stage,
    pub helo: String,
    pub sender: String,
    pub recipient: String,
    pub deadlines: Deadlines,
}

/// Runs the conversation up to `plan.stage`. Never fails: every failure is an
/// observation.
pub async fn converse(endpoint: Endpoint, plan: &Plan) -> Observation {
    let origin = Instant::now();
    let socket = SocketAddr::new(endpoint.address, endpoint.port);
    let connected =
        tokio::time::timeout_at(plan.deadlines.next(), TcpStream::connect(socket)).await;
    let connect = match connected {
        Ok(Ok(stream)) => Ok(stream),
        Ok(Err(e)) => Err(ConnectError::from_io(&e)),
        Err(_) => Err(ConnectError::Timeout(origin.elapsed())),
    };
    let mut obs = Observation {
        endpoint,
        connect: Timed::since(origin, Ok(())),
        banner: None,
        ehlo: None,
        helo: None,
        mail: None,
        rcpt: None,
        pipelined: false,
        sender: plan.sender.clone(),
        recipient: plan.recipient.clone(),
        transcript: Vec::new(),
    };
    let stream = match connect {
        Ok(stream) => stream,
        Err(e) => {
            obs.transcript.push(crate::smtp::TranscriptLine {
                dir: crate::smtp::Direction::Note,
                t_ms: crate::report::millis(origin.elapsed()),
                text: format!("connect to {socket}: {e}"),
            });
            obs.connect.value = Err(e);
            return obs;
        }
    };
    // Commands are small and latency matters more than packet count.
    let _ = stream.set_nodelay(true);
    let mut session = Session::new(stream, origin, plan.deadlines);
    session.note(format!("connected to {socket}"));
    if plan.stage > Stage::Connect {
        talk(&mut session, &mut obs, plan).await;
    }
    obs.transcript = session.into_transcript();
    obs
}

/// Whether the connection can still carry a QUIT.
fn still_open(result: &Result<Reply, SessionError>) -> bool {
    matches!(result, Ok(_) | Err(SessionError::Protocol(_)))
}

async fn step(
    session: &mut Session<TcpStream>,
    command: Option<&Command>,
) -> Timed<Result<Reply, SessionError>> {
    let start = Instant::now();
    let result = match command {
        Some(c) => session.command(c).await,
        None => session.read_reply().await,
    };
    Timed::since(start, result)
}

async fn talk(session: &mut Session<TcpStream>, obs: &mut Observation, plan: &Plan) {
    // The greeting may span several lines (`220-` ... `220 `): read_reply
    // waits for the final line, so nothing is sent before the whole greeting
    // is in (RFC 5321 §4.3.1; early talkers are what pregreet traps catch).
    let banner = step(session, None).await;
    let greeted = matches!(&banner.value, Ok(r) if r.code == 220);
    let open = still_open(&banner.value);
    obs.banner = Some(banner);
    if !greeted || plan.stage == Stage::Banner {
        if open {
            session.quit().await;
        }
        return;
    }

    let (ehlo_cmd, helo_cmd) = match (Command::ehlo(&plan.helo), Command::helo(&plan.helo)) {
        (Ok(e), Ok(h)) => (e, h),
        // Validated at the command line; a caller of the library gets a skip.
        _ => return,
    };
    let ehlo = step(session, Some(&ehlo_cmd)).await;
    let ehlo_refused = matches!(&ehlo.value, Ok(r) if r.is_permanent());
    let mut greeted = matches!(&ehlo.value, Ok(r) if r.is_positive());
    let mut open = still_open(&ehlo.value);
    obs.ehlo = Some(ehlo);
    if ehlo_refused {
        session.note("EHLO refused; falling back to HELO (RFC 5321 §4.1.4)");
        let helo = step(session, Some(&helo_cmd)).await;
        greeted = matches!(&helo.value, Ok(r) if r.is_positive());
        open = still_open(&helo.value);
        obs.helo = Some(helo);
    }
    if !greeted || plan.stage == Stage::Ehlo {
        if open {
            session.quit().await;
        }
        return;
    }
    transaction(session, obs, plan).await;
}

/// MAIL FROM, RCPT TO, RSET, QUIT. RSET makes the server drop the
/// transaction, so even a server that mishandles QUIT delivers nothing.
async fn transaction(session: &mut Session<TcpStream>, obs: &mut Observation, plan: &Plan) {
    let (Ok(mail), Ok(rcpt)) = (
        Command::mail_from(&plan.sender),
        Command::rcpt_to(&plan.recipient),
    ) else {
        return;
    };
    let pipelining = obs.capabilities().is_some_and(|c| c.has("PIPELINING"));
    if pipelining {
        obs.pipelined = true;
        let mut replies = session
            .pipeline(&[mail, rcpt, Command::rset(), Command::quit()])
            .await
            .into_iter();
        obs.mail = replies.next();
        // A failed MAIL makes the RCPT reply meaningless (503 bad sequence).
        if matches!(&obs.mail, Some(Timed { value: Ok(r), .. }) if r.is_positive()) {
            obs.rcpt = replies.next();
        }
        return;
    }
    let mail_step = step(session, Some(&mail)).await;
    let accepted = matches!(&mail_step.value, Ok(r) if r.is_positive());
    let open = still_open(&mail_step.value);
    obs.mail = Some(mail_step);
    if accepted {
        let rcpt_step = step(session, Some(&rcpt)).await;
        let open = still_open(&rcpt_step.value);
        obs.rcpt = Some(rcpt_step);
        if open {
            let _ = session.command(&Command::rset()).await;
            session.quit().await;
        }
    } else if open {
        session.quit().await;
    }
}
