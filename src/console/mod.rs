//! `smtpcheck session`: telnet to port 25 for the TLS era. The person types
//! SMTP; every line goes out as typed with CRLF, every reply comes back
//! whole and explained by the classifier the checks use. Helpers do what is
//! painful by hand (STARTTLS in place, AUTH encoding, DATA dot-stuffing);
//! local commands start with `:`, which no SMTP verb does.
//!
//! The loop is synchronous (a line editor blocks) and drives the async
//! session one step at a time on the caller's runtime; nothing is sent
//! that the person did not type or ask a helper for, and never more than
//! one command at a time (no pipelining).

mod keyboard;
mod screen;

pub use keyboard::{Input, Keyboard, Piped, Tty};
pub use screen::Screen;

use crate::checks::classify::ReplyStage;
use crate::probe::conversation::TlsObservation;
use crate::probe::interactive::{self, Opened};
use crate::probe::Options;
use crate::smtp::auth::{self, Mechanism, Secret};
use crate::smtp::{BoxStream, Capabilities, Command, Reply, Session, SessionError};
use serde::Serialize;
use std::path::PathBuf;
use tokio::runtime::Runtime;

/// What the command line decided for a session.
pub struct Settings {
    /// Print one JSON document at the end instead of the transcript.
    pub json: bool,
    /// Write the transcript here when the session ends.
    pub transcript: Option<PathBuf>,
    /// `--allow-plaintext-auth`: the AUTH helper may send secrets in the clear.
    pub allow_plaintext_auth: bool,
    /// The EHLO name, for the `:headers` Message-ID.
    pub helo: String,
}

/// One command and its reply, as the JSON document lists them.
#[derive(Debug, Clone, Serialize)]
pub struct Exchange {
    /// What was sent as the transcript shows it (secrets as `****`); None
    /// for the greeting and replies the server sent unasked.
    pub sent: Option<String>,
    pub code: u16,
    pub enhanced: Option<String>,
    pub lines: Vec<String>,
    /// The classifier's reading, in one line.
    pub explanation: String,
    /// The cause id when the classifier named one.
    pub cause: Option<String>,
}

/// What the person's next line means.
enum Mode {
    Commands,
    /// After 354: message lines until a lone `.`.
    Message(Vec<String>),
    /// After a 334 to an AUTH the helper does not know: each line answers
    /// a challenge and is a secret.
    Challenge,
    /// After `BDAT n`: the next lines are the chunk's bytes.
    Chunk {
        size: usize,
        bytes: Vec<u8>,
    },
}

/// Whether the loop goes on.
#[derive(PartialEq, Eq)]
enum Flow {
    Go,
    End,
}

struct Console<'a> {
    rt: &'a Runtime,
    opts: &'a Options,
    settings: &'a Settings,
    screen: Screen,
    opened: Opened,
    /// None once the connection is gone.
    session: Option<Session<BoxStream>>,
    tls: Option<TlsObservation>,
    capabilities: Option<Capabilities>,
    mode: Mode,
    /// The reply to the last command the person gave.
    last: Option<u16>,
    exchanges: Vec<Exchange>,
    /// Transcript lines already shown.
    shown: usize,
    /// MAIL FROM and RCPT TO as typed, for `:headers`.
    sender: Option<String>,
    recipients: Vec<String>,
    interrupts: Interrupts,
    /// A Ctrl-C ended the last wait.
    cut_short: bool,
}

/// Ctrl-C while smtpcheck waits on the network (a slow reply, a
/// handshake): the wait ends, as a person pressing it expects, instead of
/// the process dying without QUIT. It counts like a Ctrl-C at the prompt.
struct Interrupts {
    #[cfg(unix)]
    signal: Option<tokio::signal::unix::Signal>,
}

impl Interrupts {
    fn new(rt: &Runtime) -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let signal = rt.block_on(async { signal(SignalKind::interrupt()).ok() });
            Self { signal }
        }
        #[cfg(not(unix))]
        {
            let _ = rt;
            Self {}
        }
    }

    /// `work` to its end, or None when Ctrl-C came first.
    fn wait<T>(&mut self, rt: &Runtime, work: impl std::future::Future<Output = T>) -> Option<T> {
        #[cfg(unix)]
        if let Some(signal) = self.signal.as_mut() {
            return rt.block_on(async {
                tokio::select! {
                    biased;
                    done = work => Some(done),
                    _ = signal.recv() => None,
                }
            });
        }
        Some(rt.block_on(work))
    }

    /// A Ctrl-C that came while nothing was waiting (between two prompts).
    fn pending(&mut self, rt: &Runtime) -> bool {
        #[cfg(unix)]
        if let Some(signal) = self.signal.as_mut() {
            let now =
                async { tokio::time::timeout(std::time::Duration::ZERO, signal.recv()).await };
            return rt.block_on(now).is_ok();
        }
        let _ = rt;
        false
    }
}

