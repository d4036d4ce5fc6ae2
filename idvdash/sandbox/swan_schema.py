"""The part of Swan's partner GraphQL schema idvdash uses, written from swan-stora.md §1.3.

Names, nullability, unions and enums follow the note; fields idvdash never reads are left
out, so selecting them fails validation here (it would not at Swan).
"""

from graphql import GraphQLSchema, build_schema

from .vocab import SWAN_LEGACY_REASONS, SWAN_REASONS

_LEVEL_TYPES = {
    "NotSupported": "",
    "NotStarted": "",
    "Started": "",
    "Pending": "",
    "Valid": "",
    "Invalid": "  reasons: [IdentificationInvalidReason!]\n",
    "Canceled": "",
    "Expired": "  expiredAt: Date!\n",
}

_REASONS = "\n".join(
    [f"  {r}" for r in SWAN_REASONS]
    + [f'  {r} @deprecated(reason: "Legacy spelling or value")' for r in SWAN_LEGACY_REASONS]
)

SDL = (
    """
scalar Date
scalar DateTime
scalar CCA3
scalar PhoneNumber

enum SwanIdentificationStatus {
  Started
  Pending
  Valid
  Invalid
  Canceled
  Expired
  NotSupported
  NotStarted @deprecated(reason: "Use Started")
}
enum IdentificationProcess { Expert QES PVID }
enum IdentificationLevel { Expert QES PVID }
enum IdentificationLevelInput { Expert QES PVID }
enum IdentityDocumentType { IdCard Passport ResidencePermit DriversLicense }
enum DocumentType { IdCard Passport ResidencePermit DriversLicense Face Report }
enum DocumentFileSide { SideA SideB BothSides Unknown }
enum UserStatus { Active Blocked Deactivated }
enum PreferredNotificationChannel { App Sms }
enum OrderByDirection { Asc Desc }
enum IdentificationsOrderByField { createdAt updatedAt }
enum IdentificationInvalidReason {
"""
    + _REASONS
    + "\n}\n"
    + "".join(
        f"type {name}IdentificationLevelStatusInfo {{\n  status: SwanIdentificationStatus!\n"
        f"{extra}}}\n"
        for name, extra in _LEVEL_TYPES.items()
    )
    + "union IdentificationLevelStatusInfo = "
    + " | ".join(f"{name}IdentificationLevelStatusInfo" for name in _LEVEL_TYPES)
    + """

type IdentificationLevelStatusesInfo {
  expert: IdentificationLevelStatusInfo!
  qes: IdentificationLevelStatusInfo!
  pvid: IdentificationLevelStatusInfo!
}

type DocumentFile { downloadUrl: String! side: DocumentFileSide }
type IdCardDocument {
  id: ID! type: DocumentType! issueDate: Date expiryDate: Date mrz: String number: String
  files: [DocumentFile!]
}
type PassportDocument {
  id: ID! type: DocumentType! issueDate: Date expiryDate: Date mrz: String number: String
  files: [DocumentFile!]
}
type ResidencePermitDocument {
  id: ID! type: DocumentType! issueDate: Date expiryDate: Date mrz: String number: String
  files: [DocumentFile!]
}
type DriversLicenseDocument { id: ID! type: DocumentType! files: [DocumentFile!] }
type FacePhotoDocument { id: ID! type: DocumentType! }
type ReportDocument { id: ID! type: DocumentType! files: [DocumentFile!] }
union IdentificationDocument = IdCardDocument | PassportDocument | ResidencePermitDocument
  | DriversLicenseDocument | FacePhotoDocument | ReportDocument

type Identification {
  id: String!
  createdAt: DateTime!
  updatedAt: DateTime!
  status: SwanIdentificationStatus!
  process: IdentificationProcess!
  levels: IdentificationLevelStatusesInfo!
  documents: [IdentificationDocument!]
  identityDocumentType: IdentityDocumentType
}

type PageInfo {
  hasNextPage: Boolean
  hasPreviousPage: Boolean
  startCursor: String
  endCursor: String
}

type IdentificationEdge { node: Identification! cursor: String! }
type IdentificationConnection {
  totalCount: Int!
  pageInfo: PageInfo!
  edges: [IdentificationEdge!]!
}

input IdentificationFiltersInput {
  statuses: [SwanIdentificationStatus!]
  levels: [IdentificationLevel!]
  processes: [IdentificationProcess!]
}
input IdentificationsOrderByInput {
  field: IdentificationsOrderByField = createdAt
  direction: OrderByDirection = Desc
}

type IdentificationLevels { expert: Boolean! QES: Boolean! PVID: Boolean! }

type User {
  id: ID!
  firstName: String
  lastName: String
  birthLastName: String
  allFirstNames: [String!]
  fullName: String
  preferredLastName: String
  birthDate: Date
  nationalityCCA3: CCA3
  birthCity: String
  birthCountry: CCA3
  mobilePhoneNumber: PhoneNumber
  identificationLevels: IdentificationLevels
  status: UserStatus
  createdAt: DateTime!
  updatedAt: DateTime!
  joinedAt: DateTime!
  verifiedEmails: [String!]!
  preferredNotificationChannel: PreferredNotificationChannel
  identifications(
    first: Int! = 50
    after: String
    filters: IdentificationFiltersInput
    orderBy: IdentificationsOrderByInput
  ): IdentificationConnection
}

type UserEdge { node: User! cursor: String! }
type UserConnection { totalCount: Int! pageInfo: PageInfo! edges: [UserEdge!]! }

input UserFilterInput {
  birthDate: Date
  firstName: String
  lastName: String
  identificationLevel: IdentificationLevelInput
  mobilePhoneNumber: String
  nationalityCCA3: CCA3
  preferredNotificationChannel: PreferredNotificationChannel
  status: [UserStatus!]
  search: String
}

type Query {
  user(id: String): User
  users(
    first: Int! = 50
    after: String
    before: String
    filters: UserFilterInput
    search: String
  ): UserConnection!
}
"""
)


def build() -> GraphQLSchema:
    """Build the executable schema."""
    return build_schema(SDL)
