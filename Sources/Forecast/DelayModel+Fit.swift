import Foundation

extension DelayModel {
    /// Partial sums of one chunk of rows in the second pass of an EM iteration.
    private struct Sums: Sendable {
        var late = 0.0, lateResidual = 0.0, lateSquares = 0.0
        var regular = 0.0, regularSquares = 0.0
        var slopeGradient = 0.0, slopeCurvature = 0.0
        var trendGradient = 0.0, trendCurvature = 0.0
        var patternWeight: [Double]
        var patternTarget: [Double]

        init(patterns: Int) {
            patternWeight = [Double](repeating: 0, count: patterns)
            patternTarget = patternWeight
        }

        mutating func add(_ o: Sums) {
            late += o.late; lateResidual += o.lateResidual; lateSquares += o.lateSquares
            regular += o.regular; regularSquares += o.regularSquares
            slopeGradient += o.slopeGradient; slopeCurvature += o.slopeCurvature
            trendGradient += o.trendGradient; trendCurvature += o.trendCurvature
            for p in patternWeight.indices {
                patternWeight[p] += o.patternWeight[p]
                patternTarget[p] += o.patternTarget[p]
            }
        }
    }

    /// Fits the model to what the training set knew, by EM. Deterministic: the same rows give the
    /// same parameters bit for bit, whatever the number of cores.
    static func fit(_ t: TrainingSet, settings: Settings = Settings()) -> DelayModel {
        let n = t.rowCount, debtors = t.debtorCount, segments = TrainingSet.segmentCount
        let k = t.covariates.count, patterns = 1 << k
        let priors = t.covariates.map { settings.covariatePriors[$0] ?? 0 }
        let counts = (0..<debtors).map { Int32(t.rowStart[$0 + 1] - t.rowStart[$0]) }
        let known = counts.reduce(0) { $0 + ($1 > 0 ? 1 : 0) }

        // The delays learnt are the days the payments became ready (see `TrainingSet.lower`): where a
        // payment waited for the debtor's payment day, its ready day is imputed, first mid-way, then
        // as the model's expectation inside the interval (`imputeReadyDelays`).
        let censored = t.lower.count == n
        let latent = SharedBuffer<Float>(t.delay)
        if censored { for r in 0..<n where t.lower[r] < t.delay[r] { latent[r] = (t.lower[r] + t.delay[r]) / 2 } }

        // Starting point: every debtor at the ledger's mean, spreads from the ledger's, one invoice in five late.
        var sum = 0.0, sum2 = 0.0
        for r in 0..<n { let d = Double(latent[r]); sum += d; sum2 += d * d }
        let mean = n > 0 ? sum / Double(n) : 0
        let sd = n > 1 ? max(1, (sum2 / Double(n) - mean * mean).squareRoot()) : settings.defaultSpread
        var m = DelayModel(
            covariates: t.covariates, covariateEffect: priors, ledgerLocation: mean, locationVariance: sd * sd,
            spread: n > 1 ? 0.6 * sd : settings.defaultSpread, lateShift: n > 1 ? 1.5 * sd : 0,
            lateSpread: n > 1 ? 0.6 * sd : settings.defaultSpread, ledgerLogit: log(0.25), amountSlope: 0,
            hasLateRegime: n >= settings.minimumRowsForLateRegime,
            segmentLocation: [Double](repeating: mean, count: segments),
            segmentLogit: [Double](repeating: log(0.25), count: segments),
            location: [Double](repeating: mean, count: debtors),
            locationPosteriorVariance: [Double](repeating: sd * sd, count: debtors),
            debtorSpread: [Double](repeating: n > 1 ? 0.6 * sd : settings.defaultSpread, count: debtors),
            logit: [Double](repeating: log(0.25), count: debtors), paidCount: counts, rowCount: n)
        if !m.hasLateRegime { m.lateShift = 0; m.ledgerLogit = -40 }
        guard n > 0 else { return m }

        // Years from the newest payment to each row's due day, for the drift (empty when not learnt).
        let newest = t.paidDay.max() ?? 0
        m.trendOrigin = newest
        let years: [Float] = settings.trend ? (0..<n).map { Float(Double(t.paidDay[$0] - Int32(t.delay[$0]) - newest) / 365.25) } : []
        let trendRow = settings.trend ? (0..<n).map { t.paidDay[$0] - Int32(t.delay[$0]) <= newest - settings.trendMinimumAge } : []
        let trended = settings.trend
        let chunks = Parallel.ranges(count: n, boundaries: t.rowStart, groups: debtors, chunks: 16)
        let weight = SharedBuffer<Float>(repeating: 0, count: n)
        let location = SharedBuffer<Double>(m.location), posterior = SharedBuffer<Double>(m.locationPosteriorVariance)
        let spread = SharedBuffer<Double>(m.debtorSpread), logit = SharedBuffer<Double>(m.logit)
        let regularSum = SharedBuffer<Double>(repeating: 0, count: debtors)
        let regularSquares = SharedBuffer<Double>(repeating: 0, count: debtors)
        let gradient = SharedBuffer<Double>(repeating: 0, count: debtors)
        let curvature = SharedBuffer<Double>(repeating: 0, count: debtors)

        for iteration in 0..<settings.iterations {
            let offsets = (0..<patterns).map { m.offset(bits: UInt8($0)) }
            let late = m.hasLateRegime, shift = m.lateShift, lateSD = m.lateSpread, slope = m.amountSlope
            let tauPrecision = 1 / m.locationVariance
            let segmentLocation = m.segmentLocation
            let beta = m.trendPerYear

            // One pass per debtor: the E-step and its location, then (with that location) its part of the
            // spreads, the late regime, the covariates and the late-regime logits. Neither half reads the
            // segments, so `updateSegments` may follow both; sums are added in chunk order as before.
            let impute = censored && iteration % 6 == 1
            let partial = SharedBuffer<Sums>(repeating: Sums(patterns: patterns), count: chunks.count)
            Parallel.run(chunks: chunks.count) { ch in
                var s = Sums(patterns: patterns)
                for c in chunks[ch] {
                    let rows = t.rowStart[c]..<t.rowStart[c + 1]
                    let prior = segmentLocation[t.segment[c]]
                    if rows.isEmpty {
                        location[c] = prior; posterior[c] = 1 / tauPrecision
                        continue
                    }
                    let s0 = spread[c], a = logit[c]
                    do {
                        let b = location[c]
                        if impute {
                            for r in rows where t.lower[r] < t.delay[r] {
                                let isLate = weight[r] > 0.5
                                latent[r] = Float(DelayModel.truncatedMean(
                                    mean: b + offsets[Int(t.bits[r])] + (isLate ? shift : 0) + (trended ? beta * Double(years[r]) : 0),
                                    sd: isLate ? lateSD : s0,
                                    from: Double(t.lower[r]) - 0.5, to: Double(t.delay[r]) + 0.5))
                            }
                        }
                        let logRatio = log(s0 / lateSD)
                        var s0Sum = 0.0, n0 = 0.0, s1Sum = 0.0, n1 = 0.0
                        for r in rows {
                            var y = Double(latent[r]) - offsets[Int(t.bits[r])]
                            if trended { y -= beta * Double(years[r]) }
                            var w = 0.0
                            if late {
                                let e = y - b, z0 = e / s0, z1 = (e - shift) / lateSD
                                w = DelayModel.logistic(a + slope * Double(t.amountZ[r]) + logRatio + 0.5 * (z0 * z0 - z1 * z1))
                            }
                            weight[r] = Float(w)
                            s0Sum += (1 - w) * y; n0 += 1 - w
                            s1Sum += w * (y - shift); n1 += w
                        }
                        let v0 = s0 * s0, v1 = lateSD * lateSD
                        let precision = n0 / v0 + n1 / v1 + tauPrecision
                        location[c] = (s0Sum / v0 + s1Sum / v1 + prior * tauPrecision) / precision
                        posterior[c] = 1 / precision
                    }
                    let b = location[c]
                    var rs = 0.0, rn = 0.0, g = 0.0, h = 0.0
                    for r in rows {
                        let w = Double(weight[r]), bits = Int(t.bits[r])
                        var y = Double(latent[r]) - b
                        if trended { y -= beta * Double(years[r]) }
                        let e = y - offsets[bits]
                        rs += (1 - w) * e * e; rn += 1 - w
                        s.late += w; s.lateResidual += w * e; s.lateSquares += w * e * e
                        let precision = (1 - w) / (s0 * s0) + w / (lateSD * lateSD)
                        s.patternWeight[bits] += precision
                        s.patternTarget[bits] += precision * y - w * shift / (lateSD * lateSD)
                        if trended && trendRow[r] {
                            let x = Double(years[r])
                            s.trendGradient += x * (precision * e - w * shift / (lateSD * lateSD))
                            s.trendCurvature += precision * x * x
                        }
                        if late {
                            let z = Double(t.amountZ[r])
                            let p = DelayModel.logistic(a + slope * z)
                            g += w - p; h += p * (1 - p)
                            s.slopeGradient += (w - p) * z; s.slopeCurvature += p * (1 - p) * z * z
                        }
                    }
                    regularSum[c] = rn; regularSquares[c] = rs; gradient[c] = g; curvature[c] = h
                    s.regular += rn; s.regularSquares += rs
                }
                partial[ch] = s
            }
            m.location = location.array(debtors)
            m.locationPosteriorVariance = posterior.array(debtors)
            updateSegments(&m, t, counts: counts, known: known, settings: settings)
            var total = Sums(patterns: patterns)
            for ch in 0..<chunks.count { total.add(partial[ch]) }
            updateGlobals(&m, total, priors: priors, settings: settings)
            if trended && total.trendCurvature > 1e-12 {
                let ridge = settings.trendPseudoCount / (m.spread * m.spread)
                m.trendPerYear += (total.trendGradient - ridge * m.trendPerYear) / (total.trendCurvature + ridge)
                m.trendZ = m.trendPerYear * (total.trendCurvature + ridge).squareRoot()
                if iteration == settings.iterations - 1 && abs(m.trendZ) < settings.trendMinimumZ { m.trendPerYear = 0 }
            }
            for c in 0..<debtors where counts[c] > 0 {
                let v = (regularSquares[c] + settings.spreadPseudoCount * m.spread * m.spread)
                    / (regularSum[c] + settings.spreadPseudoCount)
                spread[c] = max(0.5, v.squareRoot())
                if m.hasLateRegime {
                    let prior = m.segmentLogit[t.segment[c]]
                    let step = (gradient[c] - settings.logitPrecision * (logit[c] - prior)) / (curvature[c] + settings.logitPrecision)
                    logit[c] = min(12, max(-12, logit[c] + step))
                }
            }
            for c in 0..<debtors where counts[c] == 0 {
                spread[c] = m.spread
                logit[c] = m.segmentLogit[t.segment[c]]
            }
            m.debtorSpread = spread.array(debtors)
            m.logit = logit.array(debtors)
        }
        return m
    }

