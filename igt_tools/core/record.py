"""The IGT record: one JSON object per example, with the PolyGloss corpus fields.

Records stay plain dicts so that fields igt-tools does not know pass through
untouched; this module only names the canonical fields and checks their types.
"""

from .errors import RecordError

TEXT_FIELDS = (
    "transcription",
    "segmentation",
    "glosses",
    "translation",
    "language",
    "metalanguage",
    "glottocode",
    "metalang_glottocode",
    "source",
)
CANONICAL_FIELDS = ("id",) + TEXT_FIELDS


def check_types(record, location):
    """Canonical fields must be strings or null (`id` may also be an integer)."""
    for field in CANONICAL_FIELDS:
        value = record.get(field)
        if value is None or isinstance(value, str):
            continue
        if field == "id" and isinstance(value, int) and not isinstance(value, bool):
            continue
        raise RecordError(
            f'field "{field}" must be a string or null, got {_json_type(value)}',
            location.source,
            location.line,
        )


def require(record, location, *fields):
    """Fields that must be present and non-empty strings for this command."""
    for field in fields:
        value = record.get(field)
        if value is None:
            raise RecordError(f'missing field "{field}"', location.source, location.line)
        if not isinstance(value, str):
            raise RecordError(f'field "{field}" must be a string, got {_json_type(value)}', location.source, location.line)


def validator(*required):
    """A validate(record, location) function for io.iter_jsonl."""

    def validate(record, location):
        check_types(record, location)
        require(record, location, *required)

    return validate


def text(record, field):
    """The field's text, or None when missing, null or blank."""
    value = record.get(field)
    if isinstance(value, str) and value.strip():
        return value
    return None


def _json_type(value):
    return {bool: "boolean", int: "number", float: "number", list: "array", dict: "object"}.get(type(value), type(value).__name__)


def without_fields(records, fields):
    """The (Location, record) pairs with these fields null in every record (igt-format --drop)."""
    for location, record in records:
        record.update(dict.fromkeys(fields))
        yield location, record
