# 卡片（嵌入消息）的文字。
# A card's named value as plain text (the console).
card-field = { $name }：{ $value }

## /credits
card-credits-title = 💳 积分
card-credits-bar = { $bar } 可用 { $percent }%
card-credits-available = 可用
card-credits-frozen = 冻结（进行中的任务占用）
card-credits-total = 总计
card-credits-costs = 生成一个片段约需 100 积分，一次编辑约 50 积分。导出 MP4 免费。

## /status: the project
card-project-title = 🎞️ 你的项目
card-project-title-named = 🎞️ { $title }
card-track = { $n }. { $icon } { $label } · { $name } · { $span }
# An audio track's line with its volume.
card-track-volume = { $line } · 🔊 { $volume }%
card-project-empty = 还没有轨道：让我做一个音乐视频，或者把歌曲拖到这里。
card-project-canvas = 画布
card-project-media = 素材
card-project-songs = 听到的歌曲
card-project-generated = 已生成
card-project-exports = 正在导出
card-project-export = { $bar } { $percent }% · { $state }
card-project-footer = 说“导出”来渲染 MP4，或者描述你想做的修改。

## A render's progress
card-render-title = 🎬 正在渲染你的音乐视频
card-render-state = { $state } · 预计{ $eta }完成
card-render-footer = 完成后我会马上把视频发到这里（通常需要 30–90 秒）。
card-render-title-done = 🎬 渲染完成
card-render-done = 完成：视频已发在下方。
card-state-waiting = 排队中
card-state-rendering = 渲染中
card-state-finishing = 即将完成

## The finished video
card-video-untitled = 你的音乐视频
card-video-length = 时长
card-video-resolution = 分辨率
card-video-size = 大小
card-video-mb = { $mb } MB
card-video-footer = MP4 · 由 NemoVideo 制作

## Discord: shortening cards
# 卡片超出 Discord 的长度限制时的最后一行：还有多少行（或栏）没有显示。
card-more = …… 另有 { $count } 项未显示
