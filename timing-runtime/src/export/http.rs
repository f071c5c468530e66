//! The little HTTP/1.1 that the metrics server and the Pushgateway client speak: one request
//! per connection (`Connection: close`), bounded sizes and timeouts, `http://` URLs.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use thiserror::Error;

use crate::error::TimingError;

/// Longest request or response head accepted (request line or status line plus headers).
pub const MAX_HEAD: usize = 16 * 1024;

/// Largest chunk of a chunked answer read.
const MAX_CHUNK: u64 = 1 << 20;

/// Most headers parsed in one head.
const MAX_HEADERS: usize = 64;

/// Why serving or pushing metrics failed.
#[derive(Debug, Error)]
pub enum NetError {
    /// An argument is malformed (an address, a URL, a label name).
    #[error(transparent)]
    Invalid(#[from] TimingError),
    /// The network refused: binding, connecting, reading or writing.
    #[error("{context}: {source}")]
    Io {
        /// What was being done (`cannot bind 127.0.0.1:9100`).
        context: String,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// The server answered with a status other than 2xx.
    #[error("{url} answered HTTP {status}: {body}")]
    Status {
        /// The URL of the request.
        url: String,
        /// The HTTP status code.
        status: u16,
        /// The start of the response body (the server's reason).
        body: String,
    },
}

impl NetError {
    pub(crate) fn io(context: impl Into<String>, source: io::Error) -> Self {
        Self::Io {
            context: context.into(),
            source,
        }
    }
}

/// An `http://host[:port][/path]` URL, split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpUrl {
    /// Host name or IP address (IPv6 without brackets).
    pub host: String,
    /// Port (80 when the URL names none).
    pub port: u16,
    /// Path prefix without a trailing `/` (empty for the root).
    pub path: String,
}

impl HttpUrl {
    /// Parses `url` (`http://host:port/prefix`; `host:port` alone means `http://host:port`);
    /// `argument` names it in errors. `https`, user info, queries and fragments are refused.
    ///
    /// ```
    /// use timing_runtime::export::http::HttpUrl;
    /// let u = HttpUrl::parse("http://[::1]:9091/push/", "url").unwrap();
    /// assert_eq!((u.host.as_str(), u.port, u.path.as_str()), ("::1", 9091, "/push"));
    /// assert_eq!(HttpUrl::parse("localhost:9091", "url").unwrap().port, 9091);
    /// assert!(HttpUrl::parse("https://gw:9091", "url").is_err());
    /// ```
    pub fn parse(url: &str, argument: &'static str) -> Result<Self, TimingError> {
        let bad = |why: &str| TimingError::invalid(argument, format!("{why}, got {url:?}"));
        let rest = match url.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
            Some((scheme, _)) if scheme.eq_ignore_ascii_case("https") => {
                return Err(bad(
                    "must be an http:// URL (https is not supported: push with prometheus_client's \
                     push_to_gateway and pt.PrometheusCollector() instead)",
                ));
            }
            Some(_) => return Err(bad("must be an http:// URL")),
            None => url,
        };
        if rest.contains(['?', '#', '@']) || rest.chars().any(|c| c.is_whitespace()) {
            return Err(bad(
                "must be http://host[:port][/path] without user, query, fragment or spaces",
            ));
        }
        let (authority, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
        let (host, port) = if let Some(inner) = authority.strip_prefix('[') {
            let (host, after) = inner
                .split_once(']')
                .ok_or_else(|| bad("has an unclosed '[' in its host"))?;
            (host, after.strip_prefix(':'))
        } else {
            match authority.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (authority, None),
            }
        };
        if host.is_empty() || (host.contains([':', '[', ']']) && !authority.starts_with('[')) {
            return Err(bad("must name a host (http://host:port)"));
        }
        let port = match port {
            None => 80,
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|&p| p > 0)
                .ok_or_else(|| bad("has a port that is not between 1 and 65535"))?,
        };
        Ok(Self {
            host: host.to_owned(),
            port,
            path: path.trim_end_matches('/').to_owned(),
        })
    }

    /// `host:port` as written in a `Host` header and in messages (IPv6 in brackets).
    pub fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// A point in time that every read and write of one exchange must finish by.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline {
    end: Instant,
    /// The whole budget, for messages.
    budget: Duration,
}

impl Deadline {
    /// `budget` from now.
    pub(crate) fn after(budget: Duration) -> Self {
        let now = Instant::now();
        // A budget beyond what an `Instant` holds is a year (as good as none).
        let end = now
            .checked_add(budget)
            .unwrap_or_else(|| now + Duration::from_secs(365 * 86_400));
        Self { end, budget }
    }

