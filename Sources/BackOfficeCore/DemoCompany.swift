import Foundation

/// A realistic, deterministic distributor: catalogue, locations, people, accounts, price lists, and 90 days of history.
///
/// Everything is a pure function of the seed and an index, so a million items can be streamed without being held in
/// memory, and the same seed builds the same company on every machine.
public struct DemoCompany: Sendable {
    public let seed: UInt64
    public let itemCount: Int
    public let now: Date

    public init(seed: UInt64 = 42, itemCount: Int = 5_000, now: Date) {
        self.seed = seed
        self.itemCount = itemCount
        self.now = now
    }

    // MARK: - People and places

    public static let users: [User] = [
        User(name: "admin", displayName: "Ada Admin", role: .admin),
        User(name: "clerk", displayName: "Chris Clerk", role: .clerk),
        User(name: "carla", displayName: "Carla Ortiz", role: .clerk),
        User(name: "manager", displayName: "Morgan Manager", role: .manager),
        User(name: "dana", displayName: "Dana Whitfield", role: .manager),
        User(name: "sales", displayName: "Sam Sales", role: .sales),
        User(name: "alice", displayName: "Alice Kimura", role: .sales),
        User(name: "bob", displayName: "Bob Mensah", role: .sales),
    ]

    public static let locations: [Location] = [
        Location(code: "MAIN", name: "Main warehouse", sellable: true),
        Location(code: "EAST", name: "East branch", sellable: true),
        Location(code: "SHOP", name: "Trade counter", sellable: true),
        Location(code: "QUAR", name: "Quarantine", sellable: false),
    ]

    public static let priceLists: [PriceList] = [
        PriceList(code: "LIST", name: "Standard list", currency: "USD", isDefault: true),
        PriceList(code: "TRADE", name: "Trade customers", currency: "USD"),
        PriceList(code: "KEY", name: "Key accounts", currency: "USD"),
    ]

    /// Top-level categories with their SKU prefix and unit, and each leaf with the things sold in it.
    static let categories: [(prefix: String, top: String, unit: String, leaves: [(path: String, nouns: [String])])] = [
        ("FAS", "Fasteners", "BOX", [("Bolts/Hex", ["Hex Bolt", "Hex Set Screw"]), ("Bolts/Carriage", ["Carriage Bolt", "Coach Bolt"]),
                                     ("Screws/Wood", ["Wood Screw", "Decking Screw"]), ("Screws/Machine", ["Machine Screw", "Grub Screw"]),
                                     ("Nuts", ["Hex Nut", "Nyloc Nut", "Wing Nut"]), ("Washers", ["Flat Washer", "Spring Washer"]),
                                     ("Anchors", ["Wall Anchor", "Sleeve Anchor"])]),
        ("ELE", "Electrical", "EA", [("Cable", ["Twin & Earth Cable", "Flex Cable"]), ("Connectors", ["Terminal Block", "Crimp Connector"]),
                                     ("Switches", ["Rocker Switch", "Isolator Switch"]), ("Lighting/LED", ["LED Panel", "LED Batten"]),
                                     ("Lighting/Fluorescent", ["T8 Tube", "Fluorescent Fitting"]), ("Fuses", ["Cartridge Fuse", "Fuse Holder"])]),
        ("PLU", "Plumbing", "EA", [("Pipe/Copper", ["Copper Pipe", "Copper Elbow"]), ("Pipe/PVC", ["PVC Pipe", "PVC Tee"]),
                                   ("Fittings", ["Compression Coupling", "Push-Fit Tee"]), ("Valves", ["Ball Valve", "Gate Valve"]),
                                   ("Seals", ["O-Ring", "Fibre Washer"])]),
        ("TOO", "Tools", "EA", [("Hand/Wrenches", ["Combination Wrench", "Adjustable Wrench"]), ("Hand/Pliers", ["Combination Pliers", "Snips"]),
                                ("Power/Drills", ["Cordless Drill", "SDS Drill"]), ("Power/Saws", ["Circular Saw", "Jigsaw"]),
                                ("Measuring", ["Tape Measure", "Spirit Level"])]),
        ("SAF", "Safety", "PR", [("Gloves", ["Work Gloves", "Nitrile Gloves"]), ("Eyewear", ["Safety Glasses", "Goggles"]),
                                 ("Helmets", ["Hard Hat", "Bump Cap"]), ("Hi-Vis", ["Hi-Vis Vest", "Hi-Vis Jacket"]),
                                 ("First Aid", ["First Aid Kit", "Eye Wash"])]),
        ("PAC", "Packaging", "RL", [("Tape", ["Packing Tape", "Masking Tape"]), ("Boxes", ["Carton", "Mailer Box"]),
                                    ("Film", ["Stretch Film", "Bubble Wrap"]), ("Labels", ["Label Roll", "Fragile Label"])]),
    ]

