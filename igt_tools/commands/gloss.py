"""igt-gloss: gloss records with a trained model, as a Unix filter.

torch and transformers are imported inside the command (through the model
package), so `igt-gloss --help` starts as fast as the other commands.
"""

import click

from ..cli.base import (
    bad_records, check_device, entry_point, igt_command, inputs_argument, parse_shard, skip_bad_options,
)
from ..cli.model_stack import require_model_stack
from ..cli.progress import Progress
from ..core.errors import DataError, OptionError
from ..core.io import JsonlWriter, chunks, iter_jsonl, select_shard, warn
from ..core.record import check_types
from ..core.tagmap import TagMap
from ..examples import tasks
from ..glossing.analogy import Analogy
from ..glossing.lexicon import CHOOSERS, Lexicon
from ..glossing.sentence import SentenceGlosser
from ..glossing.word import (CONTEXT_RERANK_MARGIN, CONTEXT_TRUST_MODEL, CONTEXT_TRUST_UNKNOWN_STEM,
                             TRUST_MODEL, WordGlosser, languages_to_rerank)
from . import manual

PROG = "igt-gloss"

HELP = """Gloss records with a lexicon, a trained model, or both.

\b
  igt-gloss --lexicon train.jsonl dev.jsonl > glossed.jsonl      # no model
  cat texts.jsonl | igt-gloss -m DIR -l train.jsonl | igt-score gold.jsonl
"""


@igt_command(PROG, help=HELP, description=manual.GLOSS, option_details=manual.GLOSS_OPTIONS,
             short_help="Gloss records with a lexicon, a trained model, or both.")
@inputs_argument
@click.option("--model", "-m", "model_name", default=None, metavar="DIR", help="Model folder or hub id.")
@click.option("--adapter", type=click.Path(file_okay=False, exists=True), default=None, metavar="ADAPTER", help="Apply this igt-lora adapter of --model.")
@click.option("--lexicon", "-l", "lexicon_paths", multiple=True, type=click.Path(dir_okay=False, allow_dash=False), metavar="FILE", help="Reuse these records' analyses; repeatable.")
@click.option("--choose", type=click.Choice(CHOOSERS), default="context", show_default=True, help="How to pick an analysis.")
@click.option("--guess/--no-guess", default=True, show_default=True, help="Guess unknowns by analogy.")
@click.option("--translation-stems/--no-translation-stems", default=True, show_default=True, help="Gloss unknown stems and words from the translation.")
@click.option("--ask-model", type=click.Choice(["unsure", "all", "choose"]), default="unsure", show_default=True, hidden=True, help="Which words a word model is asked about.")
@click.option("--trust-choice", type=float, default=None, metavar="LOGPROB", hidden=True, help="Let a context model choose among analyses.")
@click.option("--rerank", "rerank_margin", type=float, default=None, metavar="LOGPROB", hidden=True, help="Let a context model choose among analogy's guesses.")
@click.option("--trust-model", type=float, default=None, metavar="LOGPROB", help="Sureness to beat analogy.")
@click.option("--task", type=click.Choice(tasks.TASKS), default=None, help="Task format, if not the model's own.")
@click.option("--prompts", type=click.Choice(tasks.PROMPT_SETS), default=None, help="Prompt set, if not the model's own.")
@click.option("--beams", type=click.IntRange(min=1), default=None, metavar="N", help="Beam size; 1 decodes greedily.")
@click.option("--max-new-tokens", type=click.IntRange(min=1), default=1024, show_default=True, metavar="N", help="Longest output.")
@click.option("--max-input-tokens", type=click.IntRange(min=1), default=None, metavar="N", help="Longest input, in tokens.")
@click.option("--batch-tokens", type=click.IntRange(min=1), default=None, metavar="N", help="Token budget of a batch.")
@click.option("--chunk-size", type=click.IntRange(min=1), default=2048, show_default=True, metavar="N", hidden=True, help="Records read at a time.")
@click.option("--shard", callback=parse_shard, default=None, metavar="I/N", help="Keep only records I, I+N, I+2N, ...")
@click.option("--device", callback=check_device, default="auto", show_default=True, metavar="auto|cpu|cuda[:N]", help="Where to run the model.")
@click.option("--dtype", type=click.Choice(["auto", "float32", "bfloat16", "float16"]), default="auto", show_default=True, help="Model precision.")
@click.option("--keep-raw", is_flag=True, help="Add the raw model output as `prediction`.")
@click.option("--confidence", is_flag=True, help="Add `confidence` and `word_confidence`.")
@click.option("--tagmap", type=click.Path(exists=True, dir_okay=False), metavar="FILE", help="Write the glosses with your own tags.")
@click.option("--strict", is_flag=True, help="Exit 1 if any record could not be glossed.")
@click.option("--quiet", "-q", is_flag=True, help="No progress or summary on stderr.")
@skip_bad_options
def command(inputs, model_name, adapter, lexicon_paths, choose, guess, translation_stems, ask_model, trust_choice, rerank_margin, trust_model, task, prompts, beams, max_new_tokens,
            max_input_tokens, batch_tokens, chunk_size, shard, device, dtype, keep_raw, confidence, tagmap, strict, quiet,
            skip_bad, bad_out):
    if model_name is None and not lexicon_paths:
        raise click.UsageError("nothing to gloss with: give --model DIR, --lexicon FILE, or both")
    if adapter is not None and model_name is None:
        raise click.UsageError("--adapter needs --model, the model it was trained on")
    if model_name is not None:
        require_model_stack("--model")
        from ..model.loading import resolve

        resolve(model_name)  # a missing folder or hub model is one line now, before the lexicon is read
    bad = bad_records(PROG, skip_bad, bad_out)
    tags = TagMap.load(tagmap) if tagmap else None
    lexicon = Lexicon.read(lexicon_paths, bad=bad) if lexicon_paths else None
    analogy = Analogy(lexicon, translation_stems) if lexicon is not None and guess else None
    decoder = None
    if model_name is None:
        glosser = WordGlosser(lexicon, choose, confidence=confidence, analogy=analogy)
    else:
        glosser, decoder = _model_glosser(model_name, lexicon, analogy, choose, task, prompts, beams, max_new_tokens,
                                          max_input_tokens, batch_tokens, device, dtype, keep_raw, confidence,
                                          adapter=adapter, trust_model=trust_model, ask_model=ask_model,
                                          trust_choice=trust_choice, rerank_margin=rerank_margin)
    progress = Progress(quiet)
    out = JsonlWriter()
    try:
        for chunk in chunks(select_shard(iter_jsonl(inputs, bad=bad, validate=check_types), shard), chunk_size):
            for record in glosser.gloss(chunk, on_inputs=progress.advance):
                if tags is not None:
                    tags.map_record(record)
                out.write(record)
            out.flush()
            progress.chunk_done(glosser.counts)
    finally:
        progress.close()
        bad.close()
    progress.summary(glosser.counts, decoder.stats if decoder is not None else None)
    if tags is not None and not quiet:
        warn(PROG, tags.summary())
    if strict and glosser.counts["errors"]:
        raise DataError(f"{glosser.counts['errors']} record(s) could not be glossed (--strict)")


