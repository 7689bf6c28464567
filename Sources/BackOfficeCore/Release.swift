/// The release this source is, raised with each one. The store records it beside every migration it applies, so a
/// store opened by an older backoffice can name the release that made it.
public enum BackOfficeRelease {
    public static let version = "1.1.0"
}