    static let adjectives = ["Stainless", "Galvanised", "Heavy-Duty", "Compact", "Industrial", "Brass", "Zinc-Plated",
                             "Insulated", "Reinforced", "Premium", "Economy", "Trade", "Coated", "Pro", "Precision"]
    /// Sizes per top-level category, so a bolt is M8 and a glove is Large.
    static let specs: [String: [String]] = [
        "Fasteners": ["M4", "M5", "M6", "M8", "M10", "M12", "M16", "M8x40", "M10x60", "4x40mm", "5x70mm", "Pack 100", "Pack 200"],
        "Electrical": ["1.5mm²", "2.5mm²", "6mm²", "10A", "16A", "32A", "600x600", "1200mm", "1500mm", "230V", "24V"],
        "Plumbing": ["15mm", "22mm", "28mm", "1/2\"", "3/4\"", "1\"", "110mm", "3m", "Pack 10"],
        "Tools": ["8mm", "10mm", "13mm", "18V", "240V", "5m", "8m", "600mm", "165mm"],
        "Safety": ["Small", "Medium", "Large", "XL", "Clear", "Tinted", "EN166", "Class 2"],
        "Packaging": ["48mm x 66m", "25mm x 50m", "A4", "A3", "300x200x150", "500mm x 300m", "Roll 1000"],
    ]

    /// Every leaf category path, in a fixed order.
    public static let categoryPaths: [String] = categories.flatMap { c in c.leaves.map { "\(c.top)/\($0.path)" } }

    static let accountNames = ["Acme Building", "Northwind Traders", "Harbor Electric", "Summit Plumbing", "Riverside Mechanical",
                               "Oakridge Joinery", "Bluewater Marine", "Granite Civil", "Keystone Facilities", "Pioneer Fitouts",
                               "Redline Contracting", "Maple Property", "Ironbridge Works", "Cedar Homes", "Beacon Schools",
                               "Falcon Logistics", "Lakeside Hospital", "Metro Transit", "Orchard Farms", "Pinnacle Hotels",
                               "Quarry Stone", "Silverline Rail", "Titan Steel", "Union Utilities", "Vista Developments",
                               "Westgate Council", "Yellowfield Energy", "Zenith Data", "Copperleaf Cafe", "Driftwood Resorts"]

    /// The account managers' canned answers (`request template list`; `t` in the Queue).
    public static let replyTemplates: [(name: String, body: String)] = [
        ("stock-price", "We have {available} of {sku} available now ({stock}); {price} each for {quantity}, {total} in all."),
        ("when", "{item}: {promise}. Next receipt due {receipt}."),
        ("facts", "{facts} Reply here if the customer wants it held."),
    ]

    /// Customer accounts, each with a manager and a backup.
    public var accounts: [Account] {
        DemoCompany.accountNames.enumerated().map { index, name in
            let code = index == 0 ? "ACME" : name.split(separator: " ")[0].uppercased().prefix(6) + padded(index, 2)
            let managers = index % 2 == 0 ? ("manager", "dana") : ("dana", "manager")
            let list = index % 5 == 0 ? "KEY" : (index % 3 == 0 ? "LIST" : "TRADE")
            return Account(code: String(code), name: name, manager: managers.0, backupManager: managers.1, priceList: list)
        }
    }

    // MARK: - Items

    /// A demo item with the list price and opening stock that go with it.
    public struct DemoItem: Sendable {
        public var item: Item
        public var listPrice: Int64
        /// On hand per location after the history has run.
        public var openingStock: [(location: String, quantity: Int)]
    }

