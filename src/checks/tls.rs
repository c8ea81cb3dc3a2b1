//! `tls.starttls` / `tls.implicit` and `tls.certificate`: whether the session
//! was encrypted, with what, and whether the certificate would satisfy a
//! sender that verifies. Opportunistic TLS (RFC 3207) is the default for MX
//! delivery, so most TLS problems warn; `--tls require` makes them fail.

use super::Policy;
use super::{Check, CheckId, Detail, Status};
use crate::observe::conversation::{InjectionOutcome, TlsObservation};
use crate::smtp::millis;
use crate::smtp::reply::escape_bytes;
use crate::smtp::Timed;
use crate::tls::first_flight::FirstFlight;
use crate::tls::HandshakeError;
use serde_json::{json, Value};

/// The status for a problem a verifying sender would refuse, an
/// opportunistic one would accept.
fn tls_problem(policy: &Policy) -> Status {
    if policy.require_tls {
        Status::Fail
    } else {
        Status::Warn
    }
}

/// `tls.starttls` (or `tls.implicit`, same data): offered, the reply, the handshake.
pub fn session_check(tls: &TlsObservation, policy: &Policy) -> Check {
    let id = if tls.implicit {
        CheckId::TlsImplicit
    } else {
        CheckId::TlsStarttls
    };
    let c = |status, summary: String| Check::new(id, status, summary).with("offered", tls.offered);
    if !tls.offered {
        return c(tls_problem(policy), "STARTTLS not offered: mail to this server travels unencrypted".into())
            .advice("Enable STARTTLS on the server (Postfix: smtpd_tls_security_level = may, with smtpd_tls_chain_files). Senders that require TLS will not deliver here.");
    }
    if let Some(Timed { value, elapsed }) = &tls.reply {
        match value {
            Err(e) => {
                return c(Status::Fail, format!("STARTTLS: {e}"))
                    .took(*elapsed)
                    .with("error_kind", e.kind())
                    .advice("The server advertised STARTTLS but the connection failed when it was used.");
            }
            Ok(r) if r.code != 220 => {
                return c(tls_problem(policy), format!("STARTTLS refused: {}", r.summary()))
                    .took(*elapsed)
                    .with("code", r.code)
                    .with("text", r.text())
                    .advice("The server advertises STARTTLS but refuses it, usually because its certificate or key is missing or unreadable: check the server's log. Senders fall back to plaintext or defer.");
            }
            Ok(_) => {}
        }
    }
    if !tls.injected.is_empty() {
        let shown = escape_bytes(&tls.injected[..tls.injected.len().min(80)]);
        return c(
            Status::Fail,
            format!("plaintext injected after STARTTLS: {} bytes before the handshake (\"{shown}\")", tls.injected.len()),
        )
        .with("cause", "plaintext_injection")
        .with("injected_bytes", tls.injected.len())
        .advice("Something sent data after the 220 reply to STARTTLS and before the TLS handshake. A client that processed it would run attacker-chosen commands inside TLS (CVE-2011-0411 class). smtpcheck discarded it. Update the server, or remove the middlebox that interferes with STARTTLS.");
    }
    match &tls.handshake {
        None => c(Status::Skip, "no TLS handshake was attempted".into()),
        Some(Timed {
            value: Err(e),
            elapsed,
        }) => match &tls.legacy {
            Some(legacy) => {
                legacy_check(c(tls_problem(policy), String::new()), e, legacy, tls).took(*elapsed)
            }
            None => c(Status::Fail, format!("TLS handshake failed: {e}"))
                .took(*elapsed)
                .with("error_kind", e.kind.as_str())
                .advice(handshake_advice(e)),
        },
        Some(Timed {
            value: Ok(n),
            elapsed,
        }) => c(
            Status::Pass,
            format!(
                "{} {} {} (handshake {:.1} ms)",
                n.version,
                n.cipher,
                n.key_exchange_group.as_deref().unwrap_or("-"),
                millis(*elapsed)
            ),
        )
        .took(*elapsed)
        .with("version", n.version.clone())
        .with("cipher", n.cipher.clone())
        .with("key_exchange_group", n.key_exchange_group.clone())
        .with("handshake_ms", millis(*elapsed))
        .detail(Detail::Tls {
            version: n.version.clone(),
            cipher: n.cipher.clone(),
        }),
    }
}