    /// Segment and ledger means of the debtor locations and logits, and the location variance (τ²)
    /// estimated from the spread of the debtors around their segments (empirical Bayes).
    private static func updateSegments(_ m: inout DelayModel, _ t: TrainingSet, counts: [Int32], known: Int,
                                       settings: Settings) {
        let segments = TrainingSet.segmentCount
        var bSum = [Double](repeating: 0, count: segments), aSum = bSum, nSeg = bSum
        var bAll = 0.0, aAll = 0.0
        for c in 0..<t.debtorCount where counts[c] > 0 {
            let s = t.segment[c]
            bSum[s] += m.location[c]; aSum[s] += m.logit[c]; nSeg[s] += 1
            bAll += m.location[c]; aAll += m.logit[c]
        }
        let ledgerB = known > 0 ? bAll / Double(known) : m.ledgerLocation
        let ledgerA = known > 0 ? aAll / Double(known) : m.ledgerLogit
        m.ledgerLocation = ledgerB
        if m.hasLateRegime { m.ledgerLogit = ledgerA }
        let k = settings.segmentPseudoCount
        for s in 0..<segments {
            m.segmentLocation[s] = (bSum[s] + k * ledgerB) / (nSeg[s] + k)
            m.segmentLogit[s] = m.hasLateRegime ? (aSum[s] + k * ledgerA) / (nSeg[s] + k) : -40
        }
        var tau = 0.0
        for c in 0..<t.debtorCount where counts[c] > 0 {
            let d = m.location[c] - m.segmentLocation[t.segment[c]]
            tau += d * d + m.locationPosteriorVariance[c]
        }
        if known > 1 { m.locationVariance = max(0.01, tau / Double(known)) }
    }

