# 引擎的句子：回答、错误、进度。占位符：{ $name }。

## 停止与重启

restarting = 🔄 我正在重启，暂时无法接收新请求。没有发送任何内容，也没有扣除积分：请一分钟后再试。
lease-lost = ⚠️ 我暂时失去了对这个项目的控制，为避免两处同时修改它，我停止了这一步；发送“状态”查看进度，或重新发送你的消息。
interrupted = ⚠️ 我不得不重启，所以这一步被中断了。上面显示的内容都已保留；发送“状态”查看项目，或一分钟后重新发送你的消息。
render-stopped = 视频完成前已停止。再次运行同一条命令即可生成。
render-save-failed = 视频已在 { $url } 准备好，但保存到 { $path } 失败：{ $error }
render-nothing-made = 没有生成视频。

## 时间

eta-seconds = 约 { $seconds } 秒后

## 会话与项目

no-session = 这里还没有项目。发一首歌（MP3、WAV、M4A、AAC 或 FLAC），或者描述你想要的音乐视频。
reset-done = 🆕 好了。下一个请求会开始一个全新的项目；旧项目仍保留在你的 NemoVideo 账户中。
session-replaced = 你之前的会话已不可用，所以我新建了一个。
open-editor = 在 NemoVideo 网页编辑器中打开这个项目（链接 7 天内有效）：
queued = ⏳ 这个项目还有一个请求正在进行；你的请求排在第 { $position } 位，前面的完成后就会开始。
queued-eta = ⏳ 这个项目还有一个请求正在进行；你的请求排在第 { $position } 位，前面的完成后就会开始，预计{ $eta }开始。

## 智能体的回合

still-working = ⏳ 仍在处理中……
working-on = 🎛️ 正在处理：{ $tool }
stream-broken = ⚠️ 智能体工作时，与视频服务的连接断开了。我没有重新发送你的消息（每条消息都会消耗积分）。发送“状态”查看已完成的内容。
stream-too-large = ⚠️ 视频服务发来的一段回答远超预期大小，所以我停止了读取。我没有重新发送你的消息（每条消息都会消耗积分）。发送“状态”查看已完成的内容。
agent-failed = ⚠️ 视频服务的智能体遇到问题，这一步没有完成就停止了。你做的内容都没有丢失。请重新发送你的消息（换个更简单的说法可能有帮助），或发送“状态”查看当前的时间线。
turn-timeout = ⌛ 智能体用时超过 { $minutes } 分钟，所以我不再等待。它可能仍会在后台完成：稍后发送“状态”查看时间线。
turn-quiet = ⌛ 视频服务 { $minutes } 分钟没有任何回应，所以我不再等待。智能体可能仍会在后台完成：稍后发送“状态”查看时间线。
silent-no-change = 智能体没有回复就结束了，时间线也没有变化。试着更详细地描述你想要的效果。
silent-unknown = 智能体没有回复就结束了，我也无法读取时间线。请稍后发送“状态”查看。
silent-changed = ✅ 完成。{ $change }
    { $summary }
silent-changed-new = ✅ 完成。{ $summary }

## 智能体的图形界面说明，改写为成员可以发送的话（嵌在智能体自己的句子中）

gui-say-export = 发送“导出”
gui-say-status = 发送“状态”
gui-say-status-summary = 发送“状态”查看轨道概要
gui-tell-move = 发消息告诉我如何移动

## 上传

upload-hint = 告诉我要做什么，例如：“根据这首歌的节奏和情绪生成一个音乐视频”。
attach-something = 附上一个音频文件（MP3、WAV、M4A、AAC、FLAC，最大 200 MB）或粘贴它的链接，我来上传。
uploading = 📤 正在上传 { $name }…
uploaded = 📥 已上传 { $name }。
uploaded-details = 📥 已上传 { $name }（{ $details }）。
heard-song = 🎵 { $name }
heard-song-details = 🎵 { $name } · { $details }
heard-bpm = { $bpm } BPM
heard-meter = { $beats }/4 拍
heard-key-major = { $tonic } 大调
heard-key-minor = { $tonic } 小调
heard-drop = 高潮在 { $at }

## 积分

no-credits-not-yours = 这个项目的积分已用完（它使用的是另一位成员的账户）。使用 /reset 在你自己的账户上开始新项目。
no-credits-register = 你的免费积分已用完。注册即可继续使用（你的项目会一并保留）：

## 导出