/// A failed handshake explained by our own ClientHello (every version and
/// suite, on a new connection): what the server really speaks. The address
/// stays deliverable for opportunistic senders, which use that TLS if
/// their library accepts it and otherwise retry in plaintext (tested on
/// its own connection; the transaction checks come from there).
fn legacy_check(
    base: Check,
    e: &HandshakeError,
    legacy: &Result<FirstFlight, String>,
    tls: &TlsObservation,
) -> Check {
    use crate::tls::first_flight::Version;
    let base = base.with("error_kind", e.kind.as_str());
    let retried = match tls.retried_in_plaintext {
        true => "opportunistic senders retry in plaintext, tested below on a new connection",
        false => "opportunistic senders retry in plaintext (not tested here)",
    };
    match legacy {
        Ok(FirstFlight::Hello(h)) => {
            let version = h.version.map_or_else(|| format!("version 0x{:04X}", h.version_wire), |v| v.name().to_string());
            let legacy_version = h.version.is_some_and(|v| v < Version::Tls12);
            let chose = format!("to a ClientHello offering every suite the server chose {version} {}", h.suite_name());
            let (cause, what) = if h.version == Some(Version::Ssl3) {
                // RFC 7568 forbids SSLv3; OpenSSL 1.1.0 and later build without it.
                ("tls_legacy_version", format!("the server speaks only SSLv3 (it chose {}), which RFC 7568 forbids and current TLS libraries (OpenSSL 1.1.0 and later, GnuTLS, SCHANNEL) no longer speak at all", h.suite_name()))
            } else if legacy_version {
                ("tls_legacy_version", format!("the server speaks only {version} (it chose {}), which TLS 1.2-only senders refuse", h.suite_name()))
            } else if !crate::tls::offers_suite(h.suite) {
                ("tls_legacy_suite", format!("{chose}, a suite smtpcheck's TLS library (rustls) does not offer"))
            } else if let Some(bits) = small_rsa_key(tls) {
                ("tls_weak_key", format!("{chose}, but its certificate has an RSA key of {bits} bits: rustls refuses RSA keys under 2048 bits, as current CA rules do"))
            } else {
                ("tls_handshake_failed", format!("{chose}, which smtpcheck's TLS library supports too: the handshake failed later ({e})"))
            };
            Check {
                summary: format!("TLS handshake failed: {what}; senders whose TLS accepts it deliver over it, other {retried}"),
                ..base
            }
            .with("cause", cause)
            .with("legacy_version", version)
            .with("legacy_suite", h.suite_name())
            .advice("Offer TLS 1.2 and 1.3 with ECDHE key exchange and AES-GCM or ChaCha20-Poly1305 suites (NCSC-NL TLS guidelines: SSLv3 is insufficient, TLS 1.0 and 1.1 are phase-out, static RSA and CBC suites too). Postfix: smtpd_tls_protocols = >=TLSv1.2 and smtpd_tls_ciphers = medium with a current OpenSSL; Exim: tls_require_ciphers; Exchange: enable TLS 1.2 in SCHANNEL. DANE and MTA-STS senders need a modern, verified handshake and defer until then.")
        }
        // No one gets TLS here: without a plaintext retry to show the way
        // on, that is a failure.
        Ok(FirstFlight::Alert(code)) => Check {
            status: if tls.retried_in_plaintext { base.status } else { Status::Fail },
            summary: format!("TLS handshake failed: the server refuses every TLS version and suite, even a ClientHello offering all of them (TLS alert \"{}\"): no sender gets TLS here; {retried}", crate::tls::alert_name(*code)),
            ..base
        }
        .with("cause", "tls_broken")
        .advice("The server's TLS set-up is broken for every client (a missing or unreadable key or certificate is the usual cause): check the server's log when STARTTLS is used."),
        Ok(_) | Err(_) => Check {
            summary: format!("TLS handshake failed: {e}; {retried}"),
            ..base
        }
        .with("cause", "tls_broken")
        .advice(handshake_advice(e)),
    }
}

/// The RSA key size of the certificate seen in the clear, when it is under
/// 2048 bits (rustls, webpki and the CA/Browser Forum's minimum).
fn small_rsa_key(tls: &TlsObservation) -> Option<u32> {
    let bits = tls
        .certificate
        .as_ref()?
        .as_ref()
        .ok()?
        .key_kind
        .rsa_bits()?;
    (bits < 2048).then_some(bits)
}

