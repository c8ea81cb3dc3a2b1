//! One SMTP conversation with one address: connect, (implicit TLS,) greeting,
//! EHLO, STARTTLS and EHLO again, and the test transaction (MAIL, RCPT, RSET,
//! QUIT; never DATA). It only observes: turning what it saw into findings is
//! the job of `checks`.

use super::tls_scan::{enumerate_categories, enumerate_versions, legacy_hello};
use crate::observe::activity::Activity;
pub use crate::observe::conversation::{
    AuthOutcome, CategoryProbe, ConnectError, InjectionOutcome, Observation, TlsMode,
    TlsObservation, Unoffered, VersionProbe,
};
use crate::observe::{Endpoint, Stage};
use crate::smtp::{
    BoxStream, Command, Deadlines, OnWait, Reply, Session, SessionError, SessionState, Timed,
    Transcript,
};
use crate::tls::cert;
use crate::tls::first_flight::FirstFlight;
use crate::tls::TlsClient;
use rustls::pki_types::UnixTime;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::time::Instant;

/// What the conversation says and how long it may take.
#[derive(Clone, Debug)]
pub struct Plan {
    pub stage: Stage,
    pub helo: String,
    pub sender: String,
    pub recipient: String,
    pub deadlines: Deadlines,
    pub tls_mode: TlsMode,
    pub tls: Option<Arc<TlsClient>>,
    /// Run the active STARTTLS injection test on an extra connection.
    pub injection_test: bool,
    /// `--relay-test`: try relaying between RFC 2606 domains on an extra connection.
    pub relay_test: bool,
    /// `--vrfy`: ask VRFY and EXPN postmaster on an extra connection.
    pub vrfy: bool,
    /// `send`: the message (dot-stuffed) and the recipients after the first.
    pub message: Option<std::sync::Arc<Vec<u8>>>,
    pub extra_recipients: Vec<String>,
    pub auth: Option<AuthPlan>,
    pub auth_expected: bool,
    /// `send`: the message as written (for BDAT), not dot-stuffed.
    pub message_raw: Option<std::sync::Arc<Vec<u8>>>,
    /// `--chunking`: BDAT instead of DATA when CHUNKING is offered (RFC 3030).
    pub chunking: bool,
    /// `--notify`: DSN NOTIFY for every RCPT when DSN is offered (RFC 3461).
    pub notify: Option<crate::smtp::Notify>,
    /// How connections are opened (TCP, or a test's scripted peers).
    pub connector: Arc<dyn super::connect::Connector>,
    /// `--sni`: the TLS server name to send instead of the host's.
    pub sni: Option<String>,
    /// `--tls-scan`: enumerate the protocol versions on extra connections.
    pub tls_scan: bool,
    /// Where a progress line reads what each connection waits on.
    pub activity: Option<Arc<Activity>>,
}

/// Who to authenticate as, and how.
#[derive(Clone, Debug)]
pub struct AuthPlan {
    pub user: String,
    pub secret: crate::smtp::auth::Secret,
    /// The secret is an OAuth token (XOAUTH2), not a password.
    pub token: bool,
    pub mechanism: Option<crate::smtp::auth::Mechanism>,
    /// `--allow-plaintext-auth`: send credentials without TLS.
    pub allow_plaintext: bool,
}

impl Plan {
    /// TLS from the first byte: asked for, or port 465 (RFC 8314 §3.3).
    pub(super) fn implicit_tls(&self, port: u16) -> bool {
        self.tls.is_some()
            && (self.tls_mode == TlsMode::Implicit
                || (port == 465 && self.tls_mode != TlsMode::Off))
    }
}

