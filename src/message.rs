//! The test message `smtpcheck send` delivers: well-formed (RFC 5322 §3.6
//! headers, CRLF line ends, lines of at most 998 octets) and marked as a
//! test. Dot-stuffing for DATA is RFC 5321 §4.5.2. Pure functions.

use mail_builder::headers::address::Address;
use mail_builder::headers::text::Text;
use mail_builder::MessageBuilder;
use std::time::{SystemTime, UNIX_EPOCH};

/// What the user asked to send.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    /// The From: address (never empty; the envelope may still be `<>`).
    pub from: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    pub body: String,
    /// Extra `Name: value` headers, validated.
    pub headers: Vec<(String, String)>,
    /// The name used in EHLO, for the Message-ID.
    pub helo: String,
}

/// RFC 5322 §2.1.1: no line may exceed 998 octets without its CRLF.
pub const MAX_LINE: usize = 998;

/// Validates a `Name: value` header from the command line.
pub fn parse_header(input: &str) -> Result<(String, String), String> {
    if input.contains(['\r', '\n', '\0']) {
        return Err(format!(
            "--header \"{}\" contains a line break or NUL",
            input.escape_debug()
        ));
    }
    let (name, value) = input
        .split_once(':')
        .ok_or_else(|| format!("--header \"{input}\" is not of the form Name: value"))?;
    let name = name.trim();
    // RFC 5322 §3.6.8: printable US-ASCII except colon.
    if name.is_empty() || !name.bytes().all(|b| (33..=126).contains(&b) && b != b':') {
        return Err(format!(
            "--header \"{input}\": \"{name}\" is not a valid header name"
        ));
    }
    Ok((name.to_string(), value.trim().to_string()))
}

/// The message as it goes after DATA, before dot-stuffing, built by
/// mail-builder: RFC 5322 date, RFC 2047 encoded words for non-ASCII
/// header text, folded header lines, CRLF line ends, and a body in 7-bit
/// (quoted-printable or base64 when it has 8-bit data or long lines). A
/// 7-bit message needs neither BODY=8BITMIME (RFC 6152) nor a server that
/// offers it.
pub fn build(draft: &Draft, now: SystemTime) -> Result<Vec<u8>, String> {
    let since = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let mut message = MessageBuilder::new()
        .date(since.as_secs() as i64)
        .from(draft.from.as_str())
        .to(mailboxes(&draft.to))
        .subject(draft.subject.as_str())
        .message_id(format!(
            "{}.{:08x}.smtpcheck@{}",
            since.as_secs(),
            since.subsec_nanos(),
            draft.helo
        ))
        .header(
            "X-Smtpcheck",
            Text::new(concat!(
                "test message sent by smtpcheck ",
                env!("CARGO_PKG_VERSION")
            )),
        );
    if !draft.cc.is_empty() {
        message = message.cc(mailboxes(&draft.cc));
    }
    for (name, value) in &draft.headers {
        message = message.header(name.as_str(), Text::new(value.as_str()));
    }
    // Every line of the body ends in CRLF, the last one too.
    let mut body = draft.body.replace("\r\n", "\n").replace('\n', "\r\n");
    if !body.ends_with("\r\n") {
        body.push_str("\r\n");
    }
    let out = message
        .text_body(body)
        .write_to_vec()
        .map_err(|e| format!("building the message: {e}"))?;
    match out
        .split(|&b| b == b'\n')
        .position(|l| l.len() > MAX_LINE + 1)
    {
        // mail-builder folds and encodes; this only guards the promise.
        Some(i) => Err(format!(
            "line {} of the message is longer than {MAX_LINE} octets (RFC 5322 §2.1.1)",
            i + 1
        )),
        None => Ok(out),
    }
}

fn mailboxes(addresses: &[String]) -> Address<'_> {
    Address::new_list(
        addresses
            .iter()
            .map(|a| Address::from(a.as_str()))
            .collect(),
    )
}

/// Dot-stuffs a CRLF message and appends the end-of-data `.` line
/// (RFC 5321 §4.5.2: a line starting with "." gets one more).
pub fn dot_stuff(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + 8);
    let mut at_line_start = true;
    for &b in message {
        if at_line_start && b == b'.' {
            out.push(b'.');
        }
        out.push(b);
        at_line_start = b == b'\n';
    }
    if !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
    out
}

