import CCurl
import Foundation

/// libcurl's process-wide setup (reference-counted by libcurl, so a second call is harmless).
private let peppolCurlReady: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

/// How to reach the company's Peppol access point.
package struct PeppolHTTPSettings: Sendable, Equatable {
    /// `https://…` (or `http://` to a loopback address).
    package var url: String
    /// The bearer token; never logged.
    package var token: String
    /// A CA bundle instead of the system's.
    package var caFile: String?
    /// Seconds to connect.
    package var connectTimeout: TimeInterval
    /// Seconds for the whole request.
    package var timeout: TimeInterval

    /// Settings.
    package init(url: String, token: String, caFile: String? = nil, connectTimeout: TimeInterval = 10, timeout: TimeInterval = 60) {
        self.url = url
        self.token = token
        self.caFile = caFile
        self.connectTimeout = connectTimeout
        self.timeout = timeout
    }

    /// Why the token cannot be had.
    package struct TokenProblem: Error, Sendable, CustomStringConvertible {
        /// What is wrong, for the CLI.
        package var description: String
    }

    /// The token from the environment variable `env`, else from `file` when only its owner can
    /// read it (mode 0600 or 0400), with surrounding white space removed.
    package static func token(env: String, file: String?, environment: [String: String]) throws(TokenProblem) -> String {
        if let t = environment[env]?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty { return t }
        guard let file else {
            throw TokenProblem(description: "no access point token: set \(env) or [peppol] token_file")
        }
        var st = stat()
        guard stat(file, &st) == 0 else { throw TokenProblem(description: "cannot read the token file \(file)") }
        guard st.st_mode & 0o077 == 0 else {
            throw TokenProblem(description: "the token file \(file) can be read by others: chmod 600 it")
        }
        guard let data = FileManager.default.contents(atPath: file),
              let t = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty else {
            throw TokenProblem(description: "the token file \(file) is empty or not text")
        }
        return t
    }
}

/// Posts each UBL document to the access point with libcurl: `POST url` with the XML as body
/// (`application/xml`), `Authorization: Bearer`, the receiver and document type in headers and the
/// idempotency key (`Idempotency-Key`), TLS certificates always verified, connect and request
/// timeouts. The answer decides the outcome: 2xx accepted (its body recorded), 408, 429 and 5xx
/// deferred, 401 and 403 unavailable (the token), any other 4xx rejected with the body as reason.
package final class PeppolHTTPTransport: PeppolTransport {
    /// Where and how to post.
    package let settings: PeppolHTTPSettings
    /// The name (for people and logs).
    package var name: String { settings.url }

    /// A transport; nothing connects until the first `send`.
    package init(settings: PeppolHTTPSettings) { self.settings = settings }

    /// Delivers one document; never throws.
    package func send(_ d: PeppolOutgoing) -> PeppolOutcome {
        guard peppolCurlReady, let handle = curl_easy_init() else { return .unavailable(reason: "libcurl could not make a handle") }
        defer { curl_easy_cleanup(handle) }
        let body = ResponseBody()
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }
        var headers: UnsafeMutablePointer<curl_slist>?
        for h in ["Content-Type: application/xml", "Accept: application/json, text/plain", "Authorization: Bearer " + settings.token,
                  "X-Peppol-Receiver: " + d.receiver, "X-Peppol-Document-Type: " + d.documentType,
                  "Idempotency-Key: " + d.idempotencyKey, "Expect:"] {
            headers = curl_slist_append(headers, h)
        }
        defer { curl_slist_free_all(headers) }
        var failures: [String] = []
        func check(_ rc: CURLcode, _ what: String) { if rc != CURLE_OK { failures.append(what) } }
        let s = settings
        check(relance_curl_setopt_string(handle, CURLOPT_URL, s.url), "url")
        check(relance_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, s.url.lowercased().hasPrefix("https://") ? "https" : "http"), "protocols")
        check(relance_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1), "nosignal")
        check(relance_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1), "verifypeer")
        check(relance_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2), "verifyhost")
        if let ca = s.caFile { check(relance_curl_setopt_string(handle, CURLOPT_CAINFO, ca), "cainfo") }
        check(relance_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(s.connectTimeout * 1000)), "connecttimeout")
        check(relance_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(s.timeout * 1000)), "timeout")
        check(relance_curl_setopt_long(handle, CURLOPT_POST, 1), "post")
        check(relance_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers), "httpheader")
        let context = Unmanaged.passUnretained(body).toOpaque()
        check(relance_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, writeCallback), "writefunction")
        check(relance_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context), "writedata")
        check(relance_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), "errorbuffer")
        guard failures.isEmpty else { return .unavailable(reason: "libcurl refused the options: " + failures.joined(separator: ", ")) }
        let rc: CURLcode = d.xml.withUnsafeBufferPointer { buffer in
            _ = relance_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(buffer.count))
            _ = relance_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: buffer.baseAddress))
            return curl_easy_perform(handle)
        }
        if rc != CURLE_OK {
            let detail = String(cString: errorBuffer)
            let why = detail.isEmpty ? String(cString: curl_easy_strerror(rc)) : detail
            switch rc {
            case CURLE_OPERATION_TIMEDOUT: return .deferred(reason: "timeout: \(why)")
            case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION,
                 CURLE_SSL_CACERT_BADFILE, CURLE_UNSUPPORTED_PROTOCOL:
                return .unavailable(reason: why)
            default: return .deferred(reason: why)
            }
        }
        var code = 0
        _ = relance_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code)
        let text = body.text
        let reply = "HTTP \(code)" + (text.isEmpty ? "" : ": " + text)
        switch code {
        case 200..<300: return .accepted(reply: reply)
        case 401, 403: return .unavailable(reason: reply + " (check the access point token)")
        case 408, 429, 500..<600: return .deferred(reason: reply)
        default: return .rejected(reason: reply)
        }
    }
}

/// The access point's answer, kept to 64 KiB; its text on one line, at most 500 characters.
private final class ResponseBody {
    var bytes: [UInt8] = []

    func append(_ p: UnsafePointer<CChar>, _ n: Int) {
        let room = max(0, 65_536 - bytes.count)
        guard room > 0 else { return }
        p.withMemoryRebound(to: UInt8.self, capacity: n) { bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: min(n, room))) }
    }

    var text: String {
        let s = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
        return s.count > 500 ? String(s.prefix(500)) + "…" : s
    }
}

private let writeCallback: relance_curl_io_callback = { buffer, size, count, context in
    guard let buffer, let context else { return 0 }
    Unmanaged<ResponseBody>.fromOpaque(context).takeUnretainedValue().append(buffer, size * count)
    return size * count
}
