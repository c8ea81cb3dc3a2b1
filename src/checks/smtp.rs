//! `tcp.connect`, `smtp.banner`, `smtp.ehlo`, `smtp.mail`, `smtp.rcpt`: one
//! conversation's observations turned into findings. A step that failed makes
//! every later step of that address `skip`.

use super::classify::{self, Context, Provider, ReplyStage};
use super::{skipped, tls, Policy};
use super::{Check, CheckId, Detail, Status};
use crate::explain;
use crate::observe::conversation::{ConnectError, Observation};
use crate::observe::{Endpoint, Stage};
use crate::smtp::{Capabilities, Reply, SessionError, Timed};
use serde_json::json;

/// Builds the checks of one conversation in order: once a step fails,
/// every later one is a skip naming it.
struct Steps<'a> {
    endpoint: &'a Endpoint,
    failed: Option<CheckId>,
    /// `--quit-after`: steps past this phase were not run.
    cut: Option<Stage>,
    /// The phase the next `add` belongs to.
    phase: Stage,
    out: Vec<Check>,
}

impl Steps<'_> {
    fn add(&mut self, id: CheckId, rule: impl FnOnce() -> Check) {
        let check = match (self.failed, self.cut) {
            (_, Some(cut)) if self.phase > cut => Check::new(
                id,
                Status::Skip,
                format!("skipped: --quit-after {}", cut.phase()),
            ),
            (Some(because), _) => skipped(id, because),
            (None, _) => rule(),
        };
        if check.status == Status::Fail {
            self.failed = Some(id);
        }
        self.out.push(check.at(self.endpoint));
    }
}

/// The checks of one conversation, in order, up to `stage`; with
/// `quit_after`, the phases after it are reported as skipped.
pub fn conversation_checks(
    obs: &Observation,
    stage: Stage,
    quit_after: Option<Stage>,
    policy: &Policy,
) -> Vec<Check> {
    if let Some(what) = &obs.internal_error {
        return vec![super::internal_error(what).at(&obs.endpoint)];
    }
    let ctx = context_of(obs, policy);
    let mut steps = Steps {
        endpoint: &obs.endpoint,
        failed: None,
        cut: quit_after,
        phase: Stage::Connect,
        out: Vec::new(),
    };
    steps.add(CheckId::TcpConnect, || connect_check(obs));
    steps.phase = Stage::Banner;
    let implicit = obs.tls.as_ref().filter(|t| t.implicit);
    if let (Some(tls), true) = (implicit, stage > Stage::Connect) {
        steps.add(CheckId::TlsImplicit, || tls::session_check(tls, policy));
        steps.add(CheckId::TlsCertificate, || {
            tls::certificate_check(Some(tls), policy)
        });
    }
    if stage >= Stage::Banner {
        steps.add(CheckId::SmtpBanner, || banner_check(obs, &ctx));
    }
    if stage >= Stage::Ehlo {
        steps.phase = Stage::Ehlo;
        steps.add(CheckId::SmtpEhlo, || ehlo_check(obs, implicit.is_some()));
    }
    steps.phase = Stage::Tls;
    if stage >= Stage::Tls && implicit.is_none() {
        match &obs.tls {
            Some(tls) => {
                steps.add(CheckId::TlsStarttls, || tls::session_check(tls, policy));
                steps.add(CheckId::TlsCertificate, || {
                    tls::certificate_check(Some(tls), policy)
                });
                if obs.ehlo_after_tls.is_some() {
                    steps.add(CheckId::SmtpEhlo, || ehlo_after_tls_check(obs));
                }
            }
            None if steps.failed.is_none() => {
                steps.add(CheckId::TlsStarttls, || {
                    Check::new(
                        CheckId::TlsStarttls,
                        Status::Skip,
                        "TLS not attempted (--tls off)",
                    )
                });
            }
            None => steps.add(CheckId::TlsStarttls, || {
                unreachable_check(CheckId::TlsStarttls)
            }),
        }
    }
    // After a failed handshake in --tls auto, the transaction comes from the
    // plaintext retry on its own connection, as opportunistic senders do.
    let main = obs;
    let obs = match main.plaintext_retry.as_deref() {
        Some(retry) => {
            steps.failed = None;
            retry
        }
        None => main,
    };
    if policy.auth_planned && stage >= Stage::Auth {
        steps.phase = Stage::Auth;
        steps.add(CheckId::SmtpAuth, || match &obs.auth {
            Some(outcome) => auth_check(outcome, &ctx),
            None => unreachable_check(CheckId::SmtpAuth),
        });
    }
    if stage >= Stage::Rcpt {
        steps.phase = Stage::Mail;
        steps.add(CheckId::SmtpMail, || {
            let check = mail_check(obs, &ctx);
            match main.plaintext_retry.is_some() {
                true => Check {
                    summary: format!(
                        "{} (on a new connection without STARTTLS, after the failed TLS handshake)",
                        check.summary
                    ),
                    ..check
                }
                .with("plaintext_retry", true),
                false => check,
            }
        });
        steps.phase = Stage::Rcpt;
        // Recipients are siblings: each is judged on its own, and the
        // transaction goes on when any was accepted (RFC 5321 §3.3).
        let before = steps.failed;
        steps.add(CheckId::SmtpRcpt, || rcpt_check(obs, &ctx));
        let mut accepted = steps.out.last().is_some_and(|c| c.status != Status::Fail);
        for (address, reply) in &obs.extra_rcpts {
            steps.failed = before;
            steps.add(CheckId::SmtpRcpt, || {
                rcpt_reply_check(obs, address, reply, &ctx)
            });
            accepted |= steps.out.last().is_some_and(|c| c.status != Status::Fail);
        }
        if before.is_none() {
            steps.failed = (!accepted).then_some(CheckId::SmtpRcpt);
        }
    }
    if stage >= Stage::Data {
        steps.phase = Stage::Data;
        steps.add(CheckId::SmtpData, || data_check(obs, &ctx));
        steps.add(CheckId::SmtpDataEnd, || data_end_check(obs, &ctx));
    }
    // Their own connections, off the delivery path: last, blocking nothing.
    let obs = main;
    if let Some(probes) = &obs.tls_versions {
        let graded = super::tls_grade::scan_checks(probes, &obs.tls_categories);
        steps
            .out
            .extend(graded.into_iter().map(|c| c.at(&obs.endpoint)));
    }
    if let Some(outcome) = &obs.injection {
        steps
            .out
            .push(tls::injection_check(outcome).at(&obs.endpoint));
    }
    if let Some(outcome) = &obs.relay {
        steps.out.push(relay_check(outcome, obs).at(&obs.endpoint));
    }
    if let Some(outcome) = &obs.vrfy {
        steps.out.push(vrfy_check(outcome).at(&obs.endpoint));
    }
    steps.out
}