/// Runs a session to its end; returns the exit code: 0 when the last reply
/// was positive (2xx, 3xx), 1 transient (4xx), 2 permanent (5xx), 3 when
/// no reply came (no connection, a silent server, a dropped connection).
pub fn run(
    rt: &Runtime,
    dns: &crate::dns::Dns,
    target: &crate::target::Target,
    opts: &Options,
    settings: &Settings,
    keyboard: &mut dyn Keyboard,
    screen: Screen,
) -> Result<u8, String> {
    let opened = rt
        .block_on(interactive::open(dns, target, opts))
        .map_err(|e| e.to_string())?;
    let mut console = Console::new(rt, opts, settings, screen, opened);
    console.announce();
    console.greeting();
    let mut interrupted = false;
    while console.session.is_some() {
        console.unsolicited();
        if console.session.is_none() {
            break;
        }
        if std::mem::take(&mut console.cut_short) {
            // The greeting or the last command's wait ended by Ctrl-C.
            interrupted = true;
            console
                .screen
                .note("(Ctrl-C again sends QUIT and leaves; Ctrl-D too)");
        }
        keyboard.complete_with(console.words());
        let secret = matches!(console.mode, Mode::Challenge);
        let input = match console.interrupts.pending(rt) {
            true => Input::Interrupt,
            false => {
                // While the person types, what the server says unasked (a
                // 421 before it closes) is shown as it arrives.
                let watch = keyboard.printer().and_then(|p| console.watch(p));
                let input = keyboard.line(&console.prompt(), secret);
                if let Some(watch) = watch {
                    console.unwatch(watch);
                }
                input
            }
        };
        match input {
            Input::End => {
                console.leave();
                break;
            }
            Input::Interrupt if interrupted => {
                console.leave();
                break;
            }
            Input::Interrupt => {
                interrupted = true;
                console
                    .screen
                    .note("(Ctrl-C again sends QUIT and leaves; Ctrl-D too)");
            }
            Input::Line(line) => {
                interrupted = false;
                if console.take(&line, keyboard) == Flow::End {
                    break;
                }
            }
        }
    }
    console.finish()
}

impl<'a> Console<'a> {
    fn new(
        rt: &'a Runtime,
        opts: &'a Options,
        settings: &'a Settings,
        screen: Screen,
        mut opened: Opened,
    ) -> Self {
        let session = std::mem::replace(&mut opened.session, dead_session());
        Self {
            rt,
            opts,
            settings,
            screen,
            tls: opened.tls.take(),
            opened,
            session: Some(session),
            capabilities: None,
            mode: Mode::Commands,
            last: None,
            exchanges: Vec::new(),
            shown: 0,
            sender: None,
            recipients: Vec::new(),
            interrupts: Interrupts::new(rt),
            cut_short: false,
        }
    }

    /// Which address, which others exist, which failed first.
    fn announce(&mut self) {
        for (endpoint, why) in &self.opened.failed {
            self.screen
                .note(&format!("{endpoint}: {why}; trying the next"));
        }
        self.show_new_lines();
        if !self.opened.others.is_empty() {
            let others: Vec<String> = self.opened.others.iter().map(|e| e.to_string()).collect();
            self.screen
                .note(&format!("other addresses, not used: {}", others.join(", ")));
        }
        if let Some(tls) = self.tls.clone() {
            self.tls_verdict(&tls);
        }
        self.screen
            .hint("type SMTP commands; :help lists the helpers and local commands");
    }

