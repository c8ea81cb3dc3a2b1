//! What SMTP reply codes mean: the reply codes of RFC 5321 (and later RFCs
//! that added some) and the whole registry of enhanced status codes (RFC
//! 3463 and later registrations, RFC 5248). The causes read from a reply's
//! words are the classifier's (`checks::classify`).

/// One reply code: `(code, meaning, source)`.
const REPLY_CODES: &[(u16, &str, &str)] = &[
    (211, "System status, or system help reply", "RFC 5321 §4.2.3"),
    (214, "Help message", "RFC 5321 §4.2.3"),
    (220, "Service ready (the greeting)", "RFC 5321 §4.2.3"),
    (221, "Service closing transmission channel", "RFC 5321 §4.2.3"),
    (235, "Authentication succeeded", "RFC 4954 §6"),
    (250, "Requested mail action okay, completed", "RFC 5321 §4.2.3"),
    (251, "User not local; will forward", "RFC 5321 §4.2.3"),
    (252, "Cannot verify the user, but will accept the message and attempt delivery", "RFC 5321 §4.2.3"),
    (334, "Authentication continues: send the next piece (a server challenge follows)", "RFC 4954 §4"),
    (354, "Start mail input; end with <CRLF>.<CRLF>", "RFC 5321 §4.2.3"),
    (421, "Service not available, closing transmission channel", "RFC 5321 §4.2.3"),
    (432, "A password transition is needed", "RFC 4954 §6"),
    (450, "Requested mail action not taken: mailbox unavailable (busy, or temporarily blocked for policy reasons)", "RFC 5321 §4.2.3"),
    (451, "Requested action aborted: local error in processing", "RFC 5321 §4.2.3"),
    (452, "Requested action not taken: insufficient system storage", "RFC 5321 §4.2.3"),
    (454, "Temporary authentication failure, or TLS not available", "RFC 4954 §6, RFC 3207 §4"),
    (455, "Server unable to accommodate parameters", "RFC 5321 §4.2.3"),
    (500, "Syntax error, command unrecognized (or command line too long)", "RFC 5321 §4.2.3"),
    (501, "Syntax error in parameters or arguments", "RFC 5321 §4.2.3"),
    (502, "Command not implemented", "RFC 5321 §4.2.3"),
    (503, "Bad sequence of commands", "RFC 5321 §4.2.3"),
    (504, "Command parameter not implemented", "RFC 5321 §4.2.3"),
    (521, "Host does not accept mail", "RFC 7504 §3"),
    (530, "Authentication required (or, with 5.7.0, STARTTLS required first)", "RFC 4954 §6"),
    (534, "Authentication mechanism is too weak", "RFC 4954 §6"),
    (535, "Authentication credentials invalid", "RFC 4954 §6"),
    (538, "Encryption required for requested authentication mechanism", "RFC 4954 §6"),
    (550, "Requested action not taken: mailbox unavailable (not found, no access, or rejected for policy reasons)", "RFC 5321 §4.2.3"),
    (551, "User not local; please try the forward path", "RFC 5321 §4.2.3"),
    (552, "Requested mail action aborted: exceeded storage allocation", "RFC 5321 §4.2.3"),
    (553, "Requested action not taken: mailbox name not allowed (e.g. mailbox syntax incorrect)", "RFC 5321 §4.2.3"),
    (554, "Transaction failed (or, as a greeting, no SMTP service here)", "RFC 5321 §4.2.3"),
    (555, "MAIL FROM/RCPT TO parameters not recognized or not implemented", "RFC 5321 §4.2.3"),
    (556, "Domain does not accept mail", "RFC 7504 §3"),
];

