//! smtpcheck: parse, run, render, exit. Everything else is in the library.

mod cli;
mod generate;
mod setup;

use clap::Parser;
use cli::{Cli, ColorChoice, Command, DnsArgs, Format, OutputArgs, ScanArgs};
use smtpcheck::observe::activity::Activity;
use smtpcheck::probe::{self, Stage};
use smtpcheck::render::nagios::Thresholds;
use smtpcheck::render::{self, human::Style};
use smtpcheck::report::{Report, Verdict};
use smtpcheck::scan::{self, ScanOptions, Summary};
use smtpcheck::target::{self, InputError};
use std::io::{self, IsTerminal, Read, Write};
use std::process::ExitCode;
use std::sync::Arc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    match cli.command {
        Command::Completions { shell } => emit(|out| generate::completions(shell, out)),
        Command::Man => emit(generate::man),
        Command::Policy(args) => {
            let inputs = setup::policy_inputs(&args);
            let opts = args.options(&inputs);
            run_one("policy", &args.target, opts, &args.dns, &args.output)
        }
        Command::Mx(args) => run_one(
            "mx",
            &args.target,
            Ok(args.dns.mx_options()),
            &args.dns,
            &args.output,
        ),
        Command::Probe(args) => run_stage(Stage::Rcpt, args),
        Command::Connect(args) => run_stage(Stage::Connect, args),
        Command::Banner(args) => run_stage(Stage::Banner, args),
        Command::Ehlo(args) => run_stage(Stage::Ehlo, args),
        Command::Tls(args) => run_stage(Stage::Tls, args),
        Command::Scan(args) => run_scan(args),
        Command::Blocklist(args) => run_blocklist(args),
        Command::Send(args) => match setup::send_inputs(&args).and_then(|i| args.options(&i)) {
            Ok((target, opts)) => run_one("send", &target, Ok(opts), &args.probe.dns, &args.output),
            Err(e) => run_one(
                "send",
                args.to.first().map_or("", String::as_str),
                Err(e),
                &args.probe.dns,
                &args.output,
            ),
        },
        Command::Explain { code, json } => run_explain(&code.join(" "), json),
        Command::Session(args) => run_session(args),
        Command::Serve(args) => run_serve(args),
    }
}

/// `session`: the person's own SMTP conversation. On a terminal a line
/// editor; otherwise commands from stdin and the transcript on stdout.
fn run_session(args: cli::SessionArgs) -> ExitCode {
    let input = args
        .target
        .clone()
        .or_else(|| args.server.clone())
        .unwrap_or_default();
    let failed = |message: String| {
        let report = Report::error("session", &input, message.clone());
        if args.json {
            let _ = write_stdout(|out| render::json::render(&report, out));
        }
        eprintln!("smtpcheck: error: {message}");
        could_not_check()
    };
    let interactive = !args.json && io::stdin().is_terminal() && io::stdout().is_terminal();
    let hostname = setup::hostname();
    let prepared = smtpcheck::tls::TlsClient::new(args.ca_file.as_deref())
        .map_err(|e| e.to_string())
        .and_then(|tls| {
            args.options(Arc::new(tls), hostname.as_deref())
                .map_err(|e| e.to_string())
        })
        .and_then(|(input, opts)| {
            // `--server 192.0.2.1` alone: nothing to route, the IP is the name.
            let target = match (&opts.server, input.parse::<std::net::IpAddr>()) {
                (Some(_), Ok(_)) => target::Target {
                    input: input.clone(),
                    domain: input.clone(),
                    address: None,
                },
                _ => target::parse_target(&input).map_err(|e| e.to_string())?,
            };
            Ok((target, opts))
        });
    let (target, opts) = match prepared {
        Ok(p) => p,
        Err(e) => return failed(e),
    };
    // One worker thread: while the line editor blocks this thread, the
    // worker reads what the server says unasked (console::watch).
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return failed(format!("cannot start the async runtime: {e}")),
    };
    let dns = match rt.block_on(async { setup::resolver_at(args.resolver, args.timeout) }) {
        Ok(dns) => dns,
        Err(e) => return failed(e),
    };
    let settings = smtpcheck::console::Settings {
        json: args.json,
        transcript: args.transcript.clone(),
        allow_plaintext_auth: args.allow_plaintext_auth,
        helo: opts.helo.clone(),
    };
    let color = use_color(args.color) && interactive;
    colored::control::set_override(color);
    let screen = smtpcheck::console::Screen::new(interactive, args.json, color);
    let result = if interactive {
        match smtpcheck::console::Tty::new(args.history_file()) {
            Ok(mut tty) => {
                smtpcheck::console::run(&rt, &dns, &target, &opts, &settings, &mut tty, screen)
            }
            Err(e) => Err(e),
        }
    } else {
        let mut piped = smtpcheck::console::Piped::new(io::stdin().lock());
        smtpcheck::console::run(&rt, &dns, &target, &opts, &settings, &mut piped, screen)
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => failed(e),
    }
}

