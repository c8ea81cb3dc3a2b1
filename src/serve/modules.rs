//! Modules: named option sets for `serve`, from a TOML file, as
//! blackbox_exporter's modules come from blackbox.yml. `default` always
//! exists; a file may redefine it.
//!
//! ```toml
//! [modules.default]
//! port = 25
//! tls = "auto"            # auto | require | off | implicit
//! helo = "monitor.example.net"
//! from = ""               # MAIL FROM; empty is the null sender <>
//! # rcpt = "postmaster@example.com"   (default: postmaster@ the target)
//! transport_policy = true # DNSSEC, DANE, MTA-STS, TLS-RPT, the sender simulation
//! policy = false          # SPF and DMARC too
//! timeout = 10            # seconds per step
//! deadline = 30           # seconds for the whole probe (a scrape timeout lowers it)
//! cert_warn_days = 14
//! # cert_crit_days = 3
//! ```

use crate::probe::{Options, Stage, TlsMode};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum TlsChoice {
    #[default]
    Auto,
    Require,
    Off,
    Implicit,
}

fn default_port() -> u16 {
    25
}
fn yes() -> bool {
    true
}
fn ten() -> f64 {
    10.0
}
fn thirty() -> f64 {
    30.0
}
fn fourteen() -> i64 {
    14
}

/// One module: what a probe through it does.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Module {
    #[serde(default = "default_port")]
    pub port: u16,
    #[serde(default)]
    pub tls: TlsChoice,
    pub helo: Option<String>,
    #[serde(default)]
    pub from: String,
    pub rcpt: Option<String>,
    #[serde(default = "yes")]
    pub transport_policy: bool,
    #[serde(default)]
    pub policy: bool,
    #[serde(default = "ten")]
    pub timeout: f64,
    #[serde(default = "thirty")]
    pub deadline: f64,
    #[serde(default = "fourteen")]
    pub cert_warn_days: i64,
    pub cert_crit_days: Option<i64>,
}

impl Default for Module {
    fn default() -> Self {
        Self {
            port: 25,
            tls: TlsChoice::Auto,
            helo: None,
            from: String::new(),
            rcpt: None,
            transport_policy: true,
            policy: false,
            timeout: 10.0,
            deadline: 30.0,
            cert_warn_days: 14,
            cert_crit_days: None,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    modules: BTreeMap<String, Module>,
}

/// Every module by name.
#[derive(Debug, Clone, PartialEq)]
pub struct Modules(BTreeMap<String, Module>);

impl Default for Modules {
    fn default() -> Self {
        Self(BTreeMap::from([("default".to_string(), Module::default())]))
    }
}

impl Modules {
    /// The modules of a TOML file, each checked as the command line checks
    /// its options; `default` is added when the file has none.
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut modules = Self::default();
        for (name, module) in file.modules {
            check_module(&name, &module)?;
            modules.0.insert(name, module);
        }
        Ok(modules)
    }

    pub fn get(&self, name: &str) -> Option<&Module> {
        self.0.get(name)
    }

    pub fn names(&self) -> Vec<String> {
        self.0.keys().cloned().collect()
    }
}

fn check_module(name: &str, m: &Module) -> Result<(), String> {
    let bad = |what: &str| Err(format!("module {name}: {what}"));
    let good_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !good_name {
        return bad("a module name is letters, digits, - and _");
    }
    if m.port == 0 {
        return bad("port 0");
    }
    if !(m.timeout > 0.0 && m.timeout <= 300.0 && m.deadline > 0.0 && m.deadline <= 600.0) {
        return bad("timeout and deadline are seconds, at most 300 and 600");
    }
    if let Some(helo) = &m.helo {
        crate::target::parse_helo(helo).map_err(|e| format!("module {name}: {e}"))?;
    }
    crate::target::parse_sender(&m.from).map_err(|e| format!("module {name}: {e}"))?;
    if let Some(rcpt) = &m.rcpt {
        crate::target::parse_address(rcpt, "rcpt").map_err(|e| format!("module {name}: {e}"))?;
    }
    Ok(())
}

impl Module {
    /// The probe's options under this module; `deadline` is the most the
    /// probe may take (a scrape timeout may lower the module's own).
    pub fn options(&self, helo: &str, deadline: Duration) -> Options {
        let mut opts = Options::new(Stage::Rcpt);
        opts.port = self.port;
        opts.helo = self.helo.clone().unwrap_or_else(|| helo.to_string());
        opts.sender = crate::target::parse_sender(&self.from).unwrap_or_default();
        opts.recipient = self.rcpt.clone().unwrap_or_default();
        opts.step_timeout = Duration::from_secs_f64(self.timeout).min(deadline);
        opts.overall_timeout = Duration::from_secs_f64(self.deadline).min(deadline);
        opts.tls_mode = match self.tls {
            TlsChoice::Auto => TlsMode::Auto,
            TlsChoice::Require => TlsMode::Require,
            TlsChoice::Off => TlsMode::Off,
            TlsChoice::Implicit => TlsMode::Implicit,
        };
        opts.transport = self.transport_policy;
        opts.policy = self.policy;
        opts.cert_warn_days = self.cert_warn_days;
        opts.cert_crit_days = self.cert_crit_days;
        opts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_come_from_toml_with_defaults_and_are_checked() {
        let m = Modules::parse("[modules.submission]\nport = 587\ntls = \"require\"\n").unwrap();
        assert_eq!(m.names(), vec!["default", "submission"]);
        let sub = m.get("submission").unwrap();
        assert_eq!(
            (sub.port, sub.tls, sub.transport_policy),
            (587, TlsChoice::Require, true)
        );
        assert_eq!(m.get("default"), Some(&Module::default()));
        for (bad, says) in [
            ("[modules.x]\nport = 0\n", "port 0"),
            ("[modules.x]\nhelo = \"a\\r\\nb\"\n", "module x"),
            ("[modules.x]\ncolour = 1\n", "unknown field"),
            ("[modules.x]\ntls = \"maybe\"\n", "unknown variant"),
            ("[modules.\"a b\"]\n", "letters, digits"),
        ] {
            let e = Modules::parse(bad).unwrap_err();
            assert!(e.contains(says), "{bad:?}: {e}");
        }
    }
}
