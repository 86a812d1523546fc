# 初次使用时的欢迎语。

# 初次使用：创建第一个令牌和会话时显示，完成后再显示“已连接”。
welcome-setting-up = 正在准备…
welcome-connected = 已连接——随时可以开始。把音频文件拖到这里，或者描述你想做的视频。
welcome-try-saying = 可以这样说：
welcome-example-beat = 为这首歌生成一个画面与节拍和情绪相呼应的音乐视频
welcome-example-mp3 = 把一段 3 分钟的 MP3 音乐转换成 1080p MP4
welcome-example-creators = 为音乐人、内容创作者和社交媒体运营者把音乐变成 AI 生成的视觉视频

# /help：机器人能做什么，以及示例。
help-about =
    我在 NemoVideo 的云端 GPU 上把歌曲变成音乐视频：发一首歌，说出你的想法，大约 1–2 分钟后就能拿到 1080p MP4。
    • **/musicvideo** `audio:` 一首歌（或 `url:` 歌曲链接）加上可选的 `prompt:`；不带歌曲时会继续修改当前视频。
    • 右键点击带音频的消息 → **Apps → Make music video**，或者在私信中发送歌曲（或在频道里带上歌曲并提及我）。
    • **/status** 时间线 · **/export** 导出 MP4 · **/credits** 积分余额 · **/open** 网页编辑器 · **/reset** 新项目。
    • 回答下方的 **编辑** 按钮可以直接说出想修改的地方。
    • 直接说也可以：export / 导出、credits / 积分、status / 状态。

# “编辑”按钮及其表单（Discord 限制表单标题和字段名称不超过 45 个字符）。
edit-button = 编辑
edit-modal-title = 修改这个视频
edit-modal-label = 想改哪里？
edit-modal-placeholder = 例如：色调更暖、开头加上歌名、副歌部分剪辑更快

# 上传的歌曲超过 90 秒时。
song-length-tip = 小提示：90 秒以内的曲目生成的画面更连贯，而这首有 { $length }。如果只想用其中一段，请说明是哪一段，例如“副歌，0:45–1:15”。
