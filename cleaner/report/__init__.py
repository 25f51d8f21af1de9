"""Renderers: turn a run's results into text for people or documents for tools. They never decide."""
