//! EHLO capability parsing on any reply the codec accepts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smtpcheck::smtp::reply::decode_all;
use smtpcheck::smtp::Capabilities;

fuzz_target!(|data: &[u8]| {
    if let Ok(replies) = decode_all(data) {
        for reply in replies {
            let caps = Capabilities::from_ehlo(&reply);
            for keyword in caps.keywords() {
                assert!(caps.has(&keyword));
                assert!(!keyword.chars().any(|c| c.is_ascii_lowercase()));
            }
            let _ = caps.size_limit();
        }
    }
});
