//! The SMTP reply codec: bytes in, replies out.
//!
//! Pure and synchronous so it can be unit-tested, property-tested and fuzzed
//! without sockets. It keeps the raw bytes of every line, never panics on
//! broken input, and bounds every buffer (the limits below are protocol
//! errors, not truncations, so a report can name them).
//!
//! Grammar (RFC 5321 §4.2): `Reply-line = *( Reply-code "-" [ textstring ] CRLF )
//! Reply-code [ SP textstring ] CRLF`. Enhanced status codes are RFC 3463 §2.

use std::fmt;

/// Longest reply line accepted, CRLF excluded. RFC 5321 §4.5.3.1.5 sets 512
/// octets; real servers exceed it, so we allow 4,096 and call longer a fault.
pub const MAX_LINE: usize = 4096;
/// Most lines in one (multi-line) reply.
pub const MAX_LINES: usize = 100;
/// Most bytes in one reply, line ends included.
pub const MAX_REPLY_BYTES: usize = 64 * 1024;

/// A protocol fault in what the server sent, named so a report can quote it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplyError {
    #[error("reply line longer than {MAX_LINE} bytes without a line end")]
    LineTooLong,
    #[error("reply has more than {MAX_LINES} lines")]
    TooManyLines,
    #[error("reply larger than {MAX_REPLY_BYTES} bytes")]
    TooLarge,
    #[error("continuation line has code {found}, the reply started with {expected}")]
    CodeMismatch { expected: u16, found: u16 },
    #[error("not an SMTP reply line: \"{0}\"")]
    Malformed(String),
}

/// An RFC 3463 enhanced status code, `class.subject.detail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EnhancedCode {
    pub class: u8,
    pub subject: u16,
    pub detail: u16,
}

impl fmt::Display for EnhancedCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

impl EnhancedCode {
    /// Parses `2.1.5`-style text (RFC 3463 §2: class is 2, 4 or 5; subject and
    /// detail are 1 to 3 digits).
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.split('.');
        let class = parts.next()?;
        let subject = parts.next()?;
        let detail = parts.next()?;
        if parts.next().is_some() {
            return None;
        }
        let digits = |s: &str, max: usize| {
            !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
        };
        if !(class.len() == 1 && matches!(class, "2" | "4" | "5")) {
            return None;
        }
        if !digits(subject, 3) || !digits(detail, 3) {
            return None;
        }
        Some(Self {
            class: class.parse().ok()?,
            subject: subject.parse().ok()?,
            detail: detail.parse().ok()?,
        })
    }
}

/// One line of a reply as it came off the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyLine {
    pub code: u16,
    /// `false` for a `250-` continuation line, `true` for the final `250 ` line.
    pub last: bool,
    /// The bytes after the code and separator, line end removed.
    pub text: Vec<u8>,
    /// The whole line as received, line end removed.
    pub raw: Vec<u8>,
}

/// A complete reply: one or more lines sharing a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub code: u16,
    pub enhanced: Option<EnhancedCode>,
    pub lines: Vec<ReplyLine>,
}

impl Reply {
    /// 2yz: positive completion (RFC 5321 §4.2.1).
    pub fn is_positive(&self) -> bool {
        (200..300).contains(&self.code)
    }
    /// 4yz: transient negative completion; trying again later may work.
    pub fn is_transient(&self) -> bool {
        (400..500).contains(&self.code)
    }
    /// 5yz: permanent negative completion.
    pub fn is_permanent(&self) -> bool {
        (500..600).contains(&self.code)
    }

