//! `smtpcheck explain`: the meaning of a code or reply line, for a person.

use crate::checks::explain::Explanation;
use std::io::{self, Write};

pub fn render(e: &Explanation, out: &mut impl Write) -> io::Result<()> {
    if let Some(r) = &e.reply_code {
        match (r.meaning, r.source) {
            (Some(m), Some(s)) => writeln!(out, "{}  {m} ({s})", r.code)?,
            _ => writeln!(
                out,
                "{}  not a code RFC 5321 defines; read it by its class",
                r.code
            )?,
        }
        writeln!(out, "     class {}", r.class)?;
    }
    if let Some(x) = &e.enhanced_code {
        match (x.meaning, x.source) {
            (Some(m), Some(s)) => writeln!(out, "{}  {m} ({s})", x.code)?,
            _ => writeln!(
                out,
                "{}  not in the registry of enhanced status codes (RFC 5248)",
                x.code
            )?,
        }
        writeln!(out, "     class {}", x.class)?;
    }
    if let Some(text) = &e.text {
        writeln!(out, "text  {text}")?;
    }
    if let Some(provider) = e.provider {
        writeln!(out, "provider  {}", provider.name())?;
    }
    if let Some(zone) = &e.blocklist {
        writeln!(out, "block list  {zone}")?;
    }
    match &e.cause {
        Some(c) => {
            let detail = c.detail.map(|d| format!(", {d}")).unwrap_or_default();
            writeln!(out, "cause  {} ({}{detail})", c.summary, c.id.id())?;
            writeln!(out, "what to do  {}", c.advice)?;
            writeln!(out, "rule from  {}", c.source)?;
        }
        None if e.text.is_some() => writeln!(
            out,
            "cause  nothing more specific can be read from the text"
        )?,
        None => {}
    }
    Ok(())
}
