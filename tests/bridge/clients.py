"""Real, unmodified clients against `maillab serve`: Python's smtplib and poplib.

Run by tests/bridge.rs with the ports the bridge printed:
    python3 clients.py SMTP_PORT SUBMISSION_PORT POP3_PORT
Exits non-zero (with the failing assertion) if any check fails.
"""
import poplib
import smtplib
import socket
import sys
import threading
from email.message import EmailMessage

smtp_port, submission_port, pop3_port = (int(p) for p in sys.argv[1:4])
HOST = "127.0.0.1"


def pop3_messages():
    """Every message of bob's maildrop, as bytes with CRLF, via poplib."""
    pop = poplib.POP3(HOST, pop3_port, timeout=10)
    pop.user("bob")
    pop.pass_("hungry")
    count, _ = pop.stat()
    messages = []
    for n in range(1, count + 1):
        _, lines, _ = pop.retr(n)
        messages.append(b"\r\n".join(lines) + b"\r\n")
    pop.quit()
    return messages


# The seed slide's POP3 numbers, through poplib.
pop = poplib.POP3(HOST, pop3_port, timeout=10)
assert pop.getwelcome().startswith(b"+OK POP3 server ready <"), pop.getwelcome()
pop.user("bob")
pop.pass_("hungry")
assert pop.list()[1] == [b"1 498", b"2 912"], pop.list()
assert pop.uidl()[1][0].startswith(b"1 "), pop.uidl()
top = pop.top(1, 0)[1]
assert b"Subject: Crepes on Friday?" in top and top[-1] == b"", top
pop.quit()

# A message with a dot-leading line, sent with smtplib to the MX, read back byte-identical.
body = "Subject: dots\r\nFrom: alice@crepes.fr\r\nTo: bob@hamburger.edu\r\n\r\n.leading dot\r\n..two\r\nplain\r\n"
with smtplib.SMTP(HOST, smtp_port, timeout=10) as smtp:
    code, features = smtp.ehlo("client.example")
    assert code == 250 and smtp.has_extn("pipelining") and smtp.has_extn("size"), features
    refused = smtp.sendmail("alice@crepes.fr", ["bob@hamburger.edu"], body)
    assert refused == {}, refused
    try:
        smtp.sendmail("alice@crepes.fr", ["nobody@hamburger.edu"], body)
        raise AssertionError("an unknown user must be refused")
    except smtplib.SMTPRecipientsRefused as e:
        assert e.recipients["nobody@hamburger.edu"][0] == 550, e.recipients
messages = pop3_messages()
assert len(messages) == 3, len(messages)
assert messages[2].endswith(body.encode()), messages[2]
assert messages[2].startswith(b"Return-Path: <alice@crepes.fr>\r\nReceived: from client.example"), messages[2][:120]

# Submission: login (smtplib picks CRAM-MD5), then send_message of an EmailMessage.
msg = EmailMessage()
msg["From"] = "bob@hamburger.edu"
msg["To"] = "bob@hamburger.edu"
msg["Subject"] = "note to self"
msg.set_content("Remember the pickles.\n")
with smtplib.SMTP(HOST, submission_port, timeout=10) as smtp:
    smtp.ehlo("laptop.hamburger.edu")
    try:
        smtp.login("bob", "wrong")
        raise AssertionError("a wrong password must be refused")
    except smtplib.SMTPAuthenticationError as e:
        assert e.smtp_code == 535, e
    smtp.login("bob", "hungry")
    smtp.send_message(msg)
assert any(b"Subject: note to self" in m for m in pop3_messages())

# Many clients at once: each connection is its own session; every message arrives once.
def send(i, results):
    try:
        with smtplib.SMTP(HOST, smtp_port, timeout=10) as smtp:
            smtp.sendmail("alice@crepes.fr", ["bob@hamburger.edu"], f"Subject: parallel {i}\r\n\r\n{i}\r\n")
        results[i] = True
    except Exception as e:  # noqa: BLE001 - reported below
        results[i] = e
results = {}
threads = [threading.Thread(target=send, args=(i, results)) for i in range(20)]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert all(r is True for r in results.values()) and len(results) == 20, results
subjects = [m for m in pop3_messages() if b"Subject: parallel " in m]
assert len(subjects) == 20, len(subjects)

# Garbage, a 100 KB line without CRLF and a NUL byte do not take the server down.
for junk in (b"\x00\xff\xfe garbage\r\n", b"x" * 100_000, b"HELO \x00\r\n"):
    s = socket.create_connection((HOST, smtp_port), timeout=10)
    s.recv(1024)
    s.sendall(junk)
    s.close()
with smtplib.SMTP(HOST, smtp_port, timeout=10) as smtp:
    assert smtp.noop()[0] == 250
assert len(pop3_messages()) == 24, "everything delivered before is still there"
print("python clients: all checks passed")
