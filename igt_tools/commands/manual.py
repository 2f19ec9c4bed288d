"""The long description of each igt-* command: how it works, its rules and figures.

The man page's DESCRIPTION gives it after the help text (cli/manpage.py); --help leaves it
out, so that it stays what a user types: what the command does, examples, options.
The *_OPTIONS dicts say the rest of each option, {"--option": text}: the man page's OPTIONS
give it after the option's one-line help.
"""

from ..glossing.word import CONTEXT_TRUST_MODEL, CONTEXT_TRUST_UNKNOWN_STEM, RERANK_MIN_EXAMPLES, RERANK_MIN_SHARE, TRUST_MODEL
from ..model.device import BATCH_TOKENS

CLEAN = """More examples:

\b
  igt-clean --drop-misaligned odin/*.txt > odin.jsonl
  igt-clean --language-map glottocode2iso.csv sigmorphon2023/*/*-dev-*
  igt-clean --from toolbox --markers tx,mb,ge,ft --glottocode kaka1265 story.txt
  igt-clean --metalanguage English text.flextext | igt-gloss -m M | igt-format --to flextext --into text.flextext
  igt-clean < messy.jsonl | igt-format --to aligned

Input formats (--from; default: JSONL, or guessed from each named file):

\b
  jsonl       one JSON object a line (.jsonl, .json; stdin)
  sigmorphon  \\t \\m \\g \\l \\p marker blocks: the SIGMORPHON 2023 shared task, ODIN
              (.txt, .igt or no extension, when the file starts with a \\marker)
  toolbox     Toolbox/Shoebox interlinear text: \\ref or \\rf records (or \\id ones,
              without \\ref), \\id texts, wrapped bundles, morphemes in columns; the
              tiers are Toolbox's \\tx \\mb \\ge \\ft or Shoebox's \\t \\m \\g with \\ft,
              \\fe or \\f, whichever the file has, else those --markers names
              (--markers glosses=gr: the \\gr glosses; --markers tv,mb,ge,ta: a
              text-only database, its records unglossed)
              (.sfm, .tbx, .db, .toolbox; .txt starting with \\_sh, \\id, \\ref or \\tx)
  flextext    FieldWorks FLEx interlinear XML export, new or old (phrases as
              <phrase> or as <word>s holding <words>) (.flextext, .xml)
  cldf        a CLDF example table (examples.csv: ID, Language_ID, Primary_Text,
              Analyzed_Word, Gloss, Translated_Text, Meta_Language_ID), read as its
              metadata JSON beside it says; or that metadata file itself
              (.csv, *-metadata.json)

Marker text and CLDF tables are UTF-8 unless --encoding names another
(latin-1, cp1252); FLEx's XML declares its own. A UTF-8 marker file with a
few damaged lines is read, each such line reported (U+FFFD for each bad
byte; a merge keeps its bytes); one whose first non-ASCII line is not UTF-8
needs --encoding. Lines may end in LF, CRLF or CR alone. In FLEx exports with
translations or glosses in several languages, --metalanguage (a name,
English, or a code, en) picks one; without it, the first translation and the
language of each phrase's first gloss. In a CLDF table the separator of
Analyzed_Word and Gloss items is the metadata's (a TAB, or backslash-t);
without metadata it is guessed safely row by row; items that are morphemes
(ka \\t =at \\t =a) are joined into words by their boundaries; rows without
an analysis are translation-only records (counted in the summary); every
other column passes through. A dataset without its LanguageTable reads, with
one warning; a table URL outside the metadata's folder is refused. A FLEx
export glossed at word level only reads as one morpheme a word; one with an
external entity is refused (never read).

Output: one JSON object a line with the canonical fields id, transcription,
segmentation, glosses, translation, language, metalanguage, glottocode,
metalang_glottocode, source (null when missing), then every other field of
the input untouched, then `issues` when the audit found any.

Normalisation: Unicode NFC; any run of whitespace (tabs, newlines, no-break
spaces) becomes one space and the ends are trimmed; an empty field becomes
null. In the translation only, no space is left before . , ; : ! ? and
closing brackets, nor after opening brackets ("do ." -> "do.",
"( so )" -> "(so)"). The transcription, segmentation and glosses keep their
word tokens exactly as they were (word alignment and the metrics depend on
them), so "walked ." stays two tokens there.

Filling in: a record without an id gets PREFIX-N, N being its place in its
file (ids stay put when other records are dropped); PREFIX is --id-prefix
(numbers then run on across all inputs) or the file's name without its
extension ("ddo-dev-track2-uncovered-17"). --language, --glottocode,
--metalanguage and --source fill only fields the record leaves empty;
source defaults to the input file's name. A glottocode still missing is
looked up in a language map (--language-map; a language_map.json beside
the input is used by itself, as in the ODIN corpus's folder) by the ISO 639-3
code that names the file: abk.txt, ddo-dev-track2-uncovered, or aer-are.txt
when all its codes give the same glottocode.

Audit: exact duplicates (same transcription, glosses and glottocode, after
normalisation, across all inputs) are dropped and counted. A record whose
segmentation and glosses differ in word or morpheme counts keeps a line in
its `issues` list, e.g. "misaligned: word 3 ('a-b' / 'X'): 2 morphemes but
1 glosses"; --drop-misaligned drops those instead (counted). At the end a
summary goes to stderr: records read, written, dropped and why, per language
(glottocode), as plain text, or a table when stderr is a terminal; --quiet
leaves it out.

Gloss conventions: --tags writes, instead of the records, the gloss
inventory: each grammatical tag (a gloss in capitals, 3SG, 3.SG; the
capital parts of go.PST) with its count and its likely variants (3.SG and
3sg beside 3SG, PAST beside PST), as TSV (tag, count, likely variants),
the largest first. --tagmap FILE, a two-column TSV of model tag -> user tag
(the one igt-format and igt-gloss map outputs with), maps the user's tags
in the inputs back to the model's; tags not in it pass through and are
counted on stderr.

Exit status: 0 done, 1 bad data (invalid JSON, a field of the wrong type,
a broken marker block or XML, text that is not UTF-8, no records at all:
one line naming file and line; --skip-bad reports bad records and goes on),
2 usage.
"""

