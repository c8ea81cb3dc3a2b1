//! Where the person's lines come from: a line editor on a terminal
//! (rustyline: history, editing, tab completion of verbs and of what the
//! server advertised), or stdin, one command per line, for scripts.

use crate::smtp::command::KNOWN_VERBS;
use crate::smtp::Capabilities;
use rustyline::completion::Completer;
use rustyline::error::ReadlineError;
use rustyline::history::{FileHistory, History};
use rustyline::{CompletionType, Config, Context, Editor};
use std::io::BufRead;
use std::path::PathBuf;

/// One answer from the keyboard.
pub enum Input {
    Line(String),
    /// Ctrl-C.
    Interrupt,
    /// Ctrl-D, or the end of stdin.
    End,
}

pub trait Keyboard {
    /// The next line; `secret` lines are read without echo and never kept.
    fn line(&mut self, prompt: &str, secret: bool) -> Input;
    /// The password (or OAuth token) for `user`, never echoed.
    fn secret(&mut self, user: &str, token: bool) -> Result<String, String>;
    /// Keeps a line in the history (secrets never come here).
    fn remember(&mut self, line: &str);
    /// What tab completes from now on.
    fn complete_with(&mut self, words: Words);
    /// Where text may be printed while a line is being edited, without
    /// breaking the line (rustyline's external printer); None when the
    /// input is not a terminal.
    fn printer(&mut self) -> Option<Printer> {
        None
    }
}

/// Prints a line above the one being edited.
pub type Printer = Box<dyn FnMut(String) + Send>;

/// The local commands, for completion and `:help`.
pub const LOCAL: [&str; 5] = [":help", ":explain", ":transcript", ":tls", ":quit"];

/// Verbs that take no argument (RFC 5321 §4.1.1, RFC 3207).
const NO_ARGUMENT: [&str; 5] = ["DATA", "RSET", "QUIT", "STARTTLS", "TURN"];

/// What tab can complete at this point of the session.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Words {
    verbs: Vec<String>,
    mechanisms: Vec<String>,
    mail: Vec<String>,
    rcpt: Vec<String>,
}

impl Words {
    /// The verbs every server knows, those the EHLO reply advertised, and
    /// the parameters of the advertised extensions (RFC 1870 SIZE, RFC 6152
    /// 8BITMIME, RFC 3030 BINARYMIME/CHUNKING, RFC 6531 SMTPUTF8, RFC 3461
    /// DSN, RFC 8689 REQUIRETLS).
    pub fn of(capabilities: Option<&Capabilities>, tls: bool) -> Self {
        let has = |k: &str| capabilities.is_some_and(|c| c.has(k));
        let mut verbs: Vec<String> = KNOWN_VERBS
            .iter()
            .filter(|v| match **v {
                "STARTTLS" => has("STARTTLS") && !tls,
                "AUTH" => has("AUTH"),
                "BDAT" => has("CHUNKING"),
                "ETRN" => has("ETRN"),
                "ATRN" => has("ATRN"),
                "XCLIENT" => has("XCLIENT"),
                "XFORWARD" => has("XFORWARD"),
                "VERB" => has("VERB"),
                "TURN" => false,
                _ => true,
            })
            .map(|v| v.to_string())
            .collect();
        verbs.extend(LOCAL.iter().map(|l| l.to_string()));
        let mechanisms = capabilities
            .and_then(|c| c.get("AUTH"))
            .map(|a| a.params.iter().map(|p| p.to_ascii_uppercase()).collect())
            .unwrap_or_default();
        let mut mail = Vec::new();
        let mut rcpt = Vec::new();
        let wanted: [(&str, &[&str], &[&str]); 6] = [
            ("SIZE", &["SIZE="], &[]),
            ("8BITMIME", &["BODY=8BITMIME", "BODY=7BIT"], &[]),
            ("BINARYMIME", &["BODY=BINARYMIME"], &[]),
            ("SMTPUTF8", &["SMTPUTF8"], &[]),
            (
                "DSN",
                &["RET=FULL", "RET=HDRS", "ENVID="],
                &[
                    "NOTIFY=SUCCESS,FAILURE,DELAY",
                    "NOTIFY=NEVER",
                    "ORCPT=rfc822;",
                ],
            ),
            ("REQUIRETLS", &["REQUIRETLS"], &[]),
        ];
        for (keyword, m, r) in wanted {
            if has(keyword) {
                mail.extend(m.iter().map(|s| s.to_string()));
                rcpt.extend(r.iter().map(|s| s.to_string()));
            }
        }
        Self {
            verbs,
            mechanisms,
            mail,
            rcpt,
        }
    }

