import Dispatch
import Foundation
@testable import Letters
import Testing

/// The per-thread cache of laid-out text: a letter drawn from cached layouts is byte for byte the
/// letter a fresh thread draws, text is told apart by its bytes, and the cache stays bounded.
@Suite("Letter text cache")
struct LetterTextCacheTests {
    static func pinned() throws -> LetterDocument {
        var letter = try LetterFixtures.reminder()
        letter.creationDate = "2026-11-21T00:00:00Z"
        return letter
    }

    @Test func aWarmThreadGivesTheBytesOfAFreshOne() throws {
        let first = try Self.pinned()
        var changed = first
        changed.recipient = .init(name: "Wiśniewski & Yılmaz BV", lines: ["t.a.v. Łukasz Wiśniewski", "Rue Royale 145 bus 3", "1000 Brussel"])
        changed.rows = [LetterFixtures.threeRows[1]]
        changed.subject = "Derde herinnering"
        let other = changed
        let warm = try onFreshThread {
            _ = try LetterRenderer.pdf(first)
            _ = try LetterRenderer.pdf(other)
            return try LetterRenderer.pdf(first)
        }
        let fresh = try onFreshThread { try LetterRenderer.pdf(first) }
        #expect(warm == fresh)
        let otherFresh = try onFreshThread { try LetterRenderer.pdf(other) }
        let otherWarm = try onFreshThread {
            _ = try LetterRenderer.pdf(first)
            return try LetterRenderer.pdf(other)
        }
        #expect(otherWarm == otherFresh)
        #expect(otherWarm != warm)
    }

    @Test func canonicallyEqualTextIsNotTakenForTheSameText() throws {
        var letter = try Self.pinned()
        letter.recipient.name = "Caf\u{E9} D\u{E9}cor BV"
        let composed = letter
        letter.recipient.name = "Cafe\u{301} De\u{301}cor BV"
        let decomposed = letter
        #expect(composed.recipient.name == decomposed.recipient.name, "Swift's String == calls these equal")
        let warm = try onFreshThread {
            _ = try LetterRenderer.pdf(composed)
            return try LetterRenderer.pdf(decomposed)
        }
        let fresh = try onFreshThread { try LetterRenderer.pdf(decomposed) }
        #expect(warm == fresh)
    }

    @Test func repeatedTextIsLaidOutOnceAndTheCacheStaysBounded() throws {
        try onFreshThread {
            let canvas = try PDFCanvas(title: "t", author: "a", creationDate: nil)
            let cache = canvas.cache
            let held = TextBox(canvas, "Brouwerij De Zoete Inval BV", font: canvas.fonts.senderName)
            let width = held.width
            #expect(TextBox(canvas, "Brouwerij De Zoete Inval BV", font: canvas.fonts.senderName).layout == held.layout)
            #expect(TextBox(canvas, "Brouwerij De Zoete Inval BV", font: canvas.fonts.body).layout != held.layout)
            let narrow = TextBox(canvas, "Brouwerij De Zoete Inval BV", font: canvas.fonts.senderName)
            narrow.setWidth(40)
            #expect(narrow.layout != held.layout && narrow.height > held.height)
            for i in 0..<(3 * TextCache.generationSize) {
                _ = TextBox(canvas, "Klant \(i) BV", font: canvas.fonts.address).width
                #expect(cache.layoutCount <= 2 * TextCache.generationSize)
            }
            // Evicted while a box still holds it: the box keeps its layout alive.
            #expect(held.width == width)
        }
    }
}

/// Runs `body` on a new thread (so with an empty text cache) and returns its result.
private func onFreshThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        box.result = Result { try body() }
        done.signal()
    }
    thread.start()
    done.wait()
    guard let result = box.result else { throw CancellationError() }
    return try result.get()
}

/// A result handed from the thread to the waiting test: written once before the semaphore is signalled.
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, Error>?
}
