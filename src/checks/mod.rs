//! Findings from observations: each function takes what the engine saw and
//! returns checks with a status, a summary quoting the server, and advice.
//! Pure functions, no I/O, so every rule has a unit test.

pub mod blocklist;
pub mod classify;
pub mod dane;
pub mod dns;
pub mod explain;
pub mod finding;
pub mod identity;
pub mod net;
pub mod policy;
pub mod rules;
pub mod senders;
pub mod smtp;
pub mod tls;
pub mod tls_grade;

#[cfg(test)]
pub(crate) mod testkit;

pub use finding::{Check, CheckId, Detail, Status};

/// The check standing in for a step that was not reached.
pub(crate) fn skipped(id: CheckId, because: CheckId) -> Check {
    Check::new(id, Status::Skip, format!("skipped: {because} failed"))
}

/// A step that failed inside smtpcheck (a bug): the run cannot vouch for
/// what that step would have found, so the verdict is `error`.
pub fn internal_error(what: &str) -> Check {
    Check::new(
        CheckId::Internal,
        Status::Fail,
        format!("internal error in smtpcheck, so this was not checked: {what}"),
    )
    .advice("This is a bug in smtpcheck, not a finding about the domain: please report it with the command line.")
}

/// How strict the checks are, from the command line.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// `--tls require`: TLS problems fail instead of warn.
    pub require_tls: bool,
    /// `--cert-warn-days`: a certificate expiring sooner warns.
    pub cert_warn_days: i64,
    /// `--cert-days WARN,CRIT`: a certificate expiring sooner fails.
    pub cert_crit_days: Option<i64>,
    /// `--auth-user` or `--submission`: an `smtp.auth` check belongs in the report.
    pub auth_planned: bool,
    /// The recipient is outside the probed domain (`--rcpt` elsewhere): a
    /// refusal of it is about relaying.
    pub foreign_recipient: bool,
}
