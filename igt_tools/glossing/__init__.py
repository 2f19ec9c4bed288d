"""Glossing records: the lexicon, guesses by analogy, and the word and sentence glossers.

- lexicon: the attested analyses of words, read from IGT records
- analyses: one word's analysis and where it came from (lexicon, analogy, model, none)
- analogy: unseen words guessed from attested words that share their ending or beginning
- stems: unknown stems glossed from the sentence's translation
- word: glossing word by word (lexicon, analogy, a word-unit model)
- sentence: glossing a sentence at a time with a sentence-unit model
- output: the fields igt-gloss writes on each record

A model (decoder and tokenizer) is passed in: nothing here imports torch.

May import: core, examples.
"""
