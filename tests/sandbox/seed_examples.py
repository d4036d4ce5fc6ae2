"""Example payloads copied from the provider seed documents (shared/providers/seeds/)."""

# seed 000: PaginatedPartnerIdentificationListList (schema example values).
IDENFY_LIST = {
    "count": 123,
    "next": "http://api.example.org/accounts/?page=4",
    "previous": "http://api.example.org/accounts/?page=2",
    "results": [{"scanRef": "scan-ref", "status": "APPROVED", "suspected": False}],
}
IDENFY_LIST_STATUSES = {
    "APPROVED",
    "DENIED",
    "SUSPECTED",
    "REVIEWING",
    "EXPIRED",
    "ACTIVE",
    "DELETED",
    "ARCHIVED",
}
# seed 001: the keys of the /api/v2/status and /api/v2/full-status tables.
IDENFY_STATUS_KEYS = {"status", "scanRef", "clientId"}
IDENFY_FULL_STATUS_KEYS = {
    "id",
    "face_match_result",
    "document_validity",
    "manual_face_match_result",
    "manual_document_validity",
    "created",
    "updated",
    "client",
    "client_identity_document",
    "attempt_count",
    "suspection_reasons",
    "start_time",
    "finish_time",
    "review_time",
}
IDENFY_FACE_VALUES = {
    "FACE_MATCH",
    "FACE_MISMATCH",
    "NO_FACE_FOUND",
    "TOO_MANY_FACES",
    "FACE_TOO_BLURRY",
    "FACE_UNCERTAIN",
    "FACE_NOT_ANALYSED",
    "FACE_ERROR",
    "AUTO_UNVERIFIABLE",
    "FAKE_FACE",
}
IDENFY_SUSPICION_VALUES = {
    "FACE_SUSPECTED",
    "DOC_MOBILE_PHOTO",
    "DEV_TOOLS_OPENED",
    "DOC_PRINT_SPOOFED",
    "FAKE_PHOTO",
    "AML_SUSPECTION",
    "AML_FAILED",
    "LID_SUSPECTION",
    "LID_FAILED",
    "AUTO_UNVERIFIABLE",
}

# seed 002: the response example of GET /applications/identity-verification-sessions.
EQUALS_LIST = {
    "limit": 200,
    "offset": 100,
    "count": 67,
    "rows": [
        {
            "id": "5f8a2c14-3e6b-4d9f-a1b2-c3d4e5f60789",
            "applicationId": "e9293471-5eb3-4dbc-916c-dbaf9e2deefd",
            "associatedPersonId": "d4c3b2a1-5678-4e9a-bcde-f01234567890",
            "correlationId": "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
            "actionUrl": "https://verify.example.com/session/abc123",
            "status": "completed",
            "result": "approved",
            "createdAt": "2019-08-24T14:15:22Z",
            "updatedAt": "2019-08-24T14:15:22Z",
        }
    ],
}
EQUALS_REQUIRED = {
    "id",
    "applicationId",
    "correlationId",
    "actionUrl",
    "status",
    "createdAt",
    "updatedAt",
}

# seed 003: the query and payload of "Get a list of identifications".
SWAN_QUERY = """
query ListOfIdentifications {
user(id: "$YOUR_USER_ID") {
identifications {
edges {
node {
process
status
updatedAt
levels {
expert {
... on InvalidIdentificationLevelStatusInfo {
__typename
reasons
status
}
... on ValidIdentificationLevelStatusInfo {
__typename
status
}
}
qes {
... on InvalidIdentificationLevelStatusInfo {
__typename
}
... on ValidIdentificationLevelStatusInfo {
__typename
status
}
}
pvid {
... on InvalidIdentificationLevelStatusInfo {
__typename
}
... on ValidIdentificationLevelStatusInfo {
__typename
status
}
}
}
}
}
totalCount
}
}
}
"""

# seed 004: the list example of GET /2025-09/identity_verifications.
STORA_LIST = {
    "identity_verifications": [
        {
            "id": "idver_a1b2c3d4e5f67890",
            "contact": {"id": "con_195h6kfm9ro15lof"},
            "created_at": "2025-02-22T14:41:00Z",
            "error_code": None,
            "status": "succeeded",
            "updated_at": "2025-02-22T14:41:00Z",
        },
        {
            "id": "idver_f0e9d8c7b6a59483",
            "contact": {"id": "con_195h6kfm9ro15lof"},
            "created_at": "2025-02-22T14:41:00Z",
            "error_code": "document_expired",
            "status": "failed",
            "updated_at": "2025-02-22T14:41:00Z",
        },
    ],
    "meta": {
        "request_id": "01563646-58c1-4607-8fe0-cae3e92c4477",
        "curies": [
            {
                "name": "bo",
                "href": "https://app.stora.test{rel}",
                "templated": True,
                "title": "Backoffice",
            },
            {
                "name": "sf",
                "href": "https://acme.stora.test{rel}",
                "templated": True,
                "title": "Storefront",
            },
        ],
        "pagination": {
            "count": 2,
            "last": 1,
            "limit": 50,
            "next": None,
            "page": 1,
            "pages": 1,
            "prev": None,
        },
    },
}