/// Runs the conversation up to `plan.stage`. Never fails: every failure is an
/// observation.
pub async fn converse(endpoint: Endpoint, plan: &Plan) -> Observation {
    let origin = Instant::now();
    let socket = SocketAddr::new(endpoint.address, endpoint.port);
    let watch = plan.activity.as_ref().map(|board| {
        let place = format!("{} [{}]", endpoint.host, endpoint.address);
        Arc::new(board.watch(place, "connect"))
    });
    let doing = |what: &str| {
        if let Some(w) = &watch {
            w.step(what);
        }
    };
    let connected =
        tokio::time::timeout_at(plan.deadlines.next(), plan.connector.connect(socket)).await;
    let mut obs = Observation::connected(
        endpoint,
        Timed::since(origin, Ok(())),
        &plan.sender,
        &plan.recipient,
    );
    let tcp = match connected {
        Ok(Ok(connection)) => connection,
        Ok(Err(e)) => return connect_failed(obs, ConnectError::from_io(&e), origin, plan),
        Err(_) => {
            return connect_failed(obs, ConnectError::Timeout(origin.elapsed()), origin, plan)
        }
    };
    obs.local_address = tcp.local;
    let mut session: Session<BoxStream> = Session::new(tcp.stream, origin, plan.deadlines);
    if let Some(w) = watch.clone() {
        session = session.on_wait(OnWait(Arc::new(move |what: &str| w.step(what))));
    }
    session.note(format!("connected to {socket}"));
    if plan.stage == Stage::Connect {
        obs.transcript = session.into_transcript();
        return obs;
    }
    if plan.implicit_tls(obs.endpoint.port) {
        let mut tls = TlsObservation::new(true, true);
        let (stream, state) = session.into_parts();
        let upgraded = upgrade(stream, state, &mut tls, &obs.endpoint.host, plan).await;
        obs.tls = Some(tls);
        session = match upgraded {
            Ok(session) => session,
            Err(state) => {
                obs.transcript = state.into_transcript();
                return obs;
            }
        };
        if unacceptable_under_require(obs.tls.as_ref(), plan) {
            session
                .note("the certificate does not verify, and --tls require forbids going on: QUIT");
            obs.transcript = finish(session, true).await;
            return obs;
        }
    }
    obs.transcript = talk(session, &mut obs, plan).await;
    if starttls_failed(&obs) {
        doing("a ClientHello of our own");
        explain_failed_handshake(&mut obs, plan).await;
        if needs_plaintext_retry(plan) {
            doing("the plaintext retry");
            plaintext_retry(&mut obs, plan).await;
        }
    }
    let offered = obs.tls.as_ref().is_some_and(|t| t.offered && !t.implicit);
    let implicit = obs.tls.as_ref().is_some_and(|t| t.implicit);
    if plan.tls_scan && (offered || implicit) {
        doing("TLS versions and suites");
        let (probes, lines) = enumerate_versions(&obs.endpoint, plan, implicit).await;
        obs.transcript.extend(lines);
        let (categories, lines) =
            enumerate_categories(&obs.endpoint, plan, implicit, &probes).await;
        obs.transcript.extend(lines);
        obs.tls_versions = Some(probes);
        obs.tls_categories = categories;
    }
    if plan.injection_test && offered && plan.stage >= Stage::Tls {
        doing("the STARTTLS injection test");
        let (outcome, lines) = injection_test(&obs.endpoint, plan).await;
        obs.injection = Some(outcome);
        obs.transcript.extend(lines);
    }
    let greeted = obs.capabilities().is_some();
    if plan.relay_test && greeted && plan.stage >= Stage::Rcpt {
        doing("the relay test");
        let (outcome, lines) = relay_test(&obs.endpoint, plan).await;
        obs.relay = Some(outcome);
        obs.transcript.extend(lines);
    }
    if plan.vrfy && greeted && plan.stage >= Stage::Rcpt {
        doing("VRFY and EXPN");
        let (outcome, lines) = vrfy_test(&obs.endpoint, plan).await;
        obs.vrfy = Some(outcome);
        obs.transcript.extend(lines);
    }
    obs
}

/// The STARTTLS handshake failed (not implicit TLS: nothing to fall back to).
fn starttls_failed(obs: &Observation) -> bool {
    obs.tls
        .as_ref()
        .is_some_and(|t| !t.implicit && matches!(&t.handshake, Some(Timed { value: Err(_), .. })))
}

/// `--tls auto` with a transaction to run: senders that take TLS
/// opportunistically retry without it.
fn needs_plaintext_retry(plan: &Plan) -> bool {
    plan.tls_mode == TlsMode::Auto && plan.stage >= Stage::Mail
}

/// What the server answers to our own ClientHello on a new connection (the
/// weakness rustls could not name), and the chain it sent in the clear.
async fn explain_failed_handshake(obs: &mut Observation, plan: &Plan) {
    let (legacy, lines) = legacy_hello(&obs.endpoint, plan).await;
    obs.transcript.extend(lines);
    if let Some(tls) = obs.tls.as_mut() {
        // TLS 1.2 and older send the chain in the clear: inspect it even
        // though rustls refused the handshake (an RSA-1024 key, SHA-1).
        let chain = match &legacy {
            Ok(FirstFlight::Hello(h)) => h.chain.clone(),
            _ => Vec::new(),
        };
        if let (Some(client), false, None) = (plan.tls.as_ref(), chain.is_empty(), &tls.certificate)
        {
            let chain: Vec<rustls::pki_types::CertificateDer<'static>> =
                chain.into_iter().map(Into::into).collect();
            tls.certificate = Some(cert::inspect(
                client,
                &chain,
                &obs.endpoint.host,
                UnixTime::now(),
            ));
        }
        tls.legacy = Some(legacy);
    }
}

