//! SMTP commands (RFC 5321 §4.1.1). Every argument is checked for CR, LF and
//! NUL before it can reach the wire: a stray line end in an argument would let
//! a caller inject a second command (SMTP command injection).

use std::fmt;

/// An argument that would break the command line it is put in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} contains {found}, which is never sent to a server")]
pub struct UnsafeArgument {
    pub what: &'static str,
    pub found: &'static str,
}

/// Refuses CR, LF and NUL; names the first one found.
pub fn check_argument(what: &'static str, value: &str) -> Result<(), UnsafeArgument> {
    let found = value.bytes().find_map(|b| match b {
        b'\r' => Some("a carriage return (CR)"),
        b'\n' => Some("a line feed (LF)"),
        0 => Some("a NUL byte"),
        _ => None,
    });
    match found {
        Some(found) => Err(UnsafeArgument { what, found }),
        None => Ok(()),
    }
}

/// The verbs of RFC 5321 §4.1 and of the extensions an admin types
/// (STARTTLS, AUTH, BDAT, ETRN, ATRN, VERB, XCLIENT...).
pub const KNOWN_VERBS: [&str; 20] = [
    "EHLO", "HELO", "MAIL", "RCPT", "DATA", "RSET", "VRFY", "EXPN", "HELP", "NOOP", "QUIT",
    "STARTTLS", "AUTH", "BDAT", "ETRN", "ATRN", "VERB", "TURN", "XCLIENT", "XFORWARD",
];

/// A command, built only through constructors that validate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    verb: &'static str,
    line: String,
    /// What the transcript shows instead of `line` (AUTH secrets).
    shown: Option<String>,
}

impl Command {
    fn with_arg(
        verb: &'static str,
        what: &'static str,
        arg: String,
    ) -> Result<Self, UnsafeArgument> {
        check_argument(what, &arg)?;
        Ok(Self {
            verb,
            line: arg,
            shown: None,
        })
    }

    /// `EHLO domain` (RFC 5321 §4.1.1.1).
    pub fn ehlo(name: &str) -> Result<Self, UnsafeArgument> {
        Self::with_arg("EHLO", "the HELO name", format!("EHLO {name}"))
    }

    /// `HELO domain`, the fallback for servers that refuse EHLO.
    pub fn helo(name: &str) -> Result<Self, UnsafeArgument> {
        Self::with_arg("HELO", "the HELO name", format!("HELO {name}"))
    }

    /// `MAIL FROM:<path>`; an empty path is the null reverse-path `<>`
    /// (RFC 5321 §4.5.5).
    pub fn mail_from(path: &str) -> Result<Self, UnsafeArgument> {
        Self::with_arg("MAIL", "the sender address", format!("MAIL FROM:<{path}>"))
    }

    /// `MAIL FROM:<path>` with ESMTP parameters (`SIZE=n`, `SMTPUTF8`).
    pub fn mail_from_with(path: &str, params: &[String]) -> Result<Self, UnsafeArgument> {
        let tail: String = params.iter().map(|p| format!(" {p}")).collect();
        Self::with_arg(
            "MAIL",
            "the sender address",
            format!("MAIL FROM:<{path}>{tail}"),
        )
    }

    /// `RCPT TO:<path>` with ESMTP parameters (`NOTIFY=...`, RFC 3461).
    pub fn rcpt_to_with(path: &str, params: &[String]) -> Result<Self, UnsafeArgument> {
        let tail: String = params.iter().map(|p| format!(" {p}")).collect();
        Self::with_arg(
            "RCPT",
            "the recipient address",
            format!("RCPT TO:<{path}>{tail}"),
        )
    }

    /// `BDAT n LAST` (RFC 3030): the whole message in one chunk follows.
    pub fn bdat_last(size: usize) -> Self {
        Self {
            verb: "BDAT",
            line: format!("BDAT {size} LAST"),
            shown: None,
        }
    }

    /// `RCPT TO:<path>` (RFC 5321 §4.1.1.3).
    pub fn rcpt_to(path: &str) -> Result<Self, UnsafeArgument> {
        Self::with_arg("RCPT", "the recipient address", format!("RCPT TO:<{path}>"))
    }

    /// `VRFY string` (RFC 5321 §4.1.1.6).
    pub fn vrfy(user: &str) -> Result<Self, UnsafeArgument> {
        Self::with_arg("VRFY", "the VRFY argument", format!("VRFY {user}"))
    }

    /// `EXPN string` (RFC 5321 §4.1.1.7).
    pub fn expn(list: &str) -> Result<Self, UnsafeArgument> {
        Self::with_arg("EXPN", "the EXPN argument", format!("EXPN {list}"))
    }

    /// `DATA` (RFC 5321 §4.1.1.4).
    pub fn data() -> Self {
        Self::fixed("DATA")
    }

    pub fn rset() -> Self {
        Self::fixed("RSET")
    }

    pub fn quit() -> Self {
        Self::fixed("QUIT")
    }

    pub fn noop() -> Self {
        Self::fixed("NOOP")
    }

    pub fn starttls() -> Self {
        Self::fixed("STARTTLS")
    }