    fn greeting(&mut self) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        match self.interrupts.wait(self.rt, session.read_reply()) {
            Some(result) => self.answered(None, Some(ReplyStage::Greeting), result),
            None => self.stopped_waiting(),
        }
    }

    /// Lends the session to a task that reads what the server says while
    /// the line editor has the terminal, printing it above the line. Needs
    /// a runtime with a worker thread (the editor blocks this one).
    fn watch(&mut self, print: keyboard::Printer) -> Option<Watching> {
        let session = self.session.take()?;
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let task = self.rt.spawn(watch_unasked(
            session,
            self.screen,
            print,
            self.shown,
            stopped,
        ));
        Some(Watching { stop, task })
    }

    /// Takes the session back; what arrived meanwhile is recorded as if it
    /// had been read here (it is already on the screen).
    fn unwatch(&mut self, watching: Watching) {
        let _ = watching.stop.send(());
        let Ok(watched) = self.rt.block_on(watching.task) else {
            // The task failed inside smtpcheck: the session is lost with it.
            self.screen
                .problem("the connection was lost inside smtpcheck; the session ends");
            return;
        };
        self.session = Some(watched.session);
        self.shown = watched.shown;
        for result in watched.replies {
            match result {
                Ok(exchange) => {
                    self.last = Some(exchange.code);
                    self.exchanges.push(exchange);
                }
                // Already said above the line being edited.
                Err(_) => {
                    self.last = None;
                    self.close();
                }
            }
        }
    }

    /// A reply that arrived while the person was typing (a 421 timeout).
    fn unsolicited(&mut self) {
        let Some(session) = self.session.as_mut() else {
            return;
        };
        if let Some(result) = self.rt.block_on(session.unsolicited()) {
            self.answered(None, None, result);
        }
    }

    fn prompt(&self) -> String {
        match (&self.mode, self.tls_up()) {
            (Mode::Message(_), _) => "data> ".into(),
            (Mode::Challenge, _) => "334> ".into(),
            (Mode::Chunk { .. }, _) => "bdat> ".into(),
            (Mode::Commands, true) => "smtp~> ".into(),
            (Mode::Commands, false) => "smtp> ".into(),
        }
    }

    fn tls_up(&self) -> bool {
        self.tls.as_ref().is_some_and(|t| t.established())
    }

    /// What the line editor completes: the verbs, the extensions the server
    /// advertised and their parameters.
    fn words(&self) -> keyboard::Words {
        keyboard::Words::of(self.capabilities.as_ref(), self.tls_up())
    }

    /// One line from the person.
    fn take(&mut self, line: &str, keyboard: &mut dyn Keyboard) -> Flow {
        match std::mem::replace(&mut self.mode, Mode::Commands) {
            Mode::Message(lines) => self.message_line(lines, line),
            Mode::Challenge => self.challenge_line(line),
            Mode::Chunk { size, bytes } => self.chunk_line(size, bytes, line),
            Mode::Commands => {
                let trimmed = line.trim();
                if trimmed.is_empty() {
                    return Flow::Go;
                }
                if let Some(local) = trimmed.strip_prefix(':') {
                    keyboard.remember(trimmed);
                    return self.local(local);
                }
                let verb = trimmed
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_ascii_uppercase();
                // An AUTH line with an initial response carries a secret; the
                // helper's `AUTH PLAIN user` does not.
                let secret = verb == "AUTH"
                    && self.helper_mechanism(trimmed).is_none()
                    && trimmed.split_whitespace().count() > 2;
                if !secret {
                    keyboard.remember(line);
                }
                self.command(line, &verb, keyboard)
            }
        }
    }

    /// The helper's mechanism when the line is `AUTH PLAIN|LOGIN|CRAM-MD5|XOAUTH2 [user]`.
    fn helper_mechanism(&self, line: &str) -> Option<Mechanism> {
        let mut words = line.split_whitespace().skip(1);
        let mechanism = Mechanism::parse(words.next()?)?;
        let rest: Vec<&str> = words.collect();
        (rest.len() <= 1).then_some(mechanism)
    }

    fn command(&mut self, line: &str, verb: &str, keyboard: &mut dyn Keyboard) -> Flow {
        let command = match Command::typed(line) {
            Ok(c) => c,
            Err(e) => {
                self.screen.problem(&format!("not sent: {e}"));
                return Flow::Go;
            }
        };
        match verb {
            "AUTH" => {
                if let Some(mechanism) = self.helper_mechanism(line) {
                    let user = line.split_whitespace().nth(2).map(str::to_string);
                    return self.auth_helper(mechanism, user, keyboard);
                }
                let reply = self.send_and_read(&command, Some(ReplyStage::Auth));
                if reply == Some(334) {
                    self.mode = Mode::Challenge;
                }
                self.still_open()
            }
            "STARTTLS" => self.starttls(&command),
            "DATA" => {
                if self.send_and_read(&command, Some(ReplyStage::Data)) == Some(354) {
                    self.screen.hint(
                        "message mode: type the message, a line with a lone . ends it; :headers adds Date, Message-ID, From, To, Subject",
                    );
                    self.mode = Mode::Message(Vec::new());
                }
                self.still_open()
            }
            "BDAT" => self.bdat(&command, line),
            "QUIT" => {
                self.send_and_read(&command, None);
                self.close();
                Flow::End
            }
            _ => {
                let stage = match verb {
                    "EHLO" | "HELO" => Some(ReplyStage::Ehlo),
                    "MAIL" => Some(ReplyStage::Mail),
                    "RCPT" => Some(ReplyStage::Rcpt),
                    _ => None,
                };
                let code = self.send_and_read(&command, stage);
                self.remember_envelope(verb, line, code);
                self.still_open()
            }
        }
    }

    /// EHLO teaches the extensions; MAIL and RCPT the envelope `:headers` uses.
    fn remember_envelope(&mut self, verb: &str, line: &str, code: Option<u16>) {
        let positive = code.is_some_and(|c| (200..300).contains(&c));
        let path = || {
            let start = line.find('<')? + 1;
            let end = start + line[start..].find('>')?;
            Some(line[start..end].to_string())
        };
        match verb {
            "MAIL" if positive => {
                self.sender = path();
                self.recipients.clear();
            }
            "RCPT" if positive => self.recipients.extend(path()),
            "RSET" => {
                self.sender = None;
                self.recipients.clear();
            }
            _ => {}
        }
    }

    /// Sends one command and reads its reply; the reply code, if one came.
    fn send_and_read(&mut self, command: &Command, stage: Option<ReplyStage>) -> Option<u16> {
        let session = self.session.as_mut()?;
        let Some(result) = self.interrupts.wait(self.rt, session.command(command)) else {
            self.show_new_lines();
            self.stopped_waiting();
            return None;
        };
        let shown = command.shown().to_string();
        let code = result.as_ref().ok().map(|r| r.code);
        if command.verb() == "EHLO" {
            if let Ok(reply) = &result {
                if reply.is_positive() {
                    self.capabilities = Some(Capabilities::from_ehlo(reply));
                }
            }
        }
        self.answered(Some(shown), stage, result);
        code
    }

    /// Shows what the session recorded and the reply's explanation; a
    /// connection that is gone ends the session.
    fn answered(
        &mut self,
        sent: Option<String>,
        stage: Option<ReplyStage>,
        result: Result<Reply, SessionError>,
    ) {
        self.show_new_lines();
        match result {
            Ok(reply) => {
                let exchange = explained(sent, &reply, stage);
                self.screen.explanation(reply.code, &exchange.explanation);
                self.last = Some(reply.code);
                self.exchanges.push(exchange);
            }
            Err(SessionError::Timeout { waited, .. }) => {
                self.last = None;
                self.screen.problem(&format!(
                    "no reply within {:.1} s (--timeout); the connection stays open",
                    waited.as_secs_f64()
                ));
            }
            Err(SessionError::Protocol(e)) => {
                self.last = None;
                self.screen.problem(&format!(
                    "not an SMTP reply: {e}; the connection stays open"
                ));
            }
            Err(e) => {
                self.last = None;
                self.screen
                    .problem(&format!("{}; the session ends", gone_words(&e)));
                self.close();
            }
        }
    }

    /// Ctrl-C ended a wait: the reply, if it comes, shows as it arrives.
    fn stopped_waiting(&mut self) {
        self.last = None;
        self.cut_short = true;
        self.screen
            .problem("interrupted: no longer waiting; a late reply shows when it arrives");
    }

    fn still_open(&self) -> Flow {
        match self.session {
            Some(_) => Flow::Go,
            None => Flow::End,
        }
    }

    /// Prints the transcript lines recorded since the last call.
    fn show_new_lines(&mut self) {
        let Some(session) = self.session.as_ref() else {
            return;
        };
        let lines = session.transcript();
        for line in &lines[self.shown.min(lines.len())..] {
            self.screen.transcript_line(line);
        }
        self.shown = lines.len();
    }

    /// STARTTLS typed: on 220 the connection is upgraded in place and the
    /// TLS session and certificate are judged as `probe` judges them.
    fn starttls(&mut self, command: &Command) -> Flow {
        if self.send_and_read(command, None) != Some(220) {
            return self.still_open();
        }
        let Some(session) = self.session.take() else {
            return Flow::End;
        };
        let (stream, mut state) = session.into_parts();
        if !state.unread().is_empty() {
            // RFC 3207 §5 and CVE-2011-0411: bytes before the handshake.
            state.note(format!(
                "{} bytes arrived after the 220 and before the handshake: discarded (plaintext injection)",
                state.unread().len()
            ));
        }
        let endpoint = self.opened.endpoint.clone();
        let handshake = interactive::starttls_in_place(stream, state, &endpoint, self.opts);
        let Some((upgraded, tls)) = self.interrupts.wait(self.rt, handshake) else {
            self.screen.problem(
                "interrupted during the TLS handshake: the connection is gone; the session ends",
            );
            self.last = None;
            return Flow::End;
        };
        match upgraded {
            Ok(session) => {
                self.session = Some(session);
                self.show_new_lines();
                self.capabilities = None;
                self.tls_verdict(&tls);
                self.tls = Some(tls);
                self.screen
                    .hint("inside TLS now: say EHLO again (RFC 3207 §4.2: what was learnt before is forgotten)");
                Flow::Go
            }
            Err(state) => {
                // Keep the transcript; the stream itself is spent.
                self.session = Some(Session::from_parts(Box::new(tokio::io::empty()), state));
                self.show_new_lines();
                self.tls_verdict(&tls);
                self.tls = Some(tls);
                self.screen.problem(
                    "the handshake failed, so the connection is unusable; the session ends",
                );
                self.last = None;
                self.close();
                Flow::End
            }
        }
    }

    /// The TLS session and the certificate, in the checks' own words.
    fn tls_verdict(&mut self, tls: &TlsObservation) {
        let policy = crate::checks::Policy {
            require_tls: false,
            cert_warn_days: self.opts.cert_warn_days,
            cert_crit_days: self.opts.cert_crit_days,
            auth_planned: false,
            foreign_recipient: false,
        };
        self.screen
            .check(&crate::checks::tls::session_check(tls, &policy));
        if tls.established() {
            self.screen
                .check(&crate::checks::tls::certificate_check(Some(tls), &policy));
        }
    }

    /// `AUTH PLAIN|LOGIN|CRAM-MD5|XOAUTH2 [user]`: the secret is asked for
    /// without echo and never shown, kept in history or transcribed.
    fn auth_helper(
        &mut self,
        mechanism: Mechanism,
        user: Option<String>,
        keyboard: &mut dyn Keyboard,
    ) -> Flow {
        if !self.tls_up() && !self.settings.allow_plaintext_auth {
            self.screen.problem(
                "not sent: the connection is not encrypted, so the secret would cross the network in the clear; STARTTLS first, or start the session with --allow-plaintext-auth",
            );
            return Flow::Go;
        }
        let user = match user {
            Some(u) => u,
            None => match keyboard.line("user: ", false) {
                Input::Line(u) if !u.trim().is_empty() => u.trim().to_string(),
                _ => return Flow::Go,
            },
        };
        let token = mechanism == Mechanism::XOAuth2;
        let secret = match keyboard.secret(&user, token) {
            Ok(s) => Secret::new(s),
            Err(e) => {
                self.screen.problem(&format!("not sent: {e}"));
                return Flow::Go;
            }
        };
        let stage = Some(ReplyStage::Auth);
        let build = |c: Result<Command, crate::smtp::UnsafeArgument>| c.map_err(|e| e.to_string());
        let first = match mechanism {
            Mechanism::Plain => build(Command::auth("PLAIN", Some(&auth::plain(&user, &secret)))),
            Mechanism::XOAuth2 => build(Command::auth(
                "XOAUTH2",
                Some(&auth::xoauth2(&user, &secret)),
            )),
            Mechanism::Login => build(Command::auth("LOGIN", None)),
            Mechanism::CramMd5 => build(Command::auth("CRAM-MD5", None)),
        };
        let first = match first {
            Ok(c) => c,
            Err(e) => {
                self.screen.problem(&format!("not sent: {e}"));
                return Flow::Go;
            }
        };
        let code = self.send_and_read(&first, stage);
        let challenge = || {
            self.exchanges
                .last()
                .map(|e| e.lines.join(" "))
                .unwrap_or_default()
        };
        match (mechanism, code) {
            (Mechanism::Login, Some(334)) => {
                if let Ok(c) = Command::auth_response(&auth::login_user(&user)) {
                    if self.send_and_read(&c, stage) == Some(334) {
                        if let Ok(c) = Command::auth_response(&auth::login_password(&secret)) {
                            self.send_and_read(&c, stage);
                        }
                    }
                }
            }
            (Mechanism::CramMd5, Some(334)) => {
                let text = challenge();
                let text = text.split_whitespace().next().unwrap_or("").to_string();
                match auth::cram_md5(&user, &secret, &text) {
                    Ok(answer) => {
                        if let Ok(c) = Command::auth_response(&answer) {
                            self.send_and_read(&c, stage);
                        }
                    }
                    Err(e) => self.screen.problem(&format!("CRAM-MD5: {e}")),
                }
            }
            (Mechanism::XOAuth2, Some(334)) => {
                // The server's error in JSON; an empty line ends the exchange.
                let said = auth::decode_challenge(&challenge());
                self.screen
                    .note(&format!("the server says about the token: {said}"));
                if let Ok(c) = Command::auth_response("") {
                    self.send_and_read(&c, stage);
                }
            }
            _ => {}
        }
        self.still_open()
    }

    fn challenge_line(&mut self, line: &str) -> Flow {
        match Command::typed_secret(line) {
            Ok(c) => {
                if self.send_and_read(&c, Some(ReplyStage::Auth)) == Some(334) {
                    self.mode = Mode::Challenge;
                }
            }
            Err(e) => {
                self.screen.problem(&format!("not sent: {e}"));
                self.mode = Mode::Challenge;
            }
        }
        self.still_open()
    }

    /// Message mode: a lone `.` sends the message, dot-stuffed.
    fn message_line(&mut self, mut lines: Vec<String>, line: &str) -> Flow {
        if line.contains('\0') {
            self.screen
                .problem("not taken: the line contains a NUL byte");
            self.mode = Mode::Message(lines);
            return Flow::Go;
        }
        match line {
            "." => {
                let mut message = Vec::new();
                for l in &lines {
                    message.extend_from_slice(l.as_bytes());
                    message.extend_from_slice(b"\r\n");
                }
                let wire = crate::message::dot_stuff(&message);
                let Some(session) = self.session.as_mut() else {
                    return Flow::End;
                };
                let sent = self.interrupts.wait(self.rt, async {
                    session.send_message(&wire, true).await?;
                    session.read_reply().await
                });
                match sent {
                    Some(result) => {
                        self.answered(Some(".".into()), Some(ReplyStage::DataEnd), result)
                    }
                    None => self.stopped_waiting(),
                }
                self.still_open()
            }
            ":headers" => {
                let headers = self.headers();
                for h in &headers {
                    self.screen.note(&format!("data> {h}"));
                }
                lines.extend(headers);
                self.mode = Mode::Message(lines);
                Flow::Go
            }
            _ => {
                lines.push(line.to_string());
                self.mode = Mode::Message(lines);
                Flow::Go
            }
        }
    }

    /// Date, Message-ID, From, To and Subject for the envelope given so
    /// far, built as `send` builds them, then the blank line.
    fn headers(&self) -> Vec<String> {
        let from = self
            .sender
            .clone()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| format!("postmaster@{}", self.settings.helo));
        let draft = crate::message::Draft {
            from,
            to: self.recipients.clone(),
            subject: "smtpcheck session test".into(),
            helo: self.settings.helo.clone(),
            ..Default::default()
        };
        let built = crate::message::build(&draft, std::time::SystemTime::now()).unwrap_or_default();
        let text = String::from_utf8_lossy(&built);
        let head = text.split("\r\n\r\n").next().unwrap_or("");
        let mut lines: Vec<String> = head
            .split("\r\n")
            .filter(|l| !l.starts_with("MIME-Version") && !l.starts_with("Content-"))
            .map(str::to_string)
            .collect();
        lines.push(String::new());
        lines
    }

    /// `BDAT n [LAST]` (RFC 3030): the next lines, with CRLF, are the
    /// chunk's n octets; the reply comes after them.
    fn bdat(&mut self, command: &Command, line: &str) -> Flow {
        let size = line
            .split_whitespace()
            .nth(1)
            .and_then(|n| n.parse::<usize>().ok());
        let Some(size) = size else {
            self.screen
                .problem("not sent: BDAT needs a chunk size (BDAT 42 LAST)");
            return Flow::Go;
        };
        let Some(session) = self.session.as_mut() else {
            return Flow::End;
        };
        match self.interrupts.wait(self.rt, session.send(command)) {
            Some(Ok(())) => {}
            Some(Err(e)) => {
                self.answered(Some(command.shown().into()), None, Err(e));
                return self.still_open();
            }
            None => {
                self.stopped_waiting();
                return self.still_open();
            }
        }
        self.show_new_lines();
        self.screen.hint(&format!(
            "chunk mode: the next lines (each with CRLF) make up {size} octets"
        ));
        self.chunk_line(size, Vec::new(), "")
    }

    fn chunk_line(&mut self, size: usize, mut bytes: Vec<u8>, line: &str) -> Flow {
        if !line.is_empty() || !bytes.is_empty() {
            bytes.extend_from_slice(line.as_bytes());
            bytes.extend_from_slice(b"\r\n");
        }
        if bytes.len() < size || size == 0 && bytes.is_empty() && !line.is_empty() {
            self.mode = Mode::Chunk { size, bytes };
            return Flow::Go;
        }
        if size == 0 && bytes.is_empty() {
            // BDAT 0 LAST: nothing to wait for.
        } else if bytes.len() > size {
            self.screen.note(&format!(
                "the lines make {} octets; the first {size} are sent",
                bytes.len()
            ));
            bytes.truncate(size);
        }
        let Some(session) = self.session.as_mut() else {
            return Flow::End;
        };
        let sent = self.interrupts.wait(self.rt, async {
            session.send_message(&bytes, false).await?;
            session.read_reply().await
        });
        match sent {
            Some(result) => self.answered(
                Some(format!("({size} octets)")),
                Some(ReplyStage::DataEnd),
                result,
            ),
            None => self.stopped_waiting(),
        }
        self.still_open()
    }

    fn local(&mut self, command: &str) -> Flow {
        let (name, rest) = command.split_once(' ').unwrap_or((command, ""));
        match name {
            "help" => {
                self.screen.help();
                Flow::Go
            }
            "quit" | "q" => {
                self.leave();
                Flow::End
            }
            "tls" => {
                match self.tls.clone() {
                    Some(tls) => self.tls_verdict(&tls),
                    None => self
                        .screen
                        .note("no TLS on this connection yet (type STARTTLS)"),
                }
                Flow::Go
            }
            "explain" => {
                match crate::checks::explain::explain(rest.trim()) {
                    Ok(e) => self.screen.explain(&e),
                    Err(e) => self.screen.problem(&e),
                }
                Flow::Go
            }
            "transcript" => {
                match self.write_transcript(rest.trim()) {
                    Ok(path) => self.screen.note(&format!("transcript written to {path}")),
                    Err(e) => self.screen.problem(&e),
                }
                Flow::Go
            }
            other => {
                self.screen.problem(&format!(
                    ":{other} is not a local command; :help lists them"
                ));
                Flow::Go
            }
        }
    }

    fn write_transcript(&self, path: &str) -> Result<String, String> {
        if path.is_empty() {
            return Err(":transcript needs a file name".into());
        }
        let lines = self
            .session
            .as_ref()
            .map(|s| s.transcript().clone())
            .unwrap_or_default();
        std::fs::write(path, screen::transcript_text(&lines))
            .map_err(|e| format!("cannot write {path}: {}", crate::words::io(&e)))?;
        Ok(path.to_string())
    }

    /// Ctrl-D, `:quit`, a second Ctrl-C: QUIT, wait briefly for the 221.
    fn leave(&mut self) {
        if let Some(session) = self.session.as_mut() {
            self.rt.block_on(session.quit());
            self.show_new_lines();
        }
        self.close();
    }

    fn close(&mut self) {
        if let Some(session) = self.session.take() {
            self.opened.session = session;
        }
    }

    /// The transcript file, the JSON document, and the exit code.
    fn finish(mut self) -> Result<u8, String> {
        self.close();
        let lines = self.opened.session.transcript().clone();
        if let Some(path) = &self.settings.transcript {
            std::fs::write(path, screen::transcript_text(&lines)).map_err(|e| {
                format!("cannot write {}: {}", path.display(), crate::words::io(&e))
            })?;
        }
        let code = match self.last {
            Some(c) if c < 400 => 0,
            Some(c) if c < 500 => 1,
            Some(_) => 2,
            None => 3,
        };
        if self.settings.json {
            self.screen.document(&Document {
                command: "session",
                connected: self.opened.endpoint.to_string(),
                others: self.opened.others.iter().map(|e| e.to_string()).collect(),
                failed: self
                    .opened
                    .failed
                    .iter()
                    .map(|(e, why)| format!("{e}: {why}"))
                    .collect(),
                tls: self.tls.as_ref().map(|t| t.established()),
                exchanges: &self.exchanges,
                transcript: &lines,
                last_code: self.last,
                exit_code: code,
            });
        }
        Ok(code)
    }
}

