import Ledger

/// Inline SVG charts. Coordinates are computed in integer-free `Double` screen units only; the
/// amounts printed on the chart come from the minor units through `Format`.
enum SVGChart {
    static let width = 680.0
    static let height = 250.0
    static let left = 64.0, right = 12.0, top = 30.0, bottom = 42.0

    static func svg(_ chart: Chart, language: String = "en") -> String {
        switch chart {
        case .bars(let title, let labels, let values, let currency, let tones):
            return bars(title: title, labels: labels, values: values, currency: currency, tones: tones, language: language)
        case .band(let title, let labels, let low, let mid, let high, let currency):
            return band(title: title, labels: labels, low: low, mid: mid, high: high, currency: currency)
        case .pairs(let title, let labels, let first, let second, let names, let currency):
            return pairs(title: title, labels: labels, first: first, second: second, names: names, currency: currency)
        case .stacked(let title, let labels, let series, let names, let tones, let currency):
            return stacked(title: title, labels: labels, series: series, names: names, tones: tones, currency: currency)
        case .line(let title, let labels, let tenths, let unit):
            return line(title: title, labels: labels, tenths: tenths, unit: unit, language: language)
        }
    }

    static func stacked(title: String, labels: [String], series: [[Int64]], names: [String], tones: [String],
                        currency: Currency) -> String {
        let e = HTMLRenderer.escape
        let totals = labels.indices.map { i in series.reduce(Int64(0)) { $0 + Swift.max(0, i < $1.count ? $1[i] : 0) } }
        let (maxV, step) = axis(max: totals.max() ?? 1)
        var (body, y) = grid(max: maxV, step: step, currency: currency)
        let slot = (width - left - right) / Double(Swift.max(labels.count, 1))
        let barW = slot * 0.62
        for (i, label) in labels.enumerated() {
            let x = left + slot * Double(i) + (slot - barW) / 2
            var below: Int64 = 0
            for (k, values) in series.enumerated() {
                let v = Swift.max(0, i < values.count ? values[i] : 0)
                guard v > 0 else { continue }
                let yTop = y(below + v), yBase = y(below)
                body += "<rect x=\"\(n(x))\" y=\"\(n(yTop))\" width=\"\(n(barW))\" height=\"\(n(Swift.max(0, yBase - yTop)))\" "
                    + "fill=\"\(e(k < tones.count ? tones[k] : "#1f4e79"))\"/>"
                below += v
            }
            body += "<text x=\"\(n(x + barW / 2))\" y=\"\(n(height - bottom + 16))\" text-anchor=\"middle\" fill=\"#1d2733\" font-size=\"9\">"
                + e(label) + "</text>"
        }
        var lx = left
        for (k, name) in names.enumerated() {
            body += "<rect x=\"\(n(lx))\" y=\"\(n(height - 14))\" width=\"10\" height=\"9\" fill=\"\(e(k < tones.count ? tones[k] : "#1f4e79"))\"/>"
            body += "<text x=\"\(n(lx + 13))\" y=\"\(n(height - 6))\" fill=\"#1d2733\" font-size=\"9.5\">\(e(name))</text>"
            lx += 110
        }
        return frame(title, body)
    }

