//! The video history, on every backend: kept only by the process that holds the finished
//! job, listed newest first a page at a time, here or everywhere, swept by age.

use super::{job, subjects, two_processes};
use crate::store::{ExportCaps, StoreError, VideoQuery, VideoRecord};
use std::time::Duration;

fn video(id: &str, place: &str, finished_at: u64) -> VideoRecord {
    VideoRecord {
        id: id.into(),
        user: "discord:5".into(),
        place: place.into(),
        group: None,
        title: Some(id.into()),
        length_secs: Some(31),
        finished_at,
        url: format!("https://cdn.example/{id}.mp4"),
        request: Some(format!("the words of {id}")),
    }
}

fn query(place: Option<&str>, skip: usize, limit: usize) -> VideoQuery<'_> {
    VideoQuery {
        user: "discord:5",
        place,
        skip,
        limit,
    }
}

#[tokio::test]
async fn a_video_is_kept_by_the_jobs_holder_only_and_listed_newest_first() {
    for subject in subjects("a_video_is_kept_by_the_jobs_holder_only").await {
        let name = subject.name();
        let (a, b) = two_processes(&subject, Duration::from_secs(60)).await;
        let mut claims = Vec::new();
        for id in ["render_1", "render_2", "render_3"] {
            claims.push(a.create_job(&job(id), ExportCaps::NONE).await.unwrap());
        }
        // A lets go (as at a stop); B takes the first job over: A's finish is fenced and
        // keeps nothing.
        a.release_all().await.unwrap();
        let taken = b.claim_jobs(1).await.unwrap();
        let (rec, theirs) = &taken[0];
        let mine = claims.iter().find(|c| c.id == rec.id).unwrap();
        let refused = a
            .finish_video(mine, &video(&rec.id, "discord:7:5", 100))
            .await;
        assert!(
            matches!(refused, Err(StoreError::Fenced { .. })),
            "{name}: {refused:?}"
        );
        assert_eq!(
            b.videos(query(None, 0, 10)).await.unwrap().total,
            0,
            "{name}"
        );
        b.finish_video(theirs, &video(&rec.id, "discord:7:5", 100))
            .await
            .unwrap();
        for (id, place, at) in [("older", "discord:8:5", 50), ("newer", "discord:8:5", 200)] {
            let claim = b.create_job(&job(id), ExportCaps::NONE).await.unwrap();
            b.finish_video(&claim, &video(id, place, at)).await.unwrap();
        }
        let ids = |page: crate::store::VideoPage| -> Vec<String> {
            page.videos.into_iter().map(|v| v.id).collect()
        };
        let all = b.videos(query(None, 0, 10)).await.unwrap();
        assert_eq!(all.total, 3, "{name}");
        assert_eq!(ids(all), ["newer", rec.id.as_str(), "older"], "{name}");
        let second = b.videos(query(None, 2, 2)).await.unwrap();
        assert_eq!(
            (second.total, ids(second)),
            (3, vec!["older".into()]),
            "{name}"
        );
        let past = b.videos(query(None, 5, 2)).await.unwrap();
        assert_eq!((past.total, past.videos.len()), (3, 0), "{name}");
        let here = b.videos(query(Some("discord:8:"), 0, 10)).await.unwrap();
        assert_eq!(ids(here), ["newer", "older"], "{name}");
        // One video by its id, its member's only.
        let one = b.video("discord:5", "older").await.unwrap();
        assert_eq!(one, Some(video("older", "discord:8:5", 50)), "{name}");
        assert_eq!(b.video("discord:6", "older").await.unwrap(), None, "{name}");
        assert_eq!(
            b.video("discord:5", "older2").await.unwrap(),
            None,
            "{name}"
        );
        assert_eq!(b.video("discord:5", "lder").await.unwrap(), None, "{name}");
        // Swept by age: strictly before the cutoff.
        assert_eq!(b.forget_videos_before(100).await.unwrap(), 1, "{name}");
        assert_eq!(
            ids(b.videos(query(None, 0, 10)).await.unwrap()),
            ["newer", rec.id.as_str()]
        );
        drop((a, b));
        subject.finish().await;
    }
}
