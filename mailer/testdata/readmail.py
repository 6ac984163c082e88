"""Reads a message as Python's email package does (policy=default) and
prints its subject, file names, plain text and defects as JSON."""
import email
import json
import sys
from email import policy

with open(sys.argv[1], "rb") as f:
    m = email.message_from_binary_file(f, policy=policy.default)
out = {"Subject": str(m["Subject"]), "Files": [], "Text": "", "Defects": []}


def defects(where, part):
    for d in part.defects:
        out["Defects"].append("%s: %r" % (where, d))
    for name, value in part.items():
        for d in getattr(value, "defects", ()):
            # Encoded words in a quoted Content-Type name are what mail
            # programs that read no RFC 2231 need.
            if name.lower() == "content-type" and ("encoded word" in str(d) or "encoded-word" in str(d)):
                continue
            out["Defects"].append("%s %s: %r" % (where, name, d))


defects("message", m)
for i, part in enumerate(m.walk()):
    defects("part %d" % i, part)
    if part.is_multipart():
        continue
    if part.get_filename() is not None or not part.get_content_type().startswith("text/"):
        out["Files"].append(part.get_filename())
    elif part.get_content_type() == "text/plain":
        out["Text"] = part.get_content()
json.dump(out, sys.stdout, ensure_ascii=False)
