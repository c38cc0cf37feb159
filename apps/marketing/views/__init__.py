"""Views of the marketing app: thin, one service call per write."""
