import Testing
@testable import BackOfficeCore

@Suite("What --db names: a file, or a PostgreSQL database by URL")
struct StoreAddressTests {
    @Test(arguments: ["store.sqlite", "/var/lib/backoffice/backoffice.sqlite", "./a://b", "/srv/x://y", "-", ""])
    func givenAPathWhenParsedThenItIsAFile(_ text: String) throws {
        #expect(try StoreAddress.parse(text) == .file(text))
    }

    @Test func givenAFullURLWhenParsedThenEveryPartIsReadAndThePasswordIsNeverShown() throws {
        let address = try StoreAddress.parse("postgresql://bo%40office:s3cr%2Ft@db.example:6432/backoffice?sslmode=require")
        guard case .postgres(let pg) = address else { Issue.record("not a postgres address: \(address)"); return }
        #expect(pg.user == "bo@office")
        #expect(pg.password == "s3cr/t")
        #expect(pg.host == "db.example")
        #expect(pg.port == 6432)
        #expect(pg.database == "backoffice")
        #expect(pg.sslMode == .require)
        #expect(address.description == "postgres://bo%40office@db.example:6432/backoffice?sslmode=require")
        #expect(!address.description.contains("s3cr"))
    }

    @Test func givenAShortURLWhenParsedThenThePortIsTheDefaultAndSSLIsPreferred() throws {
        guard case .postgres(let pg) = try StoreAddress.parse("POSTGRES://app@localhost/bo") else {
            Issue.record("not a postgres address"); return
        }
        #expect(pg.port == 5432 && pg.sslMode == .prefer && pg.password == nil)
    }

    @Test(arguments: [
        ("postgres://app:pw@host", "name one database"),
        ("postgres://:pw@host/db", "name the user"),
        ("postgres://app:pw@host/db?sslmode=maybe", "sslmode must be one of"),
        ("postgres://app:pw@host/db?password=x", "unknown parameter password"),
        ("mysql://app:pw@host/db", "a store is a file path or a postgres:// URL"),
    ])
    func givenABadURLWhenParsedThenTheProblemIsNamedWithoutThePassword(_ text: String, _ problem: String) {
        do {
            _ = try StoreAddress.parse(text)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.kind == .usage)
            #expect(error.message.contains(problem), "\(error.message)")
            #expect(!error.message.contains("pw"), "\(error.message)")
        }
    }
}