/// One enhanced status code without its class: `(subject.detail, title, source)`.
/// The registry of RFC 5248 (IANA "SMTP Enhanced Status Codes").
const ENHANCED: &[(&str, &str, &str)] = &[
    ("0.0", "Other undefined status", "RFC 3463"),
    ("1.0", "Other address status", "RFC 3463"),
    (
        "1.1",
        "Bad destination mailbox address (the mailbox does not exist)",
        "RFC 3463",
    ),
    (
        "1.2",
        "Bad destination system address (the domain does not exist or takes no mail)",
        "RFC 3463",
    ),
    ("1.3", "Bad destination mailbox address syntax", "RFC 3463"),
    ("1.4", "Destination mailbox address ambiguous", "RFC 3463"),
    ("1.5", "Destination address valid", "RFC 3463"),
    (
        "1.6",
        "Destination mailbox has moved, no forwarding address",
        "RFC 3463",
    ),
    ("1.7", "Bad sender's mailbox address syntax", "RFC 3463"),
    ("1.8", "Bad sender's system address", "RFC 3463"),
    ("1.9", "Message relayed to non-compliant mailer", "RFC 3886"),
    ("1.10", "Recipient address has null MX", "RFC 7505"),
    ("2.0", "Other or undefined mailbox status", "RFC 3463"),
    (
        "2.1",
        "Mailbox disabled, not accepting messages",
        "RFC 3463",
    ),
    ("2.2", "Mailbox full", "RFC 3463"),
    (
        "2.3",
        "Message length exceeds administrative limit",
        "RFC 3463",
    ),
    ("2.4", "Mailing list expansion problem", "RFC 3463"),
    ("3.0", "Other or undefined mail system status", "RFC 3463"),
    ("3.1", "Mail system full", "RFC 3463"),
    ("3.2", "System not accepting network messages", "RFC 3463"),
    ("3.3", "System not capable of selected features", "RFC 3463"),
    ("3.4", "Message too big for system", "RFC 3463"),
    ("3.5", "System incorrectly configured", "RFC 3463"),
    ("3.6", "Requested priority was changed", "RFC 6710"),
    (
        "4.0",
        "Other or undefined network or routing status",
        "RFC 3463",
    ),
    ("4.1", "No answer from host", "RFC 3463"),
    ("4.2", "Bad connection", "RFC 3463"),
    ("4.3", "Directory server failure (e.g. DNS)", "RFC 3463"),
    ("4.4", "Unable to route", "RFC 3463"),
    ("4.5", "Mail system congestion", "RFC 3463"),
    ("4.6", "Routing loop detected", "RFC 3463"),
    ("4.7", "Delivery time expired", "RFC 3463"),
    ("5.0", "Other or undefined protocol status", "RFC 3463"),
    ("5.1", "Invalid command", "RFC 3463"),
    ("5.2", "Syntax error", "RFC 3463"),
    ("5.3", "Too many recipients", "RFC 3463"),
    ("5.4", "Invalid command arguments", "RFC 3463"),
    ("5.5", "Wrong protocol version", "RFC 3463"),
    (
        "5.6",
        "Authentication exchange line is too long",
        "RFC 4954",
    ),
    ("6.0", "Other or undefined media error", "RFC 3463"),
    ("6.1", "Media not supported", "RFC 3463"),
    ("6.2", "Conversion required and prohibited", "RFC 3463"),
    ("6.3", "Conversion required but not supported", "RFC 3463"),
    ("6.4", "Conversion with loss performed", "RFC 3463"),
    ("6.5", "Conversion failed", "RFC 3463"),
    ("6.6", "Message content not available", "RFC 4468"),
    (
        "6.7",
        "Non-ASCII addresses not permitted for that sender/recipient",
        "RFC 6531",
    ),
    (
        "6.8",
        "UTF-8 string reply is required, but not permitted by the SMTP client",
        "RFC 6531",
    ),
    (
        "6.9",
        "UTF-8 header message cannot be transferred to one or more recipients",
        "RFC 6531",
    ),
    (
        "6.10",
        "UTF-8 message cannot be transferred to one or more recipients",
        "RFC 6531",
    ),
    ("7.0", "Other or undefined security status", "RFC 3463"),
    (
        "7.1",
        "Delivery not authorized, message refused",
        "RFC 3463",
    ),
    ("7.2", "Mailing list expansion prohibited", "RFC 3463"),
    (
        "7.3",
        "Security conversion required but not possible",
        "RFC 3463",
    ),
    ("7.4", "Security features not supported", "RFC 3463"),
    ("7.5", "Cryptographic failure", "RFC 3463"),
    ("7.6", "Cryptographic algorithm not supported", "RFC 3463"),
    ("7.7", "Message integrity failure", "RFC 3463"),
    ("7.8", "Authentication credentials invalid", "RFC 4954"),
    ("7.9", "Authentication mechanism is too weak", "RFC 4954"),
    ("7.10", "Encryption needed", "RFC 5248"),
    (
        "7.11",
        "Encryption required for requested authentication mechanism",
        "RFC 4954",
    ),
    ("7.12", "A password transition is needed", "RFC 4954"),
    ("7.13", "User account disabled", "RFC 5248"),
    ("7.14", "Trust relationship required", "RFC 5248"),
    ("7.15", "Priority level is too low", "RFC 6710"),
    (
        "7.16",
        "Message is too big for the specified priority",
        "RFC 6710",
    ),
    ("7.17", "Mailbox owner has changed", "RFC 7293"),
    ("7.18", "Domain owner has changed", "RFC 7293"),
    ("7.19", "RRVS test cannot be completed", "RFC 7293"),
    ("7.20", "No passing DKIM signature found", "RFC 7372"),
    ("7.21", "No acceptable DKIM signature found", "RFC 7372"),
    (
        "7.22",
        "No valid author-matched DKIM signature found",
        "RFC 7372",
    ),
    ("7.23", "SPF validation failed", "RFC 7372"),
    ("7.24", "SPF validation error", "RFC 7372"),
    ("7.25", "Reverse DNS validation failed", "RFC 7372"),
    ("7.26", "Multiple authentication checks failed", "RFC 7372"),
    ("7.27", "Sender address has null MX", "RFC 7505"),
    ("7.28", "Mail flood detected", "IANA registry"),
    ("7.29", "ARC validation failure", "RFC 8617"),
    ("7.30", "REQUIRETLS support required", "RFC 8689"),
];

