//! The report a person reads: DNS first, then one block per exchange
//! address, one line per check with its duration, advice under each warn or
//! fail, and the verdict last.

use crate::checks::senders::Action;
use crate::report::{Check, CheckId, Conversation, Endpoint, Report, Status, Verdict};
use crate::smtp::Direction;
use colored::{ColoredString, Colorize};
use std::io::{self, Write};

#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub color: bool,
    /// Print each conversation's transcript (`-v`).
    pub transcript: bool,
    /// Wrap lines at this width with a hanging indent (a terminal's width);
    /// `None`: one line per finding, for grep and `tail -1`.
    pub width: Option<usize>,
}

impl Style {
    /// Writes `text` after `first` (already on the line), wrapped at the
    /// width with continuation lines indented by `hang` spaces.
    fn wrapped(
        &self,
        out: &mut impl Write,
        first: &str,
        hang: usize,
        text: &str,
    ) -> io::Result<()> {
        let Some(width) = self.width.filter(|w| *w > hang + 20) else {
            return writeln!(out, "{first}{text}");
        };
        let indent = " ".repeat(hang);
        let options = textwrap::Options::new(width)
            .initial_indent(first)
            .subsequent_indent(&indent)
            .word_splitter(textwrap::WordSplitter::NoHyphenation);
        for line in textwrap::wrap(text, options) {
            writeln!(out, "{line}")?;
        }
        Ok(())
    }

    fn paint(&self, text: &str, how: fn(&str) -> ColoredString) -> String {
        if self.color {
            how(text).to_string()
        } else {
            text.to_string()
        }
    }

    /// "PASS", "WARN"... painted when colour is on.
    pub(crate) fn status(&self, status: Status) -> String {
        let (label, how): (&str, fn(&str) -> ColoredString) = match status {
            Status::Pass => ("PASS", |s| s.green().bold()),
            Status::Info => ("INFO", |s| s.blue()),
            Status::Skip => ("SKIP", |s| s.dimmed()),
            Status::Warn => ("WARN", |s| s.yellow().bold()),
            Status::Fail => ("FAIL", |s| s.red().bold()),
        };
        self.paint(label, how)
    }
}

pub fn render(report: &Report, style: Style, out: &mut impl Write) -> io::Result<()> {
    if let Some(error) = &report.error {
        writeln!(
            out,
            "smtpcheck {} {}: could not check: {error}",
            report.command, report.target
        )?;
        return verdict_line(report, style, out);
    }
    match report.domain.as_deref() {
        Some(domain) if domain != report.target => writeln!(
            out,
            "smtpcheck {} {} (domain {domain})",
            report.command, report.target
        )?,
        _ => writeln!(out, "smtpcheck {} {}", report.command, report.target)?,
    }
    let (policy, dns): (Vec<&Check>, Vec<&Check>) = report
        .checks
        .iter()
        .filter(|c| c.address.is_none())
        .partition(|c| is_policy(c));
    if !dns.is_empty() {
        writeln!(out, "\n{}", style.paint("DNS", |s| s.bold()))?;
        check_lines(&dns, style, out)?;
    }
    // Each address's steps once: the scale and the "slow" test need all of them.
    let all: Vec<(Endpoint, Vec<(char, f64)>)> = endpoints(report)
        .into_iter()
        .map(|e| {
            let steps = timeline_steps(report, &e);
            (e, steps)
        })
        .collect();
    let scale = all
        .iter()
        .map(|(_, steps)| steps.iter().map(|(_, ms)| ms).sum::<f64>())
        .fold(0.0, f64::max);
    let slow = all
        .iter()
        .any(|(_, steps)| steps.iter().any(|(_, ms)| *ms >= SLOW_STEP_MS));
    for (endpoint, steps) in all {
        writeln!(
            out,
            "\n{}",
            style.paint(&endpoint.to_string(), |s| s.bold())
        )?;
        let here: Vec<&Check> = report
            .checks
            .iter()
            .filter(|c| is_at(c, &endpoint))
            .collect();
        let all_passed = !here
            .iter()
            .any(|c| matches!(c.status, Status::Warn | Status::Fail));
        if all_passed && !style.transcript {
            let (path, rest): (Vec<&Check>, Vec<&Check>) = here
                .iter()
                .partition(|c| c.status == Status::Pass && PATH_STEPS.contains(&c.id));
            path_line(&path, style, out)?;
            check_lines(&rest, style, out)?;
        } else {
            check_lines(&here, style, out)?;
        }
        if slow || style.transcript {
            timeline(&steps, scale, style, out)?;
        }
        if style.transcript {
            if let Some(conv) = report.transcripts.iter().find(|t| t.endpoint == endpoint) {
                transcript(conv, style, out)?;
            }
        }
    }
    if !policy.is_empty() {
        writeln!(
            out,
            "\n{}",
            style.paint("Mail security policy", |s| s.bold())
        )?;
        check_lines(&policy, style, out)?;
    }
    senders(report, style, out)?;
    writeln!(out)?;
    verdict_line(report, style, out)
}