fn handshake_advice(e: &HandshakeError) -> &'static str {
    use crate::tls::HandshakeKind as K;
    match e.kind {
        K::ProtocolVersion => "Enable TLS 1.2 and 1.3 on the server (Postfix: smtpd_tls_protocols = >=TLSv1.2); senders such as Gmail and Microsoft refuse TLS 1.0 and 1.1.",
        K::NoSharedCipher => "The server's cipher or key-exchange settings exclude every modern suite: restore the defaults (Postfix: smtpd_tls_ciphers = medium) and check that its key and certificate match.",
        K::NotTls => "Something other than TLS answered after STARTTLS: a broken server, or a middlebox (firewall 'SMTP fixup') that mangles STARTTLS.",
        K::Timeout => "The server did not complete the handshake in time: overloaded, or a middlebox holds the encrypted traffic.",
        _ => "The TLS connection could not be set up; the reason above is the TLS library's own.",
    }
}

/// `tls.certificate`: the chain presented in the handshake.
pub fn certificate_check(tls: Option<&TlsObservation>, policy: &Policy) -> Check {
    let id = CheckId::TlsCertificate;
    let Some(result) = tls.and_then(|t| t.certificate.as_ref()) else {
        return Check::new(
            id,
            Status::Skip,
            "no TLS session, so no certificate to check",
        );
    };
    let facts = match result {
        Ok(facts) => facts,
        Err(why) => {
            return Check::new(id, tls_problem(policy), why.clone())
                .with("problems", json!(["other"]))
                .advice("The server's certificate could not be read; senders that verify will not deliver.");
        }
    };
    let mut data = match serde_json::to_value(facts) {
        Ok(Value::Object(map)) => map,
        _ => Default::default(),
    };
    let ids: Vec<&str> = facts.problems.iter().map(|p| p.id()).collect();
    data.insert("problems".into(), json!(ids));
    let key_grade = super::tls_grade::certificate_key_grade(&facts.key_kind);
    data.insert("key_grade".into(), json!(key_grade.word()));
    data.insert("cause".into(), json!(ids.first()));
    let mut check = Check::new(id, Status::Pass, String::new()).detail(Detail::Certificate {
        days_left: Some(facts.days_left),
        clean: facts.verified(),
        facts: Some(Box::new(facts.clone())),
    });
    check.data = data;
    // `--cert-days WARN,CRIT`: a certificate past the critical mark fails,
    // whatever else is wrong with it (an expired one is past every mark).
    let critical = policy.cert_crit_days.is_some_and(|c| facts.days_left < c);
    if !facts.problems.is_empty() {
        let words: Vec<String> = facts.problems.iter().map(|p| p.describe()).collect();
        let advice: Vec<&str> = facts.problems.iter().map(|p| p.advice()).collect();
        check.status = match (critical, facts.verified()) {
            (true, _) => Status::Fail,
            // Chain hygiene only: the chain verifies, senders deliver.
            (false, true) => Status::Warn,
            (false, false) => tls_problem(policy),
        };
        check.summary = format!(
            "certificate {}: {}",
            facts.subject_short(),
            words.join("; ")
        );
        return check.advice(advice.join(" "));
    }
    if facts.days_left < policy.cert_warn_days || critical {
        check.status = if critical { Status::Fail } else { Status::Warn };
        check.summary = format!(
            "certificate {} expires in {} day(s), on {}",
            facts.subject_short(),
            facts.days_left,
            facts.not_after
        );
        return check
            .advice("Renew the certificate now: automated renewal may have stopped working.");
    }
    check.summary = format!(
        "certificate {}, issued by {}, valid until {} ({} days left)",
        facts.subject_short(),
        facts.issuer,
        facts.not_after,
        facts.days_left
    );
    check
}

/// `tls.injection`: the outcome of `--tls-injection-test`.
pub fn injection_check(outcome: &InjectionOutcome) -> Check {
    let id = CheckId::TlsInjection;
    match outcome {
        InjectionOutcome::Safe => Check::new(id, Status::Pass, "not vulnerable: a command sent with STARTTLS was discarded")
            .with("result", "safe"),
        InjectionOutcome::Vulnerable { reply } => Check::new(
            id,
            Status::Fail,
            format!("vulnerable to STARTTLS command injection: a NOOP sent before the handshake was answered inside TLS ({reply})"),
        )
        .with("result", "vulnerable")
        .with("reply", reply.clone())
        .advice("The server keeps plaintext it received before the handshake and runs it inside TLS (CVE-2011-0411 class): an attacker on the path can inject commands. Update the mail server software."),
        InjectionOutcome::AnsweredInPlaintext { reply } => Check::new(
            id,
            Status::Warn,
            format!("a command pipelined after STARTTLS was answered in plaintext ({reply})"),
        )
        .with("result", "plaintext_reply")
        .with("reply", reply.clone())
        .advice("The server (or a middlebox) answered a command that followed STARTTLS before starting TLS; RFC 3207 §4 says the client must not pipeline after STARTTLS, and the server must not answer it."),
        InjectionOutcome::Inconclusive(why) => Check::new(id, Status::Info, format!("injection test inconclusive: {why}"))
            .with("result", "inconclusive"),
    }
}