/// The queue id in a server's reply to the end of data, in the forms the
/// MTAs and providers write:
/// - Postfix `2.0.0 Ok: queued as 4XyZ12abc`; Exim `OK id=1vNt2x-000abc-Q1`;
/// - sendmail and OpenSMTPD `2.0.0 6B17xgkm000507 Message accepted for delivery`;
/// - Courier `Ok. 000000006B0E7E6F.0000020D`; qmail `ok 1700000000 qp 12345`;
/// - Haraka `Message Queued (B2D52B5F-...-.1)`;
/// - Microsoft `2.6.0 <id@host> [InternalId=...] Queued mail for delivery`;
/// - Gmail `2.0.0 OK  1700000000 a1b2c3d4e5f.12 - gsmtp`.
pub fn queue_id(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let token = |from: usize| -> Option<String> {
        let id: String = text[from..]
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
            .collect();
        let id = id.trim_end_matches('.').to_string();
        (!id.is_empty()).then_some(id)
    };
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|w| crate::smtp::EnhancedCode::parse(w).is_none())
        .collect();
    // Microsoft: the message's own id in angle brackets.
    if lower.contains("queued mail for delivery") {
        if let Some(id) = words
            .iter()
            .find(|w| w.starts_with('<') && w.ends_with('>'))
        {
            return Some(id.trim_matches(['<', '>']).to_string());
        }
    }
    for marker in ["queued as ", "id=", " qp ", "message queued ("] {
        if let Some(pos) = lower.find(marker) {
            if let Some(id) = token(pos + marker.len()) {
                return Some(id);
            }
        }
    }
    // Gmail: the session id before the ` - gsmtp` tag.
    if let Some(pos) = words.iter().position(|w| *w == "-") {
        if words.get(pos + 1) == Some(&"gsmtp") && pos > 0 {
            return Some(words[pos - 1].to_string());
        }
    }
    // sendmail, OpenSMTPD: `<id> Message accepted for delivery`.
    if let Some(pos) = lower.find("message accepted for delivery") {
        let before: Vec<&str> = text[..pos]
            .split_whitespace()
            .filter(|w| crate::smtp::EnhancedCode::parse(w).is_none())
            .collect();
        if let Some(id) = before
            .last()
            .filter(|w| w.chars().all(|c| c.is_ascii_alphanumeric()))
        {
            return Some(id.to_string());
        }
    }
    // Courier: `Ok. 000000006B0E7E6F.0000020D`.
    if let Some(rest) = lower.strip_prefix("ok. ") {
        let id: String = rest
            .chars()
            .take_while(|c| c.is_ascii_hexdigit() || *c == '.')
            .collect();
        if id.len() > 8 && id.contains('.') {
            return Some(text[4..4 + id.len()].to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn dot_stuffing_and_end_of_data() {
        assert_eq!(
            dot_stuff(b"a\r\n.b\r\n..c\r\n.\r\n"),
            b"a\r\n..b\r\n...c\r\n..\r\n.\r\n"
        );
        assert_eq!(dot_stuff(b".x"), b"..x\r\n.\r\n");
    }

    fn draft() -> Draft {
        Draft {
            from: "me@a.test".into(),
            to: vec!["you@b.test".into()],
            cc: vec!["c@b.test".into()],
            subject: "hi".into(),
            body: "line one\n.dot line\nlast".into(),
            headers: vec![("X-Test".into(), "1".into())],
            helo: "client.test".into(),
        }
    }

    fn built(draft: &Draft) -> String {
        let at = UNIX_EPOCH + Duration::from_secs(1_795_507_200);
        String::from_utf8(build(draft, at).unwrap()).unwrap()
    }

    #[test]
    fn message_is_well_formed() {
        let msg = built(&draft());
        for header in [
            "Date: Tue, 24 Nov 2026 08:00:00 +0000\r\n",
            "From: <me@a.test>\r\n",
            "To: <you@b.test>\r\n",
            "Cc: <c@b.test>\r\n",
            "Subject: hi\r\n",
            "Message-ID: <1795507200.00000000.smtpcheck@client.test>\r\n",
            "MIME-Version: 1.0\r\n",
            "X-Smtpcheck: test message sent by smtpcheck",
            "X-Test: 1\r\n",
            "Content-Type: text/plain; charset=\"utf-8\"\r\n",
        ] {
            assert!(msg.contains(header), "{header} in {msg}");
        }
        assert!(
            msg.ends_with("\r\n\r\nline one\r\n.dot line\r\nlast\r\n"),
            "{msg}"
        );
        assert!(!msg.replace("\r\n", "").contains('\n'), "bare LF");
    }

    /// RFC 2047 words in headers, quoted-printable in the body: the message
    /// is 7-bit, so no server needs 8BITMIME or SMTPUTF8 for it (RFC 6152).
    #[test]
    fn non_ascii_text_is_encoded_to_seven_bit() {
        let msg = built(&Draft {
            subject: "Prüfung ✓".into(),
            body: "Grüße aus Köln\n".into(),
            headers: vec![("X-Note".into(), "héllo".into())],
            ..draft()
        });
        assert!(msg.is_ascii(), "{msg}");
        assert!(msg.contains("Subject: =?utf-8?"), "{msg}");
        assert!(msg.contains("X-Note: =?utf-8?"), "{msg}");
        // mail-builder picks base64 when most of the text is 8-bit
        use base64::Engine;
        let (_, body) = msg
            .split_once("Content-Transfer-Encoding: base64\r\n\r\n")
            .unwrap();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(body.trim())
            .unwrap();
        assert_eq!(String::from_utf8(decoded).unwrap(), "Grüße aus Köln\r\n");
    }

    #[test]
    fn a_mostly_ascii_body_is_quoted_printable() {
        let msg = built(&Draft {
            body: "The meeting is at the café at noon, see you there.\n".into(),
            ..draft()
        });
        assert!(msg.is_ascii(), "{msg}");
        assert!(
            msg.contains("Content-Transfer-Encoding: quoted-printable"),
            "{msg}"
        );
        assert!(msg.contains("caf=C3=A9"), "{msg}");
    }

    #[test]
    fn long_lines_are_wrapped_not_refused() {
        let msg = built(&Draft {
            body: "x".repeat(5000),
            subject: "word ".repeat(400),
            ..draft()
        });
        assert!(msg.split("\r\n").all(|l| l.len() <= MAX_LINE), "{msg}");
        assert!(msg.is_ascii());
    }

    #[test]
    fn headers_and_queue_ids() {
        assert_eq!(
            parse_header("X-Campaign: q4 test"),
            Ok(("X-Campaign".into(), "q4 test".into()))
        );
        assert!(parse_header("Bad Name: x").is_err());
        assert!(parse_header("X: a\r\nBcc: evil@x").is_err());
        assert!(parse_header("novalue").is_err());
        assert_eq!(
            queue_id("2.0.0 Ok: queued as 4XyZ12abc"),
            Some("4XyZ12abc".into())
        );
        assert_eq!(
            queue_id("OK id=1vNt2x-000abc-Q1"),
            Some("1vNt2x-000abc-Q1".into())
        );
        assert_eq!(queue_id("2.0.0 OK"), None);
        for (reply, id) in [
            ("2.0.0 6B17xgkm000507 Message accepted for delivery", "6B17xgkm000507"),
            ("2.0.0 a3e4e900 Message accepted for delivery", "a3e4e900"),
            ("Ok. 000000006B0E7E6F.0000020D", "000000006B0E7E6F.0000020D"),
            ("ok 1700000000 qp 12345", "12345"),
            ("2.0.0 Message Queued (B2D52B5F-6F02-4F9E-8AEF-3D0C8C1A1E2F.1)", "B2D52B5F-6F02-4F9E-8AEF-3D0C8C1A1E2F.1"),
            ("2.6.0 <c1a2b3@AM0PR01MB1234.eurprd01.prod.exchangelabs.com> [InternalId=123, Hostname=AM0PR01MB1234] Queued mail for delivery", "c1a2b3@AM0PR01MB1234.eurprd01.prod.exchangelabs.com"),
            ("2.0.0 OK  1700000000 a1b2c3d4e5f.12 - gsmtp", "a1b2c3d4e5f.12"),
        ] {
            assert_eq!(queue_id(reply).as_deref(), Some(id), "{reply}");
        }
        assert_eq!(queue_id("2.0.0 Message accepted for delivery"), None);
    }
}
