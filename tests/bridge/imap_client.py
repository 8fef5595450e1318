"""A real, unmodified IMAP client against `maillab serve`: Python's imaplib (with smtplib to
deliver mail while an IMAP session waits in IDLE).

Run by tests/bridge.rs with the ports the bridge printed:
    python3 imap_client.py IMAP_PORT SMTP_PORT
Exits non-zero (with the failing assertion) if any check fails.
"""
import imaplib
import re
import smtplib
import socket
import sys
import time

imap_port, smtp_port = (int(p) for p in sys.argv[1:3])
HOST = "127.0.0.1"


def ok(result):
    typ, data = result
    assert typ == "OK", (typ, data)
    return data


# Greeting and capabilities (RFC 3501 §7.2.1); LOGIN with a wrong password first.
m = imaplib.IMAP4(HOST, imap_port)
for cap in ("IMAP4REV1", "IDLE", "UIDPLUS", "MOVE", "LITERAL+", "SPECIAL-USE", "AUTH=PLAIN"):
    assert cap in m.capabilities, m.capabilities
try:
    m.login("bob", "wrong")
    raise AssertionError("a wrong password must be refused")
except imaplib.IMAP4.error as e:
    assert "AUTHENTICATIONFAILED" in str(e), e
ok(m.login("bob", "hungry"))

# LIST with the special-use attributes (RFC 6154).
folders = ok(m.list())
assert b'(\\HasNoChildren \\Sent) "/" Sent' in folders, folders
assert any(f.endswith(b' INBOX') for f in folders), folders

# SELECT: the textbook's two messages of 498 and 912 octets.
assert ok(m.select("INBOX")) == [b"2"]
sizes = ok(m.fetch("1:2", "(RFC822.SIZE)"))
assert sizes == [b"1 (RFC822.SIZE 498)", b"2 (RFC822.SIZE 912)"], sizes
assert ok(m.search(None, "FROM", "alice")) == [b"1"]
assert ok(m.uid("SEARCH", "UNSEEN")) == [b"1 2"]
header = ok(m.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])"))
assert header[0][1] == b"Subject: Crepes on Friday?\r\n\r\n", header
whole = ok(m.fetch("1", "(RFC822)"))
assert len(whole[0][1]) == 498 and whole[0][1].startswith(b"Return-Path:"), whole[0][1][:60]
flags = ok(m.fetch("1", "(FLAGS)"))
assert b"\\Seen" in flags[0], flags
ok(m.store("2", "+FLAGS", "(\\Flagged)"))
assert ok(m.search(None, "FLAGGED")) == [b"2"]

# APPEND with a synchronizing literal (imaplib waits for "+"), flags and a date; APPENDUID.
note = b"From: bob@hamburger.edu\r\nSubject: appended by imaplib\r\n\r\nhello\r\n"
data = ok(m.append("Sent", "(\\Seen)", imaplib.Time2Internaldate(time.time()), note))
assert re.match(rb"\[APPENDUID \d+ 1\]", data[0]), data
assert ok(m.status("Sent", "(MESSAGES UIDNEXT)")) == [b"Sent (MESSAGES 1 UIDNEXT 2)"]

# A dot-leading line sent by SMTP reads back byte-identical through IMAP (the server's
# Return-Path and Received fields come first).
body = "Subject: dots\r\nFrom: alice@crepes.fr\r\nTo: bob@hamburger.edu\r\n\r\n.leading dot\r\n..two\r\nplain\r\n"
with smtplib.SMTP(HOST, smtp_port, timeout=10) as smtp:
    assert smtp.sendmail("alice@crepes.fr", ["bob@hamburger.edu"], body) == {}
ok(m.noop())
assert m.untagged_responses["EXISTS"][-1] == b"3", m.untagged_responses  # imaplib keeps them all
raw = ok(m.fetch("3", "(BODY.PEEK[])"))[0][1]
assert raw.endswith(body.encode()) and raw.startswith(b"Return-Path: <alice@crepes.fr>\r\n"), raw[:80]

