/* SPDX-License-Identifier: ISC */
/* The fixtures of response.c: server bytes and the dump the parser
 * must give for them ("ERR ..." for each error). */

static const struct fixture fixtures[] = {
	{ "greeting with CAPABILITY code",
	  "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID EN"
	  "ABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN] Dovecot ready.\r\n",
	  0, 0,
	  "STATUS tag=NIL OK code=CAPABILITY bits=0x103615 names=(\""
	  "IMAP4rev1\" \"SASL-IR\" \"LOGIN-REFERRALS\" \"ID\" \"ENABLE\" \"ID"
	  "LE\" \"LITERAL+\" \"STARTTLS\" \"AUTH=PLAIN\") text=\"Dovecot re"
	  "ady.\"\n" },
	{ "QQ greeting",
	  "* OK [CAPABILITY IMAP4 IMAP4rev1 ID AUTH=PLAIN AUTH=LOGI"
	  "N AUTH=XOAUTH2 NAMESPACE] QQMail XMIMAP4Server ready\r\n",
	  0, 0,
	  "STATUS tag=NIL OK code=CAPABILITY bits=0x1871 names=(\"IM"
	  "AP4\" \"IMAP4rev1\" \"ID\" \"AUTH=PLAIN\" \"AUTH=LOGIN\" \"AUTH=XO"
	  "AUTH2\" \"NAMESPACE\") text=\"QQMail XMIMAP4Server ready\"\n" },
	{ "tagged OK with READ-WRITE",
	  "A1 OK [READ-WRITE] SELECT completed\r\n",
	  0, 0,
	  "STATUS tag=\"A1\" OK code=READ-WRITE text=\"SELECT complete"
	  "d\"\n" },
	{ "hostile-8: tagged NO and BAD with empty text",
	  "A2 NO\r\n"
	  "A3 BAD\r\n"
	  "A4 NO \r\n",
	  0, 0,
	  "STATUS tag=\"A2\" NO text=\"\"\n"
	  "STATUS tag=\"A3\" BAD text=\"\"\n"
	  "STATUS tag=\"A4\" NO text=\"\"\n" },
	{ "untagged BYE and PREAUTH",
	  "* BYE Autologout; idle for too long\r\n"
	  "* PREAUTH IMAP4rev1 server logged in as Smith\r\n",
	  0, 0,
	  "STATUS tag=NIL BYE text=\"Autologout; idle for too long\"\n"
	  "STATUS tag=NIL PREAUTH text=\"IMAP4rev1 server logged in "
	  "as Smith\"\n" },
	{ "continuation requests",
	  "+ \r\n"
	  "+\r\n"
	  "+ YmFzZTY0\r\n"
	  "+ Ready for literal data\r\n",
	  0, 0,
	  "CONTINUE text=\"\"\n"
	  "CONTINUE text=\"\"\n"
	  "CONTINUE text=\"YmFzZTY0\"\n"
	  "CONTINUE text=\"Ready for literal data\"\n" },
	{ "EXISTS RECENT EXPUNGE",
	  "* 23 EXISTS\r\n"
	  "* 0 RECENT\r\n"
	  "* 0 EXISTS\r\n"
	  "* 44 EXPUNGE\r\n",
	  0, 0,
	  "EXISTS 23\n"
	  "RECENT 0\n"
	  "EXISTS 0\n"
	  "EXPUNGE 44\n" },
	{ "hostile-10: EXPUNGE 0 and FETCH 0 refused, beyond EXISTS parsed",
	  "* 0 EXPUNGE\r\n"
	  "* 0 FETCH (UID 1)\r\n"
	  "* 999999 EXPUNGE\r\n",
	  0, 0,
	  "ERR bad IMAP response: message number 0 at offset 2 (fou"
	  "nd '0')\n"
	  "ERR bad IMAP response: message number 0 at offset 2 (fou"
	  "nd '0')\n"
	  "EXPUNGE 999999\n" },
	{ "SELECT response codes",
	  "* OK [UIDVALIDITY 3857529045] UIDs valid\r\n"
	  "* OK [UIDNEXT 4392] Predicted next UID\r\n"
	  "* OK [UNSEEN 12] Message 12 is first unseen\r\n"
	  "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n"
	  "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwa"
	  "rded)\r\n"
	  "* OK [HIGHESTMODSEQ 715194045007] Highest\r\n"
	  "* OK [NOMODSEQ] Sorry\r\n"
	  "* OK [CLOSED] Previous mailbox closed\r\n"
	  "A5 OK [READ-ONLY] EXAMINE completed\r\n",
	  0, 0,
	  "STATUS tag=NIL OK code=UIDVALIDITY 3857529045 text=\"UIDs"
	  " valid\"\n"
	  "STATUS tag=NIL OK code=UIDNEXT 4392 text=\"Predicted next"
	  " UID\"\n"
	  "STATUS tag=NIL OK code=UNSEEN 12 text=\"Message 12 is fir"
	  "st unseen\"\n"
	  "STATUS tag=NIL OK code=PERMANENTFLAGS (\"\\\\Deleted\" \"\\\\Se"
	  "en\" \"\\\\*\") text=\"Limited\"\n"
	  "FLAGS (\"\\\\Answered\" \"\\\\Flagged\" \"\\\\Deleted\" \"\\\\Seen\" \"\\\\"
	  "Draft\" \"$Forwarded\")\n"
	  "STATUS tag=NIL OK code=HIGHESTMODSEQ 715194045007 text=\""
	  "Highest\"\n"
	  "STATUS tag=NIL OK code=NOMODSEQ text=\"Sorry\"\n"
	  "STATUS tag=NIL OK code=CLOSED text=\"Previous mailbox clo"
	  "sed\"\n"
	  "STATUS tag=\"A5\" OK code=READ-ONLY text=\"EXAMINE complete"
	  "d\"\n" },
	{ "UIDPLUS codes",
	  "A6 OK [APPENDUID 38505 3955] APPEND completed\r\n"
	  "A7 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n"
	  "A8 NO [TRYCREATE] No such mailbox\r\n",
	  0, 0,
	  "STATUS tag=\"A6\" OK code=APPENDUID 38505 3955 text=\"APPEN"
	  "D completed\"\n"
	  "STATUS tag=\"A7\" OK code=COPYUID 38505 304,319:320 3956:3"
	  "958 text=\"Done\"\n"
	  "STATUS tag=\"A8\" NO code=TRYCREATE text=\"No such mailbox\""
	  "\n" },
	{ "other codes",
	  "* OK [XYZZY some thing] unknown code\r\n"
	  "* NO [ALERT] Mailbox is at 95% of quota\r\n"
	  "A9 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"
	  "* OK [BADCHARSET (UTF-8 GB18030)] x\r\n"
	  "* OK [MODIFIED 7,9] Conditional STORE failed\r\n"
	  "A10 NO [UNAVAILABLE]\r\n",
	  0, 0,
	  "STATUS tag=NIL OK code=other:XYZZY \"some thing\" text=\"un"
	  "known code\"\n"
	  "STATUS tag=NIL NO code=ALERT text=\"Mailbox is at 95% of "
	  "quota\"\n"
	  "STATUS tag=\"A9\" NO code=AUTHENTICATIONFAILED text=\"Authe"
	  "ntication failed.\"\n"
	  "STATUS tag=NIL OK code=BADCHARSET (\"UTF-8\" \"GB18030\") te"
	  "xt=\"x\"\n"
	  "STATUS tag=NIL OK code=MODIFIED 7,9 text=\"Conditional ST"
	  "ORE failed\"\n"
	  "STATUS tag=\"A10\" NO code=UNAVAILABLE text=\"\"\n" },
	{ "bad response codes",
	  "* OK [UIDVALIDITY 0] x\r\n"
	  "* OK [UIDNEXT abc] x\r\n"
	  "* OK [APPENDUID 1 *] x\r\n"
	  "* OK [ALERT x\r\n"
	  "* OK [] x\r\n",
	  0, 0,
	  "ERR bad IMAP response: non-zero number expected at offse"
	  "t 18 (found '0')\n"
	  "ERR bad IMAP response: number expected at offset 14 (fou"
	  "nd 'a')\n"
	  "ERR bad IMAP response: '*' in a UID set at offset 18 (fo"
	  "und '*')\n"
	  "ERR bad IMAP response: ']' expected at offset 13 (found "
	  "byte 0x0d)\n"
	  "ERR bad IMAP response: atom expected at offset 6\n" },
	{ "hostile-14: ALERT text with ESC passed through as bytes",
	  "* OK [ALERT] \x1b]0;owned\x07 \x1b[31mred\r\n",
	  0, 0,
	  "STATUS tag=NIL OK code=ALERT text=\"\\x1b]0;owned\\x07 \\x1b"
	  "[31mred\"\n" },
	{ "CAPABILITY response",
	  "* CAPABILITY IMAP4rev2 IMAP4rev1 UTF8=ACCEPT MOVE CONDST"
	  "ORE QRESYNC LITERAL- SPECIAL-USE ESEARCH UIDPLUS X-UNKNO"
	  "WN\r\n"
	  "* CAPABILITY IMAP4rev1 \r\n",
	  0, 0,
	  "CAPABILITY bits=0x8aec003 names=(\"IMAP4rev2\" \"IMAP4rev1\""
	  " \"UTF8=ACCEPT\" \"MOVE\" \"CONDSTORE\" \"QRESYNC\" \"LITERAL-\" \""
	  "SPECIAL-USE\" \"ESEARCH\" \"UIDPLUS\" \"X-UNKNOWN\")\n"
	  "CAPABILITY bits=0x1 names=(\"IMAP4rev1\")\n" },
	{ "LIST special-use Chinese folders",
	  "* LIST (\\HasNoChildren \\Sent) \"/\" \"&XfJT0ZAB-\"\r\n"
	  "* LIST (\\HasNoChildren \\Drafts) \"/\" \"&g0l6P3ux-\"\r\n"
	  "* LIST (\\HasNoChildren \\Junk) \"/\" \"&V4NXPpCuTvY-\"\r\n"
	  "* LIST (\\HasNoChildren \\Trash) \"/\" \"&XfJSIJZk-\"\r\n"
	  "* LIST (\\HasChildren) \"/\" \"&UXZO1mWHTvZZOQ-\"\r\n"
	  "* LIST (\\HasNoChildren) \"/\" \"&UXZO1mWHTvZZOQ-/&XeVPXA-\"\r"
	  "\n",
	  0, 0,
	  "LIST attrs=0x4100 (\"\\\\HasNoChildren\" \"\\\\Sent\") delim=\"/\""
	  " raw=\"&XfJT0ZAB-\" name=\"\\xe5\\xb7\\xb2\\xe5\\x8f\\x91\\xe9\\x80"
	  "\\x81\"\n"
	  "LIST attrs=0x900 (\"\\\\HasNoChildren\" \"\\\\Drafts\") delim=\"/"
	  "\" raw=\"&g0l6P3ux-\" name=\"\\xe8\\x8d\\x89\\xe7\\xa8\\xbf\\xe7\\xa"
	  "e\\xb1\"\n"
	  "LIST attrs=0x2100 (\"\\\\HasNoChildren\" \"\\\\Junk\") delim=\"/\""
	  " raw=\"&V4NXPpCuTvY-\" name=\"\\xe5\\x9e\\x83\\xe5\\x9c\\xbe\\xe9\\"
	  "x82\\xae\\xe4\\xbb\\xb6\"\n"
	  "LIST attrs=0x8100 (\"\\\\HasNoChildren\" \"\\\\Trash\") delim=\"/"
	  "\" raw=\"&XfJSIJZk-\" name=\"\\xe5\\xb7\\xb2\\xe5\\x88\\xa0\\xe9\\x9"
	  "9\\xa4\"\n"
	  "LIST attrs=0x80 (\"\\\\HasChildren\") delim=\"/\" raw=\"&UXZO1m"
	  "WHTvZZOQ-\" name=\"\\xe5\\x85\\xb6\\xe4\\xbb\\x96\\xe6\\x96\\x87\\xe"
	  "4\\xbb\\xb6\\xe5\\xa4\\xb9\"\n"
	  "LIST attrs=0x100 (\"\\\\HasNoChildren\") delim=\"/\" raw=\"&UXZ"
	  "O1mWHTvZZOQ-/&XeVPXA-\" name=\"\\xe5\\x85\\xb6\\xe4\\xbb\\x96\\xe"
	  "6\\x96\\x87\\xe4\\xbb\\xb6\\xe5\\xa4\\xb9/\\xe5\\xb7\\xa5\\xe4\\xbd\\x"
	  "9c\"\n" },
	{ "LIST INBOX, NIL delimiter, literal name, LSUB",
	  "* LIST (\\HasNoChildren) \".\" INBOX\r\n"
	  "* LIST () \"/\" inbox\r\n"
	  "* LIST (\\Noselect \\HasChildren) NIL \"\"\r\n"
	  "* LSUB () \"/\" {10}\r\n"
	  "&g0l6P3ux-\r\n"
	  "* XLIST (\\Inbox) \"/\" \"x]y\"\r\n",
	  0, 0,
	  "LIST attrs=0x100 (\"\\\\HasNoChildren\") delim=\".\" raw=\"INBO"
	  "X\" name=\"INBOX\"\n"
	  "LIST attrs=0 () delim=\"/\" raw=\"inbox\" name=\"INBOX\"\n"
	  "LIST attrs=0x82 (\"\\\\Noselect\" \"\\\\HasChildren\") delim=NIL"
	  " raw=\"\" name=\"\"\n"
	  "LIST lsub attrs=0 () delim=\"/\" raw=\"&g0l6P3ux-\" name=\"\\x"
	  "e8\\x8d\\x89\\xe7\\xa8\\xbf\\xe7\\xae\\xb1\"\n"
	  "LIST attrs=0 (\"\\\\Inbox\") delim=\"/\" raw=\"x]y\" name=\"x]y\"\n" },
	{ "LIST all attributes and extended data",
	  "* LIST (\\Trash \\Drafts \\Archive \\All \\Flagged \\NonExiste"
	  "nt \\Noinferiors \\Marked \\Unmarked \\Subscribed \\Remote \\I"
	  "mportant \\X-Custom) \"/\" Archive (\"CHILDINFO\" (\"SUBSCRIBE"
	  "D\")) (\"OLDNAME\" (\"old\"))\r\n",
	  0, 0,
	  "LIST attrs=0x19e7d (\"\\\\Trash\" \"\\\\Drafts\" \"\\\\Archive\" \"\\\\"
	  "All\" \"\\\\Flagged\" \"\\\\NonExistent\" \"\\\\Noinferiors\" \"\\\\Mark"
	  "ed\" \"\\\\Unmarked\" \"\\\\Subscribed\" \"\\\\Remote\" \"\\\\Important\""
	  " \"\\\\X-Custom\") delim=\"/\" raw=\"Archive\" name=\"Archive\"\n" },
	{ "hostile-13: hostile LIST names kept raw, not decoded",
	  "* LIST () \"/\" \"../../etc\"\r\n"
	  "* LIST () \"/\" \"a`id`$(id);b\"\r\n"
	  "* LIST () \"/\" \"bad&name\"\r\n"
	  "* LIST () \"/\" \"&AGE-\"\r\n"
	  "* LIST () \"/\" {6}\r\n"
	  "a\r\n"
	  "b\n"
	  "c\r\n"
	  "* LIST () \"::\" \"multi::delim\"\r\n"
	  "* LIST () \"/\" \"unterminated&XfJT\"\r\n",
	  0, 0,
	  "LIST attrs=0 () delim=\"/\" raw=\"../../etc\" name=\"../../et"
	  "c\"\n"
	  "LIST attrs=0 () delim=\"/\" raw=\"a`id`$(id);b\" name=\"a`id`"
	  "$(id);b\"\n"
	  "LIST attrs=0 () delim=\"/\" raw=\"bad&name\" name=NIL\n"
	  "LIST attrs=0 () delim=\"/\" raw=\"&AGE-\" name=NIL\n"
	  "LIST attrs=0 () delim=\"/\" raw=\"a\\x0d\\x0ab\\x0ac\" name=NIL"
	  "\n"
	  "LIST attrs=0 () delim=\"::\" raw=\"multi::delim\" name=\"mult"
	  "i::delim\"\n"
	  "LIST attrs=0 () delim=\"/\" raw=\"unterminated&XfJT\" name=N"
	  "IL\n" },
	{ "hostile-13/hostile-5: NUL in a LIST name",
	  "* LIST () \"/\" \"a\x00" "b\"\r\n"
	  "* LIST () \"/\" {3}\r\n"
	  "a\x00" "b\r\n",
	  45, 0,
	  "ERR bad IMAP response: NUL byte in quoted string at offs"
	  "et 16 (found byte 0x00)\n"
	  "LIST attrs=0 () delim=\"/\" raw=\"a\\x00b\" name=NIL\n" },
	{ "LIST names in UTF8=ACCEPT mode",
	  "* LIST () \"/\" \"\xe5\xb7\xb2\xe5\x8f\x91\xe9\x80\x81\"\r\n"
	  "* LIST () \"/\" \"&XfJT0ZAB-\"\r\n"
	  "* LIST () \"/\" \"\xff\"\r\n",
	  0, IMAP_PARSER_UTF8,
	  "LIST attrs=0 () delim=\"/\" raw=\"\\xe5\\xb7\\xb2\\xe5\\x8f\\x91\\"
	  "xe9\\x80\\x81\" name=\"\\xe5\\xb7\\xb2\\xe5\\x8f\\x91\\xe9\\x80\\x81\""
	  "\n"
	  "LIST attrs=0 () delim=\"/\" raw=\"&XfJT0ZAB-\" name=\"&XfJT0Z"
	  "AB-\"\n"
	  "LIST attrs=0 () delim=\"/\" raw=\"\\xff\" name=NIL\n" },
	{ "STATUS",
	  "* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292 UIDVALI"
	  "DITY 7 UNSEEN 3 RECENT 1 DELETED 2 SIZE 123456789012 HIG"
	  "HESTMODSEQ 99 APPENDLIMIT NIL X-FOO (a b))\r\n"
	  "* STATUS \"&XfJT0ZAB-\" ()\r\n"
	  "* STATUS INBOX (MESSAGES 4294967296)\r\n",
	  0, 0,
	  "MBSTATUS raw=\"blurdybloop\" name=\"blurdybloop\" messages=2"
	  "31 recent=1 uidnext=44292 uidvalidity=7 unseen=3 deleted"
	  "=2 size=123456789012 highestmodseq=99\n"
	  "MBSTATUS raw=\"&XfJT0ZAB-\" name=\"\\xe5\\xb7\\xb2\\xe5\\x8f\\x91"
	  "\\xe9\\x80\\x81\"\n"
	  "ERR bad IMAP response: number out of range at offset 25 "
	  "(found '4')\n" },
	{ "SEARCH",
	  "* SEARCH 2 84 882\r\n"
	  "* SEARCH\r\n"
	  "* SEARCH \r\n"
	  "* SEARCH 2 5 (MODSEQ 917162500)\r\n"
	  "* SEARCH 0\r\n",
	  0, 0,
	  "SEARCH (2 84 882)\n"
	  "SEARCH ()\n"
	  "SEARCH ()\n"
	  "SEARCH (2 5) modseq=917162500\n"
	  "ERR bad IMAP response: non-zero number expected at offse"
	  "t 9 (found '0')\n" },
	{ "ESEARCH",
	  "* ESEARCH (TAG \"A282\") UID MIN 2 COUNT 3 ALL 2,10:11 MAX"
	  " 11 MODSEQ 5 PARTIAL (1:10 1,2)\r\n"
	  "* ESEARCH (TAG \"A283\")\r\n"
	  "* ESEARCH\r\n"
	  "* ESEARCH UID COUNT 0\r\n",
	  0, 0,
	  "ESEARCH tag=\"A282\" uid min=2 max=11 count=3 all=2,10:11 "
	  "modseq=5\n"
	  "ESEARCH tag=\"A283\"\n"
	  "ESEARCH tag=NIL\n"
	  "ESEARCH tag=NIL uid count=0\n" },
	{ "VANISHED ENABLED ID",
	  "* VANISHED (EARLIER) 300:310,405,411\r\n"
	  "* VANISHED 5\r\n"
	  "* VANISHED 1:*\r\n"
	  "* ENABLED CONDSTORE QRESYNC\r\n"
	  "* ENABLED\r\n"
	  "* ID (\"name\" \"Dovecot\" \"version\" NIL)\r\n"
	  "* ID NIL\r\n",
	  0, 0,
	  "VANISHED earlier 300:310,405,411\n"
	  "VANISHED 5\n"
	  "ERR bad IMAP response: '*' in a UID set at offset 11 (fo"
	  "und '1')\n"
	  "ENABLED (\"CONDSTORE\" \"QRESYNC\")\n"
	  "ENABLED ()\n"
	  "ID (\"name\" \"Dovecot\" \"version\" NIL)\n"
	  "ID ()\n" },
	{ "unknown untagged responses kept raw",
	  "* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n"
	  "* 5 XFOO bar\r\n"
	  "* QUOTA \"\" (STORAGE 10 512)\r\n"
	  "* METADATA \"INBOX\" (/private/comment {3}\r\n"
	  "abc)\r\n",
	  0, 0,
	  "OTHER name=\"NAMESPACE\"\n"
	  "OTHER name=\"XFOO\" number=5\n"
	  "OTHER name=\"QUOTA\"\n"
	  "OTHER name=\"METADATA\"\n" },
	{ "FETCH RFC 3501 example",
	  "* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:4"
	  "4:25 -0700\" RFC822.SIZE 4286 ENVELOPE (\"Wed, 17 Jul 1996"
	  " 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg summary and min"
	  "utes\" ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ("
	  "(\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry"
	  " Gray\" NIL \"gray\" \"cac.washington.edu\")) ((NIL NIL \"imap"
	  "\" \"cac.washington.edu\")) ((NIL NIL \"minutes\" \"CNRI.Resto"
	  "n.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL N"
	  "IL \"<B27397-0100000@cac.washington.edu>\") BODY (\"TEXT\" \""
	  "PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92))\r\n",
	  0, 0,
	  "FETCH seq=12 flags=(\"\\\\Seen\") internaldate=837596665-420"
	  " size=4286 envelope=(date=\"Wed, 17 Jul 1996 02:23:25 -07"
	  "00 (PDT)\" subject=\"IMAP4rev1 WG mtg summary and minutes\""
	  " from=((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) s"
	  "ender=((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) r"
	  "eply-to=((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\"))"
	  " to=((NIL NIL \"imap\" \"cac.washington.edu\")) cc=((NIL NIL"
	  " \"minutes\" \"CNRI.Reston.VA.US\") (\"John Klensin\" NIL \"KLE"
	  "NSIN\" \"MIT.EDU\")) bcc=NIL in-reply-to=NIL message-id=\"<B"
	  "27397-0100000@cac.washington.edu>\") body=(\"TEXT\"/\"PLAIN\""
	  " id=NIL desc=NIL enc=\"7BIT\" size=3028 lines=92 params=(\""
	  "CHARSET\"=\"US-ASCII\"))\n" },
	{ "FETCH Chinese envelope in literals",
	  "* 3 FETCH (UID 88 ENVELOPE (\"Mon, 1 Jan 2024 08:00:00 +0"
	  "800\" {28}\r\n"
	  "=?GBK?B?1tDOxNb3zOI=?= \\\"x\\\" ((\"=?UTF-8?B?5byg5LiJ?=\" NI"
	  "L \"zhangsan\" \"qq.com\")) NIL NIL ((NIL NIL \"lisi\" \"163.co"
	  "m\")) NIL NIL \"<a@b>\" \"<c@d>\"))\r\n",
	  0, 0,
	  "FETCH seq=3 uid=88 envelope=(date=\"Mon, 1 Jan 2024 08:00"
	  ":00 +0800\" subject=\"=?GBK?B?1tDOxNb3zOI=?= \\\\\\\"x\\\\\\\"\" fr"
	  "om=((\"=?UTF-8?B?5byg5LiJ?=\" NIL \"zhangsan\" \"qq.com\")) se"
	  "nder=NIL reply-to=NIL to=((NIL NIL \"lisi\" \"163.com\")) cc"
	  "=NIL bcc=NIL in-reply-to=\"<a@b>\" message-id=\"<c@d>\")\n" },
	{ "FETCH sections, literal8, MODSEQ, unknown items",
	  "* 1 FETCH (UID 7 MODSEQ (624140003) BODY[HEADER.FIELDS ("
	  "FROM \"SUBJECT\")] {13}\r\n"
	  "From: a\x00" "b\r\n"
	  "\r\n"
	  " BODY[]<0> \"hi\" BINARY[1] ~{3}\r\n"
	  "\x00\x01\x02 RFC822.HEADER NIL BINARY.SIZE[1] 3 X-GM-LABELS (\\Inb"
	  "ox \"a b\") RFC822 {2}\r\n"
	  "ok)\r\n"
	  "* 4 FETCH (BODY[] {0}\r\n"
	  ")\r\n"
	  "* 10 FETCH (BODY[1] NIL)\n",
	  258, 0,
	  "FETCH seq=1 uid=7 binary-size=3 modseq=624140003 BODY[HE"
	  "ADER.FIELDS (FROM \"SUBJECT\")]=\"From: a\\x00b\\x0d\\x0a\\x0d\\"
	  "x0a\" BODY[]<0>=\"hi\" BINARY[1]=\"\\x00\\x01\\x02\" BODY[RFC822"
	  ".HEADER]=NIL BODY[RFC822]=\"ok\"\n"
	  "FETCH seq=4 BODY[]=\"\"\n"
	  "FETCH seq=10 BODY[1]=NIL\n" },
	{ "hostile-9: bad FETCH values",
	  "* 5 FETCH (UID 0)\r\n"
	  "* 6 FETCH (UID 4294967296)\r\n"
	  "* 7 FETCH (RFC822.SIZE 123456789012345678901234567890)\r\n"
	  "* 8 FETCH (INTERNALDATE \"32-Jul-1996 02:44:25 -0700\")\r\n"
	  "* 9 FETCH (INTERNALDATE \" 1-Jan-2024 00:00:00 +0800\" RFC"
	  "822.SIZE 0)\r\n"
	  "* 4294967296 EXISTS\r\n"
	  "* 1 FETCH (BINARY[1] \"a\" BODY[1] ~{1}\r\n"
	  "x)\r\n",
	  0, 0,
	  "FETCH seq=5 uid=0\n"
	  "ERR bad IMAP response: number out of range at offset 15 "
	  "(found '4')\n"
	  "ERR bad IMAP response: number out of range at offset 23 "
	  "(found '1')\n"
	  "ERR bad IMAP response: bad INTERNALDATE at offset 24 (fo"
	  "und '\"')\n"
	  "FETCH seq=9 internaldate=1704038400+480 size=0\n"
	  "ERR bad IMAP response: number out of range at offset 2 ("
	  "found '4')\n"
	  "ERR bad IMAP response: literal8 not allowed here at offs"
	  "et 33 (found '~')\n" },
	{ "BODYSTRUCTURE alternative GBK",
	  "* 2 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"GB"
	  "2312\") NIL NIL \"BASE64\" 1152 15 NIL NIL NIL NIL)(\"TEXT\" "
	  "\"HTML\" (\"CHARSET\" \"GBK\") NIL NIL \"QUOTED-PRINTABLE\" 2286"
	  " 30 NIL NIL NIL NIL) \"ALTERNATIVE\" (\"BOUNDARY\" \"----=_Ne"
	  "xtPart_5F3A\") NIL NIL NIL))\r\n",
	  0, 0,
	  "FETCH seq=2 body=((\"TEXT\"/\"PLAIN\" id=NIL desc=NIL enc=\"B"
	  "ASE64\" size=1152 lines=15 params=(\"CHARSET\"=\"GB2312\")) ("
	  "\"TEXT\"/\"HTML\" id=NIL desc=NIL enc=\"QUOTED-PRINTABLE\" siz"
	  "e=2286 lines=30 params=(\"CHARSET\"=\"GBK\")) multipart/\"ALT"
	  "ERNATIVE\" params=(\"BOUNDARY\"=\"----=_NextPart_5F3A\"))\n" },
	{ "BODYSTRUCTURE with extensions, rfc822 and groups",
	  "* 3 FETCH (BODYSTRUCTURE ((\"text\" \"plain\" (\"charset\" \"ut"
	  "f-8\") \"<id1>\" \"desc\" \"8bit\" 10 1 \"md5sum\" (\"inline\" NIL)"
	  " \"zh-CN\" \"http://loc\" 1 (2 3))(\"application\" \"pdf\" (\"nam"
	  "e\" \"=?GBK?B?1tDOxA==?=\") NIL NIL \"base64\" 4096 NIL (\"att"
	  "achment\" (\"filename\" \"a.pdf\" \"size\" \"4096\")) (\"en\" \"zh\")"
	  " NIL)(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 500 (NIL \"in"
	  "ner\" ((NIL NIL \"g\" NIL)(NIL NIL \"x\" \"y.com\")(NIL NIL NIL"
	  " NIL)) NIL NIL NIL NIL NIL NIL NIL) (\"text\" \"plain\" NIL "
	  "NIL NIL \"7bit\" 20 2) 12) \"mixed\" (\"boundary\" \"b1\") (\"inl"
	  "ine\" NIL) \"en\" \"here\" ext1 (ext2)))\r\n"
	  "* 11 FETCH (BODY ((\"text\" \"plain\" NIL NIL NIL \"7bit\" 1 1"
	  ") \"mixed\"))\r\n",
	  0, 0,
	  "FETCH seq=3 body=((\"text\"/\"plain\" id=\"<id1>\" desc=\"desc\""
	  " enc=\"8bit\" size=10 lines=1 md5=\"md5sum\" params=(\"charse"
	  "t\"=\"utf-8\") disp=\"inline\" NIL lang=(\"zh-CN\") loc=\"http:/"
	  "/loc\") (\"application\"/\"pdf\" id=NIL desc=NIL enc=\"base64\""
	  " size=4096 params=(\"name\"=\"=?GBK?B?1tDOxA==?=\") disp=\"at"
	  "tachment\" (\"filename\"=\"a.pdf\" \"size\"=\"4096\") lang=(\"en\" "
	  "\"zh\")) (\"message\"/\"rfc822\" id=NIL desc=NIL enc=\"7bit\" si"
	  "ze=500 lines=12 env=(date=NIL subject=\"inner\" from=(grou"
	  "p:\"g\" (NIL NIL \"x\" \"y.com\") end-group) sender=NIL reply-"
	  "to=NIL to=NIL cc=NIL bcc=NIL in-reply-to=NIL message-id="
	  "NIL) msg=(\"text\"/\"plain\" id=NIL desc=NIL enc=\"7bit\" size"
	  "=20 lines=2 params=NIL) params=NIL) multipart/\"mixed\" pa"
	  "rams=(\"boundary\"=\"b1\") disp=\"inline\" NIL lang=(\"en\") loc"
	  "=\"here\")\n"
	  "FETCH seq=11 body=((\"text\"/\"plain\" id=NIL desc=NIL enc=\""
	  "7bit\" size=1 lines=1 params=NIL) multipart/\"mixed\" param"
	  "s=NIL)\n" },
	{ "hostile-1: huge literal lengths",
	  "* 1 FETCH (BODY[] {4294967295}\r\n",
	  0, 0,
	  "ERR IMAP literal of 4294967295 bytes is over the limit o"
	  "f 67108864 bytes\n" },
	{ "hostile-1: literal length over 2^64",
	  "* 1 FETCH (BODY[] {18446744073709551616}\r\n",
	  0, 0,
	  "ERR IMAP literal of 18446744073709551616 bytes is over t"
	  "he limit of 67108864 bytes\n" },
	{ "hostile-1: negative literal length",
	  "* 1 FETCH (BODY[] {-1}\r\n"
	  "* 2 EXISTS\r\n",
	  0, 0,
	  "ERR bad IMAP response: number expected at offset 19 (fou"
	  "nd '-')\n"
	  "EXISTS 2\n" },
	{ "hostile-1: 20-digit literal length",
	  "* 1 FETCH (BODY[] {99999999999999999999}\r\n",
	  0, 0,
	  "ERR IMAP literal of 99999999999999999999 bytes is over t"
	  "he limit of 67108864 bytes\n" },
	{ "hostile-5: NUL in atoms, quoted strings and text",
	  "A\x00 OK x\r\n"
	  "* OK te\x00xt\r\n"
	  "* 1 FETCH (FLAGS (\\Se\x00" "en))\r\n"
	  "* 1 FETCH (BODY[] \"a\x00" "b\")\r\n"
	  "* 1 EXISTS\r\n",
	  87, 0,
	  "ERR bad IMAP response: space expected at offset 1 (found"
	  " byte 0x00)\n"
	  "ERR bad IMAP response: NUL byte in text at offset 7 (fou"
	  "nd byte 0x00)\n"
	  "ERR bad IMAP response: space expected at offset 21 (foun"
	  "d byte 0x00)\n"
	  "ERR bad IMAP response: NUL byte in quoted string at offs"
	  "et 20 (found byte 0x00)\n"
	  "EXISTS 1\n" },
	{ "hostile-5: bare CR, LF-only lines",
	  "* OK te\rxt\r\n"
	  "* 2 EXISTS\n"
	  "* OK fine\n",
	  0, 0,
	  "ERR bad IMAP response: bare CR or LF in text at offset 7"
	  " (found byte 0x0d)\n"
	  "EXISTS 2\n"
	  "STATUS tag=NIL OK text=\"fine\"\n" },
	{ "hostile-17: garbage lines",
	  "garbage\r\n"
	  "\r\n"
	  "* \r\n"
	  "*\r\n"
	  "{5}\r\n"
	  "abcde\r\n"
	  "* (x)\r\n"
	  "A1 MAYBE\r\n"
	  "A+1 OK x\r\n"
	  "+x\r\n",
	  0, 0,
	  "ERR bad IMAP response: space expected at offset 7 (found"
	  " byte 0x0d)\n"
	  "ERR bad IMAP response: atom expected at offset 0 (found "
	  "byte 0x0d)\n"
	  "ERR bad IMAP response: atom expected at offset 2 (found "
	  "byte 0x0d)\n"
	  "ERR bad IMAP response: space expected at offset 1 (found"
	  " byte 0x0d)\n"
	  "ERR bad IMAP response: atom expected at offset 0 (found "
	  "'{')\n"
	  "ERR bad IMAP response: atom expected at offset 2 (found "
	  "'(')\n"
	  "ERR bad IMAP response: OK, NO or BAD expected at offset "
	  "3 (found 'M')\n"
	  "ERR bad IMAP response: '+' in tag at offset 0 (found 'A'"
	  ")\n"
	  "ERR bad IMAP response: space expected at offset 1 (found"
	  " 'x')\n" },
	{ "hostile-8: unknown tags parse; the session matches them",
	  "ZZZ9 OK done\r\n"
	  "* OK [ALERT]\r\n",
	  0, 0,
	  "STATUS tag=\"ZZZ9\" OK text=\"done\"\n"
	  "STATUS tag=NIL OK code=ALERT text=\"\"\n" },
};
