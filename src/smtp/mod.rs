//! SMTP client protocol: a pure reply codec, commands that refuse injection,
//! EHLO capability parsing, and a session that enforces deadlines.

pub mod auth;
pub mod capability;
pub mod command;
pub mod reply;
pub mod session;

pub use capability::{Capabilities, Capability};
pub use command::{check_argument, Command, Notify, NotifyOn, UnsafeArgument};
pub use reply::{EnhancedCode, Reply, ReplyDecoder, ReplyError};
pub use session::{
    millis, BoxStream, Deadlines, Direction, OnWait, Session, SessionError, SessionState, Stream,
    Timed, Transcript, TranscriptLine,
};
