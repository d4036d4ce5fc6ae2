"""pytest fixtures for the provider sandbox."""