/// The conversation again in plaintext on a new connection, as Postfix
/// retries at security level "may".
async fn plaintext_retry(obs: &mut Observation, plan: &Plan) {
    if let Some(tls) = obs.tls.as_mut() {
        tls.retried_in_plaintext = true;
    }
    let plain = Plan {
        tls_mode: TlsMode::Off,
        injection_test: false,
        relay_test: false,
        vrfy: false,
        ..plan.clone()
    };
    let retry = Box::pin(converse(obs.endpoint.clone(), &plain)).await;
    obs.transcript.push(note_line(
        "the TLS handshake failed: the conversation again on a new connection without STARTTLS, as opportunistic senders retry".into(),
    ));
    obs.transcript.extend(retry.transcript.iter().cloned());
    obs.plaintext_retry = Some(Box::new(retry));
}

pub(super) fn note_line(text: String) -> crate::smtp::session::TranscriptLine {
    crate::smtp::session::TranscriptLine {
        dir: crate::smtp::session::Direction::Note,
        t_ms: 0.0,
        text,
        tls: false,
    }
}

/// A new connection to `endpoint` through the plan's connector, by the
/// step deadline, as a session (nothing read yet).
pub(super) async fn extra_connection(
    endpoint: &Endpoint,
    plan: &Plan,
) -> Option<Session<BoxStream>> {
    let origin = Instant::now();
    let socket = SocketAddr::new(endpoint.address, endpoint.port);
    match tokio::time::timeout_at(plan.deadlines.next(), plan.connector.connect(socket)).await {
        Ok(Ok(tcp)) => Some(Session::new(tcp.stream, origin, plan.deadlines)),
        _ => None,
    }
}

/// A plaintext side connection up to a successful EHLO, for the opt-in
/// policy probes; `Err` says where it stopped.
pub(super) async fn side_session(
    endpoint: &Endpoint,
    plan: &Plan,
    why: &str,
) -> Result<Session<BoxStream>, (String, Transcript)> {
    let Some(mut session) = extra_connection(endpoint, plan).await else {
        return Err(("the extra connection failed".into(), Vec::new()));
    };
    session.note(format!("{why}: a separate connection"));
    let Ok(ehlo) = Command::ehlo(&plan.helo) else {
        return Err(("invalid HELO name".into(), session.into_transcript()));
    };
    match session.read_reply().await {
        Ok(r) if r.code == 220 => {}
        _ => {
            return Err((
                "no greeting on the extra connection".into(),
                session.into_transcript(),
            ))
        }
    }
    match session.command(&ehlo).await {
        Ok(r) if r.is_positive() => Ok(session),
        _ => Err((
            "EHLO failed on the extra connection".into(),
            session.into_transcript(),
        )),
    }
}

/// `--relay-test`: MAIL and RCPT between two RFC 2606 reserved domains that
/// no server serves; accepting the RCPT means relaying for anyone. RSET and
/// QUIT follow; DATA never.
async fn relay_test(endpoint: &Endpoint, plan: &Plan) -> (Result<Reply, String>, Transcript) {
    let mut session = match side_session(endpoint, plan, "--relay-test").await {
        Ok(s) => s,
        Err((why, lines)) => return (Err(why), lines),
    };
    let (Ok(mail), Ok(rcpt)) = (
        Command::mail_from("smtpcheck-relay-test@example.com"),
        Command::rcpt_to("smtpcheck-relay-test@example.net"),
    ) else {
        return (
            Err("invalid test addresses".into()),
            session.into_transcript(),
        );
    };
    let outcome = match session.command(&mail).await {
        Ok(r) if r.is_positive() => session.command(&rcpt).await.map_err(|e| e.to_string()),
        Ok(r) => Err(format!(
            "MAIL FROM refused ({}), so relaying could not be tried",
            r.summary()
        )),
        Err(e) => Err(e.to_string()),
    };
    let _ = session.command(&Command::rset()).await;
    (outcome, finish(session, true).await)
}

/// `--vrfy`: VRFY and EXPN postmaster (RFC 5321 §3.5, §7.3).
async fn vrfy_test(
    endpoint: &Endpoint,
    plan: &Plan,
) -> (Result<(Reply, Reply), String>, Transcript) {
    let mut session = match side_session(endpoint, plan, "--vrfy").await {
        Ok(s) => s,
        Err((why, lines)) => return (Err(why), lines),
    };
    let (Ok(vrfy), Ok(expn)) = (Command::vrfy("postmaster"), Command::expn("postmaster")) else {
        return (Err("invalid command".into()), session.into_transcript());
    };
    let outcome = match (session.command(&vrfy).await, session.command(&expn).await) {
        (Ok(v), Ok(e)) => Ok((v, e)),
        (Err(e), _) | (_, Err(e)) => Err(e.to_string()),
    };
    (outcome, finish(session, true).await)
}