    /// The time left, or a `TimedOut` error when none is.
    pub(crate) fn remaining(&self) -> io::Result<Duration> {
        let left = self.end.saturating_duration_since(Instant::now());
        if left.is_zero() {
            Err(self.timed_out())
        } else {
            Ok(left)
        }
    }

    /// The error of a deadline that passed.
    pub(crate) fn timed_out(&self) -> io::Error {
        io::Error::new(
            io::ErrorKind::TimedOut,
            format!("timed out after {:.1} s", self.budget.as_secs_f64()),
        )
    }

    /// Maps a socket timeout (`WouldBlock`/`TimedOut` from a read or write timeout) to the
    /// deadline's error; other errors pass through.
    fn map(&self, e: io::Error) -> io::Error {
        match e.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => self.timed_out(),
            _ => e,
        }
    }

    /// One `read` of `stream` that returns by the deadline.
    pub(crate) fn read(&self, stream: &mut TcpStream, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            stream.set_read_timeout(Some(self.remaining()?))?;
            match stream.read(buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => return other.map_err(|e| self.map(e)),
            }
        }
    }

    /// Writes all of `bytes` by the deadline.
    pub(crate) fn write_all(&self, stream: &mut TcpStream, mut bytes: &[u8]) -> io::Result<()> {
        while !bytes.is_empty() {
            stream.set_write_timeout(Some(self.remaining()?))?;
            match stream.write(bytes) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => bytes = &bytes[n..],
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.map(e)),
            }
        }
        Ok(())
    }
}

/// A request head, parsed.
#[derive(Debug)]
pub(crate) struct RequestHead {
    pub(crate) method: String,
    pub(crate) target: String,
}

/// A response head, parsed.
#[derive(Debug)]
pub(crate) struct ResponseHead {
    pub(crate) status: u16,
    /// `Content-Length`, when given.
    pub(crate) content_length: Option<u64>,
    /// Whether the body is sent `Transfer-Encoding: chunked`.
    pub(crate) chunked: bool,
}

fn invalid(why: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, why.into())
}

/// Reads an HTTP head by `deadline` and parses it with `parse` (given the bytes so far;
/// `Ok(None)` means "incomplete"); returns it and whatever of the body came with it. Fails on
/// a head longer than [`MAX_HEAD`], a malformed one, the deadline or a connection closed early.
fn read_head_with<T>(
    stream: &mut TcpStream,
    deadline: &Deadline,
    parse: impl Fn(&[u8]) -> io::Result<Option<(T, usize)>>,
) -> io::Result<(T, Vec<u8>)> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        if !buf.is_empty() {
            if let Some((head, len)) = parse(&buf)? {
                return Ok((head, buf.split_off(len)));
            }
        }
        if buf.len() > MAX_HEAD {
            return Err(invalid(format!("HTTP head longer than {MAX_HEAD} bytes")));
        }
        let n = deadline.read(stream, &mut chunk)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed before the end of the HTTP head",
            ));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Reads and parses a request head (`httparse`) by `deadline`.
pub(crate) fn read_request_head(
    stream: &mut TcpStream,
    deadline: &Deadline,
) -> io::Result<(RequestHead, Vec<u8>)> {
    read_head_with(stream, deadline, |buf| {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut req = httparse::Request::new(&mut headers);
        match req.parse(buf) {
            Ok(httparse::Status::Complete(len)) => Ok(Some((
                RequestHead {
                    method: req.method.unwrap_or("").to_owned(),
                    target: req.path.unwrap_or("").to_owned(),
                },
                len,
            ))),
            Ok(httparse::Status::Partial) => Ok(None),
            Err(e) => Err(invalid(format!("malformed HTTP request: {e}"))),
        }
    })
}

/// Reads and parses a response head (`httparse`) by `deadline`.
pub(crate) fn read_response_head(
    stream: &mut TcpStream,
    deadline: &Deadline,
) -> io::Result<(ResponseHead, Vec<u8>)> {
    read_head_with(stream, deadline, |buf| {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut resp = httparse::Response::new(&mut headers);
        match resp.parse(buf) {
            Ok(httparse::Status::Complete(len)) => {
                let mut head = ResponseHead {
                    status: resp.code.unwrap_or(0),
                    content_length: None,
                    chunked: false,
                };
                for h in resp.headers.iter() {
                    let value = String::from_utf8_lossy(h.value);
                    if h.name.eq_ignore_ascii_case("content-length") {
                        let n = value.trim().parse::<u64>().map_err(|_| {
                            invalid(format!("the answer has a bad Content-Length {value:?}"))
                        })?;
                        if head.content_length.is_some_and(|m| m != n) {
                            return Err(invalid("the answer has two Content-Lengths"));
                        }
                        head.content_length = Some(n);
                    } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
                        head.chunked = value.to_ascii_lowercase().contains("chunked");
                    }
                }
                Ok(Some((head, len)))
            }
            Ok(httparse::Status::Partial) => Ok(None),
            Err(e) => Err(invalid(format!("the answer is not HTTP: {e}"))),
        }
    })
}

