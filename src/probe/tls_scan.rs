//! Our own ClientHellos on short extra connections (the first-flight
//! prober of src/tls/first_flight.rs driven over STARTTLS or implicit TLS):
//! the explanation of a handshake rustls could not complete, and the
//! `--tls-scan` enumeration of versions and suite families. Each
//! connection ends after the server's first flight.

use super::conversation::{
    extra_connection, note_line, side_session, CategoryProbe, Plan, VersionProbe,
};
use crate::observe::Endpoint;
use crate::smtp::{Command, Transcript};
use crate::tls::first_flight::{self, FirstFlight};

/// The TLS alert a server sends when it will not speak the version offered.
const PROTOCOL_VERSION_ALERT: u8 = 70;

/// STARTTLS on a new connection, then our own ClientHello offering every
/// version and suite; the server's first answer says what it speaks.
pub(super) async fn legacy_hello(
    endpoint: &Endpoint,
    plan: &Plan,
) -> (Result<FirstFlight, String>, Transcript) {
    let hello = first_flight::Hello::everything(first_flight::Version::Tls13, Some(&endpoint.host));
    let (mut answer, mut lines) =
        first_flight_on_new_connection(endpoint, plan, &hello, false).await;
    // protocol_version (RFC 5246 §7.2.2): a server that cannot negotiate
    // down from the version offered (version intolerance, or tlslite-ng
    // and other stacks serving SSLv3 only) refuses instead of answering
    // with its own highest version. Ask for the old versions by name.
    for old in [first_flight::Version::Ssl3, first_flight::Version::Tls10] {
        if !matches!(answer, Ok(FirstFlight::Alert(PROTOCOL_VERSION_ALERT))) {
            break;
        }
        lines.push(note_line(format!(
            "protocol_version to every version offered: a ClientHello for {} only",
            old.name()
        )));
        let hello = first_flight::Hello::only(old, Some(&endpoint.host));
        let (again, more) = first_flight_on_new_connection(endpoint, plan, &hello, false).await;
        lines.extend(more);
        if matches!(again, Ok(FirstFlight::Hello(_))) {
            answer = again;
        }
    }
    let said = match &answer {
        Ok(FirstFlight::Hello(h)) => format!(
            "the server chose {} {}",
            h.version.map_or_else(
                || format!("version 0x{:04X}", h.version_wire),
                |v| v.name().to_string()
            ),
            h.suite_name()
        ),
        Ok(other) => format!("{other:?}"),
        Err(e) => e.clone(),
    };
    lines.push(note_line(format!(
        "our ClientHello (every version and suite): {said}"
    )));
    (answer, lines)
}

/// `--tls-scan` (and `smtpcheck tls`): one short connection per protocol
/// version, SSLv3 to TLS 1.3, each offering every suite of that version,
/// weakest first (so the server's choice shows whether it enforces an order
/// of its own). Each ends after the server's first flight.
pub(super) async fn enumerate_versions(
    endpoint: &Endpoint,
    plan: &Plan,
    implicit: bool,
) -> (Vec<VersionProbe>, Transcript) {
    let mut probes = Vec::new();
    let mut lines = Vec::new();
    for version in first_flight::Version::ALL {
        let hello = first_flight::Hello::only(version, Some(&endpoint.host));
        let (answer, transcript) =
            first_flight_on_new_connection(endpoint, plan, &hello, implicit).await;
        lines.extend(transcript);
        let said = match &answer {
            Ok(FirstFlight::Hello(h)) if h.version == Some(version) => {
                format!("{} {}", version.name(), h.suite_name())
            }
            Ok(FirstFlight::Hello(h)) => format!(
                "no {} (it answered {})",
                version.name(),
                h.version.map_or("another version", |v| v.name())
            ),
            Ok(FirstFlight::Alert(code)) => format!(
                "no {} (TLS alert \"{}\")",
                version.name(),
                crate::tls::alert_name(*code)
            ),
            Ok(other) => format!("no {} ({other:?})", version.name()),
            Err(e) => format!("no answer for {} ({e})", version.name()),
        };
        lines.push(note_line(format!("--tls-scan: {said}")));
        probes.push(VersionProbe { version, answer });
    }
    (probes, lines)
}

/// `--tls-scan`, second part: each weak or special suite family alone, at
/// the highest version up to TLS 1.2 the server accepted (and CCM_8 at TLS
/// 1.3 when it speaks it): does the server take any of them at all?
pub(super) async fn enumerate_categories(
    endpoint: &Endpoint,
    plan: &Plan,
    implicit: bool,
    versions: &[VersionProbe],
) -> (Vec<CategoryProbe>, Transcript) {
    use first_flight::{Category, Version};
    let accepted = |v: Version| {
        versions
            .iter()
            .any(|p| p.version == v && p.accepted().is_some())
    };
    let legacy = [
        Version::Tls12,
        Version::Tls11,
        Version::Tls10,
        Version::Ssl3,
    ]
    .into_iter()
    .find(|v| accepted(*v));
    let mut asks: Vec<(Category, Version)> = legacy
        .map(|v| Category::LEGACY.iter().map(|c| (*c, v)).collect())
        .unwrap_or_default();
    if accepted(Version::Tls13) {
        asks.push((Category::Ccm8, Version::Tls13));
    }
    let (mut probes, mut lines) = (Vec::new(), Vec::new());
    for (category, version) in asks {
        let hello =
            first_flight::Hello::with_suites(version, category.suites(), Some(&endpoint.host));
        let (answer, transcript) =
            first_flight_on_new_connection(endpoint, plan, &hello, implicit).await;
        lines.extend(transcript);
        let probe = CategoryProbe {
            category,
            version,
            answer,
        };
        let said = match probe.accepted() {
            Some(h) => format!("accepts {}: {}", category.name(), h.suite_name()),
            None => format!("refuses {}", category.name()),
        };
        lines.push(note_line(format!(
            "--tls-scan at {}: {said}",
            version.name()
        )));
        probes.push(probe);
    }
    (probes, lines)
}

/// A new connection (with STARTTLS unless `implicit`), our ClientHello,
/// and the server's first answer.
async fn first_flight_on_new_connection(
    endpoint: &Endpoint,
    plan: &Plan,
    hello: &first_flight::Hello,
    implicit: bool,
) -> (Result<FirstFlight, String>, Transcript) {
    let (mut stream, state) = if implicit {
        match extra_connection(endpoint, plan).await {
            Some(session) => session.into_parts(),
            None => return (Err("the extra connection failed".into()), Vec::new()),
        }
    } else {
        let mut session = match side_session(endpoint, plan, "what the server's TLS offers").await {
            Ok(s) => s,
            Err((why, lines)) => return (Err(why), lines),
        };
        match session.command(&Command::starttls()).await {
            Ok(r) if r.code == 220 => {}
            Ok(r) => {
                return (
                    Err(format!(
                        "STARTTLS refused on the new connection: {}",
                        r.summary()
                    )),
                    session.into_transcript(),
                )
            }
            Err(e) => return (Err(e.to_string()), session.into_transcript()),
        }
        session.into_parts()
    };
    let answer = first_flight::exchange(&mut stream, hello, plan.deadlines.next())
        .await
        .map_err(|e| crate::words::io(&e));
    (answer, state.into_transcript())
}