    /// Ledger spreads, the late regime's shift, spread and amount slope, and the covariate effects
    /// (a ridge toward their priors with `covariatePseudoCount` invoices of weight).
    private static func updateGlobals(_ m: inout DelayModel, _ s: Sums, priors: [Double], settings: Settings) {
        if s.regular > 0 { m.spread = max(0.5, (s.regularSquares / s.regular).squareRoot()) }
        if m.hasLateRegime && s.late > 1e-9 {
            let shift = max(0, s.lateResidual / s.late)
            let v = (s.lateSquares - 2 * shift * s.lateResidual + shift * shift * s.late) / s.late
            m.lateShift = shift
            m.lateSpread = max(0.5, max(0, v).squareRoot())
            if s.slopeCurvature > 1e-9 { m.amountSlope = min(5, max(-5, m.amountSlope + s.slopeGradient / s.slopeCurvature)) }
        }
        // Normal equations over the covariate patterns: (Σ W x xᵀ + κ) γ = Σ T x + κ γ₀.
        let k = priors.count
        guard k > 0 else { return }
        let kappa = settings.covariatePseudoCount / (m.spread * m.spread)
        var a = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        var rhs = priors.map { kappa * $0 }
        for i in 0..<k { a[i][i] = kappa }
        for p in s.patternWeight.indices where s.patternWeight[p] > 0 {
            for i in 0..<k where p & (1 << i) != 0 {
                rhs[i] += s.patternTarget[p]
                for j in 0..<k where p & (1 << j) != 0 { a[i][j] += s.patternWeight[p] }
            }
        }
        m.covariateEffect = solve(a, rhs) ?? m.covariateEffect
    }

