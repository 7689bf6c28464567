import BackOfficeStore

/// What `backoffice --version` and `doctor` say of the build: the release, the commit it was built from and that
/// commit's date, and the SQLite compiled in.
enum Release {
    /// The release this source is; raised with each one.
    static let version = "1.1.0"

    static var summary: String {
        "backoffice \(version) (commit \(BuildInfo.commit), \(BuildInfo.date)), SQLite \(Store.sqliteVersion.text)"
    }
}