/// Only called when an earlier step failed, which `Steps::add` turns into a skip.
fn unreachable_check(id: CheckId) -> Check {
    Check::new(id, Status::Skip, "not reached")
}

fn connect_check(obs: &Observation) -> Check {
    let elapsed = obs.connect.elapsed;
    let target = format!("{}:{}", bracket(obs), obs.endpoint.port);
    match &obs.connect.value {
        Ok(()) => Check::new(
            CheckId::TcpConnect,
            Status::Pass,
            format!("connected to {target}"),
        )
        .took(elapsed),
        Err(e) => Check::new(CheckId::TcpConnect, Status::Fail, format!("{target}: {e}"))
            .took(elapsed)
            .with("error_kind", e.kind())
            .advice(connect_advice(e, obs)),
    }
}

fn bracket(obs: &Observation) -> String {
    match obs.endpoint.address {
        std::net::IpAddr::V6(a) => format!("[{a}]"),
        a => a.to_string(),
    }
}

fn connect_advice(e: &ConnectError, obs: &Observation) -> String {
    let port = obs.endpoint.port;
    match e {
        ConnectError::Refused => format!("The host answered but nothing accepts connections on port {port}: the mail server is not running, listens on other addresses (Postfix: inet_interfaces), or a firewall rejects the connection."),
        ConnectError::Timeout(_) => format!("No answer at all: a firewall drops the packets, the host is down, or outbound port {port} is blocked on your own network (common on residential and cloud networks). Try from another network to tell them apart."),
        ConnectError::Unreachable(_) => match obs.endpoint.address {
            std::net::IpAddr::V6(_) => "No route to this IPv6 address from here: this machine may lack IPv6 connectivity, or the address in DNS is wrong.".to_string(),
            _ => "No route to this address from here: check the address published in DNS and this machine's network.".to_string(),
        },
        ConnectError::Other(_) => "The connection could not be opened; the error above is the operating system's own.".to_string(),
    }
}

/// The fields every reply-based check carries.
fn reply_data(check: Check, reply: &Reply) -> Check {
    check
        .with("code", reply.code)
        .with("enhanced_code", reply.enhanced.map(|e| e.to_string()))
        .with("text", reply.text())
        .detail(Detail::Reply {
            code: reply.code,
            greylisted: is_greylisting(reply),
            queue_id: None,
        })
}

/// A step that ended without a reply.
fn session_failure(
    id: CheckId,
    what: &str,
    e: &SessionError,
    elapsed: std::time::Duration,
) -> Check {
    let advice = match e {
        SessionError::Timeout { .. } => format!("The server stopped answering during {what}: it may be overloaded, deliberately slow (a tarpit), or a firewall or proxy is holding the connection."),
        SessionError::Closed { .. } => format!("The server hung up during {what}: often a connection limit, a block on your IP address, or a crash in the server."),
        SessionError::Protocol(_) => "What came back is not valid SMTP: something other than a mail server answers, or a middlebox interferes.".to_string(),
        SessionError::Io { .. } => "The connection broke; the error above is the operating system's own.".to_string(),
    };
    Check::new(id, Status::Fail, format!("{what}: {e}"))
        .took(elapsed)
        .with("error_kind", e.kind())
        .advice(advice)
}

/// A greeting slower than this is reported as slow (a warning), not as down.
pub const SLOW_BANNER: std::time::Duration = std::time::Duration::from_secs(5);

fn banner_check(obs: &Observation, ctx: &Context) -> Check {
    let Some(Timed { value, elapsed }) = &obs.banner else {
        return skipped(CheckId::SmtpBanner, CheckId::TcpConnect);
    };
    let reply = match value {
        Ok(r) => r,
        Err(e) => {
            return session_failure(CheckId::SmtpBanner, "waiting for the greeting", e, *elapsed)
        }
    };
    let c = |status, summary: String| {
        reply_data(Check::new(CheckId::SmtpBanner, status, summary), reply)
            .took(*elapsed)
            .with("time_to_banner_ms", crate::smtp::millis(*elapsed))
    };
    match reply.code {
        220 => greeting_ok(obs, reply, *elapsed, c(Status::Pass, String::new())),
        // 421 and 554 greetings say why in their words (RFC 5321 §3.1):
        // the same classifier as every other reply.
        421 | 554 => {
            let fallback = match reply.code {
                421 => ("server not available", "service_unavailable", "421 at connect: the server is shutting down, overloaded, or limiting connections from your address. Try again later; if it persists, your IP may be throttled or blocked."),
                _ => ("server refuses this client", "client_refused", "A 554 greeting means the server will not talk to your IP address, usually because of a block list or an access policy; the text often names the list. Probe from another network to confirm it is about your address."),
            };
            let status = Status::Fail;
            match classify::classify(reply.code, &reply.text(), &ctx.at(ReplyStage::Greeting)) {
                Some(found) => {
                    let check = c(status, format!("{}: {}", found.cause.summary(), reply.summary()))
                        .with("cause", found.cause.id())
                        .advice(found.cause.advice());
                    match crate::dnsbl::zone_named(&reply.text()) {
                        Some(zone) => Check {
                            summary: format!("your address is on the block list {zone}: {}", reply.summary()),
                            ..check
                        }
                        .with("blocklist", zone.clone())
                        .advice(format!("The server checks connecting addresses against {zone}, and the address smtpcheck connected from is listed there. This is about your side, not the server: look the address up on the list's site, fix the reason (an open relay, a compromised host, a dynamic IP range) and request delisting, or probe from another network.")),
                        None => check,
                    }
                }
                None => c(status, format!("{}: {}", fallback.0, reply.summary()))
                    .with("cause", fallback.1)
                    .advice(fallback.2),
            }
        }
        521 => c(Status::Fail, format!("server does not accept mail: {}", reply.summary()))
            .with("cause", "no_mail_service")
            .advice("521 (RFC 7504): this host never accepts mail. If it is listed as an MX, remove it from the MX records."),
        _ => c(Status::Fail, format!("unexpected greeting: {}", reply.summary()))
            .with("cause", "not_smtp")
            .advice("RFC 5321 §4.3.1 allows only 220 (or 554) as a greeting: something other than a well-behaved SMTP server answers on this port."),
    }
}

