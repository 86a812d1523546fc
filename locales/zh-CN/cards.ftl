# 卡片（嵌入消息）的文字。

## Discord: shortening cards
# 卡片超出 Discord 的长度限制时的最后一行：还有多少行（或栏）没有显示。
card-more = …… 另有 { $count } 项未显示
