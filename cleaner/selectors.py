"""Rule selectors: a rule id, or a family or id prefix on dot boundaries ("punctuation")."""


def matches_selector(rule_id: str, selector: str) -> bool:
    """True when ``selector`` names ``rule_id`` or a dotted prefix of it."""
    return rule_id == selector or rule_id.startswith(selector.rstrip(".") + ".")
