//! Shell completions and the man page, generated from the clap definition.
//! The committed copies in completions/ and man/ are checked against these
//! by tests/generated.rs.

use crate::cli::Cli;
use clap::CommandFactory;
use std::io::{self, Write};

pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> io::Result<()> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "smtpcheck", &mut buf);
    out.write_all(&buf)
}

/// One page that holds everything: the top-level page clap_mangen renders,
/// then every subcommand's options in a section of its own (clap_mangen
/// lists subcommands by name and points at per-command pages; here they are
/// on this page, so no reference leads nowhere), then exit status,
/// environment, examples.
pub fn man(out: &mut dyn Write) -> io::Result<()> {
    let cmd = Cli::command();
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut buf)?;
    let mut page = String::from_utf8_lossy(&buf).into_owned();
    for sub in cmd.get_subcommands() {
        let name = sub.get_name();
        // "smtpcheck\-probe(1)" names a page that does not exist: the
        // section below holds it.
        page = page.replace(
            &format!("smtpcheck\\-{}(1)", name.replace('-', "\\-")),
            &format!("{name} (see OPTIONS OF {name})"),
        );
    }
    for sub in cmd
        .get_subcommands()
        .filter(|s| s.get_arguments().any(|a| !a.is_positional()))
    {
        let mut options = Vec::new();
        clap_mangen::Man::new(sub.clone()).render_options_section(&mut options)?;
        let options = String::from_utf8_lossy(&options).replacen(
            ".SH OPTIONS",
            &format!(".SH \"OPTIONS OF {}\"", sub.get_name()),
            1,
        );
        page.push_str(&options);
    }
    page.push_str(MAN_TAIL);
    out.write_all(page.as_bytes())
}

const MAN_TAIL: &str = r#".SH "EXIT STATUS"
.TP
0
pass: every check passed
.TP
1
warn: mail can get through, but something warned or failed (a backup MX carrying the load, an implicit MX, greylisting)
.TP
2
fail: no address can take mail for the recipient, or DNS says the domain takes no mail
.TP
3
could not check: bad input, a usage error, or an unusable resolver configuration
.SH ENVIRONMENT
.TP
SMTPCHECK_PASSWORD
The AUTH password for \-\-auth\-user, and for the AUTH helper of \fBsmtpcheck session\fR when stdin is not a terminal (never on the command line, never printed).
.TP
SMTPCHECK_OAUTH_TOKEN
The OAuth access token for AUTH XOAUTH2.
.TP
SMTPCHECK_RESOLVER, SMTPCHECK_HELO, SMTPCHECK_FROM, SMTPCHECK_CA_FILE, SMTPCHECK_TIMEOUT
Defaults for \-\-resolver, \-\-helo, \-\-from, \-\-ca\-file and \-\-timeout; the option wins when both are given.
.TP
SMTPCHECK_HISTORY
The line editor's history file of \fBsmtpcheck session\fR (default: $XDG_STATE_HOME/smtpcheck/session_history, with XDG_STATE_HOME defaulting to $HOME/.local/state).
.TP
COLUMNS
The width the human report wraps at (otherwise the terminal's; not wrapped when not a terminal).
.TP
NO_COLOR
When set and not empty, \-\-color auto prints no colour.
.SH EXAMPLES
.TP
smtpcheck probe example.com
Every MX and address: connect, greeting, EHLO, STARTTLS and certificate, MAIL, RCPT; DNSSEC, DANE, MTA\-STS.
.TP
smtpcheck tls example.com
The TLS of every MX, with versions, suites and key exchange graded.
.TP
smtpcheck send \-\-to you@example.com \-\-from me@example.net
Deliver one test message.
.TP
smtpcheck scan domains.txt \-j 200 \-o results.jsonl
Many domains, one JSON line each.
.TP
smtpcheck session example.com
Talk SMTP by hand to the first MX that answers; STARTTLS, AUTH and DATA helpers; :help inside.
.TP
smtpcheck serve \-\-config /etc/smtpcheck/serve.toml
A Prometheus exporter (GET /probe?target=DOMAIN) and a web page (GET /) on 127.0.0.1:9725.
.TP
smtpcheck explain "550 5.7.1 Relaying denied"
What a reply means.
.SH "SEE ALSO"
swaks(1), posttls\-finger(1), RFC 5321, RFC 7505
"#;