/// `serve`: the exporter and the web page, until killed.
fn run_serve(args: cli::ServeArgs) -> ExitCode {
    let failed = |message: String| {
        eprintln!("smtpcheck: error: {message}");
        could_not_check()
    };
    let hostname = setup::hostname();
    let settings = match args.settings(hostname.as_deref()) {
        Ok(s) => s,
        Err(e) => return failed(e.to_string()),
    };
    let modules = match &args.config {
        None => smtpcheck::serve::Modules::default(),
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => match smtpcheck::serve::Modules::parse(&text) {
                Ok(m) => m,
                Err(e) => return failed(format!("{}: {e}", path.display())),
            },
            Err(e) => return failed(format!("{}: {}", path.display(), smtpcheck::words::io(&e))),
        },
    };
    let tls = match smtpcheck::tls::TlsClient::new(args.ca_file.as_deref()) {
        Ok(t) => Arc::new(t),
        Err(e) => return failed(e),
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return failed(format!("cannot start the async runtime: {e}")),
    };
    let result = rt.block_on(async {
        let timeout = std::time::Duration::from_secs(10);
        let dns = setup::resolver_at(args.resolver, timeout)?;
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .map_err(|e| {
                format!(
                    "cannot listen on {}: {}",
                    args.listen,
                    smtpcheck::words::io(&e)
                )
            })?;
        let bound = listener
            .local_addr()
            .map_err(|e| smtpcheck::words::io(&e))?;
        eprintln!("smtpcheck serve: listening on http://{bound}/");
        let exporter = smtpcheck::serve::Exporter::new(settings, modules, dns, tls);
        smtpcheck::serve::serve(listener, exporter)
            .await
            .map_err(|e| smtpcheck::words::io(&e))
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => failed(e),
    }
}

fn run_explain(input: &str, json: bool) -> ExitCode {
    // `-`: what people paste, from stdin: a reply, or a whole bounce.
    let pasted;
    let (input, found) = if input == "-" {
        pasted = match io::read_to_string(io::stdin().take(MAX_PASTE)) {
            Ok(text) => text,
            Err(e) => return explain_failed("-", &format!("cannot read stdin: {e}"), json),
        };
        (
            pasted.as_str(),
            smtpcheck::checks::explain::explain_text(&pasted),
        )
    } else {
        (
            input,
            smtpcheck::checks::explain::explain(input).map(|e| vec![e]),
        )
    };
    let explanations = match found {
        Ok(found) => found,
        Err(e) => return explain_failed(input, &e, json),
    };
    let _ = write_stdout(|out| {
        if json {
            match explanations.as_slice() {
                [one] => serde_json::to_writer_pretty(&mut *out, one),
                many => serde_json::to_writer_pretty(&mut *out, many),
            }
            .map_err(io::Error::other)?;
            return writeln!(out);
        }
        for (i, e) in explanations.iter().enumerate() {
            if i > 0 {
                writeln!(out)?;
            }
            if explanations.len() > 1 {
                writeln!(out, "reply {}  {}", i + 1, e.input.replace('\n', " | "))?;
            }
            render::explain::render(e, out)?;
        }
        Ok(())
    });
    ExitCode::SUCCESS
}

/// The most `explain -` reads: a bounce with its headers, not a mailbox.
const MAX_PASTE: u64 = 1024 * 1024;

fn explain_failed(input: &str, e: &str, json: bool) -> ExitCode {
    eprintln!("smtpcheck: error: {e}");
    if json {
        explain_error_json(input, e);
    }
    could_not_check()
}

/// `explain --json`'s one error shape, for bad input and usage errors alike.
fn explain_error_json(input: &str, e: &str) {
    let _ =
        write_stdout(|out| writeln!(out, "{}", serde_json::json!({"input": input, "error": e})));
}