def _model_glosser(model_name, lexicon, analogy, choose, task, prompts, beams, max_new_tokens, max_input_tokens,
                   batch_tokens, device, dtype, keep_raw, confidence, adapter=None, trust_model=None,
                   ask_model="unsure", trust_choice=None, rerank_margin=None):
    """(glosser, decoder) for a model folder (and adapter): word by word for a word-unit model, else by sentence."""
    # The model package imports torch: only now that the options are known to be good.
    from ..model.generation import DecodeSettings, Decoder
    from ..model.device import batch_tokens as default_batch_tokens
    from ..model.device import resolve_device, resolve_dtype
    from ..model.loading import load_model

    try:
        device = resolve_device(device)
    except OptionError as err:
        raise click.UsageError(str(err)) from None
    dtype = resolve_dtype(device, dtype)
    model, tokenizer, metadata = load_model(model_name, device=device, dtype=dtype, adapter=adapter)
    task = task or metadata.task
    prompts = prompts or metadata.prompts
    try:
        tasks.check_prompts(task, prompts)
        tasks.check_unit(metadata.unit, task, prompts)
    except ValueError as err:
        raise click.UsageError(f"{err} (model task {metadata.task}, prompts {metadata.prompts}, unit {metadata.unit})") from None
    settings = DecodeSettings(
        beams=beams or default_beams(metadata.unit),
        max_new_tokens=max_new_tokens,
        batch_tokens=batch_tokens or default_batch_tokens(device),
        token_scores=confidence and metadata.unit == "sentence",  # a word model's words are outputs of their own
    )
    try:
        decoder = Decoder(model, settings, eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    except ValueError as err:
        raise DataError(str(err), model_name) from None
    max_input_tokens = max_input_tokens or metadata.max_input_tokens or 1024
    if metadata.unit in ("word", "context"):
        context = metadata.unit == "context"
        # a context model's two thresholds, unless the user set one (then it is the only one)
        trust_unknown_stem = CONTEXT_TRUST_UNKNOWN_STEM if context and trust_model is None else None
        if trust_model is None:
            trust_model = CONTEXT_TRUST_MODEL if context else TRUST_MODEL
        if rerank_margin is None and (context or ask_model == "choose"):
            # a context model chooses among analogy's candidates (measured better); a word model only when
            # choosing is all it is asked to do (it gained almost nothing: training/RESULTS.md)
            rerank_margin = CONTEXT_RERANK_MARGIN
        glosser = WordGlosser(lexicon, choose, decoder=decoder, tokenizer=tokenizer,
                              max_input_tokens=max_input_tokens, confidence=confidence, analogy=analogy,
                              trust_model=trust_model, context=context, ask_all=ask_model == "all",
                              trust_choice=trust_choice, rerank_margin=rerank_margin,
                              rerank_languages=trained_languages(metadata), decode_guessed=ask_model != "choose",
                              trust_unknown_stem=trust_unknown_stem, retrieval_settings=metadata.retrieval_settings)
    else:
        glosser = SentenceGlosser(decoder, tokenizer, task, prompts, max_input_tokens=max_input_tokens,
                          keep_raw=keep_raw, confidence=confidence, lexicon=lexicon, chooser=choose, analogy=analogy)
    return glosser, decoder


def trained_languages(metadata):
    """The glottocodes a model learnt enough of to choose among analogy's candidates
    (languages_to_rerank; with an adapter, its base model's training examples and its own
    together); None where the folders do not say (any language)."""
    return languages_to_rerank(metadata.trained_examples)


def default_beams(unit):
    """2 beams for sentences, as published; greedy for words: on the six SIGMORPHON dev sets,
    lexicon + analogy + models/sigmorphon-word lose next to nothing in MER for twice the words/s."""
    return 1 if unit in ("word", "context") else 2


main = entry_point(command)