    static func line(title: String, labels: [String], tenths: [Int64?], unit: String, language: String) -> String {
        let e = HTMLRenderer.escape
        let (maxV, step) = axis(max: Swift.max(tenths.compactMap { $0 }.max() ?? 10, 10))
        let plotH = height - top - bottom
        let y: (Int64) -> Double = { v in top + plotH - plotH * Double(Swift.max(0, v)) / Double(maxV) }
        var body = ""
        var v: Int64 = 0
        while v <= maxV {
            body += "<line x1=\"\(n(left))\" y1=\"\(n(y(v)))\" x2=\"\(n(width - right))\" y2=\"\(n(y(v)))\" stroke=\"#e3e8ee\" stroke-width=\"1\"/>"
            body += "<text x=\"\(n(left - 6))\" y=\"\(n(y(v) + 4))\" text-anchor=\"end\" fill=\"#5a6978\">\(v / 10)</text>"
            v += step
        }
        let slot = (width - left - right) / Double(Swift.max(labels.count, 1))
        let x: (Int) -> Double = { left + slot * (Double($0) + 0.5) }
        var segment: [String] = []
        func flush() {
            if segment.count > 1 { body += "<polyline points=\"\(segment.joined(separator: " "))\" fill=\"none\" stroke=\"#1f4e79\" stroke-width=\"2.2\"/>" }
            segment = []
        }
        for (i, t) in tenths.enumerated() {
            guard let t else { flush(); continue }
            segment.append("\(n(x(i))),\(n(y(t)))")
            body += "<circle cx=\"\(n(x(i)))\" cy=\"\(n(y(t)))\" r=\"3\" fill=\"#1f4e79\"/>"
            body += "<text x=\"\(n(x(i)))\" y=\"\(n(y(t) - 6))\" text-anchor=\"middle\" font-size=\"9\" fill=\"#10263d\">"
                + e(LocalFormat.decimal(Money.decimalString(minorUnits: t, digits: 1), language: language)) + "</text>"
        }
        flush()
        for (i, l) in labels.enumerated() {
            body += "<text x=\"\(n(x(i)))\" y=\"\(n(height - bottom + 16))\" text-anchor=\"middle\" fill=\"#1d2733\" font-size=\"9\">"
                + e(l) + "</text>"
        }
        body += "<text x=\"\(n(width - right))\" y=\"14\" text-anchor=\"end\" fill=\"#5a6978\">\(e(unit))</text>"
        return frame(title, body)
    }

    /// A round axis maximum and its step (1, 2 or 5 × 10ⁿ, four or five steps).
    static func axis(max value: Int64) -> (max: Int64, step: Int64) {
        let v = Swift.max(value, 1)
        var step: Int64 = 1
        while step * 5 < v {
            if step * 2 * 5 >= v { step *= 2; break }
            if step * 5 * 5 >= v { step *= 5; break }
            step *= 10
        }
        let top = ((v + step - 1) / step) * step
        return (top, step)
    }

    static func frame(_ title: String, _ body: String) -> String {
        let e = HTMLRenderer.escape
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" "
            + "aria-label=\"\(e(title))\" font-family=\"DejaVu Sans, Liberation Sans, Arial, sans-serif\" font-size=\"11\">"
            + "<title>\(e(title))</title>"
            + "<text x=\"0\" y=\"14\" font-size=\"12.5\" font-weight=\"bold\" fill=\"#10263d\">\(e(title))</text>"
            + body + "</svg>"
    }

    static func grid(max: Int64, step: Int64, currency: Currency) -> (String, (Int64) -> Double) {
        let plotH = height - top - bottom
        let y: (Int64) -> Double = { v in top + plotH - plotH * Double(Swift.max(0, v)) / Double(max) }
        var s = ""
        var v: Int64 = 0
        while v <= max {
            let yy = n(y(v))
            s += "<line x1=\"\(n(left))\" y1=\"\(yy)\" x2=\"\(n(width - right))\" y2=\"\(yy)\" stroke=\"#e3e8ee\" stroke-width=\"1\"/>"
            s += "<text x=\"\(n(left - 6))\" y=\"\(n(y(v) + 4))\" text-anchor=\"end\" fill=\"#5a6978\">"
                + HTMLRenderer.escape(Format.compact(minor: v, currency)) + "</text>"
            v += step
        }
        return (s, y)
    }

    /// A coordinate with one decimal, for a stable text form.
    static func n(_ v: Double) -> String {
        let t = Int((v * 10).rounded())
        return t % 10 == 0 ? String(t / 10) : (t < 0 ? "-" : "") + "\(abs(t) / 10).\(abs(t) % 10)"
    }

    static func bars(title: String, labels: [String], values: [Int64], currency: Currency, tones: [String],
                     language: String = "en") -> String {
        let e = HTMLRenderer.escape
        let (maxV, step) = axis(max: values.max() ?? 1)
        var (body, y) = grid(max: maxV, step: step, currency: currency)
        let slot = (width - left - right) / Double(Swift.max(labels.count, 1))
        let barW = slot * 0.62
        for (i, label) in labels.enumerated() {
            let v = i < values.count ? values[i] : 0
            let x = left + slot * Double(i) + (slot - barW) / 2
            let yTop = y(v), base = y(0)
            let tone = i < tones.count ? tones[i] : "#1f4e79"
            body += "<rect x=\"\(n(x))\" y=\"\(n(yTop))\" width=\"\(n(barW))\" height=\"\(n(Swift.max(0, base - yTop)))\" "
                + "fill=\"\(e(tone))\" rx=\"2\"/>"
            body += "<text x=\"\(n(x + barW / 2))\" y=\"\(n(yTop - 5))\" text-anchor=\"middle\" font-weight=\"bold\" fill=\"#10263d\">"
                + e(Format.money(v, currency, language: language)) + "</text>"
            body += "<text x=\"\(n(x + barW / 2))\" y=\"\(n(height - bottom + 16))\" text-anchor=\"middle\" fill=\"#1d2733\">"
                + e(label) + "</text>"
        }
        return frame(title, body)
    }