/// Usage errors exit 3 (could not check), not clap's 2, which means "fail"
/// here; `--help` and `--version` exit 0. With `--json` anywhere on the line,
/// stdout still gets a JSON document.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let _ = e.print();
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        return ExitCode::SUCCESS;
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let message = e.to_string();
    // clap's first line, and the list it introduces ("not provided:\n  <TARGET>").
    let mut lines = message.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut first_line = lines
        .next()
        .unwrap_or("usage error")
        .trim_start_matches("error: ")
        .to_string();
    if first_line.ends_with(':') {
        let listed: Vec<&str> = lines
            .take_while(|l| l.starts_with('<') || l.starts_with("--"))
            .collect();
        first_line = format!("{first_line} {}", listed.join(", "));
    }
    // The command and target as far as they can be told from the line.
    let command = args
        .first()
        .filter(|c| !c.starts_with('-'))
        .cloned()
        .unwrap_or_default();
    let target = args
        .iter()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .cloned()
        .unwrap_or_default();
    let format = args
        .iter()
        .position(|a| a == "--format")
        .and_then(|i| args.get(i + 1).cloned())
        .or_else(|| {
            args.iter()
                .find_map(|a| a.strip_prefix("--format=").map(str::to_string))
        });
    if command == "explain" && args.iter().any(|a| a == "--json") {
        explain_error_json(&target, &first_line);
    } else if args.iter().any(|a| a == "--json") || format.as_deref() == Some("json") {
        let report = Report::error(&command, &target, first_line);
        let _ = write_stdout(|out| render::json::render(&report, out));
    } else if format.as_deref() == Some("nagios") {
        // A monitoring system reads stdout: one UNKNOWN line, exit 3.
        let report = Report::error(&command, &target, first_line);
        let _ = write_stdout(|out| render::nagios::render(&report, &Thresholds::default(), out));
    }
    could_not_check()
}

fn run_stage(stage: Stage, args: cli::TargetArgs) -> ExitCode {
    let (target, opts) = match args.target() {
        Ok(target) => {
            let opts = setup::probe_inputs(&args.probe).and_then(|i| args.probe.options(stage, &i));
            (target, opts)
        }
        Err(e) => (String::new(), Err(e)),
    };
    run_one(
        stage.command(),
        &target,
        opts,
        &args.probe.dns,
        &args.output,
    )
}

/// One target: probe, render in the chosen format, exit with the verdict.
/// `command` names the subcommand in a report of bad input.
fn run_one(
    command: &'static str,
    input: &str,
    opts: Result<probe::Options, InputError>,
    dns: &DnsArgs,
    output: &OutputArgs,
) -> ExitCode {
    let command = opts.as_ref().map_or(command, probe::Options::command);
    let cert_days = opts
        .as_ref()
        .map_or((None, None), |o| (Some(o.cert_warn_days), o.cert_crit_days));
    let prepared = opts.and_then(|opts| {
        let target = target::parse_target(input)?;
        let opts = opts.for_target(&target);
        Ok((target, opts))
    });
    let mut report = match prepared {
        Ok((target, mut opts)) => block_on(command, input, async {
            let dns = match setup::resolver(dns) {
                Ok(dns) => dns,
                Err(e) => return Report::error(command, input, e),
            };
            let Some(spinner) = spinner(output.format() == Format::Human, &target.domain) else {
                return smtpcheck::assess::run(&dns, &target, &opts).await;
            };
            let activity = Activity::new();
            opts.activity = Some(activity.clone());
            let report = tokio::select! {
                report = smtpcheck::assess::run(&dns, &target, &opts) => report,
                never = narrate(&spinner, &activity, &target.domain) => match never {},
            };
            spinner.finish_and_clear();
            report
        }),
        Err(e) => Report::error(command, input, e.to_string()),
    };
    report.apply_time_thresholds(output.warning, output.critical);
    let thresholds = Thresholds {
        warning: output.warning,
        critical: output.critical,
        cert_warn_days: cert_days.0,
        cert_crit_days: cert_days.1,
    };
    finish(report, output, thresholds)
}

