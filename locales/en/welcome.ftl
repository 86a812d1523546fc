# The welcome sentences.

# First contact: shown while the first token and session of a place are made, then once they are.
welcome-setting-up = Setting things up...
welcome-connected = Connected — ready when you are. Drop your audio files here or describe what you want to make.
welcome-try-saying = Try saying:
welcome-example-beat = generate a music video with visuals that match the beat and mood of this song
welcome-example-mp3 = convert a 3-minute MP3 music track into a 1080p MP4
welcome-example-creators = turning music tracks into AI-generated visual videos for musicians, content creators, social media managers

# /help: what the bot does, then the examples.
help-about =
    I turn songs into music videos on NemoVideo's cloud GPUs: drop a song, say what you want, and about 1–2 minutes later you get a 1080p MP4.
    • **/musicvideo** `audio:` a song (or `url:` a link to one) and an optional `prompt:`; without a song it refines the current video.
    • Right-click a message with audio → **Apps → Make music video**, or drop a song in a DM (or mention me with it).
    • **/status** the timeline · **/export** render the MP4 · **/credits** your balance · **/open** web editor · **/reset** fresh project.
    • The **Edit** button under an answer lets you say what should change.
    • Plain words work too: export / 导出, credits / 积分, status / 状态.

# The Edit button and its form (Discord keeps a form's title and a field's label to 45 characters).
edit-button = Edit
edit-modal-title = Edit this video
edit-modal-label = What should change?
edit-modal-placeholder = e.g. warmer colours, the song's title at the start, faster cuts on the chorus

# After an upload of a song longer than 90 seconds.
song-length-tip = One thing worth knowing — tracks under 90 seconds generate more cohesive visuals, and this one is { $length }. To use part of it, say which, e.g. "the chorus, 0:45–1:15".
