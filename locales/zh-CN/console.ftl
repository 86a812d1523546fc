# 控制台自己的句子：帮助、无法读取的输入、提示。占位符：{ $name }。

console-help = 命令：
      /musicvideo [描述…] [--file 路径]…    上传歌曲、生成音乐视频并导出
      /upload 路径|链接…                     上传文件（就像把文件拖进频道）
      /status                               时间线、素材和进行中的导出
      /credits                              你的积分余额
      /export                               把当前时间线渲染成 MP4
      /open                                 在 NemoVideo 网页编辑器中继续的链接
      /reset                                开始新项目
      /help                                 显示这段说明
    其他内容都会发给视频助手（"export"、"credits"、"status"、导出、积分、状态… 也可以）。
console-takes-no-arguments = /{ $command } 不需要参数
console-unknown-command = 没有 /{ $command } 这个命令；试试 /help
console-upload-needs-path = /upload 至少需要一个文件路径或链接
console-file-needs-path = --file 后面需要一个路径
console-unclosed-quote = 这一行里有个引号没有闭合：请补上另一半，或在它前面加反斜杠。
console-resuming = 正在继续 { $count } 个未完成的导出…
console-next = （接下来：{ $commands }）