/// The active injection test (after Wietse Venema's 2011 test for
/// CVE-2011-0411): send `STARTTLS` and `NOOP` in one write. A safe server
/// discards the NOOP when it starts TLS; a vulnerable one answers it inside
/// TLS, which means an attacker could inject commands in plaintext.
async fn injection_test(endpoint: &Endpoint, plan: &Plan) -> (InjectionOutcome, Transcript) {
    use InjectionOutcome::Inconclusive;
    let origin = Instant::now();
    let socket = SocketAddr::new(endpoint.address, endpoint.port);
    let Some(client) = plan.tls.as_ref() else {
        return (Inconclusive("TLS is off".into()), Vec::new());
    };
    let tcp = match tokio::time::timeout_at(plan.deadlines.next(), plan.connector.connect(socket))
        .await
    {
        Ok(Ok(tcp)) => tcp,
        _ => {
            return (
                Inconclusive("the second connection failed".into()),
                Vec::new(),
            )
        }
    };
    let mut session: Session<BoxStream> = Session::new(tcp.stream, origin, plan.deadlines);
    session
        .note("--tls-injection-test: a separate connection sends STARTTLS and NOOP in one write");
    let ehlo = match (session.read_reply().await, Command::ehlo(&plan.helo)) {
        (Ok(banner), Ok(ehlo)) if banner.code == 220 => ehlo,
        _ => {
            return (
                Inconclusive("no greeting on the second connection".into()),
                session.into_transcript(),
            )
        }
    };
    if !matches!(session.command(&ehlo).await, Ok(r) if r.is_positive()) {
        return (
            Inconclusive("EHLO failed on the second connection".into()),
            session.into_transcript(),
        );
    }
    if session
        .send_group(&[Command::starttls(), Command::noop()])
        .await
        .is_err()
    {
        return (
            Inconclusive("the write failed".into()),
            session.into_transcript(),
        );
    }
    match session.read_reply().await {
        Ok(r) if r.code == 220 => {}
        Ok(r) => {
            return (
                Inconclusive(format!("STARTTLS answered {}", r.summary())),
                finish(session, true).await,
            )
        }
        Err(e) => {
            return (
                Inconclusive(format!("no reply to STARTTLS: {e}")),
                session.into_transcript(),
            )
        }
    }
    let (stream, mut state) = session.into_parts();
    if !state.unread().is_empty() {
        let reply = crate::smtp::reply::escape_bytes(state.unread())
            .trim_end()
            .to_string();
        state.note("the NOOP was answered in plaintext, before any handshake");
        return (
            InjectionOutcome::AnsweredInPlaintext { reply },
            state.into_transcript(),
        );
    }
    let (tls, _) = match client
        .handshake(stream, &endpoint.host, state.deadlines().next())
        .await
    {
        Ok(done) => done,
        Err(e) => {
            state.note(format!("TLS handshake failed: {e}"));
            return (
                Inconclusive(format!("TLS handshake failed: {e}")),
                state.into_transcript(),
            );
        }
    };
    state.set_encrypted();
    state.note("TLS up; waiting briefly for an answer to the NOOP, which a safe server discarded");
    // A vulnerable server answers the NOOP at once; do not wait a full step.
    let grace = Deadlines {
        step: plan.deadlines.step.min(crate::smtp::session::QUIT_GRACE),
        overall: plan.deadlines.overall,
    };
    let mut session = Session::from_parts(Box::new(tls) as BoxStream, state).with_deadlines(grace);
    let outcome = match session.read_reply().await {
        Ok(r) => InjectionOutcome::Vulnerable { reply: r.summary() },
        Err(_) => InjectionOutcome::Safe,
    };
    (
        outcome,
        finish(session.with_deadlines(plan.deadlines), true).await,
    )
}

fn connect_failed(
    mut obs: Observation,
    e: ConnectError,
    origin: Instant,
    plan: &Plan,
) -> Observation {
    let socket = SocketAddr::new(obs.endpoint.address, obs.endpoint.port);
    let mut state = SessionState::new(origin, plan.deadlines);
    state.note(format!("connect to {socket}: {e}"));
    obs.transcript = state.into_transcript();
    obs.connect = Timed {
        value: Err(e),
        elapsed: origin.elapsed(),
    };
    obs
}

/// Under `--tls require`, a certificate that does not verify ends the
/// conversation, as it would for a sender that requires TLS.
fn unacceptable_under_require(tls: Option<&TlsObservation>, plan: &Plan) -> bool {
    plan.tls_mode == TlsMode::Require
        && tls
            .and_then(|t| t.certificate.as_ref())
            .is_some_and(|c| c.as_ref().map_or(true, |facts| !facts.verified()))
}

/// Whether the connection can still carry a QUIT.
fn still_open(result: &Result<Reply, SessionError>) -> bool {
    matches!(result, Ok(_) | Err(SessionError::Protocol(_)))
}

async fn step(
    session: &mut Session<BoxStream>,
    command: Option<&Command>,
) -> Timed<Result<Reply, SessionError>> {
    let start = Instant::now();
    let result = match command {
        Some(c) => session.command(c).await,
        None => session.read_reply().await,
    };
    Timed::since(start, result)
}

