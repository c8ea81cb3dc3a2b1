//! smtpcheck: parse, run, render, exit. Everything else is in the library.

use clap::Parser;
use smtpcheck::cli::{Cli, ColorChoice, Command, OutputArgs, TargetArgs, TlsChoice};
use smtpcheck::dns::Dns;
use smtpcheck::probe::TlsMode;
use smtpcheck::probe::{self, Stage};
use smtpcheck::render::{self, human::Style};
use smtpcheck::report::Report;
use smtpcheck::target::{self, InputError, Target};
use smtpcheck::tls::TlsClient;
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    match cli.command {
        Command::Completions { shell } => emit(|out| smtpcheck::generate::completions(shell, out)),
        Command::Man => emit(smtpcheck::generate::man),
        Command::Mx(args) => {
            let opts = probe_options(Stage::Mx, None);
            run(&args.target, &args.dns, &args.output, opts)
        }
        Command::Probe(args) => run_stage(Stage::Rcpt, args),
        Command::Connect(args) => run_stage(Stage::Connect, args),
        Command::Banner(args) => run_stage(Stage::Banner, args),
        Command::Ehlo(args) => run_stage(Stage::Ehlo, args),
        Command::Tls(args) => run_stage(Stage::Tls, args),
    }
}

/// Usage errors exit 3 (could not check), not clap's 2, which means "fail"
/// here; `--help` and `--version` exit 0. With `--json` anywhere on the line,
/// stdout still gets a JSON document.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let _ = e.print();
    if std::env::args().any(|a| a == "--json") {
        let first_line = e
            .to_string()
            .lines()
            .next()
            .unwrap_or("usage error")
            .trim_start_matches("error: ")
            .to_string();
        let report = Report::error("", "", first_line);
        let _ = write_stdout(|out| render::json::render(&report, out));
    }
    ExitCode::from(3)
}

fn run_stage(stage: Stage, args: TargetArgs) -> ExitCode {
    let opts = probe_options(stage, Some(&args));
    run(&args.target, &args.dns, &args.output, opts)
}

fn probe_options(stage: Stage, args: Option<&TargetArgs>) -> Result<probe::Options, InputError> {
    let mut opts = probe::Options {
        stage,
        server: None,
        port: 25,
        helo: String::new(),
        sender: String::new(),
        recipient: String::new(),
        step_timeout: std::time::Duration::from_secs(10),
        overall_timeout: std::time::Duration::from_secs(60),
        concurrency: probe::DEFAULT_CONCURRENCY,
        tls_mode: TlsMode::Auto,
        tls: None,
        cert_warn_days: 14,
        injection_test: false,
    };
    if let Some(args) = args {
        opts.server = args
            .server
            .as_deref()
            .map(target::parse_server)
            .transpose()?;
        opts.port = args.port;
        opts.helo = match &args.helo {
            Some(name) => target::normalize_domain(name, "--helo")?,
            None => default_helo(),
        };
        opts.sender = target::parse_sender(&args.from)?;
        opts.recipient = args
            .rcpt
            .as_deref()
            .map(|r| target::parse_address(r, "the recipient address"))
            .transpose()?
            .unwrap_or_default();
        opts.concurrency = usize::from(args.concurrency);
        opts.tls_mode = match (args.tls.require_tls, args.tls.tls) {
            (true, _) | (_, TlsChoice::Require) => TlsMode::Require,
            (_, TlsChoice::Auto) => TlsMode::Auto,
            (_, TlsChoice::Off) => TlsMode::Off,
            (_, TlsChoice::Implicit) => TlsMode::Implicit,
        };
        opts.cert_warn_days = i64::from(args.tls.cert_warn_days);
        opts.injection_test = args.tls.tls_injection_test;
        let port = opts
            .server
            .as_ref()
            .and_then(|s| s.port)
            .unwrap_or(args.port);
        let needs_tls = stage >= Stage::Tls || port == 465 || opts.tls_mode == TlsMode::Implicit;
        if needs_tls && opts.tls_mode != TlsMode::Off {
            // Parsed once per run and shared by every connection.
            let client = TlsClient::new(args.tls.ca_file.as_deref()).map_err(InputError)?;
            opts.tls = Some(Arc::new(client));
        }
    }
    Ok(opts)
}

