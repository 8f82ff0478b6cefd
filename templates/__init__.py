"""Report templates (papermill notebooks), installed as ``nps_toolkit.templates``."""
