"""Strategies: escalation ladders as data, segmentation, and the pure daily planner (see README.md)."""
