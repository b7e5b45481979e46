"""Spec-independent runtime shared by every generated client package."""
