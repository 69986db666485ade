#!/usr/bin/python3
"""An independent HL7 PCD-04 sender for iomtsim's tests, written with Debian's python3-hl7.

Builds one ORU^R40 (IHE PCD-04 Report Alert) per alert given on the command line, checks
each parses with python-hl7 as an HL7 v2 message, sends it over MLLP with python-hl7's
MLLPClient and reads the ACK back, also with python-hl7. Prints one JSON line: the MSA-1
code of each ACK, in order.

    pcd04_send.py PORT PATIENT:OBR7:RULE:PRIORITY[:TRIGGER] ...

PATIENT is PID-3's ID (e.g. p2), OBR7 an HL7 DTM (e.g. 20240501080001.2500+0000),
PRIORITY PH/PM/PL, TRIGGER the reading id carried in OBX-21 (optional).
"""
import json
import sys

import hl7
from hl7.client import MLLPClient


def message(index, patient, when, rule, priority, trigger):
    control = "PCD04-%d" % index
    segments = [
        "MSH|^~\\&|ACME_AM^ACME|ICU|IOMTSIM|IOMTSIM|%s||ORU^R40^ORU_R40|%s|P|2.6|||AL|NE||UNICODE UTF-8"
        "|||IHE_PCD_ACM_001^IHE PCD^1.3.6.1.4.1.19376.1.6.4.4^ISO" % (when, control),
        "PID|||%s^^^ACME^MR||Doe^Jane" % patient,
        "PV1||I|ICU^BED1",
        "OBR|1|A%d^ACME|A%d^ACME|196616^MDC_EVT_ALARM^MDC|||%s" % (index, index, when),
        "OBX|1|ST|196616^MDC_EVT_ALARM^MDC|1.1.1.1.1|%s|||%s~SP|||F|||%s|||||||%s"
        % (rule, priority, when, trigger),
        "OBX|2|ST|68481^MDC_ATTR_EVENT_PHASE^MDC|1.1.1.1.2|start||||||F",
    ]
    return "\r".join(segments) + "\r"


def main():
    port = int(sys.argv[1])
    codes = []
    with MLLPClient("127.0.0.1", port) as client:
        for i, spec in enumerate(sys.argv[2:]):
            parts = spec.split(":")
            patient, when, rule, priority = parts[:4]
            trigger = parts[4] if len(parts) > 4 else ""
            text = message(i, patient, when, rule, priority, trigger)
            parsed = hl7.parse(text)  # python-hl7 must read what it sends
            assert str(parsed.segment("MSH")[9]) == "ORU^R40^ORU_R40", "not an ORU^R40"
            ack = client.send_message(text)
            if isinstance(ack, bytes):
                ack = ack.decode("utf-8")
            ack = ack.strip("\x0b\x1c\r\n")
            codes.append(str(hl7.parse(ack).segment("MSA")[1]))
    print(json.dumps({"acks": codes}))


if __name__ == "__main__":
    main()
