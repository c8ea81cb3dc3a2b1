//! The command line, defined once with clap; completions and the man page
//! are generated from this definition.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(
    name = "smtpcheck",
    version,
    about = "Can mail reach this domain? Probe every MX over SMTP and say where and why delivery breaks.",
    long_about = "Can mail reach this domain? smtpcheck looks up the MX records, connects to every \
exchange address at once, reads the greeting, says EHLO, and runs a test transaction \
(MAIL FROM, RCPT TO, then RSET and QUIT: no message is ever sent by probe). It reports each step \
with its timing, the server's own words, and advice when something is wrong.",
    after_help = "Exit codes: 0 pass, 1 warn, 2 fail, 3 could not check (bad input, unusable resolver).",
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run every step: MX, connect, greeting, EHLO, MAIL FROM and RCPT TO (never DATA)
    Probe(TargetArgs),
    /// Look up MX records and the addresses of every exchange (DNS only)
    Mx(MxArgs),
    /// Stop after the TCP connection to every exchange address
    Connect(TargetArgs),
    /// Stop after reading every exchange's greeting
    Banner(TargetArgs),
    /// Stop after EHLO: show every exchange's capabilities
    Ehlo(TargetArgs),
    /// Stop after STARTTLS: the TLS session and the certificate of every exchange
    Tls(TargetArgs),
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff)
    Man,
}

#[derive(Debug, Args)]
pub struct MxArgs {
    /// A domain (example.com) or an address (user@example.com); Unicode domains are converted to A-labels
    pub target: String,
    #[command(flatten)]
    pub dns: DnsArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct TargetArgs {
    /// A domain (example.com) or an address (user@example.com, which becomes the recipient)
    pub target: String,
    /// Probe this host instead of the domain's MX: a name or IP, with an optional port ([::1]:2525)
    #[arg(long, value_name = "HOST[:PORT]")]
    pub server: Option<String>,
    /// Port to connect to on every exchange
    #[arg(long, default_value_t = 25, value_parser = clap::value_parser!(u16).range(1..))]
    pub port: u16,
    /// Name to introduce ourselves with in EHLO/HELO [default: this machine's host name]
    #[arg(long, value_name = "NAME")]
    pub helo: Option<String>,
    /// Sender for MAIL FROM; "<>" is the null sender, which servers must accept (RFC 5321 §4.5.5)
    #[arg(long, value_name = "ADDR", default_value = "<>")]
    pub from: String,
    /// Recipient for RCPT TO [default: the target address, or postmaster@DOMAIN, which RFC 5321 §4.5.1 requires to exist]
    #[arg(long, value_name = "ADDR")]
    pub rcpt: Option<String>,
    /// Most connections open at once
    #[arg(long, value_name = "N", default_value_t = crate::probe::DEFAULT_CONCURRENCY as u16, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub concurrency: u16,
    #[command(flatten)]
    pub tls: TlsArgs,
    #[command(flatten)]
    pub dns: DnsArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct TlsArgs {
    /// auto: STARTTLS when offered; require: no TLS or a bad certificate fails; off: never; implicit: TLS from the first byte (also the default on port 465)
    #[arg(long, value_enum, default_value_t = TlsChoice::Auto, value_name = "MODE")]
    pub tls: TlsChoice,
    /// Short for --tls require
    #[arg(long, conflicts_with = "tls")]
    pub require_tls: bool,
    /// Extra trust anchors (PEM), e.g. a private CA, besides the built-in public roots
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<std::path::PathBuf>,
    /// Warn when the certificate expires within this many days
    #[arg(long, value_name = "DAYS", default_value_t = 14)]
    pub cert_warn_days: u16,
    /// Also test for STARTTLS command injection (CVE-2011-0411) on an extra connection per address
    #[arg(long)]
    pub tls_injection_test: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TlsChoice {
    Auto,
    Require,
    Off,
    Implicit,
}

#[derive(Debug, Args)]
pub struct DnsArgs {
    /// Ask this DNS server (UDP, and TCP for long answers) instead of the system resolver
    #[arg(long, value_name = "IP[:PORT]", value_parser = parse_resolver)]
    pub resolver: Option<SocketAddr>,
    /// Longest wait for any one step (DNS answer, connect, each reply), in seconds
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = parse_seconds)]
    pub timeout: Duration,
    /// Longest the whole run may take, in seconds
    #[arg(long, value_name = "SECS", default_value = "60", value_parser = parse_seconds)]
    pub deadline: Duration,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Print one JSON document on stdout (schema: docs/json-schema.md)
    #[arg(long)]
    pub json: bool,
    /// Print the SMTP transcript of every conversation (-> sent, <- received)
    #[arg(short, long)]
    pub verbose: bool,
    /// When to use colour: auto means only on a terminal and when NO_COLOR is unset
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn parse_seconds(s: &str) -> Result<Duration, String> {
    let secs: f64 = s
        .parse()
        .map_err(|_| format!("\"{s}\" is not a number of seconds"))?;
    if !(0.1..=3600.0).contains(&secs) {
        return Err(format!("{s} is out of range: give 0.1 to 3600 seconds"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// `IP`, `IP:PORT` or `[IPv6]:PORT`; port 53 when absent.
fn parse_resolver(s: &str) -> Result<SocketAddr, String> {
    if let Ok(ip) = s.parse::<std::net::IpAddr>() {
        return Ok(SocketAddr::new(ip, 53));
    }
    s.parse::<SocketAddr>()
        .map_err(|_| format!("\"{s}\" is not IP or IP:PORT (IPv6 with a port: [::1]:5353)"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn resolver_forms() {
        assert_eq!(parse_resolver("127.0.0.1").unwrap().port(), 53);
        assert_eq!(parse_resolver("127.0.0.1:5353").unwrap().port(), 5353);
        assert_eq!(parse_resolver("[::1]:5353").unwrap().port(), 5353);
        assert!(parse_resolver("localhost").is_err());
    }

    #[test]
    fn seconds_in_range() {
        assert_eq!(parse_seconds("2.5").unwrap(), Duration::from_millis(2500));
        assert!(parse_seconds("0").is_err());
        assert!(parse_seconds("abc").is_err());
        assert!(parse_seconds("100000").is_err());
    }
}
