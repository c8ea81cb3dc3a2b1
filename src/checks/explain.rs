//! `smtpcheck explain`: what a code, a reply line, a multi-line reply or a
//! whole bounce means. Codes come from the registries in `crate::explain`;
//! causes from the one classifier every check uses.

use super::classify::{self, Cause, Context, Provider, ReplyStage};
use crate::explain::{enhanced_meaning, reply_class, reply_meaning};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ReplyCodeInfo {
    pub code: u16,
    pub meaning: Option<&'static str>,
    pub source: Option<&'static str>,
    pub class: &'static str,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EnhancedInfo {
    pub code: String,
    pub meaning: Option<&'static str>,
    pub source: Option<&'static str>,
    pub class: &'static str,
}

/// The cause as JSON shows it.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct CauseInfo {
    pub id: Cause,
    pub summary: &'static str,
    pub advice: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<&'static str>,
    /// Where the rule that named it comes from.
    pub source: &'static str,
}

/// What `smtpcheck explain` says about one reply.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Explanation {
    pub input: String,
    pub reply_code: Option<ReplyCodeInfo>,
    pub enhanced_code: Option<EnhancedInfo>,
    pub text: Option<String>,
    pub cause: Option<CauseInfo>,
    pub blocklist: Option<String>,
    /// The provider the reply comes from, when it shows.
    pub provider: Option<Provider>,
    /// The command the reply answered, when a bounce says so.
    pub stage: Option<ReplyStage>,
}

/// Explains `550`, `5.7.1`, or a reply: one line (`550 5.7.1 <a@b>:
/// Relaying denied`) or several (`550-5.7.26 ...` lines ending with
/// `550 5.7.26 ...`).
pub fn explain(input: &str) -> Result<Explanation, String> {
    explain_in(input, None)
}

/// The same, for a reply known to answer a given command.
pub fn explain_in(input: &str, stage: Option<ReplyStage>) -> Result<Explanation, String> {
    let lines: Vec<&str> = input
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let (reply_code, texts) = split_reply(&lines)?;
    let text_all = texts.join("\n");
    let first_word = texts.first().and_then(|t| t.split_whitespace().next());
    let enhanced = classify::enhanced_code(first_word, &text_all);
    if reply_code.is_none() && enhanced.is_none() {
        let line = lines.first().copied().unwrap_or("");
        return Err(format!("\"{line}\" is neither a reply code (550), an enhanced code (5.7.1), nor a reply line (550 5.7.1 text)"));
    }
    // The class of an enhanced code alone stands in for a reply code.
    let code_for_rules = reply_code.or_else(|| {
        enhanced
            .as_deref()
            .and_then(|e| e[..1].parse::<u16>().ok())
            .map(|c| c * 100 + 50)
    });
    let context = Context {
        stage,
        ..Context::default()
    };
    let diagnosis = code_for_rules.and_then(|code| classify::classify(code, &text_all, &context));
    Ok(Explanation {
        input: lines.join("\n"),
        reply_code: reply_code.map(code_info),
        enhanced_code: enhanced.map(enhanced_info),
        blocklist: crate::dnsbl::zone_named(&text_all),
        text: shown_text(&texts),
        cause: diagnosis.map(|d| CauseInfo {
            id: d.cause,
            summary: d.cause.summary(),
            advice: d.cause.advice(),
            detail: d.detail,
            source: d.source,
        }),
        provider: diagnosis
            .and_then(|d| d.provider)
            .or_else(|| Provider::of_text(&classify::normalize(&text_all))),
        stage,
    })
}

/// The reply code the lines share, and each line's text after it.
fn split_reply<'a>(lines: &[&'a str]) -> Result<(Option<u16>, Vec<&'a str>), String> {
    let mut reply_code = None;
    let mut texts = Vec::new();
    for l in lines {
        match leading_code(l) {
            Some((code, _)) if reply_code.is_some_and(|c| c != code) => {
                return Err(format!(
                    "\"{l}\" has another reply code than the line before it"
                ));
            }
            Some((code, rest)) => {
                reply_code = Some(code);
                texts.push(rest);
            }
            None => texts.push(*l),
        }
    }
    match reply_code {
        Some(code) if !(200..600).contains(&code) => Err(format!(
            "{code} is not an SMTP reply code: they run from 200 to 599"
        )),
        _ => Ok((reply_code, texts)),
    }
}