/// Checks about the domain's policy rather than its DNS plumbing.
fn is_policy(check: &Check) -> bool {
    check.id.is_policy()
}

/// The sender simulation: one line per kind of sender.
fn senders(report: &Report, style: Style, out: &mut impl Write) -> io::Result<()> {
    if report.senders.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "\n{}",
        style.paint("What senders will do", |s| s.bold())
    )?;
    // Senders that would do the same thing for the same reason share a line
    // (the reply is not repeated three times); what sets one apart (a
    // policy that does not apply) follows on a line of its own.
    let mut groups: Vec<SenderGroup> = Vec::new();
    for sender in &report.senders {
        let (base, note) = split_note(&sender.reason);
        let short = sender.label().split(" sender").next().unwrap_or("");
        match groups
            .iter_mut()
            .find(|(_, s, b)| s.action == sender.action && s.via == sender.via && *b == base)
        {
            Some((members, _, _)) => members.push((short, note)),
            None => groups.push((vec![(short, note)], sender, base)),
        }
    }
    for (members, sender, base) in groups {
        let word = sender.action.word().to_uppercase();
        let paint: fn(&str) -> ColoredString = match sender.action {
            Action::Deliver => |s| s.green(),
            Action::Defer | Action::DeliverLater => |s| s.yellow(),
            Action::Bounce => |s| s.red(),
            Action::Unknown => |s| s.dimmed(),
        };
        let via = match (&sender.via, sender.action) {
            (Some(host), Action::Deliver | Action::DeliverLater) => format!(" via {host}"),
            _ => String::new(),
        };
        let (who, text) = match members.as_slice() {
            [_] => (sender.label().to_string(), sender.reason.clone()),
            many => {
                let names: Vec<&str> = many.iter().map(|(n, _)| *n).collect();
                (format!("{} senders", names.join(", ")), base.to_string())
            }
        };
        let first = format!("  {who}: {}{via}: ", style.paint(&word, paint));
        style.wrapped(out, &first, 4, &text)?;
        if members.len() > 1 {
            let notes: Vec<String> = members
                .iter()
                .filter_map(|(n, note)| note.map(|t| format!("{n}: {t}")))
                .collect();
            if !notes.is_empty() {
                style.wrapped(
                    out,
                    "    ",
                    4,
                    &style.paint(&notes.join("; "), |s| s.dimmed()),
                )?;
            }
        }
    }
    Ok(())
}

/// Senders (short name and own note) that share an action and a reason.
type SenderGroup<'a> = (
    Vec<(&'a str, Option<&'a str>)>,
    &'a crate::report::Sender,
    &'a str,
);