/// Sends a courtesy QUIT when the connection can carry it, and hands back
/// the transcript.
async fn finish(mut session: Session<BoxStream>, open: bool) -> Transcript {
    if open {
        session.quit().await;
    }
    session.into_transcript()
}

async fn talk(mut session: Session<BoxStream>, obs: &mut Observation, plan: &Plan) -> Transcript {
    // The greeting may span several lines (`220-` ... `220 `): read_reply
    // waits for the final line, so nothing is sent before the whole greeting
    // is in (RFC 5321 §4.3.1; early talkers are what pregreet traps catch).
    let banner = step(&mut session, None).await;
    let greeted = matches!(&banner.value, Ok(r) if r.code == 220);
    let open = still_open(&banner.value);
    obs.banner = Some(banner);
    if !greeted || plan.stage == Stage::Banner {
        return finish(session, open).await;
    }
    let (Ok(ehlo_cmd), Ok(helo_cmd)) = (Command::ehlo(&plan.helo), Command::helo(&plan.helo))
    else {
        // Validated at the command line; a library caller gets skips.
        return finish(session, true).await;
    };
    let ehlo = step(&mut session, Some(&ehlo_cmd)).await;
    let ehlo_refused = matches!(&ehlo.value, Ok(r) if r.is_permanent());
    let mut greeted = matches!(&ehlo.value, Ok(r) if r.is_positive());
    let mut open = still_open(&ehlo.value);
    obs.ehlo = Some(ehlo);
    if ehlo_refused {
        session.note("EHLO refused; falling back to HELO (RFC 5321 §4.1.4)");
        let helo = step(&mut session, Some(&helo_cmd)).await;
        greeted = matches!(&helo.value, Ok(r) if r.is_positive());
        open = still_open(&helo.value);
        obs.helo = Some(helo);
    }
    if !greeted || plan.stage == Stage::Ehlo {
        return finish(session, open).await;
    }
    let implicit = obs.tls.as_ref().is_some_and(|t| t.implicit);
    if !implicit && plan.tls.is_some() && plan.tls_mode != TlsMode::Off {
        session = match starttls(session, obs, plan, &ehlo_cmd).await {
            Ok(session) => session,
            Err(transcript) => return transcript,
        };
    }
    if plan.stage == Stage::Tls {
        return finish(session, true).await;
    }
    if plan.auth.is_some() || plan.auth_expected {
        let outcome = authenticate(&mut session, obs, plan).await;
        let go_on = outcome.succeeded()
            || (plan.auth.is_none() && !matches!(outcome, AuthOutcome::NotOffered));
        obs.auth = Some(outcome);
        if !go_on || plan.stage == Stage::Auth {
            return finish(session, true).await;
        }
    }
    transaction(&mut session, obs, plan).await;
    session.into_transcript()
}

/// STARTTLS (RFC 3207), then EHLO again. `Err` carries the transcript when
/// the conversation must end here.
async fn starttls(
    mut session: Session<BoxStream>,
    obs: &mut Observation,
    plan: &Plan,
    ehlo_cmd: &Command,
) -> Result<Session<BoxStream>, Transcript> {
    let offered = obs.capabilities().is_some_and(|c| c.has("STARTTLS"));
    let mut tls = TlsObservation::new(false, offered);
    if !offered {
        obs.tls = Some(tls);
        return match plan.tls_mode {
            TlsMode::Require => Err(finish(session, true).await),
            _ => Ok(session),
        };
    }
    let reply = step(&mut session, Some(&Command::starttls())).await;
    let ready = matches!(&reply.value, Ok(r) if r.code == 220);
    let open = still_open(&reply.value);
    tls.reply = Some(reply);
    if !ready {
        obs.tls = Some(tls);
        // RFC 3207 §4: after a refusal the session goes on in plaintext.
        return match (open, plan.tls_mode) {
            (true, TlsMode::Auto) => Ok(session),
            _ => Err(finish(session, open).await),
        };
    }
    let (stream, mut state) = session.into_parts();
    if !state.unread().is_empty() {
        tls.injected = state.unread().to_vec();
        state.note(format!(
            "{} bytes arrived after the 220 to STARTTLS, before any handshake: plaintext injection, discarded",
            tls.injected.len()
        ));
        obs.tls = Some(tls);
        return Err(state.into_transcript());
    }
    let upgraded = upgrade(stream, state, &mut tls, &obs.endpoint.host, plan).await;
    obs.tls = Some(tls);
    let mut session = upgraded.map_err(SessionState::into_transcript)?;
    if unacceptable_under_require(obs.tls.as_ref(), plan) {
        session.note("the certificate does not verify, and --tls require forbids going on: QUIT");
        return Err(finish(session, true).await);
    }
    // RFC 3207 §4.2: discard what was learnt before, ask again.
    let again = step(&mut session, Some(ehlo_cmd)).await;
    let ok = matches!(&again.value, Ok(r) if r.is_positive());
    let open = still_open(&again.value);
    obs.ehlo_after_tls = Some(again);
    if ok {
        Ok(session)
    } else {
        Err(finish(session, open).await)
    }
}

