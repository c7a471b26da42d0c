"""Views: the command line and console rendering. They call engines and show results."""
