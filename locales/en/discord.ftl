# The Discord front's own sentences, button labels, and the slash commands' names and
# descriptions (`cmd-<command>`: the name, `.description`, and per option `.<option>` for its
# name and `.<option>-description`). Placeables: { $name }.

discord-button-export = Export MP4
discord-button-status = Show timeline
discord-button-download = Download MP4
discord-button-not-yours = This button belongs to someone else's project.
discord-command-failed = Something went wrong on my side. Please try again; if it keeps happening, tell the bot's operator.
discord-fetch-failed = I couldn't fetch { $name } from Discord. Please try again.
discord-reset-not-allowed = Only members who can manage messages can reset this channel's project.
discord-no-audio-attached = That message has no audio attached.
discord-on-it = 🎵 On it…
discord-missing-send-here = I'm missing the Send Messages permission in this channel, so I'm answering through your command instead.
discord-missing-send-dm = I'm missing the Send Messages permission in <#{ $channel }>, so I'm answering you here instead.
discord-missing-embed-links = I'm missing the Embed Links permission in this channel, so cards come as plain text.
discord-answered-below = Done — the answer is below.
discord-answered-privately = Done — I sent the answer to you only.

cmd-musicvideo = musicvideo
    .description = Make a music video: attach a song or give a link, or iterate on the current video
    .prompt = prompt
    .prompt-description = What to make (default: visuals that match the beat and mood)
    .audio = audio
    .audio-description = A song (MP3, WAV, M4A, AAC, FLAC)
    .url = url
    .url-description = A link to a song, for files over Discord's upload limit
cmd-make_music_video = Make music video
cmd-credits = credits
    .description = Your NemoVideo credits: available, frozen by running jobs, total (only you see them)
cmd-status = status
    .description = The timeline of this project, its media and running exports
cmd-export = export
    .description = Render the current timeline to a 1080p MP4
cmd-open = open
    .description = A private link to continue this project in NemoVideo's web editor
cmd-reset = reset
    .description = Start a fresh project here (in a channel: members who can manage messages only)
cmd-help = help
    .description = How to use the bot
