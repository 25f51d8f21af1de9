"""The neural stage: a local language model ranks repairs and a sentence encoder guards meaning."""

BOUNDARY_RULE = "broken-sentence.model-boundary"
WORD_SALAD_RULE = "unintelligible.word-salad"
MODEL_RULES = (BOUNDARY_RULE, WORD_SALAD_RULE)
"""Rules the model's own detectors report: they have no rule file, yet --select and --ignore name them."""
