"""Files: scenario YAML in, JSON Schema out."""
