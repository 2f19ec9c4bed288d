"""Predictions merged back into the file the texts came from: FLEx, Toolbox, CLDF.

Each writer reads ORIGINAL with igt-clean's own reader, so that every unit
(phrase, record, row) gets the id igt-clean gave it, finds the prediction
for that id among the records on stdin (else one with the same
transcription), and patches the original bytes: the predicted segmentation
and glosses go in only where the unit had none (or everywhere with
`overwrite`), marked as predictions where the format allows; every other
byte stays as it was. A unit whose record says no more than the file
already does is left alone, so that records straight from igt-clean give
the file back unchanged.

- predictions: finding a unit's prediction; the report of what was done
- words: a prediction as words of morphemes, with Toolbox/FLEx affix forms
- flextext, toolbox, cldf: the writers
- into: which writer serves which format

Part of formats: may import what formats may.
"""