/// A 220 greeting: slow or not, and whether it came in parts (a pregreet
/// trap waits after `220-` to catch clients that talk too early).
fn greeting_ok(
    obs: &Observation,
    reply: &Reply,
    elapsed: std::time::Duration,
    check: Check,
) -> Check {
    let received: Vec<&crate::smtp::TranscriptLine> = obs
        .transcript
        .iter()
        .filter(|l| l.dir == crate::smtp::Direction::Received)
        .take(reply.lines.len())
        .collect();
    let pause_ms = match (received.first(), received.last()) {
        (Some(first), Some(last)) if received.len() > 1 => last.t_ms - first.t_ms,
        _ => 0.0,
    };
    let mut check = check.with("multiline_wait_ms", pause_ms);
    let mut summary = format!("greeting {}", reply.summary());
    if pause_ms >= 1000.0 {
        summary.push_str(&format!(
            " (a multi-line greeting: waited {:.1} s for its last line before speaking, as RFC 5321 §4.3.1 requires; this looks like a pregreet trap)",
            pause_ms / 1000.0
        ));
        check = check.with("cause", "pregreet_wait");
    }
    if elapsed >= SLOW_BANNER {
        return Check {
            status: Status::Warn,
            summary: format!("slow greeting, not down: {:.1} s to {}", elapsed.as_secs_f64(), reply.summary()),
            ..check
        }
        .with("cause", "slow_banner")
        .advice("The server accepts the connection but takes seconds to greet: a deliberate delay (tarpit, or a pregreet trap), or a slow reverse-DNS lookup of the client on the server. Senders wait up to 5 minutes (RFC 5321 §4.5.3.2), so mail still flows; if it is the server's DNS, fix its resolver.");
    }
    Check { summary, ..check }
}

fn ehlo_check(obs: &Observation, inside_tls: bool) -> Check {
    let Some(step) = &obs.ehlo else {
        return skipped(CheckId::SmtpEhlo, CheckId::SmtpBanner);
    };
    if let Ok(reply) = &step.value {
        if reply.is_permanent() {
            return helo_fallback_check(obs, reply, step.elapsed);
        }
    }
    let check = ehlo_reply_check(step, inside_tls);
    // RFC 8314 §3.3 and RFC 4954 §4: on submission, AUTH belongs inside TLS.
    let exposed = match (inside_tls, obs.endpoint.port, obs.capabilities()) {
        (false, 587, Some(caps)) => secret_sending_mechanisms(&caps),
        _ => Vec::new(),
    };
    if check.status == Status::Pass && !exposed.is_empty() {
        return Check { status: Status::Warn, ..check }
            .with("cause", "auth_before_tls")
            .with("exposed_mechanisms", exposed.clone())
            .advice(format!("AUTH {} is offered before TLS on the submission port: those mechanisms send the password (or token) in clear, readable by anyone on the path. Offer AUTH only after STARTTLS (Postfix: smtpd_tls_auth_only = yes).", exposed.join(" ")));
    }
    check
}

/// The advertised AUTH mechanisms that put the secret itself on the wire
/// (PLAIN, LOGIN: RFC 4616 and the LOGIN draft; XOAUTH2 and OAUTHBEARER
/// carry a bearer token, RFC 7628). Challenge-response ones (CRAM-MD5,
/// DIGEST-MD5, SCRAM-*) never send it, so offering them before TLS does not
/// expose a password.
fn secret_sending_mechanisms(caps: &Capabilities) -> Vec<String> {
    caps.get("AUTH")
        .map(|auth| {
            auth.params
                .iter()
                .map(|m| m.to_ascii_uppercase())
                .filter(|m| matches!(m.as_str(), "PLAIN" | "LOGIN" | "XOAUTH2" | "OAUTHBEARER"))
                .collect()
        })
        .unwrap_or_default()
}

/// EHLO inside STARTTLS, with what appeared or vanished across the upgrade.
fn ehlo_after_tls_check(obs: &Observation) -> Check {
    let Some(step) = &obs.ehlo_after_tls else {
        return skipped(CheckId::SmtpEhlo, CheckId::TlsStarttls);
    };
    let mut check = ehlo_reply_check(step, true);
    let (Some(before), Some(after)) = (obs.capabilities(), obs.capabilities_after_tls()) else {
        return check;
    };
    let (before, after) = (before.keywords(), after.keywords());
    let appeared: Vec<&String> = after.iter().filter(|k| !before.contains(k)).collect();
    // STARTTLS itself must vanish (RFC 3207 §4.2), so it is not news.
    let vanished: Vec<&String> = before
        .iter()
        .filter(|k| !after.contains(k) && k.as_str() != "STARTTLS")
        .collect();
    let mut notes = Vec::new();
    if !appeared.is_empty() {
        notes.push(format!("new inside TLS: {}", join(&appeared)));
    }
    if !vanished.is_empty() {
        notes.push(format!("gone inside TLS: {}", join(&vanished)));
    }
    if !notes.is_empty() {
        check.summary = format!("{} ({})", check.summary, notes.join("; "));
    }
    check
        .with("appeared", json!(appeared))
        .with("vanished", json!(vanished))
}

