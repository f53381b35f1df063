#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
#
# Writes the demo Maildir (tests/demo/Maildir): about forty messages of
# the kinds postie must read right, Chinese first. Run it again after an
# edit here; the output is committed so that the demo and the screen
# tests need no Python.
import base64
import email.utils
import os
import quopri
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "Maildir")
T0 = 1795392000  # 2026-11-23 00:00 UTC
seq = [0]


def b64(data):
    s = base64.b64encode(data).decode()
    return "\n".join(s[i:i + 76] for i in range(0, len(s), 76))


def qp(data):
    return quopri.encodestring(data).decode()


def ew(text, charset, enc="B"):
    raw = text.encode(charset)
    if enc == "B":
        return "=?%s?B?%s?=" % (charset.upper(), base64.b64encode(raw).decode())
    return "=?%s?Q?%s?=" % (charset.upper(),
                            "".join(chr(c) if 0x21 <= c < 0x7f and c not in b"=?_"
                                    else "=%02X" % c for c in raw))


def date(t):
    return email.utils.formatdate(t, localtime=False)


def write(folder, t, headers, body, flags=""):
    """headers: (name, value) pairs, a bytes value written raw; flags
    None puts the message in new/."""
    seq[0] += 1
    d = ROOT if folder == "INBOX" else os.path.join(ROOT, "." + folder)
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    parts = []
    for k, v in headers:
        if isinstance(v, bytes):
            parts.append(k.encode() + b": " + v + b"\n")
        else:
            parts.append(("%s: %s\n" % (k, v)).encode("utf-8"))
    parts.append(b"\n")
    parts.append(body if isinstance(body, bytes) else body.encode("utf-8"))
    data = b"".join(parts)
    name = "%d.M%dP4242Q%d.demo" % (t, seq[0], seq[0])
    if flags is None:
        path = os.path.join(d, "new", name)
    else:
        path = os.path.join(d, "cur", name + ":2," + flags)
    with open(path, "wb") as f:
        f.write(data)
    os.utime(path, (t, t))


def common(t, frm, to, subject, mid, extra=()):
    h = [("Date", date(t)), ("From", frm), ("To", to),
         ("Subject", subject), ("Message-ID", "<%s>" % mid),
         ("MIME-Version", "1.0")]
    return h + list(extra)


ME = "demo@postie.example"