/// Renders the report in the chosen format and exits with its code.
/// Wrap at the terminal's width; `COLUMNS` asks for a width explicitly
/// (also when not a terminal). Without either, lines are not wrapped, so
/// every finding stays one line for grep and the verdict for `tail -1`.
fn report_width() -> Option<usize> {
    let asked = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok());
    let terminal = terminal_size::terminal_size_of(io::stdout()).map(|(w, _)| usize::from(w.0));
    asked.or(terminal)
}

fn finish(report: Report, output: &OutputArgs, thresholds: Thresholds) -> ExitCode {
    if let Some(error) = &report.error {
        eprintln!("smtpcheck: error: {error}");
    }
    let style = Style {
        color: use_color(output.color),
        transcript: output.verbose,
        width: report_width(),
    };
    colored::control::set_override(style.color);
    // A closed stdout is not a reason to change the exit code.
    let _ = write_stdout(|out| match output.format() {
        Format::Json => render::json::render(&report, out),
        Format::Nagios => render::nagios::render(&report, &thresholds, out),
        // With an error, the one line on stderr says it all.
        Format::Human if report.error.is_some() => Ok(()),
        Format::Human => render::human::render(&report, style, out),
    });
    ExitCode::from(report.exit_code)
}

/// `blocklist`: the lists' answers, rendered like every report.
fn run_blocklist(args: cli::BlocklistArgs) -> ExitCode {
    let input = args.targets.join(" ");
    let report = match args.request() {
        Err(e) => Report::error("blocklist", &input, e.to_string()),
        Ok((subjects, zones)) => block_on("blocklist", &input, async {
            match setup::resolver(&args.dns) {
                Ok(dns) => {
                    smtpcheck::assess::blocklist(&dns, &input, &subjects, &zones, args.dns.deadline)
                        .await
                }
                Err(e) => Report::error("blocklist", &input, e),
            }
        }),
    };
    finish(report, &args.output, Thresholds::default())
}

/// The probe runs on one thread: it waits on the network, and a
/// single-threaded runtime starts fastest.
fn block_on(command: &str, input: &str, work: impl std::future::Future<Output = Report>) -> Report {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt.block_on(work),
        Err(e) => Report::error(
            command,
            input,
            format!("cannot start the async runtime: {e}"),
        ),
    }
}

fn run_scan(args: ScanArgs) -> ExitCode {
    let fail = |message: String| {
        eprintln!("smtpcheck: error: {message}");
        could_not_check()
    };
    let options =
        setup::probe_inputs(&args.probe).and_then(|i| args.probe.options(Stage::Rcpt, &i));
    let mut base = match options {
        Ok(opts) => opts,
        Err(e) => return fail(e.to_string()),
    };
    base.per_ip = Some(Arc::new(probe::PerIpGate::new(args.per_ip as usize)));
    base.port_witness = Some(Arc::default());
    // At scale the policy lookups double the DNS questions per target:
    // opt in (README, "Scanning many domains").
    if args.probe.no_transport_policy {
        return fail("scan runs without the transport checks unless --transport-policy asks for them; --no-transport-policy is for probe".into());
    }
    base.transport &= args.transport_policy;
    let scan_opts = ScanOptions {
        jobs: args.jobs as usize,
        shard: args.shard,
    };
    let path = args.input.as_deref().filter(|p| *p != "-");
    let total = path.and_then(count_targets);
    let mut out: Box<dyn Write> = match &args.output {
        Some(file) => match std::fs::File::create(file) {
            Ok(f) => Box::new(io::BufWriter::new(f)),
            Err(e) => return fail(format!("cannot create {}: {e}", file.display())),
        },
        None => Box::new(io::stdout().lock()),
    };
    // Many probes at once: a multi-threaded runtime spreads TLS handshakes
    // and parsing over the cores.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(format!("cannot start the async runtime: {e}")),
    };
    let result = runtime.block_on(async {
        let dns = setup::resolver(&args.probe.dns).map_err(io::Error::other)?;
        let bar = progress_bar(total);
        let mut progress = |s: &Summary| {
            if let Some(bar) = &bar {
                bar.set_position(s.total);
                bar.set_message(format!(
                    "{} pass, {} warn, {} fail, {} error",
                    s.pass, s.warn, s.fail, s.error
                ));
            }
        };
        let deadline = args.probe.dns.deadline.as_secs_f64();
        // One interrupt stream for both presses, made before the first: a
        // second Ctrl-C right after the first is never missed.
        let mut interrupts = Interrupts::new()?;
        let stop = async move {
            interrupts.next().await;
            eprintln!("smtpcheck scan: stopping: no new targets; the running probes end within --deadline ({deadline:.0} s) at most and are written. Ctrl-C again aborts now.");
            // A second Ctrl-C does not wait for anyone: every line written
            // so far is whole (each is written and flushed at once).
            tokio::spawn(async move {
                interrupts.next().await;
                eprintln!("smtpcheck scan: aborted");
                std::process::exit(130);
            });
        };
        let reader: Box<dyn tokio::io::AsyncBufRead + Unpin + Send> = match path {
            Some(p) => {
                let file = tokio::fs::File::open(p).await.map_err(|e| {
                    io::Error::new(
                        e.kind(),
                        format!("cannot read {p}: {}", smtpcheck::words::io(&e)),
                    )
                })?;
                Box::new(tokio::io::BufReader::new(file))
            }
            None => Box::new(tokio::io::BufReader::new(tokio::io::stdin())),
        };
        let summary = scan::scan(
            reader,
            &base,
            &dns,
            &scan_opts,
            &mut out,
            &mut progress,
            stop,
        )
        .await;
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        summary
    });
    // Reading stdin blocks a thread that no one can interrupt; do not wait
    // for it (after Ctrl-C, stdin may still be open).
    runtime.shutdown_background();
    match result {
        Ok(summary) => {
            eprintln!(
                "smtpcheck scan: {} targets in {:.1} s ({:.1}/s): {} pass, {} warn, {} fail, {} error{}{}",
                summary.total,
                summary.elapsed_ms / 1000.0,
                summary.per_second(),
                summary.pass,
                summary.warn,
                summary.fail,
                summary.error,
                if summary.other_shards > 0 { format!("; {} left to other shards", summary.other_shards) } else { String::new() },
                if summary.interrupted { "; interrupted" } else { "" },
            );
            if let Some(advice) = summary.dns_advice(scan_opts.jobs) {
                eprintln!("smtpcheck scan: {advice}");
            }
            ExitCode::from(summary.exit_code())
        }
        Err(e) => fail(format!(
            "scan stopped: {e} (every line written before is complete)"
        )),
    }
}