/// The TLS handshake on `stream`; on success the session continues inside
/// TLS with the same transcript. `Err` hands back the state for its transcript.
pub(super) async fn upgrade(
    stream: BoxStream,
    mut state: SessionState,
    tls: &mut TlsObservation,
    host: &str,
    plan: &Plan,
) -> Result<Session<BoxStream>, SessionState> {
    let Some(client) = plan.tls.as_ref() else {
        return Err(state);
    };
    let started = Instant::now();
    let name = plan.sni.as_deref().unwrap_or(host);
    state.waiting_for("TLS handshake");
    if name != host {
        state.note(format!("TLS server name (SNI): {name}, as --sni says"));
    }
    let result = client
        .handshake(stream, name, state.deadlines().next())
        .await;
    match result {
        Ok((stream, negotiated)) => {
            state.set_encrypted();
            state.note(format!(
                "TLS established: {} {} {} in {:.1} ms",
                negotiated.version,
                negotiated.cipher,
                negotiated.key_exchange_group.as_deref().unwrap_or(""),
                started.elapsed().as_secs_f64() * 1000.0
            ));
            tls.certificate = Some(cert::inspect(
                client,
                &negotiated.chain,
                host,
                UnixTime::now(),
            ));
            tls.handshake = Some(Timed::since(started, Ok(negotiated)));
            Ok(Session::from_parts(Box::new(stream), state))
        }
        Err(e) => {
            state.note(format!("TLS handshake failed: {e}"));
            tls.handshake = Some(Timed::since(started, Err(e)));
            Err(state)
        }
    }
}

/// AUTH with the strongest mechanism both sides have (RFC 4954). Never
/// sends credentials in plaintext unless told to.
async fn authenticate(
    session: &mut Session<BoxStream>,
    obs: &Observation,
    plan: &Plan,
) -> AuthOutcome {
    use crate::smtp::auth::{self, Mechanism};
    let advertised: Vec<String> = obs
        .current_capabilities()
        .and_then(|c| {
            c.get("AUTH")
                .map(|a| a.params.iter().map(|p| p.to_ascii_uppercase()).collect())
        })
        .unwrap_or_default();
    if advertised.is_empty() {
        return AuthOutcome::NotOffered;
    }
    let Some(creds) = &plan.auth else {
        return AuthOutcome::NoCredentials { advertised };
    };
    let encrypted = obs.tls.as_ref().is_some_and(|t| t.established());
    if !encrypted && !creds.allow_plaintext {
        return AuthOutcome::RefusedPlaintext { advertised };
    }
    let mechanism = match auth::choose(&advertised, creds.mechanism, creds.token) {
        Ok(m) => m,
        Err(e) => return AuthOutcome::NoMechanism(e),
    };
    let started = Instant::now();
    let user = creds.user.as_str();
    let mut token_error = None;
    let exchange = async {
        let command = |c: Result<Command, crate::smtp::UnsafeArgument>| {
            c.map_err(|e| SessionError::Protocol(crate::smtp::ReplyError::Malformed(e.to_string())))
        };
        match mechanism {
            Mechanism::Plain => {
                session
                    .command(&command(Command::auth(
                        "PLAIN",
                        Some(&auth::plain(user, &creds.secret)),
                    ))?)
                    .await
            }
            Mechanism::XOAuth2 => {
                let reply = session
                    .command(&command(Command::auth(
                        "XOAUTH2",
                        Some(&auth::xoauth2(user, &creds.secret)),
                    ))?)
                    .await?;
                if reply.code == 334 {
                    // The server sent an error in JSON; an empty line ends the exchange.
                    token_error = Some(auth::decode_challenge(&reply.first_line()));
                    return session.command(&command(Command::auth_response(""))?).await;
                }
                Ok(reply)
            }
            Mechanism::Login => {
                let reply = session
                    .command(&command(Command::auth("LOGIN", None))?)
                    .await?;
                if reply.code != 334 {
                    return Ok(reply);
                }
                let reply = session
                    .command(&command(Command::auth_response(&auth::login_user(user)))?)
                    .await?;
                if reply.code != 334 {
                    return Ok(reply);
                }
                session
                    .command(&command(Command::auth_response(&auth::login_password(
                        &creds.secret,
                    )))?)
                    .await
            }
            Mechanism::CramMd5 => {
                let reply = session
                    .command(&command(Command::auth("CRAM-MD5", None))?)
                    .await?;
                if reply.code != 334 {
                    return Ok(reply);
                }
                let response = auth::cram_md5(user, &creds.secret, &reply.first_line())
                    .map_err(|e| SessionError::Protocol(crate::smtp::ReplyError::Malformed(e)))?;
                session
                    .command(&command(Command::auth_response(&response))?)
                    .await
            }
        }
    };
    let result = exchange.await;
    AuthOutcome::Done {
        mechanism: mechanism.name(),
        user: user.to_string(),
        reply: Timed::since(started, result),
        token_error,
    }
}