FORMAT = """More examples:

\b
  igt-format --task multitask dev.jsonl > dev.examples.jsonl
  igt-format --task gloss-only --prompts glosslm < dev.jsonl
  igt-clean --from sigmorphon ddo-dev-track2-uncovered | igt-format --to aligned | less
  igt-clean text.flextext | igt-gloss -m M | igt-format --to flextext --into text.flextext > glossed.flextext
  igt-gloss -m M < texts.jsonl | igt-format --to cldf --metadata out/Generic-metadata.json > out/examples.csv
  igt-format --to jsonl --drop segmentation,glosses < gold.jsonl | igt-gloss -m M | igt-score gold.jsonl

Without --to, each record (JSONL, with a `transcription`) becomes one or more
examples {"id", "glottocode", "task", "input", "label"}, one JSON object a
line; `task` names the sub-task: interleaved, concatenated, t2g
(transcription->glosses), t2s (transcription->segmentation), s2g
(segmentation->glosses).

\b
  --task          eval examples          --split train adds
  interleaved     interleaved            t2g, s2g
  concatenated    concatenated           t2g, s2g
  multitask       t2g, t2s               s2g
  gloss-only      t2g                    s2g
  segment-only    t2s                    t2g, s2g

Inputs are the byte-exact prompts of PolyGloss (--prompts polygloss), of
GlossLM v1 (glosslm, glosses only: --task gloss-only), or igt-tools' own
short prompts for small models trained from scratch (compact, not known to
any published checkpoint). The interleaved label is `gloss(morpheme)` per
morpheme, e.g. `CONJ(o) COM(x)-buscar(tok)`; the concatenated label the
segmentation, a newline, `Glosses: ` and the glosses.

With --unit word, each word of a record makes one interleaved example: the
input is the record's glottocode (else its language, else `und`), a colon and
the word without punctuation at either end (`dido1241: yižo`), the label
that word's pieces (`II(y)-lead(iži)-IMPR(o)`); punctuation-only words make
none. The transcription's words are paired with the segmentation's as they
stand when the counts agree, else with punctuation-only words left out of
all three tiers; a record whose words still cannot be paired is reported
like a misaligned one. --distinct writes each (input, label) pair once, at
its first occurrence: a training set of word types.

With --unit context, each word's example also shows its neighbours in the
sentence (--window words each side, default 1; a number larger than any
sentence shows all of it), the translation, and what --lexicon attests: the word's own
analyses with their counts, and the analyses of the --neighbours (default 3)
attested words most like it. In --split train without --lexicon, each
record's words are looked up in the other records. Each example records
these settings in its `retrieval` field; igt-train records them in the
model, and igt-gloss asks the model in the same form.

A record whose segmentation and glosses differ in word or morpheme counts
cannot make a label for any task; in --split train neither can a record
without the tiers its main example needs. Each is reported on stderr with
its file and line and counted in a summary, and left out of the output; in
--split eval a record without those tiers gets "label": null (for glossing).
Interleaved labels that would not parse back into the record's tiers
(boundary symbols that differ between the tiers, unbalanced parentheses
inside a morpheme or gloss) are written, and reported the same way.

With --to, the records themselves are written: `aligned` is the human view
(each word's morphemes over their glosses, in columns; translation below;
glosses that igt-gloss guessed marked `~` by analogy, `*` by the model,
`?` by the model and doubtful: igt-gloss --confidence under -0.1),
`sigmorphon` the shared task's \\t \\m \\g \\l blocks, `toolbox` Toolbox
interlinear records (--markers), blank lines between records; `cldf` a
new CLDF example table (CSV: ID, Language_ID, Primary_Text, Analyzed_Word,
Gloss, Translated_Text, Meta_Language_ID, then the records' other fields;
--metadata FILE also writes the dataset's metadata, naming the table
examples.csv beside it); `jsonl` the records as they are, every field kept.
`latex` writes each record as a numbered example for a paper: gb4e's
\\begin{exe} \\ex \\gll (--latex-style expex: \\ex \\begingl \\gla \\glb
\\glft), the transcription on its own line above, grammatical tags (the
capital gloss parts: PL, 3SG, the PST of go.PST) in small caps, the
translation in quotes, LaTeX's special characters escaped; records without
glosses print their line alone; \\usepackage{gb4e} (or expex) in your
preamble (IPA and other scripts: xelatex or lualatex). `html` writes one
self-contained page (no script, font or network) with each record's words as
columns (word, segmentation, gloss; tags in small caps) that wrap on a phone;
each word takes its igt-gloss provenance's colour (lexicon, analogy, model,
none; a legend says which) and the aligned view's marks (~ * ?), a model word
its confidence; every text is escaped; it prints.
--tagmap FILE (a two-column TSV, model tag -> user tag) maps the glosses'
tags into the user's conventions first; tags not in it pass through and
are counted on stderr. --drop FIELD writes that field as null in every
record (`--drop segmentation,glosses`: gold sentences to gloss without
their answers).

With --into ORIGINAL (--to flextext, toolbox or cldf), ORIGINAL is written
back on stdout with the records' segmentation and glosses merged in: each
phrase, record or row takes the record with its id (as igt-clean gives it
for that file; else the one with its transcription), and gets the analysis
only where it has none (--overwrite: everywhere); every other element,
marker, attribute, comment, order and line end is kept byte for byte, and
records that say no more than ORIGINAL does change nothing. Predictions are
marked: FLEx words get <morphemes analysisStatus="guess">; a Toolbox record
a \\igt line (--guess-marker) naming the tiers predicted; a CLDF row
`guess` in a Gloss_Source column (added where missing; --metadata FILE
writes the metadata that declares it). --encoding names a Toolbox or CLDF
file's encoding. What could not be placed (word counts that differ) is
reported on stderr with its line, and a summary; a prediction misaligned in
some words fills the others, each misaligned word reported and left as it
was. A record with a unit's id but another transcription is reported and
not merged; so is a second record with the same id and transcription, and
a prediction holding a character XML 1.0 forbids (FLEx). In a FLEx file
glossed at word level only, one-morpheme predictions go into the words'
own glosses.

Exit status: 0 done (even with records reported), 1 bad data (one line
naming file and line; --skip-bad goes on), 2 usage.
"""

