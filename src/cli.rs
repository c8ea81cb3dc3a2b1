//! The command line, defined once with clap; completions and the man page
//! are generated from this definition.

use clap::{Args, Parser, Subcommand, ValueEnum};
use smtpcheck::probe::{self, Stage, TlsMode};
use smtpcheck::target::{self, InputError};
use smtpcheck::tls::TlsClient;
use std::net::SocketAddr;
use std::sync::Arc;
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
    #[command(
        after_help = "Examples:\n  smtpcheck probe example.com\n  smtpcheck probe user@example.com --from me@example.net\n  smtpcheck probe example.com --server mx2.example.com --port 2525 -v\n  smtpcheck probe example.com --json | jq .verdict\n\nExit codes: 0 pass, 1 warn, 2 fail, 3 could not check (bad input, unusable resolver)."
    )]
    Probe(TargetArgs),
    /// Look up MX records and the addresses of every exchange (DNS only)
    Mx(MxArgs),
    /// The domain's mail policy without SMTP: DNSSEC, DANE records, MTA-STS, TLS-RPT, SPF, DMARC (plus MX and addresses)
    Policy(PolicyArgs),
    /// Ask DNS block lists about IPv4 addresses or domains (a default set of widely used public lists, or --list)
    Blocklist(BlocklistArgs),
    /// Stop after the TCP connection to every exchange address
    Connect(TargetArgs),
    /// Stop after reading every exchange's greeting
    Banner(TargetArgs),
    /// Stop after EHLO: show every exchange's capabilities
    Ehlo(TargetArgs),
    /// Stop after STARTTLS: the TLS session and the certificate of every exchange
    #[command(
        after_help = "Examples:\n  smtpcheck tls example.com\n  smtpcheck tls example.com --server 192.0.2.25 --sni mx.example.com\n\nEnumerates versions, suite families and key exchange on short extra connections (--tls-scan)."
    )]
    Tls(TargetArgs),
    /// Probe many targets (one per line) and print one JSON report per line as each finishes
    #[command(
        after_help = "Examples:\n  smtpcheck scan domains.txt -j 200 -o results.jsonl\n  cat domains.txt | smtpcheck scan - --shard 3/8 > part3.jsonl"
    )]
    Scan(ScanArgs),
    /// Deliver one real test message (DATA) to the MX of the recipient's domain, or to --server
    #[command(
        after_help = "Examples:\n  smtpcheck send --to you@example.com --from me@example.net --subject test --body hello\n  SMTPCHECK_PASSWORD=... smtpcheck send --to you@example.com --from me@example.net --server smtp.example.net --submission --auth-user me@example.net"
    )]
    Send(SendArgs),
    /// Talk SMTP by hand, like telnet to port 25, with TLS in place, AUTH encoding and every reply explained
    #[command(
        after_help = "Examples:\n  smtpcheck session example.com\n  smtpcheck session --server smtp.example.net --port 587\n  printf 'EHLO me.example\\nQUIT\\n' | smtpcheck session example.com\n\nType :help in the session for the helpers (STARTTLS, AUTH, DATA) and local commands.\nExit codes: 0 the last reply was positive (2xx, 3xx), 1 transient (4xx), 2 permanent (5xx), 3 no reply (no connection, a silent or vanished server, bad input)."
    )]
    Session(SessionArgs),
    /// Serve a Prometheus exporter (GET /probe?target=DOMAIN) and a web page for the helpdesk (GET /)
    #[command(
        after_help = "Examples:\n  smtpcheck serve\n  smtpcheck serve --listen 0.0.0.0:9725 --config /etc/smtpcheck/serve.toml --allow example.com\n\nScrape with metrics_path /probe and the target as ?target= (README, \"Monitoring with Prometheus\"). SIGHUP reloads --config.\nOnly probe ever runs over HTTP: never DATA, never a relay test; private and loopback addresses are not contacted unless --allow-private."
    )]
    Serve(ServeArgs),
    /// Explain a reply code (550), an enhanced status code (5.7.1), a reply, or a whole bounce (-: stdin), with the likely cause
    Explain {
        /// e.g. 550, 5.7.1, "550 5.7.1 Relaying denied", or - to read a reply or a bounce from stdin
        #[arg(value_name = "CODE|LINE", num_args = 1.., required = true)]
        code: Vec<String>,
        /// Print one JSON document
        #[arg(long)]
        json: bool,
    },
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
pub struct PolicyArgs {
    /// A domain (example.com) or an address (user@example.com)
    pub target: String,
    /// Extra trust anchors (PEM) for the MTA-STS policy host's certificate
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub sts: StsArgs,
    #[command(flatten)]
    pub dns: DnsArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Where the MTA-STS policy is fetched from.
#[derive(Debug, Args)]
pub struct StsArgs {
    /// The MTA-STS policy host's HTTPS port: RFC 8461 fixes 443; another port is for labs and tests
    #[arg(long, value_name = "PORT", default_value_t = 443, hide = true)]
    pub mta_sts_port: u16,
}

impl PolicyArgs {
    /// The MTA-STS policy fetch needs the TLS configuration `inputs` holds.
    pub fn options(&self, inputs: &Inputs) -> Result<probe::Options, InputError> {
        let mut opts = self.dns.mx_options();
        opts.policy = true;
        opts.transport = true;
        opts.label = Some("policy");
        opts.mta_sts_port = self.sts.mta_sts_port;
        opts.tls = Some(inputs.tls()?);
        Ok(opts)
    }
}

#[derive(Debug, Args)]
pub struct BlocklistArgs {
    /// IPv4 addresses (asked of the IP lists) or domains (asked of the domain lists)
    #[arg(value_name = "IP|DOMAIN", num_args = 1.., required = true)]
    pub targets: Vec<String>,
    /// Ask this list zone instead of the default set (repeatable), e.g. zen.spamhaus.org
    #[arg(long = "list", value_name = "ZONE")]
    pub lists: Vec<String>,
    #[command(flatten)]
    pub dns: DnsArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl BlocklistArgs {
    /// The subjects and the zones to ask, validated.
    pub fn request(&self) -> Result<(Vec<smtpcheck::dnsbl::Subject>, Vec<String>), InputError> {
        use smtpcheck::dnsbl::Subject;
        let subjects = self
            .targets
            .iter()
            .map(|t| match t.trim().parse::<std::net::IpAddr>() {
                Ok(std::net::IpAddr::V4(ip)) => Ok(Subject::Ip(ip.into())),
                Ok(std::net::IpAddr::V6(_)) => Err(InputError(format!("{t}: IPv6 addresses are not asked of block lists yet; give an IPv4 address or a domain"))),
                Err(_) => target::normalize_domain(t, "the target").map(Subject::Domain),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let zones = self
            .lists
            .iter()
            .map(|z| target::normalize_domain(z, "--list"))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((subjects, zones))
    }
}

#[derive(Debug, Args)]
pub struct SessionArgs {
    /// A domain or an address: its MX hosts are tried in preference order, the first address that answers is used; optional with --server
    #[arg(required_unless_present = "server")]
    pub target: Option<String>,
    /// Talk to this host instead of the domain's MX: a name or IP, with an optional port ([::1]:2525)
    #[arg(help_heading = "Target", long, value_name = "HOST[:PORT]")]
    pub server: Option<String>,
    /// Port to connect to
    #[arg(help_heading = "Target", long, default_value_t = 25, value_parser = clap::value_parser!(u16).range(1..))]
    pub port: u16,
    /// Only IPv4 addresses
    #[arg(
        help_heading = "Target",
        short = '4',
        long = "ipv4",
        conflicts_with = "ipv6"
    )]
    pub ipv4: bool,
    /// Only IPv6 addresses
    #[arg(help_heading = "Target", short = '6', long = "ipv6")]
    pub ipv6: bool,
    /// TLS server name (SNI) to send on STARTTLS instead of the exchange's name
    #[arg(help_heading = "Target", long, value_name = "NAME")]
    pub sni: Option<String>,
    /// The name `:headers` puts in the Message-ID (type EHLO yourself) [default: this machine's host name]
    #[arg(
        help_heading = "Transaction",
        long,
        value_name = "NAME",
        env = "SMTPCHECK_HELO"
    )]
    pub helo: Option<String>,
    /// starttls: plaintext first, STARTTLS when you type it; implicit: TLS from the first byte (also the default on port 465)
    #[arg(help_heading = "TLS", long, value_enum, default_value_t = SessionTls::Starttls, value_name = "MODE")]
    pub tls: SessionTls,
    /// Extra trust anchors (PEM), e.g. a private CA, besides the built-in public roots
    #[arg(
        help_heading = "TLS",
        long,
        value_name = "PEM",
        env = "SMTPCHECK_CA_FILE"
    )]
    pub ca_file: Option<std::path::PathBuf>,
    /// Let the AUTH helper send credentials without TLS (anyone on the path can read them)
    #[arg(help_heading = "AUTH", long)]
    pub allow_plaintext_auth: bool,
    /// Ask this DNS server instead of the system resolver
    #[arg(help_heading = "DNS and time", long, value_name = "IP[:PORT]", value_parser = parse_resolver, env = "SMTPCHECK_RESOLVER")]
    pub resolver: Option<SocketAddr>,
    /// Longest wait for a DNS answer, the connection, or any one reply, in seconds
    #[arg(help_heading = "DNS and time", long, value_name = "SECS", default_value = "10", value_parser = parse_seconds, env = "SMTPCHECK_TIMEOUT")]
    pub timeout: Duration,
    /// Print one JSON document at the end: every command, its reply and explanation, and the transcript
    #[arg(help_heading = "Output", long)]
    pub json: bool,
    /// Write the transcript here when the session ends (secrets as ****)
    #[arg(help_heading = "Output", long, value_name = "FILE")]
    pub transcript: Option<std::path::PathBuf>,
    /// The line editor's history file [default: $XDG_STATE_HOME/smtpcheck/session_history, or ~/.local/state/...]
    #[arg(
        help_heading = "Output",
        long,
        value_name = "FILE",
        env = "SMTPCHECK_HISTORY"
    )]
    pub history: Option<std::path::PathBuf>,
    /// Keep no history of this session
    #[arg(help_heading = "Output", long, conflicts_with = "history")]
    pub no_history: bool,
    /// When to use colour: auto means only on a terminal and when NO_COLOR is unset
    #[arg(help_heading = "Output", long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on; anything but loopback exposes the exporter to that network
    #[arg(
        help_heading = "Serving",
        long,
        value_name = "ADDR:PORT",
        default_value = "127.0.0.1:9725"
    )]
    pub listen: SocketAddr,
    /// Modules (named option sets, TOML; README, "Monitoring with Prometheus"); SIGHUP reloads it
    #[arg(help_heading = "Serving", long, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
    /// Most probes running at once; requests beyond get 503
    #[arg(help_heading = "Serving", long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub max_concurrent: u16,
    /// Requests per client address per minute; more get 429
    #[arg(help_heading = "Serving", long, value_name = "N", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..))]
    pub rate: u32,
    /// Seconds a result is served again for the same target and module (0: never)
    #[arg(help_heading = "Serving", long, value_name = "SECS", default_value = "60", value_parser = parse_seconds_or_zero)]
    pub cache: Duration,
    /// Probe only this domain and its subdomains (repeat for more); without it, any domain
    #[arg(help_heading = "Serving", long = "allow", value_name = "DOMAIN")]
    pub allow: Vec<String>,
    /// Connect to MX addresses in private, loopback or reserved ranges (labs); off, such addresses are never contacted
    #[arg(help_heading = "Serving", long)]
    pub allow_private: bool,
    /// The HELO name for modules that give none [default: this machine's host name]
    #[arg(
        help_heading = "Serving",
        long,
        value_name = "NAME",
        env = "SMTPCHECK_HELO"
    )]
    pub helo: Option<String>,
    /// Extra trust anchors (PEM) besides the built-in public roots
    #[arg(
        help_heading = "Serving",
        long,
        value_name = "PEM",
        env = "SMTPCHECK_CA_FILE"
    )]
    pub ca_file: Option<std::path::PathBuf>,
    /// Ask this DNS server instead of the system resolver
    #[arg(help_heading = "Serving", long, value_name = "IP[:PORT]", value_parser = parse_resolver, env = "SMTPCHECK_RESOLVER")]
    pub resolver: Option<SocketAddr>,
}