/// `tls.caa`: which CAs may issue certificates for the MX name (RFC 8659),
/// from the closest name that has CAA records. Reported, never judged: a
/// domain without CAA allows every CA.
pub fn caa_check(host: &str, caa: &Result<(String, Vec<String>), crate::dns::DnsError>) -> Check {
    use crate::dns::DnsError;
    let c = |summary: String| Check::new(CheckId::TlsCaa, Status::Info, summary).host(host);
    match caa {
        Ok((place, records)) => c(format!("CAA at {place}: {}", records.join("; ")))
            .with("found_at", place.clone())
            .with("records", records.clone()),
        Err(DnsError::NoRecords | DnsError::NxDomain) => c(format!(
            "no CAA records for {host} or the names above it: any CA may issue its certificates (RFC 8659)"
        ))
        .with("records", serde_json::json!([])),
        Err(e) => c(format!("CAA lookup for {host} failed: {e}")).with("dns_error", e.kind()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::{ok, policy};
    use crate::tls::HandshakeError;

    fn require() -> Policy {
        Policy {
            require_tls: true,
            ..policy()
        }
    }

    #[test]
    fn starttls_not_offered_warns_and_fails_only_when_required() {
        let tls = TlsObservation::new(false, false);
        assert_eq!(session_check(&tls, &policy()).status, Status::Warn);
        assert_eq!(session_check(&tls, &require()).status, Status::Fail);
    }

    #[test]
    fn a_refused_starttls_names_the_reply() {
        let mut tls = TlsObservation::new(false, true);
        tls.reply = ok("454 4.7.0 TLS not available due to local problem");
        let check = session_check(&tls, &policy());
        assert_eq!(check.status, Status::Warn);
        assert!(
            check.summary.starts_with("STARTTLS refused: 454 4.7.0"),
            "{}",
            check.summary
        );
        assert_eq!(session_check(&tls, &require()).status, Status::Fail);
    }

    #[test]
    fn injected_plaintext_fails_whatever_the_mode() {
        let mut tls = TlsObservation::new(false, true);
        tls.reply = ok("220 2.0.0 Ready to start TLS");
        tls.injected = b"250 injected\r\n".to_vec();
        let check = session_check(&tls, &policy());
        assert_eq!(
            (check.status, &check.data["cause"]),
            (Status::Fail, &json!("plaintext_injection"))
        );
    }

    #[test]
    fn a_failed_handshake_fails_with_its_kind() {
        let mut tls = TlsObservation::new(false, true);
        tls.reply = ok("220 2.0.0 Ready to start TLS");
        tls.handshake = Some(crate::checks::testkit::timed(Err(HandshakeError {
            kind: crate::tls::HandshakeKind::ProtocolVersion,
            message: "peer is incompatible: protocol version".into(),
        })));
        let check = session_check(&tls, &policy());
        assert_eq!(
            (check.status, &check.data["error_kind"]),
            (Status::Fail, &json!("protocol_version"))
        );
        assert!(check.advice.unwrap().contains("TLS 1.2"));
    }

    #[test]
    fn no_session_means_no_certificate_to_judge() {
        let tls = TlsObservation::new(false, false);
        assert_eq!(
            certificate_check(Some(&tls), &policy()).status,
            Status::Skip
        );
        assert_eq!(certificate_check(None, &policy()).status, Status::Skip);
    }

    #[test]
    fn the_injection_outcomes() {
        assert_eq!(
            injection_check(&InjectionOutcome::Safe).status,
            Status::Pass
        );
        let vulnerable = InjectionOutcome::Vulnerable {
            reply: "250 Ok".into(),
        };
        assert_eq!(injection_check(&vulnerable).status, Status::Fail);
        let inconclusive = InjectionOutcome::Inconclusive("no TLS".into());
        assert_eq!(injection_check(&inconclusive).status, Status::Info);
    }
}