/// "every MX fails: ... (DANE does not apply: ...)" into the shared part
/// and the trailing note in parentheses.
fn split_note(reason: &str) -> (&str, Option<&str>) {
    match reason.strip_suffix(')').and_then(|r| r.rsplit_once(" (")) {
        Some((base, note)) => (base, Some(note)),
        None => (reason, None),
    }
}

pub(crate) fn is_at(check: &Check, e: &Endpoint) -> bool {
    check.address == Some(e.address)
        && check.host.as_deref() == Some(e.host.as_str())
        && check.port == Some(e.port)
}

/// Endpoints in the order their checks appear.
pub(crate) fn endpoints(report: &Report) -> Vec<Endpoint> {
    let mut seen: Vec<Endpoint> = Vec::new();
    for c in &report.checks {
        if let (Some(host), Some(address), Some(port)) = (&c.host, c.address, c.port) {
            let e = Endpoint {
                host: host.clone(),
                address,
                port,
            };
            if !seen.contains(&e) {
                seen.push(e);
            }
        }
    }
    seen
}

/// The findings in order; a run of steps skipped for the same reason (all
/// that follow a failed connect) is one line.
fn check_lines(checks: &[&Check], style: Style, out: &mut impl Write) -> io::Result<()> {
    let mut i = 0;
    while i < checks.len() {
        let c = checks[i];
        let run = checks[i..]
            .iter()
            .take_while(|o| {
                o.status == Status::Skip && c.status == Status::Skip && o.summary == c.summary
            })
            .count();
        if run >= 2 {
            let ids: Vec<&str> = checks[i..i + run].iter().map(|o| o.id.as_str()).collect();
            let first = format!(
                "  {}  {:<15} {:>9}  ",
                style.status(Status::Skip),
                format!("{run} steps"),
                ""
            );
            style.wrapped(
                out,
                &first,
                CHECK_HANG,
                &format!("{} ({})", c.summary, ids.join(", ")),
            )?;
            i += run;
            continue;
        }
        check_line(c, style, out)?;
        let alike = match style.transcript {
            true => 0,
            false => checks[i + 1..]
                .iter()
                .take_while(|o| same_but_host(c, o))
                .count(),
        };
        if alike >= 2 {
            alike_line(&checks[i + 1..i + 1 + alike], style, out)?;
            i += alike;
        }
        i += 1;
    }
    Ok(())
}

/// The steps of the delivery path that fold into one line when every one
/// of them passed at an address, with their words in that line.
const PATH_STEPS: [CheckId; 7] = [
    CheckId::TcpConnect,
    CheckId::SmtpBanner,
    CheckId::SmtpEhlo,
    CheckId::TlsStarttls,
    CheckId::SmtpAuth,
    CheckId::SmtpMail,
    CheckId::SmtpRcpt,
];

