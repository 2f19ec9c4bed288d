"""Decoding many inputs fast, with the same results as `model.generate` on each input alone.

Three things make batched decoding cheap without changing a single output:
- inputs are sorted by length and cut into batches under a token budget, so
  little of the encoder's work goes to padding;
- a sentence leaves its batch as soon as its search is over, so a long
  output never keeps the short ones' rows computing (`model.generate` runs
  every row until the last sentence of the batch ends);
- the cross-attention cache is shared by a sentence's beams and only copied
  when sentences leave, not reordered at every step.

A word glosser that both decodes an input and scores candidate outputs for it
(decode_and_score) encodes it once for both: on a context model's long inputs the
encoder is most of the work. A row whose output can no longer be of use (its
`floor`, below) leaves the search early.

The search itself is Hugging Face's beam search, rule for rule (candidates,
finished hypotheses, length penalty, the early-stopping heuristic), and plain
argmax for one beam. It reads `length_penalty` and `early_stopping` from the
model's generation config (generation_config.json), as `model.generate`
does; logits processors (repetition penalties and the like), sampling and
several end tokens are not applied, and a model whose generation config asks
for them is refused rather than decoded differently.
"""

import inspect
from dataclasses import dataclass, field

import torch

from .device import BATCH_TOKENS

NEG_INF = float("-inf")
# Greedy search drops the rows that have ended from its batch once at most this share of it is
# left (see _greedy). On the context model's dev inputs (benchmarks/context_shape_costs.py's
# search, 400 inputs): 0.5 searched in 5.2-5.5 s, 0.25 in 5.4-5.6, 0.75 in 5.3-5.7, and
# dropping them at once (as before) 6.4-6.8.
COMPACT_SHARE = 0.5

# Generation-config settings whose default values this decoder assumes (with the logits
# processors, sampling and stopping rules of `generate` that it does not apply).
_PROCESSOR_DEFAULTS = {
    "do_sample": (None, False),
    "repetition_penalty": (None, 1.0),
    "encoder_repetition_penalty": (None, 1.0),
    "no_repeat_ngram_size": (None, 0),
    "encoder_no_repeat_ngram_size": (None, 0),
    "bad_words_ids": (None,),
    "min_length": (None, 0),
    "min_new_tokens": (None, 0),
    "forced_bos_token_id": (None,),
    "forced_eos_token_id": (None,),
    "suppress_tokens": (None,),
    "begin_suppress_tokens": (None,),
    "sequence_bias": (None,),
    "diversity_penalty": (None, 0.0),
    "num_beam_groups": (None, 1),
    "exponential_decay_length_penalty": (None,),
    "penalty_alpha": (None,),
    "guidance_scale": (None, 1.0),
    "constraints": (None,),
    "force_words_ids": (None,),
    "stop_strings": (None,),
    "max_time": (None,),
}


@dataclass(frozen=True)
class DecodeSettings:
    """How to decode. `batch_tokens` bounds beams x sentences x longest input in a batch."""

    beams: int = 2
    max_new_tokens: int = 1024
    batch_tokens: int = BATCH_TOKENS["cpu"]
    # keep each output token's log-probability (Hypothesis.token_logprobs), for per-word confidence
    token_scores: bool = False


