# The Discord front's own sentences, button labels, and the slash commands' names and
# descriptions (`cmd-<command>`: the name, `.description`, and per option `.<option>` for its
# name and `.<option>-description`). Placeables: { $name }.

discord-button-export = Export MP4
discord-button-status = Show timeline
discord-button-download = Download MP4
discord-button-not-yours = This button belongs to someone else's project.
discord-button-cancel = Cancel
discord-button-take = Another take
discord-take-not-yours = Only the member who asked for this video, or someone who can manage messages here, can ask for another take.
discord-take-gone = That video is no longer in the history I keep, so I cannot make it again from here: ask with /musicvideo.
discord-cancel-not-yours = Only the member who asked, or someone who can manage messages here, can cancel this.
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
cmd-settings = settings
    .description = This server's settings (members who can manage the server)
cmd-settings-channels = channels
    .description = Channels where songs and words are taken without a mention
cmd-settings-channels-add = add
    .description = Take songs and words dropped in a channel without a mention
    .channel-description = A text channel of this server
cmd-settings-channels-remove = remove
    .description = Stop taking songs and words in a channel without a mention
    .channel-description = A text channel of this server
cmd-settings-channels-list = list
    .description = The channels where songs and words are taken without a mention
cmd-settings-language = language
    .description = The language for messages that carry none of their own
    .language-description = Leave empty to let each member's own words decide
cmd-settings-threads = threads
    .description = A thread of its own for each new video, named after the song
    .on-description = True: a thread per video; False: videos are made in the channel
cmd-settings-quota = quota
    .description = Turns and running exports allowed here (none given: the operator's)
    .turns_per_hour-description = Turns per member per hour
    .exports_per_member-description = Running exports per member
    .exports_per_server-description = Running exports on this server
cmd-settings-role = role
    .description = Only members with this role may use the bot here
    .role-description = Leave empty to let everyone use it
cmd-settings-show = show
    .description = This server's settings, as a card

settings-not-allowed = Only members who can manage this server can change its settings.
settings-channel-added = I'll take songs and words dropped in <#{ $channel }> without a mention.
settings-channel-removed = I no longer take songs and words in <#{ $channel }> without a mention (mentioning me still works).
settings-no-message-content = Note: this bot's operator hasn't turned on the Message Content intent, so I can't see messages that don't mention me. Ask the operator to turn it on (Developer Portal → Bot → Message Content Intent, and `message_content = true` under `[discord]` in the bot's config).
settings-channels-default = This server hasn't chosen channels: I listen where the bot's operator set me to, and wherever I'm mentioned.
settings-channels-none = I take nothing here without a mention: mention me, or use /musicvideo.
settings-channels-list = I take songs and words without a mention in { $channels }.
settings-language-set = Messages that carry no language of their own are now answered in { $language }.
settings-language-auto = Each message is answered in the language of its words (else in its project's).
settings-language-members = Each member's own
settings-threads-on = Each new video now gets a thread of its own, named after the song.
settings-threads-off = Videos are made in the channel again, without threads.
settings-threads-missing = I'm missing Create Public Threads or Send Messages in Threads in this channel: where I can't open a thread, I'll answer in the channel.
settings-quota-set = { $turns } turns per member per hour; { $member } running exports per member and { $server } on this server.
settings-quota-capped = The bot's operator allows no more than that, so the higher numbers you asked for are capped.
settings-role-set = Only members with <@&{ $role }> can use the bot here now (members who can manage the server always can).
settings-role-everyone = Everyone here can use the bot.
settings-role-required = On this server, only members with <@&{ $role }> can use the bot.
settings-title = This server's settings
settings-field-channels = Listening without a mention
settings-field-language = Language
settings-field-threads = A thread per video
settings-field-quotas = Quotas
settings-field-role = Who may use the bot
settings-on = On
settings-off = Off
settings-everyone = Everyone
discord-in-thread = 🎵 On it — follow along in the thread.
cmd-forget-me = forget-me
    .description = Delete what the bot keeps about you (it asks first; only you see it)

forget-ask = This deletes what this bot keeps about you: the link to your NemoVideo account (its client id and token — your next request starts a new anonymous account), your own projects and those made with your account, your unfinished exports, your turn counts, and the history of your finished videos (/videos). NemoVideo's own copy of your projects and videos stays with NemoVideo: if you want to keep reaching it, use /open first. Delete now?
forget-button = Delete my data
forget-done = Done — I deleted what I kept about you:
forget-account = • the link to your NemoVideo account (client id and token);
forget-no-account = • no NemoVideo account of yours (this bot uses its operator's);
forget-counts = • { $sessions ->
        [one] 1 project
       *[other] { $sessions } projects
    }, { $jobs ->
        [one] 1 unfinished export
       *[other] { $jobs } unfinished exports
    }, { $turns ->
        [one] 1 counted turn
       *[other] { $turns } counted turns
    } and { $videos ->
        [one] 1 video in your /videos history
       *[other] { $videos } videos in your /videos history
    }.
forget-nemo = What NemoVideo keeps (your uploads, projects and videos there) I cannot delete: it is managed in NemoVideo's web editor (the link /open gave you), under NemoVideo's own terms.
forget-failed = I couldn't delete your data just now; nothing was lost halfway — please try again in a moment.
cmd-videos = videos
    .description = Your finished videos, newest first: everywhere or only here (only you see them)
    .where-description = Everywhere you used the bot (the default), or only this channel or DM

videos-title = 🎞️ Your videos
videos-title-here = 🎞️ Your videos here
videos-facts = { $length } · finished { $when }
videos-when = Finished { $when }
videos-download = Download MP4
videos-no-link = The link is too long to show here: find the video with /open.
videos-footer = Page { $page } of { $pages } · { $total ->
        [one] 1 video
       *[other] { $total } videos
    } · each kept { $days } days
videos-previous = ◀ Previous
videos-next = Next ▶
videos-none = You have no finished videos yet. Each video you make is listed here for { $days } days.
videos-none-here = You have no finished videos here yet (videos are kept { $days } days). Try /videos where: everywhere.
videos-past-end = There are no more videos on that page: run /videos again.
