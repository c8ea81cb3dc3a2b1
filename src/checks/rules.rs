//! The reply classifier's knowledge, as data: one rule a line, tried in
//! order, the first match wins. Order runs from specific to generic:
//! 1. a provider's own codes (Gmail, Microsoft, Yahoo... use enhanced codes
//!    their own way: Gmail 5.7.27 is SPF, not RFC 7505's null MX);
//! 2. lookup failures that look like listings (a refused DNSBL query);
//! 3. greylisting in all its forms;
//! 4. specific phrases (the words name the cause whatever the code);
//! 5. enhanced codes that are specific (RFC 3463, 7372, 7505);
//! 6. reply codes that are specific (521, 530, 535, 503).
//!
//! Phrases are matched in lower case against the reply text with every
//! line's enhanced code removed. A phrase must name what it refers to: a
//! bare "relay" or "quota" matches things that are not relay denials or
//! full mailboxes, so rules say "relay access denied" and "over quota".
//! Each rule cites where its text comes from.

use super::classify::{Cause, Provider, ReplyStage};
use Cause::*;
use Provider::*;

/// One piece of knowledge: when it applies and what it means.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// `None`: the text is known to be generic; no cause may be named.
    pub cause: Option<Cause>,
    pub detail: Option<&'static str>,
    /// Where the rule comes from: the provider's page or the MTA's source.
    pub source: &'static str,
    pub provider: Option<Provider>,
    /// 0: any; 1–9: that class (4: 4xx); else the exact reply code.
    pub code: u16,
    /// Enhanced codes, `5.7.26`, or `x.7.26` for any class.
    pub enhanced: &'static [&'static str],
    /// Any of these phrases (none: no condition on the text).
    pub any: &'static [&'static str],
    /// All of these phrases too.
    pub all: &'static [&'static str],
    /// None of these phrases.
    pub not: &'static [&'static str],
    pub stages: &'static [ReplyStage],
    /// `Some(false)`: only when the recipient is outside the probed domain.
    pub recipient_local: Option<bool>,
}

const fn rule(cause: Cause, source: &'static str) -> Rule {
    known(Some(cause), source)
}

/// A text known to say nothing specific (it would otherwise match a more
/// general rule below it).
const fn generic(source: &'static str) -> Rule {
    known(None, source)
}

const fn known(cause: Option<Cause>, source: &'static str) -> Rule {
    Rule {
        cause,
        detail: None,
        source,
        provider: None,
        code: 0,
        enhanced: &[],
        any: &[],
        all: &[],
        not: &[],
        stages: &[],
        recipient_local: None,
    }
}

impl Rule {
    const fn by(mut self, provider: Provider) -> Self {
        self.provider = Some(provider);
        self
    }
    const fn code(mut self, code: u16) -> Self {
        self.code = code;
        self
    }
    const fn class(mut self, class: u16) -> Self {
        self.code = class;
        self
    }
    const fn enhanced(mut self, codes: &'static [&'static str]) -> Self {
        self.enhanced = codes;
        self
    }
    const fn any(mut self, phrases: &'static [&'static str]) -> Self {
        self.any = phrases;
        self
    }
    const fn all(mut self, phrases: &'static [&'static str]) -> Self {
        self.all = phrases;
        self
    }
    const fn not(mut self, phrases: &'static [&'static str]) -> Self {
        self.not = phrases;
        self
    }
    const fn at(mut self, stages: &'static [ReplyStage]) -> Self {
        self.stages = stages;
        self
    }
    const fn foreign_recipient(mut self) -> Self {
        self.recipient_local = Some(false);
        self
    }
    const fn detail(mut self, detail: &'static str) -> Self {
        self.detail = Some(detail);
        self
    }
}

const GMAIL: &str = "https://support.google.com/a/answer/3726730";
const MICROSOFT: &str = "https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online";
const OUTLOOK_COM: &str =
    "https://sendersupport.olc.protection.outlook.com/pm/troubleshooting.aspx";
const YAHOO: &str = "https://senders.yahooinc.com/smtp-error-codes/";
const APPLE: &str = "https://support.apple.com/en-us/102322";
const MIMECAST: &str =
    "https://community.mimecast.com/s/article/Mimecast-SMTP-Error-Codes-842605754";
const PROOFPOINT: &str = "https://help.proofpoint.com/Proofpoint_Essentials/Email_Security/Administrator_Topics/000_gettingstarted/SMTP_Error_Codes";
const CISCO: &str = "https://www.cisco.com/c/en/us/support/docs/security/email-security-appliance/118573-technote-esa-00.html";
const BARRACUDA: &str = "https://campus.barracuda.com/product/emailsecuritygateway/doc/3866712/reasons-for-message-rejection/";
const SPAMHAUS: &str = "https://www.spamhaus.org/faqs/dnsbl-usage/";
const POSTFIX_CHECK: &str = "postfix/src/smtpd/smtpd_check.c";
const POSTFIX_SMTPD: &str = "postfix/src/smtpd/smtpd.c";
const POSTFIX_ANVIL: &str = "postfix/src/smtpd/smtpd.c (anvil limits)";
const POSTGREY: &str = "postgrey (postgrey.schweikert.ch), policy server reply";
const MILTER_GREYLIST: &str = "milter-greylist/milter-greylist.c";
const SPAMD: &str = "OpenBSD libexec/spamd/spamd.c";
const EXIM: &str = "exim/src/src/smtp_in.c and the default configure ACLs";
const SENDMAIL: &str = "sendmail/srvrsmtp.c and cf/feature/dnsbl.m4";
const QMAIL: &str = "qmail-smtpd.c (netqmail)";
const COURIER: &str = "courier/courier/module.esmtp/courieresmtpd.c";
const OPENSMTPD: &str = "OpenSMTPD usr.sbin/smtpd/smtp_session.c";
const HARAKA: &str = "haraka/Haraka plugins (rcpt_to.in_host_list, dnsbl, limit)";
const AIOSMTPD: &str = "aiosmtpd documentation, handler examples (aiosmtpd.readthedocs.io)";
/// Phrases gathered from the real replies of several vendors; each reply,
/// with its own source, is a line of tests/corpus/replies.tsv.
const SEEN: &str =
    "real replies of several vendors (tests/corpus/replies.tsv names each one's source)";
