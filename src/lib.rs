//! smtpcheck: can mail reach this domain, and if not, where and why does it break?
//!
//! The engine (DNS, SMTP, checks, report model) lives here so tests can drive
//! it; the binary only parses arguments, runs, renders and exits.

pub mod assess;
pub mod checks;
pub mod cli;
pub mod dane;
pub mod dns;
pub mod dnssec;
pub mod explain;
pub mod generate;
pub mod message;
pub mod observe;
pub mod probe;
pub mod render;
pub mod report;
pub mod scan;
pub mod smtp;
pub mod target;
pub mod tls;
