"""Synthesis: valid values for columns and, later, factories for models."""
