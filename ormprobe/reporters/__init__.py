"""Renderers: from results and graphs to text, JSON and other formats. They decide nothing."""