PARSE = """Each input record (JSONL) holds a model output in the field `prediction`
(--field). The output is read as the task format's label (--task):

\b
  interleaved    `gloss(morpheme)` per morpheme: CONJ(o) COM(x)-buscar(tok)
  concatenated   the segmentation, a newline, `Glosses: `, the glosses
  multitask      an object {"t2g": glosses output, "t2s": segmentation output}
  gloss-only     the glosses (the segmentation becomes null)
  segment-only   the segmentation (the glosses become null)

For the single-output tasks the field may also be an object with the one
sub-task as key ({"interleaved": ...}, {"t2g": ...}), as for multitask.

Each record is written back with `segmentation` and `glosses` set from the
parse (whatever they held before is replaced), every other field kept, and
`malformed`: the number of pieces that did not follow the format (0 when
clean). A malformed output still gives its best reading: in interleaved, a
piece without `(morpheme)`, or with an empty one (`A()`), becomes a gloss
with an empty morpheme; in concatenated, an output without the newline
before `Glosses: ` is split at `Glosses:`, or read whole as the
segmentation. A summary of the malformed
counts goes to stderr.

In interleaved outputs every `-` and `=` separates morphemes, and the
morpheme is the last balanced `(...)` of its piece, so parentheses inside
glosses are fine: `he(/himself)(a)-ERG(b)` gives `a-b` and
`he(/himself)-ERG`. Where unbalanced parentheses leave a piece ambiguous,
the reading that balances the segmentation and glosses lines is taken.

Exit status: 0 done, 1 bad data (a record without the field, or with a
value of the wrong type: one line naming file and line; --skip-bad goes
on), 2 usage.
"""

