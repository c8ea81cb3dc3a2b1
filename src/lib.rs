//! smtpcheck: can mail reach this domain, and if not, where and why does it break?
//!
//! The engine (DNS, SMTP, checks, report model) lives here so tests can drive
//! it; the binary (`main.rs` with `cli`, `setup`, `generate`) parses
//! arguments, reads what they name, runs, renders and exits.
//!
//! Layers, each importing only those below it:
//! 1. `smtp` (codec, session), `dns`, `dnssec`, `dane`, `tls`, `target`,
//!    `message`, `explain`, `words`: protocol and lookups, no findings;
//! 2. `observe`: plain data for what the engine saw;
//! 3. `probe`: the engine (route, converse), producing observations;
//! 4. `checks`: observations to findings, pure;
//! 5. `report`: the report model, the verdict and its exit code;
//! 6. `assess` (observations to report) and `scan` (many targets);
//! 7. `render`: human, JSON, nagios; they only write.

pub mod assess;
pub mod checks;
pub mod console;
pub mod dane;
pub mod dns;
pub mod dnsbl;
pub mod dnssec;
pub mod explain;
pub mod message;
pub mod observe;
pub mod probe;
pub mod render;
pub mod report;
pub mod scan;
pub mod serve;
pub mod smtp;
pub mod target;
pub mod tls;
pub mod words;