/// The whole session as one JSON document (`--json`).
#[derive(Serialize)]
pub struct Document<'a> {
    pub command: &'static str,
    pub connected: String,
    pub others: Vec<String>,
    pub failed: Vec<String>,
    /// None: TLS never tried; otherwise whether the handshake worked.
    pub tls: Option<bool>,
    pub exchanges: &'a [Exchange],
    pub transcript: &'a crate::smtp::Transcript,
    pub last_code: Option<u16>,
    pub exit_code: u8,
}

/// The session lent to the watch, given back with what it read.
struct Watching {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<Watched>,
}

struct Watched {
    session: Session<BoxStream>,
    /// Transcript lines already on the screen.
    shown: usize,
    /// What arrived, explained once (it is already on the screen).
    replies: Vec<Result<Exchange, SessionError>>,
}

/// Reads until told to stop (the line is done) or the connection ends,
/// printing each reply and its explanation above the line being edited.
async fn watch_unasked(
    mut session: Session<BoxStream>,
    screen: Screen,
    mut print: keyboard::Printer,
    mut shown: usize,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) -> Watched {
    let mut replies = Vec::new();
    loop {
        let result = tokio::select! {
            _ = &mut stop => break,
            result = session.next_unasked() => result,
        };
        let lines = session.transcript();
        for line in &lines[shown.min(lines.len())..] {
            if let Some(text) = screen.line_text(line) {
                print(format!("{text}\n"));
            }
        }
        shown = lines.len();
        let ended = result.is_err();
        let result = result.map(|reply| explained(None, &reply, None));
        match &result {
            Ok(exchange) => print(format!(
                "{}\n",
                screen.explanation_text(exchange.code, &exchange.explanation)
            )),
            Err(e) => print(format!(
                "!! {}; the session ends (press Enter)\n",
                gone_words(e)
            )),
        }
        replies.push(result);
        if ended {
            break;
        }
    }
    Watched {
        session,
        shown,
        replies,
    }
}

