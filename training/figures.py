"""Figures out of a JSON file into a line of text: how the recipes read igt-score's scores, a
model's igt_tools.json or the last line of a log.jsonl, without a Python one-liner each.

    python training/figures.py '{all.glossing.morphemes.error_rate:.4f}' scores.json
    igt-score gold.jsonl predictions.jsonl | python training/figures.py '{all.segmentation.f1}'
    python training/figures.py '{elapsed_s:.0f}' model/log.jsonl      # a .jsonl file: its last line
    python training/figures.py --optional --prefix "lora<TAB>50" TEMPLATE lora.50.scores.json   # a table row

Each {KEY.KEY...} of TEMPLATE is replaced by the value at that path of the JSON object in FILE
(standard input without one); after a colon, a Python format spec for numbers. A value that
is missing or null prints as "-". --prefix TEXT: TEXT and a tab before the line; --optional:
nothing at all when FILE does not exist. Exit status: 1 when FILE is not JSON, 2 a usage error.
"""

import json
import os
import re
import sys

FIELD = re.compile(r"\{([^{}:]+)(?::([^{}]*))?\}")


def value_at(document, path):
    for key in path.split("."):
        if not isinstance(document, dict) or key not in document:
            return None
        document = document[key]
    return document


def fill(template, document):
    def replace(match):
        value = value_at(document, match.group(1))
        if value is None:
            return "-"
        spec = match.group(2)
        if spec and isinstance(value, (int, float)) and not isinstance(value, bool):
            return format(value, spec)
        return str(value)

    return FIELD.sub(replace, template)


def read(path):
    text = sys.stdin.read() if path is None else open(path, encoding="utf-8").read()
    if path is not None and path.endswith(".jsonl"):
        text = [line for line in text.splitlines() if line.strip()][-1]
    return json.loads(text)


def main(argv):
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__.strip())
        return
    prefix, optional = None, False
    while argv[:1] in (["--prefix"], ["--optional"]):
        if argv[0] == "--optional":
            optional, argv = True, argv[1:]
        else:
            prefix, argv = argv[1:2], argv[2:]
    if len(argv) not in (1, 2) or prefix == []:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    path = argv[1] if len(argv) == 2 else None
    if optional and path is not None and not os.path.exists(path):
        return
    try:
        document = read(path)
    except (OSError, ValueError, IndexError) as error:
        print(f"figures.py: {path or '<stdin>'}: {error}", file=sys.stderr)
        sys.exit(1)
    print("\t".join([*(prefix or []), fill(argv[0], document)]))


if __name__ == "__main__":
    main(sys.argv[1:])
