//! Pushing the profile to a Prometheus Pushgateway, for batch jobs that end before a scrape.
//!
//! `PUT <gateway>/metrics/job/<job>/<label>/<value>…` replaces the group's metrics. Path
//! segments are escaped as the Pushgateway documents: a value that is empty, contains `/`
//! or is `.`/`..` is sent base64url-encoded under `<label>@base64`; any other value is
//! percent-encoded.

use std::net::{Shutdown, TcpStream, ToSocketAddrs};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::http::{Deadline, HttpUrl, NetError, read_body, read_response_head, shown};
use super::prometheus::CONTENT_TYPE;
use crate::error::TimingError;
use crate::profile;

/// Characters kept as they are in a path segment: RFC 3986's unreserved set.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Most bytes of the gateway's answer body kept (the rest is read and dropped).
const MAX_RESPONSE: usize = 64 * 1024;

/// Most characters of the gateway's error body shown in an error (control characters escaped).
pub const MAX_SHOWN_BODY: usize = 500;

/// The default deadline of one push: resolving, connecting, sending and reading the answer.
pub const PUSH_TIMEOUT: Duration = Duration::from_secs(10);

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
/// that group held; the whole exchange must end within `timeout` ([`PUSH_TIMEOUT`] by default).
pub fn push_profile(
    gateway_url: &str,
    job: &str,
    grouping: &[(String, String)],
    timeout: Duration,
) -> Result<(), NetError> {
    push(
        gateway_url,
        job,
        grouping,
        &profile::snapshot().to_prometheus(),
        timeout,
    )
}

/// Pushes `body` (a text exposition) with `PUT` to the group of `job` and `grouping` at
/// `gateway_url`, within one overall deadline `timeout` (connecting, sending, and reading the
/// whole answer). Any status other than 2xx is an error carrying the gateway's reason (control
/// characters escaped, at most [`MAX_SHOWN_BODY`] characters); an answer cut short of its
/// announced length, or not HTTP, is an I/O error; so is the deadline (kind `TimedOut`,
/// "timed out after … s").
pub fn push(
    gateway_url: &str,
    job: &str,
    grouping: &[(String, String)],
    body: &str,
    timeout: Duration,
) -> Result<(), NetError> {
    if timeout.is_zero() {
        return Err(TimingError::invalid("timeout", "must be positive").into());
    }
    let url = HttpUrl::parse(gateway_url, "gateway_url")?;
    let path = format!("{}{}", url.path, grouping_path(job, grouping)?);
    let full = format!("http://{}{path}", url.authority());
    let deadline = Deadline::after(timeout);
    let context = format!("cannot push to the Pushgateway at {}", url.authority());
    let io = |e| NetError::io(context.clone(), e);
    let addrs: Vec<_> = (url.host.as_str(), url.port)
        .to_socket_addrs()
        .map_err(|e| NetError::io(format!("cannot resolve {}", url.host), e))?
        .collect();
    let mut last = None;
    let mut stream = None;
    for addr in addrs {
        let left = match deadline.remaining() {
            Ok(left) => left,
            Err(e) => {
                last = Some(e);
                break;
            }
        };
        match TcpStream::connect_timeout(&addr, left) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => last = Some(deadline.timed_out()),
            Err(e) => last = Some(e),
        }
    }
    let mut stream = stream
        .ok_or_else(|| io(last.unwrap_or_else(|| std::io::Error::other("no address found"))))?;
    let request = format!(
        "PUT {path} HTTP/1.1\r\nHost: {}\r\nUser-Agent: performance_timing/{}\r\n\
         Content-Type: {CONTENT_TYPE}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        url.authority(),
        env!("CARGO_PKG_VERSION"),
        body.len()
    );
    deadline
        .write_all(&mut stream, request.as_bytes())
        .map_err(io)?;
    deadline
        .write_all(&mut stream, body.as_bytes())
        .map_err(io)?;
    let (head, rest) = read_response_head(&mut stream, &deadline).map_err(io)?;
    // The whole answer, so that a truncated one is seen (a 2xx with a cut body is an error).
    let answer = if head.status == 204 || head.status == 304 {
        Vec::new()
    } else {
        read_body(&mut stream, &deadline, &head, rest, MAX_RESPONSE).map_err(io)?
    };
    let _ = stream.shutdown(Shutdown::Both);
    if (200..300).contains(&head.status) {
        return Ok(());
    }
    Err(NetError::Status {
        url: full,
        status: head.status,
        body: shown(&String::from_utf8_lossy(&answer), MAX_SHOWN_BODY),
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
        let err = push("https://x:1", "j", &[], "", PUSH_TIMEOUT).unwrap_err();
        assert!(matches!(err, NetError::Invalid(_)), "{err}");
    }

    #[test]
    fn a_silent_gateway_times_out_by_the_deadline() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let started = std::time::Instant::now();
        let err = push(&url, "j", &[], "x 1\n", Duration::from_millis(300)).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(3));
        assert!(err.to_string().contains("timed out"), "{err}");
        let NetError::Io { source, .. } = err else {
            panic!("not an I/O error")
        };
        assert_eq!(source.kind(), std::io::ErrorKind::TimedOut);
        assert!(push(&url, "j", &[], "", Duration::ZERO).is_err());
        drop(listener);
    }

    #[test]
    fn connection_refused_is_an_io_error() {
        // A port that was free a moment ago: nothing listens there.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let err = push(
            &format!("http://127.0.0.1:{port}"),
            "j",
            &[],
            "",
            PUSH_TIMEOUT,
        )
        .unwrap_err();
        assert!(matches!(err, NetError::Io { .. }), "{err}");
        assert!(
            err.to_string()
                .starts_with("cannot push to the Pushgateway at 127.0.0.1:")
        );
    }
}
