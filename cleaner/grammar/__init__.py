"""The grammar engine: a real LanguageTool server (installed from Maven Central), the client that sends
it paragraphs through language-tool-python, an on-disk cache, and the mapping of its matches to findings.
"""