def main():
    if os.path.exists(ROOT):
        shutil.rmtree(ROOT)
    t = T0 - 40 * 86400

    # 1. GBK, base64 body, RFC 2047 GB2312 subject (163 style)
    body = ("各位同事：\n\n下周三（11月25日）下午两点在三楼会议室进行项目评审，"
            "请提前准备好演示材料。\n\n如有冲突请回复本邮件。\n\n李娜\n"
            "产品部\n").encode("gbk")
    write("INBOX", t, common(t, "%s <lina@163.com>" % ew("李娜", "gb2312"), ME,
                             ew("关于下周项目评审的安排", "gb2312"), "gbk1@163.com",
                             [("Content-Type", 'text/plain; charset="gbk"'),
                              ("Content-Transfer-Encoding", "base64")]),
          b64(body) + "\n", "S")
    t += 86400

    # 2. GBK, quoted-printable body, Q-encoded GBK subject
    body = ("王老师您好：\n\n附上本学期的课程安排，请查收。"
            "第三周的实验课改到周四上午。\n\n> 上次您说实验室的投影仪坏了，\n"
            "> 已经报修。\n\n谢谢！\n陈晓明\n").encode("gbk")
    write("INBOX", t, common(t, "%s <xiaoming@126.com>" % ew("陈晓明", "gbk", "Q"),
                             ME, ew("课程安排（第三周调整）", "gbk", "Q"),
                             "gbk2@126.com",
                             [("Content-Type", "text/plain; charset=GBK"),
                              ("Content-Transfer-Encoding", "quoted-printable")]),
          qp(body), "S")
    t += 86400

    # 3. Foxmail style: raw 8-bit GBK in the headers, no charset label
    body = ("张经理：\n\n合同的修改意见已经整理好，见下文。"
            "第七条付款方式请财务再确认一下。\n\n刘洋\n").encode("gbk")
    write("INBOX", t,
          [("Date", date(t)),
           ("From", "刘洋".encode("gbk") + b" <liuyang@foxmail.com>"),
           ("To", ME), ("Subject", "合同修改意见".encode("gbk")),
           ("Message-ID", "<foxmail3@foxmail.com>"),
           ("X-Mailer", "Foxmail 7.2.25.228[cn]"),
           ("MIME-Version", "1.0"),
           ("Content-Type", "text/plain; charset=\"gb2312\""),
           ("Content-Transfer-Encoding", "8bit")], body, "")
    t += 86400

    # 4. UTF-8 Chinese, 8bit
    write("INBOX", t, common(t, "=?UTF-8?B?%s?= <mom@qq.com>" %
                             base64.b64encode("妈妈".encode()).decode(), ME,
                             "=?UTF-8?B?%s?=" % base64.b64encode(
                                 "周末回家吃饭吗？".encode()).decode(),
                             "utf8-4@qq.com",
                             [("Content-Type", "text/plain; charset=utf-8"),
                              ("Content-Transfer-Encoding", "8bit")]),
          "孩子：\n\n这周末家里包饺子，你爸爸买了新鲜的韭菜。"
          "有空就回来吧，路上注意安全。\n\n妈妈\n", None)
    t += 86400

    # 5. Big5 (Taiwan), base64
    body = ("您好：\n\n您在本店訂購的商品已經出貨，預計三天內送達。"
            "如有任何問題，歡迎來信詢問。\n\n台北書店 客服部\n").encode("big5")
    write("INBOX", t, common(t, "%s <service@books.tw>" % ew("台北書店", "big5"),
                             ME, ew("訂單出貨通知", "big5"), "big5-5@books.tw",
                             [("Content-Type", "text/plain; charset=big5"),
                              ("Content-Transfer-Encoding", "base64")]),
          b64(body) + "\n", "S")
    t += 86400

    # 6. Japanese ISO-2022-JP
    body = ("山田様\n\nいつもお世話になっております。\n"
            "来週の打ち合わせの件、火曜日の午後でいかがでしょうか。\n\n"
            "佐藤\n").encode("iso2022_jp")
    write("INBOX", t, common(t, "%s <sato@example.jp>" % ew("佐藤", "iso-2022-jp"),
                             ME, ew("打ち合わせの日程について", "iso-2022-jp"),
                             "jp-6@example.jp",
                             [("Content-Type", "text/plain; charset=ISO-2022-JP"),
                              ("Content-Transfer-Encoding", "7bit")]),
          body, "S")
    t += 86400

    # 7. HTML-only newsletter
    html = ("<html><head><style>p{color:#333}</style></head><body>"
            "<h1>Postie Weekly</h1><p>This week: <b>faster folder lists</b> "
            "and a new <a href=\"https://example.org/themes\">theme "
            "gallery</a>.</p><ul><li>Threads now show tree lines</li>"
            "<li>Search over subject and sender</li></ul>"
            "<p>本周新增：中文邮件显示更准确。</p>"
            "<p>Unsubscribe at any time.</p></body></html>\n")
    write("INBOX", t, common(t, "Postie Weekly <news@postie.example>", ME,
                             "Postie Weekly: threads, themes and search",
                             "news-7@postie.example",
                             [("Content-Type", "text/html; charset=utf-8"),
                              ("Content-Transfer-Encoding", "quoted-printable"),
                              ("List-Unsubscribe",
                               "<mailto:leave@postie.example>")]),
          qp(html.encode()), "")
    t += 86400

    # 8. Attachments: a small PDF-like file and a Chinese file name
    pdf = (b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n"
           b"trailer<</Root 1 0 R>>\n%%EOF\n")
    xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(64))
    fname = "2026年报销单.xls"
    mixed = ("--b0undary\n"
             "Content-Type: text/plain; charset=utf-8\n"
             "Content-Transfer-Encoding: 8bit\n\n"
             "附件是发票和报销单，请审批。\n\n赵敏\n\n"
             "--b0undary\n"
             "Content-Type: application/pdf; name=\"invoice.pdf\"\n"
             "Content-Disposition: attachment; filename=\"invoice.pdf\"\n"
             "Content-Transfer-Encoding: base64\n\n" + b64(pdf) + "\n\n"
             "--b0undary\n"
             "Content-Type: application/vnd.ms-excel\n"
             "Content-Disposition: attachment;\n"
             " filename*=UTF-8''" + "".join(
                 "%%%02X" % c if c > 0x7e or c < 0x30 else chr(c)
                 for c in fname.encode()) + "\n"
             "Content-Transfer-Encoding: base64\n\n" + b64(xls) + "\n\n"
             "--b0undary--\n")
    write("INBOX", t, common(t, "%s <zhaomin@163.com>" % ew("赵敏", "utf-8"), ME,
                             ew("报销单和发票", "utf-8"), "att-8@163.com",
                             [("Content-Type",
                               'multipart/mixed; boundary="b0undary"')]),
          mixed, "S")
    t += 86400

    # 9-18. A long thread with In-Reply-To and References
    people = [("周杰", "zhoujie@qq.com"), ("吴磊", "wulei@163.com"),
              ("孙丽", "sunli@126.com"), ("Demo", ME)]
    lines = ["这周六去香山爬山，有人一起吗？早上八点东门集合。",
             "我去！需要带午饭吗？",
             "山顶有小卖部，不过贵，建议自己带。",
             "我带水果，大家别重复了。",
             "天气预报说周六有小雨，要不要改到周日？",
             "周日我有事……能不能下周？",
             "那就下周六，时间地点不变。",
             "好的，记上了。",
             "我把路线图发群里了。",
             "收到，到时候见！"]
    ids = []
    tt = t
    for i, text in enumerate(lines):
        name, addr = people[i % len(people)]
        mid = "hike-%d@qq.com" % i
        extra = [("Content-Type", "text/plain; charset=utf-8"),
                 ("Content-Transfer-Encoding", "8bit")]
        subject = "周末爬山" if i == 0 else "Re: 周末爬山"
        if ids:
            extra.append(("In-Reply-To", "<%s>" % ids[-1]))
            extra.append(("References", " ".join("<%s>" % x for x in ids)))
        quoted = ""
        if i > 0:
            quoted = "\n> %s\n" % lines[i - 1]
            if i > 1:
                quoted += ">> %s\n" % lines[i - 2]
        write("INBOX", tt, common(tt, "=?UTF-8?B?%s?= <%s>" % (
            base64.b64encode(name.encode()).decode(), addr), ME,
            "=?UTF-8?B?%s?=" % base64.b64encode(subject.encode()).decode(),
            mid, extra), text + "\n" + quoted, "S" if i < 8 else None)
        ids.append(mid)
        tt += 3600 * 5
    t += 3 * 86400

    # 19. format=flowed
    flowed = ("Hi,\n\nThis paragraph is sent as format=flowed, so the lines \n"
              "that end in a space are joined again by a reader that \n"
              "understands RFC 3676, and wrapped to the width of its \n"
              "window.\n\n> A quoted paragraph also flows within its own \n"
              "> depth of quoting.\n\n-- \nAlex\n")
    write("INBOX", t, common(t, "Alex Morgan <alex@example.org>", ME,
                             "Notes on flowed text", "flowed-19@example.org",
                             [("Content-Type",
                               "text/plain; charset=us-ascii; format=flowed"),
                              ("Content-Transfer-Encoding", "7bit")]),
          flowed, "RS")
    t += 86400

    # 20-30. Everyday mail
    plain = [
        ("GitHub <noreply@github.com>", "[postie/postie] Fix the thread tree "
         "when a parent is missing (#412)", "Merged #412 into main.\n", "S"),
        ("%s <ebank@cmbchina.com>" % ew("招商银行", "gb18030"),
         ew("您的信用卡电子账单（2026年10月）", "gb18030"),
         "尊敬的客户：您本期账单金额为 3,284.50 元，到期还款日 11 月 28 日。\n",
         "", "gb18030"),
        ("Maria Lopez <maria@example.com>", "Lunch on Thursday?",
         "Are you free on Thursday? The new noodle place opened.\n", "FS"),
        ("%s <hr@company.cn>" % ew("人事部", "gbk"), ew("年假申请已批准", "gbk"),
         "您的年假申请（12月20日至12月27日）已批准。\n", "S", "gbk"),
        ("Debian Security <security@debian.org>",
         "[SECURITY] DSA-5999-1 openssl security update",
         "A flaw was found in OpenSSL. Upgrade your openssl packages.\n", "S"),
        ("%s <12306@rails.cn>" % ew("铁路12306", "utf-8"),
         ew("购票成功通知：G101 北京南-上海虹桥", "utf-8"),
         "您已成功购买 12 月 3 日 G101 次列车二等座 1 张。\n", "FS"),
        ("Ops Alerts <alerts@monitor.example>", "[FIRING] disk usage above 90% "
         "on db-2", "db-2:/var 92% used\n", ""),
        ("%s <teacher@school.edu.cn>" % ew("班主任", "gb2312"),
         ew("家长会通知", "gb2312"),
         "各位家长：本周五晚七点召开家长会，请准时参加。\n", "", "gb2312"),
        ("Sam Lee <sam@example.net>", "Photos from the trip",
         "I put the photos in the shared folder. The one at the lake is my "
         "favourite.\n", "S"),
        ("%s <dingdan@jd.com>" % ew("京东", "utf-8"), ew("您的订单已签收", "utf-8"),
         "您的订单 8812345 已签收，感谢您的购买。\n", "S"),
        ("Conference Team <cfp@conf.example>", "Your talk was accepted",
         "Congratulations! Your talk \"Mail in the terminal\" was accepted.\n",
         "RS"),
    ]
    for i, ent in enumerate(plain):
        frm, subj, text, flags = ent[:4]
        cs = ent[4] if len(ent) > 4 else "utf-8"
        write("INBOX", t, common(t, frm, ME, subj, "plain-%d@x.example" % i,
                                 [("Content-Type",
                                   "text/plain; charset=%s" % cs),
                                  ("Content-Transfer-Encoding", "base64")]),
              b64(text.encode(cs)) + "\n", flags if flags else None)
        t += 86400 // 2

    # Sent, Drafts, Trash, Junk, and a list folder
    write("Sent", t, common(t, "Demo <%s>" % ME, "lina@163.com",
                            ew("回复：关于下周项目评审的安排", "utf-8"),
                            "sent-1@postie.example",
                            [("Content-Type", "text/plain; charset=utf-8")]),
          "好的，我会准时参加。\n", "S")
    write("Sent", t + 60, common(t + 60, "Demo <%s>" % ME, "maria@example.com",
                                 "Re: Lunch on Thursday?", "sent-2@postie.example",
                                 [("Content-Type", "text/plain; charset=utf-8")]),
          "Thursday works. Noon?\n", "S")
    write("Drafts", t, common(t, "Demo <%s>" % ME, "sam@example.net",
                              "Trip budget (draft)", "draft-1@postie.example",
                              [("Content-Type", "text/plain; charset=utf-8")]),
          "Hotel: 3 nights\nTrain: \n", "DS")
    write("Trash", t, common(t, "Old Newsletter <old@example.com>", ME,
                             "You have been unsubscribed", "trash-1@example.com",
                             [("Content-Type", "text/plain")]),
          "Goodbye.\n", "ST")
    write("Junk", t, common(t, "%s <win@prize.example>" % ew("中奖通知", "gbk"), ME,
                            ew("恭喜您获得大奖！！！", "gbk"), "junk-1@prize.example",
                            [("Content-Type", "text/plain; charset=gbk"),
                             ("Content-Transfer-Encoding", "base64")]),
          b64("点击链接领取奖品。".encode("gbk")) + "\n", "")
    write("Lists.postie-dev", t, common(t, "Kim <kim@example.org>",
                                        "postie-dev@lists.example",
                                        "[postie-dev] Release 0.3 planning",
                                        "list-1@example.org",
                                        [("Content-Type", "text/plain")]),
          "Proposed date: December 12.\n", None)


if __name__ == "__main__":
    sys.exit(main())