/// MAIL FROM, RCPT TO, RSET, QUIT. RSET makes the server drop the
/// transaction, so even a server that mishandles QUIT delivers nothing.
/// ESMTP parameters for MAIL and RCPT from what the server offers, or why
/// the transaction must not start (RFC 1870 SIZE, RFC 6531 SMTPUTF8, RFC 3461 DSN).
fn parameters(obs: &mut Observation, plan: &Plan) -> Result<(Vec<String>, Vec<String>), String> {
    let caps = obs.current_capabilities().unwrap_or_default();
    let mut mail = Vec::new();
    let mut rcpt = Vec::new();
    let addresses = std::iter::once(&plan.sender)
        .chain(std::iter::once(&plan.recipient))
        .chain(&plan.extra_recipients);
    if let Some(a) = addresses.clone().find(|a| !a.is_ascii()) {
        if !caps.has("SMTPUTF8") {
            return Err(format!("{a} has non-ASCII characters, which need SMTPUTF8 (RFC 6531), and the server does not offer it"));
        }
        mail.push("SMTPUTF8".to_string());
        obs.extensions.push("SMTPUTF8".into());
    }
    if let Some(message) = plan
        .message_raw
        .as_ref()
        .filter(|_| plan.stage >= Stage::Data)
    {
        if let Some(limit) = caps.size_limit() {
            if message.len() as u64 > limit {
                return Err(format!("the message is {} octets and the server's SIZE limit is {limit} (RFC 1870): not sent", message.len()));
            }
        }
        if caps.has("SIZE") {
            mail.push(format!("SIZE={}", message.len()));
            obs.extensions.push("SIZE".into());
        }
    }
    if let Some(notify) = &plan.notify {
        if caps.has("DSN") {
            rcpt.push(format!("NOTIFY={}", notify.parameter()));
            obs.extensions.push("DSN".into());
        } else {
            obs.not_offered.push(Unoffered::Dsn);
        }
    }
    Ok((mail, rcpt))
}

/// The test transaction, pipelined or not, on one path: the envelope
/// (MAIL, each RCPT, and DATA for `send`) goes out in one write when the
/// server offers PIPELINING (RFC 2920 §3.1), or a command at a time; the
/// replies are recorded the same way; then the message (`send`), and one
/// ending: RSET when a transaction is left open, QUIT when the connection
/// can carry it.
async fn transaction(session: &mut Session<BoxStream>, obs: &mut Observation, plan: &Plan) {
    let (mail_params, rcpt_params) = match parameters(obs, plan) {
        Ok(p) => p,
        Err(why) => {
            session.note(format!("not starting the transaction: {why}"));
            obs.refused_locally = Some(why);
            session.quit().await;
            return;
        }
    };
    let Some(envelope) = Envelope::of(plan, &mail_params, &rcpt_params) else {
        // Validated at the command line; a library caller gets skips.
        session.quit().await;
        return;
    };
    let caps = obs.current_capabilities().unwrap_or_default();
    let send_data = plan.stage >= Stage::Data && plan.message.is_some();
    let chunking = send_data && plan.chunking && caps.has("CHUNKING");
    if send_data && plan.chunking && !chunking {
        obs.not_offered.push(Unoffered::Chunking);
    }
    obs.pipelined = caps.has("PIPELINING") && plan.stage >= Stage::Rcpt;
    let mut commands = vec![envelope.mail];
    if plan.stage >= Stage::Rcpt {
        commands.extend(envelope.rcpts.iter().map(|(_, c)| c.clone()));
    }
    let data = send_data && !chunking;
    if data {
        commands.push(Command::data());
    }
    // A probe's group ends the session too: RSET and QUIT in the same
    // write, so the whole test costs one round trip.
    let closing = obs.pipelined && !send_data;
    if closing {
        commands.extend([Command::rset(), Command::quit()]);
    }
    let mut replies = match obs.pipelined {
        true => session.pipeline(&commands).await.into_iter(),
        false => one_at_a_time(session, &commands, data).await.into_iter(),
    };
    obs.mail = replies.next();
    // A failed MAIL makes the later replies meaningless (503 bad sequence):
    // they are read, not recorded.
    let mail_ok = matches!(&obs.mail, Some(Timed { value: Ok(r), .. }) if r.is_positive());
    if plan.stage >= Stage::Rcpt {
        let addresses = envelope.rcpts.iter().map(|(a, _)| a.clone());
        let rcpts: Vec<_> = addresses.zip(replies.by_ref()).collect();
        if mail_ok {
            record_rcpts(obs, rcpts);
        }
    }
    if data && mail_ok {
        obs.data = replies.next();
    }
    // Whether the connection survived the last reply read.
    let last = obs
        .data
        .as_ref()
        .or(obs.extra_rcpts.last().map(|(_, r)| r))
        .or(obs.rcpt.as_ref())
        .or(obs.mail.as_ref());
    let open = last.is_none_or(|l| still_open(&l.value));
    if closing || !open {
        return;
    }
    if chunking && any_rcpt_accepted(obs) {
        return send_bdat(session, obs, plan).await;
    }
    if matches!(&obs.data, Some(Timed { value: Ok(r), .. }) if r.code == 354) {
        if let Some(message) = plan.message.as_ref() {
            return deliver(session, obs, message, true, Instant::now()).await;
        }
    }
    if mail_ok {
        let _ = session.command(&Command::rset()).await;
    }
    session.quit().await;
}

