import Foundation
import PackagePlugin

/// Writes `BuildInfo.swift` for the target before each build: the commit the build came from and that commit's date
/// (in UTC), from git, or `unknown` outside a git checkout. The date is the commit's, not the clock's, so building the
/// same commit twice gives the same binary, and the file is rewritten only when what it says changes (an unchanged file
/// costs no recompilation).
@main
struct BuildInfo: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "BuildInfo")
        let script = #"""
            set -u
            source="$1"; output="$2"; file="$output/BuildInfo.swift"
            mkdir -p "$output"
            commit=$(git -C "$source" rev-parse --short=12 HEAD 2>/dev/null) || commit=unknown
            date=$(TZ=UTC0 git -C "$source" log -1 --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd 2>/dev/null) || date=unknown
            if [ "$commit" != unknown ] && [ -n "$(git -C "$source" status --porcelain --untracked-files=no 2>/dev/null | head -c 1)" ]; then
                commit="$commit+changes"
            fi
            [ -n "$date" ] || date=unknown
            text=$(printf '%s\n' \
                '// Written by the BuildInfo plugin before each build; not kept in git.' \
                'enum BuildInfo {' \
                "    static let commit = \"$commit\"" \
                "    static let date = \"$date\"" \
                '}')
            if [ ! -f "$file" ] || [ "$(cat "$file")" != "$text" ]; then printf '%s\n' "$text" > "$file"; fi
            """#
        return [.prebuildCommand(displayName: "Build information from git",
                                 executable: URL(fileURLWithPath: "/bin/sh"),
                                 arguments: ["-c", script, "sh", context.package.directoryURL.path, output.path],
                                 outputFilesDirectory: output)]
    }
}