    /// Where the word under the cursor starts, and what can replace it.
    pub fn candidates(&self, line: &str, pos: usize) -> (usize, Vec<String>) {
        let before = &line[..pos.min(line.len())];
        let start = before.rfind(' ').map_or(0, |i| i + 1);
        let word = before[start..].to_ascii_uppercase();
        let first = before
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        let from: Vec<String> = if start == 0 {
            self.verbs
                .iter()
                .map(|v| match v.as_str() {
                    "MAIL" => "MAIL FROM:<".to_string(),
                    "RCPT" => "RCPT TO:<".to_string(),
                    // Verbs without arguments end the line as they are.
                    v if v.starts_with(':') || NO_ARGUMENT.contains(&v) => v.to_string(),
                    v => format!("{v} "),
                })
                .collect()
        } else {
            match first.as_str() {
                "AUTH" if before[..start].split_whitespace().count() == 1 => {
                    self.mechanisms.iter().map(|m| format!("{m} ")).collect()
                }
                "MAIL" if before.contains('>') => self.mail.clone(),
                "RCPT" if before.contains('>') => self.rcpt.clone(),
                _ => Vec::new(),
            }
        };
        let matches = from
            .into_iter()
            .filter(|c| c.to_ascii_uppercase().starts_with(&word))
            .collect();
        (start, matches)
    }
}

/// The line editor's helper: completion only.
#[derive(rustyline::Helper, rustyline::Hinter, rustyline::Highlighter, rustyline::Validator)]
struct Helper {
    words: Words,
}

impl Completer for Helper {
    type Candidate = String;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        Ok(self.words.candidates(line, pos))
    }
}

/// A person at a terminal.
pub struct Tty {
    editor: Editor<Helper, FileHistory>,
    history: Option<PathBuf>,
}

impl Tty {
    /// A line editor whose history lives in `history` (None: not kept).
    pub fn new(history: Option<PathBuf>) -> Result<Self, String> {
        let config = Config::builder()
            .completion_type(CompletionType::List)
            .auto_add_history(false)
            .max_history_size(1000)
            .map_err(|e| e.to_string())?
            .build();
        let mut editor: Editor<Helper, FileHistory> =
            Editor::with_config(config).map_err(|e| format!("no line editor: {e}"))?;
        editor.set_helper(Some(Helper {
            words: Words::default(),
        }));
        if let Some(path) = &history {
            // A missing file is a first session, not a problem.
            let _ = editor.load_history(path);
        }
        Ok(Self { editor, history })
    }
}

impl Drop for Tty {
    fn drop(&mut self) {
        let Some(path) = &self.history else { return };
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if self.editor.history().is_empty() {
            return;
        }
        if self.editor.save_history(path).is_ok() {
            // What was typed to a mail server is nobody else's business.
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
            }
        }
    }
}

impl Keyboard for Tty {
    fn line(&mut self, prompt: &str, secret: bool) -> Input {
        if secret {
            return match rpassword::prompt_password(prompt) {
                Ok(line) => Input::Line(line),
                Err(_) => Input::End,
            };
        }
        match self.editor.readline(prompt) {
            Ok(line) => Input::Line(line),
            Err(ReadlineError::Interrupted) => Input::Interrupt,
            Err(_) => Input::End,
        }
    }

