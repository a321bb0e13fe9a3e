#!/usr/bin/python3
"""Extract the COCO labels from @vladmandic/human's src/object/labels.ts.

The file lists entries like `{ class: 1, label: 'person' },`.  Class numbers
are 1-based; output channel k of the model is class k+1.  Writes one label per
line in class order and checks that the classes are exactly 1..N.

Usage: extract_labels.py LABELS_TS OUT_TXT [--expect 80]
"""

import argparse
import re
import sys

ENTRY = re.compile(r"\{\s*class:\s*(\d+)\s*,\s*label:\s*'([^']+)'\s*\}")


def extract(text, expect):
    entries = [(int(num), label) for num, label in ENTRY.findall(text)]
    numbers = sorted(num for num, _ in entries)
    if numbers != list(range(1, expect + 1)):
        raise ValueError("expected classes 1..%d, found %d entries: %s" % (expect, len(entries), numbers))
    return [label for _, label in sorted(entries)]


def main():
    parser = argparse.ArgumentParser(description="Extract COCO labels from labels.ts")
    parser.add_argument("labels_ts")
    parser.add_argument("out_txt")
    parser.add_argument("--expect", type=int, default=80)
    args = parser.parse_args()
    with open(args.labels_ts, "r", encoding="utf-8") as f:
        try:
            labels = extract(f.read(), args.expect)
        except ValueError as e:
            sys.exit("extract_labels: %s" % e)
    with open(args.out_txt, "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(label + "\n" for label in labels))
    print("wrote %s (%d labels)" % (args.out_txt, len(labels)))


if __name__ == "__main__":
    main()
