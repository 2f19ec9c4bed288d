"""A linguist's own gloss conventions: a tag map between a model's tags and theirs.

The file is a two-column TSV, model tag -> user tag, one pair a line (blank
lines and `#` comments ignored):

    3SG	3.SG
    PST	PAST

Outputs (igt-gloss, igt-format) map model tags to the user's; inputs
(igt-clean) map back, so the model trains on its own. A morpheme gloss is
looked up whole (`3SG`), else by its `.`-parts (`go.PST` -> `go.PAST`).
Tags not in the map pass through and are counted, as are the mapped ones:

    tagmap = TagMap.load("tags.tsv")              # reverse=True: user -> model
    for record in records:
        tagmap.map_record(record)                 # its glosses mapped in place
    warn(prog, tagmap.summary())                  # 'tag map: 1,234 tags mapped, ...'
"""

import re
from collections import Counter

from .errors import DataError
from .io import warn
from .tags import tags_in
from .tokens import GLOSS_BOUNDARY

# Glosses split into morpheme glosses and what is between them, so the rest stays as it was.
_PIECES = re.compile(f"(\\s+|{GLOSS_BOUNDARY.pattern})")
MOST_UNKNOWN = 10


class TagMap:
    def __init__(self, table, name="tag map"):
        self.table = table
        self.name = name
        self.mapped = Counter()
        self.unknown = Counter()

    @classmethod
    def load(cls, path, reverse=False):
        """The map in a TSV file (model -> user), or the other way with `reverse`; a bad line is a DataError."""
        table, lines = {}, {}
        try:
            with open(path, encoding="utf-8-sig") as stream:
                for number, line in enumerate(stream, 1):
                    text = line.rstrip("\r\n")
                    if not text.strip() or text.lstrip().startswith("#"):
                        continue
                    columns = [c.strip() for c in text.split("\t")]
                    if len(columns) != 2 or not all(columns):
                        raise DataError("expected two TAB-separated columns: model tag, user tag", str(path), number)
                    key, value = reversed(columns) if reverse else columns
                    if key in table and table[key] != value:
                        what = "user tag" if reverse else "model tag"
                        raise DataError(
                            f"{what} {key!r} maps to both {table[key]!r} (line {lines[key]}) and {value!r}", str(path), number
                        )
                    table[key], lines[key] = value, number
        except OSError as err:
            raise DataError(f"cannot open the tag map: {err.strerror}", str(path)) from None
        except UnicodeDecodeError:
            raise DataError("the tag map is not valid UTF-8", str(path)) from None
        return cls(table, f"tag map {path}")

    def map_glosses(self, glosses, mapped=None, unknown=None):
        """The gloss line with its tags mapped; counts go to the given Counters (default: the totals)."""
        mapped = self.mapped if mapped is None else mapped
        unknown = self.unknown if unknown is None else unknown
        pieces = _PIECES.split(glosses)
        for i in range(0, len(pieces), 2):
            pieces[i] = self._map_gloss(pieces[i], mapped, unknown)
        return "".join(pieces)

    def map_record(self, record):
        """Map the record's `glosses` in place; (mapped, unknown) Counters of this record (also added to the totals)."""
        mapped, unknown = Counter(), Counter()
        glosses = record.get("glosses")
        if isinstance(glosses, str):
            record["glosses"] = self.map_glosses(glosses, mapped, unknown)
        self.mapped.update(mapped)
        self.unknown.update(unknown)
        return mapped, unknown

    def _map_gloss(self, gloss, mapped, unknown):
        if gloss in self.table:
            mapped[gloss] += 1
            return self.table[gloss]
        parts = gloss.split(".")
        if len(parts) > 1 and any(part in self.table for part in parts):
            return ".".join(self._map_gloss(part, mapped, unknown) for part in parts)
        unknown.update(tags_in(gloss))
        return gloss

    def summary(self):
        """One line: how many tags were mapped, and which were not in the map."""
        line = f"{self.name}: {sum(self.mapped.values()):,} tags mapped, {sum(self.unknown.values()):,} not in the map (passed through)"
        if self.unknown:
            most = self.unknown.most_common(MOST_UNKNOWN)
            line += ": " + ", ".join(f"{tag} {count:,}" for tag, count in most)
            if len(self.unknown) > MOST_UNKNOWN:
                line += f", ... ({len(self.unknown) - MOST_UNKNOWN:,} more)"
        return line


def tag_mapped(records, path, prog):
    """The (Location, record) pairs with their tags mapped by the tag map at `path` (None: as they
    are); at the end, the map's summary on stderr under the command's name `prog`."""
    if path is None:
        yield from records
        return
    mapping = TagMap.load(path)
    for location, record in records:
        mapping.map_record(record)
        yield location, record
    warn(prog, mapping.summary())
