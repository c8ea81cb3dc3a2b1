//! What the person sees. On a terminal: replies as the server wrote them,
//! coloured by class, each followed by its explanation; what they typed is
//! already on the screen. Piped: the transcript in `-v`'s notation (`->`
//! sent, `<-` received, `~>`/`<~` inside TLS, `==` notes) so a script can
//! read it. With `--json`: nothing until the one document at the end.

use crate::checks::explain::Explanation;
use crate::report::{Check, Status};
use crate::smtp::{Direction, TranscriptLine};
use colored::Colorize;
use std::io::Write;

/// Where and how output goes.
#[derive(Debug, Clone, Copy)]
pub struct Screen {
    interactive: bool,
    json: bool,
    color: bool,
}

impl Screen {
    pub fn new(interactive: bool, json: bool, color: bool) -> Self {
        Self {
            interactive,
            json,
            color,
        }
    }

    fn out(&self, text: &str) {
        if self.json {
            return;
        }
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{text}");
        let _ = out.flush();
    }

    fn paint(&self, text: &str, how: fn(&str) -> colored::ColoredString) -> String {
        match self.color {
            true => how(text).to_string(),
            false => text.to_string(),
        }
    }

    /// A line of the session's transcript. On a terminal the person's own
    /// lines are already on the screen, except those a helper sent
    /// (`AUTH PLAIN ****`); they show.
    pub fn transcript_line(&self, line: &TranscriptLine) {
        if let Some(text) = self.line_text(line) {
            self.out(&text);
        }
    }

    /// A transcript line as shown, or None when it is not shown.
    pub fn line_text(&self, line: &TranscriptLine) -> Option<String> {
        if self.json {
            return None;
        }
        if !self.interactive {
            return Some(format!("{} {}", arrow(line), line.text));
        }
        match line.dir {
            Direction::Received => {
                let code = line.text.get(..3).and_then(|c| c.parse::<u16>().ok());
                Some(self.by_class(code.unwrap_or(0), &line.text))
            }
            Direction::Note => Some(self.paint(&format!("== {}", line.text), |s| s.dimmed())),
            Direction::Sent if line.text.contains("****") => {
                Some(self.paint(&format!("{} {}", arrow(line), line.text), |s| s.dimmed()))
            }
            Direction::Sent => None,
        }
    }

    fn by_class(&self, code: u16, text: &str) -> String {
        let how: fn(&str) -> colored::ColoredString = match code / 100 {
            2 => |s| s.green(),
            3 => |s| s.cyan(),
            4 => |s| s.yellow(),
            5 => |s| s.red(),
            _ => |s| s.normal(),
        };
        self.paint(text, how)
    }

    /// The classifier's reading of the reply just shown.
    pub fn explanation(&self, code: u16, words: &str) {
        self.out(&self.explanation_text(code, words));
    }

    pub fn explanation_text(&self, code: u16, words: &str) -> String {
        let line = format!("   => {words}");
        match self.interactive {
            true => self.by_class(code, &line),
            false => line,
        }
    }

    /// Something smtpcheck says about the session.
    pub fn note(&self, text: &str) {
        self.out(&self.paint(&format!("== {text}"), |s| s.dimmed()));
    }

    /// A hint for the person at the keyboard; scripts do not need them.
    pub fn hint(&self, text: &str) {
        if self.interactive {
            self.out(&self.paint(&format!("   {text}"), |s| s.dimmed()));
        }
    }

    /// Something that went wrong; with --json it goes to stderr.
    pub fn problem(&self, text: &str) {
        if self.json {
            eprintln!("smtpcheck: {text}");
        } else {
            self.out(&self.paint(&format!("!! {text}"), |s| s.red().bold()));
        }
    }

    /// A finding (the TLS session, the certificate) in the report's words.
    pub fn check(&self, check: &Check) {
        let style = crate::render::human::Style {
            color: self.color,
            ..Default::default()
        };
        self.out(&format!(
            "== {}  {}  {}",
            style.status(check.status),
            check.id,
            check.summary
        ));
        if matches!(check.status, Status::Warn | Status::Fail) {
            if let Some(advice) = &check.advice {
                self.out(&format!("   -> {advice}"));
            }
        }
    }

    pub fn help(&self) {
        self.out(HELP);
    }

    pub fn explain(&self, e: &Explanation) {
        if self.json {
            return;
        }
        let mut out = std::io::stdout().lock();
        let _ = crate::render::explain::render(e, &mut out);
    }

    pub fn document(&self, doc: &impl serde::Serialize) {
        let mut out = std::io::stdout().lock();
        if serde_json::to_writer_pretty(&mut out, doc).is_ok() {
            let _ = writeln!(out);
        }
    }
}

const HELP: &str = "\
Everything you type goes to the server as typed, with CRLF (never a bare LF).
Helpers:
  STARTTLS                 on 220, upgrades this connection and judges the certificate
  AUTH PLAIN|LOGIN|CRAM-MD5|XOAUTH2 [user]
                           asks for the secret without echo and encodes the exchange;
                           the secret is never shown, kept in history or transcribed
  DATA                     after 354: type the message; a lone . ends it (lines are
                           dot-stuffed); :headers adds Date, Message-ID, From, To, Subject
  BDAT n [LAST]            the next lines (with CRLF) are the chunk's n octets
Local commands (never sent):
  :help                    this text
  :explain CODE|LINE       what a code or a reply means (as smtpcheck explain)
  :transcript FILE         write the transcript so far (secrets as ****)
  :tls                     the TLS session and certificate verdict again
  :quit                    QUIT and leave (also Ctrl-D; Ctrl-C twice)";

/// `->` sent, `<-` received, `~>`/`<~` inside TLS, `==` a note.
fn arrow(line: &TranscriptLine) -> &'static str {
    match (line.dir, line.tls) {
        (Direction::Sent, false) => "->",
        (Direction::Sent, true) => "~>",
        (Direction::Received, false) => "<-",
        (Direction::Received, true) => "<~",
        (Direction::Note, _) => "==",
    }
}

/// The transcript as a file: time since connect, direction, text.
pub fn transcript_text(lines: &[TranscriptLine]) -> String {
    lines
        .iter()
        .map(|l| format!("{:>10.1} ms  {} {}\n", l.t_ms, arrow(l), l.text))
        .collect()
}
