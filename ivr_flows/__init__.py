"""IVR flows as data: the shipped menu tree, prompts and topics (YAML files in this folder)."""

from pathlib import Path

FLOWS_DIR = Path(__file__).resolve().parent
DEFAULT_FLOW = FLOWS_DIR / "digihulplijn.yaml"