@dataclass
class Hypothesis:
    """The chosen output of one input: its token ids (without the end token) and its log-probability."""

    tokens: list
    logprob: float  # sum of the log-probabilities of every generated token, the end token included
    length: int  # number of generated tokens, the end token included
    token_logprobs: list = None  # each generated token's, the end token included (DecodeSettings.token_scores)

    @property
    def ended(self):
        """Whether the output ended with the end token, rather than being cut at its length limit
        (or given up on below its floor): `length` counts the end token, `tokens` leave it out."""
        return self.length > len(self.tokens)

    @property
    def confidence(self):
        """Mean token log-probability: the length-normalised score of the output."""
        return self.logprob / self.length if self.length else 0.0

    def word_confidences(self, separators):
        """Mean token log-probability of each word of the output: [float], or None without token scores.

        Words are split at the `separators` token ids (whitespace); a
        separator counts with the word before it (it says the word is done),
        the end token with the last word.
        """
        if self.token_logprobs is None:
            return None
        sums, counts = [], []
        at_start = True
        for token, logprob in zip(self.tokens, self.token_logprobs):
            if token in separators:
                at_start = True
                if not sums:
                    continue  # leading whitespace belongs to no word
            elif at_start:
                sums.append(0.0)
                counts.append(0)
                at_start = False
            sums[-1] += logprob
            counts[-1] += 1
        if sums:
            for logprob in self.token_logprobs[len(self.tokens):]:  # the end token
                sums[-1] += logprob
                counts[-1] += 1
        return [total / count for total, count in zip(sums, counts)]


@dataclass
class BatchStats:
    """What the decoder did, for progress reports and benchmarks."""

    batches: int = 0
    sentences: int = 0
    input_tokens: int = 0
    padded_input_tokens: int = 0
    decoder_row_steps: int = 0
    generated_tokens: int = 0
    extra: dict = field(default_factory=dict)


def plan_batches(lengths, batch_tokens, beams=1):
    """Indices grouped into batches: longest first, each within the token budget.

    A batch costs beams x sentences x its longest input; a single input over
    the budget gets a batch of its own. Longest first, so that running out
    of memory happens at once, not at the end of a long run.
    """
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches, current, longest = [], [], 0
    for i in order:
        longest_if_added = max(longest, lengths[i])
        if current and (len(current) + 1) * beams * longest_if_added > batch_tokens:
            batches.append(current)
            current, longest_if_added = [], lengths[i]
        current.append(i)
        longest = longest_if_added
    if current:
        batches.append(current)
    return batches


def check_generation_config(model):
    """Refuse a model whose generation config asks for decoding this decoder does not do."""
    config = getattr(model, "generation_config", None)
    for name, defaults in _PROCESSOR_DEFAULTS.items():
        value = getattr(config, name, None)
        if value not in defaults:
            _refuse(name, value)
    eos = getattr(config, "eos_token_id", None)
    if isinstance(eos, (list, tuple)) and len(set(eos)) > 1:
        _refuse("eos_token_id", eos, "several end tokens: igt-gloss stops at one")


def _refuse(name, value, why="which igt-gloss does not apply"):
    raise ValueError(f"the model's generation config sets {name}={value!r}, {why}; remove it from generation_config.json")


