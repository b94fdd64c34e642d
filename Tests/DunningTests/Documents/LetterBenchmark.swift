import Dunning
import Letters
import Foundation
import Ledger
import Testing

/// Not a test: `scripts/bench-letters.sh` runs it in a release build with `RELANCE_BENCH_LETTERS`
/// set to the number of letters (3 open items each, each its own debtor, amounts and QR code).
/// Two passes over the same letters: rendered in memory only (the renderer's own cost), then
/// `renderAll` to files under `RELANCE_BENCH_OUT` (default: the temporary folder).
@Suite("Letter benchmark", .enabled(if: ProcessInfo.processInfo.environment["RELANCE_BENCH_LETTERS"] != nil,
                                    "runs only from scripts/bench-letters.sh"))
struct LetterBenchmark {
    @Test func renderAllLetters() throws {
        let env = ProcessInfo.processInfo.environment
        let count = Int(env["RELANCE_BENCH_LETTERS"] ?? "") ?? 2000
        let workers = Int(env["RELANCE_BENCH_WORKERS"] ?? "") ?? 2
        let base = env["RELANCE_BENCH_OUT"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory
        let dir = base.appendingPathComponent("relance-bench-letters-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }

        let iban = try IBAN(parsing: LetterFixtures.iban)
        var jobs: [(LetterDocument, String)] = []
        jobs.reserveCapacity(count)
        for i in 0..<count {
            var letter = try LetterFixtures.reminder()
            let cents = Int64(10_000 + i * 37)
            let ogm = try #require(StructuredReference(number: Int64(2_026_000_000 + i)))
            letter.recipient = .init(name: "Klant \(i) BV", lines: ["Stationsstraat \(i % 300 + 1)", "\(1000 + i % 8000) Gemeente"])
            letter.rows = (0..<3).map { k in
                ["F-2026-\(i * 3 + k)", "02/09/2026", "02/10/2026", "€ \(cents / 300),\(k)0", "€ \(cents / 300),\(k)0", "\(40 + k)"]
            }
            letter.payment?.qrPayload = try EPCPayload.make(name: "Brouwerij De Zoete Inval BV", iban: iban, bic: "GKCCBEBB",
                                                           amount: .eur(cents: cents), reference: ogm.formatted, text: nil)
            letter.payment?.lines[3].value = ogm.formatted
            jobs.append((letter, dir.appendingPathComponent("letter-\(i).pdf").path))
        }
        let clock = ContinuousClock()
        let memoryCPU = Self.cpuSeconds()
        let memoryStart = clock.now
        let letters = jobs.map(\.0)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for i in stride(from: worker, to: letters.count, by: workers) { _ = try? LetterRenderer.pdf(letters[i]) }
        }
        let memoryElapsed = Self.seconds(clock.now - memoryStart)
        let memoryCPUms = (Self.cpuSeconds() - memoryCPU) * 1000 / Double(max(count, 1))
        print(String(format: "BENCH in-memory letters=%d workers=%d seconds=%.3f letters_per_s=%.0f cpu_ms_per_letter=%.2f",
                     count, workers, memoryElapsed, Double(count) / memoryElapsed, memoryCPUms))

        let cpuBefore = Self.cpuSeconds()
        let started = clock.now
        let results = LetterRenderer.renderAll(jobs, concurrency: workers)
        let elapsed = clock.now - started
        let cpu = Self.cpuSeconds() - cpuBefore
        let seconds = Self.seconds(elapsed)
        let failures = results.compactMap { $0 }.count
        let bytes = jobs.reduce(0) { total, job in
            total + ((try? FileManager.default.attributesOfItem(atPath: job.1)[.size] as? Int) ?? 0)
        }
        print(String(format: "BENCH renderAll letters=%d workers=%d seconds=%.3f letters_per_s=%.0f cpu_ms_per_letter=%.2f avg_kb=%.1f failures=%d",
                     count, workers, seconds, Double(count) / seconds, cpu * 1000 / Double(max(count, 1)),
                     Double(bytes) / Double(max(count, 1)) / 1024, failures))
        #expect(failures == 0)
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// User and system CPU time of the whole process so far.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return user + system
    }
}