    fn secret(&mut self, user: &str, token: bool) -> Result<String, String> {
        let what = if token { "OAuth token" } else { "Password" };
        rpassword::prompt_password(format!("{what} for {user}: "))
            .map_err(|e| format!("cannot read the secret: {}", crate::words::io(&e)))
    }

    fn remember(&mut self, line: &str) {
        let _ = self.editor.add_history_entry(line);
    }

    fn complete_with(&mut self, words: Words) {
        if let Some(helper) = self.editor.helper_mut() {
            helper.words = words;
        }
    }

    fn printer(&mut self) -> Option<Printer> {
        use rustyline::ExternalPrinter;
        let mut printer = self.editor.create_external_printer().ok()?;
        Some(Box::new(move |text: String| {
            let _ = printer.print(text);
        }))
    }
}

/// Commands from stdin, one per line (`printf 'EHLO me\nQUIT\n' | …`);
/// secrets from SMTPCHECK_PASSWORD or SMTPCHECK_OAUTH_TOKEN.
pub struct Piped<R> {
    lines: std::io::Lines<R>,
}

impl<R: BufRead> Piped<R> {
    pub fn new(input: R) -> Self {
        Self {
            lines: input.lines(),
        }
    }
}

impl<R: BufRead> Keyboard for Piped<R> {
    fn line(&mut self, _prompt: &str, _secret: bool) -> Input {
        match self.lines.next() {
            // A CRLF file's CR is the line end, not part of the command.
            Some(Ok(line)) => Input::Line(line.strip_suffix('\r').unwrap_or(&line).to_string()),
            _ => Input::End,
        }
    }

    fn secret(&mut self, _user: &str, token: bool) -> Result<String, String> {
        let var = if token {
            "SMTPCHECK_OAUTH_TOKEN"
        } else {
            "SMTPCHECK_PASSWORD"
        };
        std::env::var(var)
            .ok()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("no terminal to ask for the secret: set {var}"))
    }

    fn remember(&mut self, _line: &str) {}

    fn complete_with(&mut self, _words: Words) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smtp::reply::decode_all;

    fn ehlo(extensions: &str) -> Capabilities {
        let wire = format!("250-mx.test\r\n{extensions}");
        Capabilities::from_ehlo(&decode_all(wire.as_bytes()).unwrap()[0])
    }

    #[test]
    fn verbs_complete_and_advertised_extensions_join_them() {
        let before = Words::of(None, false);
        assert_eq!(before.candidates("eh", 2), (0, vec!["EHLO ".to_string()]));
        assert_eq!(before.candidates("STA", 3).1, Vec::<String>::new());
        let caps = ehlo("250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n250-SIZE 1000\r\n250 DSN\r\n");
        let after = Words::of(Some(&caps), false);
        assert_eq!(after.candidates("STA", 3).1, vec!["STARTTLS".to_string()]);
        assert_eq!(
            after.candidates("mail", 4).1,
            vec!["MAIL FROM:<".to_string()]
        );
        assert_eq!(
            after.candidates("AUTH P", 6),
            (5, vec!["PLAIN ".to_string()])
        );
        let line = "MAIL FROM:<a@b.test> S";
        assert_eq!(
            after.candidates(line, line.len()).1,
            vec!["SIZE=".to_string()]
        );
        let line = "RCPT TO:<a@b.test> NOTIFY=N";
        assert_eq!(
            after.candidates(line, line.len()).1,
            vec!["NOTIFY=NEVER".to_string()]
        );
        // inside TLS, STARTTLS is no longer offered
        assert!(Words::of(Some(&caps), true)
            .candidates("STA", 3)
            .1
            .is_empty());
        assert_eq!(
            after.candidates(":tr", 3).1,
            vec![":transcript".to_string()]
        );
    }
}
