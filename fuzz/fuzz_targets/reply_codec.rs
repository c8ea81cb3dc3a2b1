//! The reply codec must never panic, never exceed its limits, and decode the
//! same replies however the bytes are split across reads.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smtpcheck::smtp::reply::{decode_all, ReplyDecoder, MAX_LINE, MAX_LINES, MAX_REPLY_BYTES};

fuzz_target!(|data: &[u8]| {
    let whole = decode_all(data);
    // Feed the same bytes in uneven chunks: the result must not change.
    let mut decoder = ReplyDecoder::new();
    let mut replies = Vec::new();
    let mut error = None;
    'feed: for chunk in data.chunks(7) {
        decoder.feed(chunk);
        loop {
            match decoder.next_line() {
                Ok(Some(d)) => replies.extend(d.reply),
                Ok(None) => break,
                Err(e) => {
                    error = Some(e);
                    break 'feed;
                }
            }
        }
        assert!(decoder.buffered() <= MAX_LINE + 1 + 7);
    }
    for r in &replies {
        assert!(r.lines.len() <= MAX_LINES);
        assert!(r.lines.iter().all(|l| l.raw.len() <= MAX_LINE));
        assert!(r.lines.iter().map(|l| l.raw.len() + 2).sum::<usize>() <= MAX_REPLY_BYTES + 2 * MAX_LINES);
        let _ = (r.text(), r.summary(), r.raw_text());
    }
    match (whole, error) {
        (Ok(all), None) => assert_eq!(all, replies),
        (Err(a), Some(b)) => assert_eq!(a, b),
        // An over-long line without a line end is seen earlier when fed in chunks.
        (Ok(_), Some(_)) | (Err(_), None) => {}
    }
});