const RFC3463: &str = "RFC 3463 §3";
const RFC7372: &str = "RFC 7372 §3";
const RFC7505: &str = "RFC 7505 §4";
const RFC4954: &str = "RFC 4954 §6";
const RFC3207: &str = "RFC 3207 §4";
const RFC5321: &str = "RFC 5321 §4.2.3";
const RFC7504: &str = "RFC 7504 §3";

use ReplyStage::Ehlo;

/// The rules, in order: one a line, a table to review.
#[rustfmt::skip]
pub const RULES: &[Rule] = &[
    // 0. Texts that name two causes at once: no cause, whoever sends them.
    generic(SEEN).any(&["or ip/domain reputation", "user unknown or mailbox full", "spam or forged", "virus scanner", "scanner timed out", "violating our security policies", "from that country", "o non abilitato", "unknown domain or unknown recipient", "header checks defer", "specify no receipients", "auth not available", "sender verify failed and", "suspiciousremoteservererror", "connection reset", "closed abruptly", "unusual sending activity"]),
    // 1. Providers' own codes and words.
    // Gmail (GMAIL): label by text, never by code alone.
    rule(SizeExceeded, GMAIL).by(Gmail).enhanced(&["x.3.4", "x.2.3"]),
    rule(QuotaExceeded, GMAIL).by(Gmail).any(&["daily"]).all(&["limit"]),
    rule(DkimFail, GMAIL).by(Gmail).enhanced(&["x.7.28"]).any(&["dkim"]).not(&["unusual rate", "quota"]),
    rule(RateLimited, GMAIL).by(Gmail).enhanced(&["x.7.28"]).detail("unusual rate of unsolicited mail"),
    rule(MailboxDisabled, GMAIL).by(Gmail).enhanced(&["x.2.1"]).any(&["inactive", "disabled", "not accepting", "suspended"]),
    rule(RateLimited, GMAIL).by(Gmail).enhanced(&["x.2.1"]).detail("recipient receiving too fast"),
    rule(MailboxFull, GMAIL).by(Gmail).enhanced(&["x.2.2"]),
    rule(QuotaExceeded, GMAIL).by(Gmail).enhanced(&["x.4.5"]),
    rule(ReverseDns, GMAIL).by(Gmail).enhanced(&["x.7.23", "x.7.25"]),
    rule(SpfFail, GMAIL).by(Gmail).enhanced(&["x.7.27"]),
    rule(DkimFail, GMAIL).by(Gmail).enhanced(&["x.7.30"]),
    rule(DmarcPolicy, GMAIL).by(Gmail).enhanced(&["x.7.32", "x.7.40"]),
    rule(DmarcPolicy, GMAIL).by(Gmail).enhanced(&["x.7.26"]).any(&["dmarc"]),
    rule(SpfFail, GMAIL).by(Gmail).enhanced(&["x.7.26"]).any(&["spf"]).not(&["dkim"]),
    rule(AuthenticationPolicy, GMAIL).by(Gmail).enhanced(&["x.7.26"]),
    rule(TlsFailure, GMAIL).by(Gmail).enhanced(&["x.7.29"]),
    rule(AuthFailed, GMAIL).by(Gmail).code(534),
    rule(RateLimited, GMAIL).by(Gmail).any(&["unusual rate", "too many login attempts", "receiving mail at a rate", "rate that prevents", "relay limit exceeded"]),
    rule(Reputation, GMAIL).by(Gmail).any(&["low reputation", "reputation of the sending", "spam rate"]),
    rule(ContentRejected, GMAIL).by(Gmail).any(&["rfc 5322", "rfc 2822", "malformed", "header", "message-id", "encoded-word", "virus", "security issue", "executable", "likely unsolicited", "nature of the content", "content"]).not(&["ip address", "exceed"]),
    rule(HeloRejected, GMAIL).by(Gmail).any(&["helo", "ehlo"]).all(&["rfc 5321"]),
    rule(TlsFailure, GMAIL).by(Gmail).any(&["tls required for rcpt domain", "tls connection"]),
    rule(RecipientPolicy, GMAIL).by(Gmail).any(&["not in whitelist for rcpt domain", "has a policy that prohibits", "prohibited by the domain"]),
    rule(RelayDenied, GMAIL).by(Gmail).any(&["credentials for relay", "relay denied", "relay access denied", "relaying denied"]).not(&["suspended"]),
    rule(SenderRejected, GMAIL).by(Gmail).any(&["sending denied", "account has been temporarily suspended", "sender blocked", "not authorised to send from"]),
    rule(ServiceUnavailable, GMAIL).by(Gmail).any(&["temporary system problem"]),
    generic(GMAIL).by(Gmail).any(&["try again later, closing connection", "ipv6 sending guidelines", "separate transaction"]),
    // Microsoft 365 / Outlook.com (MICROSOFT, OUTLOOK_COM).
    // Microsoft's meanings of registry codes, whether or not the text says Microsoft.
    generic(MICROSOFT).enhanced(&["5.1.0"]).any(&["sender denied"]),
    rule(SenderRejected, MICROSOFT).enhanced(&["x.1.8"]).any(&["access denied"]),
    rule(UnknownUser, MICROSOFT).enhanced(&["x.4.1", "x.7.504"]).any(&["recipient address rejected"]),
    rule(UnknownUser, MICROSOFT).by(Microsoft).enhanced(&["x.1.10"]),
    rule(RateLimited, MICROSOFT).by(Microsoft).any(&["maximum number of connections"]),
    rule(Reputation, MICROSOFT).by(Microsoft).any(&["spam abuse detected from ip"]),
    rule(QuotaExceeded, MICROSOFT).by(Microsoft).any(&["refusequota"]),
    rule(TenantConfig, MICROSOFT).by(Microsoft).enhanced(&["x.7.64", "x.7.750", "x.3.190", "x.7.51"]),
    rule(TenantConfig, MICROSOFT).by(Microsoft).any(&["tenant allow block list", "tenantattribution", "unregistered domain", "journaling", "connector"]),
    rule(QuotaExceeded, MICROSOFT).by(Microsoft).any(&["submission quota", "submissionquotaexceeded", "sending limits"]),
    rule(RateLimited, MICROSOFT).by(Microsoft).any(&["receive limit", "thread limit", "exceeded permitted limits", "recipient rate limit", "message rate limit", "concurrent"]),
    rule(MailboxFull, MICROSOFT).by(Microsoft).any(&["mailbox full", "quotaexceeded", "mailbox size limit", "mailbox is full", "maxobjsexceeded"]),
    rule(UnknownUser, MICROSOFT).by(Microsoft).any(&["recipientnotfound", "recipient not found"]),
    rule(RecipientPolicy, MICROSOFT).by(Microsoft).enhanced(&["x.7.12", "x.7.13", "x.7.124", "x.7.129", "x.7.133", "x.7.134", "x.7.135", "x.7.136", "x.7.507", "x.7.513"]),
    rule(RecipientPolicy, MICROSOFT).by(Microsoft).any(&["resolver.rst.authrequired", "sender not in allowed-senders", "rejected by recipient", "customer block list"]),
    rule(AuthRequired, MICROSOFT).by(Microsoft).enhanced(&["x.7.57"]),
    rule(TlsFailure, MICROSOFT).by(Microsoft).enhanced(&["x.7.321", "x.7.322", "x.7.323", "x.7.324", "x.7.325"]),
    rule(RelayDenied, MICROSOFT).by(Microsoft).enhanced(&["x.7.54"]),
    rule(Blocklisted, MICROSOFT).by(Microsoft).enhanced(&["x.7.511"]).any(&["banned sender"]),
    rule(SenderRejected, MICROSOFT).by(Microsoft).enhanced(&["x.7.501", "x.7.502", "x.7.503"]),
    rule(ContentRejected, MICROSOFT).by(Microsoft).enhanced(&["x.7.512", "x.6.11", "x.0.350"]),
    rule(Blocklisted, MICROSOFT).by(Microsoft).any(&["banned sending ip", "block list", "blocklist", "blocked list"]).not(&["customer", "tenant allow block list"]),
    rule(DmarcPolicy, MICROSOFT).by(Microsoft).enhanced(&["x.7.509"]),
    rule(AuthenticationPolicy, MICROSOFT).by(Microsoft).enhanced(&["x.7.23", "x.7.515"]),
    rule(RateLimited, MICROSOFT).by(Microsoft).enhanced(&["4.7.500", "4.7.699", "x.7.508", "x.2.121", "x.2.122"]),
    rule(Blocklisted, MICROSOFT).by(Microsoft).enhanced(&["x.7.606", "x.7.649"]),
    generic(MICROSOFT).by(Microsoft).enhanced(&["x.7.510"]),
    rule(Reputation, OUTLOOK_COM).by(Microsoft).enhanced(&["4.7.850", "4.7.899", "x.7.650", "x.7.651", "x.7.652", "x.7.705", "x.7.708"]),
    rule(Reputation, OUTLOOK_COM).by(Microsoft).any(&["rp-001", "rp-002", "rp-003", "s3150", "s3140", "reputation", "temporarily rate limited due to ip"]),
    rule(TenantConfig, MICROSOFT).by(Microsoft).enhanced(&["x.4.1"]).any(&["access denied"]),
    generic(MICROSOFT).by(Microsoft).any(&["sender denied", "multiple regions"]),
    // Yahoo / AOL (YAHOO).
    rule(Reputation, YAHOO).by(Yahoo).any(&["[tss04]", "[tss05]", "[tss09]", "[tss11]", "[ts03]", "poor reputation", "permanently deferred"]),
    rule(RateLimited, YAHOO).by(Yahoo).any(&["[ts01]", "[ts02]", "[tss01]", "[tss02]", "[tss03]", "unexpected volume", "4.16.50", "user complaints"]),
    rule(DmarcPolicy, YAHOO).by(Yahoo).any(&["dmarc"]),
    rule(DmarcPolicy, YAHOO).enhanced(&["5.7.9"]).any(&["postmaster-28"]),
    generic(YAHOO).by(Yahoo).any(&["excessive unknown recipients", "4.16.51", "4.16.52"]),
    rule(AuthenticationPolicy, YAHOO).by(Yahoo).any(&["not authenticated", "unauthenticated"]),
    generic(YAHOO).by(Yahoo).any(&["[ph01]", "policy reasons"]),
    rule(ContentRejected, YAHOO).by(Yahoo).any(&["content"]),
    rule(UnknownUser, YAHOO).by(Yahoo).any(&["doesn't have a", "does not have a", "mailbox not found", "user unknown"]),
    rule(MailboxDisabled, YAHOO).by(Yahoo).any(&["disabled", "inactive"]),
    // Apple iCloud Mail (APPLE): "[CS01] ... local policy" names no cause.
    generic(APPLE).by(Apple).any(&["local policy", "[cs01]"]),
    // Security gateways.
    rule(DnsblLookupRefused, SPAMHAUS).any(&["open resolver", "query volume", "excessive number of queries", "127.255.255.254", "127.255.255.255", "127.255.255.252", "public resolver", "public/open resolver", "returnc/pub", "returnc/vol", "query refused", "uribl.com/refused"]),
    rule(DmarcPolicy, MIMECAST).by(Mimecast).any(&["dmarc"]),
    rule(Blocklisted, MIMECAST).by(Mimecast).any(&["csi.mimecast.org", "spamcop.mimecast.org", "poor reputation sender", "blocked - see"]),
    rule(Greylisting, MIMECAST).by(Mimecast).code(451).any(&["internal resource", "internal resources", "greylist", "try again later"]),
    rule(RelayDenied, MIMECAST).by(Mimecast).any(&["open relay", "relay not allowed", "relaying not allowed"]),
    rule(RecipientPolicy, MIMECAST).by(Mimecast).any(&["envelope blocked - user", "user entry", "host network not allowed", "manually blocked senders", "manual block"]),
    rule(SpfFail, MIMECAST).by(Mimecast).any(&["spf sender invalid", "spf"]),
    rule(SenderRejected, MIMECAST).by(Mimecast).any(&["anti-spoofing", "envelope blocked", "envelope rejected", "administrative prohibition", "sender address blocked"]),
    rule(TenantConfig, MIMECAST).by(Mimecast).any(&["account inbounds disabled", "account outbounds disabled", "hostname is not authorized", "incorrect hostname"]),
    rule(AuthFailed, MIMECAST).by(Mimecast).any(&["failed to authenticate"]),
    rule(TlsFailure, MIMECAST).by(Mimecast).any(&["high-strength ciphers", "requires tls", "tls"]),
    rule(RateLimited, MIMECAST).by(Mimecast).any(&["thread limit", "account service is temporarily unavailable", "rate limit", "temporarily blacklisted"]),
    rule(ServiceUnavailable, MIMECAST).by(Mimecast).any(&["unable to process connection"]),
    rule(ContentRejected, MIMECAST).by(Mimecast).any(&["content examination", "security policies", "virus", "spam"]),
    rule(SizeExceeded, MIMECAST).by(Mimecast).any(&["size exceeded", "email size"]),
    rule(UnknownUser, MIMECAST).by(Mimecast).any(&["invalid recipient", "recipient address rejected"]),
    generic(MIMECAST).by(Mimecast).code(503).any(&["user unknown"]),
    rule(Blocklisted, BARRACUDA).by(Barracuda).any(&["barracuda reputation", "brbl", "barracudacentral"]),
    rule(Reputation, CISCO).by(Cisco).any(&["sbrs", "senderbase", "reputation", "talos"]),
    rule(RateLimited, CISCO).by(Cisco).any(&["too many recipients received this hour", "exceeded allowable recipients", "rate limit"]),
    rule(Reputation, PROOFPOINT).by(Proofpoint).any(&["ipcheck.proofpoint.com", "refused by proofpoint", "poor reputation", "reputation"]),
    rule(Blocklisted, PROOFPOINT).by(Proofpoint).any(&["dnsbl"]),
    rule(Reputation, PROOFPOINT).by(Proofpoint).any(&["blocked - see"]),
    // Sophos (XGEMAIL codes): https://support.sophos.com/support/s/article/KB-000038048
    rule(UnknownUser, "https://support.sophos.com/support/s/article/KB-000038048").any(&["xgemail_0011"]),
    rule(SenderRejected, "https://support.sophos.com/support/s/article/KB-000038048").any(&["xgemail_0008"]),
    // 2. Lookups that failed are not listings, and a name server that
    // failed is not the domain's fault: before the listings.
    rule(DnsblLookupRefused, POSTFIX_CHECK).class(4).any(&["rbl lookup error", "dnsbl lookup error"]),
    rule(DnsblLookupRefused, POSTFIX_CHECK).class(4).all(&["temporary lookup failure of", " at "]),
    rule(DnsTemporary, POSTFIX_CHECK).class(4).any(&["temporary lookup failure", "temporary error occurred during spf", "temporary resolver error", "unable to look up mail exchanger", "dns lookup failure", "dns timeout", "temporary dns", "name server failure", "domain lookup failed", "dns error", "name server timeout", "dns temporary failure", "lookup on helo"]),
    // 3. Greylisting, from the greylisting servers' own texts.
    rule(Greylisting, POSTGREY).class(4).any(&["greylist", "graylist", "grey-list", "gray-list", "greylisting", "greylisted", "graylisted"]),
    rule(Greylisting, MILTER_GREYLIST).class(4).any(&["please come back in", "greylisting in action"]),
    rule(Greylisting, SPAMD).code(451).any(&["temporary failure, please try again later"]),
    rule(Greylisting, MIMECAST).code(451).any(&["internal resource temporarily unavailable", "internal resource is temporarily unavailable", "internal resources are temporarily unavailable"]),
    rule(Greylisting, "cPanel/Exim greylisting ACL").class(4).any(&["deferred: triplet", "you are not yet authorized", "delayed by greylisting"]),
    // 4. Specific phrases: the words name the cause whatever the code.
    rule(HeloRejected, "Courier, Haraka helo.checks, qpsmtpd").any(&["helo host", "helo name", "ehlo protocol", "does not match", "does not exist", "no forward dns", "host name invalid", "mismatch", "fails fcrdns"]).all(&["helo"]).not(&["sender", "recipient", "fully qualified", "fully-qualified"]),
    rule(SenderDomainInvalid, COURIER).any(&["invalid domain", "domain does not exist"]).at(&[ReplyStage::Mail]),
    rule(HeloRejected, "Haraka helo.checks").any(&["ehlo protocol", "ehlo host", "ehlo name"]),
    rule(ReverseDns, "smtpf (Barricade MX) client checks").any(&["reserved domain", "unknown tld"]).all(&["host "]).not(&["sender"]),
    generic("texts that name two causes, or none (qmail, Postfix, Exchange)").any(&["no valid recipients", "recipients are invalid", "or the recipient's mailbox is full", "authentication not allowed on", "unauthenticated mail not allowed", "unauthenticated senders not allowed"]),
    rule(Reputation, "Cloudmark Sender Intelligence, Proofpoint, Cisco").any(&["poor reputation", "bad reputation", "low reputation"]).not(&["blocked using", "blacklist", "in an rbl"]),
    rule(TenantConfig, SEEN).any(&["tenant allow block list", "tenantattribution", "journaling", "unregistered domain", "account inbounds disabled", "account outbounds disabled", "hostname is not authorized", "incorrect hostname used", "not allowed for sender ip"]),
    rule(RecipientPolicy, SEEN).any(&["manually blocked senders", "manual block", "host network not allowed", "customer allow list", "customer block list", "not in whitelist", "allowed-senders", "has a policy that prohibits", "rejected by recipient", "envelope blocked - user", "doesn't want your mail", "does not want your mail", "transport.rules", "organization policy", "blocked by this recipient", "rejected by this user", "accept bounces"]),
    rule(SenderRejected, SEEN).any(&["anti-spoofing", "blocked senders", "block policy for envelope from", "administrative prohibition - envelope blocked", "administrative prohibition envelope blocked", "not authorised to send from", "not authorized to send from", "spam abuse detected", "no access for this domain", "no access for this user", "sending for this account", "send as this sender", "permissions to send as", "sender is blacklisted", "sendasdenied", "not allowed to send as", "mx record not allowed", "bounces accepted", "not allowed to send mail from", "null sender", "not same as smtp authenticate", "outgoing email disabled", "cached verification status", "you have been blacklisted", "unmatching envelope", "fake sender", "does not seem to be a working account", "sender envelope address", "email address is not verified", "verified sender identity", "sandbox subdomains", "not allowed to send:", "unconfigured sending domain", "sender name is not valid", "not owned by user", "domain blocked"]).not(&["spf"]),
    rule(SenderRejected, MIMECAST).all(&["administrative prohibition", "banned"]),
    rule(RateLimited, SEEN).any(&["temporarily blacklisted", "account service is temporarily unavailable", "receive limit", "exceeded permitted limits", "unusual rate"]),
    rule(ServiceUnavailable, GMAIL).class(4).any(&["temporary system problem", "too much load", "service unavailable - try again"]),
    rule(TlsFailure, GMAIL).any(&["tls required for rcpt domain"]),
    rule(RelayDenied, GMAIL).any(&["credentials for relay"]),
    rule(QuotaExceeded, GMAIL).any(&["daily smtp relay", "relay sending limit", "daily sending limit"]),
    generic(GMAIL).any(&["ipv6 sending guidelines", "separate transaction"]),
    generic("Mimecast (503 User unknown: a command-order error)").code(503).any(&["user unknown"]),
    rule(RelayDenied, POSTFIX_CHECK).any(&["relay access denied", "relaying denied", "relaying not permitted", "relay not permitted", "not permitted to relay", "unable to relay", "we do not relay", "relaying not allowed", "relay not allowed", "relaying prohibited", "relay denied", "no relaying", "allowed rcpthosts", "we don't relay", "does not relay", "not allowed to relay", "cannot relay", "relay prohibited", "relaying temporarily denied", "open relay is not allowed", "as a relay", "prohibited by administrator", "not a gateway", "relaying to <", "relay traffic", "unauthorized relay", "list of allowed hosts", "(relaying) is not allowed", "relay of mail is not allowed", "ip address is not allowed to send"]).not(&["without authentication", "smtp authentication", "back to mta", "quota", "customer allow list", "tenantattribution"]),
    rule(RelayDenied, HARAKA).any(&["i cannot deliver mail for"]),
    rule(RelayDenied, AIOSMTPD).any(&["not relaying to that domain", "not relaying for"]),
    rule(RelayDenied, SENDMAIL).any(&["relaying disallowed"]).not(&["disallowed as"]),
    rule(RelayDenied, OPENSMTPD).code(550).any(&["invalid recipient"]).foreign_recipient(),
    rule(UnknownUser, "Broadcom Email Security.cloud (MessageLabs)").enhanced(&["x.1.1"]).any(&["invalid recipient"]),
    generic(OPENSMTPD).code(550).any(&["invalid recipient"]).not(&["too many"]),
    rule(AuthRequired, OPENSMTPD).any(&["must issue an auth command", "authentication required", "authentication is required", "auth required", "auth first", "not authenticated to send", "smtp auth required", "please authenticate", "must authenticate", "client was not authenticated", "authentication needed", "not logged in", "unauthenticated commands", "log in first", "login first", "must be authenticated", "smtp auth is required", "requires authentication when", "turn on smtp authentication", "without authentication", "not authenticated nor relayed", "using smtp-auth"]).not(&["dmarc", "spf", "dkim", "unauthenticated email", "sender is unauthenticated"]),
    rule(StarttlsRequired, RFC3207).any(&["must issue a starttls", "starttls first", "starttls is required", "starttls required", "encryption required", "requires encryption", "use starttls", "connection required", "tls required", "only on tls", "accepts messages only on tls"]).not(&["version", "rcpt domain", "not advertised"]),
    rule(TlsFailure, "RFC 3207 §4 (454 TLS not available) and providers' TLS policies").any(&["tls not available", "tls currently unavailable", "security failure", "can't switch to encrypted", "tls version", "tls 1.0", "tls1.0", "tls 1.1", "tls is not supported", "tls negotiation failed", "starttls-not-supported", "certificate-expired", "tlsa-invalid", "certificate-host-mismatch", "high-strength ciphers", "but not advertised", "ssl cert", "certificate expired", "certificate not yet valid", "send starttls failed"]),
    rule(SpfFail, "RFC 7208 §8").any(&["spf authentication", "spf check", "spf record", "spf validation", "blocked by spf", "[spf]", "prohibited by spf", "spf:"]).not(&["dkim", "spf: pass"]),
    rule(AuthFailed, RFC4954).any(&["authentication failed", "authentication unsuccessful", "invalid credentials", "username and password not accepted", "bad credentials", "incorrect authentication data", "authentication credentials invalid", "failed to authenticate", "application-specific password", "log in through your web browser", "log in with your web browser", "auth failed", "credentials no longer valid", "re-authenticate", "authentication errors", "authentification invalide", "authenticated failed"]),
    rule(BadSequence, POSTFIX_SMTPD).any(&["helo/ehlo first", "ehlo/helo first", "send helo first", "send ehlo first", "polite people say hello", "say helo first", "helo first", "helo required before", "before smtp greeting", "transmitting before", "command too long", "http command", "cannot decode", "base64 decode", "mechanism must be specified", "argument required", "command line too long", "already established", "missing cr lf", "helo/ehlo needed", "invalid arguments to", "unexpected argument", "unexpected command"]),
    rule(DmarcPolicy, "RFC 7489 §7.3").any(&["dmarc"]),
    rule(SpfFail, "RFC 7208 §8").any(&["spf fail", "spf check failed", "spf validation", "failed spf", "spf: fail", "not designated", "sender policy framework", "(spf)", " spf ", "spf sender invalid", "spf-check failed", "spf check failed"]).not(&["dkim"]),
    rule(DkimFail, "RFC 6376").any(&["dkim"]).not(&["spf", "signing failed"]),
    rule(AuthenticationPolicy, RFC7372).any(&["unauthenticated", "authentication checks", "sender authentication", "spf and dkim", "spf or dkim", "fails authentication"]).not(&["for group", "for mailbox", "for public folder", "by organization"]),
    rule(RecipientPolicy, "Microsoft 365 restricted recipients; RFC 3463 x.7.1").any(&["sender not authenticated for group", "not authenticated for mailbox", "not authenticated for public folder", "not authenticated by organization", "sender was not authenticated"]),
    rule(ReverseDns, POSTFIX_CHECK).any(&["reverse dns", "reverse lookup", "reverse hostname", "ptr record", "no ptr", "rdns", "hostname lookup", "cannot find your hostname", "can't find your hostname", "cannot resolve your", "reverse-dns", "client host rejected: cannot find", "no reverse", "fcrdns", "hostname does not resolve", "ip name lookup failed", "host name of your", "bad dns ptr", "dns ptr"]),
    rule(SenderRejected, "smtpf (Barricade MX) sender lists").any(&["black listed", "blacklisted", "blocked"]).all(&["sender <"]),
    rule(Blocklisted, POSTFIX_CHECK).any(&["blocked using", "listed at", "listed in", "listed on", "listed by", "black list at", "blacklisted by", "blocklisted by", "=rbl", "on our block list", "on a block list", "is block listed", "block listed", "dnsbl", " rbl", "spamhaus", "spamcop", "sorbs", "uceprotect", "barracudacentral", "banned sending ip", "removal from this list", "blackhole site", "blackholes.", "ip is blacklisted", "ip address has been blacklisted", "dnsbl-lookup", "on our block list", "rbl reject", "csi.cloudmark.com", "client host blocked", "blocked for spamming", "blacklisted ip", "is black listed", "in blacklist", "dns blacklist", "locally blacklisted", "in an rbl"]).not(&["whitelist", "allow list"]),
    rule(Blocklisted, "receivers' spam traps").all(&["sent mail to", "spamtrap"]),
    rule(SenderRejected, SENDMAIL).all(&["sender <", "> denied"]),
    rule(SenderRejected, SEEN).any(&["email address has been blacklisted", "domain has been blacklisted", "your email address has been blocked", "your domain has been blocked", "banned sender", "sending denied", "sender address blocked"]),
    rule(Reputation, "GoDaddy IB110/IB111").any(&["has been temporarily blocked", "blocked for the day"]).all(&["judged to be spam"]),
    rule(Reputation, "receivers' reputation filters (Cisco SBRS, Proofpoint, Outlook)").any(&["spam sender", "block for spam", "bl000000", "reputation", "sender score", "senderscore", "connection rejected by policy", "bad ip", "too much spam from", "spam ip"]),
    rule(RateLimited, POSTFIX_ANVIL).any(&["too many connections", "too many concurrent", "too many open connections", "connection rate", "too many simultaneous", "too many sessions", "too many connected clients", "concurrent connections", "max message per connection", "messages per connection", "per-source limit", "concurrent server connections", "connection frequency", "concurrency limit"]).detail("connections"),
    rule(RateLimited, POSTFIX_ANVIL).any(&["too many new tls sessions"]).detail("TLS sessions"),
    rule(RateLimited, POSTFIX_ANVIL).any(&["too many recipients", "recipient rate", "too many rcpt", "too many bad recipients", "too many invalid recipients", "maximum number of recipients", "too many unknown rcpt", "too many failed recipients", "batch limit", "recipients per message limit"]).detail("recipients"),
    rule(BadSequence, EXIM).any(&["too many bad commands", "too many nonmail commands", "talk too soon", "http requests not allowed"]),
    generic(POSTFIX_SMTPD).any(&["too many errors"]),
    rule(QuotaExceeded, "providers' sending limits (Gmail 5.4.5, Microsoft 5.2.2)").any(&["sending quota", "daily user sending", "daily limit", "daily smtp relay", "submission quota", "relay quota", "quota for sending", "send quota", "outgoing quota", "daily sending", "hourly sending", "exceeded administrative limit", "emails per hour", "failures per hour", "daily message quota"]),
    rule(RateLimited, POSTFIX_ANVIL).any(&["too much mail from", "too many messages", "message rate", "sending rate", "rate limit", "ratelimit", "rate-limit", "too fast", "too quickly", "throttl", "at a rate", "slow down", "exceeded the maximum number", "limit exceeded", "login attempts", "thread limit", "receive limit", "excessive volume", "frequency limited", "too many recent", "messages per session", "max number of messages", "too many emails", "overlimit", "more than once per"]).not(&["quota", "size", "daily", "mailbox"]).detail("messages"),
    generic("providers' own quota words").any(&["email quota exceeded"]),
    rule(RateLimited, MICROSOFT).any(&["queue quota"]).detail("queue"),
    rule(RateLimited, GMAIL).any(&["too much email", "short period of time"]).detail("recipient receiving too fast"),
    rule(MailboxFull, "RFC 3463 x.2.2 and MTAs' delivery agents").any(&["quota violation", "mailbox full", "mailbox is full", "over quota", "overquota", "quota exceeded", "exceeded storage", "out of storage", "inbox is full", "mailbox size limit", "exceed the quota", "exceeds the quota", "disk quota", "user is over", "exceeds quota", "storage full", "quota exceed", "mailbox is over", "over its quota", "mailbox has exceeded", "folder full", "folder is full"]),
    rule(StorageFull, RFC5321).any(&["insufficient system storage", "insufficient disk space", "not enough disk space", "out of disk", "space shortage", "queue full", "disk full", "mail system full"]),
    rule(SizeExceeded, RFC3463).enhanced(&["x.2.3", "x.3.4"]).not(&["recipients", "policy"]),
    rule(SizeExceeded, POSTFIX_SMTPD).any(&["message size exceeds", "size exceeds", "too large", "too big", "exceeds size", "size limit", "message size", "databytes limit", "exceeded the size", "exceeds the maximum size", "maximum message size", "message length exceeds", "email size exceeded", "size exceeded", "bytes long", "content filter size"]),
    rule(LoopDetected, RFC3463).any(&["mail loop", "loop detected", "looping", "loops back to myself", "hop count exceeded", "too many hops", "routing loop", "points back to", "recursive forwards", "loop detection"]),
    rule(NullMxSender, RFC7505).any(&["sender", "mail from"]).all(&["null mx"]),
    rule(NullMxRecipient, RFC7505).any(&["null mx"]),
    rule(HeloNotFqdn, POSTFIX_CHECK).any(&["need fully-qualified hostname", "fully qualified domain name in helo", "not a fully qualified host", "helo must have a dot", "name is not fully qualified", "does not contain a dotted"]),
    rule(HeloRejected, POSTFIX_CHECK).any(&["helo command rejected", "invalid helo", "bad helo", "helo name", "ehlo name", "forged helo", "helo hostname", "invalid ehlo", "syntactically invalid helo", "syntactically invalid ehlo", "helo not allowed", "your helo", "helo argument", "ehlo argument", "helo denied", "ehlo denied", "helo is ", "helo ip literal", "helo must have", "ehlo requires", "syntax: ehlo", "syntax: helo", "in helo", "who you say you are", "in ehlo", "for the ehlo", "ehlo invalid", "i do not believe you are", "you are not localhost", "address literal, but", "forged ips", "is _my_ address", "fails fcrdns", "helo requires domain", "set to my ip"]).not(&["spf"]),
    rule(HeloRejected, OPENSMTPD).any(&["invalid domain name"]).at(&[Ehlo]),
    rule(SenderDomainInvalid, POSTFIX_CHECK).any(&["sender address rejected: domain not found", "domain of sender address", "sender domain does not exist", "sender domain not found", "domain must resolve", "unresolvable domain", "sender domain must exist", "unable to verify sender domain", "sender domain has no", "mx without a records", "no mx for your from", "invalid dns mx", "from: domain is invalid", "domain is invalid", "does not have any mx", "reserved domain", "unknown tld", "valid sender domain", "unresolvable", "valid mx for sender domain", "could not resolve"]),
    rule(SenderDomainInvalid, EXIM).any(&["sender verify failed"]).all(&["unrouteable address"]),
    rule(SenderRejected, EXIM).any(&["verification failed for"]),
    generic(EXIM).any(&["sender verify failed"]),
    rule(AddressSyntax, POSTFIX_CHECK).any(&["need fully-qualified address", "fully qualified address", "not a valid rfc-5321 address", "not a valid rfc 5321 address", "bad address syntax", "address syntax", "syntax error in mailbox", "invalid address", "malformed address", "bad sender address syntax", "bad recipient address syntax", "illegal address", "domain missing", "address invalid", "must contain a domain", "restricted characters in address", "domain name required", "missing recipient", "invalid address format", "address malformed", "malformed sender", "malformed destination", "no domain part", "syntax error in recipient address", "syntax error in sender address", "the address is not valid", "a valid address is required", "address must be specified", "user address required", "address has invalid format", "must specify a domain", "could not parse", "fqdn required", "invalid email address", "mail from syntax error", "rcpt to syntax error", "should not be empty", "invalid rcpt to"]).not(&["in helo"]),
    rule(AddressSyntax, QMAIL).code(555).enhanced(&["5.5.4"]).any(&["syntax error"]),
    // Exim's "Unrouteable address": no router takes it. For a recipient in
    // the probed (local) domain that is an unknown user (seen from the CI's
    // real Exim); for a foreign one, a domain that does not route.
    rule(UnknownDomain, "providers' own words").any(&["mx do not point to us", "mx does not point to us", "valid mx for rcpt domain", "non-existant domain", "non-existent domain", "nonexistentdomain", "nonexistent domain", "domain lookup failed", "no mx or a for domain"]),
    rule(UnknownDomain, EXIM).any(&["unrouteable address"]).foreign_recipient().not(&["sender"]),
    rule(UnknownUser, EXIM).any(&["unrouteable address"]).not(&["sender"]),
    rule(UnknownDomain, EXIM).any(&["point to non-existent hosts", "unrouteable domain", "domain does not exist", "no such domain", "host unknown", "domain not found"]).not(&["sender"]),
    rule(MailboxDisabled, RFC3463).any(&["mailbox disabled", "account disabled", "account has been disabled", "account is disabled", "mailbox is disabled", "account is inactive", "inactive", "suspended", "account closed", "no longer active", "deactivated", "has been terminated", "expired account", "temporarily disabled", "archived recipient", "account is blocked", "account isblocked", "recipient account is blocked", "is not active", "inactivity", "account blocked", "account locked", "receiving disabled", "mailbox was disabled", "disabled mailbox", "recipient disabled", "mailbox is currently disabled", "enable receiving"]).not(&["tls", "ip ", "mail server has been", "your account", "sending"]),
    rule(UnknownUser, POSTFIX_CHECK).any(&["user unknown", "unknown user", "no such user", "no such mailbox", "no mailbox", "unknown recipient", "recipient unknown", "recipient not found", "mailbox not found", "mailbox does not exist", "user does not exist", "address does not exist", "account does not exist", "does not exist", "not a valid mailbox", "no such recipient", "user not found", "undeliverable", "unknown local part", "not our customer", "invalid mailbox", "nosuchuser", "user doesn't exist", "is not a valid user", "recipient does not exist", "address unknown", "unknown address", "marked as invalid", "recipient mailbox is not allowed", "invalid recipient", "addressee unknown", "no longer valid", "not in recipient list", "invalid-recipient", "invalid user", "no longer exists", "recipient address no longer", "not in route list", "adress unknown", "not a valid recipient", "no such address", "unknown destination", "sconosciuto", "non esiste", "no redirect entry", "> not found", "known to bounce"]).not(&["sender", "domain of", "no valid recipients"]),
    rule(UnknownUser, COURIER).code(550).all(&["user <", "> unknown"]),
    rule(UnknownUser, CISCO).enhanced(&["5.1.0"]).any(&["address rejected"]).not(&["sender"]),
    rule(SenderRejected, POSTFIX_CHECK).any(&["sender address rejected", "verification failed for", "sender rejected", "sender denied", "sender blocked", "sender is blocked", "sender not allowed", "blocked sender", "sender address is blocked", "spoof", "header address", "envelope sender", "mail from rejected", "sender verification failed", "could not verify sender", "sender address not allowed", "not allowed to send from", "blacklisted sender", "relaying disallowed as", "not in my domain", "sender is rejected", "verify mailfrom failed", "mail from is mismatched", "invalid sender", "emetteur invalide"]).not(&["recipient <"]),
    rule(SenderRejected, SENDMAIL).any(&[">... access denied"]).at(&[ReplyStage::Mail]),
    rule(ContentRejected, "receivers' content filters (SpamAssassin, Rspamd, ClamAV, providers)").any(&["rfc 5322", "rfc 2822", "rfc5322", "not rfc", "malformed", "stray linefeeds", "rfc2822", "bare linefeed", "bare cr", "- unchecked", "url blocked", "bounce message", "bounce with", "file extension", "gtube", "must send some data", "banned_file", "dangerous", "format restriction", "line is too long", "line too long", "invalid line ending", "bare newlines", "nul characters", "failed to parse message", "banned:", "banned content", "message filtered", "content denied", "invalid data in message", "forbidden_file_extension", "forbidden file", "inappropriate", "blank from", "bare lf", "invalid characters", "content examination", "message content", "content rejected", "rejected due to content", "spam", "virus", "malware", "phishing", "suspicious", "banned file", "infected", "attachment", "unsolicited", "message looks like", "headers", "header", "nature of the content"]).not(&["command line", "content filter size", "spamhaus", "spamcop", "auth input", "auth mode", "exceed"]),
    rule(RecipientPolicy, RFC3463).any(&["not authorized to send to", "not allowed to send to", "delivery not authorized", "does not accept mail from", "only accepts mail from", "not permitted to send", "group only accepts", "moderator", "refused to receive", "policy rejection on the target", "rejected by destination domain", "delivery restricted by policy", "recipient prohibited", "not authorized sender", "not authorized owner", "permission to post"]).not(&["rfc 2822", "rfc 5322", "compliant"]),
    rule(ServiceUnavailable, RFC5321).class(4).any(&["service not available", "closing transmission channel", "system shutdown", "server shutting down", "too busy", "system busy", "server busy", "ports are busy", "shutting down", "overloaded", "not accepting messages", "out of memory", "unable to read controls", "unable to figure out my ip", "resources temporarily unavailable", "service temporarily unavailable", "unable to process connection", "temporary system problem", "too much load", "service unavailable - try again", "busy, try again", "service is currently unavailable", "no healthy secondary server", "server unavailable", "busy", "server temporarily unavailable", "temporary unavailable", "temporarily not available", "technical difficulties", "maintenance", "resource limitations", "allocated resources"]).not(&["mailbox"]),
    rule(BadSequence, POSTFIX_SMTPD).any(&["improper use of smtp command pipelining", "pipelining not supported", "bad sequence", "need mail command", "need rcpt command", "need mail before", "synchronization error", "protocol error", "protocol violation", "command out of sequence", "unrecognized command", "command not recognized", "command unrecognized", "not implemented", "unimplemented", "bad syntax", "syntax error", "syntax:", "may not be repeated", "not permitted for that auth mode", "malformed auth", "smtplf", "unrecognized parameter", "invalid syntax", "syntax should be"]).not(&["auth first", "vrfy", "expn"]),
    // 5. Enhanced codes with a specific meaning (RFC 3463, RFC 7372, RFC 7505).
    generic(POSTFIX_CHECK).any(&["address verification problem", "multi-recipient bounce", "address verification in progress", "unverified address"]),
    rule(UnknownUser, RFC3463).enhanced(&["x.1.1"]).not(&["sender"]),
    rule(UnknownDomain, RFC3463).enhanced(&["x.1.2"]),
    rule(AddressSyntax, RFC3463).enhanced(&["x.1.3", "x.1.7"]),
    rule(UnknownUser, RFC3463).enhanced(&["x.1.6"]),
    rule(SenderDomainInvalid, RFC3463).enhanced(&["x.1.8"]).not(&["access denied", "not allowed"]),
    rule(NullMxRecipient, RFC7505).enhanced(&["x.1.10"]),
    rule(MailboxDisabled, RFC3463).enhanced(&["5.2.1"]).not(&["will not accept delivery"]),
    rule(MailboxFull, RFC3463).enhanced(&["x.2.2"]),
    rule(StorageFull, RFC3463).enhanced(&["x.3.1"]).not(&["error"]),
    rule(DnsTemporary, RFC3463).enhanced(&["4.4.3"]),
    rule(LoopDetected, RFC3463).enhanced(&["x.4.6"]),
    rule(RateLimited, RFC3463).enhanced(&["x.5.3"]).detail("recipients"),
    rule(DkimFail, RFC7372).enhanced(&["x.7.20", "x.7.21", "x.7.22"]),
    rule(SpfFail, RFC7372).enhanced(&["x.7.23", "x.7.24"]),
    rule(ReverseDns, RFC7372).enhanced(&["x.7.25"]),
    rule(AuthenticationPolicy, RFC7372).enhanced(&["x.7.26"]),
    rule(NullMxSender, RFC7505).enhanced(&["x.7.27"]),
    rule(RateLimited, "IANA SMTP Enhanced Status Codes registry, X.7.28").enhanced(&["x.7.28"]).detail("mail flood"),
    rule(StarttlsRequired, "RFC 3207; RFC 5248 registry X.7.10, X.7.11").enhanced(&["x.7.10", "x.7.11"]),
    rule(AuthFailed, RFC4954).enhanced(&["x.7.8"]),
    rule(AuthRequired, RFC4954).code(530).enhanced(&["x.7.0", "x.5.1"]),
    rule(NoMailService, RFC7504).code(521).not(&["currently", "temporar", "blocked", "service unavailable", "will not accept delivery", "no redirect", "block"]),
    rule(NoMailService, RFC7504).code(556).not(&["address unavailable"]),
    // 6. Reply codes with a specific meaning.
    rule(AuthRequired, RFC4954).code(530),
    rule(AuthFailed, RFC4954).code(535),
    rule(BadSequence, RFC5321).code(503).not(&["access denied", "user unknown", "rcpt commands were rejected"]),
    rule(BadSequence, RFC5321).code(500),
    rule(BadSequence, RFC5321).code(502).not(&["vrfy", "expn"]),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::classify::{deciding_rule, Context};

    /// A reply that rule `r` is written for: its code, its first enhanced
    /// code, one of its phrases and all its required words.
    fn samples(r: &Rule) -> Vec<(u16, String)> {
        let enhanced = r.enhanced.first().map(|e| match e.strip_prefix("x.") {
            Some(rest) => format!(
                "{}.{rest}",
                if r.code / 100 == 4 || r.code == 4 {
                    4
                } else {
                    5
                }
            ),
            None => e.to_string(),
        });
        let code = match r.code {
            0 => match enhanced.as_deref() {
                Some(e) if e.starts_with('4') => 450,
                _ => 550,
            },
            c @ 1..=9 => c * 100 + 50,
            c => c,
        };
        let phrases: Vec<&str> = if r.any.is_empty() {
            vec![""]
        } else {
            r.any.to_vec()
        };
        phrases
            .into_iter()
            .map(|p| {
                // A filler word keeps phrases that start or end with a space intact.
                let words = [
                    enhanced.as_deref().unwrap_or(""),
                    "note",
                    p,
                    &r.all.join(" "),
                    "end",
                ]
                .join(" ");
                (code, words.trim_start().to_string())
            })
            .collect()
    }

    /// No rule is shadowed by the ones before it: for each, some reply it
    /// was written for reaches it.
    #[test]
    fn every_rule_is_reachable() {
        let mut dead = Vec::new();
        for (i, r) in RULES.iter().enumerate() {
            let ctx = Context {
                stage: r.stages.first().copied(),
                provider: r.provider,
                recipient_local: r.recipient_local,
            };
            let reached = samples(r)
                .iter()
                .any(|(code, text)| deciding_rule(*code, text, &ctx) == Some(i));
            if !reached {
                let (code, text) = &samples(r)[0];
                dead.push(format!(
                    "rule {i} ({:?} from {}): \"{code} {text}\" is decided by rule {:?}",
                    r.cause,
                    r.source,
                    deciding_rule(*code, text, &ctx)
                ));
            }
        }
        assert!(
            dead.is_empty(),
            "{} unreachable rules:\n{}",
            dead.len(),
            dead.join("\n")
        );
    }

    #[test]
    fn every_rule_names_its_source() {
        assert!(RULES.iter().all(|r| !r.source.trim().is_empty()));
    }
}