/// A session over nothing, standing in while the real one is lent out.
fn dead_session() -> Session<BoxStream> {
    let deadlines = crate::smtp::Deadlines {
        step: std::time::Duration::ZERO,
        overall: tokio::time::Instant::now(),
    };
    Session::new(
        Box::new(tokio::io::empty()),
        tokio::time::Instant::now(),
        deadlines,
    )
}

/// The reply with the classifier's reading in one line.
fn explained(sent: Option<String>, reply: &Reply, stage: Option<ReplyStage>) -> Exchange {
    let wire: Vec<String> = reply
        .lines
        .iter()
        .map(|l| String::from_utf8_lossy(&l.raw).into_owned())
        .collect();
    let e = crate::checks::explain::explain_in(&wire.join("\n"), stage).ok();
    let cause = e.as_ref().and_then(|e| e.cause);
    let starttls = sent
        .as_deref()
        .is_some_and(|s| s.trim().eq_ignore_ascii_case("STARTTLS"));
    let explanation = match (cause, &e) {
        (Some(c), _) => c.summary.to_string(),
        // 220 is "service ready" in RFC 5321; after STARTTLS it says more.
        (None, _) if starttls && reply.code == 220 => "ready to start TLS (RFC 3207 §4)".into(),
        // An enhanced code's "Other ..." (2.0.0, 2.1.0) says less than the
        // reply code's own meaning.
        (None, Some(e)) => e
            .enhanced_code
            .as_ref()
            .and_then(|x| x.meaning)
            .filter(|m| !m.starts_with("Other"))
            .or_else(|| e.reply_code.as_ref().and_then(|r| r.meaning))
            .map(str::to_string)
            .unwrap_or_else(|| crate::explain::reply_class(reply.code).to_string()),
        (None, None) => crate::explain::reply_class(reply.code).to_string(),
    };
    Exchange {
        sent,
        code: reply.code,
        enhanced: reply.enhanced.as_ref().map(|c| c.to_string()),
        lines: reply
            .lines
            .iter()
            .map(|l| String::from_utf8_lossy(&l.text).into_owned())
            .collect(),
        explanation,
        cause: cause.map(|c| c.id.id().to_string()),
    }
}

/// A session error that ends the connection, in words.
fn gone_words(e: &SessionError) -> String {
    match e {
        SessionError::Closed { .. } => "the server closed the connection".into(),
        other => format!("the connection failed: {other}"),
    }
}
