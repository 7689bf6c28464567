import BackOfficeCore
import BackOfficeStore

/// What `backoffice --version` and `doctor` say of the build: the release, the commit it was built from and that
/// commit's date, and the SQLite compiled in.
enum Release {
    static let version = BackOfficeRelease.version

    /// The release with the commit and its date, as `doctor` shows it.
    static let build = "\(version) (commit \(BuildInfo.commit), \(BuildInfo.date))"

    static var summary: String { "backoffice \(build), SQLite \(Store.sqliteVersion.text)" }
}
