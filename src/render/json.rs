//! The `--json` document: exactly one JSON value on stdout, also on error.

use crate::report::Report;
use std::io::{self, Write};

pub fn render(report: &Report, out: &mut impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report).map_err(io::Error::other)?;
    out.write_all(b"\n")
}
