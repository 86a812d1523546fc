# The engine's sentences: answers, errors, progress. Placeables: { $name }.

## Stopping and restarting

restarting = 🔄 I'm restarting right now and can't take new requests. Nothing was sent or charged: try again in a minute.
lease-lost = ⚠️ I lost hold of this project for a moment, so I stopped this step to keep two of me from working on it at once; say `status` to see where it stands, or send your message again.
interrupted = ⚠️ I had to restart, so this step was cut short. What is shown above is kept; say `status` to see the project, or send your message again in a minute.
render-stopped = Stopped before the video was ready. Run the same command again to make it.
render-save-failed = The video is ready at { $url }, but saving it to { $path } failed: { $error }
render-nothing-made = No video was made.

## Times

# $seconds: how long from now, for fronts without a relative timestamp of their own.
eta-seconds = in about { $seconds } s

## Sessions and projects

no-session = There is no project here yet. Drop a song (MP3, WAV, M4A, AAC or FLAC) or describe the music video you want.
reset-done = 🆕 Done. The next request starts a fresh project; the old one stays in your NemoVideo account.
session-replaced = Your previous session was no longer available, so I started a new one.
open-editor = Open this project in NemoVideo's web editor (the link works for 7 days):
# $position: the request's place in line; $eta: when it likely starts, as the front says it.
queued = ⏳ Another request is still running in this project; yours is number { $position } in line and starts when it's done.
queued-eta = ⏳ Another request is still running in this project; yours is number { $position } in line and starts when it's done, likely { $eta }.

## The agent's turn

still-working = ⏳ Still working...
working-on = 🎛️ Working: { $tool }
stream-broken = ⚠️ The connection to the video service broke while the agent was working. I did not resend your message (each message costs credits). Say `status` to see what was done.
stream-too-large = ⚠️ The video service sent a piece of the answer far larger than expected, so I stopped reading it. I did not resend your message (each message costs credits). Say `status` to see what was done.
agent-failed = ⚠️ The video service's agent ran into a problem and stopped before finishing this step. Nothing you made was lost. Please send your message again (simpler words can help), or say `status` to see the timeline as it is now.
turn-timeout = ⌛ The agent took longer than { $minutes ->
        [one] a minute
       *[other] { $minutes } minutes
    }, so I stopped waiting. It may still finish in the background: say `status` in a bit to see the timeline.
turn-quiet = ⌛ The video service sent nothing for { $minutes ->
        [one] a minute
       *[other] { $minutes } minutes
    }, so I stopped waiting. The agent may still finish in the background: say `status` in a bit to see the timeline.
silent-no-change = The agent finished without a reply, and the timeline did not change. Try describing what you want in more detail.
silent-unknown = The agent finished without a reply, and I could not read the timeline. Say `status` in a moment to check.
silent-changed = ✅ Done. { $change }
    { $summary }
silent-changed-new = ✅ Done. { $summary }

## The agent's GUI instructions, rewritten into what a member can say (inside the agent's
## own sentences, so lower case and without a full stop)

gui-say-export = say `export`
gui-say-status = say `status`
gui-say-status-summary = say `status` for a summary of the tracks
gui-tell-move = tell me in a message to move

## Uploads

upload-hint = Tell me what to make, for example: “generate a music video with visuals that match the beat and mood of this song”.
attach-something = Attach an audio file (MP3, WAV, M4A, AAC, FLAC, up to 200 MB) or paste a link to one, and I'll upload it.
uploading = 📤 Uploading { $name }…
uploaded = 📥 Uploaded { $name }.
# $details: the file's type and length, e.g. "audio, 3:02".
uploaded-details = 📥 Uploaded { $name } ({ $details }).
# A song the bot analysed (the upload line and /status): its name, then what was heard, joined
# with " · ", e.g. "3:12 · 124 BPM · 4/4 · E minor · drop at 0:45".
heard-song = 🎵 { $name }
heard-song-details = 🎵 { $name } · { $details }
heard-bpm = { $bpm } BPM
# Beats in a bar (3 or 4): the time signature.
heard-meter = { $beats }/4
# $tonic: a note name such as "E" or "F♯".
heard-key-major = { $tonic } major
heard-key-minor = { $tonic } minor
# Where the song gets loudest, m:ss.
heard-drop = drop at { $at }

## Credits

no-credits-not-yours = This project's credits are used up (it runs on another member's account). Use /reset to start a project on your own account.
no-credits-register = You're out of free credits. Register to keep going (your projects come with you):

## Exports

