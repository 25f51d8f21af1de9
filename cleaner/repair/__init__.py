"""The repair layer: it only edits. Choosing edits, applying them, showing them as diffs, writing files."""