/// Ctrl-C presses, in order.
struct Interrupts {
    #[cfg(unix)]
    stream: tokio::signal::unix::Signal,
}

impl Interrupts {
    fn new() -> io::Result<Self> {
        Ok(Self {
            #[cfg(unix)]
            stream: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?,
        })
    }

    async fn next(&mut self) {
        #[cfg(unix)]
        self.stream.recv().await;
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Counts the targets in a file for the progress bar (a quick pass; the
/// scan itself streams).
fn count_targets(path: &str) -> Option<u64> {
    if !io::stderr().is_terminal() {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    Some(text.lines().filter_map(scan::target_line).count() as u64)
}

/// Progress on stderr, only for a person watching a terminal.
fn progress_bar(total: Option<u64>) -> Option<indicatif::ProgressBar> {
    if !io::stderr().is_terminal() {
        return None;
    }
    let bar = match total {
        Some(n) => indicatif::ProgressBar::new(n).with_style(
            indicatif::ProgressStyle::with_template(
                "{bar:30} {pos}/{len} {per_sec} eta {eta} {wide_msg}",
            )
            .ok()?,
        ),
        None => indicatif::ProgressBar::new_spinner(),
    };
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    Some(bar)
}

/// Keeps the spinner saying what the run waits on longest
/// ("mx2.example.com [192.0.2.20]: greeting, 3.2 s (+1 more)").
async fn narrate(
    spinner: &indicatif::ProgressBar,
    activity: &Activity,
    domain: &str,
) -> std::convert::Infallible {
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(100));
    loop {
        tick.tick().await;
        let message = match activity.longest() {
            Some(longest) => longest.describe(std::time::Instant::now()),
            None => format!("checking {domain}"),
        };
        spinner.set_message(message);
    }
}

/// A spinner on stderr, only for a person watching a terminal.
fn spinner(human: bool, domain: &str) -> Option<indicatif::ProgressBar> {
    if !human || !io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message(format!("checking {domain}"));
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
            could_not_check()
        }
    }
}

/// Exit 3: smtpcheck could not check (the one verdict decided outside a
/// report: usage errors, unwritable output, a scan that could not start).
fn could_not_check() -> ExitCode {
    ExitCode::from(Verdict::Error.exit_code())
}
