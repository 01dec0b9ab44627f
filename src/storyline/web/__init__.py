"""The web interface and HTTP API (`storyline serve`)."""