/// An address where everything passed: its path in one line ("connect,
/// greeting, EHLO, STARTTLS, MAIL, RCPT passed"); what failed or warned
/// elsewhere keeps every line. -v shows each step.
fn path_line(path: &[&Check], style: Style, out: &mut impl Write) -> io::Result<()> {
    if path.len() < 2 {
        return check_lines(path, style, out);
    }
    let mut names: Vec<&str> = Vec::new();
    for c in path {
        let name = match c.id {
            CheckId::TcpConnect => "connect",
            CheckId::SmtpBanner => "greeting",
            CheckId::SmtpEhlo => "EHLO",
            CheckId::TlsStarttls => "STARTTLS",
            CheckId::SmtpAuth => "AUTH",
            CheckId::SmtpMail => "MAIL",
            _ => "RCPT",
        };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let total: f64 = path.iter().filter_map(|c| c.duration_ms).sum();
    let first = format!(
        "  {}  {:<15} {:>9}  ",
        style.status(Status::Pass),
        format!("{} steps", names.len()),
        format_ms(total)
    );
    let text = format!("{} passed", names.join(", "));
    style.wrapped(out, &first, CHECK_HANG, &text)
}

/// The same finding for another host (fifteen MX names without an
/// address): one line names them instead of fifteen paragraphs.
fn same_but_host(first: &Check, other: &Check) -> bool {
    let (Some(a), Some(b)) = (&first.host, &other.host) else {
        return false;
    };
    first.id == other.id
        && first.status == other.status
        && first.address.is_none()
        && other.address.is_none()
        && a != b
        && first.summary.replace(a.as_str(), "\0") == other.summary.replace(b.as_str(), "\0")
}

/// "the same for mx2.example, mx3.example, … and 9 more (-v shows each)"
fn alike_line(alike: &[&Check], style: Style, out: &mut impl Write) -> io::Result<()> {
    const NAMED: usize = 3;
    let hosts: Vec<&str> = alike.iter().filter_map(|c| c.host.as_deref()).collect();
    let mut text = format!(
        "the same for {}",
        hosts[..hosts.len().min(NAMED)].join(", ")
    );
    if hosts.len() > NAMED {
        text.push_str(&format!(
            " and {} more (-v shows each)",
            hosts.len() - NAMED
        ));
    }
    let first = format!(
        "  {}  {:<15} {:>9}  ",
        style.status(alike[0].status),
        format!("{} more", alike.len()),
        ""
    );
    style.wrapped(out, &first, CHECK_HANG, &text)
}

/// A step this slow draws the timeline by default (a greeting delay or a
/// tarpit jumps out); otherwise it is drawn with -v.
const SLOW_STEP_MS: f64 = 1000.0;
/// The bar's width in characters: the longest conversation fills it.
const TIMELINE_WIDTH: usize = 50;

/// The conversation's steps at `endpoint` with their times, in order.
/// The delivery path's steps as every report draws them: the check, its
/// letter on the timeline, its word (the human and HTML timelines, the
/// Prometheus `step` label in lower case).
pub(crate) const STEPS: [(CheckId, char, &str); 6] = [
    (CheckId::TcpConnect, 'C', "connect"),
    (CheckId::SmtpBanner, 'G', "greeting"),
    (CheckId::SmtpEhlo, 'E', "EHLO"),
    (CheckId::TlsStarttls, 'T', "TLS"),
    (CheckId::SmtpMail, 'M', "MAIL"),
    (CheckId::SmtpRcpt, 'R', "RCPT"),
];

/// The word of a timeline letter.
pub(crate) fn step_name(letter: char) -> &'static str {
    STEPS
        .iter()
        .find(|(_, l, _)| *l == letter)
        .map_or("RCPT", |(_, _, name)| name)
}

pub(crate) fn timeline_steps(report: &Report, endpoint: &Endpoint) -> Vec<(char, f64)> {
    let mut steps = Vec::new();
    for (id, letter, _) in STEPS {
        // EHLO twice (before and inside TLS): the first is the step here.
        let took = report
            .checks
            .iter()
            .filter(|c| c.id == id && is_at(c, endpoint))
            .find_map(|c| c.duration_ms);
        if let Some(ms) = took {
            steps.push((letter, ms));
        }
    }
    steps
}

/// One line per address on a scale shared by every address of the run:
/// `C` connect, `G` greeting, `E` EHLO, `T` TLS, `M` MAIL, `R` RCPT.
fn timeline(
    steps: &[(char, f64)],
    scale: f64,
    style: Style,
    out: &mut impl Write,
) -> io::Result<()> {
    let total: f64 = steps.iter().map(|(_, ms)| ms).sum();
    if steps.is_empty() || scale <= 0.0 {
        return Ok(());
    }
    let mut bar = String::new();
    for (letter, ms) in steps {
        let cells = ((ms / scale) * TIMELINE_WIDTH as f64).round() as usize;
        bar.extend(std::iter::repeat_n(*letter, cells.max(1)));
    }
    let (slowest, slowest_ms) =
        steps
            .iter()
            .copied()
            .fold(('C', 0.0), |a, b| if b.1 > a.1 { b } else { a });
    let name = step_name(slowest);
    let line = format!(
        "timeline |{bar}| {} in all, {name} {} (C connect, G greeting, E EHLO, T TLS, M MAIL, R RCPT)",
        format_ms(total).trim(),
        format_ms(slowest_ms).trim()
    );
    style.wrapped(out, "        ", 10, &style.paint(&line, |s| s.dimmed()))
}