SCORE = """Both inputs are JSONL records, joined by `id`. Predictions need `id` and
`glosses` (a string; "" is an empty prediction), except records igt-gloss
could not gloss (an `error` field, no glosses): they score as empty
predictions and count as missing. Gold records need `id` and
`glosses` with at least one token (else an error names the line). A
prediction id that is not in GOLD, a repeated id, or a gold id without a
prediction is an error listing them (but see --missing). Both are read as
a stream, and memory holds only the ids, in any order: with the predictions
in gold order (as igt-gloss writes them) each gold record is read once; a
gold record read ahead of its prediction is read again from its line when
the prediction comes. GOLD on stdin or a pipe cannot be read again: there a
gold record is held in memory while predictions later in the gold come
before its own.

Prints one JSON object on stdout: a key per group (the gold records' --by
field, sorted; records without it count in "all" only) and "all", each

\b
  {"glossing": {"words": {"accuracy": {"macro", "micro"}, "bleu", "error_rate"},
                "morphemes": {"accuracy", "classes": {"stem", "gram"}, "bleu", "error_rate"},
                "characters": {"error_rate"}},
   "segmentation": {"accuracy", "precision", "recall", "f1", "edit_distance"},
   "alignment": x,
   "counts": {"sentences", "segmentation", "alignment", "missing_predictions"}}

glossing: the figures of the `glossing` package (1.0.9, the field's
reference), quirks included; morphemes.error_rate is the MER, the headline
figure (lower is better). Where that package divides by zero (every
prediction empty; no gold stem) the figure is 0.

segmentation: scored on the sentences where both the prediction and the gold
record have a `segmentation`; alignment (1.0 when every gloss has exactly one
morpheme) on the predictions that have one. A group without any has null for
those figures.

With --model DIR (and --adapter ADAPTER, an igt-lora adapter of it), each
group also gets "model": the model's perplexity on the gold records (the
loss of the labels of its main task, per label token, as igt-train measures
dev loss) with the numbers of label tokens, gold morphemes and words that
the published lang_perplexities.csv gives, and "estimates": the MER and
segmentation F1 that the model's calibration predicts from that perplexity,
each with its r^2, number of languages, whether it is reliable (4 languages
or more and r^2 at least 0.5; else the table says "unreliable") and whether
it is extrapolated beyond the perplexities fitted on. A context model
(igt-format --unit context) reads each word with the lexicon's evidence:
give it that lexicon with --lexicon FILE (repeatable), the records igt-gloss
-l looks words up in, and it is measured on the inputs igt-gloss asks it.
Without --lexicon its words are looked up in nothing (a note on stderr says
so), which measures another, much higher, perplexity (on 150 Tsez dev
sentences, models/sigmorphon: 1.403 without, 1.075 with the Tsez training
set). A calibration made with --lexicon records so, and predictions from
perplexities measured the other way are flagged as not applying. --calibrate first
makes that calibration from these groups (languages: --by glottocode; run
it on dev data the model was not trained on): the line of best fit of each
figure against perplexity, written into DIR as regressions.csv and
lang_perplexities.csv (the published layout) and igt_tools.json (with r^2
and the number of languages). Published folders use their own tables.

Predictions from igt-gloss carry `provenance`, the source of each word's
analysis (lexicon, analogy, model, none): each group then also gets
"provenance": {source: {"words", "gloss_accuracy", "segmentation_accuracy"}},
a word being right when its gloss word (segmentation word) equals the gold
one at the same position. They show which source carries the quality and
which words to check first. A record whose `provenance` is not one source per
gloss word is left out of these figures, and a note counts it.

A table of the headline figures (MER, micro morpheme accuracy, segmentation
F1, alignment; with --model, perplexity and predicted MER) goes to stderr,
and a line of the words per source over all.

Exit status: 0 scored, 1 bad data (one line naming the file and line), 2
usage error (torch missing for --model).
"""

TRAIN = """The examples (JSONL with input and label) come from FILEs or standard input.
Start from scratch with a preset (--init tiny|mini|medium|small|base: 4.6M,
12M and 45M parameters, then ByT5-small's and ByT5-base's shapes) or
continue training a model folder or Hugging Face hub id (--model, e.g. a
PolyGloss checkpoint). Batches are grouped by length
under a token budget, so little compute goes to padding. The best
checkpoint by dev loss (the last one without --dev) becomes DIR, a normal
Hugging Face model folder with igt_tools.json (task, prompts, unit,
languages, dev loss and perplexity per language, data digest), ready for
igt-gloss. The unit is the examples' own, as igt-format wrote it: `word`
(--unit word: one example per word, and igt-gloss then glosses word by word),
`context` (--unit context: a word in its sentence, with what the lexicon
knows; igt-gloss then asks it about words the lexicon cannot settle), else
`sentence`.

Checkpoints are written atomically into DIR; --resume continues a run that
was killed, from its last checkpoint, exactly as if it had not stopped (a
run that had finished does not train again: one line, exit status 0). A line
per evaluation goes to DIR/log.jsonl. For several GPUs or processes run
the same command under `torchrun --nproc-per-node N` (naming the FILEs:
every process reads them).

Defaults depend on the start: from a pretrained --model the paper's (lr
5e-5, clip 20, 32768 tokens a batch, 15 epochs); from --init tiny lr 5e-4,
clip 1, 8192 tokens; from mini 2e-3, medium 1e-3, small or base 5e-4, each
with clip 1 and 32768 tokens; 15 epochs from a preset too. On a GPU, AdamW
is the fused kernel and bf16 autocast is on. To adapt a model to a new language from a few
hundred examples, see igt-lora.

Exit status: 0 done; 1 bad data (one line naming file and line); 2 usage
(conflicting options, DIR holding another run); 130 interrupted (rerun with
--resume to continue).
"""

