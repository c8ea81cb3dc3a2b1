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

/// One page: the top-level page clap_mangen renders, the options that the
/// SMTP commands share (clap_mangen lists subcommands by name only), and the
/// exit status and environment that a man page reader looks for.
pub fn man(out: &mut dyn Write) -> io::Result<()> {
    let cmd = Cli::command();
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut buf)?;
    if let Some(probe) = cmd.find_subcommand("probe") {
        let mut options = Vec::new();
        clap_mangen::Man::new(probe.clone()).render_options_section(&mut options)?;
        let options = String::from_utf8_lossy(&options).replacen(
            ".SH OPTIONS",
            ".SH \"OPTIONS OF probe, connect, banner AND ehlo\"",
            1,
        );
        buf.extend_from_slice(options.as_bytes());
    }
    buf.extend_from_slice(MAN_TAIL.as_bytes());
    out.write_all(&buf)
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
NO_COLOR
When set and not empty, \-\-color auto prints no colour.
.SH "SEE ALSO"
swaks(1), posttls\-finger(1), RFC 5321, RFC 7505
"#;