    /// E[X | from ≤ X ≤ to] for X normal(mean, sd); the nearer bound when the interval holds
    /// almost none of its mass.
    static func truncatedMean(mean: Double, sd: Double, from: Double, to: Double) -> Double {
        let a = (from - mean) / sd, b = (to - mean) / sd
        let mass = NormalTable.cdf(b) - NormalTable.cdf(a)
        guard mass > 1e-9 else { return mean < from ? from : (mean > to ? to : (from + to) / 2) }
        let density = (exp(-0.5 * a * a) - exp(-0.5 * b * b)) * 0.398_942_280_401_432_7
        return min(to, max(from, mean + sd * density / mass))
    }

    /// Solves a small symmetric positive-definite system by Gaussian elimination; nil when singular.
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        var a = a, b = b
        let n = b.count
        for col in 0..<n {
            guard let pivot = (col..<n).max(by: { abs(a[$0][col]) < abs(a[$1][col]) }), abs(a[pivot][col]) > 1e-12 else { return nil }
            a.swapAt(col, pivot); b.swapAt(col, pivot)
            for row in (col + 1)..<n {
                let f = a[row][col] / a[col][col]
                for j in col..<n { a[row][j] -= f * a[col][j] }
                b[row] -= f * b[col]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in (0..<n).reversed() {
            var s = b[row]
            for j in (row + 1)..<n { s -= a[row][j] * x[j] }
            x[row] = s / a[row][row]
        }
        return x
    }
}