GLOSS = """More examples:

\b
  cat texts.jsonl | igt-gloss --model DIR | igt-score gold.jsonl
  igt-gloss -m DIR -l train.jsonl -l corrected.jsonl texts.jsonl
  igt-gloss -m DIR --keep-raw --confidence dev.jsonl > glossed.jsonl
  igt-gloss -m DIR --shard 0/2 --device cuda:0 in.jsonl > out.0 &
  igt-gloss -m DIR --shard 1/2 --device cuda:1 in.jsonl > out.1

Input: JSONL records (files or stdin) with a `transcription`; `translation`,
`language` and `metalanguage` go into the prompt when present (with the
published field rules: a missing language is "an unknown language", a
missing translation "None"). --model is a folder written by igt-train, a
published PolyGloss/GlossLM checkpoint folder, or a hub id owner/name; a
name that is no folder here and cannot be a hub id (./x, a/b/c, x/) is
refused at once, without the network. The task format,
prompt set and unit (sentence, word or context) come from the folder's igt_tools.json
(a folder without one is read as a sentence model, interleaved, with the
PolyGloss prompts); --task/--prompts override. --adapter ADAPTER applies a
LoRA adapter that igt-lora trained on that very model (checked by the digest
of its weights).

Lexicon: each --lexicon FILE holds IGT records (igt-clean output; several
files and languages allowed). Every word of a record whose tiers pair up
word by word attests its segmentation and glosses, scoped by the record's
glottocode (words of records without one serve every language; an input
without one is looked up in those, or in the one language of the lexicon).
A word is found ignoring Unicode normalisation (NFC or NFD), punctuation at
either end and then case, and its segmentation is written in the input's
normalisation form. Words the lexicon attests take its analysis. The rest
are guessed (--guess, the default). An unseen word that is also a word of
the sentence's translation, case aside (a name, or a word the speaker took
from the metalanguage), is glossed as itself, unsegmented, and no model is
asked about it (--translation-stems, the default). The others are guessed
by analogy: the attested words of the
language that share the unseen word's longest ending vote for the suffixes
in it, those sharing its longest beginning for the prefixes (at least 2
letters each), and the letters left become the stem, glossed from the
lexicon's morphemes when one matches
(`indowribin` after `q'ˤuri-bi-n chair-PL-TOP`: `indowri-bi-n ???-PL-TOP`);
a number in digits is glossed as itself. A stem still unknown when the
sentence is done takes a word of its translation (--translation-stems, the
default): one no other word of the
sentence is glossed with, weighing how often the lexicon's records of the
language use it as a stem gloss when their translation has it ("the",
"was" seldom) against how far its place in the translation is from the
word's in the sentence; the best pairs are taken first, and each
translation word serves one stem. For a record whose `metalanguage` is
English (or, naming none, whose `metalang_glottocode` is stan1293),
shipped shares counted over many languages' glossed records stand in for
three of the lexicon's own records, so that a lexicon of a few sentences
already passes over words such as "am" and "for".
With a word model too, each unseen word takes the model's analysis when the
model is sure of it (its mean token log-probability at least --trust-model),
else analogy's guess, else the model's analysis anyway; without --model, a
word analogy cannot guess gets the empty analysis: the word itself,
unsegmented, glossed "???". A word attested with several analyses is chosen by
--choose: `frequent` takes the most frequent; `context` (the default) the
likeliest given the previous and the next word, the punctuation written
onto the word (a clause's edge) and the words of the translation, by how
often the word was attested with each analysis beside them (a neighbour or
translation word never seen with the word counts for nothing, so without
evidence the most frequent wins), and by how often words of the language
whose analyses end in the same grammatical gloss carry that punctuation (a
converb seldom ends a sentence, a finite verb mostly does, even for a verb
seen only a few times); it prefers an analysis whose stem
gloss is a word of the translation (`koj` glossed "put" 5 times and "lion"
twice: "lion" where the translation has it, unless the neighbours say
otherwise); ties go to the analysis attested first, and an analysis glossed
"???" by its annotator only where the word has no other. Files are read at
start-up, so corrected sentences added to a lexicon file count
at the next run, without retraining. Punctuation-only words are written only
where the lexicon attests them as words (some corpora keep `,` in every
tier). With a sentence model the lexicon's words replace the model's, position
by position, when the model wrote one word per input word.

A word-unit model (igt-format --unit word) glosses one word at a time:
sentences are split into words, each distinct word that neither the lexicon
nor analogy analyses is decoded once (its output is remembered for later
chunks: the latest 100,000 words), and the sentences are put back together.

Output: every input record, in input order, with all its fields, plus
`segmentation` and `glosses` (parsed as igt-parse does; gloss-only leaves
the segmentation null, segment-only the glosses), `malformed`, the number
of output pieces that did not follow the format (0 when clean; a word model's
output cut at its length limit, most often a loop, counts as one and is not
used: analogy's guess, else the empty analysis, stands in), and
`provenance`, one entry per word of the glosses: "lexicon", "analogy",
"model" or "none" (the empty analysis), so that you know which words to
check first.
With --keep-raw the raw model output of a sentence model goes in
`prediction` (an object {"t2g", "t2s"} for multitask; `igt-parse` reads it
back). With --confidence, `confidence` is the mean log-probability of the
output's tokens (end token included; 0 is certain, more negative is less
sure); for multitask, over the tokens of both outputs; for a word model,
over its words only (0 when the lexicon gave every word); and
`word_confidence`, one entry per word beside `provenance`: the mean
log-probability of the tokens the model wrote for that word (a word model:
the word's output; a sentence model: the output word's tokens, with the
space after it, and the end token with the last word; multitask: the mean
of its glosses' and segmentation's), null where the model did not gloss the
word, and for every word of a concatenated model (whose output holds each
word twice); igt-format --to aligned marks a model word under -0.1 with
`?`, doubtful. These fields are replaced if the input had them. --tagmap FILE
(a two-column TSV, model tag -> your tag) writes the glosses in your own
conventions; tags not in it pass through, and a summary line counts both.

Decoding is beam search (--beams: 2 for a sentence model, as published; 1,
greedy, for a word model, whose short outputs gain little from a beam) up to
--max-new-tokens, and each output is also capped by its input's length: 8
tokens per byte of the transcription plus 128 for a sentence (labels are 2.6
times their transcription's length at the median of real data, 11 at most),
12 per byte of the word plus 40 for a word, so a weak model fails fast. Within
those caps the results are the same as transformers' `generate` on each input
alone (in float32; in bfloat16 or float16 the rounding depends on the batch,
so a few outputs may differ, as between any two batchings). For speed,
--chunk-size records are read at a time, sorted by length into batches under
--batch-tokens (sentences x beams x longest input), and written back in input
order; memory stays flat on inputs of any size. --shard I/N keeps records I,
I+N, I+2N, ... (counting from 0), to split one input across processes or
GPUs; merge the outputs back by `id`, or by order: `paste -d '\\n' out.0
out.1 | sed '/^$/d'` restores the input order when every shard wrote all its
records.

A record that cannot be glossed (missing or empty transcription, or an
input longer than --max-input-tokens) is reported on stderr with its file
and line and written with an `error` field instead of segmentation and
glosses; the run goes on. Progress and a summary (records, and words by
provenance, per second) go to stderr (a progress bar when stderr is a
terminal; --quiet for neither).

Exit status: 0 done (even if some records got an `error`, unless --strict:
then 1 at the end, after writing every record); 1 bad data: invalid JSON, a
field of the wrong type, a model folder or lexicon file that cannot be read
(one line; --skip-bad goes on past bad records); 2 usage; 130 interrupted.
"""

