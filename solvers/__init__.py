"""Prompts and generation: the protocol's fixed texts, the hint registry, the paired solver."""