    /// A line a person typed (`smtpcheck session`), sent as typed. Only CR,
    /// LF and NUL are refused; the verb is named when it is a known one. An
    /// AUTH line's initial response is shown as `****`.
    pub fn typed(line: &str) -> Result<Self, UnsafeArgument> {
        let mut c = Self::with_arg("command", "the line", line.to_string())?;
        let mut words = line.split_whitespace();
        let first = words.next().unwrap_or("").to_ascii_uppercase();
        c.verb = KNOWN_VERBS
            .iter()
            .find(|v| **v == first)
            .copied()
            .unwrap_or("command");
        if c.verb == "AUTH" {
            if let (Some(mechanism), Some(_)) = (words.next(), words.next()) {
                c.shown = Some(format!("AUTH {mechanism} ****"));
            }
        }
        Ok(c)
    }

    /// A line typed in answer to a 334 challenge: sent as typed, shown as
    /// `****` (it is, or encodes, a secret).
    pub fn typed_secret(line: &str) -> Result<Self, UnsafeArgument> {
        let mut c = Self::with_arg("AUTH", "the AUTH response", line.to_string())?;
        c.shown = Some("****".to_string());
        Ok(c)
    }

    fn fixed(verb: &'static str) -> Self {
        Self {
            verb,
            line: verb.to_string(),
            shown: None,
        }
    }

    /// `AUTH MECH [initial-response]` (RFC 4954 §4); the transcript shows
    /// `AUTH MECH ****`, never the response.
    pub fn auth(mechanism: &str, initial: Option<&str>) -> Result<Self, UnsafeArgument> {
        let line = match initial {
            Some(r) => format!("AUTH {mechanism} {r}"),
            None => format!("AUTH {mechanism}"),
        };
        let mut c = Self::with_arg("AUTH", "the AUTH response", line)?;
        c.shown = Some(match initial {
            Some(_) => format!("AUTH {mechanism} ****"),
            None => format!("AUTH {mechanism}"),
        });
        Ok(c)
    }

    /// A base64 line answering a 334 challenge; shown as `****`.
    pub fn auth_response(response: &str) -> Result<Self, UnsafeArgument> {
        let mut c = Self::with_arg("AUTH", "the AUTH response", response.to_string())?;
        c.shown = Some("****".to_string());
        Ok(c)
    }

    /// The line as the transcript shows it.
    pub fn shown(&self) -> &str {
        self.shown.as_deref().unwrap_or(&self.line)
    }

    pub fn verb(&self) -> &'static str {
        self.verb
    }

    /// The command line without its CRLF.
    pub fn line(&self) -> &str {
        &self.line
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.shown())
    }
}

/// When a DSN is asked for (RFC 3461 §4.1): never, or on any of success,
/// failure and delay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notify {
    Never,
    On(Vec<NotifyOn>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotifyOn {
    Success,
    Failure,
    Delay,
}

impl Notify {
    /// `never`, or a comma list of `success`, `failure`, `delay`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let words: Vec<String> = s
            .split(',')
            .map(|w| w.trim().to_ascii_lowercase())
            .collect();
        if words == ["never"] {
            return Ok(Self::Never);
        }
        let on = words
            .iter()
            .map(|w| match w.as_str() {
                "success" => Ok(NotifyOn::Success),
                "failure" => Ok(NotifyOn::Failure),
                "delay" => Ok(NotifyOn::Delay),
                _ => Err(format!(
                    "\"{s}\": give never, or a list of success,failure,delay"
                )),
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self::On(on))
    }

    /// The RCPT parameter value: `NEVER`, or `SUCCESS,FAILURE`.
    pub fn parameter(&self) -> String {
        match self {
            Self::Never => "NEVER".into(),
            Self::On(on) => on
                .iter()
                .map(|w| match w {
                    NotifyOn::Success => "SUCCESS",
                    NotifyOn::Failure => "FAILURE",
                    NotifyOn::Delay => "DELAY",
                })
                .collect::<Vec<_>>()
                .join(","),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_lines() {
        assert_eq!(
            Command::ehlo("client.test").unwrap().line(),
            "EHLO client.test"
        );
        assert_eq!(Command::mail_from("").unwrap().line(), "MAIL FROM:<>");
        assert_eq!(
            Command::rcpt_to("a@b.test").unwrap().line(),
            "RCPT TO:<a@b.test>"
        );
        assert_eq!(Command::quit().verb(), "QUIT");
    }

    #[test]
    fn refuses_line_breaks_and_nul() {
        let err = Command::rcpt_to("a@b.test>\r\nDATA").unwrap_err();
        assert_eq!(err.to_string(), "the recipient address contains a carriage return (CR), which is never sent to a server");
        assert!(Command::mail_from("x\n").is_err());
        assert!(Command::ehlo("x\0y").is_err());
    }

    #[test]
    fn a_typed_line_goes_out_as_typed_and_hides_an_auth_response() {
        let c = Command::typed("mail from:<a@b.test> SIZE=10").unwrap();
        assert_eq!(
            (c.verb(), c.line()),
            ("MAIL", "mail from:<a@b.test> SIZE=10")
        );
        assert_eq!(Command::typed("XYZZY 1").unwrap().verb(), "command");
        let c = Command::typed("AUTH PLAIN AGJvYgBzZWNyZXQ=").unwrap();
        assert_eq!(
            (c.line(), c.shown()),
            ("AUTH PLAIN AGJvYgBzZWNyZXQ=", "AUTH PLAIN ****")
        );
        assert_eq!(Command::typed("AUTH LOGIN").unwrap().shown(), "AUTH LOGIN");
        assert_eq!(Command::typed_secret("c2VjcmV0").unwrap().shown(), "****");
        assert!(Command::typed("NOOP\r\nDATA").is_err());
        assert!(Command::typed("NOOP\0").is_err());
    }
}