LORA = """More examples:

\b
  igt-lora --merge --model models/demo --adapter adapter/ --out merged/

igt-lora trains a LoRA adapter on IGT records from FILEs or standard input;
or (--merge) adds an adapter into its model.

Input: IGT records (igt-clean output), made into the model's examples with
the task format, prompt set and unit of its igt_tools.json: the main task's
examples only, what igt-gloss asks the model, as igt-format makes them
(--auxiliary: also the auxiliary tasks' examples, as igt-format --split train
makes them; with 100 sentences and minutes to train they cost more than they
teach); examples igt-format made for that model are taken as they are.
Records whose tiers do not pair up or lack what a label needs are left out
and counted.

The model (a folder igt-train wrote, a published checkpoint, or a hub id) is
frozen: LoRA adds a low-rank update to each layer --target-modules names
(attention q, k, v, o; feed-forward wi, wi_0, wi_1, wo; or all-linear) and
trains those alone. Defaults: the paper's rank 8, alpha 8 and dropout 0.2;
layers q,v (peft's default for T5: the paper does not say); lr 3e-3, clip 1,
4096 tokens a batch, 30 epochs. With --dev the best checkpoint by dev loss
becomes the adapter.

Training is igt-train's: the same batches, schedule, --max-minutes,
--early-stopping, checkpoints written atomically into ADAPTER, --resume after
a kill (exactly as if it had not stopped), and a line per evaluation in
ADAPTER/log.jsonl; see igt-train --help.

ADAPTER is peft's adapter folder (adapter_config.json and
adapter_model.safetensors, which PeftModel.from_pretrained loads) plus
igt_tools.json: the digest of the model's weights, the languages and
examples trained on, dev loss and perplexity per language, with the model's
own before adapting. igt-gloss --model DIR --adapter ADAPTER glosses with it;
on another model than its own it is refused.

With --dev, the last lines give each language's dev perplexity before and
after adapting, and a warning when the adapter lowers dev loss by less than
1% (it is then unlikely to gloss better than the model alone). When the
model was calibrated (igt-score --calibrate), they also predict the MER of
the model and of the adapted model from those perplexities, or say why the
prediction cannot be trusted.

--merge writes MERGED, a full model folder (the model's weights plus the
adapter's updates, float32) that igt-gloss loads like any other, glossing as
the model with the adapter does.

Exit status: 0 done; 1 bad data (one line naming file and line), an adapter
made for another model; 2 usage (conflicting options, ADAPTER holding
another run, torch missing); 130 interrupted (rerun with --resume).
"""


