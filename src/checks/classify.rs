//! The reply classifier: one for every stage (greeting, EHLO, AUTH, MAIL,
//! RCPT, DATA, end of data) and for `smtpcheck explain`. It reads a reply's
//! code, its enhanced code (where the server put one: first word, qmail's
//! trailing `(#5.1.1)`, IronPort's leading `#5.1.0`) and its words, in the
//! light of what the probe knows (the stage, the provider the server
//! belongs to, whether the recipient is in the probed domain), and names
//! the cause. The knowledge is data: the rule table in `rules.rs`, ordered
//! from specific to generic, each rule with its source.

use super::rules::{Rule, RULES};
use serde::Serialize;

/// Where in the session a reply came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyStage {
    Greeting,
    Ehlo,
    Auth,
    Mail,
    Rcpt,
    Data,
    DataEnd,
}

/// Providers whose replies use codes their own way, recognised from the
/// greeting or EHLO host, or from the reply text itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    Gmail,
    Microsoft,
    Yahoo,
    Apple,
    Mimecast,
    Proofpoint,
    Cisco,
    Barracuda,
    Comcast,
}

impl Provider {
    pub fn name(self) -> &'static str {
        match self {
            Self::Gmail => "Gmail / Google Workspace",
            Self::Microsoft => "Microsoft 365 / Outlook.com",
            Self::Yahoo => "Yahoo / AOL",
            Self::Apple => "Apple iCloud Mail",
            Self::Mimecast => "Mimecast",
            Self::Proofpoint => "Proofpoint",
            Self::Cisco => "Cisco Secure Email (IronPort)",
            Self::Barracuda => "Barracuda",
            Self::Comcast => "Comcast / Xfinity",
        }
    }

    /// The provider a host name (greeting, EHLO, MX) belongs to.
    pub fn of_host(host: &str) -> Option<Self> {
        let host = host.to_ascii_lowercase();
        let host = host.trim_end_matches('.');
        let under = |suffixes: &[&str]| {
            suffixes
                .iter()
                .any(|s| host == *s || host.ends_with(&format!(".{s}")))
        };
        [
            (
                Self::Gmail,
                &["google.com", "googlemail.com", "gmail-smtp-in.l.google.com"][..],
            ),
            (
                Self::Microsoft,
                &[
                    "outlook.com",
                    "hotmail.com",
                    "protection.outlook.com",
                    "office365.com",
                    "microsoft.com",
                ],
            ),
            (
                Self::Yahoo,
                &["yahoodns.net", "yahoo.com", "aol.com", "aol.net"],
            ),
            (
                Self::Apple,
                &["icloud.com", "me.com", "mac.com", "apple.com"],
            ),
            (Self::Mimecast, &["mimecast.com", "mimecast-offshore.com"]),
            (
                Self::Proofpoint,
                &["pphosted.com", "ppe-hosted.com", "proofpoint.com"],
            ),
            (Self::Cisco, &["iphmx.com", "ironport.com"]),
            (
                Self::Barracuda,
                &["barracudanetworks.com", "barracuda.com", "cudamail.com"],
            ),
            (Self::Comcast, &["comcast.net", "xfinity.com"]),
        ]
        .into_iter()
        .find(|(_, suffixes)| under(suffixes))
        .map(|(p, _)| p)
    }

    /// Enhanced codes outside the registry's ranges that one provider
    /// uses: Microsoft's three-digit details (5.7.508, 4.7.500, 5.2.121),
    /// Yahoo's subject 16 (4.16.55).
    pub fn of_code(enhanced: Option<&str>) -> Option<Self> {
        let code = crate::smtp::EnhancedCode::parse(enhanced?)?;
        match (code.subject, code.detail) {
            (16, _) => Some(Self::Yahoo),
            (_, 100..) => Some(Self::Microsoft),
            _ => None,
        }
    }

    /// The provider a reply text gives itself away as (Gmail's ` - gsmtp`
    /// tag, Microsoft's bracketed `...prod.outlook.com` server names,
    /// Yahoo's `[TSS04]`-style codes, gateway names in links).
    pub fn of_text(lower: &str) -> Option<Self> {
        const SIGNS: &[(Provider, &[&str])] = &[
            (
                Provider::Gmail,
                &[
                    " - gsmtp",
                    "gsmtp",
                    "support.google.com",
                    "google.com/mail",
                    "gmail",
                    "google",
                ],
            ),
            (
                Provider::Microsoft,
                &[
                    "outlook.com",
                    "protection.outlook",
                    "office365",
                    "microsoft.com",
                    "sender.office.com",
                    "aka.ms/",
                    "resolver.",
                    "storedrv",
                    "tenantattribution",
                    "rp-001",
                    "rp-002",
                    "rp-003",
                    "sc-001",
                    "sc-002",
                    "sc-004",
                    "dy-001",
                    "dy-002",
                    "ou-001",
                    "ou-002",
                    "s3150",
                    "s3140",
                    "eop-",
                    ".prod.protection",
                ],
            ),
            (
                Provider::Yahoo,
                &[
                    "yahoo", "aol.com", "[ts0", "[tss0", "[tss1", "[ph0", "[hm0", "4.16.",
                ],
            ),
            (
                Provider::Apple,
                &["icloud", "support.apple.com", "[cs01]", "[hm08]"],
            ),
            (Provider::Mimecast, &["mimecast"]),
            (Provider::Proofpoint, &["proofpoint", "pphosted"]),
            (
                Provider::Cisco,
                &["ironport", "senderbase", "talosintelligence", "iphmx"],
            ),
            (Provider::Barracuda, &["barracuda", "cudamail"]),
            (Provider::Comcast, &["comcast", "xfinity"]),
        ];
        SIGNS
            .iter()
            .find(|(_, signs)| signs.iter().any(|s| lower.contains(s)))
            .map(|(p, _)| *p)
    }
}

