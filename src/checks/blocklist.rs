//! `dns.blocklist`: what a DNS block list says about an address or a
//! domain, with the meaning of its answer. In a probe the lookup follows a
//! refusal that named the list; `smtpcheck blocklist` asks the default
//! lists directly.

use super::finding::BlocklistResult;
use super::{Check, CheckId, Detail, Status};
use crate::dnsbl::{Lookup, Meaning};
use serde_json::json;

/// How much a listing weighs: in a probe it explains a refusal (warn); in
/// `smtpcheck blocklist` it is the answer asked for (fail).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Explains,
    Asked,
}

pub fn blocklist_check(found: &Lookup, weight: Weight) -> Check {
    let name = found.list.map_or(found.zone.as_str(), |l| l.name);
    let who = &found.target;
    let lookup_url = found.list.map(|l| l.lookup.replace("{}", &who.to_string()));
    let base = |status, summary: String| {
        Check::new(CheckId::DnsBlocklist, status, summary)
            .host(&found.zone)
            .with("zone", found.zone.as_str())
            .with("target", who.to_string())
            .with("text", found.text.clone())
            .with("lookup", lookup_url.clone())
    };
    let answers = match &found.answers {
        Err(e) => {
            return base(Status::Info, format!("{name} could not be asked about {who}: {e}"))
                .with("result", "failed")
                .detail(Detail::Blocklist(BlocklistResult::Failed))
                .advice("The lookup got no answer: the list may refuse this resolver, or the resolver is down; check it on the list's own site.");
        }
        Ok(a) => a,
    };
    let listed: Vec<_> = answers
        .iter()
        .filter(|a| a.meaning == Meaning::Listed)
        .collect();
    let refused: Vec<_> = answers
        .iter()
        .filter(|a| a.meaning == Meaning::QueryRefused)
        .collect();
    let data = json!(answers
        .iter()
        .map(|a| json!({"answer": a.address.to_string(), "meaning": a.meaning, "words": a.words}))
        .collect::<Vec<_>>());
    if let Some(first) = listed.first() {
        let status = match weight {
            Weight::Explains => Status::Warn,
            Weight::Asked => Status::Fail,
        };
        let url = lookup_url
            .as_deref()
            .map(|u| format!(" ({u})"))
            .unwrap_or_default();
        return base(status, format!("{who} is listed on {name}: {} {}", first.address, first.words))
            .with("result", "listed")
            .detail(Detail::Blocklist(BlocklistResult::Listed))
            .with("answers", data)
            .advice(format!("The listing is about {who}, not about the receiving server: fix what it names ({}), then ask {name} for removal{url}.", first.words));
    }
    if let Some(first) = refused.first() {
        return base(Status::Info, format!("{name} refused the lookup of {who}: {} {}", first.address, first.words))
            .with("result", "query_refused")
            .detail(Detail::Blocklist(BlocklistResult::QueryRefused))
            .with("answers", data)
            .advice(match weight {
                Weight::Explains => "A receiver that rejects on this answer blocks clients that are not listed: the receiver's admin must query the list through their own resolver.",
                Weight::Asked => "smtpcheck's own resolver is refused by the list (a public resolver, or too many queries): ask through your own recursive resolver (--resolver) or on the list's site.",
            });
    }
    let summary = match weight {
        Weight::Explains => format!("{who} is not listed on {name} now: the refusal quoted an old listing, or the receiver's own lookup went wrong"),
        Weight::Asked => format!("{who} is not listed on {name}"),
    };
    base(Status::Pass, summary)
        .with("result", "not_listed")
        .detail(Detail::Blocklist(BlocklistResult::NotListed))
}
