"""The neural stage: a local language model ranks repairs and a sentence encoder guards meaning."""