/// Reads a response body by `deadline`: the `Content-Length` bytes, the chunks of a chunked
/// body, or everything up to the end of the connection. Keeps at most `keep` bytes; a body
/// that ends before its announced length or last chunk is an error ("truncated").
pub(crate) fn read_body(
    stream: &mut TcpStream,
    deadline: &Deadline,
    head: &ResponseHead,
    mut got: Vec<u8>,
    keep: usize,
) -> io::Result<Vec<u8>> {
    let truncated = || {
        io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the answer is truncated (the connection closed before the end of its body)",
        )
    };
    let mut chunk = [0u8; 4096];
    if head.chunked {
        // Decode chunks as they arrive: `got` holds undecoded bytes, `body` the decoded ones.
        let mut body = Vec::new();
        loop {
            if let Some(line_end) = got.windows(2).position(|w| w == b"\r\n") {
                let line = String::from_utf8_lossy(&got[..line_end]);
                let size = line.split(';').next().unwrap_or("").trim();
                let size = u64::from_str_radix(size, 16)
                    .map_err(|_| invalid(format!("the answer has a bad chunk size {size:?}")))?;
                if size == 0 {
                    return Ok(body);
                }
                let need = line_end as u64 + 2 + size + 2;
                if (got.len() as u64) >= need {
                    let start = line_end + 2;
                    let data = &got[start..start + size as usize];
                    let room = keep.saturating_sub(body.len());
                    body.extend_from_slice(&data[..data.len().min(room)]);
                    got.drain(..need as usize);
                    continue;
                }
                if need > MAX_CHUNK {
                    return Err(invalid(format!(
                        "the answer has a chunk of {size} bytes (at most {MAX_CHUNK} are read)"
                    )));
                }
            } else if got.len() > MAX_HEAD {
                return Err(invalid("the answer has a chunk-size line that never ends"));
            }
            let n = deadline.read(stream, &mut chunk)?;
            if n == 0 {
                return Err(truncated());
            }
            got.extend_from_slice(&chunk[..n]);
        }
    }
    let mut seen = got.len() as u64;
    got.truncate(keep);
    match head.content_length {
        Some(len) => {
            while seen < len {
                let n = deadline.read(stream, &mut chunk)?;
                if n == 0 {
                    return Err(truncated());
                }
                let room = keep.saturating_sub(got.len());
                got.extend_from_slice(&chunk[..n.min(room)]);
                seen += n as u64;
            }
            got.truncate(usize::try_from(len).unwrap_or(usize::MAX));
        }
        None => loop {
            let n = deadline.read(stream, &mut chunk)?;
            if n == 0 {
                break;
            }
            let room = keep.saturating_sub(got.len());
            got.extend_from_slice(&chunk[..n.min(room)]);
        },
    }
    Ok(got)
}

/// `text` cut to `max` characters with control characters escaped (`\u{1b}`), for showing
/// what a peer sent in a message.
pub(crate) fn shown(text: &str, max: usize) -> String {
    let text = text.trim();
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == max {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u = HttpUrl::parse("HTTP://gw.example:9091", "u").unwrap();
        assert_eq!(
            u,
            HttpUrl {
                host: "gw.example".into(),
                port: 9091,
                path: String::new()
            }
        );
        assert_eq!(u.authority(), "gw.example:9091");
        let u = HttpUrl::parse("http://127.0.0.1/a/b//", "u").unwrap();
        assert_eq!((u.port, u.path.as_str()), (80, "/a/b"));
        assert_eq!(
            HttpUrl::parse("http://[::1]:1", "u").unwrap().authority(),
            "[::1]:1"
        );
        for bad in [
            "",
            "http://",
            "http://:9091",
            "ftp://x",
            "https://x",
            "http://x:0",
            "http://x:65536",
            "http://x:port",
            "http://u:p@x:1",
            "http://x:1/?q",
            "http://x:1/#f",
            "http://[::1:1",
            "http://::1:9091",
            "http://x y:1",
        ] {
            let err = HttpUrl::parse(bad, "gateway_url").unwrap_err();
            assert!(err.to_string().starts_with("gateway_url "), "{bad}: {err}");
        }
    }
}