/// The class of a reply code (RFC 5321 §4.2.1).
pub fn reply_class(code: u16) -> &'static str {
    match code / 100 {
        2 => "2yz positive completion: the action succeeded",
        3 => "3yz positive intermediate: send the rest (e.g. the message after DATA)",
        4 => {
            "4yz transient negative completion: the action failed for now; retrying later may work"
        }
        5 => "5yz permanent negative completion: the action failed; do not retry it unchanged",
        _ => "not a valid SMTP reply class",
    }
}

pub fn reply_meaning(code: u16) -> Option<(&'static str, &'static str)> {
    REPLY_CODES
        .iter()
        .find(|(c, ..)| *c == code)
        .map(|(_, m, s)| (*m, *s))
}

/// Title and source of an enhanced code such as `5.7.1` (class 2, 4 or 5).
pub fn enhanced_meaning(code: &str) -> Option<(&'static str, &'static str)> {
    let (class, rest) = code.split_once('.')?;
    if !matches!(class, "2" | "4" | "5") {
        return None;
    }
    ENHANCED
        .iter()
        .find(|(d, ..)| *d == rest)
        .map(|(_, t, s)| (*t, *s))
}

/// Every enhanced code in the registry (for tests and documentation).
pub fn registry() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    ENHANCED.iter().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_registry_is_there() {
        // RFC 3463's codes, and the later registrations the issue names.
        for code in [
            "5.1.1", "5.1.10", "4.7.1", "5.7.25", "5.7.26", "5.7.27", "2.0.0", "5.6.7", "5.5.6",
            "5.7.30",
        ] {
            assert!(enhanced_meaning(code).is_some(), "{code}");
        }
        assert_eq!(registry().count(), 81);
        assert!(enhanced_meaning("3.1.1").is_none());
        assert!(enhanced_meaning("5.9.9").is_none());
        for code in [
            220, 221, 250, 354, 421, 450, 451, 452, 500, 501, 502, 503, 504, 521, 530, 535, 550,
            551, 552, 553, 554, 556,
        ] {
            assert!(reply_meaning(code).is_some(), "{code}");
        }
    }
}