/// MAIL, the RCPT commands with their addresses.
struct Envelope {
    mail: Command,
    rcpts: Vec<(String, Command)>,
}

impl Envelope {
    fn of(plan: &Plan, mail_params: &[String], rcpt_params: &[String]) -> Option<Self> {
        let mail = Command::mail_from_with(&plan.sender, mail_params).ok()?;
        let rcpts = std::iter::once(&plan.recipient)
            .chain(&plan.extra_recipients)
            .map(|r| Some((r.clone(), Command::rcpt_to_with(r, rcpt_params).ok()?)))
            .collect::<Option<Vec<_>>>()?;
        Some(Self { mail, rcpts })
    }
}

/// Without PIPELINING: each command waits for its reply. Stops after a
/// refused MAIL, when the connection is gone, and before DATA when no
/// recipient was accepted (`data`: the last command is DATA).
async fn one_at_a_time(
    session: &mut Session<BoxStream>,
    commands: &[Command],
    data: bool,
) -> Vec<Timed<Result<Reply, SessionError>>> {
    let mut replies: Vec<Timed<Result<Reply, SessionError>>> = Vec::new();
    for (i, command) in commands.iter().enumerate() {
        let is_data = data && i + 1 == commands.len();
        let any_rcpt_accepted = replies
            .iter()
            .skip(1)
            .any(|r| matches!(&r.value, Ok(reply) if reply.is_positive()));
        if is_data && !any_rcpt_accepted {
            break;
        }
        let reply = step(session, Some(command)).await;
        let go_on =
            still_open(&reply.value) && (i > 0 || matches!(&reply.value, Ok(r) if r.is_positive()));
        replies.push(reply);
        if !go_on {
            break;
        }
    }
    replies
}

fn record_rcpts(
    obs: &mut Observation,
    results: impl IntoIterator<Item = (String, Timed<Result<Reply, SessionError>>)>,
) {
    for (i, (address, reply)) in results.into_iter().enumerate() {
        if i == 0 {
            obs.rcpt = Some(reply);
        } else {
            obs.extra_rcpts.push((address, reply));
        }
    }
}

fn any_rcpt_accepted(obs: &Observation) -> bool {
    std::iter::once(&obs.rcpt)
        .flatten()
        .chain(obs.extra_rcpts.iter().map(|(_, r)| r))
        .any(|r| matches!(&r.value, Ok(reply) if reply.is_positive()))
}

/// CHUNKING (RFC 3030): `BDAT n LAST` and the message as written, no
/// dot-stuffing, one reply.
async fn send_bdat(session: &mut Session<BoxStream>, obs: &mut Observation, plan: &Plan) {
    let Some(message) = plan.message_raw.as_ref() else {
        return;
    };
    obs.chunked = true;
    obs.extensions.push("CHUNKING".into());
    let start = Instant::now();
    let mut wire = format!("BDAT {} LAST\r\n", message.len()).into_bytes();
    wire.extend_from_slice(message);
    session.note(format!(
        "CHUNKING: BDAT {} LAST, the message follows as is (RFC 3030)",
        message.len()
    ));
    deliver(session, obs, &wire, false, start).await;
}

/// Sends the message bytes, reads the final reply into `data_end`, QUIT.
async fn deliver(
    session: &mut Session<BoxStream>,
    obs: &mut Observation,
    bytes: &[u8],
    dotted: bool,
    start: Instant,
) {
    let result = match session.send_message(bytes, dotted).await {
        Ok(()) => session.read_reply().await,
        Err(e) => Err(e),
    };
    let open = still_open(&result);
    obs.data_end = Some(Timed::since(start, result));
    if open {
        session.quit().await;
    }
}