/// The text as a person reads it: the lines joined, without the enhanced
/// code at their start.
fn shown_text(texts: &[&str]) -> Option<String> {
    let shown: Vec<&str> = texts
        .iter()
        .map(|t| match t.split_once(' ') {
            Some((w, rest)) if crate::smtp::EnhancedCode::parse(w).is_some() => rest,
            _ if crate::smtp::EnhancedCode::parse(t).is_some() => "",
            _ => t,
        })
        .collect();
    Some(shown.join(" ").trim().to_string()).filter(|t| !t.is_empty())
}

fn code_info(code: u16) -> ReplyCodeInfo {
    let known = reply_meaning(code);
    ReplyCodeInfo {
        code,
        meaning: known.map(|k| k.0),
        source: known.map(|k| k.1),
        class: reply_class(code),
    }
}

fn enhanced_info(code: String) -> EnhancedInfo {
    let known = enhanced_meaning(&code);
    let class = match &code[..1] {
        "2" => "2.X.X success",
        "4" => "4.X.X persistent transient failure: sending later may succeed",
        _ => "5.X.X permanent failure: the message or the destination must change",
    };
    EnhancedInfo {
        code,
        meaning: known.map(|k| k.0),
        source: known.map(|k| k.1),
        class,
    }
}

/// `550 rest` or `550-rest`: the code and the rest of the line.
fn leading_code(line: &str) -> Option<(u16, &str)> {
    let bytes = line.as_bytes();
    if bytes.len() >= 3
        && bytes[..3].iter().all(u8::is_ascii_digit)
        && matches!(bytes.get(3), None | Some(b' ' | b'-'))
    {
        let code = line[..3].parse().ok()?;
        Some((code, line.get(4..).unwrap_or("").trim_start()))
    } else {
        None
    }
}

/// Every SMTP reply in a pasted text: a reply as it is, or a bounce (a DSN
/// with `Diagnostic-Code: smtp; 550 ...`, or the free-text reports of
/// Postfix, Exim, Gmail and Microsoft), each with the command it answered
/// when the bounce says.
pub fn explain_text(input: &str) -> Result<Vec<Explanation>, String> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err("nothing to explain: give a code, a reply line or a bounce".into());
    }
    if let Ok(one) = explain(trimmed) {
        let is_reply = trimmed.lines().all(|l| leading_code(l.trim()).is_some());
        if is_reply || trimmed.lines().count() == 1 {
            return Ok(vec![one]);
        }
    }
    let found: Vec<Explanation> = replies_in(trimmed)
        .into_iter()
        .filter_map(|(reply, stage)| explain_in(&reply, stage).ok())
        .collect();
    if found.is_empty() {
        return Err("no SMTP reply found in the text: paste the line with the code (550 5.1.1 ...), or the bounce's Diagnostic-Code".into());
    }
    Ok(found)
}

/// The replies a bounce quotes, with their stage, deduplicated.
fn replies_in(text: &str) -> Vec<(String, Option<ReplyStage>)> {
    let mut out: Vec<(String, Option<ReplyStage>)> = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        let lower = line.to_ascii_lowercase();
        // DSN (RFC 3464): Diagnostic-Code: smtp; 550 5.1.1 ..., folded lines follow.
        let start = if let Some(pos) = lower.find("diagnostic-code:") {
            let rest = &line[pos + "diagnostic-code:".len()..];
            Some(
                rest.split_once(';')
                    .map_or(rest, |(_, r)| r)
                    .trim()
                    .to_string(),
            )
        } else {
            quoted_reply(line)
        };
        let Some(mut reply) = start else {
            i += 1;
            continue;
        };
        // Folded continuation lines (indented), and further lines of the
        // same reply (`550-...` then `550 ...`).
        let code = leading_code(&reply).map(|(c, _)| c);
        let mut j = i + 1;
        while j < lines.len() {
            let next = lines[j];
            let next_code = leading_code(next.trim()).map(|(c, _)| c);
            let same_reply = code.is_some() && next_code == code;
            let folded = next.starts_with([' ', '\t']) && next_code.is_none();
            if next.trim().is_empty() || !(same_reply || folded) {
                break;
            }
            reply.push(if same_reply { '\n' } else { ' ' });
            reply.push_str(next.trim());
            j += 1;
        }
        let stage = stage_near(&lines[i.saturating_sub(2)..j.min(lines.len())].join(" "));
        let reply = strip_trailer(&reply);
        if leading_code(&reply).is_some() && !out.iter().any(|(r, _)| *r == reply) {
            out.push((reply, stage));
        }
        i = j.max(i + 1);
    }
    out
}

