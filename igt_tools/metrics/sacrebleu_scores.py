"""sacreBLEU's BLEU and chrF over whole gloss strings, with sacreBLEU's signatures.

Extra figures beside the reference's: sacreBLEU is the standard people
compare across papers, and its signature (tokenisation, smoothing, version)
says exactly what was computed. Scores are on sacreBLEU's own 0-100 scale.
sacrebleu is imported here, on first use: it takes longer to import than the
rest of igt-score, and scoring with it takes longer than all the rest.
"""


def sacrebleu_figures(hypotheses, references, groups):
    """{name: {"bleu", "chrf", "signature": {"bleu", "chrf"}}} for each group.

    `hypotheses` and `references` are parallel lists of strings; `groups`
    maps a name to the indices of its sentences.
    """
    from sacrebleu.metrics import BLEU, CHRF

    # force: gloss lines often end in " ." (a gloss of punctuation); that is not
    # the detokenisation mistake sacreBLEU warns about. It changes no score.
    metrics = {"bleu": BLEU(force=True), "chrf": CHRF()}
    results = {name: {} for name in groups}
    for key, metric in metrics.items():
        for name, score in _group_scores(metric, hypotheses, references, groups).items():
            results[name][key] = score
    signature = {key: metric.get_signature().format() for key, metric in metrics.items()}
    for result in results.values():
        result["signature"] = signature
    return results


def _group_scores(metric, hypotheses, references, groups):
    """Each group's corpus score; sentence statistics are extracted once for all groups."""
    # corpus_score() is exactly these two steps; sharing the first between the
    # groups and "all" halves the work. Older or newer sacreBLEUs without them
    # score each group on its own.
    if hasattr(metric, "_extract_corpus_statistics") and hasattr(metric, "_aggregate_and_compute"):
        statistics = metric._extract_corpus_statistics(hypotheses, [references])
        return {
            name: metric._aggregate_and_compute([statistics[i] for i in indices]).score
            for name, indices in groups.items()
        }
    return {
        name: metric.corpus_score([hypotheses[i] for i in indices], [[references[i] for i in indices]]).score
        for name, indices in groups.items()
    }
