"""Records in, the same records with segmentation and glosses emptied out: gold test
sentences as a user would give them to igt-gloss, so that no gold tier can leak through.

    python training/strip_tiers.py < test.jsonl > test.input.jsonl
"""

import json
import sys

for line in sys.stdin:
    record = json.loads(line)
    record["segmentation"] = record["glosses"] = None
    print(json.dumps(record, ensure_ascii=False))
