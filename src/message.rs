//! The test message `smtpcheck send` delivers: well-formed (RFC 5322 §3.6
//! headers, CRLF line ends, lines of at most 998 octets) and marked as a
//! test. Dot-stuffing for DATA is RFC 5321 §4.5.2. Pure functions.

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

/// The message as it goes after DATA, before dot-stuffing: headers, an
/// empty line, the body, every line ending in CRLF.
pub fn build(draft: &Draft, now: SystemTime) -> Result<Vec<u8>, String> {
    let secs = now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let nanos = now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let mut lines: Vec<String> = vec![
        format!("Date: {}", rfc5322_date(secs as i64)),
        format!("From: <{}>", draft.from),
        format!("To: {}", angle_list(&draft.to)),
    ];
    if !draft.cc.is_empty() {
        lines.push(format!("Cc: {}", angle_list(&draft.cc)));
    }
    lines.push(format!("Subject: {}", draft.subject));
    lines.push(format!(
        "Message-ID: <{secs}.{nanos:08x}.smtpcheck@{}>",
        draft.helo
    ));
    lines.push("MIME-Version: 1.0".into());
    lines.push("Content-Type: text/plain; charset=utf-8".into());
    lines.push("Content-Transfer-Encoding: 8bit".into());
    lines.push(format!(
        "X-Smtpcheck: test message sent by smtpcheck {}",
        env!("CARGO_PKG_VERSION")
    ));
    for (name, value) in &draft.headers {
        lines.push(format!("{name}: {value}"));
    }
    lines.push(String::new());
    lines.extend(
        draft
            .body
            .lines()
            .map(|l| l.trim_end_matches('\r').to_string()),
    );
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.len() > MAX_LINE {
            return Err(format!(
                "line {} of the message is {} octets long; RFC 5322 §2.1.1 allows {MAX_LINE}",
                i + 1,
                line.len()
            ));
        }
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    Ok(out)
}

fn angle_list(addresses: &[String]) -> String {
    addresses
        .iter()
        .map(|a| format!("<{a}>"))
        .collect::<Vec<_>>()
        .join(", ")
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

/// `Tue, 24 Nov 2026 10:07:00 +0000` (RFC 5322 §3.3), in UTC.
pub fn rfc5322_date(secs: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let iso = crate::tls::cert::iso_date(secs); // YYYY-MM-DDTHH:MM:SSZ
    let weekday = DAYS[secs.div_euclid(86_400).rem_euclid(7) as usize];
    let month: usize = iso[5..7].parse().unwrap_or(1);
    format!(
        "{weekday}, {} {} {} {} +0000",
        iso[8..10].trim_start_matches('0'),
        MONTHS[month - 1],
        &iso[..4],
        &iso[11..19]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn dates() {
        assert_eq!(rfc5322_date(0), "Thu, 1 Jan 1970 00:00:00 +0000");
        assert_eq!(
            rfc5322_date(1_795_507_200),
            "Tue, 24 Nov 2026 08:00:00 +0000"
        );
    }

    #[test]
    fn dot_stuffing_and_end_of_data() {
        assert_eq!(
            dot_stuff(b"a\r\n.b\r\n..c\r\n.\r\n"),
            b"a\r\n..b\r\n...c\r\n..\r\n.\r\n"
        );
        assert_eq!(dot_stuff(b".x"), b"..x\r\n.\r\n");
    }

    #[test]
    fn message_is_well_formed() {
        let draft = Draft {
            from: "me@a.test".into(),
            to: vec!["you@b.test".into()],
            cc: vec!["c@b.test".into()],
            subject: "hi".into(),
            body: "line one\n.dot line\nlast".into(),
            headers: vec![("X-Test".into(), "1".into())],
            helo: "client.test".into(),
        };
        let msg = String::from_utf8(
            build(&draft, UNIX_EPOCH + Duration::from_secs(1_795_507_200)).unwrap(),
        )
        .unwrap();
        assert!(msg.starts_with("Date: Tue, 24 Nov 2026 08:00:00 +0000\r\nFrom: <me@a.test>\r\nTo: <you@b.test>\r\nCc: <c@b.test>\r\nSubject: hi\r\nMessage-ID: <1795507200.00000000.smtpcheck@client.test>\r\n"), "{msg}");
        assert!(
            msg.contains("MIME-Version: 1.0\r\n")
                && msg.contains("X-Smtpcheck: test message")
                && msg.contains("X-Test: 1\r\n")
        );
        assert!(msg.ends_with("\r\n\r\nline one\r\n.dot line\r\nlast\r\n"));
        assert!(!msg.replace("\r\n", "").contains('\n'), "bare LF");
        let long = Draft {
            body: "x".repeat(999),
            ..draft
        };
        assert!(build(&long, UNIX_EPOCH).unwrap_err().contains("998"));
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
