//! The report as a web page (`smtpcheck serve`): the same content in the
//! same order as the human report (DNS, each address with its timeline,
//! the policy, what senders will do, the verdict), written with maud,
//! whose templates escape every value at compile time. No JavaScript.

use super::human::{endpoints, is_at, timeline_steps};
use crate::report::{Check, Report, Status};
use maud::{html, Markup, PreEscaped, DOCTYPE};

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;max-width:64rem;margin:1.5rem auto;padding:0 1rem;color:#1b1b1b}\
h1{font-size:1.3rem}h2{font-size:1.05rem;margin-top:1.6rem}\
table{border-collapse:collapse;width:100%}td{padding:.2rem .5rem;vertical-align:top;border-bottom:1px solid #eee}\
td.s{font-weight:700;width:3.5rem}td.id{font-family:monospace;width:11rem}td.t{width:5rem;text-align:right;color:#555}\
.pass{color:#1a7f37}.warn{color:#9a6700}.fail{color:#cf222e}.info{color:#0969da}.skip{color:#777}.error{color:#8250df}\
.advice{color:#444;font-size:.92em}.verdict{margin-top:1.5rem;padding:.8rem;border:2px solid;border-radius:6px}\
form input[type=text]{width:24rem;font-size:1rem;padding:.3rem}svg{display:block;margin:.3rem 0 .6rem}";

fn page(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body { (body) }
        }
    }
}

/// `GET /`: the form, with the modules to choose from.
pub fn form_page(modules: &[String], problem: Option<&str>) -> Markup {
    page(
        "smtpcheck",
        html! {
            h1 { "Can mail reach this domain?" }
            @if let Some(p) = problem {
                p.fail { (p) }
            }
            form method="get" action="/report" {
                label for="target" { "Domain or address " }
                input type="text" id="target" name="target" required placeholder="example.com" maxlength="254";
                " "
                @if modules.len() > 1 {
                    select name="module" {
                        @for m in modules { option value=(m) { (m) } }
                    }
                    " "
                }
                button type="submit" { "Check" }
            }
            p.advice { "smtpcheck connects to every MX of the domain, says EHLO, starts TLS and asks MAIL FROM and RCPT TO, then QUIT: it never sends a message. The report is also at /report.json; Prometheus scrapes /probe." }
        },
    )
}

/// The human report's word for a status ("PASS"), and its CSS class.
fn status_word(status: Status) -> (String, String) {
    let word = super::human::Style::default().status(status);
    let class = word.to_lowercase();
    (word, class)
}

fn checks_table(checks: &[&Check]) -> Markup {
    html! {
        table {
            @for c in checks {
                @let (word, class) = status_word(c.status);
                tr {
                    td.s.(class) { (word) }
                    td.id { (c.id.as_str()) }
                    td.t { @if let Some(ms) = c.duration_ms { (format!("{ms:.1} ms")) } }
                    td {
                        (c.summary)
                        @if matches!(c.status, Status::Warn | Status::Fail) {
                            @if let Some(a) = &c.advice { div.advice { "→ " (a) } }
                        }
                    }
                }
            }
        }
    }
}

/// Each step as a bar on a scale shared by every address (the human
/// report's timeline, drawn).
fn timeline_svg(steps: &[(char, f64)], scale: f64) -> Markup {
    const WIDTH: f64 = 600.0;
    let colour = |letter: char| match letter {
        'C' => "#8c959f",
        'G' => "#0969da",
        'E' => "#8250df",
        'T' => "#1a7f37",
        'M' => "#bf8700",
        _ => "#cf222e",
    };
    let name = super::human::step_name;
    let mut x = 0.0;
    let bars: Vec<(f64, f64, char, f64)> = steps
        .iter()
        .map(|(letter, ms)| {
            let w = if scale > 0.0 {
                (ms / scale * WIDTH).max(2.0)
            } else {
                2.0
            };
            let bar = (x, w, *letter, *ms);
            x += w;
            bar
        })
        .collect();
    let total: f64 = steps.iter().map(|(_, ms)| ms).sum();
    html! {
        svg width=(WIDTH as u32 + 2) height="22" role="img" aria-label="timeline" xmlns="http://www.w3.org/2000/svg" {
            @for (x, w, letter, ms) in bars {
                rect x=(format!("{x:.1}")) y="2" width=(format!("{w:.1}")) height="18" fill=(colour(letter)) {
                    title { (format!("{} {ms:.1} ms", name(letter))) }
                }
            }
        }
        // The legend: each step's colour, name and time (the bars share
        // one scale across every address, so a slow greeting stands out).
        p.advice.legend {
            @for (letter, ms) in steps {
                span style=(format!("color:{}", colour(*letter))) { "■ " }
                (format!("{} {ms:.1} ms", name(*letter))) "  "
            }
            (format!("· {total:.1} ms in all"))
        }
    }
}

fn senders(report: &Report) -> Markup {
    html! {
        @if !report.senders.is_empty() {
            h2 { "What senders will do" }
            table {
                @for s in &report.senders {
                    tr {
                        td { (s.label()) }
                        td.s { (s.action.word()) }
                        td { @if let Some(via) = &s.via { "via " (via) ": " } (s.reason) }
                    }
                }
            }
        }
    }
}

/// `GET /report?target=…`: the whole report.
pub fn report_page(report: &Report) -> Markup {
    let (dns, policy): (Vec<&Check>, Vec<&Check>) = report
        .checks
        .iter()
        .filter(|c| c.address.is_none())
        .partition(|c| !c.id.is_policy());
    let addresses: Vec<_> = endpoints(report)
        .into_iter()
        .map(|e| {
            let here: Vec<&Check> = report.checks.iter().filter(|c| is_at(c, &e)).collect();
            let steps = timeline_steps(report, &e);
            (e, here, steps)
        })
        .collect();
    let scale = addresses
        .iter()
        .map(|(_, _, s)| s.iter().map(|(_, ms)| ms).sum::<f64>())
        .fold(0.0, f64::max);
    // The class is the verdict's own word; the text, the human report's.
    let class = report.verdict.as_str();
    let word = class.to_uppercase();
    page(
        &format!("smtpcheck {}: {word}", report.target),
        html! {
            h1 { "smtpcheck " (report.command) " " (report.target) }
            p.verdict.(class) id="verdict" { strong { (word) } " (exit " (report.exit_code) "): " (report.summary) }
            @if !dns.is_empty() { h2 { "DNS" } (checks_table(&dns)) }
            @for (endpoint, here, steps) in &addresses {
                h2 { (endpoint.to_string()) }
                @if !steps.is_empty() { (timeline_svg(steps, scale)) }
                (checks_table(here))
            }
            @if !policy.is_empty() { h2 { "Mail security policy" } (checks_table(&policy)) }
            (senders(report))
            p { a href="/" { "Check another domain" } " · " a href=(format!("/report.json?target={}", url_component(&report.target))) { "JSON" } }
        },
    )
}

/// A page that says why nothing was checked (refused input, a limit).
pub fn problem_page(problem: &str) -> Markup {
    page(
        "smtpcheck: not checked",
        html! {
            h1 { "Not checked" }
            p.fail { (problem) }
            p { a href="/" { "Back" } }
        },
    )
}

/// Percent-encodes everything but unreserved characters (RFC 3986 §2.3).
pub fn url_component(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_escaped_and_links_are_encoded() {
        let report = Report::error(
            "probe",
            "<script>alert(1)</script>",
            "a <b>bad</b> & \"odd\" target",
        );
        let html = report_page(&report).into_string();
        assert!(!html.contains("<script>alert"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(
            html.contains("a &lt;b&gt;bad&lt;/b&gt; &amp; &quot;odd&quot; target"),
            "{html}"
        );
        assert!(
            html.contains("/report.json?target=%3Cscript%3Ealert%281%29%3C%2Fscript%3E"),
            "{html}"
        );
        let form =
            form_page(&["default".into(), "x\"><img>".into()], Some("<i>no</i>")).into_string();
        assert!(!form.contains("<img>") && !form.contains("<i>no"), "{form}");
    }
}