/// What the probe knows around a reply.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context {
    pub stage: Option<ReplyStage>,
    /// From the greeting or EHLO host (the reply text may say more).
    pub provider: Option<Provider>,
    /// The recipient's domain is the probed domain (`Some(false)`: the
    /// recipient is foreign, so a refusal is about relaying).
    pub recipient_local: Option<bool>,
}

impl Context {
    /// This context at one stage.
    pub fn at(self, stage: ReplyStage) -> Self {
        Self {
            stage: Some(stage),
            ..self
        }
    }
}

/// Every cause the classifier names; the serde name is `data.cause`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    Greylisting,
    UnknownUser,
    UnknownDomain,
    MailboxFull,
    MailboxDisabled,
    RelayDenied,
    AuthRequired,
    AuthFailed,
    StarttlsRequired,
    HeloNotFqdn,
    HeloRejected,
    ReverseDns,
    SizeExceeded,
    SpfFail,
    DkimFail,
    DmarcPolicy,
    AuthenticationPolicy,
    Blocklisted,
    DnsblLookupRefused,
    Reputation,
    RateLimited,
    QuotaExceeded,
    ContentRejected,
    SenderRejected,
    SenderDomainInvalid,
    AddressSyntax,
    NullMxSender,
    NullMxRecipient,
    ServiceUnavailable,
    NoMailService,
    TenantConfig,
    RecipientPolicy,
    BadSequence,
    LoopDetected,
    TlsFailure,
    StorageFull,
    DnsTemporary,
}

