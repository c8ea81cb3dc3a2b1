//! Renderers: a report in, bytes out to any `io::Write`. No other I/O here,
//! and nothing here decides anything: the verdict is already in the report.

pub mod explain;
pub mod html;
pub mod human;
pub mod json;
pub mod nagios;
pub mod prometheus;
