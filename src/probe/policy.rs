//! Fetching the sending-policy records: SPF (RFC 7208) followed through
//! include and redirect with its lookup counts, DMARC (RFC 7489) at the
//! domain or its organizational domain, and TLS-RPT (RFC 8460). The rules
//! that judge them are in `checks::policy`.

use super::connect::Connector;
use crate::dns::{Dns, DnsError};
pub use crate::observe::dns::ExchangeSecurity;
pub use crate::observe::policy::*;
use std::future::Future;
use std::pin::Pin;
use tokio::time::Instant;

fn is_spf(txt: &str) -> bool {
    let lower = txt.to_ascii_lowercase();
    lower == "v=spf1" || lower.starts_with("v=spf1 ")
}

async fn spf_records(dns: &Dns, domain: &str, deadline: Instant) -> Result<Vec<String>, DnsError> {
    let all = dns.txt(domain, deadline).await?;
    let spf: Vec<String> = all.into_iter().filter(|t| is_spf(t)).collect();
    if spf.is_empty() {
        Err(DnsError::NoRecords)
    } else {
        Ok(spf)
    }
}

pub async fn spf(dns: &Dns, domain: &str, deadline: Instant) -> SpfObservation {
    let records = spf_records(dns, domain, deadline).await;
    let mut obs = SpfObservation {
        records: records.clone(),
        lookups: 0,
        void_lookups: 0,
        problems: Vec::new(),
    };
    if let Ok(list) = &records {
        if list.len() == 1 {
            walk(
                dns,
                list[0].clone(),
                domain.to_string(),
                0,
                deadline,
                &mut obs,
            )
            .await;
        }
    }
    obs
}

/// Follows one record's terms, counting lookups; recursion through include
/// and redirect stops at the limit (the record is a permerror by then).
fn walk<'a>(
    dns: &'a Dns,
    record: String,
    domain: String,
    depth: u32,
    deadline: Instant,
    obs: &'a mut SpfObservation,
) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
    Box::pin(async move {
        for term in record.split_whitespace().skip(1) {
            if obs.lookups > SPF_LOOKUP_LIMIT || depth > SPF_LOOKUP_LIMIT {
                return;
            }
            let lower = term.to_ascii_lowercase();
            let mech = lower.trim_start_matches(['+', '-', '~', '?']);
            let (name, arg) = match mech.split_once([':', '=']) {
                Some((n, a)) => (n, Some(a.split('/').next().unwrap_or(a).to_string())),
                None => (mech.split('/').next().unwrap_or(mech), None),
            };
            match name {
                "include" | "redirect" => {
                    obs.lookups += 1;
                    let Some(target) = arg else {
                        obs.problems
                            .push(format!("\"{term}\" in {domain} names no domain"));
                        continue;
                    };
                    if target.contains('%') {
                        continue; // a macro: expanded per message, not checkable here
                    }
                    match spf_records(dns, &target, deadline).await {
                        Ok(list) if list.len() == 1 => {
                            walk(dns, list[0].clone(), target, depth + 1, deadline, obs).await;
                        }
                        Ok(list) => obs.problems.push(format!(
                            "{target} (via {name}) has {} SPF records",
                            list.len()
                        )),
                        Err(DnsError::NoRecords | DnsError::NxDomain) => {
                            obs.void_lookups += 1;
                            obs.problems.push(format!("{target} (via {name}) has no SPF record: a permerror for every receiver"));
                        }
                        Err(e) => obs.problems.push(format!("{target} (via {name}): {e}")),
                    }
                }
                "a" | "mx" | "exists" | "ptr" => {
                    obs.lookups += 1;
                    let target = arg.unwrap_or_else(|| domain.clone());
                    if target.contains('%') || name == "ptr" {
                        continue;
                    }
                    let found = match name {
                        "mx" => dns.mx(&target, deadline).await.map(|_| ()),
                        _ => dns.addresses(&target, deadline).await.map(|_| ()),
                    };
                    if matches!(found, Err(DnsError::NoRecords | DnsError::NxDomain)) {
                        obs.void_lookups += 1;
                    }
                }
                _ => {}
            }
        }
    })
}

