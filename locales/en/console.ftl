# The console's own sentences: help, refused lines, notes. Placeables: { $name }.

console-help = Commands:
      /musicvideo [prompt…] [--file PATH]…  upload songs, ask for a music video, export it
      /upload PATH|URL…                     upload files (like dropping them into the channel)
      /status                               the timeline, media and running exports
      /credits                              your credit balance
      /export                               render the current timeline to an MP4
      /open                                 a link to continue in NemoVideo's web editor
      /reset                                start a fresh project
      /help                                 this text
    Anything else goes to the video agent ("export", "credits", "status", 导出, 积分, 状态 … work too).
console-takes-no-arguments = /{ $command } takes no arguments
console-unknown-command = unknown command /{ $command }; try /help
console-upload-needs-path = /upload needs at least one file path or URL
console-file-needs-path = --file needs a path
console-unclosed-quote = A quote in that line is not closed: close it, or put a backslash before it.
console-resuming = Resuming { $count } unfinished { $count ->
        [one] export
       *[other] exports
    }…
console-next = (next: { $commands })