    /// The text of every line, escaped for display, joined by newlines.
    pub fn text(&self) -> String {
        self.lines
            .iter()
            .map(|l| escape_bytes(&l.text))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The reply as the server wrote it, one escaped line each, e.g. `250-mx Hello`.
    pub fn raw_text(&self) -> String {
        self.lines
            .iter()
            .map(|l| escape_bytes(&l.raw))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The first line's text, escaped, without the enhanced code: what a
    /// one-line summary quotes.
    pub fn first_line(&self) -> String {
        self.lines
            .first()
            .map(|l| escape_bytes(&l.text))
            .unwrap_or_default()
    }

    /// `code text` on one line: `550 5.1.1 User unknown`.
    pub fn summary(&self) -> String {
        let text = self.first_line();
        if text.is_empty() {
            self.code.to_string()
        } else {
            format!("{} {}", self.code, text)
        }
    }
}

/// Shows bytes as text: printable ASCII and valid UTF-8 as is, everything
/// else as `\xNN` (so NUL, ESC and invalid UTF-8 can never reach a terminal).
pub fn escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\t' => out.push('\t'),
                c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// What one decoded line produced: the line, and the reply it completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub line: ReplyLine,
    pub reply: Option<Reply>,
}

/// Incremental decoder: feed it bytes as they arrive, take lines as they
/// complete. Memory is bounded by [`MAX_LINE`] + one read, and [`MAX_REPLY_BYTES`].
#[derive(Debug, Default)]
pub struct ReplyDecoder {
    buf: Vec<u8>,
    pending: Vec<ReplyLine>,
    pending_bytes: usize,
}

impl ReplyDecoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends received bytes.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes received but not yet part of a complete line.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// The bytes received but not yet part of a complete line.
    pub fn pending(&self) -> &[u8] {
        &self.buf
    }

    /// Decodes the next complete line, if one is buffered. A line ends with
    /// LF; a preceding CR is removed (bare LF is tolerated: being strict
    /// here would hide the server's real answer behind a formality).
    pub fn next_line(&mut self) -> Result<Option<Decoded>, ReplyError> {
        let Some(end) = self.buf.iter().position(|&b| b == b'\n') else {
            if self.buf.len() > MAX_LINE + 1 {
                return Err(ReplyError::LineTooLong);
            }
            return Ok(None);
        };
        let mut raw: Vec<u8> = self.buf.drain(..=end).collect();
        raw.pop();
        if raw.last() == Some(&b'\r') {
            raw.pop();
        }
        if raw.len() > MAX_LINE {
            return Err(ReplyError::LineTooLong);
        }
        self.pending_bytes += end + 1;
        if self.pending_bytes > MAX_REPLY_BYTES {
            return Err(ReplyError::TooLarge);
        }
        let line = parse_line(raw)?;
        if let Some(first) = self.pending.first() {
            if first.code != line.code {
                return Err(ReplyError::CodeMismatch {
                    expected: first.code,
                    found: line.code,
                });
            }
        }
        if self.pending.len() + 1 > MAX_LINES {
            return Err(ReplyError::TooManyLines);
        }
        self.pending.push(line.clone());
        let reply = if line.last {
            self.pending_bytes = 0;
            Some(assemble(std::mem::take(&mut self.pending)))
        } else {
            None
        };
        Ok(Some(Decoded { line, reply }))
    }
}

fn parse_line(raw: Vec<u8>) -> Result<ReplyLine, ReplyError> {
    let malformed = || ReplyError::Malformed(escape_bytes(&raw[..raw.len().min(80)]));
    if raw.len() < 3 || !raw[..3].iter().all(u8::is_ascii_digit) || !(b'2'..=b'5').contains(&raw[0])
    {
        return Err(malformed());
    }
    let code = (raw[0] - b'0') as u16 * 100 + (raw[1] - b'0') as u16 * 10 + (raw[2] - b'0') as u16;
    // A bare "250" is a final line with no text; RFC 5321 §4.2 asks for the
    // SP, but servers omit it and clients accept it.
    let (last, text) = match raw.get(3) {
        None => (true, Vec::new()),
        Some(b' ') => (true, raw[4..].to_vec()),
        Some(b'-') => (false, raw[4..].to_vec()),
        Some(_) => return Err(malformed()),
    };
    Ok(ReplyLine {
        code,
        last,
        text,
        raw,
    })
}

