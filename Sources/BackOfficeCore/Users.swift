import Foundation

/// What a person does here. The permission table decides what each role may do.
public enum Role: String, Sendable, Codable, CaseIterable {
    case admin
    case clerk
    case manager
    case sales
}

/// Something a user might be allowed to do.
public enum Permission: String, Sendable, Codable, CaseIterable {
    case viewStock
    /// Stock at locations that are not sellable (quarantine, returns) and holds placed there.
    case viewUnsellableStock
    case viewPrices
    case seeCost
    case postMovements
    case placeHolds
    case releaseAnyHold
    case fileRequests
    case answerRequests
    case viewAllRequests
    case editItems
    case editPrices
    case editAccounts
    /// The business calendar and the SLA targets.
    case manageServiceLevels
    /// Adding, replacing and removing the queue's reply templates (using them is answering: `answerRequests`).
    case manageTemplates
    case administer

    /// Words for an error message: "may not post movements".
    public var phrase: String {
        switch self {
        case .viewStock: "view stock"
        case .viewUnsellableStock: "see or hold stock at locations that are not sellable"
        case .viewPrices: "view prices"
        case .seeCost: "see cost or margin"
        case .postMovements: "post stock movements"
        case .placeHolds: "place holds"
        case .releaseAnyHold: "release other people's holds"
        case .fileRequests: "file requests"
        case .answerRequests: "answer requests"
        case .viewAllRequests: "see other people's requests"
        case .editItems: "change items or locations"
        case .editPrices: "change prices"
        case .editAccounts: "change accounts"
        case .manageServiceLevels: "change the business calendar or SLA targets"
        case .manageTemplates: "add or remove reply templates"
        case .administer: "administer users and the store"
        }
    }
}

/// A person who signs in. Users are never deleted, only deactivated, so the audit trail keeps its names.
public struct User: Hashable, Sendable, Codable {
    public var id: Int64
    public var name: String
    public var displayName: String
    public var role: Role
    /// An account manager who is away has new requests routed to the backup manager.
    public var away: Bool
    public var active: Bool

    public init(id: Int64 = 0, name: String, displayName: String, role: Role, away: Bool = false, active: Bool = true) {
        self.id = id
        self.name = name
        self.displayName = displayName
        self.role = role
        self.away = away
        self.active = active
    }

    public func may(_ permission: Permission) -> Bool { Permissions.allows(role, permission) }
}

/// Refused because the acting user's role does not carry the permission.
public struct PermissionDenied: BackOfficeFailure, Equatable {
    public var user: String
    public var role: Role
    public var permission: Permission
    public var kind: FailureKind { .permissionDenied }
    public var message: String { "permission denied: \(user) (\(role.rawValue)) may not \(permission.phrase)" }
}

/// The one permission table. The store, the command line, the console and the SSH gate all ask it.
public enum Permissions {
    public static let table: [Role: Set<Permission>] = [
        .admin: Set(Permission.allCases),
        .clerk: [.viewStock, .viewUnsellableStock, .viewPrices, .seeCost, .postMovements, .placeHolds, .releaseAnyHold, .fileRequests, .editItems],
        .manager: [.viewStock, .viewUnsellableStock, .viewPrices, .seeCost, .placeHolds, .releaseAnyHold, .fileRequests, .answerRequests,
                   .viewAllRequests, .editPrices, .editAccounts, .manageServiceLevels, .manageTemplates],
        .sales: [.viewStock, .viewPrices, .placeHolds, .fileRequests],
    ]

    public static func allows(_ role: Role, _ permission: Permission) -> Bool {
        table[role, default: []].contains(permission)
    }

    public static func require(_ permission: Permission, of user: User) throws(PermissionDenied) {
        guard user.may(permission) else {
            throw PermissionDenied(user: user.name, role: user.role, permission: permission)
        }
    }
}

/// The parts of an item a change sets, each asking its own permissions of whoever makes it.
public struct ItemChange: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Name, unit, category, active flag, reorder point: the item record itself.
    public static let details = ItemChange(rawValue: 1 << 0)
    /// The standard cost. Markup-on-cost rules and margin floors price from it, so setting it sets prices.
    public static let cost = ItemChange(rawValue: 1 << 1)
    /// The item's list price.
    public static let listPrice = ItemChange(rawValue: 1 << 2)

    /// The permissions this change needs, in the order they are checked: changing the details needs `editItems`;
    /// setting the cost needs `seeCost` and `editPrices` (a clerk who cannot price may not move prices through the
    /// cost); setting a list price needs `editPrices`. A change that sets nothing is an item edit.
    public var needs: [Permission] {
        var needs: [Permission] = []
        if contains(.details) || isEmpty { needs.append(.editItems) }
        if contains(.cost) { needs += [.seeCost, .editPrices] }
        if contains(.listPrice) && !needs.contains(.editPrices) { needs.append(.editPrices) }
        return needs
    }
}

/// Where a change came from, for the audit log.
public enum Source: String, Sendable, Codable, CaseIterable {
    case cli
    case console
    case ssh
}

/// Who is acting, from where, and (over SSH) with which key.
public struct Actor: Sendable, Hashable {
    public var user: User
    public var source: Source
    public var keyFingerprint: String?

    public init(user: User, source: Source, keyFingerprint: String? = nil) {
        self.user = user
        self.source = source
        self.keyFingerprint = keyFingerprint
    }

    public func require(_ permission: Permission) throws(PermissionDenied) {
        try Permissions.require(permission, of: user)
    }

    /// Refuses a change to an item that the actor's role may not make (see `ItemChange.needs`).
    public func requireMayChange(_ change: ItemChange) throws(PermissionDenied) {
        for permission in change.needs { try require(permission) }
    }

    /// Who may change a user: admins anything; anyone may mark only themselves away or back.
    public func requireMayEdit(_ target: String, changesOnlyAway: Bool) throws(PermissionDenied) {
        if changesOnlyAway && target.lowercased() == user.name.lowercased() { return }
        try require(.administer)
    }

    /// How the actor is named in the audit log: `alice@ssh SHA256:…`.
    public var auditName: String { user.name }
    public var auditSource: String {
        keyFingerprint.map { "\(source.rawValue) \($0)" } ?? source.rawValue
    }
}
