import CCurl
import Foundation

/// libcurl's process-wide setup, done once before the first handle.
private let curlReady: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

/// Sends messages over SMTP with libcurl: STARTTLS required by default (or `smtps://`), certificate
/// verification on unless explicitly turned off, AUTH when a user is set (and only over TLS), time
/// limits on every phase, and one connection kept open across all the messages of a flush (a flush
/// with two connections uses a `companion` for the second).
///
/// Time limits: `connectTimeout` for TCP, TLS and the greeting; `timeout` for each reply the server
/// owes (EHLO, MAIL, RCPT, DATA, the end of data, QUIT) and for the whole message. A message that
/// runs out of time is deferred and the result asks the flush to stop (`stalled`): a stalled server
/// costs one timeout, not one per message.
///
/// libcurl reuses the connection of its easy handle between transfers; after a failed transfer the
/// connection is shut down without waiting for the server and the next message opens a new one.
package final class SMTPTransport: MailTransport {
    package let settings: SMTPSettings
    package var name: String { settings.url }
    private var handle: UnsafeMutableRawPointer?
    /// Set when a transaction failed: libcurl sends no `RSET`, so the server may still hold the
    /// failed transaction open and answer the next `MAIL` with 503; the next message gets a new
    /// connection instead.
    private var failedTransaction = false
    private let state = TransferState()
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    private var setupError: String?

    /// A transport; nothing connects until the first `send`.
    package init(settings: SMTPSettings, logger: any OutboxLogger = SilentLogger()) throws(SMTPSettings.Invalid) {
        guard curlReady else { throw SMTPSettings.Invalid(message: "libcurl could not be initialised") }
        self.settings = settings
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        if settings.insecureSkipVerify { logger.log(.info, "smtp.tls.verification.off", ["smtp.host": settings.host]) }
    }

    deinit {
        close()
        errorBuffer.deallocate()
    }

    /// The easy handle, made and configured on first use (and again after `close`).
    private func session() -> UnsafeMutableRawPointer? {
        if let handle { return handle }
        guard let h = curl_easy_init() else { return nil }
        handle = h
        configure(h)
        return h
    }

    private func configure(_ handle: UnsafeMutableRawPointer) {
        var failures: [String] = []
        func check(_ rc: CURLcode, _ what: String) { if rc != CURLE_OK { failures.append(what) } }
        let s = settings
        check(relance_curl_setopt_string(handle, CURLOPT_URL, s.url), "url")
        check(relance_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "smtp,smtps"), "protocols")
        check(relance_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1), "nosignal")
        let ssl: curl_usessl = switch s.tls {
        case .required: CURLUSESSL_ALL
        // AUTH never goes out in clear text: with a user, "optional" means "required".
        case .optional: s.user == nil ? CURLUSESSL_TRY : CURLUSESSL_ALL
        case .none: CURLUSESSL_NONE
        }
        check(relance_curl_setopt_long(handle, CURLOPT_USE_SSL, Int(ssl.rawValue)), "use_ssl")
        check(relance_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, s.insecureSkipVerify ? 0 : 1), "verifypeer")
        check(relance_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, s.insecureSkipVerify ? 0 : 2), "verifyhost")
        if let ca = s.caFile { check(relance_curl_setopt_string(handle, CURLOPT_CAINFO, ca), "cainfo") }
        if let user = s.user {
            check(relance_curl_setopt_string(handle, CURLOPT_USERNAME, user), "username")
            check(relance_curl_setopt_string(handle, CURLOPT_PASSWORD, s.password ?? ""), "password")
        }
        check(relance_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(s.connectTimeout * 1000)), "connecttimeout")
        check(relance_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(s.timeout * 1000)), "timeout")
        // Each reply (and QUIT's, when the session ends) waits at most `timeout`, not libcurl's 120 s.
        check(relance_curl_setopt_long(handle, CURLOPT_SERVER_RESPONSE_TIMEOUT, max(1, Int(s.timeout.rounded(.up)))),
              "server_response_timeout")
        check(relance_curl_setopt_long(handle, CURLOPT_UPLOAD, 1), "upload")
        check(relance_curl_setopt_long(handle, CURLOPT_UPLOAD_BUFFERSIZE, 256 * 1024), "upload_buffersize")
        check(relance_curl_setopt_long(handle, relance_curlopt_mail_rcpt_allowfails, 1), "mail_rcpt_allowfails")
        let context = Unmanaged.passUnretained(state).toOpaque()
        check(relance_curl_setopt_callback(handle, CURLOPT_READFUNCTION, readCallback), "readfunction")
        check(relance_curl_setopt_pointer(handle, CURLOPT_READDATA, context), "readdata")
        check(relance_curl_setopt_debug_callback(handle, CURLOPT_DEBUGFUNCTION, debugCallback), "debugfunction")
        check(relance_curl_setopt_pointer(handle, CURLOPT_DEBUGDATA, context), "debugdata")
        check(relance_curl_setopt_long(handle, CURLOPT_VERBOSE, 1), "verbose")
        check(relance_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), "errorbuffer")
        setupError = failures.isEmpty ? nil : "libcurl refused the options: " + failures.joined(separator: ", ")
    }

    package func send(_ message: [UInt8], envelope: Envelope, beforeEnd: () -> Bool) -> DeliveryResult {
        if failedTransaction {
            abandon()
            failedTransaction = false
        }
        guard let handle = session() else { return DeliveryResult(.unavailable(reason: "libcurl could not make a handle")) }
        if let setupError { return DeliveryResult(.unavailable(reason: setupError)) }
        var list: UnsafeMutablePointer<curl_slist>?
        for r in envelope.recipients { list = curl_slist_append(list, "<" + r + ">") }
        defer { curl_slist_free_all(list) }
        return withoutActuallyEscaping(beforeEnd) { gate in
            state.begin(message, gate: gate)
            defer { state.end() }
            return perform(handle, envelope: envelope, list: list, size: message.count)
        }
    }

    private func perform(_ handle: UnsafeMutableRawPointer, envelope: Envelope, list: UnsafeMutablePointer<curl_slist>?,
                         size: Int) -> DeliveryResult {
        errorBuffer[0] = 0
        _ = relance_curl_setopt_string(handle, CURLOPT_MAIL_FROM, "<" + envelope.sender + ">")
        _ = relance_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, list)
        _ = relance_curl_setopt_off_t(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(size))
        let rc = curl_easy_perform(handle)
        if rc != CURLE_OK { failedTransaction = true }
        _ = relance_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, nil)
        let detail = String(cString: errorBuffer)
        let curlError = detail.isEmpty ? String(cString: curl_easy_strerror(rc)) : detail
        let outcome = state.dialogue.outcome(curlOK: rc == CURLE_OK, curlError: curlError)
        var result = DeliveryResult(outcome, recipientReplies: state.dialogue.recipientReplies)
        if rc == CURLE_OPERATION_TIMEDOUT {
            result.stalled = "the server did not answer within \(Self.seconds(settings.timeout)) (\(curlError))"
            abandon()
        }
        return result
    }

    static func seconds(_ t: Double) -> String { t == t.rounded() ? "\(Int(t)) s" : "\(t) s" }

    /// Drops the connection without a QUIT: the socket is shut down first, so libcurl's cleanup
    /// cannot wait on a server that stopped answering.
    private func abandon() {
        guard let h = handle else { return }
        let socket = relance_curl_active_socket(h)
        if socket >= 0 { _ = shutdown(socket, Int32(SHUT_RDWR)) }
        close()
    }

    /// A second transport with the same settings (its own easy handle and connection).
    package func companion() -> (any MailTransport)? { try? SMTPTransport(settings: settings) }

    /// Ends the session: libcurl sends `QUIT` on the open connection as the handle is cleaned up.
    /// A later `send` opens a new session.
    package func close() {
        guard let h = handle else { return }
        handle = nil
        curl_easy_cleanup(h)
    }
}

