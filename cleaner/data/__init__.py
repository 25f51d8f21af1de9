"""Word lists the detectors read (package data, so they ship in the wheel)."""