    static func band(title: String, labels: [String], low: [Int64], mid: [Int64], high: [Int64], currency: Currency) -> String {
        let e = HTMLRenderer.escape
        let (maxV, step) = axis(max: high.max() ?? 1)
        var (body, y) = grid(max: maxV, step: step, currency: currency)
        let count = Swift.max(labels.count, 1)
        let slot = (width - left - right) / Double(count)
        let x: (Int) -> Double = { left + slot * (Double($0) + 0.5) }
        var polygon: [String] = []
        for i in 0..<high.count { polygon.append("\(n(x(i))),\(n(y(high[i])))") }
        for i in stride(from: low.count - 1, through: 0, by: -1) { polygon.append("\(n(x(i))),\(n(y(low[i])))") }
        if !polygon.isEmpty {
            body += "<polygon points=\"\(polygon.joined(separator: " "))\" fill=\"#9cc3e6\" fill-opacity=\"0.55\" stroke=\"#6fa3d3\" stroke-width=\"1\"/>"
        }
        let line = mid.indices.map { "\(n(x($0))),\(n(y(mid[$0])))" }.joined(separator: " ")
        if !mid.isEmpty { body += "<polyline points=\"\(line)\" fill=\"none\" stroke=\"#1f4e79\" stroke-width=\"2.2\"/>" }
        for i in mid.indices { body += "<circle cx=\"\(n(x(i)))\" cy=\"\(n(y(mid[i])))\" r=\"3\" fill=\"#1f4e79\"/>" }
        for (i, l) in labels.enumerated() {
            body += "<text x=\"\(n(x(i)))\" y=\"\(n(height - bottom + 16))\" text-anchor=\"middle\" fill=\"#1d2733\" font-size=\"10\">"
                + e(l) + "</text>"
        }
        body += legend([("#9cc3e6", "P10–P90 band"), ("#1f4e79", "expected (P50)")])
        return frame(title, body)
    }

    static func pairs(title: String, labels: [String], first: [Int64], second: [Int64], names: (String, String),
                      currency: Currency) -> String {
        let e = HTMLRenderer.escape
        let (maxV, step) = axis(max: Swift.max(first.max() ?? 1, second.max() ?? 1))
        var (body, y) = grid(max: maxV, step: step, currency: currency)
        let slot = (width - left - right) / Double(Swift.max(labels.count, 1))
        let barW = Swift.min(slot * 0.36, 60)
        for (i, l) in labels.enumerated() {
            let center = left + slot * (Double(i) + 0.5)
            for (k, (values, colour)) in [(first, "#9cc3e6"), (second, "#1f4e79")].enumerated() {
                let v = i < values.count ? values[i] : 0
                let x = center + (k == 0 ? -barW - 1 : 1)
                body += "<rect x=\"\(n(x))\" y=\"\(n(y(v)))\" width=\"\(n(barW))\" height=\"\(n(Swift.max(0, y(0) - y(v))))\" fill=\"\(colour)\" rx=\"1.5\"/>"
            }
            body += "<text x=\"\(n(center))\" y=\"\(n(height - bottom + 16))\" text-anchor=\"middle\" fill=\"#1d2733\" font-size=\"10\">"
                + e(l) + "</text>"
        }
        body += legend([("#9cc3e6", names.0), ("#1f4e79", names.1)])
        return frame(title, body)
    }

    static func legend(_ items: [(String, String)]) -> String {
        var s = ""
        var x = width - right - 300
        for (colour, label) in items {
            s += "<rect x=\"\(n(x))\" y=\"5\" width=\"12\" height=\"10\" fill=\"\(colour)\"/>"
            s += "<text x=\"\(n(x + 16))\" y=\"14\" fill=\"#1d2733\">\(HTMLRenderer.escape(label))</text>"
            x += 150
        }
        return s
    }
}