impl Cause {
    /// The id in JSON (`data.cause`).
    pub fn id(self) -> &'static str {
        self.about().0
    }

    /// What the cause means, in a few words (the start of a summary).
    pub fn summary(self) -> &'static str {
        self.about().1
    }

    /// What to do about it.
    pub fn advice(self) -> &'static str {
        self.about().2
    }

    pub const ALL: &'static [Cause] = &[
        Self::Greylisting,
        Self::UnknownUser,
        Self::UnknownDomain,
        Self::MailboxFull,
        Self::MailboxDisabled,
        Self::RelayDenied,
        Self::AuthRequired,
        Self::AuthFailed,
        Self::StarttlsRequired,
        Self::HeloNotFqdn,
        Self::HeloRejected,
        Self::ReverseDns,
        Self::SizeExceeded,
        Self::SpfFail,
        Self::DkimFail,
        Self::DmarcPolicy,
        Self::AuthenticationPolicy,
        Self::Blocklisted,
        Self::DnsblLookupRefused,
        Self::Reputation,
        Self::RateLimited,
        Self::QuotaExceeded,
        Self::ContentRejected,
        Self::SenderRejected,
        Self::SenderDomainInvalid,
        Self::AddressSyntax,
        Self::NullMxSender,
        Self::NullMxRecipient,
        Self::ServiceUnavailable,
        Self::NoMailService,
        Self::TenantConfig,
        Self::RecipientPolicy,
        Self::BadSequence,
        Self::LoopDetected,
        Self::TlsFailure,
        Self::StorageFull,
        Self::DnsTemporary,
    ];

    /// `(id, summary, advice)`.
    fn about(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Greylisting => ("greylisting", "greylisting: the first attempt from an unknown sender is deferred", "Real mail servers retry and the message arrives after a delay (minutes); nothing to fix unless the delay matters. --retry-greylist SECS retries once to confirm."),
            Self::UnknownUser => ("unknown_user", "the mailbox does not exist", "Check the address; if it should exist, check the server's recipient tables and aliases."),
            Self::UnknownDomain => ("unknown_domain", "the server does not know the recipient's domain", "Check the domain of the address; if this server should take it, add the domain to its local or virtual domains."),
            Self::MailboxFull => ("mailbox_full", "the mailbox is full", "The recipient must free space; retrying later may work."),
            Self::MailboxDisabled => ("mailbox_disabled", "the mailbox is disabled", "The account is closed, suspended or inactive; contact the recipient another way."),
            Self::RelayDenied => ("relay_denied", "relaying denied: the server does not take mail for this domain", "Add the domain to the server's local or relay domains (Postfix: mydestination, relay_domains or virtual_mailbox_domains; Exim: local_domains or relay_to_domains), or fix the MX record that points here. A client that means to relay must authenticate (SMTP AUTH)."),
            Self::AuthRequired => ("auth_required", "the server requires SMTP authentication (AUTH) first", "Log in before sending: give --auth-user (with SMTPCHECK_PASSWORD or --password-file); on a submission port this is expected. This is not an SPF, DKIM or DMARC problem."),
            Self::AuthFailed => ("auth_failed", "the credentials were refused", "Check the user name (often the full address) and the password; providers with two-factor logins need an app password or OAuth (XOAUTH2)."),
            Self::StarttlsRequired => ("starttls_required", "the server requires STARTTLS before this command", "Use TLS (smtpcheck does with --tls auto when STARTTLS is offered); if STARTTLS is not offered, the server is misconfigured."),
            Self::HeloNotFqdn => ("helo_not_fqdn", "the server wants a fully-qualified HELO name", "Set --helo to a fully-qualified host name that resolves in DNS, ideally this machine's reverse-DNS name."),
            Self::HeloRejected => ("helo_rejected", "the server refuses the HELO/EHLO name", "Introduce the client with its own fully-qualified name that resolves to its address (--helo); never the server's name or a bare address."),
            Self::ReverseDns => ("reverse_dns", "the server requires reverse DNS (PTR) for the connecting address", "The check is about your address, not the server: give it a PTR record whose name resolves back to it (forward-confirmed reverse DNS), or probe from a host that has one."),
            Self::SizeExceeded => ("size_exceeded", "the message exceeds a size limit", "Send a smaller message, or raise the limit (Postfix: message_size_limit)."),
            Self::SpfFail => ("spf_fail", "the sender's SPF check failed", "Publish an SPF record for the sender's domain that lists the sending address (or send through a server it lists); check it with `smtpcheck policy DOMAIN`."),
            Self::DkimFail => ("dkim_fail", "the message has no valid DKIM signature", "Sign outgoing mail with DKIM for the sender's domain and publish the key; make sure nothing alters the message after signing."),
            Self::DmarcPolicy => ("dmarc_policy", "the sender's domain DMARC policy rejects this message", "Align SPF or DKIM with the From domain, or relax the domain's DMARC policy (p=) while fixing it; the receiver applies the sender domain's own policy."),
            Self::AuthenticationPolicy => ("authentication_policy", "the sender is not authenticated (no SPF or DKIM pass)", "Authenticate the sender's domain: an SPF record that covers the sending address and DKIM signing, aligned for DMARC; large receivers (Gmail, Yahoo, Microsoft) require it."),
            Self::Blocklisted => ("blocklisted", "the connecting address is on a block list", "The listing is about the address that connected: look it up on the list's site, fix the reason (an open relay, a compromised host, a dynamic IP range) and request delisting, or send from another address."),
            Self::DnsblLookupRefused => ("dnsbl_lookup_refused", "the receiver's block-list lookup was refused: the client is not listed", "Nothing is wrong with the sending address: the receiving server queries the block list through a public or overloaded resolver, which the list refuses. The receiver's admin must use their own resolver or a data feed."),
            Self::Reputation => ("reputation", "refused for the sending address's or domain's reputation", "Check the sending IP and domain with the provider's postmaster tools, fix what hurts them (complaints, unknown recipients, missing authentication), and warm up new addresses slowly."),
            Self::RateLimited => ("rate_limited", "the server limits connections or messages from this client", "Slow down and retry later; for a scan, lower -j and keep --per-ip at 1."),
            Self::QuotaExceeded => ("quota_exceeded", "the sender's own sending quota is exceeded", "The account has sent more than its daily or hourly limit: wait for the quota to reset, or raise it with the provider."),
            Self::ContentRejected => ("content_rejected", "the message content was refused (spam, malware or format)", "Check the message: links and attachments that filters dislike, a missing Message-ID or Date, lines over 998 octets; the reply often names the filter."),
            Self::SenderRejected => ("sender_rejected", "the sender address is refused by policy", "The server does not accept mail from this sender: check its access rules, or use a sender address of a domain that authorizes this host."),
            Self::SenderDomainInvalid => ("sender_domain_invalid", "the sender's domain does not resolve", "Use a sender address in a domain with MX or A records (--from); a made-up or internal domain is refused."),
            Self::AddressSyntax => ("address_syntax", "the address is malformed or not fully qualified", "Give a complete address, local part @ fully-qualified domain (--from, --rcpt)."),
            Self::NullMxSender => ("null_mx_sender", "the sender's domain publishes a null MX, so replies could never reach it", "Use a sender address whose domain can receive mail (RFC 7505 §4.2)."),
            Self::NullMxRecipient => ("null_mx_recipient", "the recipient's domain publishes a null MX: it takes no mail", "Check the address; the domain says it never receives mail (RFC 7505)."),
            Self::ServiceUnavailable => ("service_unavailable", "the server is not available right now", "The server is shutting down, overloaded, or closing connections; senders retry. If it lasts, check the server's health and limits."),
            Self::NoMailService => ("no_mail_service", "this host does not accept mail", "RFC 7504: the host never accepts mail. If it is listed as an MX, remove it from the MX records."),
            Self::TenantConfig => ("tenant_config", "the receiving organisation's mail setup refuses the message", "The recipient's provider (e.g. a Microsoft 365 tenant) is not set up to accept this mail, or the domain is not accepted there: the recipient's admin must fix accepted domains or connectors."),
            Self::RecipientPolicy => ("recipient_policy", "the recipient does not accept mail from this sender", "The recipient (or their organisation) restricts who may write to them: ask them to allow the sender, or write from an allowed address."),
            Self::BadSequence => ("bad_sequence", "the server saw a protocol error from the client", "A client bug or a middlebox: commands out of order, pipelining without PIPELINING, or an unknown command."),
            Self::LoopDetected => ("loop_detected", "the message is looping between servers", "Fix the mail routing: a forward or MX points back at a server that already handled the message."),
            Self::TlsFailure => ("tls_failure", "TLS with the required strength could not be established", "The receiver requires TLS (or a newer TLS version) for this connection: enable TLS 1.2 or later on the sending side."),
            Self::StorageFull => ("storage_full", "the server is short of storage", "The receiving server's disk or queue is full; it is the server's problem, and senders retry."),
            Self::DnsTemporary => ("dns_temporary", "the receiver could not look up DNS for this mail right now", "A temporary DNS failure on the receiving side (or at the sender's domain's name servers): senders retry; if it lasts, check the sender domain's DNS."),
        }
    }
}

