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
    pub cause: Cause,
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
const OUTLOOK_COM: &str = "https://sendersupport.olc.protection.outlook.com/pm/troubleshooting.aspx";
const YAHOO: &str = "https://senders.yahooinc.com/smtp-error-codes/";
const APPLE: &str = "https://support.apple.com/en-us/102322";
const MIMECAST: &str = "https://community.mimecast.com/s/article/Mimecast-SMTP-Error-Codes-842605754";
const PROOFPOINT: &str = "https://help.proofpoint.com/Proofpoint_Essentials/Email_Security/Administrator_Topics/000_gettingstarted/SMTP_Error_Codes";
const CISCO: &str = "https://www.cisco.com/c/en/us/support/docs/security/email-security-appliance/118573-technote-esa-00.html";
const BARRACUDA: &str = "https://campus.barracuda.com/product/emailsecuritygateway/doc/3866712/reasons-for-message-rejection/";
const SPAMHAUS: &str = "https://www.spamhaus.org/faqs/dnsbl-usage/";
const POSTFIX_CHECK: &str = "postfix/src/smtpd/smtpd_check.c";
const POSTFIX_SMTPD: &str = "postfix/src/smtpd/smtpd.c";
const POSTFIX_ANVIL: &str = "postfix/src/smtpd/smtpd.c (anvil limits)";
const POSTFIX_POSTSCREEN: &str = "postfix/src/postscreen/postscreen_smtpd.c";
const POSTGREY: &str = "postgrey (postgrey.schweikert.ch), policy server reply";
const MILTER_GREYLIST: &str = "milter-greylist/milter-greylist.c";
const SPAMD: &str = "OpenBSD libexec/spamd/spamd.c";
const EXIM: &str = "exim/src/src/smtp_in.c and the default configure ACLs";
const SENDMAIL: &str = "sendmail/srvrsmtp.c and cf/feature/dnsbl.m4";
const QMAIL: &str = "qmail-smtpd.c (netqmail)";
const COURIER: &str = "courier/courier/module.esmtp/courieresmtpd.c";
const OPENSMTPD: &str = "OpenSMTPD usr.sbin/smtpd/smtp_session.c";
const HARAKA: &str = "haraka/Haraka plugins (rcpt_to.in_host_list, dnsbl, limit)";
const SMTP_SERVER: &str = "nodemailer/smtp-server lib/smtp-connection.js";
const RFC3463: &str = "RFC 3463 §3";
const RFC7372: &str = "RFC 7372 §3";
const RFC7505: &str = "RFC 7505 §4";
const RFC4954: &str = "RFC 4954 §6";
const RFC3207: &str = "RFC 3207 §4";
const RFC5321: &str = "RFC 5321 §4.2.3";
const RFC7504: &str = "RFC 7504 §3";

use ReplyStage::{Ehlo, Greeting};

