//! Session writes fenced by the scope's lease, on every backend.

use super::{session, subjects, two_processes};
use crate::store::StoreError;
use std::time::Duration;

/// Waits (with a deadline) until `b` takes `scope`'s lease for `turn`: `a`'s has run out.
async fn take_over(b: &crate::store::Store, scope: &str, turn: &str) -> crate::store::ScopeClaim {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(claim) = b.lease_scope(scope, turn).await.unwrap() {
            return claim;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the lease never ran out"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_stale_turns_session_write_is_refused() {
    for subject in subjects("a_stale_turns_session_write").await {
        let name = subject.name();
        // A's lease runs out quickly; B's outlasts any load the machine is under.
        let (a, b) = two_processes(&subject, Duration::from_millis(300)).await;
        let b = b.with_lease(Duration::from_secs(60));
        let scope = "channel:1";
        let mine = a.lease_scope(scope, "t1").await.unwrap().unwrap();
        a.put_session(scope, &session("s_a"), Some(&mine))
            .await
            .unwrap();
        // A stops renewing (paused past its lease): B's turn takes the scope over and writes.
        let theirs = take_over(&b, scope, "t2").await;
        assert!(theirs.epoch > mine.epoch, "{name}: {theirs:?} {mine:?}");
        b.put_session(scope, &session("s_b"), Some(&theirs))
            .await
            .unwrap();
        // A resumes: its writes are refused, by kind, and change nothing.
        let refused = [
            a.put_session(scope, &session("s_stale"), Some(&mine)).await,
            a.remove_session(scope, Some(&mine)).await,
            // Outside any turn, while B's turn holds the scope.
            a.put_session(scope, &session("s_none"), None).await,
        ];
        for result in refused {
            assert!(
                matches!(&result, Err(StoreError::ScopeFenced { scope: s }) if s == scope),
                "{name}: {result:?}"
            );
        }
        let kept = b.session(scope).await.unwrap().unwrap();
        assert_eq!(kept.session_id, "s_b", "{name}");
        // Released, the next turn's epoch still follows (it never starts again).
        b.release_scope(scope, "t2").await.unwrap();
        let again = a.lease_scope(scope, "t3").await.unwrap().unwrap();
        assert!(again.epoch > theirs.epoch, "{name}: {again:?} {theirs:?}");
        a.remove_session(scope, Some(&again)).await.unwrap();
        assert_eq!(a.session(scope).await.unwrap(), None, "{name}");
        a.release_all().await.unwrap();
        a.put_session(scope, &session("s_free"), None)
            .await
            .unwrap();
        drop((a, b));
        subject.finish().await;
    }
}