# STORE \Deleted then EXPUNGE (§6.4.3): the EXPUNGE response names the message.
ok(m.store("3", "+FLAGS", "(\\Deleted)"))
assert ok(m.expunge()) == [b"3"]

# UID MOVE (RFC 6851): COPYUID, then the source's EXPUNGE.
typ, data = m.uid("MOVE", "2", "Archive")
assert typ == "OK", data
assert m.untagged_responses.get("EXPUNGE") == [b"2"], m.untagged_responses
assert ok(m.status("Archive", "(MESSAGES)")) == [b"Archive (MESSAGES 1)"]

# CREATE, RENAME, DELETE.
ok(m.create("Projects/Lab"))
ok(m.rename("Projects", "Courses"))
assert any(f.endswith(b' Courses/Lab') for f in ok(m.list('""', "Courses/*")))
ok(m.delete("Courses/Lab"))
ok(m.delete("Courses"))
ok(m.close())
assert m.logout()[0] == "BYE"  # imaplib reports the BYE that precedes the OK

# AUTHENTICATE PLAIN the way imaplib does it: an empty challenge, then the response.
m = imaplib.IMAP4(HOST, imap_port)
ok(m.authenticate("PLAIN", lambda challenge: b"\0bob\0hungry"))
ok(m.select("INBOX"))

# IDLE (RFC 2177), by hand since this imaplib has none: mail delivered by SMTP meanwhile
# arrives as an untagged EXISTS without the client asking.
tag = m._new_tag()
m.send(tag + b" IDLE\r\n")
assert m.readline().startswith(b"+ "), "IDLE is accepted with a continuation"
with smtplib.SMTP(HOST, smtp_port, timeout=10) as smtp:
    smtp.sendmail("alice@crepes.fr", ["bob@hamburger.edu"], "Subject: while idling\r\n\r\nhi\r\n")
m.sock.settimeout(10)
line = m.readline()
assert line == b"* 2 EXISTS\r\n", line
assert m.readline() == b"* 1 RECENT\r\n"
m.send(b"DONE\r\n")
assert m.readline() == tag + b" OK IDLE terminated\r\n"
assert m.logout()[0] == "BYE"  # imaplib reports the BYE that precedes the OK

# Two clients on one mailbox: what one appends, the other hears of at its next NOOP (§7.3.1),
# and a flag one sets reaches the other as an untagged FETCH (§7.4.2).
a = imaplib.IMAP4(HOST, imap_port)
b = imaplib.IMAP4(HOST, imap_port)
for c in (a, b):
    ok(c.login("bob", "hungry"))
    assert ok(c.select("INBOX")) == [b"2"]
ok(a.append("INBOX", None, None, b"Subject: from client a\r\n\r\nhi\r\n"))
ok(b.noop())
assert b.untagged_responses["EXISTS"][-1] == b"3", b.untagged_responses
ok(a.store("3", "+FLAGS", "(\\Flagged)"))
ok(b.noop())
assert b.untagged_responses["FETCH"][-1] == b"3 (FLAGS (\\Flagged))", b.untagged_responses
for c in (a, b):
    c.logout()

# Garbage does not take the server down, and a session that follows is served.
for junk in (b"\x00\xff\xfe garbage\r\n", b"x" * 100_000 + b"\r\n", b"a1 LOGIN {99999999}\r\n"):
    s = socket.create_connection((HOST, imap_port), timeout=10)
    s.recv(1024)
    s.sendall(junk)
    s.close()
m = imaplib.IMAP4(HOST, imap_port)
ok(m.login("bob", "hungry"))
assert ok(m.select("INBOX")) == [b"3"], "everything delivered before is still there"
assert m.logout()[0] == "BYE"  # imaplib reports the BYE that precedes the OK
print("imaplib: all checks passed")
