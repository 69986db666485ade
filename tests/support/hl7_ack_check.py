#!/usr/bin/python3
"""Reads a target's HL7 ACKs with Debian's python3-hl7, an HL7 v2 parser independent of
iomtsim's: sends each message given (a file of HL7 text, segments on lines) over MLLP with
python-hl7's MLLPClient and prints one JSON line per ACK with the fields a sender checks:
MSH-3..7, MSH-9, MSA-1..3, ERR-3.1 and ERR-8, and the sent message's MSH-3..6, MSH-9.2, MSH-10.

    hl7_ack_check.py PORT MESSAGE_FILE ...
"""
import json
import sys

import hl7
from hl7.client import MLLPClient


def text(message, ref):
    """A component by accessor ("ERR.F3.R1.C1"), or a whole field as written ("MSH", 9)."""
    try:
        if isinstance(ref, tuple):
            return str(message.segment(ref[0])[ref[1]])
        return str(message[ref])
    except Exception:  # a missing segment or field
        return ""


def main():
    port = int(sys.argv[1])
    with MLLPClient("127.0.0.1", port) as client:
        for path in sys.argv[2:]:
            with open(path, encoding="utf-8") as f:
                sent = "\r".join(line.rstrip("\r\n") for line in f if line.strip()) + "\r"
            ack = client.send_message(sent)
            if isinstance(ack, bytes):
                ack = ack.decode("utf-8")
            ack = hl7.parse(ack.strip("\x0b\x1c\r\n"))
            msg = hl7.parse(sent)
            out = {
                "sent": {k: text(msg, ("MSH", n)) for k, n in
                         (("msh3", 3), ("msh4", 4), ("msh5", 5), ("msh6", 6), ("msh10", 10))},
                "msh3": text(ack, ("MSH", 3)), "msh4": text(ack, ("MSH", 4)),
                "msh5": text(ack, ("MSH", 5)), "msh6": text(ack, ("MSH", 6)),
                "msh7": text(ack, ("MSH", 7)), "msh9": text(ack, ("MSH", 9)),
                "msa1": text(ack, ("MSA", 1)), "msa2": text(ack, ("MSA", 2)),
                "msa3": text(ack, ("MSA", 3)),
                "err3": text(ack, "ERR.F3.R1.C1"), "err8": text(ack, ("ERR", 8)),
            }
            out["sent"]["trigger"] = text(msg, "MSH.F9.R1.C2")
            print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
