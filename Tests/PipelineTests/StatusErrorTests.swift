import Foundation
import GRDB
import Pipeline
import Testing

/// The pipeline's own errors are causes with facts: each derives its exit status and a message that
/// says what, where and how to fix it.
@Suite struct StatusErrorTests {
    @Test func eachCauseCarriesItsStatus() {
        let expected: [(StatusError.Cause, Status)] = [
            (.databaseLocked(path: "w/relance.sqlite"), .tempFailure), (.lockHeld(holder: ""), .tempFailure),
            (.databaseNotWritable(path: "p", detail: "d"), .cannotWrite), (.lockFileUnopenable(path: "p"), .cannotWrite),
            (.database(path: "p", detail: "d"), .failure), (.databaseDamaged(path: "p", detail: "d"), .config),
            (.companyIdentityMissing(keys: ["company.iban"]), .config), (.noSender(configPath: "relance.toml"), .config),
            (.smtpPasswordMissing, .config), (.peppolURLMissing, .config),
        ]
        for (cause, status) in expected {
            let e = StatusError(cause)
            #expect(e.status == status && e.message == cause.description && e.cause == cause)
        }
        #expect(StatusError(.usage, "one-off").cause == nil)
    }

    @Test func theMessagesSayHowToFix() {
        #expect(StatusError.Cause.lockHeld(holder: "").description.contains("(holder unknown); try again when it has finished"))
        #expect(StatusError.Cause.lockHeld(holder: "pid 7").description.contains("(pid 7)"))
        #expect(StatusError.Cause.databaseDamaged(path: "x", detail: "file is not a database").description
            .contains("restore the newest verified backup with `relance db restore FILE`"))
        #expect(StatusError.Cause.noSender(configPath: "/w/relance.toml").description.contains("set mail.from (or company.email) in /w/relance.toml"))
    }

    @Test func aDatabaseErrorMapsToItsCause() {
        let busy = StatusError.from(database: DatabaseError(resultCode: .SQLITE_BUSY), path: "db")
        #expect(busy.cause == .databaseLocked(path: "db") && busy.status == .tempFailure)
        let damaged = StatusError.from(database: DatabaseError(resultCode: .SQLITE_NOTADB, message: "file is not a database"), path: "db")
        #expect(damaged.cause == .databaseDamaged(path: "db", detail: "file is not a database") && damaged.status == .config)
        let readOnly = StatusError.from(database: DatabaseError(resultCode: .SQLITE_READONLY, message: "read-only"), path: "db")
        #expect(readOnly.status == .cannotWrite && readOnly.message == "cannot open db for writing: read-only")
    }
}
