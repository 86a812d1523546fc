# Discord 前端自己的句子、按钮文字，以及斜杠命令的名称和说明（`cmd-<命令>`：名称、`.description`，
# 每个选项的 `.<选项>` 名称和 `.<选项>-description`）。占位符：{ $name }。

discord-button-export = 导出 MP4
discord-button-status = 查看时间线
discord-button-download = 下载 MP4
discord-button-not-yours = 这个按钮属于别人的项目。
discord-command-failed = 我这边出了点问题。请再试一次；如果一直这样，请告诉机器人的管理员。
discord-fetch-failed = 我没能从 Discord 获取 { $name }。请再试一次。
discord-reset-not-allowed = 只有能管理消息的成员才能重置这个频道的项目。
discord-no-audio-attached = 那条消息没有附带音频。
discord-on-it = 🎵 马上开始…
discord-missing-send-here = 我在这个频道缺少“发送消息”权限，所以改为通过你的命令回复你。
discord-missing-send-dm = 我在 <#{ $channel }> 缺少“发送消息”权限，所以改在这里回复你。
discord-missing-embed-links = 我在这个频道缺少“嵌入链接”权限，所以卡片以纯文本显示。
discord-answered-below = 完成了，回答在下面。
discord-answered-privately = 完成了，回答只发给了你。

cmd-musicvideo = 音乐视频
    .description = 制作音乐视频：上传歌曲或提供链接，或继续修改当前视频
    .prompt = 描述
    .prompt-description = 想要什么样的画面（默认：配合节奏和情绪的画面）
    .audio = 音频
    .audio-description = 一首歌（MP3、WAV、M4A、AAC、FLAC）
    .url = 链接
    .url-description = 歌曲链接，用于超过 Discord 上传限制的文件
cmd-make_music_video = 制作音乐视频
cmd-credits = 积分
    .description = 你的 NemoVideo 积分：可用、被进行中的任务冻结、总计（只有你能看到）
cmd-status = 状态
    .description = 这个项目的时间线、素材和进行中的导出
cmd-export = 导出
    .description = 把当前时间线渲染成 1080p MP4
cmd-open = 打开
    .description = 在 NemoVideo 网页编辑器中继续这个项目的私人链接
cmd-reset = 重置
    .description = 在这里开始新项目（在频道中：仅限能管理消息的成员）
cmd-help = 帮助
    .description = 使用说明
