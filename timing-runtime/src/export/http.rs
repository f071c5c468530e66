//! The little HTTP/1.1 that the metrics server and the Pushgateway client speak: one request
//! per connection (`Connection: close`), bounded sizes and timeouts, `http://` URLs.

use std::io::{self, Read};
use std::net::TcpStream;
use std::time::Duration;

use thiserror::Error;

use crate::error::TimingError;

/// Read and write timeout of every connection.
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// Longest request or response head accepted (request line or status line plus headers).
pub(crate) const MAX_HEAD: usize = 16 * 1024;

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

/// Reads until the end of an HTTP head (`\r\n\r\n`); returns the head and whatever of the body
/// came with it. Fails on a head longer than [`MAX_HEAD`] or a connection closed early.
pub(crate) fn read_head(stream: &mut TcpStream) -> io::Result<(String, Vec<u8>)> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = buf.split_off(end + 4);
            return Ok((String::from_utf8_lossy(&buf).into_owned(), rest));
        }
        if buf.len() > MAX_HEAD {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "HTTP head too long",
            ));
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed before the end of the HTTP head",
            ));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
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
