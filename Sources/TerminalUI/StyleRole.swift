/// What a cell means on screen, never what colour it is.
///
/// Panes and widgets ask for `.selection` or `.overdue`; a theme maps each role to colours and attributes. Keeping the
/// colour choice out of drawing code is what lets one screen serve the default, light, high-contrast, mono and phosphor
/// themes, and lets headless tests assert "this row is selected" without knowing any palette.
///
/// The raw value is the role's name in a theme file, so renaming a case breaks shipped themes: add, don't rename.
public enum StyleRole: String, CaseIterable, Hashable, Sendable {
    // MARK: Text

    /// Ordinary text and empty space.
    case normal
    /// Secondary text: hints, units, timestamps, zero quantities, closed requests.
    case muted
    /// A pane or dialog title.
    case title
    /// Column headings of a list or table.
    case header
    /// A search term's match inside a row, so the clerk sees why the row was found.
    case searchMatch
    /// A key name in the status-bar hints and the help screen ("F2", "/", "q").
    case keyHint

    // MARK: Frame

    /// The tab of the pane on screen.
    case tabActive
    /// The tabs of the other panes.
    case tabInactive
    /// Lines around panes and dialogs.
    case border
    /// Lines around the pane or dialog that has the keyboard.
    case borderFocused
    /// The background of a modal dialog, so it stands off the pane behind it.
    case dialog

    // MARK: Selection

    /// The selected row in the pane that has the keyboard.
    case selection
    /// The selected row in a pane without the keyboard: still visible, clearly not where keys go.
    case selectionUnfocused

    // MARK: State

    /// Needs attention soon: stock below reorder point, a price about to expire.
    case warning
    /// A refusal or a failure: a movement the ledger refused, a field that does not validate.
    case error
    /// A request past its SLA; it must stand out in the queue.
    case overdue
    /// A request close to its SLA: not late yet, but next in line to be.
    case dueSoon
    /// A confirmation: a posted receipt, a sent answer, the live indicator when the store is in sync.
    case success
    /// Something that cannot be used now: an action the user's role may not take, a disabled button.
    case disabled

    // MARK: Bars

    /// The bottom status bar: user, role, store, clock, live indicator.
    case statusBar
    /// The one-line area for errors and confirmations.
    case messageLine

    // MARK: Input

    /// A text field that does not have the keyboard.
    case input
    /// The text field being typed in.
    case inputFocused
    /// The hint shown in an empty field ("SKU or name…").
    case placeholder

    /// The role a theme uses when it does not define this one, or nil for a base role every theme must define.
    ///
    /// A small theme (mono, phosphor) can then style a dozen base roles and still draw every screen sensibly.
    public var fallback: StyleRole? {
        switch self {
        case .normal, .muted, .title, .header, .border, .selection, .warning, .error, .success, .statusBar, .input: nil
        case .searchMatch: .selection
        case .keyHint: .title
        case .tabActive: .selection
        case .tabInactive: .muted
        case .borderFocused: .border
        case .dialog: .normal
        case .selectionUnfocused: .selection
        case .overdue: .error
        case .dueSoon: .warning
        case .disabled: .muted
        case .messageLine: .normal
        case .inputFocused: .input
        case .placeholder: .muted
        }
    }

    /// Follows fallbacks from this role to the first one `isDefined` accepts, ending at `.normal`.
    ///
    /// The chain has no cycles (each fallback is a base role, or one step from one), so this always ends.
    public func resolved(where isDefined: (StyleRole) -> Bool) -> StyleRole {
        var role = self
        while !isDefined(role) {
            guard let next = role.fallback else { return .normal }
            role = next
        }
        return role
    }
}