/// What the classifier found, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Diagnosis {
    pub cause: Cause,
    /// A refinement in a word or two (`rate_limited`: `connections`,
    /// `recipients`, `messages`).
    pub detail: Option<&'static str>,
    /// The provider the reply belongs to, when known.
    pub provider: Option<Provider>,
    /// Where the rule comes from (a provider's page, an MTA's source file).
    pub source: &'static str,
}

/// The enhanced status code of a reply: as the first word of its text, or
/// where some servers put it: qmail's trailing `(#5.1.1)`, Cisco's leading
/// `#5.1.0`, or in parentheses or brackets in the text.
pub fn enhanced_code(first_word: Option<&str>, text: &str) -> Option<String> {
    if let Some(code) = first_word.and_then(crate::smtp::EnhancedCode::parse) {
        return Some(code.to_string());
    }
    text.split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | ';' | ','))
        .map(|w| w.trim_start_matches('#').trim_end_matches(['.', ':']))
        .find_map(crate::smtp::EnhancedCode::parse)
        .map(|c| c.to_string())
}

/// The reply text prepared for matching: every line without its leading
/// enhanced code, joined by spaces, lower case.
pub fn normalize(text: &str) -> String {
    text.lines()
        .map(|line| {
            let line = line.trim();
            match line.split_once(' ') {
                Some((first, rest)) if crate::smtp::EnhancedCode::parse(first).is_some() => rest,
                _ if crate::smtp::EnhancedCode::parse(line).is_some() => "",
                _ => line,
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase()
}

/// The cause of a negative reply, or `None` when its words say nothing
/// more specific than its codes. `text` is the reply's text (every line,
/// enhanced codes included as the server sent them).
pub fn classify(code: u16, text: &str, ctx: &Context) -> Option<Diagnosis> {
    if code < 400 {
        return None;
    }
    let (rule, provider) = decide(code, text, ctx);
    let rule = &RULES[rule?];
    rule.cause.map(|cause| Diagnosis {
        cause,
        detail: rule.detail,
        provider,
        source: rule.source,
    })
}

/// Which rule decides a reply (for the reachability test of the table).
pub fn deciding_rule(code: u16, text: &str, ctx: &Context) -> Option<usize> {
    decide(code, text, ctx).0
}

/// The first rule that matches, and the provider the reply belongs to.
fn decide(code: u16, text: &str, ctx: &Context) -> (Option<usize>, Option<Provider>) {
    let first = text.split_whitespace().next();
    let enhanced = enhanced_code(first, text);
    let lower = normalize(text);
    let provider = ctx
        .provider
        .or_else(|| Provider::of_text(&lower))
        .or_else(|| Provider::of_code(enhanced.as_deref()));
    let facts = Facts {
        code,
        enhanced: enhanced.as_deref(),
        text: &lower,
        stage: ctx.stage,
        provider,
        recipient_local: ctx.recipient_local,
    };
    (RULES.iter().position(|r| r.matches(&facts)), provider)
}

/// What a rule is matched against.
pub struct Facts<'a> {
    pub code: u16,
    /// `5.7.1`, when the reply carries one.
    pub enhanced: Option<&'a str>,
    /// Normalized (lower case, enhanced codes of continuation lines removed).
    pub text: &'a str,
    pub stage: Option<ReplyStage>,
    pub provider: Option<Provider>,
    pub recipient_local: Option<bool>,
}

impl Rule {
    pub fn matches(&self, f: &Facts<'_>) -> bool {
        let code_ok = match self.code {
            0 => true,
            c @ 1..=9 => f.code / 100 == c,
            c => f.code == c,
        };
        let enhanced_ok = self.enhanced.is_empty()
            || f.enhanced.is_some_and(|e| {
                self.enhanced
                    .iter()
                    .any(|pattern| match pattern.strip_prefix("x.") {
                        Some(rest) => e.get(2..) == Some(rest),
                        None => e == *pattern,
                    })
            });
        let text_ok = (self.any.is_empty() || self.any.iter().any(|w| f.text.contains(w)))
            && self.all.iter().all(|w| f.text.contains(w))
            && !self.not.iter().any(|w| f.text.contains(w));
        code_ok
            && enhanced_ok
            && text_ok
            && self.provider.is_none_or(|p| f.provider == Some(p))
            // A rule for some stages holds where the stage is unknown
            // (`explain`), and only there otherwise.
            && (self.stages.is_empty() || f.stage.is_none_or(|s| self.stages.contains(&s)))
            && self.recipient_local.is_none_or(|want| f.recipient_local == Some(want))
    }
}