    private func random(_ index: Int, _ salt: UInt64) -> SeededRandom {
        SeededRandom(seed: seed &* 0x2545_F491_4F6C_DD1D ^ UInt64(index) &* 0x9E37_79B9 ^ salt)
    }

    public func item(at index: Int) -> DemoItem {
        var rng = random(index, 1)
        let leafIndex = Int(rng.next() % UInt64(DemoCompany.categoryPaths.count))
        let path = DemoCompany.categoryPaths[leafIndex]
        let top = DemoCompany.categories.first { path.hasPrefix($0.top + "/") }!
        let nouns = top.leaves.first { "\(top.top)/\($0.path)" == path }!.nouns
        let noun = nouns[Int(rng.next() % UInt64(nouns.count))]
        let adjective = DemoCompany.adjectives[Int(rng.next() % UInt64(DemoCompany.adjectives.count))]
        let sizes = DemoCompany.specs[top.top]!
        let spec = sizes[Int(rng.next() % UInt64(sizes.count))]
        let sku = "\(top.prefix)-\(padded(index + 1, 6))"
        let costCents = Int64(20 + rng.next() % 40_000)
        let markup = 130 + Int64(rng.next() % 70)
        let listPrice = max(5, (costCents * markup / 100 + 2) / 5 * 5)
        let reorder = Int(rng.next() % 5) * 10
        var stock: [(String, Int)] = [("MAIN", Int(rng.next() % 400))]
        if rng.next() % 2 == 0 { stock.append(("EAST", Int(rng.next() % 150))) }
        if rng.next() % 4 == 0 { stock.append(("SHOP", Int(rng.next() % 40))) }
        let item = Item(sku: sku, name: "\(adjective) \(noun) \(spec)", unit: top.unit, category: path,
                        active: rng.next() % 50 != 0, cost: Money(minorUnits: costCents, currency: "USD"), reorderPoint: reorder,
                        // Ordered up to three times the reorder point, by the ten where items come singly (no draw from
                        // the generator, so every other figure of the company stays as it was).
                        reorderTo: reorder * 3, orderMultiple: reorder > 0 && top.unit == "EA" ? 10 : 1)
        return DemoItem(item: item, listPrice: listPrice, openingStock: stock)
    }

    /// Items that move every week; the rest of the catalogue is a long tail received once.
    public var fastMoverCount: Int { min(itemCount, 2_000) }

    // MARK: - History

    /// A movement in the demo history, `daysAgo` before now.
    public struct DemoMovement: Sendable {
        public var at: Date
        public var movement: Movement
        public var reference: String
        public var actor: String
        /// What the movement did to on hand, as the ledger worked it out.
        public var effects: [LedgerEffect]
    }