/// The rules, in order.
pub const RULES: &[Rule] = &[
    // 1. Providers' own codes.
    // Gmail: https://support.google.com/a/answer/3726730
    rule(RateLimited, GMAIL).by(Gmail).enhanced(&["4.2.1"]).detail("recipient receiving too fast"),
    rule(MailboxFull, GMAIL).by(Gmail).enhanced(&["x.2.2"]),
    rule(QuotaExceeded, GMAIL).by(Gmail).enhanced(&["x.4.5"]).any(&["quota"]),
    rule(MailboxDisabled, GMAIL).by(Gmail).enhanced(&["x.2.1"]),
    rule(SpfFail, GMAIL).by(Gmail).enhanced(&["x.7.27"]),
    rule(DkimFail, GMAIL).by(Gmail).enhanced(&["x.7.30"]),
    rule(DmarcPolicy, GMAIL).by(Gmail).enhanced(&["x.7.26"]).any(&["dmarc"]),
    rule(AuthenticationPolicy, GMAIL).by(Gmail).enhanced(&["x.7.26"]),
    rule(ReverseDns, GMAIL).by(Gmail).enhanced(&["x.7.25"]),
    rule(RateLimited, GMAIL).by(Gmail).enhanced(&["x.7.28"]).detail("unusual rate of unsolicited mail"),
    rule(TlsFailure, GMAIL).by(Gmail).enhanced(&["x.7.29"]),
    rule(Reputation, GMAIL).by(Gmail).any(&["low reputation", "reputation of the sending", "spam rate"]),
    rule(RateLimited, GMAIL).by(Gmail).any(&["unusual rate", "too many connections", "rate that prevents"]),
    rule(ContentRejected, GMAIL).by(Gmail).any(&["rfc 5322", "not rfc 5322", "formatting", "unsolicited mail", "likely spam", "virus", "security issue", "blocked because its content", "attachment"]).not(&["ip address"]),
    rule(HeloRejected, GMAIL).by(Gmail).any(&["ehlo", "helo"]).all(&["rfc 5321"]),
    // Microsoft 365 / Outlook.com: MICROSOFT and OUTLOOK_COM
    rule(UnknownUser, MICROSOFT).by(Microsoft).enhanced(&["x.1.10"]),
    rule(UnknownUser, MICROSOFT).by(Microsoft).any(&["recipientnotfound", "recipient not found", "requested action not taken: mailbox unavailable"]),
    rule(QuotaExceeded, MICROSOFT).by(Microsoft).any(&["submission quota", "submissionquotaexceeded", "recipient rate limit", "message rate limit", "sending limits", "exceeded the limit"]),
    rule(MailboxFull, MICROSOFT).by(Microsoft).any(&["mailbox full", "quotaexceeded", "mailbox size limit", "mailbox is full"]),
    rule(AuthRequired, MICROSOFT).by(Microsoft).enhanced(&["x.7.57"]),
    rule(TenantConfig, MICROSOFT).by(Microsoft).enhanced(&["x.7.64", "x.7.750", "x.7.51", "x.4.300", "4.4.316"]),
    rule(TenantConfig, MICROSOFT).by(Microsoft).any(&["tenantattribution", "tenant", "unregistered domain", "connector"]),
    rule(RelayDenied, MICROSOFT).by(Microsoft).enhanced(&["x.7.54"]),
    rule(RecipientPolicy, MICROSOFT).by(Microsoft).enhanced(&["x.7.129", "x.7.133", "x.7.134", "x.7.135", "x.7.136", "x.7.124", "x.7.12"]),
    rule(Blocklisted, MICROSOFT).by(Microsoft).any(&["banned sending ip", "block list", "blocklist", "blocked list"]),
    rule(DmarcPolicy, MICROSOFT).by(Microsoft).enhanced(&["x.7.509"]),
    rule(DmarcPolicy, MICROSOFT).by(Microsoft).any(&["dmarc"]),
    rule(AuthenticationPolicy, MICROSOFT).by(Microsoft).enhanced(&["x.7.23", "x.7.515", "x.7.500"]),
    rule(Reputation, OUTLOOK_COM).by(Microsoft).any(&["rp-001", "rp-002", "rp-003", "s3150", "s3140", "reputation", "temporarily rate limited due to ip"]),
    rule(Reputation, OUTLOOK_COM).by(Microsoft).enhanced(&["x.7.650", "x.7.651", "x.7.652"]),
    rule(ContentRejected, MICROSOFT).by(Microsoft).enhanced(&["x.7.708", "x.7.705", "x.7.700", "x.7.703"]).not(&["ip"]),
    rule(Reputation, MICROSOFT).by(Microsoft).enhanced(&["x.7.708", "x.7.705", "x.7.700", "x.7.703", "x.7.511", "x.7.512"]),
    rule(RateLimited, MICROSOFT).by(Microsoft).enhanced(&["x.7.500", "x.7.501", "x.7.502", "x.7.503", "x.7.504", "x.7.505", "x.7.506", "x.7.507", "x.7.508", "4.7.500"]).class(4),
    rule(ServiceUnavailable, MICROSOFT).by(Microsoft).any(&["server busy", "try again later"]).class(4),
    rule(RecipientPolicy, MICROSOFT).by(Microsoft).any(&["delivery not authorized", "not authorized to send", "restricted", "moderat"]),
    rule(TenantConfig, MICROSOFT).by(Microsoft).enhanced(&["x.4.1"]).any(&["access denied"]),
    // Yahoo / AOL: YAHOO
    rule(RateLimited, YAHOO).by(Yahoo).any(&["[ts01]", "[ts02]", "[ts03]", "[tss01]", "[tss02]", "[tss03]", "temporarily deferred due to unexpected volume", "user complaints", "excessive unknown recipients"]).class(4),
    rule(Reputation, YAHOO).by(Yahoo).any(&["[tss04]", "[tss09]", "[tss11]", "poor reputation", "reputation"]),
    rule(DmarcPolicy, YAHOO).by(Yahoo).any(&["dmarc"]),
    rule(AuthenticationPolicy, YAHOO).by(Yahoo).any(&["not authenticated", "authentication", "unauthenticated"]),
    rule(ContentRejected, YAHOO).by(Yahoo).any(&["[ph01]", "message not accepted for policy reasons", "not accepted for policy", "content"]),
    rule(UnknownUser, YAHOO).by(Yahoo).any(&["doesn't have a", "does not have a", "mailbox not found", "user unknown"]),
    rule(MailboxDisabled, YAHOO).by(Yahoo).any(&["disabled", "inactive"]),
    // Apple iCloud Mail: APPLE
    rule(Reputation, APPLE).by(Apple).any(&["[cs01]", "[hm07]", "reputation"]),
    rule(ContentRejected, APPLE).by(Apple).any(&["[hm08]", "local policy", "content"]),
    // Security gateways.
    rule(DnsblLookupRefused, SPAMHAUS).any(&["open resolver", "query volume", "excessive number of queries", "127.255.255.254", "127.255.255.255", "127.255.255.252", "public resolver"]),
    rule(Reputation, CISCO).by(Cisco).any(&["sbrs", "senderbase", "reputation", "talos"]),
    rule(RateLimited, CISCO).by(Cisco).any(&["too many recipients received this hour", "exceeded allowable recipients", "rate limit"]),
    rule(Reputation, PROOFPOINT).by(Proofpoint).any(&["ipcheck.proofpoint.com", "poor reputation", "reputation", "blocked - see"]),
    rule(Reputation, BARRACUDA).by(Barracuda).any(&["barracuda reputation", "brbl", "b.barracudacentral.org"]),
    rule(Greylisting, MIMECAST).by(Mimecast).any(&["greylist", "grey list", "try again later"]).class(4),
    rule(RelayDenied, MIMECAST).by(Mimecast).any(&["open relay not allowed", "relay not allowed", "relaying not allowed"]),
    rule(SenderRejected, MIMECAST).by(Mimecast).any(&["anti-spoofing", "envelope rejected", "administrative prohibition"]),
    rule(UnknownUser, MIMECAST).by(Mimecast).any(&["invalid recipient", "recipient address rejected"]),
    rule(ContentRejected, MIMECAST).by(Mimecast).any(&["security policies", "virus", "spam"]),
    // 2. (above: DNSBL lookup refusals come before any listing)
    // 3. Greylisting, from the greylisting servers' own texts.
    rule(Greylisting, POSTGREY).class(4).any(&["greylist", "graylist", "grey-list", "gray-list", "greylisting", "greylisted", "graylisted"]),
    rule(Greylisting, MILTER_GREYLIST).class(4).any(&["please come back in", "come back later"]),
    rule(Greylisting, SPAMD).code(451).any(&["temporary failure, please try again later"]),
    rule(Greylisting, "cPanel/Exim greylisting ACL").class(4).any(&["temporarily deferred", "deferred: triplet", "you are not yet authorized", "delayed by greylisting"]).not(&["volume", "rate", "complaint"]),
    // 4. Specific phrases.
    rule(AuthRequired, OPENSMTPD).any(&["must issue an auth command", "authentication required", "authentication is required", "auth required", "auth first", "not authenticated to send", "sender not authenticated", "smtp auth required", "please authenticate", "relay requires authentication", "must authenticate", "client was not authenticated", "authentication needed"]).not(&["dmarc", "spf", "dkim", "unauthenticated email", "sender is unauthenticated"]),
    rule(StarttlsRequired, RFC3207).any(&["must issue a starttls", "starttls first", "starttls is required", "starttls required", "tls required", "encryption required", "requires tls", "requires encryption", "use starttls"]).not(&["version"]),
    rule(TlsFailure, "RFC 8689 and providers' TLS policies").any(&["tls version", "tls 1.0", "tls1.0", "tls 1.1", "tls is not supported", "tls negotiation failed"]),
    rule(AuthFailed, RFC4954).any(&["authentication failed", "authentication unsuccessful", "invalid credentials", "username and password not accepted", "bad credentials", "incorrect authentication data", "authentication credentials invalid"]),
    rule(DmarcPolicy, "RFC 7489 §7.3").any(&["dmarc"]),
    rule(SpfFail, "RFC 7208 §8").any(&["spf fail", "spf check failed", "spf validation", "failed spf", "spf: fail", "spf record", "not designated", "sender policy framework", "(spf)", " spf "]).not(&["dkim"]),
    rule(DkimFail, "RFC 6376").any(&["dkim"]).not(&["spf"]),
    rule(AuthenticationPolicy, RFC7372).any(&["unauthenticated", "not authenticated", "authentication checks", "sender authentication", "spf and dkim", "spf or dkim", "fails authentication"]),
    rule(Blocklisted, POSTFIX_CHECK).any(&["blocked using", "listed at", "listed in", "listed on", "listed by", "black list at", "blacklisted", "blocklisted", "on our block list", "on a block list", "dnsbl", " rbl", "spamhaus", "spamcop", "sorbs", "uceprotect", "barracudacentral", "banned sending ip", "removal from this list"]).not(&["whitelist"]),
    rule(Reputation, "receivers' reputation filters (Cisco SBRS, Proofpoint, Outlook)").any(&["reputation", "sender score", "senderscore"]),
    rule(RateLimited, POSTFIX_ANVIL).any(&["too many connections", "too many concurrent", "too many open connections", "connection rate", "too many simultaneous", "too many sessions"]).detail("connections"),
    rule(RateLimited, POSTFIX_ANVIL).any(&["too many new tls sessions"]).detail("TLS sessions"),
    rule(RateLimited, POSTFIX_ANVIL).any(&["too many recipients", "recipient rate", "too many rcpt"]).detail("recipients"),
    rule(RateLimited, POSTFIX_ANVIL).any(&["too much mail from", "too many messages", "message rate", "sending rate", "rate limit", "ratelimit", "rate-limit", "too fast", "too quickly", "throttl", "at a rate", "slow down", "exceeded the maximum number"]).not(&["quota"]).detail("messages"),
    rule(RateLimited, POSTFIX_SMTPD).any(&["too many errors"]).detail("errors"),
    rule(QuotaExceeded, "providers' sending limits (Gmail 5.4.5, Microsoft 5.2.2)").any(&["sending quota", "daily user sending", "sending limit", "daily limit", "submission quota", "relay quota", "quota for sending", "send quota", "outgoing quota", "daily sending", "hourly sending"]),
    rule(MailboxFull, "RFC 3463 x.2.2 and MTAs' delivery agents").any(&["mailbox full", "mailbox is full", "over quota", "overquota", "quota exceeded", "exceeded storage", "out of storage", "inbox is full", "mailbox size limit", "exceed the quota", "exceeds the quota", "insufficient storage in the mailbox", "disk quota", "user is over"]),
    rule(StorageFull, RFC5321).code(452).any(&["insufficient system storage", "insufficient disk space", "not enough disk space", "out of disk"]),
    rule(StorageFull, SENDMAIL).any(&["insufficient disk space", "insufficient system storage", "queue full", "disk full"]),
    rule(SizeExceeded, POSTFIX_SMTPD).any(&["message size exceeds", "size exceeds", "too large", "too big", "exceeds size", "size limit", "message size", "databytes limit", "exceeded the size", "exceeds the maximum size", "maximum message size", "message length exceeds"]),
    rule(LoopDetected, RFC3463).any(&["mail loop", "loop detected", "looping", "loops back to myself", "hop count exceeded", "too many hops", "routing loop"]),
    rule(NullMxSender, RFC7505).any(&["null mx"]).all(&["sender"]),
    rule(NullMxRecipient, RFC7505).any(&["null mx"]),
    rule(ReverseDns, POSTFIX_CHECK).any(&["reverse dns", "reverse lookup", "reverse hostname", "ptr record", "no ptr", "rdns", "hostname lookup", "cannot find your hostname", "can't find your hostname", "cannot resolve your", "reverse-dns", "client host rejected: cannot find", "no reverse", "fcrdns", "hostname does not resolve", "ip name lookup failed", "host name of your"]),
    rule(HeloNotFqdn, POSTFIX_CHECK).any(&["helo command rejected: need fully-qualified", "need fully-qualified hostname", "helo requires domain", "fully qualified domain name in helo", "not a fully qualified host"]),
    rule(HeloRejected, POSTFIX_CHECK).any(&["helo command rejected", "invalid helo", "bad helo", "helo name", "ehlo name", "helo/ehlo", "forged helo", "helo hostname", "invalid ehlo", "syntactically invalid helo", "syntactically invalid ehlo", "helo not allowed", "your helo"]).not(&["spf"]),
    rule(SenderDomainInvalid, POSTFIX_CHECK).any(&["sender address rejected: domain not found", "domain of sender address", "sender domain does not exist", "sender domain not found", "sender's domain", "domain must resolve", "unresolvable domain", "domain not found", "sender domain must exist", "sender address domain", "mx record for the sender", "unable to verify sender domain", "sender domain has no", "no mx for"]).not(&["recipient"]),
    rule(AddressSyntax, POSTFIX_CHECK).any(&["need fully-qualified address", "fully qualified address", "bad address syntax", "address syntax", "syntax error in mailbox", "invalid address", "malformed address", "bad sender address syntax", "bad recipient address syntax", "illegal address", "domain missing", "address invalid"]).not(&["ip"]),
    rule(RelayDenied, POSTFIX_CHECK).any(&["relay access denied", "relaying denied", "relaying not permitted", "relay not permitted", "not permitted to relay", "unable to relay", "we do not relay", "relaying not allowed", "relay not allowed", "relaying disallowed", "relaying prohibited", "relay denied", "no relaying", "isn't in my list of allowed rcpthosts", "not in my list of allowed rcpthosts", "we don't relay", "does not relay", "not allowed to relay", "cannot relay", "relaying mail to", "relay prohibited", "no such domain here", "not a local domain", "domain isn't in my list", "not accepted here"]).not(&["quota", "authentication", "auth"]),
    rule(RelayDenied, HARAKA).any(&["i cannot deliver mail for"]),
    rule(RelayDenied, OPENSMTPD).code(550).any(&["invalid recipient"]).foreign_recipient(),
    rule(MailboxDisabled, RFC3463).any(&["mailbox disabled", "account disabled", "account has been disabled", "mailbox is disabled", "is disabled", "account is inactive", "inactive", "suspended", "account closed", "no longer active", "deactivated", "mailbox is inactive", "has been terminated", "expired account", "this account has been"] ).not(&["tls", "ip"]),
    rule(UnknownUser, POSTFIX_CHECK).any(&["user unknown", "unknown user", "no such user", "no such mailbox", "no mailbox", "unknown recipient", "invalid recipient", "recipient unknown", "recipient not found", "mailbox not found", "mailbox unavailable", "mailbox does not exist", "user does not exist", "address does not exist", "account does not exist", "email account that you tried to reach does not exist", "unrouteable address", "not a valid mailbox", "no such recipient", "user not found", "address rejected: user unknown", "recipient address rejected: undeliverable", "does not exist here", "unknown local part", "not our customer", "invalid mailbox", "recipient rejected", "no valid recipients", "nosuchuser", "user doesn't exist", "is not a valid user", "recipient does not exist", "address unknown", "unknown address", "undeliverable address", "mailbox name not allowed"]).not(&["sender", "domain of"]),
    rule(UnknownUser, COURIER).code(550).all(&["user <", "> unknown"]),
    rule(SenderRejected, POSTFIX_CHECK).any(&["sender address rejected", "sender rejected", "sender denied", "sender blocked", "sender is blocked", "sender not allowed", "blocked sender", "sender address is blocked", "spoof", "from address", "envelope sender", "mail from rejected", "sender verify failed", "sender verification failed", "could not verify sender", "sender address not allowed", "not allowed to send from", "sender is on", "blacklisted sender"]),
    rule(RecipientPolicy, RFC3463).any(&["recipient address rejected: access denied", "not authorized to send to", "not allowed to send to", "restricted", "delivery not authorized", "does not accept mail from", "only accepts mail from", "not permitted to send", "distribution list", "group only accepts", "moderator"]),
    rule(ContentRejected, "receivers' content filters (SpamAssassin, Rspamd, ClamAV, providers)").any(&["spam", "virus", "malware", "phishing", "content rejected", "message content", "suspicious", "attachment", "banned file", "infected", "rejected due to content", "message rejected as", "bulk", "unsolicited", "message looks like", "filter", "not rfc", "header", "message-id", "policy violation"]).not(&["sender", "spamhaus", "spamcop", "ip "]),
    rule(DnsTemporary, POSTFIX_CHECK).class(4).any(&["temporary lookup failure", "dns lookup failure", "dns timeout", "dns temporary", "temporary dns", "name server failure", "domain lookup failed", "could not be resolved"]),
    rule(ServiceUnavailable, RFC5321).class(4).any(&["service not available", "closing transmission channel", "system shutdown", "server shutting down", "too busy", "system busy", "server busy", "shutting down", "overloaded", "not accepting messages", "try again later", "resources temporarily unavailable", "temporarily unavailable"]).at(&[Greeting, Ehlo]),
    rule(BadSequence, POSTFIX_SMTPD).any(&["improper use of smtp command pipelining", "bad sequence", "need mail command", "need rcpt command", "need mail before", "send hello first", "polite people say hello", "synchronization error", "protocol error", "command out of sequence", "unrecognized command", "command not recognized", "command unrecognized", "not implemented"]).not(&["auth"]),
    // 5. Enhanced codes with a specific meaning (RFC 3463, RFC 7372, RFC 7505).
    rule(UnknownUser, RFC3463).enhanced(&["x.1.1"]).not(&["sender"]),
    rule(UnknownDomain, RFC3463).enhanced(&["x.1.2"]),
    rule(AddressSyntax, RFC3463).enhanced(&["x.1.3", "x.1.7"]),
    rule(UnknownUser, RFC3463).enhanced(&["x.1.6"]),
    rule(SenderDomainInvalid, RFC3463).enhanced(&["x.1.8"]),
    rule(NullMxRecipient, RFC7505).enhanced(&["x.1.10"]),
    rule(MailboxDisabled, RFC3463).enhanced(&["x.2.1"]),
    rule(MailboxFull, RFC3463).enhanced(&["x.2.2"]),
    rule(SizeExceeded, RFC3463).enhanced(&["x.2.3", "x.3.4"]),
    rule(StorageFull, RFC3463).enhanced(&["x.3.1"]),
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
    rule(NoMailService, RFC7504).code(521),
    rule(NoMailService, RFC7504).code(556),
    // 6. Reply codes with a specific meaning.
    rule(AuthRequired, RFC4954).code(530),
    rule(AuthFailed, RFC4954).code(535),
    rule(BadSequence, RFC5321).code(503),
];