impl ServeArgs {
    /// The exporter's settings, checked.
    pub fn settings(
        &self,
        hostname: Option<&str>,
    ) -> Result<smtpcheck::serve::Settings, InputError> {
        let allow = self
            .allow
            .iter()
            .map(|d| target::normalize_domain(d, "--allow"))
            .collect::<Result<Vec<_>, _>>()?;
        let helo = match &self.helo {
            Some(name) => target::parse_helo(name)?,
            None => default_helo(hostname),
        };
        Ok(smtpcheck::serve::Settings {
            max_concurrent: usize::from(self.max_concurrent),
            rate_per_minute: self.rate,
            cache_ttl: self.cache,
            allow,
            allow_private: self.allow_private,
            helo,
            config: self.config.clone(),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SessionTls {
    Starttls,
    Implicit,
}

impl SessionArgs {
    /// The target to route, and the options the session runs under.
    pub fn options(
        &self,
        tls: Arc<smtpcheck::tls::TlsClient>,
        hostname: Option<&str>,
    ) -> Result<(String, probe::Options), InputError> {
        let mut opts = probe::Options::new(Stage::Tls);
        opts.server = self
            .server
            .as_deref()
            .map(target::parse_server)
            .transpose()?;
        let input = match (&self.target, &opts.server) {
            (Some(t), _) => t.clone(),
            (None, Some(server)) => match &server.host {
                target::Host::Name(name) => name.clone(),
                target::Host::Ip(ip) => ip.to_string(),
            },
            (None, None) => return Err(InputError("give a domain, an address or --server".into())),
        };
        opts.port = self.port;
        opts.helo = match &self.helo {
            Some(name) => target::parse_helo(name)?,
            None => default_helo(hostname),
        };
        opts.step_timeout = self.timeout;
        opts.tls_mode = match self.tls {
            SessionTls::Starttls => TlsMode::Auto,
            SessionTls::Implicit => TlsMode::Implicit,
        };
        opts.tls = Some(tls);
        opts.sni = self.sni.clone();
        opts.family = family_of(self.ipv4, self.ipv6);
        Ok((input, opts))
    }

    /// Where the line editor keeps its history, unless told not to.
    pub fn history_file(&self) -> Option<std::path::PathBuf> {
        if self.no_history {
            return None;
        }
        if let Some(path) = &self.history {
            return Some(path.clone());
        }
        let state = std::env::var_os("XDG_STATE_HOME")
            .filter(|v| !v.is_empty())
            .map(std::path::PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".local/state"))
            })?;
        Some(state.join("smtpcheck").join("session_history"))
    }
}

#[derive(Debug, Args)]
pub struct TargetArgs {
    /// A domain (example.com) or an address (user@example.com, which becomes the recipient); with --server, the server's name when absent
    #[arg(required_unless_present = "server")]
    pub target: Option<String>,
    #[command(flatten)]
    pub probe: ProbeArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

impl TargetArgs {
    /// The target as given; without one (`--server` alone), the `--rcpt`
    /// address, else the server's own name (postmaster@ it is the
    /// recipient, RFC 5321 §4.5.1).
    pub fn target(&self) -> Result<String, InputError> {
        if let Some(t) = &self.target {
            return Ok(t.clone());
        }
        if let Some(r) = &self.probe.rcpt {
            return Ok(r.clone());
        }
        let server = self.probe.server.as_deref().unwrap_or_default();
        match target::parse_server(server)?.host {
            target::Host::Name(name) => Ok(name),
            target::Host::Ip(ip) => Err(InputError(format!("--server {ip} names no domain to test: give the target domain or address, or --rcpt ADDRESS"))),
        }
    }
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// File with one target per line (blank lines and # comments skipped); - or nothing reads stdin
    #[arg(value_name = "FILE|-")]
    pub input: Option<String>,
    /// Targets probed at once
    #[arg(short = 'j', long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=10000))]
    pub jobs: u32,
    /// Most connections to one IP address at a time, across all targets (politeness)
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub per_ip: u32,
    /// Take only share K of N of the input (0 <= K < N), by a stable hash of the domain
    #[arg(long, value_name = "K/N", value_parser = crate::scan::Shard::parse)]
    pub shard: Option<crate::scan::Shard>,
    /// Write the JSON Lines here instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// Also run DNSSEC, DANE, MTA-STS, TLS-RPT and the sender simulation for every target (off in scan: they double the DNS questions per target)
    #[arg(long)]
    pub transport_policy: bool,
    #[command(flatten)]
    pub probe: ProbeArgs,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// Recipient (repeat for more); the first one's domain is where the message goes, unless --server
    #[arg(long, value_name = "ADDR", required = true)]
    pub to: Vec<String>,
    /// Copy recipient, shown in the Cc: header (repeatable)
    #[arg(long, value_name = "ADDR")]
    pub cc: Vec<String>,
    /// Blind copy recipient, in the envelope only (repeatable)
    #[arg(long, value_name = "ADDR")]
    pub bcc: Vec<String>,
    /// Subject of the test message
    #[arg(long, default_value = "smtpcheck test message")]
    pub subject: String,
    /// Body text
    #[arg(long, value_name = "TEXT", conflicts_with = "body_file")]
    pub body: Option<String>,
    /// Body from a file, or - for stdin
    #[arg(long, value_name = "FILE|-")]
    pub body_file: Option<String>,
    /// An extra header, "Name: value" (repeatable)
    #[arg(long, value_name = "HEADER")]
    pub header: Vec<String>,
    /// Send the message with BDAT instead of DATA when the server offers CHUNKING (RFC 3030)
    #[arg(long)]
    pub chunking: bool,
    /// Ask for delivery status notifications when the server offers DSN (RFC 3461): never, or a list of success,failure,delay
    #[arg(long, value_name = "WHEN", value_parser = smtpcheck::smtp::Notify::parse)]
    pub notify: Option<smtpcheck::smtp::Notify>,
    #[command(flatten)]
    pub probe: ProbeArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuthMech {
    Plain,
    Login,
    #[value(name = "cram-md5")]
    CramMd5,
    Xoauth2,
}

#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// Probe this host instead of the domain's MX: a name or IP, with an optional port ([::1]:2525)
    #[arg(help_heading = "Target", long, value_name = "HOST[:PORT]")]
    pub server: Option<String>,
    /// Port to connect to on every exchange
    #[arg(help_heading = "Target", long, default_value_t = 25, value_parser = clap::value_parser!(u16).range(1..))]
    pub port: u16,
    /// Only IPv4: probe the A addresses of every exchange, leave out AAAA
    #[arg(
        help_heading = "Target",
        short = '4',
        long = "ipv4",
        conflicts_with = "ipv6"
    )]
    pub ipv4: bool,
    /// Only IPv6: probe the AAAA addresses of every exchange, leave out A
    #[arg(help_heading = "Target", short = '6', long = "ipv6")]
    pub ipv6: bool,
    /// Connect from this local address, e.g. to repeat a relay test from an address the server does not trust; implies its address family
    #[arg(help_heading = "Target", long, value_name = "IP")]
    pub source: Option<std::net::IpAddr>,
    /// TLS server name (SNI) to send instead of the exchange's name; the certificate is still checked against the exchange's name, as senders do
    #[arg(help_heading = "Target", long, value_name = "NAME")]
    pub sni: Option<String>,
    /// Name to introduce ourselves with in EHLO/HELO [default: this machine's host name]
    #[arg(
        help_heading = "Transaction",
        long,
        value_name = "NAME",
        env = "SMTPCHECK_HELO"
    )]
    pub helo: Option<String>,
    /// Sender for MAIL FROM; "<>" is the null sender, which servers must accept (RFC 5321 §4.5.5)
    #[arg(
        help_heading = "Transaction",
        long,
        value_name = "ADDR",
        default_value = "<>",
        env = "SMTPCHECK_FROM"
    )]
    pub from: String,
    /// Recipient for RCPT TO [default: the target address, or postmaster@DOMAIN, which RFC 5321 §4.5.1 requires to exist]
    #[arg(help_heading = "Transaction", long, value_name = "ADDR")]
    pub rcpt: Option<String>,
    /// Stop cleanly with QUIT after this phase (swaks's --quit-after); later phases show as skip
    #[arg(help_heading = "Transaction", long, value_name = "PHASE", value_parser = quit_after_parser(), ignore_case = true)]
    pub quit_after: Option<Stage>,
    /// After a greylisting reply, wait this many seconds and try once more on a new connection
    #[arg(help_heading = "Transaction", long, value_name = "SECS", value_parser = parse_seconds)]
    pub retry_greylist: Option<Duration>,
    /// Most connections open at once
    #[arg(help_heading = "Transaction", long, value_name = "N", default_value_t = smtpcheck::probe::DEFAULT_CONCURRENCY as u16, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub concurrency: u16,
    /// Also try to relay between two reserved domains (RFC 2606) on an extra connection: is it an open relay? Never sends DATA
    #[arg(help_heading = "Extra tests", long)]
    pub relay_test: bool,
    /// Also ask VRFY and EXPN postmaster on an extra connection: does the server disclose addresses?
    #[arg(help_heading = "Extra tests", long)]
    pub vrfy: bool,
    /// Also check the domain's SPF and DMARC records
    #[arg(help_heading = "Extra tests", long)]
    pub policy: bool,
    /// Skip the DNSSEC, DANE, MTA-STS and TLS-RPT checks and the sender simulation (on by default)
    #[arg(help_heading = "Extra tests", long)]
    pub no_transport_policy: bool,
    /// Authenticate as this user (RFC 4954); the secret comes from SMTPCHECK_PASSWORD or SMTPCHECK_OAUTH_TOKEN, --password-file, or a prompt on a terminal
    #[arg(help_heading = "AUTH", long, value_name = "NAME")]
    pub auth_user: Option<String>,
    /// AUTH mechanism [default: the strongest both sides have]
    #[arg(
        help_heading = "AUTH",
        long,
        value_enum,
        value_name = "MECH",
        ignore_case = true
    )]
    pub auth_mech: Option<AuthMech>,
    /// Read the password (first line) from this file
    #[arg(help_heading = "AUTH", long, value_name = "FILE")]
    pub password_file: Option<std::path::PathBuf>,
    /// Send credentials even without TLS (anyone on the path can read them)
    #[arg(help_heading = "AUTH", long)]
    pub allow_plaintext_auth: bool,
    /// Check a submission service: port 587, STARTTLS required, AUTH expected (RFC 6409)
    #[arg(help_heading = "AUTH", long)]
    pub submission: bool,
    #[command(flatten)]
    pub sts: StsArgs,
    #[command(flatten)]
    pub tls: TlsArgs,
    #[command(flatten)]
    pub dns: DnsArgs,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "TLS")]