/// A reply quoted in a free-text bounce line: Postfix `said: 550 ...`,
/// Microsoft `Remote server returned '550 ...'`, Gmail's reply on a line of
/// its own, Exim's indented reply after `SMTP error from remote mail server`.
fn quoted_reply(line: &str) -> Option<String> {
    let lower = line.to_ascii_lowercase();
    for marker in [
        "said: ",
        "returned '",
        "returned \"",
        "reply was: ",
        "response was: ",
        "error: ",
    ] {
        if let Some(pos) = lower.find(marker) {
            let rest = line[pos + marker.len()..].trim();
            if leading_code(rest).is_some() {
                return Some(rest.trim_end_matches(['\'', '"']).to_string());
            }
        }
    }
    let bare = line.trim();
    (leading_code(bare).is_some_and(|(c, _)| c >= 400) && bare.len() > 4).then(|| bare.to_string())
}

/// Removes what bounces append to a quoted reply: Postfix's `(in reply to
/// RCPT TO command)`, Microsoft's `[server name]` tails stay (they name it).
fn strip_trailer(reply: &str) -> String {
    let lower = reply.to_ascii_lowercase();
    match lower.find(" (in reply to ") {
        Some(pos) => reply[..pos].trim().to_string(),
        None => reply.trim().to_string(),
    }
}

/// The command a bounce says the reply answered.
fn stage_near(text: &str) -> Option<ReplyStage> {
    let lower = text.to_ascii_lowercase();
    [
        ("end of data", ReplyStage::DataEnd),
        ("end of message", ReplyStage::DataEnd),
        ("rcpt to", ReplyStage::Rcpt),
        ("mail from", ReplyStage::Mail),
        ("data command", ReplyStage::Data),
        ("initial greeting", ReplyStage::Greeting),
        ("ehlo", ReplyStage::Ehlo),
        ("helo", ReplyStage::Ehlo),
    ]
    .into_iter()
    .find(|(words, _)| lower.contains(words))
    .map(|(_, stage)| stage)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_codes_and_lines() {
        let e = explain("550").unwrap();
        assert_eq!(e.reply_code.as_ref().unwrap().code, 550);
        assert!(e.enhanced_code.is_none() && e.cause.is_none());
        let e = explain("5.7.1").unwrap();
        assert_eq!(
            e.enhanced_code.unwrap().meaning,
            Some("Delivery not authorized, message refused")
        );
        let e = explain("550 5.7.1 Relaying denied").unwrap();
        assert_eq!(e.cause.unwrap().id, Cause::RelayDenied);
        assert_eq!(e.text.as_deref(), Some("Relaying denied"));
        let e = explain(
            "550-5.7.1 Service unavailable; client [192.0.2.1] blocked using zen.spamhaus.org.",
        )
        .unwrap();
        assert_eq!(
            (e.cause.unwrap().id, e.blocklist.as_deref()),
            (Cause::Blocklisted, Some("zen.spamhaus.org"))
        );
        assert!(explain("hello").is_err());
        assert!(explain("650").is_err());
        assert!(explain("3.1.1").is_err());
    }

    #[test]
    fn a_multi_line_reply_is_read_whole() {
        let e = explain("550-5.7.26 This mail has been blocked because the sender is\n550 5.7.26 unauthenticated. - gsmtp").unwrap();
        assert_eq!(e.cause.unwrap().id, Cause::AuthenticationPolicy);
        assert_eq!(e.provider, Some(Provider::Gmail));
        assert!(explain("550-first\n451 second").is_err(), "two reply codes");
    }

    #[test]
    fn blocklist_zones() {
        assert_eq!(
            crate::dnsbl::zone_named("blocked using b.barracudacentral.org; see ..."),
            Some("b.barracudacentral.org".into())
        );
        assert_eq!(
            crate::dnsbl::zone_named("Your IP is listed in bl.spamcop.net."),
            Some("bl.spamcop.net".into())
        );
        assert_eq!(crate::dnsbl::zone_named("blocked using zen"), None);
    }
}