nothing-to-export = 还没有可导出的内容：时间线是空的。请先让我做一个音乐视频，例如使用 /musicvideo。
export-done = 🎉 你的音乐视频已完成（1080p MP4）：
posted-again = （重启后再次发布，以防第一次发布丢失）
export-failed = ❌ 导出失败。发送“导出”重试。
export-failed-why = ❌ 导出失败：{ $why }。发送“导出”重试。
export-lost = ❌ 导出在视频服务接手之前被中断了。发送“导出”重新开始。
export-unconfirmed = 🎬 视频服务没有确认这次导出；我正在检查它是否已开始，结果会发布在这里。
export-timeout = ⌛ 这次导出比平时慢得多，所以我不再等待。发送“导出”重试。

## 取消

cancel-export-done = 🛑 导出已取消：我不再等待它，也不会发布它的链接。视频服务那边可能仍会完成渲染；如果完成了，可以用 `/open` 在项目中找到它。
cancel-waiting-done = 🛑 已取消：你的请求已离开队列，不会再执行。
cancel-turn-done = 🛑 已取消：我在当前位置关闭了智能体的回答。
cancel-turn-note = 🛑 已取消：回答到此为止。视频服务已为它花费的积分可能不会退回。
cancel-over = 它已经结束了（或者已经有人取消了），这里没有可以取消的东西。

## 配额

turn-quota = 你在过去一小时内已向视频智能体发送了 { $limit } 个请求，这是每位成员的上限。你可以在{ $eta }发送下一个请求。
export-quota-user = 你已经有 { $running } 个导出正在渲染。等其中一个完成（链接会发布在这里）后再导出。
export-quota-group = 这个服务器正在渲染的导出已达上限。请一两分钟后再试。
too-many-files = 每条消息最多 { $limit } 个文件。没有上传任何文件：请分成几批发送。

## 错误

service-trouble = 视频服务暂时无法正常响应。请过几分钟再试。
our-trouble = 我这边出了点问题。请再试一次；如果一直这样，请告诉机器人的管理员。
no-credits = 你的积分已用完。请在账户中充值积分以继续使用。
service-refused-file = 视频服务拒绝了这种文件类型。支持的格式：{ $formats }。
file-changed = 上传时 { $path } 发生了变化，所以我停止了。请等它完全保存后再发送一次。
service-file-too-large = 这个文件对视频服务来说太大了（最大 200 MB）。试试压缩或剪短这首歌。
export-blocked = 注册或升级你的套餐即可解锁导出。
rate-limited = 视频服务现在很忙（请求过于频繁）。请一分钟后再试。
bad-token = 视频服务没有接受我们的凭据。请稍后再试；如果一直这样，请告诉机器人的管理员。
answer-too-large = 视频服务发来的回答远超预期大小，所以我停止了读取。没有丢失任何内容：发送“状态”查看项目，或再试一次。

## 上传前拒绝的文件

file-unsupported = 我无法使用 { $name }：不支持这种文件类型。支持的格式：{ $formats }。
file-too-large = { $name } 有 { $size } MB；上限是 200 MB。试试压缩或剪短这首歌。
file-empty = { $name } 是空文件（0 字节）。
file-not-media = { $name } 看起来不是真正的 .{ $ext } 文件（内容不是这种媒体）。请发送原始文件。
file-not-a-file = 我无法读取 { $name }：它不是普通文件。
file-unreadable = 我无法读取 { $name }：{ $reason }。
file-bad-url = 这个链接无法使用：它必须是指向以下格式文件的 http(s) 链接：{ $formats }。

## 时间线与项目状态

timeline-empty = 时间线是空的（还没有轨道）。
timeline = 时间线（{ $count } 条轨道）：{ $items }
track-video = 视频
track-bgm = 背景音乐
track-title = 标题
track-other = 轨道
track-untitled = 未命名
track-quoted = “{ $name }”
track-span = { $start }-{ $end } 秒
track-line = { $label }：{ $name }（{ $span }）
track-line-volume = { $label }：{ $name }（{ $span }，{ $volume }%）
state-file = 文件
state-item = 第 { $n } 项

## 一个回合对时间线的改动：各项合成一句话

change-replaced = 第 { $n } 条轨道现在是{ $track }
change-retimed = 调整了第 { $n } 条轨道（{ $label }）的时间：{ $before } → { $after }
change-segments = 第 { $n } 条轨道（{ $label }）现在有 { $segments } 个片段（原来 { $was } 个）
change-volume = 调整了第 { $n } 条轨道的音量：{ $track }
change-added = 添加了第 { $n } 条轨道：{ $track }
change-removed = 删除了第 { $n } 条轨道：{ $track }
change-title = 项目标题现在是“{ $title }”
change-separator = {"；"}
changes = { $list }。
