"""Development tooling beside the apps: benchmarks, the load test, the demo, the audit.

Installed as the `tools` app only for development, the demo, tests and benchmarks
(see IDVDASH_DEV_APPS in idvdash/settings.py); production never imports it.
"""