/// The message being uploaded and the dialogue being followed, reached from the C callbacks.
private final class TransferState {
    var bytes: [UInt8] = []
    var offset = 0
    let dialogue = SMTPDialogue()
    /// Called before the last bytes go out; nil once it has been called.
    var gate: (() -> Bool)?

    func begin(_ message: [UInt8], gate: @escaping () -> Bool) {
        bytes = message
        offset = 0
        self.gate = gate
        dialogue.reset()
    }

    func end() {
        bytes = []
        offset = 0
        gate = nil
    }

    func read(into buffer: UnsafeMutablePointer<CChar>, max: Int) -> Int {
        let n = min(max, bytes.count - offset)
        if n <= 0 { return 0 }
        if offset + n == bytes.count, let g = gate {
            gate = nil
            if !g() { return Int(CURL_READFUNC_ABORT) }
        }
        bytes.withUnsafeBufferPointer { src in
            guard let base = src.baseAddress else { return }
            UnsafeMutableRawPointer(buffer).copyMemory(from: base + offset, byteCount: n)
        }
        offset += n
        return n
    }
}

private let readCallback: relance_curl_io_callback = { buffer, size, count, context in
    guard let buffer, let context else { return 0 }
    return Unmanaged<TransferState>.fromOpaque(context).takeUnretainedValue().read(into: buffer, max: size * count)
}

private let debugCallback: relance_curl_debug_callback = { _, type, data, size, context in
    guard let data, let context else { return 0 }
    let state = Unmanaged<TransferState>.fromOpaque(context).takeUnretainedValue()
    let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: size)
    switch type {
    case CURLINFO_HEADER_OUT: state.dialogue.sent(bytes)
    case CURLINFO_HEADER_IN: state.dialogue.received(bytes)
    default: break
    }
    return 0
}
