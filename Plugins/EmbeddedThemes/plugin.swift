import Foundation
import PackagePlugin

/// Compiles the shipped themes (`themes/*.toml`, which stay their source) into the target as `BuiltInThemes.files`, so
/// a binary copied anywhere alone has them. Rebuilt whenever a theme file changes.
@main
struct EmbeddedThemes: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let folder = context.package.directoryURL.appending(path: "themes")
        let themes = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".toml") }.sorted()
            .map { folder.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "BuiltInThemes.swift")
        // Each file becomes a raw string literal; its delimiter of ##### cannot occur in a theme (the build checks).
        let script = ######"""
            set -eu
            output="$1"; shift
            {
                echo '// Written by the EmbeddedThemes plugin from themes/*.toml; not kept in git.'
                echo 'enum BuiltInThemes {'
                echo '    static let files: [String: String] = ['
                for file in "$@"; do
                    if grep -q '"#####' "$file"; then echo "$file holds \"#####, which the embedding cannot quote" >&2; exit 1; fi
                    name=$(basename "$file" .toml)
                    printf '        "%s": #####"""\n' "$name"
                    cat "$file"
                    printf '\n"""#####,\n'
                done
                echo '    ]'
                echo '}'
            } > "$output.partial"
            mv "$output.partial" "$output"
            """######
        return [.buildCommand(displayName: "Embedding \(themes.count) themes",
                              executable: URL(fileURLWithPath: "/bin/sh"),
                              arguments: ["-c", script, "sh", output.path] + themes.map(\.path),
                              inputFiles: themes,
                              outputFiles: [output])]
    }
}
