"""igt-parse: raw model outputs -> segmentation and glosses, for each task format."""

import click

from ..cli.base import bad_records, entry_point, igt_command, inputs_argument, skip_bad_options
from ..core.errors import RecordError
from ..core.io import JsonlWriter, iter_jsonl, warn
from ..core.record import check_types
from ..examples import tasks
from . import manual

PROG = "igt-parse"

HELP = """Parse raw model outputs into `segmentation` and `glosses`.

\b
  igt-parse predictions.jsonl | igt-score gold.jsonl
  igt-parse --task concatenated --field output < raw.jsonl
"""


@igt_command(PROG, help=HELP, description=manual.PARSE, option_details=manual.PARSE_OPTIONS, short_help="Parse raw model outputs into segmentation and glosses.")
@inputs_argument
@click.option("--task", type=click.Choice(tasks.TASKS), default="interleaved", show_default=True, help="Task format the model was trained on.")
@click.option("--field", "field_name", default="prediction", show_default=True, metavar="NAME", help="Field holding the model output.")
@skip_bad_options
def command(inputs, task, field_name, skip_bad, bad_out):
    bad = bad_records(PROG, skip_bad, bad_out)
    validate = _validator(task, field_name)
    out = JsonlWriter()
    records = malformed_records = malformed_pieces = 0
    try:
        for _, record in iter_jsonl(inputs, bad=bad, validate=validate):
            parsed = tasks.combine_predictions(task, outputs(record[field_name], task))
            record["segmentation"], record["glosses"] = parsed.segmentation, parsed.glosses
            record["malformed"] = parsed.malformed
            out.write(record)
            records += 1
            malformed_records += parsed.malformed > 0
            malformed_pieces += parsed.malformed
    finally:
        bad.close()
    summary = f"{records} record{'s' * (records != 1)} parsed"
    if malformed_records:
        summary += f", {malformed_records} with malformed output ({malformed_pieces} malformed pieces)"
    else:
        summary += ", none malformed"
    warn(PROG, summary)


def outputs(value, task):
    """The prediction field's value as {sub-task: output text}."""
    if isinstance(value, str):
        return {tasks.MAIN_SUBTASKS[task][0]: value}
    return value


def _validator(task, field_name):
    subtasks = tasks.MAIN_SUBTASKS[task]
    expected = "an object {" + ", ".join(f'"{name}": string' for name in subtasks) + "}"
    if len(subtasks) == 1:
        expected = f"a string or {expected}"

    def validate(record, location):
        check_types(record, location)
        value = record.get(field_name)
        if value is None:
            raise RecordError(f'missing field "{field_name}" (the model output)', location.source, location.line)
        if isinstance(value, str) and len(subtasks) == 1:
            return
        if isinstance(value, dict) and all(isinstance(value.get(name), str) for name in subtasks):
            return
        raise RecordError(f'field "{field_name}" must be {expected} for --task {task}', location.source, location.line)

    return validate


main = entry_point(command)