    /// The item's 90 days of movements, valid under the ledger rules, starting from an empty shelf.
    public func history(at index: Int) -> [DemoMovement] {
        let demo = item(at: index)
        let start = now.addingTimeInterval(-90 * 86_400)
        var rng = random(index, 2)
        var onHand: [String: Int] = [:]
        var result: [DemoMovement] = []
        func post(_ movement: Movement, day: Double, ref: String, actor: String) {
            let position: (String) -> StockPosition = { StockPosition(onHand: onHand[$0, default: 0]) }
            guard let effects = try? Ledger.effects(of: movement, sku: demo.item.sku, position: position) else { return }
            for effect in effects { onHand[effect.location, default: 0] += effect.delta }
            result.append(DemoMovement(at: start.addingTimeInterval(day * 86_400), movement: movement, reference: ref, actor: actor,
                                       effects: effects))
        }
        for (location, quantity) in demo.openingStock where quantity > 0 {
            post(.receipt(quantity: quantity, to: location), day: 0.3, ref: "OPENING", actor: "admin")
        }
        guard index < fastMoverCount else { return result }
        var day = 1.0 + Double(rng.next() % 100) / 100
        while day < 89.5 {
            let roll = rng.next() % 100
            let main = onHand["MAIN", default: 0]
            let ref = "SO-\(10_000 + Int(rng.next() % 90_000))"
            switch roll {
            case 0..<55 where main > 0:
                post(.issue(quantity: 1 + Int(rng.next() % UInt64(max(1, main / 4))), from: "MAIN"), day: day, ref: ref, actor: "clerk")
            case 0..<75:
                post(.receipt(quantity: 10 + Int(rng.next() % 120), to: "MAIN"), day: day, ref: "PO-\(4_000 + Int(rng.next() % 6_000))", actor: "carla")
            case 75..<87 where main > 1:
                let to = ["EAST", "SHOP"][Int(rng.next() % 2)]
                post(.transfer(quantity: 1 + Int(rng.next() % UInt64(max(1, main / 5))), from: "MAIN", to: to), day: day, ref: "TR-\(index)", actor: "clerk")
            case 87..<94 where main > 0:
                let reason = ["DAMAGE", "LOSS", "EXPIRY"][Int(rng.next() % 3)]
                post(.adjustment(delta: -1 - Int(rng.next() % 3), at: "MAIN", reason: reason), day: day, ref: "", actor: "carla")
            default:
                post(.count(counted: max(0, main + Int(rng.next() % 5) - 2), at: "MAIN"), day: day, ref: "CYCLE", actor: "carla")
            }
            day += 2 + Double(rng.next() % 500) / 100
        }
        return result
    }

    // MARK: - Pricing

    /// Price rules: category discounts and quantity breaks on the lists, account-level deals, a promotion that has
    /// not started yet and one that has ended.
    public var rules: [PriceRule] {
        let today = Day(now)
        var rules: [PriceRule] = [
            PriceRule(priceList: "TRADE", scope: .all, action: .percentOff(Percent(10)), roundingStep: 5, note: "trade discount"),
            PriceRule(priceList: "TRADE", scope: .category("Fasteners"), minQuantity: 10, action: .percentOff(Percent(15)), roundingStep: 5, note: "box break"),
            PriceRule(priceList: "TRADE", scope: .category("Fasteners"), minQuantity: 100, action: .percentOff(Percent(22)), roundingStep: 5, marginFloor: Percent(8), note: "pallet break"),
            PriceRule(priceList: "TRADE", scope: .category("Electrical/Lighting"), minQuantity: 25, action: .percentOff(Percent(18)), note: "lighting break"),
            PriceRule(priceList: "KEY", scope: .all, action: .percentOff(Percent(18)), roundingStep: 5, marginFloor: Percent(12), note: "key account"),
            PriceRule(priceList: "KEY", scope: .category("Tools/Power"), action: .markupOnCost(Percent(22)), roundingStep: 100, note: "power tools cost-plus"),
            PriceRule(priceList: "LIST", scope: .all, minQuantity: 50, action: .percentOff(Percent(5)), note: "volume"),
            PriceRule(priceList: "LIST", scope: .category("Safety"), minQuantity: 20, action: .percentOff(Percent(8)), note: "safety volume"),
            PriceRule(priceList: "LIST", scope: .category("Packaging"), validFrom: today.adding(days: 14), validTo: today.adding(days: 45),
                      action: .percentOff(Percent(12)), note: "packaging promotion"),
            PriceRule(priceList: "LIST", scope: .category("Plumbing"), validFrom: today.adding(days: -60), validTo: today.adding(days: -30),
                      action: .percentOff(Percent(10)), note: "spring plumbing promotion"),
            PriceRule(account: "ACME", scope: .category("Electrical"), action: .percentOff(Percent(20)), marginFloor: Percent(10), note: "ACME electrical deal"),
        ]
        for index in 0..<min(itemCount, 20) {
            let sku = item(at: index).item.sku
            rules.append(PriceRule(priceList: "LIST", scope: .item(sku), minQuantity: 10, validTo: today.adding(days: 30 + index),
                                   action: .percentOff(Percent(Decimal(7 + index % 5))), note: "item break"))
        }
        return rules
    }