/// Builds the reply; the enhanced code is taken from the first line when it
/// starts with one whose class matches the reply code's (RFC 3463 §2, RFC 2034 §4).
fn assemble(lines: Vec<ReplyLine>) -> Reply {
    let code = lines[0].code;
    let enhanced = lines[0]
        .text
        .split(|&b| b == b' ')
        .next()
        .and_then(|word| std::str::from_utf8(word).ok())
        .and_then(EnhancedCode::parse)
        .filter(|e| u16::from(e.class) == code / 100);
    Reply {
        code,
        enhanced,
        lines,
    }
}

/// Decodes every complete reply in `bytes` (a convenience for tests and fuzzing).
pub fn decode_all(bytes: &[u8]) -> Result<Vec<Reply>, ReplyError> {
    let mut decoder = ReplyDecoder::new();
    decoder.feed(bytes);
    let mut replies = Vec::new();
    while let Some(decoded) = decoder.next_line()? {
        replies.extend(decoded.reply);
    }
    Ok(replies)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(bytes: &[u8]) -> Reply {
        let mut r = decode_all(bytes).unwrap();
        assert_eq!(r.len(), 1, "expected one reply");
        r.remove(0)
    }

    #[test]
    fn single_line_with_enhanced_code() {
        let r = one(b"550 5.1.1 <bob@example.test>: User unknown\r\n");
        assert_eq!(r.code, 550);
        assert_eq!(r.enhanced.unwrap().to_string(), "5.1.1");
        assert_eq!(r.text(), "5.1.1 <bob@example.test>: User unknown");
        assert!(r.is_permanent());
    }

    #[test]
    fn multi_line_reply_keeps_every_line() {
        let r = one(b"250-mx.example.test Hello\r\n250-PIPELINING\r\n250 SIZE 1000\r\n");
        assert_eq!(r.code, 250);
        assert_eq!(r.lines.len(), 3);
        assert_eq!(r.text(), "mx.example.test Hello\nPIPELINING\nSIZE 1000");
        assert_eq!(
            r.raw_text(),
            "250-mx.example.test Hello\n250-PIPELINING\n250 SIZE 1000"
        );
        assert!(r.enhanced.is_none());
    }

    #[test]
    fn enhanced_code_class_must_match_reply_class() {
        assert!(one(b"250 5.1.1 odd\r\n").enhanced.is_none());
        assert!(one(b"250 2.1.0 Ok\r\n").enhanced.is_some());
        assert!(one(b"450 4.7.1 greylisted\r\n").enhanced.is_some());
        assert!(one(b"550 5.1 nope\r\n").enhanced.is_none());
    }

    #[test]
    fn bare_code_and_bare_lf_are_accepted() {
        let r = decode_all(b"250\n354 go ahead\n").unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].code, 250);
        assert_eq!(r[0].text(), "");
        assert_eq!(r[1].code, 354);
    }

    #[test]
    fn partial_input_waits_for_more() {
        let mut d = ReplyDecoder::new();
        d.feed(b"220 mx.exa");
        assert_eq!(d.next_line().unwrap(), None);
        d.feed(b"mple.test ESMTP\r\n");
        let got = d.next_line().unwrap().unwrap();
        assert_eq!(got.reply.unwrap().text(), "mx.example.test ESMTP");
    }

    #[test]
    fn byte_at_a_time_parses_the_same() {
        let input = b"250-a\r\n250-b\r\n250 c\r\n";
        let mut d = ReplyDecoder::new();
        let mut replies = Vec::new();
        for b in input {
            d.feed(&[*b]);
            while let Some(x) = d.next_line().unwrap() {
                replies.extend(x.reply);
            }
        }
        assert_eq!(replies, decode_all(input).unwrap());
    }

    #[test]
    fn non_utf8_is_escaped_not_fatal() {
        let r = one(b"220 caf\xe9 \x1b[31m\r\n");
        assert_eq!(r.text(), "caf\\xe9 \\x1b[31m");
    }

    #[test]
    fn line_too_long_is_named() {
        let mut d = ReplyDecoder::new();
        d.feed(&vec![b'2'; MAX_LINE + 2]);
        assert_eq!(d.next_line(), Err(ReplyError::LineTooLong));
        // exactly at the limit is fine
        let mut line = b"250 ".to_vec();
        line.extend(vec![b'x'; MAX_LINE - 4]);
        line.extend(b"\r\n");
        assert_eq!(one(&line).lines[0].raw.len(), MAX_LINE);
        // one over the limit, with a line end, is not
        let mut line = b"250 ".to_vec();
        line.extend(vec![b'x'; MAX_LINE - 3]);
        line.extend(b"\r\n");
        assert_eq!(decode_all(&line), Err(ReplyError::LineTooLong));
    }

    #[test]
    fn too_many_lines_is_named() {
        let mut input = Vec::new();
        for _ in 0..MAX_LINES {
            input.extend(b"250-x\r\n");
        }
        input.extend(b"250 end\r\n");
        assert_eq!(decode_all(&input), Err(ReplyError::TooManyLines));
        // exactly MAX_LINES lines is accepted
        let mut input = Vec::new();
        for _ in 0..MAX_LINES - 1 {
            input.extend(b"250-x\r\n");
        }
        input.extend(b"250 end\r\n");
        assert_eq!(one(&input).lines.len(), MAX_LINES);
    }

    #[test]
    fn too_large_is_named() {
        let mut input = Vec::new();
        let chunk = format!("250-{}\r\n", "y".repeat(1000));
        for _ in 0..70 {
            input.extend(chunk.as_bytes());
        }
        assert_eq!(decode_all(&input), Err(ReplyError::TooLarge));
    }

    #[test]
    fn code_change_in_continuation_is_named() {
        assert_eq!(
            decode_all(b"250-a\r\n251 b\r\n"),
            Err(ReplyError::CodeMismatch {
                expected: 250,
                found: 251
            })
        );
    }

    #[test]
    fn garbage_is_malformed() {
        assert!(matches!(
            decode_all(b"hello\r\n"),
            Err(ReplyError::Malformed(_))
        ));
        assert!(matches!(
            decode_all(b"2x0 a\r\n"),
            Err(ReplyError::Malformed(_))
        ));
        assert!(matches!(
            decode_all(b"250:a\r\n"),
            Err(ReplyError::Malformed(_))
        ));
        assert!(matches!(
            decode_all(b"\0\0\0\r\n"),
            Err(ReplyError::Malformed(_))
        ));
        assert!(matches!(
            decode_all(b"650 x\r\n"),
            Err(ReplyError::Malformed(_))
        ));
    }

    #[test]
    fn enhanced_code_parser() {
        assert_eq!(
            EnhancedCode::parse("5.7.25"),
            Some(EnhancedCode {
                class: 5,
                subject: 7,
                detail: 25
            })
        );
        for bad in [
            "", "5", "5.1", "3.1.1", "5.1.1.1", "5..1", "5.1234.1", "a.b.c",
        ] {
            assert_eq!(EnhancedCode::parse(bad), None, "{bad}");
        }
    }

    proptest::proptest! {
        #[test]
        fn decoder_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..8192)) {
            let _ = decode_all(&bytes);
        }

        #[test]
        fn well_formed_replies_round_trip(
            code in 200u16..600,
            texts in proptest::collection::vec("[ -~]{0,60}", 1..10),
            split in 1usize..20,
        ) {
            let mut wire = Vec::new();
            for (i, t) in texts.iter().enumerate() {
                let sep = if i + 1 == texts.len() { ' ' } else { '-' };
                wire.extend(format!("{code}{sep}{t}\r\n").as_bytes());
            }
            let mut d = ReplyDecoder::new();
            let mut replies = Vec::new();
            for chunk in wire.chunks(split) {
                d.feed(chunk);
                while let Some(x) = d.next_line().unwrap() {
                    replies.extend(x.reply);
                }
            }
            proptest::prop_assert_eq!(replies.len(), 1);
            proptest::prop_assert_eq!(replies[0].code, code);
            proptest::prop_assert_eq!(replies[0].text(), texts.join("\n"));
        }
    }
}
