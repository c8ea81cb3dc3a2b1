//! Library errors in words for people: no `(os error 2)`, no Rust enum
//! names. The lowest layer: anything may use it.

use std::io;

/// An I/O error as a person reads it: `no such file or directory`, not
/// `No such file or directory (os error 2)`.
pub fn io(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::IsADirectory => "it is a directory, not a file".into(),
        io::ErrorKind::InvalidData => "it is not text (not valid UTF-8)".into(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error ") {
                Some(cut) => text[..cut].to_string(),
                None => text,
            }
        }
    }
}

/// A Rust variant name in words: `HandshakeFailure` → `handshake failure`.
pub fn variant(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push(' ');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_lose_their_errno() {
        let missing = std::fs::read("/nonexistent/smtpcheck").unwrap_err();
        assert_eq!(io(&missing), "no such file or directory");
        let other = io::Error::from_raw_os_error(libc::EMFILE);
        assert_eq!(io(&other), "Too many open files");
    }

    #[test]
    fn variants_become_words() {
        assert_eq!(variant("HandshakeFailure"), "handshake failure");
        assert_eq!(variant("InternalError"), "internal error");
        assert_eq!(variant("x"), "x");
    }
}