# The options every command that reads records has (cli/base.skip_bad_options).
BAD_RECORDS_OPTIONS = {
    "--skip-bad": "The reports go to stderr; without --skip-bad, the first bad record stops the run.",
    "--bad-out": "Their raw text, as it was read.",
}

# The training options igt-train and igt-lora share (cli/training_options.py).
TRAINING_OPTIONS = {
    "--lr": "Default: see DESCRIPTION.",
    "--min-lr-ratio": "The paper's: 1e-5/5e-5.",
    "--schedule": "steps: the steps; time (with --max-minutes): the time budget too, whichever ends first, "
                  "so the rate reaches its floor when time runs out; such runs are not bitwise reproducible.",
    "--seed": "The same seed, data and machine give the same weights.",
    "--clip": "Default: see DESCRIPTION.",
    "--batch-tokens": "Padded tokens (inputs + labels) per batch and process. Default: see DESCRIPTION.",
    "--epochs": "Default: see DESCRIPTION.",
    "--accumulate": "Gradient accumulation.",
    "--max-input-tokens": "Tokens are bytes.",
    "--max-steps": "It overrides --epochs and sets the schedule's length.",
    "--max-minutes": "The best checkpoint is saved.",
    "--early-stopping": "Evaluations without a better dev loss; needs --dev.",
    "--eval-every": "Default: each epoch.",
    "--resume": "The run in the --out folder continues from its last checkpoint, exactly as if it had not stopped.",
    "--keep-checkpoints": "The last and the best, in the --out folder.",
    "--threads": "Default: torch's; on a busy machine fewer can be faster.",
    "--bf16": "Default: on a GPU that has it.",
    "--progress": "Default: when stderr is a terminal; without it, a plain line (step, examples, loss, "
                  "examples/s, ETA) every minute.",
}

CLEAN_OPTIONS = {
    **BAD_RECORDS_OPTIONS,
    "--from": "It is guessed per file (see DESCRIPTION); stdin's is jsonl.",
    "--markers": "The markers of transcription, segmentation, glosses and translation, in that order "
                 "(default: tx,mb,ge,ft, or Shoebox's t,m,g,f where the file has those); or TIER=MARKER "
                 "pairs, e.g. glosses=gl.",
    "--id-prefix": "Default: the file's name.",
    "--glottocode": "It is applied before the language map.",
    "--metalanguage": "For records without one; in FLEx exports, the translation and glosses to pick "
                      "(a name or a code).",
    "--source": "Default: the input file's name.",
    "--language-map": "A JSON object, or a CSV with glottocode,isocode columns; default: language_map.json "
                      "beside the input, if any.",
    "--encoding": "Default UTF-8; e.g. latin-1.",
    "--tags": "The tags, their counts and likely variants, as TSV.",
    "--tagmap": "FILE: a TSV of model tag -> user tag; the user's tags in the inputs become the model's.",
    "--drop-misaligned": "A record is misaligned when its segmentation and glosses differ in word or morpheme counts.",
}

FORMAT_OPTIONS = {
    **BAD_RECORDS_OPTIONS,
    "--unit": "sentence: one example per record; word: one per word (interleaved, compact input); context: "
              "one per word, with its neighbours, translation and lexicon evidence.",
    "--lexicon": "FILE holds glossed records (JSONL); in --split train without it, each record's words are "
                 "looked up in the other records.",
    "--neighbours": "Each example records it (its retrieval field), igt-train records it in the model, and igt-gloss "
                    "then asks the model in that form; each one more lengthens the input by about 38 bytes.",
    "--distinct": "Each pair is written at its first occurrence.",
    "--split": "The auxiliary examples are t2g and s2g (see DESCRIPTION); eval, the default, writes only the main ones.",
    "--width": "The columns wrap at this many screen columns (0: never).",
    "--markers": "As igt-clean --markers takes them; default: tx,mb,ge,ft.",
    "--into": "With --to flextext, toolbox or cldf; the file, with the records merged in, is written to stdout.",
    "--tagmap": "FILE: a TSV of model tag, user tag.",
    "--metadata": "The dataset's metadata JSON, which names the table examples.csv beside it.",
    "--encoding": "It applies to a Toolbox or CLDF file.",
    "--guess-marker": "With --to toolbox --into; default: igt.",
    "--drop": "The fields are null in every record; repeatable.",
    "--quiet": "The summary stays.",
}

