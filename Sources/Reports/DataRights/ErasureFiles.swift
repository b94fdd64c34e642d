#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The workspace files an erasure must also reach: every regular file under the workspace (no
/// symbolic link followed) that holds one of the debtor's personal values is rewritten with the
/// values replaced by `erased-<key>` (text: rejects, processed exports, reports, previews, pickup
/// mail) or removed (binary files, and `.tar.gz` exports, which hold the whole ledger as it was).
///
/// Not reached, and said so: the database itself (scrubbed by `DebtorErasure`), `backups/` (until
/// the retention policy rotates them out), and anything outside the workspace.
enum ErasureFiles {
    /// What the pass changed.
    struct Result: Equatable {
        var rewritten: [String] = []
        var removed: [String] = []
        /// Files that hold a value but are not Relance's to change (inputs waiting in the inbox, files
        /// someone put at the workspace's top level): listed, left as they are.
        var left: [String] = []
    }

    /// The values worth searching for: at least 5 characters, each as UTF-8 and as Windows-1252.
    static func needles(_ values: [String]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        for v in values {
            let t = v.trimmingCharacters(in: .whitespacesAndNewlines)
            guard t.count >= 5 else { continue }
            out.append(Array(t.utf8))
            if let cp = t.data(using: .windowsCP1252).map(Array.init), cp != Array(t.utf8) { out.append(cp) }
        }
        return out
    }

    /// Scans `root`, skipping `skip` (paths relative to root: the database files, backups/); files
    /// in the `leave` folders, or at the top level, are only reported.
    static func scrub(root: String, values: [String], key: String, skip: Set<String>, leave: Set<String> = []) -> Result {
        let patterns = needles(values)
        var result = Result()
        guard !patterns.isEmpty else { return result }
        let replacement = Array(DebtorErasure.erasedName(key).utf8)
        var stack = [""]
        while let rel = stack.popLast() {
            let dir = rel.isEmpty ? root : root + "/" + rel
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { continue }
            for name in names.sorted() {
                let r = rel.isEmpty ? name : rel + "/" + name
                if skip.contains(r) || skip.contains(where: { r.hasPrefix($0 + "/") }) { continue }
                let path = root + "/" + r
                var st = stat()
                guard lstat(path, &st) == 0 else { continue }
                switch st.st_mode & S_IFMT {
                case S_IFDIR: stack.append(r)
                case S_IFREG:
                    if rel.isEmpty || leave.contains(where: { r.hasPrefix($0 + "/") }) {
                        if let data = FileManager.default.contents(atPath: path), patterns.contains(where: { find($0, in: [UInt8](data), from: 0) != nil }) {
                            result.left.append(path)
                        }
                    } else {
                        visit(path, name: name, patterns: patterns, replacement: replacement, into: &result)
                    }
                default: continue
                }
            }
        }
        return result
    }

    static func visit(_ path: String, name: String, patterns: [[UInt8]], replacement: [UInt8], into result: inout Result) {
        if name.hasSuffix(".tar.gz") || name.hasSuffix(".tgz") || name.hasSuffix(".zip") || name.hasSuffix(".gz") {
            // A compressed export cannot be searched; one made before the erasure holds the debtor.
            if name.hasPrefix("relance-export"), unlink(path) == 0 { result.removed.append(path) }
            return
        }
        guard let data = FileManager.default.contents(atPath: path) else { return }
        var bytes = [UInt8](data)
        guard patterns.contains(where: { find($0, in: bytes, from: 0) != nil }) else { return }
        if bytes.contains(0) || name.hasSuffix(".pdf") {
            if unlink(path) == 0 { result.removed.append(path) }
            return
        }
        for p in patterns { bytes = replace(p, with: replacement, in: bytes) }
        let temp = path + ".erasing"
        guard FileManager.default.createFile(atPath: temp, contents: Data(bytes), attributes: [.posixPermissions: 0o600]),
              rename(temp, path) == 0
        else {
            unlink(temp)
            if unlink(path) == 0 { result.removed.append(path) }
            return
        }
        result.rewritten.append(path)
    }

    /// The first index of `needle` in `hay` at or after `from`.
    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, hay.count >= needle.count else { return nil }
        let first = needle[0]
        var i = from
        let last = hay.count - needle.count
        while i <= last {
            if hay[i] == first && hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    static func replace(_ needle: [UInt8], with replacement: [UInt8], in hay: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(hay.count)
        var i = 0
        while let j = find(needle, in: hay, from: i) {
            out += hay[i..<j]
            out += replacement
            i = j + needle.count
        }
        out += hay[i...]
        return out
    }
}
