"""The keys of the hunk-by-hunk review (``cleaner fix --interactive``), kept apart from the review: the
epilog of ``cleaner fix --help`` lists them, and every run builds every command, which should not load
the review (and rich with it) for that."""

HELP = """\
y - apply this repair
n - do not apply this repair
a - apply this and the file's later safe repairs (unsafe ones are shown)
d - do not apply this repair or any later one in the file
q - quit: write the repairs accepted so far and stop (so does Ctrl-C)
e - edit the whole sentence (prefilled, previewed; an empty line cancels)
j - leave this repair undecided, see the next undecided one
k - leave this repair undecided, see the previous undecided one
1-9 - pick another candidate repair (where there are several)
? - print help"""
"""The review's keys, for ``?`` and ``cleaner fix --help``; each line fits 80 columns, indented."""