/// Where a finding's text starts: status, id and time come first.
const CHECK_HANG: usize = 35;

fn check_line(check: &Check, style: Style, out: &mut impl Write) -> io::Result<()> {
    let duration = match check.duration_ms {
        Some(ms) => format_ms(ms),
        None => String::new(),
    };
    let first = format!(
        "  {}  {:<15} {:>9}  ",
        style.status(check.status),
        check.id,
        duration
    );
    style.wrapped(out, &first, CHECK_HANG, &check.summary)?;
    if matches!(check.status, Status::Warn | Status::Fail) {
        if let Some(advice) = &check.advice {
            let arrow = style.paint("->", |s| s.cyan());
            style.wrapped(out, &format!("        {arrow} "), 11, advice)?;
        }
    }
    if let crate::report::Detail::Certificate { facts: Some(f), .. } = &check.detail {
        // What an admin compares with the certificate they installed: shown
        // when it is wrong, and with -v.
        if check.status != Status::Pass || style.transcript {
            certificate_lines(f, style, out)?;
        }
    }
    Ok(())
}

fn certificate_lines(
    f: &crate::tls::cert::CertFacts,
    style: Style,
    out: &mut impl Write,
) -> io::Result<()> {
    let lines = [
        format!(
            "subject {}; issuer {}; chain of {}",
            f.subject, f.issuer, f.chain_length
        ),
        format!(
            "names {}; key {}; signed {}",
            if f.sans.is_empty() {
                "(none)".to_string()
            } else {
                f.sans.join(", ")
            },
            f.key,
            f.signature_algorithm
        ),
        format!(
            "valid {} to {} ({})",
            f.not_before,
            f.not_after,
            match f.days_left {
                d if d < 0 => format!("expired {} days ago", -d),
                d => format!("{d} days left"),
            },
        ),
    ];
    for line in lines {
        style.wrapped(out, "        ", 10, &style.paint(&line, |s| s.dimmed()))?;
    }
    // The fingerprint cannot wrap: without its colons it fits 80 columns.
    const INDENT: &str = "        SHA-256 ";
    let fits = style
        .width
        .is_none_or(|w| INDENT.len() + f.sha256.len() <= w);
    let print = match fits {
        true => f.sha256.clone(),
        false => f.sha256.replace(':', ""),
    };
    writeln!(out, "{INDENT}{}", style.paint(&print, |s| s.dimmed()))?;
    // The rest of the chain as sent, each with what it is to the chain.
    for (i, c) in f.chain.iter().enumerate().skip(1) {
        let line = format!(
            "{} {}: {}, issued by {}; key {}; until {}",
            i + 1,
            c.role.replace('_', " "),
            c.subject,
            c.issuer,
            c.key,
            c.not_after
        );
        style.wrapped(out, "        ", 10, &style.paint(&line, |s| s.dimmed()))?;
    }
    Ok(())
}

fn format_ms(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else if ms >= 10.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

fn transcript(conv: &Conversation, style: Style, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "    {}", style.paint("transcript:", |s| s.dimmed()))?;
    for line in &conv.lines {
        // swaks's convention: a tilde marks lines that travelled inside TLS.
        let arrow = match (line.dir, line.tls) {
            (Direction::Sent, false) => "->",
            (Direction::Sent, true) => "~>",
            (Direction::Received, false) => "<-",
            (Direction::Received, true) => "<~",
            (Direction::Note, _) => "==",
        };
        writeln!(
            out,
            "    {:>9}  {arrow} {}",
            format_ms(line.t_ms),
            line.text
        )?;
    }
    Ok(())
}

