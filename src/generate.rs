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

pub fn man(out: &mut dyn Write) -> io::Result<()> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut buf)?;
    out.write_all(&buf)
}
