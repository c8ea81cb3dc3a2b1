//! Assess: a run's observations turned into the report. The engine
//! (`probe`) observes, the checks judge each observation, the sender
//! simulation and the verdict follow from the findings. Pure: no I/O here,
//! except [`run`], which drives the engine first.

use crate::checks::dane::Presented;
use crate::checks::{self, Check, CheckId, Detail, Status};
use crate::dns::Dns;
use crate::observe::conversation::{Observation, TlsMode};
use crate::observe::dns::{Answer, Published};
use crate::observe::{Run, Stage, Transport};
use crate::probe::{self, Options, MAX_EXCHANGES};
use crate::report::{Conversation, Report};
use crate::smtp::Timed;
use crate::target::Target;

/// Probes `target` and assesses what was seen.
pub async fn run(dns: &Dns, target: &Target, opts: &Options) -> Report {
    run_noting(dns, target, opts, |_| ()).await.0
}

/// [`run`], and what `note` takes from the observations before they are
/// judged (a scan counts its DNS timeouts this way).
pub async fn run_noting<T>(
    dns: &Dns,
    target: &Target,
    opts: &Options,
    note: impl FnOnce(&Run) -> T,
) -> (Report, T) {
    let mut opts = opts.clone();
    if opts.retry_greylist.is_some() {
        opts.greylisting = Some(checks::smtp::is_greylisting);
    }
    let observed = probe::observe(dns, target, &opts).await;
    let noted = note(&observed);
    (assess(target, &opts, observed), noted)
}

/// The report of one run.
pub fn assess(target: &Target, opts: &Options, run: Run) -> Report {
    let domain = target.domain.as_str();
    let mut checks = route_checks(domain, opts, &run);
    let policy = checks::Policy {
        require_tls: opts.tls_mode == TlsMode::Require,
        cert_warn_days: opts.cert_warn_days,
        cert_crit_days: opts.cert_crit_days,
        auth_planned: opts.auth.is_some() || opts.auth_expected,
        foreign_recipient: !opts
            .recipient
            .to_ascii_lowercase()
            .ends_with(&format!("@{domain}")),
    };
    for obs in &run.conversations {
        checks.extend(checks::smtp::conversation_checks(
            obs,
            opts.stage,
            opts.quit_after,
            &policy,
        ));
        if let Some(identity) = run.identities.get(&obs.endpoint.address) {
            checks.extend(checks::identity::identity_checks(obs, identity));
        }
    }
    if opts.stage > Stage::Mx {
        checks.extend(checks::net::path_checks(&run.conversations, &run.controls));
    }
    if let Some(transport) = &run.transport {
        checks.extend(transport_checks(domain, transport, &run, &checks));
    }
    if let Some((spf, dmarc)) = &run.policy {
        checks.push(checks::policy::spf_check(domain, spf));
        checks.push(checks::policy::dmarc_check(domain, dmarc));
    }
    checks.extend(run.blocklists.iter().map(|found| {
        checks::blocklist::blocklist_check(found, checks::blocklist::Weight::Explains)
    }));
    checks.extend(
        run.internal_errors
            .iter()
            .map(|what| checks::internal_error(what)),
    );
    let senders = match opts.transport {
        false => Vec::new(),
        true => {
            let hosts: Vec<String> = run.routes.iter().map(|x| x.name.clone()).collect();
            checks::senders::simulate(&checks, &hosts)
        }
    };
    let transcripts = run
        .conversations
        .into_iter()
        .map(|obs| {
            let mut lines = obs.transcript;
            if let Some(retry) = obs.retry {
                lines.extend(retry.transcript);
            }
            Conversation {
                endpoint: obs.endpoint,
                lines,
            }
        })
        .collect();
    Report::finished(
        opts.command(),
        &target.input,
        domain,
        checks,
        senders,
        transcripts,
        run.elapsed,
    )
}

/// `smtpcheck blocklist`: one `dns.blocklist` finding per subject and list.
pub async fn blocklist(
    dns: &Dns,
    input: &str,
    subjects: &[crate::dnsbl::Subject],
    zones: &[String],
    timeout: std::time::Duration,
) -> Report {
    let started = tokio::time::Instant::now();
    let lookups = probe::blocklist::ask(dns, subjects, zones, started + timeout).await;
    let checks = lookups
        .iter()
        .map(|l| checks::blocklist::blocklist_check(l, checks::blocklist::Weight::Asked))
        .collect();
    let mut report = Report::finished(
        "blocklist",
        input,
        input,
        checks,
        Vec::new(),
        Vec::new(),
        started.elapsed(),
    );
    report.domain = None;
    report
}