pub struct TlsArgs {
    /// auto: STARTTLS when offered; require: no TLS or a bad certificate fails; off: never; implicit: TLS from the first byte (also the default on port 465)
    #[arg(long, value_enum, default_value_t = TlsChoice::Auto, value_name = "MODE")]
    pub tls: TlsChoice,
    /// Short for --tls require
    #[arg(long, conflicts_with = "tls")]
    pub require_tls: bool,
    /// Extra trust anchors (PEM), e.g. a private CA, besides the built-in public roots
    #[arg(long, value_name = "PEM", env = "SMTPCHECK_CA_FILE")]
    pub ca_file: Option<std::path::PathBuf>,
    /// Warn when the certificate expires within this many days
    #[arg(long, value_name = "DAYS", default_value_t = 14)]
    pub cert_warn_days: u16,
    /// Monitoring thresholds on the certificate: warn within WARN days, fail within CRIT days
    #[arg(long, value_name = "WARN[,CRIT]", value_parser = parse_cert_days, conflicts_with = "cert_warn_days")]
    pub cert_days: Option<(u16, Option<u16>)>,
    /// Also test for STARTTLS command injection (CVE-2011-0411) on an extra connection per address
    #[arg(long)]
    pub tls_injection_test: bool,
    /// Also enumerate the TLS versions (SSLv3 to TLS 1.3) and grade them and the suites chosen, in internet.nl's terms; up to 12 short extra connections per address, one per version and per weak suite family (on by default in `smtpcheck tls`)
    #[arg(long)]
    pub tls_scan: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TlsChoice {
    Auto,
    Require,
    Off,
    Implicit,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "DNS and time")]
