#!/usr/bin/env python3
"""Writes core/src/router/examples-read.jsonl: the routing benchmark's sets that were scored
blind and then read, as labelled examples for the router's nearest examples. Follow-ups (a
message with a history) are left out: their meaning is in the talk before them. Messages the
hand-written examples already hold are left out too. A set is added here only after its one
blind score (README: "Routing accuracy").

    scripts/examples-from-sets.py dev holdout test fresh fresh2 fresh3 fresh4 fresh5 fresh6 fresh7 fresh8 fresh9
"""
import json
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parent.parent
router = root / "core/src/router"
seen = {json.loads(l)["text"].strip().lower() for l in (router / "examples.jsonl").read_text().splitlines() if l.strip()}
out = []
for name in sys.argv[1:]:
    for line in (root / f"core/benches/routing/{name}.jsonl").read_text().splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        key = item["text"].strip().lower()
        if item.get("history") or key in seen:
            continue
        seen.add(key)
        example = {"lang": item["lang"], "want": item["want"], "text": item["text"]}
        if item.get("op"):
            example["op"] = item["op"]
        example["from"] = name
        out.append(json.dumps(example, ensure_ascii=False))
(router / "examples-read.jsonl").write_text("\n".join(out) + "\n")
print(f"{len(out)} examples from {', '.join(sys.argv[1:])}")