/// `dns.mx`, `dns.address` per exchange, `dns.hygiene`.
fn route_checks(domain: &str, opts: &Options, run: &Run) -> Vec<Check> {
    let mut checks = Vec::new();
    let mut records: &[crate::dns::MxRecord] = &[];
    match &run.mx {
        None => checks.push(Check::new(
            CheckId::DnsMx,
            Status::Skip,
            "skipped: --server names the host to probe",
        )),
        Some(Timed { value, elapsed }) => {
            let mut check = checks::dns::mx_check(domain, value, *elapsed);
            if run.listed > MAX_EXCHANGES {
                check = check.with("probed_exchanges", MAX_EXCHANGES as u64);
                check
                    .summary
                    .push_str(&format!(" (only the first {MAX_EXCHANGES} are probed)"));
            }
            checks.push(check);
            if let crate::observe::dns::MxOutcome::Records(r) = value {
                records = r;
            }
        }
    }
    for route in &run.routes {
        let probed = |c| checks::dns::with_left_out(c, &route.addresses, &route.left_out);
        match &route.lookup {
            Some(timed) => checks.push(probed(checks::dns::address_check(
                &route.name,
                &timed.value,
                timed.elapsed,
            ))),
            // Known without a lookup of its own (the implicit MX).
            None if route.name.parse::<std::net::IpAddr>().is_err() => {
                checks.push(checks::dns::address_check(
                    &route.name,
                    &Ok(route.addresses.clone()),
                    Default::default(),
                ))
            }
            None => {}
        }
    }
    let published: Vec<Published> = run
        .routes
        .iter()
        .filter(|x| x.from_mx)
        .map(|x| Published {
            name: x.name.clone(),
            cname: x.cname.clone(),
            addresses: x.addresses.clone(),
        })
        .collect();
    checks.extend(checks::dns::hygiene_checks(
        &published,
        records,
        opts.allow_private,
    ));
    checks
}

/// `dns.dnssec`, `tls.dane` per address (or per exchange when no SMTP
/// ran), `policy.mta_sts` and `policy.tls_rpt`.
fn transport_checks(
    domain: &str,
    transport: &Transport,
    run: &Run,
    so_far: &[Check],
) -> Vec<Check> {
    let mut answers: Vec<Answer> = transport
        .mx_validation
        .clone()
        .map(|validation| Answer {
            name: domain.to_string(),
            rtype: "MX",
            validation,
        })
        .into_iter()
        .collect();
    answers.extend(
        transport
            .security
            .iter()
            .flat_map(|f| f.answers.iter().cloned()),
    );
    let mut out = Vec::new();
    if !answers.is_empty() {
        out.push(checks::dane::dnssec_check(&answers));
    }
    for f in &transport.security {
        out.push(checks::tls::caa_check(&f.host, &f.caa));
        let names: Vec<&str> = [Some(f.host.as_str()), f.expanded.as_deref(), Some(domain)]
            .into_iter()
            .flatten()
            .collect();
        let at: Vec<&Observation> = run
            .conversations
            .iter()
            .filter(|o| o.endpoint.host == f.host)
            .collect();
        if at.is_empty() {
            out.push(checks::dane::dane_check(&f.tlsa, Presented::NotProbed, &names).host(&f.host));
        }
        for obs in at {
            out.push(checks::dane::dane_check(&f.tlsa, presented(obs), &names).at(&obs.endpoint));
        }
    }
    let mx_hosts: Vec<String> = run
        .routes
        .iter()
        .filter(|x| x.from_mx)
        .map(|x| x.name.clone())
        .collect();
    out.push(checks::policy::mta_sts_check(
        domain,
        &transport.mta_sts,
        &mx_hosts,
        &tls_seen(so_far),
    ));
    out.push(checks::policy::tls_rpt_check(domain, &transport.tls_rpt));
    out
}

/// TLS as this probe saw it, per MX host: a host is fine when every
/// address did STARTTLS and presented a certificate without problems (what
/// an MTA-STS sender requires, RFC 8461 §4.2).
fn tls_seen(checks: &[Check]) -> Vec<(String, bool)> {
    let mut seen: Vec<(String, bool)> = Vec::new();
    for c in checks.iter().filter(|c| c.status != Status::Skip) {
        let ok = match (c.id, &c.detail) {
            (CheckId::TlsCertificate, Detail::Certificate { clean, .. }) => *clean,
            (CheckId::TlsCertificate, _) => false,
            (CheckId::TlsStarttls, _) => c.status == Status::Pass,
            _ => continue,
        };
        let host = c.host.clone().unwrap_or_default();
        match seen.iter_mut().find(|(h, _)| *h == host) {
            Some(entry) => entry.1 &= ok,
            None => seen.push((host, ok)),
        }
    }
    seen
}

/// What the TLS step of a conversation left for DANE to match.
fn presented(obs: &Observation) -> Presented<'_> {
    let Some(tls) = &obs.tls else {
        // No TLS step: either it was not planned (--tls off, --quit-after)
        // after a good EHLO, or the conversation ended before it.
        let greeted = matches!(&obs.ehlo, Some(Timed { value: Ok(r), .. }) if r.code == 250);
        return match greeted {
            true => Presented::NotProbed,
            false => Presented::Unreached,
        };
    };
    match &tls.handshake {
        Some(Timed { value: Ok(n), .. }) => Presented::Chain(&n.chain),
        Some(Timed { value: Err(e), .. }) => Presented::HandshakeFailed(&e.message),
        None if !tls.offered => Presented::NoStartTls,
        None => match &tls.reply {
            Some(Timed { value: Ok(r), .. }) if r.code != 220 => Presented::NoStartTls,
            _ => Presented::Unreached,
        },
    }
}