nothing-to-export = There is nothing to export yet: the timeline is empty. Ask for a music video first, for example with /musicvideo.
export-done = 🎉 Your music video is ready (1080p MP4):
posted-again = (posted again after a restart, in case the first one was lost)
export-failed = ❌ The export failed. Say `export` to try again.
# $why: the video service's reason, as it gave it.
export-failed-why = ❌ The export failed: { $why }. Say `export` to try again.
export-lost = ❌ The export was interrupted before the video service took it. Say `export` to start it again.
export-unconfirmed = 🎬 The video service did not confirm the export; I'm checking whether it started and will post the result here.
export-timeout = ⌛ The export is taking far longer than usual, so I stopped waiting for it. Say `export` to try again.

## Cancel

cancel-export-done = 🛑 Export cancelled: I stopped waiting for it and won't post its link. The video service may still finish the render on its side; if it does, you'll find it in the project with `/open`.
cancel-waiting-done = 🛑 Cancelled: your request left the line and won't run.
cancel-turn-done = 🛑 Cancelled: I closed the agent's answer where it got to.
cancel-turn-note = 🛑 Cancelled: the answer stops here. Credits the video service already spent on it may not come back.
cancel-over = That has already ended (or someone cancelled it already), so there is nothing to cancel here.

## Quotas

turn-quota = You've sent { $limit } { $limit ->
        [one] request
       *[other] requests
    } to the video agent in the last hour, the most one member may. You can send the next one { $eta }.
export-quota-user = You already have { $running } { $running ->
        [one] export
       *[other] exports
    } rendering. When one finishes (its link is posted here), export again.
export-quota-group = This server already has as many exports rendering as it may. Please try again in a minute or two.
too-many-files = At most { $limit } { $limit ->
        [one] file
       *[other] files
    } per message, please. Nothing was uploaded: send them in smaller groups.

## Errors

service-trouble = The video service is not answering properly right now. Please try again in a few minutes.
our-trouble = Something went wrong on my side. Please try again; if it keeps happening, tell the bot's operator.
no-credits = You're out of credits. Top up credits in your account to keep going.
service-refused-file = The video service refused that file type. Supported formats: { $formats }.
file-changed = { $path } changed while I was uploading it, so I stopped. Wait until it is fully saved, then send it again.
service-file-too-large = That file is too large for the video service (200 MB at most). Try compressing it or trimming the song.
export-blocked = Register or upgrade your plan to unlock export.
rate-limited = The video service is busy right now (rate limited). Please try again in a minute.
bad-token = The video service did not accept our credentials. Please try again later; if it keeps happening, tell the bot's operator.
answer-too-large = The video service sent an answer far larger than expected, so I stopped reading it. Nothing was lost: say `status` to see the project, or try again.

## Files refused before upload

file-unsupported = I can't use { $name }: that file type isn't supported. Supported formats: { $formats }.
# $size: megabytes, one decimal.
file-too-large = { $name } is { $size } MB; the limit is 200 MB. Try compressing it or trimming the song.
file-empty = { $name } is empty (0 bytes).
file-not-media = { $name } doesn't look like a real .{ $ext } file (its content isn't that kind of media). Please send the original file.
file-not-a-file = I couldn't read { $name }: it is not a regular file.
# $reason: the system's own words.
file-unreadable = I couldn't read { $name }: { $reason }.
file-bad-url = That link can't be used: it must be an http(s) link to a file in one of these formats: { $formats }.

## The timeline and the project's state

timeline-empty = The timeline is empty (no tracks yet).
timeline = Timeline ({ $count } { $count ->
        [one] track
       *[other] tracks
    }): { $items }
track-video = Video
track-bgm = BGM
track-title = Title
track-other = Track
track-untitled = untitled
track-quoted = "{ $name }"
# $start, $end: seconds.
track-span = { $start }-{ $end }s
track-line = { $label }: { $name } ({ $span })
track-line-volume = { $label }: { $name } ({ $span }, { $volume }%)
state-file = file
state-item = item { $n }

## What a turn changed on the timeline: clauses joined into one sentence

change-replaced = track { $n } is now { $track }
change-retimed = retimed track { $n } ({ $label }): { $before } → { $after }
change-segments = track { $n } ({ $label }) now has { $segments } { $segments ->
        [one] segment
       *[other] segments
    } (was { $was })
change-volume = changed the volume of track { $n }: { $track }
change-added = added track { $n }. { $track }
change-removed = removed track { $n }. { $track }
change-title = the project is now titled "{ $title }"
change-separator = {"; "}
changes = { $list }.
