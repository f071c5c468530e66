//! Pushing the profile to a Prometheus Pushgateway, for batch jobs that end before a scrape.
//!
//! `PUT <gateway>/metrics/job/<job>/<label>/<value>…` replaces the group's metrics. Path
//! segments are escaped as the Pushgateway documents: a value that is empty, contains `/`
//! or is `.`/`..` is sent base64url-encoded under `<label>@base64`; any other value is
//! percent-encoded.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::http::{HttpUrl, IO_TIMEOUT, NetError, read_head};
use super::prometheus::CONTENT_TYPE;
use crate::error::TimingError;
use crate::profile;

/// Characters kept as they are in a path segment: RFC 3986's unreserved set.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Longest response read back from the gateway (the rest is ignored).
const MAX_RESPONSE: u64 = 64 * 1024;

fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// One `/<label>/<value>` pair of the grouping path, escaped.
fn segment(label: &str, value: &str) -> String {
    if value.is_empty() || value.contains('/') || value == "." || value == ".." {
        let encoded = URL_SAFE.encode(value);
        // An empty value is written `=`, as the Pushgateway documents.
        let encoded = if encoded.is_empty() {
            "=".to_owned()
        } else {
            encoded
        };
        format!("/{label}@base64/{encoded}")
    } else {
        format!("/{label}/{}", utf8_percent_encode(value, SEGMENT))
    }
}

/// The path of a group below the gateway's URL: `/metrics/job/<job>/<label>/<value>…`.
///
/// `job` must not be empty; label names are Prometheus label names (`[a-zA-Z_][a-zA-Z0-9_]*`,
/// not starting with `__`), other than `job`, each once.
///
/// ```
/// use timing_runtime::export::pushgateway::grouping_path;
/// let grouping = [("instance".to_owned(), "ci 1".to_owned()), ("dir".to_owned(), "/tmp".to_owned())];
/// assert_eq!(
///     grouping_path("bench", &grouping).unwrap(),
///     "/metrics/job/bench/instance/ci%201/dir@base64/L3RtcA=="
/// );
/// ```
pub fn grouping_path(job: &str, grouping: &[(String, String)]) -> Result<String, TimingError> {
    if job.is_empty() {
        return Err(TimingError::invalid("job", "must not be empty"));
    }
    let mut path = format!("/metrics{}", segment("job", job));
    for (i, (label, value)) in grouping.iter().enumerate() {
        if !is_label_name(label) || label.starts_with("__") {
            return Err(TimingError::invalid(
                "grouping",
                format!(
                    "keys must be label names ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __), got {label:?}"
                ),
            ));
        }
        if label == "job" || grouping[..i].iter().any(|(l, _)| l == label) {
            return Err(TimingError::invalid(
                "grouping",
                format!("names the label {label:?} twice (job is the job argument)"),
            ));
        }
        path.push_str(&segment(label, value));
    }
    Ok(path)
}

/// Pushes the global profile ([`profile::snapshot()`] in the text format) to the Pushgateway at
/// `gateway_url` (`http://host:9091`) under `job` and the `grouping` labels, replacing what
/// that group held.
pub fn push_profile(
    gateway_url: &str,
    job: &str,
    grouping: &[(String, String)],
) -> Result<(), NetError> {
    push(
        gateway_url,
        job,
        grouping,
        &profile::snapshot().to_prometheus(),
    )
}

/// Pushes `body` (a text exposition) with `PUT` to the group of `job` and `grouping` at
/// `gateway_url`; any status other than 2xx is an error carrying the gateway's reason.
pub fn push(
    gateway_url: &str,
    job: &str,
    grouping: &[(String, String)],
    body: &str,
) -> Result<(), NetError> {
    let url = HttpUrl::parse(gateway_url, "gateway_url")?;
    let path = format!("{}{}", url.path, grouping_path(job, grouping)?);
    let full = format!("http://{}{path}", url.authority());
    let addrs: Vec<_> = (url.host.as_str(), url.port)
        .to_socket_addrs()
        .map_err(|e| NetError::io(format!("cannot resolve {}", url.host), e))?
        .collect();
    let mut last = None;
    let mut stream = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, IO_TIMEOUT) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = Some(e),
        }
    }
    let context = format!("cannot push to the Pushgateway at {}", url.authority());
    let mut stream = stream.ok_or_else(|| {
        let e = last.unwrap_or_else(|| std::io::Error::other("no address found"));
        NetError::io(context.clone(), e)
    })?;
    let io = |e| NetError::io(context.clone(), e);
    stream.set_read_timeout(Some(IO_TIMEOUT)).map_err(io)?;
    stream.set_write_timeout(Some(IO_TIMEOUT)).map_err(io)?;
    let request = format!(
        "PUT {path} HTTP/1.1\r\nHost: {}\r\nUser-Agent: performance_timing/{}\r\n\
         Content-Type: {CONTENT_TYPE}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        url.authority(),
        env!("CARGO_PKG_VERSION"),
        body.len()
    );
    stream.write_all(request.as_bytes()).map_err(io)?;
    stream.write_all(body.as_bytes()).map_err(io)?;
    stream.flush().map_err(io)?;
    let (head, mut rest) = read_head(&mut stream).map_err(io)?;
    let status = head
        .lines()
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse::<u16>().ok())
        .ok_or_else(|| {
            io(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "the answer is not HTTP",
            ))
        })?;
    if (200..300).contains(&status) {
        return Ok(());
    }
    // The reason, from what the gateway sent before closing (bounded).
    let _ = (&mut stream)
        .take(MAX_RESPONSE)
        .read_to_end(&mut rest)
        .map_err(io);
    let body = String::from_utf8_lossy(&rest);
    Err(NetError::Status {
        url: full,
        status,
        body: body.trim().chars().take(500).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(l, v)| ((*l).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn escaping() {
        let path = grouping_path(
            "a/b",
            &group(&[("e", ""), ("dot", "."), ("u", "é?&+%"), ("_x1", "ok")]),
        )
        .unwrap();
        assert_eq!(
            path,
            "/metrics/job@base64/YS9i/e@base64/=/dot@base64/Lg==/u/%C3%A9%3F%26%2B%25/_x1/ok"
        );
    }

    #[test]
    fn refusals() {
        assert!(grouping_path("", &[]).is_err());
        for bad in ["", "1a", "a-b", "__x", "job", "é"] {
            let err = grouping_path("j", &group(&[(bad, "v")])).unwrap_err();
            assert!(err.to_string().starts_with("grouping "), "{err}");
        }
        assert!(grouping_path("j", &group(&[("a", "1"), ("a", "2")])).is_err());
        let err = push("https://x:1", "j", &[], "").unwrap_err();
        assert!(matches!(err, NetError::Invalid(_)), "{err}");
    }

    #[test]
    fn connection_refused_is_an_io_error() {
        // A port that was free a moment ago: nothing listens there.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let err = push(&format!("http://127.0.0.1:{port}"), "j", &[], "").unwrap_err();
        assert!(matches!(err, NetError::Io { .. }), "{err}");
        assert!(
            err.to_string()
                .starts_with("cannot push to the Pushgateway at 127.0.0.1:")
        );
    }
}