TRAIN_OPTIONS = {
    **BAD_RECORDS_OPTIONS,
    **TRAINING_OPTIONS,
    "--out": "Its checkpoints and log.jsonl go there too.",
    "--dev": "igt-format output; the dev loss is measured per language.",
    "--init": "micro: for smoke tests only.",
    "--model": "Its code is never run.",
    "--dropout": "Default: the model's, 0.1.",
    "--task": "Recorded for igt-gloss. Default: read from the examples' task fields; say segment-only, which "
              "makes the same examples as multitask.",
    "--prompts": "Recorded for igt-gloss. Default: recognised from the inputs.",
}

GLOSS_OPTIONS = {
    **BAD_RECORDS_OPTIONS,
    "--model": "The folder igt-train wrote, or a published checkpoint.",
    "--adapter": "One made for another model is refused.",
    "--lexicon": "FILE holds IGT records (JSONL): the words they attest take their analyses.",
    "--choose": "Among the analyses the lexicon attests for a word: frequent takes the most frequent; context "
                "the likeliest given its neighbours and the translation's words, as the lexicon saw them beside "
                "each analysis, and whether its stem gloss is a word of the translation.",
    "--guess": "The words the lexicon does not attest are guessed by analogy with the words it does.",
    "--translation-stems": "With --guess: a guess's unknown stem takes a word of the sentence's translation, and an unseen word that is one of its words is glossed as itself.",
    "--ask-model": "With a word or context model: unsure, the unseen words (and, with --trust-choice, a "
                   "context model's ambiguous ones); all, attested words too, the lexicon being evidence only (to measure the model); "
                   "choose, the model only chooses among analogy's candidates (--rerank, default 0) and decodes "
                   "just the words analogy cannot guess.",
    "--trust-choice": "With a context model: also ask it about attested words with several analyses, and take "
                      "its choice over the lexicon's when its mean token log-probability is at least LOGPROB. "
                      "Default: not asked.",
    "--rerank": "With --guess and a word or context model: the model also scores analogy's other candidate analyses "
                "of an unseen word (other affixes, the stem's other glosses), and where its own analysis is "
                "not trusted (--trust-model), the candidate it finds likeliest replaces analogy's guess when "
                "its mean token log-probability is at least LOGPROB higher. The word stays `analogy` in "
                f"`provenance`. Only for the languages the model was trained on with at least "
                f"{RERANK_MIN_EXAMPLES} examples, and at least {RERANK_MIN_SHARE:.0%} of all its examples (its "
                "igt_tools.json says which; with --adapter, the base's and the adapter's together): in one it "
                "never saw or saw little of, its choice is a guess (measured worse than analogy's on Arapaho, "
                "never seen, and on Gitksan, 0.3% of models/sigmorphon's examples). Default: 0 with a context model (`inf` keeps analogy's guess), else not scored.",
    "--trust-model": "With --guess and a word or context model: the model's analysis of an unseen word goes "
                     "before analogy's when its mean token log-probability is at least LOGPROB. Default: "
                     f"{TRUST_MODEL}; with a context model {CONTEXT_TRUST_MODEL}, and {CONTEXT_TRUST_UNKNOWN_STEM} "
                     "where analogy's analysis (after --rerank) leaves a stem unknown; a LOGPROB given is the "
                     "only threshold.",
    "--task": "Default: the one in the model folder, else interleaved.",
    "--prompts": "Default: the one in the model folder, else polygloss.",
    "--beams": "Default: 2 for a sentence model, 1 for a word model.",
    "--max-new-tokens": "In tokens (bytes); each output is also capped by its input's length.",
    "--max-input-tokens": "The input is the prompt; longer records get an `error`. Default: the model's, else 1024.",
    "--batch-tokens": f"Sentences x beams x longest input. Default: {BATCH_TOKENS['cpu']} on CPU, "
                      f"{BATCH_TOKENS['cuda']} on GPU.",
    "--chunk-size": "They are sorted by length into batches.",
    "--shard": "Counting from 0: to split one input across processes or GPUs.",
    "--device": "auto: the GPU if there is one.",
    "--dtype": "auto: bfloat16 on a GPU that has it, else float32.",
    "--keep-raw": "For sentence models.",
    "--confidence": "`confidence`: the output's mean token log-probability; `word_confidence`: each word's "
                    "(see DESCRIPTION).",
    "--tagmap": "FILE: a TSV of model tag, user tag.",
    "--quiet": "Warnings still.",
}

LORA_OPTIONS = {
    **BAD_RECORDS_OPTIONS,
    **TRAINING_OPTIONS,
    "--model": "A folder or hub id; its code is never run.",
    "--out": "Its checkpoints and log.jsonl go there too; with --merge, the merged model.",
    "--dev": "IGT records (or examples); the dev loss and perplexity are measured per language.",
    "--alpha": "The update is multiplied by alpha / rank.",
    "--dropout": "On the adapted layers' inputs; the model's own dropout is kept.",
    "--target-modules": "By name, separated by commas: attention q, k, v, o; feed-forward wi, wi_0, wi_1, wo; "
                        "or all-linear.",
}

PARSE_OPTIONS = BAD_RECORDS_OPTIONS