fn join(words: &[&String]) -> String {
    words
        .iter()
        .map(|w| w.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A 2xx/4xx/error EHLO reply (5xx goes to the HELO fallback).
fn ehlo_reply_check(step: &Timed<Result<Reply, SessionError>>, after_tls: bool) -> Check {
    let elapsed = step.elapsed;
    let ehlo = match &step.value {
        Ok(r) => r,
        Err(e) => {
            return session_failure(CheckId::SmtpEhlo, "EHLO", e, elapsed)
                .with("helo_fallback", false)
                .with("after_tls", after_tls)
        }
    };
    if !ehlo.is_positive() {
        return reply_data(
            Check::new(
                CheckId::SmtpEhlo,
                Status::Fail,
                format!("EHLO rejected: {}", ehlo.summary()),
            ),
            ehlo,
        )
        .took(elapsed)
        .with("helo_fallback", false)
        .with("after_tls", after_tls)
        .advice(transient_advice(ehlo));
    }
    let caps = Capabilities::from_ehlo(ehlo);
    let shown: Vec<String> = caps
        .list
        .iter()
        .map(|c| {
            std::iter::once(c.keyword.clone())
                .chain(c.params.iter().cloned())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let inside = if after_tls { " inside TLS" } else { "" };
    let summary = if shown.is_empty() {
        format!("EHLO accepted{inside}, no extensions advertised")
    } else {
        format!("EHLO accepted{inside}: {}", shown.join(", "))
    };
    reply_data(Check::new(CheckId::SmtpEhlo, Status::Pass, summary), ehlo)
        .took(elapsed)
        .with("capabilities", caps.keywords())
        .with("greeting_name", caps.greeting_name.clone())
        .with("size_limit", caps.size_limit())
        .with("helo_fallback", false)
        .with("after_tls", after_tls)
}

fn helo_fallback_check(
    obs: &Observation,
    ehlo: &Reply,
    ehlo_elapsed: std::time::Duration,
) -> Check {
    let Some(Timed { value, elapsed }) = &obs.helo else {
        return Check::new(
            CheckId::SmtpEhlo,
            Status::Fail,
            format!("EHLO refused: {}", ehlo.summary()),
        );
    };
    let total = ehlo_elapsed + *elapsed;
    match value {
        Ok(helo) if helo.is_positive() => reply_data(
            Check::new(CheckId::SmtpEhlo,
                Status::Warn,
                format!("EHLO refused ({}); HELO accepted: {}", ehlo.summary(), helo.summary()),
            ),
            helo,
        )
        .took(total)
        .with("capabilities", json!([]))
        .with("helo_fallback", true)
        .with("after_tls", false)
        .with("ehlo_code", ehlo.code)
        .advice("The server speaks only old-style SMTP: no extensions, so no STARTTLS, SIZE or PIPELINING. Senders fall back to HELO and deliver in plaintext; enable ESMTP (RFC 5321) on the server."),
        Ok(helo) => reply_data(
            Check::new(CheckId::SmtpEhlo,
                Status::Fail,
                format!("EHLO refused ({}) and HELO refused: {}", ehlo.summary(), helo.summary()),
            ),
            helo,
        )
        .took(total)
        .with("helo_fallback", true)
        .advice(helo_name_advice(helo)),
        Err(e) => session_failure(CheckId::SmtpEhlo, "HELO after EHLO was refused", e, total).with("helo_fallback", true),
    }
}

fn helo_name_advice(reply: &Reply) -> String {
    if matches!(reply.code, 501 | 504 | 550) {
        "The server rejects the name smtpcheck introduced itself with: set --helo to a fully-qualified host name that resolves in DNS (ideally this machine's reverse-DNS name).".to_string()
    } else {
        "The server refuses to start a session with this client; its reply text says why."
            .to_string()
    }
}

fn transient_advice(reply: &Reply) -> String {
    if reply.code == 421 {
        "421: the server is closing the connection (shutting down, overloaded, or limiting your address). Try again later.".to_string()
    } else {
        "A temporary refusal: try again later; if it persists, the server's logs will say why."
            .to_string()
    }
}

fn mail_check(obs: &Observation, ctx: &Context) -> Check {
    if let Some(why) = &obs.refused_locally {
        return Check::new(CheckId::SmtpMail, Status::Fail, format!("not sent: {why}"))
            .with("cause", if why.contains("SIZE") { "size_exceeded" } else { "smtputf8_missing" })
            .advice(if why.contains("SIZE") {
                "Send a smaller message, or ask the server's admin to raise its limit (Postfix: message_size_limit)."
            } else {
                "Use an ASCII address, or a server that offers SMTPUTF8 (Postfix 3: smtputf8_enable = yes)."
            });
    }
    let Some(Timed { value, elapsed }) = &obs.mail else {
        return skipped(CheckId::SmtpMail, CheckId::SmtpEhlo);
    };
    let reply = match value {
        Ok(r) => r,
        Err(e) => return session_failure(CheckId::SmtpMail, "MAIL FROM", e, *elapsed),
    };
    let check = reply_data(Check::new(CheckId::SmtpMail, Status::Pass, ""), reply)
        .took(*elapsed)
        .with("sender", format!("<{}>", obs.sender))
        .with("pipelined", obs.pipelined)
        .with("extensions", obs.extensions.clone());
    match reply.code / 100 {
        2 => Check {
            summary: format!("sender accepted: {}", reply.summary()),
            ..check
        },
        4 => with_cause(
            check,
            Status::Warn,
            format!("sender deferred (temporary): {}", reply.summary()),
            reply,
            "transient",
            ctx.at(ReplyStage::Mail),
        ),
        _ => with_cause(
            check,
            Status::Fail,
            format!("sender refused: {}", reply.summary()),
            reply,
            "sender_refused",
            ctx.at(ReplyStage::Mail),
        ),
    }
}

/// True when a reply is greylisting (the classifier's rule): a transient
/// refusal that a retry after a few minutes gets past.
pub fn is_greylisting(r: &Reply) -> bool {
    r.is_transient()
        && classify::classify(r.code, &r.text(), &Context::default())
            .is_some_and(|d| d.cause == classify::Cause::Greylisting)
}

/// RCPT, and with `--retry-greylist` the outcome of the retry (or why the
/// deadline left no time for it).
fn rcpt_check(obs: &Observation, ctx: &Context) -> Check {
    let first = rcpt_once(obs, ctx);
    if let Some(why) = &obs.retry_cut {
        return Check {
            summary: format!("{} | {why}", first.summary),
            ..first
        }
        .with("retry", json!({"outcome": "not_made", "reason": why}));
    }
    let Some(retry) = &obs.retry else {
        return first;
    };
    if let Some(what) = &retry.internal_error {
        return Check {
            summary: format!(
                "{} | the retry failed inside smtpcheck: {what}",
                first.summary
            ),
            ..first
        }
        .with(
            "retry",
            json!({"outcome": "internal_error", "reason": what}),
        );
    }
    let again = rcpt_once(retry, ctx);
    let outcome = match again.status {
        Status::Pass => "accepted",
        Status::Warn => "deferred again",
        _ => "refused",
    };
    let reply = match &retry.rcpt {
        Some(Timed { value: Ok(r), .. }) => Some(r),
        _ => None,
    };
    let summary = format!("{} | retried: {outcome}: {}", first.summary, again.summary);
    let advice = if again.status == Status::Pass {
        Some("Greylisting confirmed: the retry was accepted, so mail from real servers arrives after their first retry.".into())
    } else {
        again.advice.or(first.advice.clone())
    };
    Check {
        status: again.status,
        summary,
        advice,
        detail: again.detail,
        ..first
    }
    .with(
        "retry",
        json!({"outcome": outcome, "code": reply.map(|r| r.code), "text": reply.map(|r| r.text()), "status": again.status}),
    )
}

fn rcpt_once(obs: &Observation, ctx: &Context) -> Check {
    let Some(step) = &obs.rcpt else {
        return skipped(CheckId::SmtpRcpt, CheckId::SmtpMail);
    };
    rcpt_reply_check(obs, &obs.recipient, step, ctx)
}

/// One RCPT reply for `recipient`.
fn rcpt_reply_check(
    obs: &Observation,
    recipient: &str,
    step: &Timed<Result<Reply, SessionError>>,
    ctx: &Context,
) -> Check {
    let Timed { value, elapsed } = step;
    let reply = match value {
        Ok(r) => r,
        Err(e) => return session_failure(CheckId::SmtpRcpt, "RCPT TO", e, *elapsed),
    };
    let check = reply_data(Check::new(CheckId::SmtpRcpt, Status::Pass, ""), reply)
        .took(*elapsed)
        .with("recipient", recipient.to_string())
        .with("pipelined", obs.pipelined);
    match reply.code / 100 {
        2 => Check {
            summary: format!("recipient accepted: {}", reply.summary()),
            ..check
        },
        4 => with_cause(
            check,
            Status::Warn,
            format!("recipient deferred (temporary): {}", reply.summary()),
            reply,
            "transient",
            ctx.at(ReplyStage::Rcpt),
        ),
        _ => with_cause(
            check,
            Status::Fail,
            format!("recipient refused: {}", reply.summary()),
            reply,
            "refused",
            ctx.at(ReplyStage::Rcpt),
        ),
    }
}

/// Names the cause of a negative reply (the classifier, shared with
/// `smtpcheck explain`), or falls back to what the codes mean.
fn with_cause(
    check: Check,
    status: Status,
    summary: String,
    reply: &Reply,
    fallback: &'static str,
    ctx: Context,
) -> Check {
    let enhanced = reply.enhanced.map(|e| e.to_string());
    let text = reply.text();
    let mut check = Check {
        status,
        summary,
        ..check
    };
    match classify::classify(reply.code, &text, &ctx) {
        Some(found) => {
            check.summary = format!("{}: {}", found.cause.summary(), reply.summary());
            if let Some(zone) = crate::dnsbl::zone_named(&text) {
                check = check.with("blocklist", zone);
            }
            if let Some(detail) = found.detail {
                check = check.with("cause_detail", detail);
            }
            if let Some(provider) = found.provider {
                check = check.with("provider", provider.name());
            }
            check
                .with("cause", found.cause.id())
                .advice(found.cause.advice())
        }
        None => {
            let mut meaning: Vec<String> = Vec::new();
            if let Some((m, _)) = explain::reply_meaning(reply.code) {
                meaning.push(format!("{} means \"{m}\"", reply.code));
            }
            if let Some((e, (m, _))) = enhanced
                .as_deref()
                .and_then(|e| Some((e, explain::enhanced_meaning(e)?)))
            {
                meaning.push(format!("{e} means \"{m}\" (RFC 3463)"));
            }
            let meaning = if meaning.is_empty() {
                format!("{} is not a reply code RFC 5321 defines", reply.code)
            } else {
                meaning.join("; ")
            };
            let next = if reply.is_transient() {
                "It is temporary: senders retry, and so can you later."
            } else {
                "The reply text says why; `smtpcheck explain` decodes any reply line."
            };
            check
                .with("cause", fallback)
                .advice(format!("{meaning}. {next}"))
        }
    }
}

/// What the classifier may use about this conversation: the provider the
/// server belongs to (its MX name, greeting or EHLO host) and whether the
/// recipient is outside the probed domain.
fn context_of(obs: &Observation, policy: &super::Policy) -> Context {
    let greeting = obs.banner.as_ref().and_then(|b| match &b.value {
        Ok(r) => r.first_line().split_whitespace().next().map(str::to_string),
        Err(_) => None,
    });
    let ehlo = obs.capabilities().map(|c| c.greeting_name);
    let provider = [Some(obs.endpoint.host.clone()), greeting, ehlo]
        .into_iter()
        .flatten()
        .find_map(|host| Provider::of_host(&host));
    Context {
        stage: None,
        provider,
        recipient_local: Some(!policy.foreign_recipient),
    }
}

/// `smtp.auth`: did AUTH work (RFC 4954)? The secret is never in the check.
fn auth_check(outcome: &crate::observe::conversation::AuthOutcome, ctx: &Context) -> Check {
    use crate::observe::conversation::AuthOutcome;
    let id = CheckId::SmtpAuth;
    match outcome {
        AuthOutcome::NotOffered => Check::new(id, Status::Fail, "the server offers no AUTH")
            .with("cause", "auth_not_offered")
            .advice("A submission server must offer AUTH (RFC 6409); on port 25 many offer it only after STARTTLS. Enable SASL (Postfix: smtpd_sasl_auth_enable = yes)."),
        AuthOutcome::NoCredentials { advertised } => Check::new(id, Status::Info, format!("AUTH offered: {} (give --auth-user to test it)", advertised.join(" ")))
            .with("mechanisms", advertised.clone()),
        AuthOutcome::RefusedPlaintext { advertised } => Check::new(id, Status::Fail, "AUTH not attempted: the connection is not encrypted, and credentials are never sent in plaintext")
            .with("mechanisms", advertised.clone())
            .with("cause", "auth_plaintext_refused")
            .advice("Use TLS (STARTTLS, or port 465); --allow-plaintext-auth sends the credentials anyway, readable by anyone on the path."),
        AuthOutcome::NoMechanism(why) => Check::new(id, Status::Fail, format!("AUTH not attempted: {why}"))
            .with("cause", "auth_no_mechanism")
            .advice("Choose a mechanism the server offers with --auth-mech."),
        AuthOutcome::Done { mechanism, user, reply, token_error } => {
            let Timed { value, elapsed } = reply;
            let r = match value {
                Ok(r) => r,
                Err(e) => return session_failure(id, "AUTH", e, *elapsed).with("mechanism", *mechanism),
            };
            let check = reply_data(Check::new(id, Status::Pass, ""), r)
                .took(*elapsed)
                .with("mechanism", *mechanism)
                .with("user", user.clone());
            match r.code {
                235 => Check { summary: format!("authenticated as {user} with {mechanism}: {}", r.summary()), ..check },
                535 if *mechanism == "XOAUTH2" => token_refused(check, r, token_error.as_deref()),
                535 => Check { status: Status::Fail, summary: format!("credentials refused ({mechanism}): {}", r.summary()), ..check }
                    .with("cause", "auth_credentials_invalid")
                    .advice("535: the user name or password is wrong, or the account may not log in this way. Check both (the user is often the full address); providers with two-factor logins need an app password or XOAUTH2."),
                534 => Check { status: Status::Fail, summary: format!("mechanism too weak ({mechanism}): {}", r.summary()), ..check }
                    .with("cause", "auth_mechanism_too_weak")
                    .advice("534: the server wants a stronger mechanism or an encrypted connection: use TLS, or pick another mechanism with --auth-mech (XOAUTH2 for providers that require OAuth)."),
                c if c / 100 == 4 => with_cause(Check { status: Status::Warn, summary: format!("AUTH failed for now: {}", r.summary()), ..check }, Status::Warn, format!("AUTH failed for now: {}", r.summary()), r, "transient", ctx.at(ReplyStage::Auth)),
                _ => with_cause(check, Status::Fail, format!("AUTH refused: {}", r.summary()), r, "auth_refused", ctx.at(ReplyStage::Auth)),
            }
        }
    }
}

/// A refused XOAUTH2 token, with the server's error decoded. Google's
/// XOAUTH2 page shows the form `{"status":"401","schemes":"bearer mac",
/// "scope":"https://mail.google.com/"}` (HTTP-like status codes); RFC 7628
/// §3.2.2 uses the OAuth error names (invalid_token, insufficient_scope).
fn token_refused(check: Check, r: &Reply, error: Option<&str>) -> Check {
    let fields: Option<serde_json::Value> = error.and_then(|e| serde_json::from_str(e).ok());
    let field = |name: &str| {
        fields
            .as_ref()
            .and_then(|f| f.get(name))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let (status, scope) = (field("status"), field("scope"));
    let said = match (&status, &scope, error) {
        (Some(st), Some(sc), _) => format!("; the server says status {st}, scope {sc}"),
        (Some(st), None, _) => format!("; the server says status {st}"),
        (None, _, Some(raw)) => format!("; the server says {raw}"),
        (None, _, None) => String::new(),
    };
    let scope_words = scope
        .as_deref()
        .map_or(String::new(), |s| format!(" ({s})"));
    let advice = match status.as_deref() {
        Some("400" | "invalid_request") => "The server could not use the XOAUTH2 request: check that --auth-user is the full address the token was issued for.".to_string(),
        Some("403" | "insufficient_scope") => format!("The token lacks the scope the server asks for{scope_words}: request a token with that scope."),
        _ => format!("The access token is invalid, expired or revoked, or was issued for another user or scope{scope_words}: get a new access token (they typically last an hour) and check --auth-user. XOAUTH2 takes an access token, not a password or a refresh token."),
    };
    let mut check = Check {
        status: Status::Fail,
        summary: format!("OAuth token refused (XOAUTH2): {}{said}", r.summary()),
        ..check
    }
    .with("cause", "auth_token_refused")
    .advice(advice);
    if let Some(e) = error {
        check = check.with("token_error", e.to_string());
    }
    check
}

/// `smtp.data`: the reply to DATA (354: go ahead, RFC 5321 §4.1.1.4).
fn data_check(obs: &Observation, ctx: &Context) -> Check {
    not_offered(obs, data_reply_check(obs, ctx))
}

/// What was asked for and not offered (`--notify`, `--chunking`) turns a
/// passing DATA step into a warning that says so: the message went, but not
/// as asked.
fn not_offered(obs: &Observation, check: Check) -> Check {
    if obs.not_offered.is_empty() || check.status != Status::Pass {
        return check;
    }
    let words: Vec<&str> = obs.not_offered.iter().map(|u| u.words()).collect();
    Check {
        status: Status::Warn,
        summary: format!("{}; {}", check.summary, words.join("; ")),
        ..check
    }
    .with("not_offered", obs.not_offered.iter().map(|u| u.keyword()).collect::<Vec<_>>())
    .advice("The server lacks an extension this run asked for. Ask its operator to enable it, or test without the option.")
}

fn data_reply_check(obs: &Observation, ctx: &Context) -> Check {
    if obs.chunked {
        return Check::new(
            CheckId::SmtpData,
            Status::Pass,
            "CHUNKING: the message went as BDAT ... LAST instead of DATA (RFC 3030)",
        )
        .with("chunking", true)
        .with("extensions", obs.extensions.clone());
    }
    let Some(Timed { value, elapsed }) = &obs.data else {
        return skipped(CheckId::SmtpData, CheckId::SmtpRcpt);
    };
    let reply = match value {
        Ok(r) => r,
        Err(e) => return session_failure(CheckId::SmtpData, "DATA", e, *elapsed),
    };
    let check = reply_data(Check::new(CheckId::SmtpData, Status::Pass, ""), reply).took(*elapsed);
    match reply.code {
        354 => Check {
            summary: format!("ready for the message: {}", reply.summary()),
            ..check
        },
        c if c / 100 == 4 => with_cause(
            check,
            Status::Warn,
            format!("DATA deferred: {}", reply.summary()),
            reply,
            "transient",
            ctx.at(ReplyStage::Data),
        ),
        _ => with_cause(
            check,
            Status::Fail,
            format!("DATA refused: {}", reply.summary()),
            reply,
            "refused",
            ctx.at(ReplyStage::Data),
        ),
    }
}

/// `smtp.data_end`: the reply after the message (250 = the server took
/// responsibility for it), with the queue id when the server gives one.
fn data_end_check(obs: &Observation, ctx: &Context) -> Check {
    let Some(Timed { value, elapsed }) = &obs.data_end else {
        return skipped(CheckId::SmtpDataEnd, CheckId::SmtpData);
    };
    let reply = match value {
        Ok(r) => r,
        Err(e) => {
            return session_failure(CheckId::SmtpDataEnd, "the end of the message", e, *elapsed)
        }
    };
    let queue_id = crate::message::queue_id(&reply.text());
    let check = reply_data(Check::new(CheckId::SmtpDataEnd, Status::Pass, ""), reply)
        .took(*elapsed)
        .with("queue_id", queue_id.clone())
        .detail(Detail::Reply {
            code: reply.code,
            greylisted: false,
            queue_id: queue_id.clone(),
        });
    match reply.code / 100 {
        2 => Check {
            summary: match &queue_id {
                Some(id) => format!("message accepted, queued as {id}: {}", reply.summary()),
                None => format!("message accepted: {}", reply.summary()),
            },
            ..check
        },
        4 => with_cause(
            check,
            Status::Warn,
            format!("message deferred: {}", reply.summary()),
            reply,
            "transient",
            ctx.at(ReplyStage::DataEnd),
        ),
        _ => with_cause(
            check,
            Status::Fail,
            format!("message refused: {}", reply.summary()),
            reply,
            "refused",
            ctx.at(ReplyStage::DataEnd),
        ),
    }
}

/// `smtp.relay` (`--relay-test`): RCPT for a foreign domain from a foreign sender.
fn relay_check(outcome: &Result<Reply, String>, obs: &Observation) -> Check {
    let id = CheckId::SmtpRelay;
    match outcome {
        Err(why) => Check::new(id, Status::Info, format!("relay test inconclusive: {why}"))
            .with("result", "inconclusive"),
        Ok(r) if r.is_positive() => {
            let trusted = obs
                .local_address
                .filter(|local| commonly_trusted(*local, obs.endpoint.address));
            let mut summary = format!(
                "open relay: RCPT TO a foreign domain from a foreign sender was accepted ({})",
                r.summary()
            );
            let mut advice = "The server accepts mail from anyone to anyone: spammers will use it and block lists will list it. Restrict relaying to your own users (Postfix: smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination).".to_string();
            if let Some(local) = trusted {
                summary.push_str(&format!("; this probe came from {local}, an address servers commonly trust (Postfix mynetworks, sendmail and Courier trust 127.0.0.1), so repeat it from outside"));
                advice.push_str(" Relaying for a trusted network is normal: run the test again from an address outside the server's own networks before acting on this.");
            }
            reply_data(Check::new(id, Status::Fail, summary), r)
                .with("result", "open_relay")
                .with("cause", "open_relay")
                .with("trusted_source", trusted.is_some())
                .with("source_address", obs.local_address.map(|a| a.to_string()))
                .advice(advice)
        }
        Ok(r) if r.is_transient() => reply_data(
            Check::new(
                id,
                Status::Info,
                format!("relaying deferred, not refused: {}", r.summary()),
            ),
            r,
        )
        .with("result", "deferred"),
        Ok(r) => reply_data(
            Check::new(
                id,
                Status::Pass,
                format!("relaying refused: {}", r.summary()),
            ),
            r,
        )
        .with("result", "refused"),
    }
}

/// Whether a server would commonly trust `local` to relay: loopback, the
/// server's own address, or the same private network (RFC 1918 /24, or a
/// unique-local or link-local /64): Postfix `mynetworks` (style `host` or
/// `subnet`), sendmail's and Courier's defaults for 127.0.0.1.
fn commonly_trusted(local: std::net::IpAddr, server: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    if local.is_loopback() || local == server {
        return true;
    }
    match (local, server) {
        (IpAddr::V4(l), IpAddr::V4(s)) => {
            l.is_private() && s.is_private() && l.octets()[..3] == s.octets()[..3]
        }
        (IpAddr::V6(l), IpAddr::V6(s)) => {
            let private = |a: std::net::Ipv6Addr| {
                let first = a.segments()[0];
                first & 0xfe00 == 0xfc00 || first & 0xffc0 == 0xfe80
            };
            private(l) && private(s) && l.segments()[..4] == s.segments()[..4]
        }
        _ => false,
    }
}

/// `smtp.vrfy` (`--vrfy`): does the server disclose addresses (RFC 5321 §7.3)?
fn vrfy_check(outcome: &Result<(Reply, Reply), String>) -> Check {
    let id = CheckId::SmtpVrfy;
    let (vrfy, expn) = match outcome {
        Err(why) => {
            return Check::new(id, Status::Info, format!("VRFY test inconclusive: {why}"))
                .with("result", "inconclusive")
        }
        Ok(pair) => pair,
    };
    // 250/251 disclose an address; 252 accepts without confirming (RFC 5321 §3.5.3).
    let discloses = |r: &Reply| matches!(r.code, 250 | 251);
    let data = |c: Check| {
        c.with("vrfy_code", vrfy.code)
            .with("vrfy_text", vrfy.text())
            .with("expn_code", expn.code)
            .with("expn_text", expn.text())
    };
    if discloses(vrfy) || discloses(expn) {
        let which: Vec<&str> = [("VRFY", vrfy), ("EXPN", expn)]
            .iter()
            .filter(|(_, r)| discloses(r))
            .map(|(n, _)| *n)
            .collect();
        return data(Check::new(id, Status::Warn, format!("{} disclose addresses: VRFY {}, EXPN {}", which.join(" and "), vrfy.summary(), expn.summary())))
            .with("result", "discloses")
            .with("cause", "address_disclosure")
            .advice("Address harvesters use VRFY and EXPN; answer 252 or disable them (Postfix: disable_vrfy_command = yes; EXPN is off in Postfix).");
    }
    data(Check::new(
        id,
        Status::Pass,
        format!(
            "no address disclosed: VRFY {}, EXPN {}",
            vrfy.summary(),
            expn.summary()
        ),
    ))
    .with("result", "private")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::{self, greeted, ok, transaction};
    use std::time::Duration;
    use Endpoint;

    fn submission(mechanisms: &str) -> Observation {
        let mut obs = greeted("sub.d.test", "192.0.2.1");
        obs.endpoint.port = 587;
        obs.ehlo = ok(&format!(
            "250-sub.d.test\n250-AUTH {mechanisms}\n250 STARTTLS"
        ));
        obs
    }

    #[test]
    fn auth_before_tls_warns_only_for_mechanisms_that_send_the_secret() {
        let safe = ehlo_check(&submission("CRAM-MD5 DIGEST-MD5"), false);
        assert_eq!(safe.status, Status::Pass, "{safe:?}");
        let exposed = ehlo_check(&submission("DIGEST-MD5 CRAM-MD5 LOGIN PLAIN"), false);
        assert_eq!(exposed.status, Status::Warn);
        assert_eq!(
            exposed.data["exposed_mechanisms"],
            json!(["LOGIN", "PLAIN"])
        );
        assert!(exposed
            .advice
            .unwrap()
            .starts_with("AUTH LOGIN PLAIN is offered before TLS"));
        // on port 25 AUTH before TLS is the server's business
        let mut mx = submission("PLAIN");
        mx.endpoint.port = 25;
        assert_eq!(ehlo_check(&mx, false).status, Status::Pass);
    }

    #[test]
    fn a_refused_recipient_after_an_accepted_one_does_not_stop_the_message() {
        let mut obs = transaction("mx.d.test", "192.0.2.1", "250 2.1.0 Ok", "250 2.1.5 Ok");
        obs.extra_rcpts.push((
            "b@d.test".into(),
            testkit::timed(Ok(testkit::reply("550 5.1.1 No such user"))),
        ));
        obs.data = ok("354 go ahead");
        obs.data_end = ok("250 2.0.0 Ok: queued as 4B2C1");
        let found = testkit::findings(&obs, Stage::Data);
        let status = |id| {
            found
                .iter()
                .filter(|c| c.id == id)
                .map(|c| c.status)
                .collect::<Vec<_>>()
        };
        assert_eq!(status(CheckId::SmtpRcpt), [Status::Pass, Status::Fail]);
        assert_eq!(status(CheckId::SmtpData), [Status::Pass]);
        assert_eq!(status(CheckId::SmtpDataEnd), [Status::Pass]);
        // and when the first recipient is refused, the second still counts
        let mut obs = transaction(
            "mx.d.test",
            "192.0.2.1",
            "250 2.1.0 Ok",
            "550 5.1.1 No such user",
        );
        obs.extra_rcpts.push((
            "b@d.test".into(),
            testkit::timed(Ok(testkit::reply("250 2.1.5 Ok"))),
        ));
        obs.data = ok("354 go ahead");
        obs.data_end = ok("250 2.0.0 Ok: queued as 4B2C1");
        let found = testkit::findings(&obs, Stage::Data);
        assert_eq!(
            status_of(&found, CheckId::SmtpRcpt),
            [Status::Fail, Status::Pass]
        );
        assert_eq!(status_of(&found, CheckId::SmtpDataEnd), [Status::Pass]);
    }

    fn rcpt_of(obs: &Observation) -> Check {
        let found = testkit::findings(obs, Stage::Rcpt);
        found
            .into_iter()
            .find(|c| c.id == CheckId::SmtpRcpt)
            .unwrap()
    }

    fn status_of(found: &[Check], id: CheckId) -> Vec<Status> {
        found
            .iter()
            .filter(|c| c.id == id)
            .map(|c| c.status)
            .collect()
    }

    #[test]
    fn a_greylisting_rcpt_is_a_warning_with_its_cause() {
        let obs = transaction(
            "mx.d.test",
            "192.0.2.1",
            "250 2.1.0 Ok",
            "451 4.7.1 Greylisting in action, please come back later",
        );
        let rcpt = rcpt_of(&obs);
        assert_eq!(rcpt.status, Status::Warn);
        assert!(
            matches!(
                rcpt.detail,
                Detail::Reply {
                    code: 451,
                    greylisted: true,
                    ..
                }
            ),
            "{rcpt:?}"
        );
    }

    #[test]
    fn a_failed_step_skips_the_rest_naming_it() {
        let obs = transaction(
            "mx.d.test",
            "192.0.2.1",
            "553 5.7.1 Sender address rejected",
            "",
        );
        let rcpt = rcpt_of(&obs);
        assert_eq!(
            (rcpt.status, rcpt.summary.as_str()),
            (Status::Skip, "skipped: smtp.mail failed")
        );
    }

    fn refused_at(addr: &str, e: ConnectError) -> Check {
        let endpoint = Endpoint {
            host: "mx.d.test".into(),
            address: addr.parse().unwrap(),
            port: 25,
        };
        let obs = Observation::connected(
            endpoint,
            Timed {
                value: Err(e),
                elapsed: Duration::ZERO,
            },
            "",
            "",
        );
        connect_check(&obs)
    }

    #[test]
    fn refused_filtered_and_unreachable_are_each_explained() {
        let refused = refused_at("192.0.2.1", ConnectError::Refused);
        assert_eq!(refused.data["error_kind"], "refused");
        assert!(refused
            .advice
            .unwrap()
            .contains("nothing accepts connections on port 25"));
        let filtered = refused_at("192.0.2.1", ConnectError::Timeout(Duration::from_secs(10)));
        assert_eq!(filtered.data["error_kind"], "timeout");
        assert!(filtered
            .advice
            .unwrap()
            .contains("firewall drops the packets"));
        let unreachable = refused_at(
            "2001:db8::1",
            ConnectError::Unreachable("Network is unreachable".into()),
        );
        assert_eq!(unreachable.data["error_kind"], "unreachable");
        assert!(unreachable
            .advice
            .unwrap()
            .contains("lack IPv6 connectivity"));
    }

    #[test]
    fn a_refused_token_is_explained_by_the_servers_status() {
        use crate::checks::testkit::reply;
        let refused = reply("535 5.7.8 Username and Password not accepted");
        let base = || Check::new(CheckId::SmtpAuth, Status::Pass, "");
        let advice = |json: Option<&str>| {
            let c = token_refused(base(), &refused, json);
            assert_eq!(
                (c.status, c.data["cause"].as_str()),
                (Status::Fail, Some("auth_token_refused"))
            );
            c.advice.unwrap()
        };
        let google =
            r#"{"status":"401","schemes":"bearer mac","scope":"https://mail.google.com/"}"#;
        assert!(advice(Some(google)).contains("invalid, expired or revoked"));
        assert!(advice(Some(google)).contains("(https://mail.google.com/)"));
        let c = token_refused(base(), &refused, Some(google));
        assert!(
            c.summary
                .ends_with("the server says status 401, scope https://mail.google.com/"),
            "{}",
            c.summary
        );
        assert!(advice(Some(r#"{"status":"invalid_request"}"#)).contains("full address"));
        assert!(
            advice(Some(r#"{"status":"insufficient_scope","scope":"mail"}"#))
                .contains("lacks the scope the server asks for (mail)")
        );
        // no challenge at all: still about tokens, never passwords
        assert!(advice(None).contains("access token"));
        let raw = token_refused(base(), &refused, Some("gibberish"));
        assert!(raw.summary.ends_with("the server says gibberish"));
    }
}
