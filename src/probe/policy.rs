//! Fetching the sending-policy records: SPF (RFC 7208) followed through
//! include and redirect with its lookup counts, DMARC (RFC 7489) at the
//! domain or its organizational domain, and TLS-RPT (RFC 8460). The rules
//! that judge them are in `checks::policy`.

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

/// RFC 8461 §3.2: policy files are small; refuse more.
pub const MTA_STS_MAX_BODY: usize = 64 * 1024;

pub async fn mta_sts(
    dns: &Dns,
    tls: Option<&crate::tls::TlsClient>,
    domain: &str,
    deadline: Instant,
) -> MtaStsObservation {
    let txt = tagged_txt(dns, &format!("_mta-sts.{domain}"), "v=stsv1", deadline).await;
    let fetched = match (&txt, tls) {
        (Ok(_), Some(client)) => Some(fetch_policy(dns, client, domain, deadline).await),
        (Ok(_), None) => Some(Err("no TLS configuration to fetch the policy with".into())),
        _ => None,
    };
    MtaStsObservation { txt, fetched }
}

/// GET the policy over HTTPS with full certificate verification, no
/// redirects, `text/plain` only, at most [`MTA_STS_MAX_BODY`] bytes
/// (RFC 8461 §3.3). HTTP/1.0 keeps the response un-chunked.
async fn fetch_policy(
    dns: &Dns,
    client: &crate::tls::TlsClient,
    domain: &str,
    deadline: Instant,
) -> Result<String, String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = format!("mta-sts.{domain}");
    let addresses = dns
        .addresses(&host, deadline)
        .await
        .map_err(|e| format!("{host}: {e}"))?;
    let address = *addresses
        .first()
        .ok_or_else(|| format!("{host} has no address"))?;
    let tcp =
        match tokio::time::timeout_at(deadline, tokio::net::TcpStream::connect((address, 443)))
            .await
        {
            Ok(Ok(tcp)) => tcp,
            Ok(Err(e)) => {
                return Err(format!(
                    "cannot connect to {host} ({address}) on port 443: {e}"
                ))
            }
            Err(_) => return Err(format!("no answer from {host} ({address}) on port 443")),
        };
    let mut tls = client
        .connect_verified(tcp, &host, deadline)
        .await
        .map_err(|e| format!("TLS with {host} failed: {e}"))?;
    let request = format!("GET /.well-known/mta-sts.txt HTTP/1.0\r\nHost: {host}\r\nUser-Agent: smtpcheck\r\nAccept: text/plain\r\n\r\n");
    let read = async {
        tls.write_all(request.as_bytes()).await?;
        let mut response = Vec::new();
        // Headers plus the largest allowed body, plus one byte to notice more.
        (&mut tls)
            .take((MTA_STS_MAX_BODY + 16 * 1024 + 1) as u64)
            .read_to_end(&mut response)
            .await?;
        Ok::<_, std::io::Error>(response)
    };
    let response = match tokio::time::timeout_at(deadline, read).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            return Err(format!("{host} closed the connection early"))
        }
        Ok(Err(e)) => return Err(format!("reading from {host}: {e}")),
        Err(_) => return Err(format!("{host} did not send the policy in time")),
    };
    parse_http(&response)
}

/// The body of a 200 `text/plain` response, or why not.
pub fn parse_http(response: &[u8]) -> Result<String, String> {
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("the response has no end of headers")?;
    let head = String::from_utf8_lossy(&response[..split]);
    let body = &response[split + 4..];
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or("");
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let header = |name: &str| {
        head.lines().skip(1).find_map(|l| {
            l.split_once(':')
                .filter(|(k, _)| k.trim().eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim().to_string())
        })
    };
    if (300..400).contains(&status) {
        return Err(format!(
            "HTTP {status}: a redirect (to {}), which RFC 8461 §3.3 forbids following",
            header("location").unwrap_or_default()
        ));
    }
    if status != 200 {
        return Err(format!("HTTP status {status}, not 200"));
    }
    let content_type = header("content-type").unwrap_or_default();
    if !content_type.to_ascii_lowercase().starts_with("text/plain") {
        return Err(format!(
            "Content-Type is \"{content_type}\", not text/plain (RFC 8461 §3.2)"
        ));
    }
    if body.len() > MTA_STS_MAX_BODY {
        return Err(format!(
            "the policy is larger than {MTA_STS_MAX_BODY} bytes"
        ));
    }
    Ok(String::from_utf8_lossy(body).into_owned())
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
    let (a, aaaa) = tokio::join!(dns.validate(host, RecordType::A, deadline), async {
        match ipv6 {
            true => Some(dns.validate(host, RecordType::AAAA, deadline).await),
            false => None,
        }
    });
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_responses() {
        assert_eq!(
            parse_http(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nversion: STSv1\r\n")
                .unwrap(),
            "version: STSv1\r\n"
        );
        assert!(
            parse_http(b"HTTP/1.1 301 Moved\r\nLocation: https://x/\r\n\r\n")
                .unwrap_err()
                .contains("redirect")
        );
        assert!(
            parse_http(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\nx")
                .unwrap_err()
                .contains("text/html")
        );
        let mut big = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n".to_vec();
        big.extend(vec![b'x'; 70 * 1024]);
        assert!(parse_http(&big).unwrap_err().contains("larger than"));
    }
}
