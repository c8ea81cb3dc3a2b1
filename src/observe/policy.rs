//! The sending-policy records as fetched: SPF, DMARC, TLS-RPT and MTA-STS.

use crate::dns::DnsError;

/// RFC 7208 §4.6.4: at most 10 terms that cause DNS lookups.
pub const SPF_LOOKUP_LIMIT: u32 = 10;

#[derive(Debug, Clone)]
pub struct SpfObservation {
    /// The `v=spf1` records at the domain.
    pub records: Result<Vec<String>, DnsError>,
    /// DNS-querying terms, counted through include and redirect.
    pub lookups: u32,
    /// Lookups that found nothing (RFC 7208 §4.6.4: at most 2).
    pub void_lookups: u32,
    /// Problems found while following includes and redirects.
    pub problems: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct DmarcObservation {
    /// Where the record was looked for, and found (domain or organizational domain).
    pub found_at: Option<String>,
    pub records: Result<Vec<String>, DnsError>,
}

#[derive(Debug, Clone)]
pub struct TlsRptObservation {
    pub records: Result<Vec<String>, DnsError>,
}

/// What MTA-STS (RFC 8461) publishes: the `_mta-sts` TXT record, and the
/// policy file fetched from `https://mta-sts.DOMAIN/.well-known/mta-sts.txt`.
#[derive(Debug, Clone)]
pub struct MtaStsObservation {
    pub txt: Result<Vec<String>, DnsError>,
    /// `None` when there is no TXT record, so nothing was fetched.
    pub fetched: Option<Result<String, String>>,
}