/// This machine's host name when it is a valid domain, else "localhost".
/// Servers that insist on a fully-qualified, resolving HELO name (Postfix's
/// reject_non_fqdn_helo_hostname) need `--helo`.
fn default_helo() -> String {
    let name = gethostname::gethostname().to_string_lossy().into_owned();
    target::normalize_domain(&name, "the host name").unwrap_or_else(|_| "localhost".to_string())
}

fn run(
    target_input: &str,
    dns_args: &smtpcheck::cli::DnsArgs,
    output: &OutputArgs,
    opts: Result<probe::Options, InputError>,
) -> ExitCode {
    let command = opts.as_ref().map(|o| o.stage.command()).unwrap_or("probe");
    let prepared = opts.and_then(|mut opts| {
        let target = target::parse_target(target_input)?;
        if opts.recipient.is_empty() {
            opts.recipient = target
                .address
                .clone()
                .unwrap_or_else(|| format!("postmaster@{}", target.domain));
        }
        opts.step_timeout = dns_args.timeout;
        opts.overall_timeout = dns_args.deadline;
        Ok((target, opts))
    });
    let report = match prepared {
        Ok((target, opts)) => execute(&target, opts, dns_args, output),
        Err(e) => Report::error(command, target_input, e.to_string()),
    };
    if let Some(error) = &report.error {
        eprintln!("smtpcheck: error: {error}");
    }
    let style = Style {
        color: use_color(output.color),
        transcript: output.verbose,
    };
    colored::control::set_override(style.color);
    // A closed stdout is not a reason to change the exit code.
    let _ = write_stdout(|out| {
        if output.json {
            render::json::render(&report, out)
        } else if report.error.is_some() {
            Ok(()) // the one line on stderr says it all
        } else {
            render::human::render(&report, style, out)
        }
    });
    ExitCode::from(report.exit_code)
}

fn execute(
    target: &Target,
    opts: probe::Options,
    dns_args: &smtpcheck::cli::DnsArgs,
    output: &OutputArgs,
) -> Report {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            return Report::error(
                opts.stage.command(),
                &target.input,
                format!("cannot start the async runtime: {e}"),
            )
        }
    };
    runtime.block_on(async {
        let dns = match dns_args.resolver {
            Some(server) => Dns::using(server, dns_args.timeout),
            None => Dns::system(dns_args.timeout),
        };
        let dns = match dns {
            Ok(dns) => dns,
            Err(e) => return Report::error(opts.stage.command(), &target.input, e),
        };
        let spinner = spinner(output, target);
        let report = probe::run(&dns, target, &opts).await;
        if let Some(s) = spinner {
            s.finish_and_clear();
        }
        report
    })
}

/// A spinner on stderr, only for a person watching a terminal.
fn spinner(output: &OutputArgs, target: &Target) -> Option<indicatif::ProgressBar> {
    if output.json || !io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message(format!("checking {}", target.domain));
    bar.enable_steady_tick(std::time::Duration::from_millis(100));
    Some(bar)
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Writes to stdout; a closed pipe (`smtpcheck man | head`) ends quietly.
fn write_stdout(f: impl FnOnce(&mut io::StdoutLock<'_>) -> io::Result<()>) -> io::Result<()> {
    let mut out = io::stdout().lock();
    let result = f(&mut out).and_then(|_| out.flush());
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

fn emit(f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> ExitCode {
    match write_stdout(|out| f(out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("smtpcheck: error: {e}");
            ExitCode::from(3)
        }
    }
}
