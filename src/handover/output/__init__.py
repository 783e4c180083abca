"""Renderers: one module per format. All consume the same rows from handover.timeline."""