class Decoder:
    """Decodes token-id inputs with an encoder-decoder model (T5 / ByT5)."""

    def __init__(self, model, settings, eos_token_id=None, pad_token_id=None, decoder_start_token_id=None):
        if settings.beams < 1:
            raise ValueError("beams must be at least 1")
        if settings.max_new_tokens < 1:
            raise ValueError("max_new_tokens must be at least 1")
        check_generation_config(model)
        self.model = model
        self.settings = settings
        config = model.config
        gen = getattr(model, "generation_config", None)
        self.eos = _first(eos_token_id, getattr(gen, "eos_token_id", None), config.eos_token_id)
        self.pad = _first(pad_token_id, getattr(gen, "pad_token_id", None), config.pad_token_id)
        self.start = _first(
            decoder_start_token_id, getattr(gen, "decoder_start_token_id", None), config.decoder_start_token_id
        )
        self.length_penalty = float(_first(getattr(gen, "length_penalty", None), 1.0))
        self.early_stopping = _first(getattr(gen, "early_stopping", None), False)
        self.stats = BatchStats()
        self._cache_kwarg = "cache" if "cache" in inspect.signature(model.forward).parameters else "past_key_values"

    @property
    def device(self):
        return next(self.model.parameters()).device

    def decode(self, inputs, on_batch=None, limits=None, floors=None):
        """Hypotheses for token-id lists, in the order given (any order of lengths).

        `limits` caps each input's output length (tokens, end token included),
        within max_new_tokens; an output cut there ends as if at max_new_tokens.
        `floors` (greedy search only; None each: none) gives up on an output once its
        confidence can no longer reach the floor, however likely the rest: the output is
        then cut where it was given up, its confidence below the floor (see _greedy).
        `on_batch(n)` is called after each batch with its number of inputs.
        """
        hypotheses, _ = self.decode_and_score(inputs, limits=limits, floors=floors, on_batch=on_batch)
        return hypotheses

    @torch.inference_mode()
    def decode_and_score(self, inputs, decode=None, limits=None, floors=None, candidates=None, still_wanted=None,
                         on_batch=None):
        """(hypotheses, scores) of token-id inputs, each encoded once for both.

        `decode[i]` (default: all) says whether input i is decoded (limits and floors as
        in decode); `candidates[i]` (default: none) are token-id outputs (the end token
        included) to score teacher-forced, as score() does, unless `still_wanted(i,
        hypothesis)` says no once input i is decoded. hypotheses[i] is None where not
        decoded, scores[i] None where not scored. `on_batch(n)`: after each batch, with
        the number of inputs it decoded.
        """
        count = len(inputs)
        decode = [True] * count if decode is None else decode
        candidates = [()] * count if candidates is None else candidates
        limits = [self._limit(limits[i] if limits else None) for i in range(count)]
        floors = floors or [None] * count
        hypotheses, scores = [None] * count, [None] * count
        wanted = [i for i in range(count) if decode[i] or candidates[i]]
        lengths = [len(inputs[i]) for i in wanted]
        for planned in plan_batches(lengths, self.settings.batch_tokens, self.settings.beams):
            batch = [wanted[n] for n in planned]
            encoded = self._encode([inputs[i] for i in batch])
            decoded = [n for n, i in enumerate(batch) if decode[i]]
            if decoded:
                found = self.decode_batch([inputs[batch[n]] for n in decoded], [limits[batch[n]] for n in decoded],
                                          encoded=_rows(encoded, decoded), floors=[floors[batch[n]] for n in decoded])
                for n, hypothesis in zip(decoded, found):
                    hypotheses[batch[n]] = hypothesis
            scored = [n for n, i in enumerate(batch) if candidates[i] and (
                not decode[i] or still_wanted is None or still_wanted(i, hypotheses[i]))]
            if scored:
                for n, row in zip(scored, self._score_in_batches([inputs[batch[n]] for n in scored],
                                                                 [candidates[batch[n]] for n in scored],
                                                                 encoded=_rows(encoded, scored))):
                    scores[batch[n]] = row
            if on_batch is not None and decoded:
                on_batch(len(decoded))
        return hypotheses, scores

    def _limit(self, limit):
        cap = self.settings.max_new_tokens
        return cap if limit is None else max(1, min(int(limit), cap))

    @torch.inference_mode()
    def decode_batch(self, inputs, limits=None, encoded=None, floors=None):
        """One padded batch through the encoder (unless `encoded`: its (states, mask)), then the
        search; hypotheses in the order given."""
        limits = [self._limit(limits[i] if limits else None) for i in range(len(inputs))]
        hidden, attention_mask = encoded if encoded is not None else self._encode(inputs)
        stats = self.stats
        stats.batches += 1
        stats.sentences += len(inputs)
        if self.settings.beams == 1:
            hypotheses = self._greedy(hidden, attention_mask, limits, floors)
        else:
            hypotheses = self._beam_search(hidden, attention_mask, limits)
        stats.generated_tokens += sum(h.length for h in hypotheses)
        return hypotheses

    @torch.inference_mode()
    def _encode(self, inputs):
        """(encoder states, attention mask) of token-id inputs, padded to the longest."""
        input_ids, attention_mask = self._padded(inputs)
        self.stats.input_tokens += sum(len(ids) for ids in inputs)
        self.stats.padded_input_tokens += input_ids.numel()
        hidden = self.model.get_encoder()(input_ids=input_ids, attention_mask=attention_mask,
                                          return_dict=True).last_hidden_state
        return hidden, attention_mask

    def score(self, inputs, candidates, on_batch=None):
        """Each candidate output's log-probability, teacher-forced: no search.

        `candidates[i]` are token-id lists (the end token included) for input i; the result
        is a Hypothesis per candidate, in the same nesting. An input is encoded once for all
        its candidates.
        """
        return self._score_in_batches(inputs, candidates, on_batch=on_batch)

    def _score_in_batches(self, inputs, candidates, encoded=None, on_batch=None):
        """score_batch in batches of score()'s size; `encoded`: the inputs' (states, mask), already encoded together."""
        results = [None] * len(inputs)
        for batch in _score_batches([len(ids) for ids in inputs], candidates, self.settings.batch_tokens):
            part = _rows(encoded, batch) if encoded is not None else None
            for i, scored in zip(batch, self.score_batch([inputs[i] for i in batch], [candidates[i] for i in batch],
                                                          encoded=part)):
                results[i] = scored
            if on_batch is not None:
                on_batch(len(batch))
        return results

    @torch.inference_mode()
    def score_batch(self, inputs, candidates, encoded=None):
        """One padded batch through the encoder (unless `encoded`: its (states, mask)), then the
        decoder over every candidate.

        Every candidate of an input begins with the same start token: one decoder step on it
        per input gives each candidate's first-token scores and a cache holding the
        cross-attention keys and values. Copied to the candidates' rows, that cache spares the
        decoder projecting the encoder's states once per candidate, which on inputs far longer
        than their outputs (a context model's) was most of its work.
        """
        hidden, attention_mask = encoded if encoded is not None else self._encode(inputs)
        rows = [(i, tokens) for i, options in enumerate(candidates) for tokens in options]
        out = [[] for _ in inputs]
        if not rows:
            return out
        device = hidden.device
        cache = self._new_cache()
        start = torch.full((len(inputs),), self.start, dtype=torch.long, device=device)
        first = torch.log_softmax(self._step(start, hidden, attention_mask, cache), dim=-1)
        index = torch.tensor([i for i, _ in rows], dtype=torch.long, device=device)
        first_tokens = torch.tensor([tokens[0] for _, tokens in rows], dtype=torch.long, device=device)
        totals = first[index].gather(1, first_tokens[:, None])[:, 0]
        width = max(len(tokens) for _, tokens in rows) - 1
        if width:
            # the decoder reads each candidate token but the last, and is scored on the next
            decoder_ids = torch.full((len(rows), width), self.pad, dtype=torch.long)
            targets = torch.full((len(rows), width), self.pad, dtype=torch.long)
            present = torch.zeros((len(rows), width), dtype=torch.bool)
            for row, (_, tokens) in enumerate(rows):
                decoder_ids[row, : len(tokens) - 1] = torch.tensor(tokens[:-1], dtype=torch.long)
                targets[row, : len(tokens) - 1] = torch.tensor(tokens[1:], dtype=torch.long)
                present[row, : len(tokens) - 1] = True
            cache.batch_select_indices(index)
            logits = self.model(encoder_outputs=(hidden[index],), attention_mask=attention_mask[index],
                                decoder_input_ids=decoder_ids.to(device), use_cache=True, return_dict=True,
                                **{self._cache_kwarg: cache}).logits
            logprobs = torch.log_softmax(logits.to(dtype=torch.float32), dim=-1)
            chosen = logprobs.gather(-1, targets.to(device)[..., None])[..., 0] * present.to(device)
            totals = totals + chosen.sum(dim=1)
        self.stats.batches += 1
        self.stats.sentences += len(inputs)
        for (i, tokens), total in zip(rows, totals.tolist()):
            out[i].append(self._hypothesis(list(tokens), total))
        return out

    def _padded(self, inputs):
        """(input ids, attention mask) of token-id lists, padded to the longest, on the model's device."""
        longest = max(len(ids) for ids in inputs)
        input_ids = torch.full((len(inputs), longest), self.pad, dtype=torch.long)
        attention_mask = torch.zeros((len(inputs), longest), dtype=torch.long)
        for row, ids in enumerate(inputs):
            input_ids[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
            attention_mask[row, : len(ids)] = 1
        return input_ids.to(self.device), attention_mask.to(self.device)

    def _new_cache(self):
        from transformers.cache_utils import DynamicCache, EncoderDecoderCache

        config = self.model.config
        self_attention = DynamicCache(config=config)
        layers = getattr(self_attention, "layers", None)
        growing = _growing_layer_class()
        if growing is not None and isinstance(layers, list) and layers and all(type(x).__name__ == "DynamicLayer" for x in layers):
            self_attention.layers = [growing() for _ in layers]
        return EncoderDecoderCache(self_attention, DynamicCache(config=config))

    def _step(self, tokens, hidden, mask, cache):
        """Float32 logits of the next token for each row, given each row's last token."""
        output = self.model(
            encoder_outputs=(hidden,),
            attention_mask=mask,
            decoder_input_ids=tokens[:, None],
            use_cache=True,
            return_dict=True,
            **{self._cache_kwarg: cache},
        )
        self.stats.decoder_row_steps += tokens.shape[0]
        return output.logits[:, -1, :].to(dtype=torch.float32)

    def _greedy(self, hidden, mask, limits, floors=None):
        """Argmax decoding, as `model.generate(num_beams=1, do_sample=False)`; rows leave when they end.

        A row with a floor also leaves once its log-probability so far is below floor x its
        limit: were every token to come its output would still score below the floor (its
        mean at most that sum over the limit), and cut there it scores below it too.
        """
        floors = floors or [None] * len(limits)
        # the sum below which each row's mean can no longer reach its floor
        give_up = [NEG_INF if floor is None else floor * limit for floor, limit in zip(floors, limits)]
        size = hidden.shape[0]
        cache = self._new_cache()
        alive = list(range(size))  # original row of each current row, None once it has left
        outputs = [[] for _ in range(size)]
        logprobs = [0.0] * size
        token_logprobs = [[] for _ in range(size)] if self.settings.token_scores else None
        tokens = torch.full((size,), self.start, dtype=torch.long, device=hidden.device)
        for step in range(1, max(limits) + 1):
            logits = self._step(tokens, hidden, mask, cache)
            tokens = torch.argmax(logits, dim=-1)
            chosen = torch.log_softmax(logits, dim=-1).gather(1, tokens[:, None])[:, 0]
            token_list, chosen_list = tokens.tolist(), chosen.tolist()
            keep = []
            for row, (token, logprob) in enumerate(zip(token_list, chosen_list)):
                original = alive[row]
                if original is None:
                    continue
                outputs[original].append(token)
                logprobs[original] += logprob
                if token_logprobs is not None:
                    token_logprobs[original].append(logprob)
                if token != self.eos and step < limits[original] and logprobs[original] >= give_up[original]:
                    keep.append(row)
                else:
                    alive[row] = None
            if not keep:
                break
            # Rows that have left ride along, their tokens ignored, until they are a share of the
            # batch worth copying the cache to drop: each compaction copies every row's states
            # and cross-attention keys and values, which cost more than decoding a few rows more.
            if len(keep) <= COMPACT_SHARE * len(alive):
                index = torch.tensor(keep, dtype=torch.long, device=hidden.device)
                cache.batch_select_indices(index)
                hidden, mask, tokens = hidden[index], mask[index], tokens[index]
                alive = [alive[row] for row in keep]
        return [self._hypothesis(tokens_, logprob, token_logprobs[row] if token_logprobs else None)
                for row, (tokens_, logprob) in enumerate(zip(outputs, logprobs))]

    def _hypothesis(self, tokens, logprob, token_logprobs=None):
        length = len(tokens)
        if tokens and tokens[-1] == self.eos:
            tokens = tokens[:-1]
        return Hypothesis(tokens=tokens, logprob=logprob, length=length, token_logprobs=token_logprobs)

    def _beam_search(self, hidden, mask, limits):
        """Hugging Face's beam search (transformers 4.50+ rules), a sentence leaving the batch when it is done.

        Per sentence: from its beams x vocabulary continuations take the best
        2 x beams; those ending (end token or length limit) among the best
        `beams` become finished hypotheses scored sum / length ** penalty; the
        best `beams` that did not end keep running. A sentence is done when it
        has `beams` finished hypotheses and (early_stopping False) its best
        running beam, normalised at the current length, cannot beat the worst
        of them; True: as soon as it has `beams`; "never": judged at the
        length limit when the penalty is positive.
        """
        beams, max_new = self.settings.beams, max(limits)
        device = hidden.device
        limit = torch.tensor(limits, dtype=torch.long, device=device)  # per current sentence
        sentences = hidden.shape[0]
        hidden = hidden.repeat_interleave(beams, dim=0)
        mask = mask.repeat_interleave(beams, dim=0)
        cache = self._new_cache()
        alive = list(range(sentences))  # original sentence of each current sentence
        done = [None] * sentences

        running_scores = torch.zeros((sentences, beams), dtype=torch.float32, device=device)
        running_scores[:, 1:] = -1e9  # only the first beam's continuations at the first step
        running_seqs = torch.empty((sentences, beams, 0), dtype=torch.long, device=device)
        finished_scores = torch.full((sentences, beams), NEG_INF, dtype=torch.float32, device=device)
        finished_sums = torch.zeros((sentences, beams), dtype=torch.float32, device=device)
        finished_lengths = torch.zeros((sentences, beams), dtype=torch.long, device=device)
        finished_seqs = torch.empty((sentences, beams, 0), dtype=torch.long, device=device)
        # Each token's log-probability, carried like the sequences (only when asked: it costs a little).
        track = self.settings.token_scores
        running_lps = finished_lps = torch.empty((sentences, beams, 0), dtype=torch.float32, device=device)
        tokens = torch.full((sentences * beams,), self.start, dtype=torch.long, device=device)
        keep_rank = torch.arange(2 * beams, device=device) < beams

        for step in range(1, max_new + 1):
            count = len(alive)
            logits = self._step(tokens, hidden, mask, cache)
            vocab = logits.shape[-1]
            log_probs = torch.log_softmax(logits, dim=-1).view(count, beams, vocab)
            totals = (log_probs + running_scores[:, :, None]).view(count, beams * vocab)
            top_scores, top_index = torch.topk(totals, k=2 * beams)
            source_beam = torch.div(top_index, vocab, rounding_mode="floor")
            top_tokens = top_index % vocab
            candidates = torch.cat(
                [_gather_beams(running_seqs, source_beam), top_tokens[:, :, None]], dim=2
            )  # (count, 2 beams, step)
            if track:
                top_lps = log_probs.view(count, beams * vocab).gather(1, top_index)
                candidate_lps = torch.cat([_gather_beams(running_lps, source_beam), top_lps[:, :, None]], dim=2)
            at_limit = limit <= step
            ends = (top_tokens == self.eos) | at_limit[:, None]

            # The best `beams` that did not end keep running.
            still_running = top_scores + ends.to(torch.float32) * -1e9
            next_index = torch.topk(still_running, k=beams).indices
            running_scores = still_running.gather(1, next_index)
            running_seqs = _gather_beams(candidates, next_index)
            if track:
                running_lps = _gather_beams(candidate_lps, next_index)
            row_source = source_beam.gather(1, next_index)

            # Those that ended among the best `beams` may join the finished hypotheses.
            normalised = top_scores / (step**self.length_penalty)
            eligible = ends & keep_rank[None, :]
            if self.early_stopping is True:
                eligible &= ~torch.isfinite(finished_scores).all(dim=1, keepdim=True)
            offered = torch.where(eligible, normalised, torch.full_like(normalised, NEG_INF))
            merged_scores = torch.cat([finished_scores, offered], dim=1)
            merged_sums = torch.cat([finished_sums, top_scores], dim=1)
            merged_lengths = torch.cat(
                [finished_lengths, torch.full_like(top_tokens, step)], dim=1
            )
            # Finished sequences are padded to the current length; their own length is kept apart.
            pad_column = torch.full((count, beams, 1), self.pad, dtype=torch.long, device=device)
            merged_seqs = torch.cat([torch.cat([finished_seqs, pad_column], dim=2), candidates], dim=1)
            best = torch.topk(merged_scores, k=beams).indices
            finished_scores = merged_scores.gather(1, best)
            finished_sums = merged_sums.gather(1, best)
            finished_lengths = merged_lengths.gather(1, best)
            finished_seqs = _gather_beams(merged_seqs, best)
            if track:
                zero_column = torch.zeros((count, beams, 1), dtype=torch.float32, device=device)
                merged_lps = torch.cat([torch.cat([finished_lps, zero_column], dim=2), candidate_lps], dim=1)
                finished_lps = _gather_beams(merged_lps, best)

            over = self._sentences_done(running_scores, finished_scores, step, limit) | at_limit
            over_list = over.tolist()
            for position, is_over in enumerate(over_list):
                if is_over:
                    done[alive[position]] = self._best(
                        finished_seqs[position], finished_sums[position], finished_lengths[position],
                        finished_lps[position] if track else None,
                    )
            keep = [position for position, is_over in enumerate(over_list) if not is_over]
            if not keep:
                break

            # Rows for the next step: each running beam continues from the row it came from.
            base = torch.arange(count, device=device)[:, None] * beams
            rows = (base + row_source).view(-1)
            if len(keep) < count:
                kept = torch.tensor(keep, dtype=torch.long, device=device)
                rows = rows.view(count, beams)[kept].view(-1)
                kept_rows = (kept[:, None] * beams + torch.arange(beams, device=device)).view(-1)
                # Leaving sentences: shrink every cache and the encoder states.
                cache.self_attention_cache.reorder_cache(rows)
                cache.cross_attention_cache.batch_select_indices(kept_rows)
                hidden, mask = hidden[kept_rows], mask[kept_rows]
                running_scores, running_seqs, limit = running_scores[kept], running_seqs[kept], limit[kept]
                finished_scores, finished_sums = finished_scores[kept], finished_sums[kept]
                finished_lengths, finished_seqs = finished_lengths[kept], finished_seqs[kept]
                if track:
                    running_lps, finished_lps = running_lps[kept], finished_lps[kept]
                alive = [alive[position] for position in keep]
            elif not torch.equal(rows, torch.arange(rows.shape[0], device=device)):
                # A sentence's beams share their cross-attention cache: only the self-attention one moves.
                cache.self_attention_cache.reorder_cache(rows)
            tokens = running_seqs[:, :, -1].reshape(-1)
        return done

    def _sentences_done(self, running_scores, finished_scores, step, limit):
        """Per sentence: can no running beam improve the finished ones any more?"""
        full = torch.isfinite(finished_scores).all(dim=1)
        if self.early_stopping is True:
            return full
        length = torch.full_like(running_scores[:, 0], float(step))
        if self.early_stopping == "never" and self.length_penalty > 0.0:
            length = limit.to(torch.float32)
        best_possible = running_scores[:, 0] / (length**self.length_penalty)
        worst_finished = finished_scores.min(dim=1).values
        return full & ~(best_possible > worst_finished)

    def _best(self, seqs, sums, lengths, lps=None):
        length = int(lengths[0])
        return self._hypothesis(seqs[0, :length].tolist(), float(sums[0]),
                                lps[0, :length].tolist() if lps is not None else None)


_GROWING = []


def _growing_layer_class():
    """A self-attention cache layer that writes in place into buffers that double when full.

    transformers' DynamicLayer concatenates at every step, copying the whole
    cache each time; on a CPU that copying costs as much as a good part of the
    model's own work on long outputs. None if this transformers has no
    DynamicLayer to build on (then the plain cache is used).
    """
    if _GROWING:
        return _GROWING[0]
    try:
        from transformers.cache_utils import DynamicLayer
    except ImportError:
        _GROWING.append(None)
        return None

    class GrowingLayer(DynamicLayer):
        def lazy_initialization(self, key_states, value_states):
            super().lazy_initialization(key_states, value_states)
            self._key_buffer = self._value_buffer = None
            self._length = 0

        def update(self, key_states, value_states, *args, **kwargs):
            if not self.is_initialized:
                self.lazy_initialization(key_states, value_states)
            end = self._length + key_states.shape[-2]
            if self._key_buffer is None or end > self._key_buffer.shape[-2]:
                self._key_buffer = self._grown(self._key_buffer, key_states, end)
                self._value_buffer = self._grown(self._value_buffer, value_states, end)
            self._key_buffer[:, :, self._length : end] = key_states
            self._value_buffer[:, :, self._length : end] = value_states
            self._length = end
            self._expose()
            return self.keys, self.values

        def _grown(self, buffer, states, end):
            shape = (states.shape[0], states.shape[1], max(64, 2 * end), states.shape[3])
            grown = states.new_empty(shape)
            if buffer is not None and self._length:
                grown[:, :, : self._length] = buffer[:, :, : self._length]
            return grown

        def _expose(self):
            self.keys = self._key_buffer[:, :, : self._length]
            self.values = self._value_buffer[:, :, : self._length]

        def get_seq_length(self):
            return self._length if self.is_initialized else 0

        def reorder_cache(self, beam_idx):
            if self.get_seq_length():
                index = beam_idx.to(self._key_buffer.device)
                self._key_buffer = self._key_buffer.index_select(0, index)
                self._value_buffer = self._value_buffer.index_select(0, index)
                self._expose()

        def batch_select_indices(self, indices):
            self.reorder_cache(indices)

        def crop(self, tokens_to_remove):
            raise NotImplementedError("not used in decoding")

        def batch_repeat_interleave(self, repeats):
            raise NotImplementedError("not used in decoding")

    _GROWING.append(GrowingLayer)
    return GrowingLayer


def _rows(encoded, rows):
    """(states, mask) of some rows of an encoded batch."""
    hidden, mask = encoded
    if len(rows) == hidden.shape[0]:
        return encoded
    index = torch.tensor(rows, dtype=torch.long, device=hidden.device)
    return hidden[index], mask[index]


def _score_batches(lengths, candidates, batch_tokens):
    """Input indices in scoring batches: each costs its inputs x the most candidates an input
    has x its longest input, within the token budget (plan_batches)."""
    most = max((len(options) for options in candidates), default=1) or 1
    return plan_batches(lengths, batch_tokens, most)


def _gather_beams(tensor, index):
    """tensor (sentences, beams, ...) indexed by index (sentences, k) along the beam axis."""
    shape = index.shape + tensor.shape[2:]
    expanded = index.view(index.shape + (1,) * (tensor.dim() - 2)).expand(shape)
    return tensor.gather(1, expanded)


def _first(*values):
    for value in values:
        if value is not None:
            if isinstance(value, (list, tuple)):
                return value[0]
            return value
    return None
