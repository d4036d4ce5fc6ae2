"""A local simulator of the iDenfy, Equals Money, Swan and Stora APIs (no models, no URLs).

Start it with `idvdash.sandbox.server.SandboxServer` or `python manage.py runsandbox`.
"""
