//! Bodies: the boxed body type the proxy answers with, small fixed bodies, and the guard that
//! bounds a client's request body in size and in pauses.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::{combinators::UnsyncBoxBody, BodyExt, Empty, Full};
use tokio::time::{Instant, Sleep};

/// Any error inside a body or a connection.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The body of every response (and relayed request): streamed, boxed.
pub(crate) type ProxyBody = UnsyncBoxBody<Bytes, BoxError>;

/// A body holding `bytes`.
pub(crate) fn full(bytes: impl Into<Bytes>) -> ProxyBody {
    Full::new(bytes.into()).map_err(|never| match never {}).boxed_unsync()
}

/// An empty body.
pub(crate) fn empty() -> ProxyBody {
    Empty::new().map_err(|never| match never {}).boxed_unsync()
}

/// Why a client's request body was cut off.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum BodyLimitError {
    /// More bytes than allowed.
    #[error("the request body is larger than {0} bytes")]
    TooLarge(u64),
    /// The client paused too long.
    #[error("the request body stalled for more than {0:?}")]
    Stalled(Duration),
}

/// When a request body last moved: the relay waits for the upstream's answer from then on, so
/// a long upload that keeps moving is not cut off by the upstream timeout.
#[derive(Debug)]
pub(crate) struct Activity {
    start: Instant,
    /// Nanoseconds from `start` to the last frame.
    last: AtomicU64,
}

impl Activity {
    fn new() -> Self {
        Activity { start: Instant::now(), last: AtomicU64::new(0) }
    }

    fn touch(&self) {
        let nanos = u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.last.fetch_max(nanos, Ordering::Relaxed);
    }

    /// When the body last moved (when it was guarded, if never).
    pub(crate) fn last(&self) -> Instant {
        self.start + Duration::from_nanos(self.last.load(Ordering::Relaxed))
    }
}

/// A request body that fails once it exceeds `limit` bytes or pauses longer than `idle`.
pub(crate) struct GuardedBody<B> {
    inner: B,
    remaining: u64,
    limit: u64,
    idle: Duration,
    timer: Pin<Box<Sleep>>,
    activity: Arc<Activity>,
}

impl<B> GuardedBody<B> {
    /// Guards `inner`.
    pub(crate) fn new(inner: B, limit: u64, idle: Duration) -> Self {
        GuardedBody {
            inner,
            remaining: limit,
            limit,
            idle,
            timer: Box::pin(tokio::time::sleep(idle)),
            activity: Arc::new(Activity::new()),
        }
    }

    /// When the body last moved.
    pub(crate) fn activity(&self) -> Arc<Activity> {
        self.activity.clone()
    }
}

impl<B> Body for GuardedBody<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    let size = data.len() as u64;
                    if size > this.remaining {
                        return Poll::Ready(Some(Err(Box::new(BodyLimitError::TooLarge(this.limit)))));
                    }
                    this.remaining -= size;
                }
                this.activity.touch();
                let deadline = tokio::time::Instant::now() + this.idle;
                this.timer.as_mut().reset(deadline);
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(error))) => Poll::Ready(Some(Err(error.into()))),
            Poll::Ready(None) => {
                this.activity.touch();
                Poll::Ready(None)
            }
            Poll::Pending => match this.timer.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyLimitError::Stalled(this.idle))))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The first [`BodyLimitError`] in an error's source chain.
pub(crate) fn find_limit_error(error: &(dyn std::error::Error + 'static)) -> Option<BodyLimitError> {
    let mut current = Some(error);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<BodyLimitError>() {
            return Some(found.clone());
        }
        current = e.source();
    }
    None
}