/// DMARC at `_dmarc.DOMAIN`, else at the organizational domain (RFC 7489 §6.6.3).
pub async fn dmarc(dns: &Dns, domain: &str, deadline: Instant) -> DmarcObservation {
    let mut places = vec![domain.to_string()];
    if let Some(org) = psl::domain_str(domain) {
        if org != domain {
            places.push(org.to_string());
        }
    }
    let mut last = Err(DnsError::NoRecords);
    for place in places {
        match tagged_txt(dns, &format!("_dmarc.{place}"), "v=dmarc1", deadline).await {
            Ok(list) => {
                return DmarcObservation {
                    found_at: Some(place),
                    records: Ok(list),
                }
            }
            Err(e) => last = Err(e),
        }
    }
    DmarcObservation {
        found_at: None,
        records: last,
    }
}

/// TLS-RPT at `_smtp._tls.DOMAIN` (RFC 8460 §3).
pub async fn tls_rpt(dns: &Dns, domain: &str, deadline: Instant) -> TlsRptObservation {
    let records = tagged_txt(dns, &format!("_smtp._tls.{domain}"), "v=tlsrptv1", deadline).await;
    TlsRptObservation { records }
}

/// The TXT records at `name` that begin with `tag` (lower case), as DMARC,
/// TLS-RPT and MTA-STS mark theirs; NODATA when none does.
async fn tagged_txt(
    dns: &Dns,
    name: &str,
    tag: &str,
    deadline: Instant,
) -> Result<Vec<String>, DnsError> {
    let list: Vec<String> = dns
        .txt(name, deadline)
        .await?
        .into_iter()
        .filter(|t| t.to_ascii_lowercase().starts_with(tag))
        .collect();
    if list.is_empty() {
        Err(DnsError::NoRecords)
    } else {
        Ok(list)
    }
}

/// The `_mta-sts` TXT record and, when there is one, the policy it
/// announces (RFC 8461 §3.1, §3.3).
pub async fn mta_sts(
    dns: &Dns,
    connector: &dyn Connector,
    tls: Option<&crate::tls::TlsClient>,
    domain: &str,
    port: u16,
    deadline: Instant,
) -> MtaStsObservation {
    let txt = tagged_txt(dns, &format!("_mta-sts.{domain}"), "v=stsv1", deadline).await;
    let fetched = match (&txt, tls) {
        (Ok(_), Some(client)) => {
            Some(super::mta_sts::fetch(dns, connector, client, domain, port, deadline).await)
        }
        (Ok(_), None) => Some(Err("no TLS configuration to fetch the policy with".into())),
        _ => None,
    };
    MtaStsObservation { txt, fetched }
}

pub async fn exchange_security(
    dns: &Dns,
    host: &str,
    cname: Option<&str>,
    port: u16,
    ipv6: bool,
    deadline: Instant,
) -> ExchangeSecurity {
    use crate::dns::{DnsError, RecordType};
    use crate::observe::dns::{Answer, TlsaAnswer};
    let (a, aaaa, caa) = tokio::join!(
        dns.validate(host, RecordType::A, deadline),
        async {
            match ipv6 {
                true => Some(dns.validate(host, RecordType::AAAA, deadline).await),
                false => None,
            }
        },
        dns.caa(host, deadline)
    );
    let tlsa_at = |base: &str| {
        let name = format!("_{port}._tcp.{base}");
        async move {
            let (records, validation) = tokio::join!(
                dns.tlsa(&name, deadline),
                dns.validate(&name, RecordType::TLSA, deadline)
            );
            (name, records, validation)
        }
    };
    // RFC 7672 §2.2.2: when the MX host is a CNAME and its expansion is
    // secure, TLSA is looked up at the expanded name first, then at the MX
    // host; both names may appear in the certificate.
    let expanded = cname.filter(|_| a.status == crate::dnssec::Security::Secure);
    let (tlsa_name, records, tlsa_validation) = match expanded {
        Some(target) => match tlsa_at(target).await {
            (_, Err(DnsError::NoRecords | DnsError::NxDomain), _) => tlsa_at(host).await,
            found => found,
        },
        None => tlsa_at(host).await,
    };
    let mut answers = vec![Answer {
        name: host.to_string(),
        rtype: "A",
        validation: a,
    }];
    if let Some(v) = aaaa {
        answers.push(Answer {
            name: host.to_string(),
            rtype: "AAAA",
            validation: v,
        });
    }
    answers.push(Answer {
        name: tlsa_name.clone(),
        rtype: "TLSA",
        validation: tlsa_validation.clone(),
    });
    ExchangeSecurity {
        host: host.to_string(),
        expanded: expanded.map(str::to_string),
        answers,
        tlsa: TlsaAnswer {
            name: tlsa_name,
            records,
            validation: tlsa_validation,
        },
        caa,
    }
}
