from .detail import (
    verification_data_hx,
    verification_detail,
    verification_files_hx,
    verification_live_status_hx,
)
from .list import verification_export, verification_list
from .sync import sync_now, sync_status

__all__ = [
    "sync_now",
    "sync_status",
    "verification_data_hx",
    "verification_detail",
    "verification_export",
    "verification_files_hx",
    "verification_list",
    "verification_live_status_hx",
]
