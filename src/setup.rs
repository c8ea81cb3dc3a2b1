//! The setup step between parsing and running: what the options need from
//! outside the command line (files, the environment, a password prompt, the
//! resolver), read here so that `cli` only turns arguments into options.

use crate::cli::{DnsArgs, Inputs, PolicyArgs, ProbeArgs, SecretInput, SendArgs};
use smtpcheck::dns::Dns;
use smtpcheck::smtp::auth::Mechanism;
use smtpcheck::smtp::auth::Secret;
use smtpcheck::target::InputError;
use smtpcheck::tls::TlsClient;
use std::path::Path;
use std::sync::Arc;

/// The TLS configuration: webpki roots and `--ca-file`, read once per run.
fn tls(ca_file: Option<&Path>) -> Option<Result<Arc<TlsClient>, String>> {
    Some(TlsClient::new(ca_file).map(Arc::new))
}

/// `policy`: the TLS configuration for the MTA-STS fetch.
pub fn policy_inputs(args: &PolicyArgs) -> Inputs {
    Inputs {
        tls: tls(args.ca_file.as_deref()),
        ..Inputs::default()
    }
}

/// Credentials, never from the command line: SMTPCHECK_OAUTH_TOKEN (XOAUTH2),
/// SMTPCHECK_PASSWORD, --password-file, or a no-echo prompt on a terminal.
pub fn probe_inputs(args: &ProbeArgs) -> Result<Inputs, InputError> {
    let base = Inputs {
        tls: tls(args.tls.ca_file.as_deref()),
        hostname: hostname(),
        ..Inputs::default()
    };
    let Some(user) = &args.auth_user else {
        return Ok(base);
    };
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let mechanism = args.mechanism();
    let secret = if let Some(t) =
        env("SMTPCHECK_OAUTH_TOKEN").filter(|_| mechanism.is_none_or(|m| m == Mechanism::XOAuth2))
    {
        Some(SecretInput {
            value: Secret::new(t),
            token: true,
        })
    } else if let Some(p) = env("SMTPCHECK_PASSWORD") {
        Some(SecretInput {
            value: Secret::new(p),
            token: false,
        })
    } else if let Some(path) = &args.password_file {
        // The whole file is wiped too, not only the line kept from it.
        let text = zeroize::Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
            InputError(format!(
                "--password-file {}: {}",
                path.display(),
                smtpcheck::words::io(&e)
            ))
        })?);
        Some(SecretInput {
            value: Secret::new(text.lines().next().unwrap_or("").to_string()),
            token: false,
        })
    } else if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        let p = rpassword::prompt_password(format!("Password for {user}: "))
            .map_err(|e| InputError(format!("cannot read the password: {e}")))?;
        Some(SecretInput {
            value: Secret::new(p),
            token: false,
        })
    } else {
        None
    };
    Ok(Inputs { secret, ..base })
}

/// `send`: the credentials, and the body from `--body-file` (or stdin).
pub fn send_inputs(args: &SendArgs) -> Result<Inputs, InputError> {
    let mut inputs = probe_inputs(&args.probe)?;
    inputs.body = match (&args.body, args.body_file.as_deref()) {
        (Some(_), _) | (None, None) => None,
        (None, Some("-")) => Some(
            std::io::read_to_string(std::io::stdin())
                .map_err(|e| InputError(format!("cannot read the body from stdin: {e}")))?,
        ),
        (None, Some(path)) => Some(std::fs::read_to_string(path).map_err(|e| {
            InputError(format!("--body-file {path}: {}", smtpcheck::words::io(&e)))
        })?),
    };
    Ok(inputs)
}

/// The resolver: `--resolver`, or the system configuration, with the
/// `--dnssec-anchor` file read.
pub fn resolver(args: &DnsArgs) -> Result<Dns, String> {
    let dns = resolver_at(args.resolver, args.timeout)?;
    let Some(path) = &args.dnssec_anchor else {
        return Ok(dns);
    };
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "--dnssec-anchor {}: {}",
            path.display(),
            smtpcheck::words::io(&e)
        )
    })?;
    let anchors = smtpcheck::dnssec::Anchors::parse(&text)
        .map_err(|e| format!("--dnssec-anchor {}: {e}", path.display()))?;
    Ok(dns.with_anchors(anchors))
}

/// The resolver at `server` (`--resolver`), or the system's.
pub fn resolver_at(
    server: Option<std::net::SocketAddr>,
    timeout: std::time::Duration,
) -> Result<Dns, String> {
    match server {
        Some(server) => Dns::using(server, timeout),
        None => Dns::system(timeout),
    }
}

/// This machine's host name (the default HELO name).
pub fn hostname() -> Option<String> {
    Some(gethostname::gethostname().to_string_lossy().into_owned())
}