    /// Contract prices: a handful of items for the first accounts.
    public var contracts: [ContractPrice] {
        let today = Day(now)
        let accounts = self.accounts
        var result: [ContractPrice] = []
        for a in 0..<min(accounts.count, 8) {
            for k in 0..<min(itemCount, 6) {
                let index = (a * 7 + k * 3) % min(itemCount, 40)
                let demo = item(at: index)
                let price = max(5, demo.listPrice * Int64(80 - k) / 100 / 5 * 5)
                result.append(ContractPrice(account: accounts[a].code, sku: demo.item.sku, unitPrice: price,
                                            minQuantity: k % 3 == 2 ? 25 : 1,
                                            validFrom: today.adding(days: -120), validTo: today.adding(days: 30 + 15 * k)))
            }
        }
        return result
    }

    // MARK: - Holds, expected receipts, requests

    public struct DemoHold: Sendable {
        public var index: Int
        public var location: String
        public var account: String
        public var quantity: Int
        public var owner: String
        public var expiresAt: Date
    }

    /// Holds on fast movers, sized within what is available after the history.
    public func holds(onHand: (Int, String) -> Int) -> [DemoHold] {
        var rng = SeededRandom(seed: seed ^ 0x401D)
        let accounts = self.accounts
        var result: [DemoHold] = []
        for index in stride(from: 0, to: fastMoverCount, by: 9) {
            let available = onHand(index, "MAIN")
            guard available >= 3 else { continue }
            result.append(DemoHold(index: index, location: "MAIN", account: accounts[Int(rng.next() % UInt64(accounts.count))].code,
                                   quantity: 1 + Int(rng.next() % UInt64(available / 3)), owner: ["sales", "alice", "bob"][Int(rng.next() % 3)],
                                   expiresAt: now.addingTimeInterval(Double(1 + rng.next() % 14) * 86_400)))
        }
        return result
    }

    public struct DemoExpected: Sendable {
        public var index: Int
        public var location: String
        public var quantity: Int
        public var due: Day
        public var reference: String
    }

    /// Purchase orders on the way for a share of the fast movers.
    public var expectedReceipts: [DemoExpected] {
        var rng = SeededRandom(seed: seed ^ 0x1C0)
        return stride(from: 0, to: fastMoverCount, by: 5).map { index in
            DemoExpected(index: index, location: rng.next() % 4 == 0 ? "EAST" : "MAIN", quantity: 20 + Int(rng.next() % 200),
                         due: Day(now).adding(days: 2 + Int(rng.next() % 25)), reference: "PO-\(20_000 + index)")
        }
    }

    public struct DemoRequest: Sendable {
        public var kind: RequestKind
        public var account: String
        public var index: Int?
        public var quantity: Int?
        public var text: String
        public var priority: Priority
        public var requester: String
        public var createdAt: Date
        /// Actions to play after filing: claim, answer, wait.
        public var then: [RequestAction]
    }

    /// Open questions from salespeople, a few already claimed, answered or waiting.
    public var requests: [DemoRequest] {
        var rng = SeededRandom(seed: seed ^ 0x5E0)
        let accounts = self.accounts
        let texts: [(RequestKind, String)] = [
            (.stock, "Can we ship %d by Friday from any branch?"),
            (.price, "Customer asks for a better price on %d units, competitor quoted lower."),
            (.quote, "Please prepare a quote for %d units, delivery next week."),
            (.stock, "Is the next receipt for this item confirmed? They need %d."),
            (.other, "Customer wants to change their delivery address on the open order."),
        ]
        return (0..<24).map { n in
            let (kind, template) = texts[n % texts.count]
            let quantity = 10 * (1 + Int(rng.next() % 30))
            let plan: [[RequestAction]] = [[], [], [.claim], [.claim, .answer], [.claim, .wait], []]
            return DemoRequest(kind: kind, account: accounts[Int(rng.next() % 12)].code,
                               index: kind == .other ? nil : Int(rng.next() % UInt64(fastMoverCount)),
                               quantity: kind == .other ? nil : quantity, text: String(format: template, quantity),
                               priority: Priority.allCases[Int(rng.next() % 4)], requester: ["sales", "alice", "bob"][n % 3],
                               createdAt: now.addingTimeInterval(-Double(600 + rng.next() % (3 * 86_400))), then: plan[n % plan.count])
        }
    }
}
