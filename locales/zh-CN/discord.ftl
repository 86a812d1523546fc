# Discord 前端的句子。
