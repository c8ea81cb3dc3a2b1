//! `smtpcheck blocklist`: every subject asked of every list that holds its
//! kind, all at once under the run's deadline.

use crate::dns::Dns;
use crate::dnsbl::{self, ListKind, Lookup, Subject};
use tokio::time::Instant;

/// Asks `zones` (or the default lists) about each subject: IP addresses of
/// the IP lists, domains of the domain lists.
pub async fn ask(
    dns: &Dns,
    subjects: &[Subject],
    zones: &[String],
    deadline: Instant,
) -> Vec<Lookup> {
    let chosen: Vec<(String, Option<ListKind>)> = match zones.is_empty() {
        true => dnsbl::LISTS
            .iter()
            .map(|l| (l.zone.to_string(), Some(l.kind)))
            .collect(),
        false => zones
            .iter()
            .map(|z| (z.clone(), dnsbl::known(z).map(|l| l.kind)))
            .collect(),
    };
    let mut questions = Vec::new();
    for subject in subjects {
        let kind = match subject {
            Subject::Ip(_) => ListKind::Ip,
            Subject::Domain(_) => ListKind::Domain,
        };
        for (zone, list_kind) in &chosen {
            // A zone the user named is asked whatever it holds.
            if list_kind.is_none_or(|k| k == kind) {
                questions.push((zone.clone(), subject.clone()));
            }
        }
    }
    let lookups = questions
        .iter()
        .map(|(zone, subject)| dnsbl::lookup(dns, zone, subject, deadline));
    futures_util::future::join_all(lookups).await
}