fn verdict_line(report: &Report, style: Style, out: &mut impl Write) -> io::Result<()> {
    let (label, how): (&str, fn(&str) -> ColoredString) = match report.verdict {
        Verdict::Pass => ("PASS", |s| s.green().bold()),
        Verdict::Warn => ("WARN", |s| s.yellow().bold()),
        Verdict::Fail => ("FAIL", |s| s.red().bold()),
        Verdict::Error => ("ERROR", |s| s.magenta().bold()),
    };
    let first = format!(
        "Verdict: {} (exit {}): ",
        style.paint(label, how),
        report.exit_code
    );
    style.wrapped(out, &first, 9, &report.summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{CheckId, Report};
    use std::time::Duration;

    fn sample() -> Report {
        let e = Endpoint {
            host: "mx.d.test".into(),
            address: "127.0.0.1".parse().unwrap(),
            port: 25,
        };
        let checks = vec![
            Check::new(CheckId::DnsMx, Status::Pass, "1 MX record: 10 mx.d.test")
                .took(Duration::from_micros(800)),
            Check::new(
                CheckId::TcpConnect,
                Status::Fail,
                "127.0.0.1:25: connection refused",
            )
            .at(&e)
            .advice("start the server"),
            Check::new(
                CheckId::SmtpBanner,
                Status::Skip,
                "skipped: tcp.connect failed",
            )
            .at(&e),
        ];
        let senders = crate::checks::senders::simulate(&checks, &["mx.d.test".into()]);
        Report::finished(
            "probe",
            "d.test",
            "d.test",
            checks,
            senders,
            vec![],
            Duration::from_millis(3),
        )
    }

    #[test]
    fn a_slow_greeting_draws_the_timeline_and_a_fast_run_does_not() {
        let e = Endpoint {
            host: "mx.d.test".into(),
            address: "127.0.0.1".parse().unwrap(),
            port: 25,
        };
        let step = |id, ms| {
            Check::new(id, Status::Pass, "ok")
                .at(&e)
                .took(Duration::from_millis(ms))
        };
        let report = |greeting_ms| {
            let checks = vec![
                step(CheckId::TcpConnect, 10),
                step(CheckId::SmtpBanner, greeting_ms),
                step(CheckId::SmtpEhlo, 10),
                step(CheckId::SmtpMail, 10),
                step(CheckId::SmtpRcpt, 10),
            ];
            Report::finished(
                "probe",
                "d.test",
                "d.test",
                checks,
                vec![],
                vec![],
                Duration::from_millis(3),
            )
        };
        let mut out = Vec::new();
        render(&report(4_960), Style::default(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let line = text
            .lines()
            .find(|l| l.contains("timeline |"))
            .expect(&text);
        // 50 cells on the shared scale: the greeting takes almost all of them
        assert!(
            line.contains(&format!("|C{}EMR|", "G".repeat(50))),
            "{line}"
        );
        assert!(line.contains("greeting 4.96 s"), "{line}");
        let mut out = Vec::new();
        render(&report(20), Style::default(), &mut out).unwrap();
        assert!(!String::from_utf8(out).unwrap().contains("timeline |"));
    }

    #[test]
    fn groups_by_endpoint_with_advice_and_verdict() {
        let mut out = Vec::new();
        render(&sample(), Style::default(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        insta::assert_snapshot!(text);
    }

    #[test]
    fn no_escape_codes_without_color() {
        let mut out = Vec::new();
        render(&sample(), Style::default(), &mut out).unwrap();
        assert!(!out.contains(&0x1b));
        let mut colored_out = Vec::new();
        colored::control::set_override(true);
        render(
            &sample(),
            Style {
                color: true,
                transcript: false,
                width: None,
            },
            &mut colored_out,
        )
        .unwrap();
        assert!(colored_out.contains(&0x1b));
    }
}