pub struct DnsArgs {
    /// Ask this DNS server (UDP, and TCP for long answers) instead of the system resolver
    #[arg(long, value_name = "IP[:PORT]", value_parser = parse_resolver, env = "SMTPCHECK_RESOLVER")]
    pub resolver: Option<SocketAddr>,
    /// Longest wait for any one step (DNS answer, connect, each reply), in seconds
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = parse_seconds, env = "SMTPCHECK_TIMEOUT")]
    pub timeout: Duration,
    /// Longest the whole run may take, in seconds
    #[arg(long, value_name = "SECS", default_value = "60", value_parser = parse_seconds)]
    pub deadline: Duration,
    /// Accept MX addresses in private, loopback or reserved ranges (labs, internal mail) without a warning
    #[arg(long)]
    pub allow_private: bool,
    /// Extra DNSSEC trust anchors: DNSKEY or DS records in zone-file syntax (lab and private zones); the root's anchors always apply
    #[arg(long, value_name = "FILE")]
    pub dnssec_anchor: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Output and monitoring")]
pub struct OutputArgs {
    /// Print one JSON document on stdout (schema: docs/json-schema.md); short for --format json
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// human: the report for a person; json: one JSON document; nagios: one monitoring-plugins status line with perfdata
    #[arg(long, value_enum, default_value_t = Format::Human, value_name = "FORMAT")]
    pub format: Format,
    /// Warn when the whole run takes longer than this many seconds (monitoring threshold)
    #[arg(long, value_name = "SECS", value_parser = parse_seconds)]
    pub warning: Option<Duration>,
    /// Fail when the whole run takes longer than this many seconds (monitoring threshold)
    #[arg(long, value_name = "SECS", value_parser = parse_seconds)]
    pub critical: Option<Duration>,
    /// Print the SMTP transcript of every conversation (-> sent, <- received)
    #[arg(short, long)]
    pub verbose: bool,
    /// When to use colour: auto means only on a terminal and when NO_COLOR is unset
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

impl OutputArgs {
    pub fn format(&self) -> Format {
        if self.json {
            Format::Json
        } else {
            self.format
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Nagios,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ProbeArgs {
    /// `-4`, `-6`, `--source` and `--sni` into the options.
    fn network(&self, opts: &mut probe::Options) -> Result<(), InputError> {
        use smtpcheck::observe::Family;
        let asked = family_of(self.ipv4, self.ipv6);
        let source = self.source.map(Family::of);
        if let (Some(a), Some(s)) = (asked, source) {
            if a != s {
                return Err(InputError(format!(
                    "--source {} is an {} address, but {} asks for {} only",
                    self.source
                        .unwrap_or(std::net::Ipv4Addr::UNSPECIFIED.into()),
                    s.name(),
                    if a == Family::V4 { "-4" } else { "-6" },
                    a.name()
                )));
            }
        }
        opts.family = asked.or(source);
        if self.source.is_some() {
            opts.connector = probe::connect::tcp_from(self.source);
        }
        opts.sni = self
            .sni
            .as_deref()
            .map(|n| target::normalize_domain(n, "--sni"))
            .transpose()?;
        Ok(())
    }

    /// Options that only make sense with the transaction, refused by the
    /// step commands instead of being accepted and ignored.
    fn refuse_unused(&self, stage: Stage) -> Result<(), InputError> {
        let command = stage.command();
        let needs_rcpt = [
            (self.relay_test, "--relay-test"),
            (self.vrfy, "--vrfy"),
            (self.retry_greylist.is_some(), "--retry-greylist"),
            (self.rcpt.is_some() && stage < Stage::Rcpt, "--rcpt"),
        ];
        if stage < Stage::Rcpt {
            if let Some((_, flag)) = needs_rcpt.iter().find(|(given, _)| *given) {
                return Err(InputError(format!("{flag} needs the mail transaction, which {command} does not run: use smtpcheck probe")));
            }
            if let Some(q) = self.quit_after.filter(|q| *q >= stage) {
                return Err(InputError(format!(
                    "--quit-after {} is after where {command} stops anyway",
                    q.phase()
                )));
            }
        }
        Ok(())
    }

    /// The engine's options for `stage`, every value validated.
    pub fn options(&self, stage: Stage, inputs: &Inputs) -> Result<probe::Options, InputError> {
        self.refuse_unused(stage)?;
        let mut opts = probe::Options::new(stage);
        opts.server = self
            .server
            .as_deref()
            .map(target::parse_server)
            .transpose()?;
        opts.port = self.port;
        opts.helo = match &self.helo {
            Some(name) => target::parse_helo(name)?,
            None => default_helo(inputs.hostname.as_deref()),
        };
        opts.sender = target::parse_sender(&self.from)?;
        opts.recipient = self
            .rcpt
            .as_deref()
            .map(|r| target::parse_address(r, "the recipient address"))
            .transpose()?
            .unwrap_or_default();
        opts.concurrency = usize::from(self.concurrency);
        opts.step_timeout = self.dns.timeout;
        opts.overall_timeout = self.dns.deadline;
        opts.allow_private = self.dns.allow_private;
        opts.tls_mode = match (self.tls.require_tls, self.tls.tls) {
            (true, _) | (_, TlsChoice::Require) => TlsMode::Require,
            (_, TlsChoice::Auto) => TlsMode::Auto,
            (_, TlsChoice::Off) => TlsMode::Off,
            (_, TlsChoice::Implicit) => TlsMode::Implicit,
        };
        opts.cert_warn_days = i64::from(self.tls.cert_warn_days);
        if let Some((warn, crit)) = self.tls.cert_days {
            opts.cert_warn_days = i64::from(warn);
            opts.cert_crit_days = crit.map(i64::from);
        }
        opts.injection_test = self.tls.tls_injection_test;
        opts.tls_scan = self.tls.tls_scan || stage == Stage::Tls;
        opts.quit_after = self.quit_after;
        if self.submission {
            opts.port = 587;
            opts.tls_mode = TlsMode::Require;
            opts.auth_expected = true;
        }
        opts.auth = self.auth_plan(inputs)?;
        opts.retry_greylist = self.retry_greylist;
        opts.relay_test = self.relay_test;
        opts.policy = self.policy;
        // DANE and MTA-STS are about relaying to the domain's MX (RFC 7672,
        // RFC 8461): not about submission, a host named with --server, or
        // the single-step commands.
        opts.transport = !self.no_transport_policy
            && !self.submission
            && opts.server.is_none()
            && stage >= Stage::Rcpt;
        opts.vrfy = self.vrfy;
        opts.mta_sts_port = self.sts.mta_sts_port;
        self.network(&mut opts)?;
        let port = opts
            .server
            .as_ref()
            .and_then(|s| s.port)
            .unwrap_or(self.port);
        let needs_tls = stage >= Stage::Tls || port == 465 || opts.tls_mode == TlsMode::Implicit;
        if needs_tls && opts.tls_mode != TlsMode::Off {
            // Parsed once per run and shared by every connection.
            opts.tls = Some(inputs.tls()?);
        }
        Ok(opts)
    }
}

impl ProbeArgs {
    /// The AUTH mechanism asked for with `--auth-mech`.
    pub fn mechanism(&self) -> Option<smtpcheck::smtp::auth::Mechanism> {
        use smtpcheck::smtp::auth::Mechanism;
        self.auth_mech.map(|m| match m {
            AuthMech::Plain => Mechanism::Plain,
            AuthMech::Login => Mechanism::Login,
            AuthMech::CramMd5 => Mechanism::CramMd5,
            AuthMech::Xoauth2 => Mechanism::XOAuth2,
        })
    }

    /// Who to authenticate as, with the secret the setup step found.
    fn auth_plan(
        &self,
        inputs: &Inputs,
    ) -> Result<Option<probe::conversation::AuthPlan>, InputError> {
        let Some(user) = &self.auth_user else {
            return Ok(None);
        };
        smtpcheck::smtp::check_argument("--auth-user", user)
            .map_err(|e| InputError(e.to_string()))?;
        let Some(secret) = &inputs.secret else {
            return Err(InputError("--auth-user needs a secret: set SMTPCHECK_PASSWORD (or SMTPCHECK_OAUTH_TOKEN), or use --password-file".into()));
        };
        Ok(Some(probe::conversation::AuthPlan {
            user: user.clone(),
            secret: secret.value.clone(),
            token: secret.token,
            mechanism: self.mechanism(),
            allow_plaintext: self.allow_plaintext_auth,
        }))
    }
}

/// What the setup step read for the options (files, the environment, a
/// prompt), so that turning arguments into options does no I/O.
#[derive(Default)]
pub struct Inputs {
    pub secret: Option<SecretInput>,
    /// `send --body-file`: the body as read.
    pub body: Option<String>,
    /// The TLS configuration with `--ca-file` read, or why it could not be made.
    pub tls: Option<Result<Arc<TlsClient>, String>>,
    /// This machine's host name (the default HELO name).
    pub hostname: Option<String>,
}

impl Inputs {
    fn tls(&self) -> Result<Arc<TlsClient>, InputError> {
        match &self.tls {
            Some(Ok(client)) => Ok(client.clone()),
            Some(Err(e)) => Err(InputError(e.clone())),
            None => Err(InputError("no TLS configuration was set up".into())),
        }
    }
}

/// A password or an OAuth token (XOAUTH2).
pub struct SecretInput {
    /// Held as a [`Secret`] from the moment it is read: never printed,
    /// wiped when dropped.
    pub value: smtpcheck::smtp::auth::Secret,
    pub token: bool,
}

impl SendArgs {
    /// The engine's options for `send` and the target (the first recipient).
    pub fn options(&self, inputs: &Inputs) -> Result<(String, probe::Options), InputError> {
        if self.probe.rcpt.is_some() {
            return Err(InputError(
                "send takes its recipients from --to, --cc and --bcc, not --rcpt".into(),
            ));
        }
        let mut opts = self.probe.options(Stage::Data, inputs)?;
        let parse = |list: &[String]| -> Result<Vec<String>, InputError> {
            list.iter()
                .map(|a| target::parse_address(a, "the recipient address"))
                .collect()
        };
        let (to, cc, bcc) = (parse(&self.to)?, parse(&self.cc)?, parse(&self.bcc)?);
        let first = to
            .first()
            .cloned()
            .ok_or_else(|| InputError("--to is required".into()))?;
        let domain = first
            .rsplit_once('@')
            .map(|(_, d)| d.to_string())
            .unwrap_or_default();
        let all: Vec<String> = to.iter().chain(&cc).chain(&bcc).cloned().collect();
        // One connection per MX: every recipient must be in the first one's domain unless --server.
        if opts.server.is_none() {
            if let Some(other) = all.iter().find(|a| !a.ends_with(&format!("@{domain}"))) {
                return Err(InputError(format!("{other} is not in {domain}: send to one domain at a time, or name the host with --server")));
            }
        }
        let body = match (&self.body, &inputs.body) {
            (Some(text), _) | (None, Some(text)) => text.clone(),
            (None, None) => "This is a test message sent by smtpcheck to check that mail reaches this address.\nNo action is needed.".to_string(),
        };
        let headers = self
            .header
            .iter()
            .map(|h| smtpcheck::message::parse_header(h).map_err(InputError))
            .collect::<Result<Vec<_>, _>>()?;
        // A derived sender (user@hostname) is rarely a domain that
        // resolves, and receivers refuse or junk a message from the null
        // sender: the user names the sender, which is also From: (RFC 5322
        // §3.6.2 requires one).
        if opts.sender.is_empty() {
            return Err(InputError("send needs --from ADDRESS: the envelope sender and From: of the test message (receivers refuse messages from <> or from a domain that does not exist)".into()));
        }
        let draft = smtpcheck::message::Draft {
            from: opts.sender.clone(),
            to,
            cc,
            subject: self.subject.clone(),
            body,
            headers,
            helo: opts.helo.clone(),
        };
        if draft.subject.contains(['\r', '\n', '\0']) {
            return Err(InputError("--subject contains a line break or NUL".into()));
        }
        let message =
            smtpcheck::message::build(&draft, std::time::SystemTime::now()).map_err(InputError)?;
        opts.message = Some(Arc::new(smtpcheck::message::dot_stuff(&message)));
        opts.message_raw = Some(Arc::new(message));
        opts.chunking = self.chunking;
        opts.notify = self.notify.clone();
        opts.recipient = first.clone();
        opts.extra_recipients = all.into_iter().skip(1).collect();
        Ok((first, opts))
    }
}

/// `--quit-after PHASE`: the phases a conversation can stop after, by
/// their own word ([`Stage::phase`]).
fn quit_after_parser() -> impl clap::builder::TypedValueParser<Value = Stage> {
    const POINTS: [Stage; 7] = [
        Stage::Connect,
        Stage::Banner,
        Stage::Ehlo,
        Stage::Tls,
        Stage::Auth,
        Stage::Mail,
        Stage::Rcpt,
    ];
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(POINTS.map(Stage::phase)).map(|word| {
        POINTS
            .into_iter()
            // ignore_case: swaks users type RCPT
            .find(|s| s.phase().eq_ignore_ascii_case(&word))
            .expect("a listed phase")
    })
}

impl DnsArgs {
    /// Options for the DNS-only `mx` command.
    pub fn mx_options(&self) -> probe::Options {
        let mut opts = probe::Options::new(Stage::Mx);
        opts.step_timeout = self.timeout;
        opts.overall_timeout = self.deadline;
        opts.allow_private = self.allow_private;
        opts
    }
}

/// `-4` or `-6`, when given.
fn family_of(ipv4: bool, ipv6: bool) -> Option<smtpcheck::observe::Family> {
    use smtpcheck::observe::Family;
    match (ipv4, ipv6) {
        (true, _) => Some(Family::V4),
        (_, true) => Some(Family::V6),
        _ => None,
    }
}

/// This machine's host name when it is a valid domain, else "localhost".
/// Servers that insist on a fully-qualified, resolving HELO name (Postfix's
/// reject_non_fqdn_helo_hostname) need `--helo`.
fn default_helo(hostname: Option<&str>) -> String {
    hostname
        .and_then(|name| target::normalize_domain(name, "the host name").ok())
        .unwrap_or_else(|| "localhost".to_string())
}

/// Seconds, where 0 is allowed (`--cache 0`: no cache).
fn parse_seconds_or_zero(s: &str) -> Result<Duration, String> {
    match s.trim() {
        "0" => Ok(Duration::ZERO),
        other => parse_seconds(other),
    }
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

/// `WARN` or `WARN,CRIT` days, CRIT below WARN.
fn parse_cert_days(s: &str) -> Result<(u16, Option<u16>), String> {
    let number = |t: &str| {
        t.trim()
            .parse::<u16>()
            .map_err(|_| format!("\"{t}\" is not a number of days"))
    };
    match s.split_once(',') {
        None => Ok((number(s)?, None)),
        Some((w, c)) => {
            let (w, c) = (number(w)?, number(c)?);
            if c > w {
                return Err(format!(
                    "{s}: the critical number of days must not exceed the warning one"
                ));
            }
            Ok((w, Some(c)))
        }
    }
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
    fn mechanisms_and_phases_are_case_insensitive() {
        use clap::Parser;
        let cli = Cli::try_parse_from([
            "smtpcheck",
            "probe",
            "d.test",
            "--auth-mech",
            "PLAIN",
            "--quit-after",
            "RCPT",
        ])
        .expect("capitals accepted");
        let Command::Probe(args) = cli.command else {
            panic!("probe");
        };
        assert_eq!(args.probe.quit_after, Some(Stage::Rcpt));
        assert_eq!(
            args.probe.mechanism(),
            Some(smtpcheck::smtp::auth::Mechanism::Plain)
        );
    }

    #[test]
    fn cert_days_forms() {
        assert_eq!(parse_cert_days("30"), Ok((30, None)));
        assert_eq!(parse_cert_days("30,7"), Ok((30, Some(7))));
        assert!(parse_cert_days("7,30").is_err());
        assert!(parse_cert_days("x").is_err());
    }

    #[test]
    fn seconds_in_range() {
        assert_eq!(parse_seconds("2.5").unwrap(), Duration::from_millis(2500));
        assert!(parse_seconds("0").is_err());
        assert!(parse_seconds("abc").is_err());
        assert!(parse_seconds("100000").is_err());
    }
}
