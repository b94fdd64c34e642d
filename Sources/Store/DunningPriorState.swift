import Ledger

/// Where an item stood before a reminder, packed in one integer (`dunning_event_item.prev_state`,
/// migration 0041a, issue 17's tenth round): its last reminder's day, its first reminder's day and
/// that reminder's channel, which the three text columns `prev_last_reminder`,
/// `prev_first_reminder` and `prev_first_channel` held (≈ 30 B an item) and which a row packed
/// leaves NULL. `prev_step_index` stays as it was; since migration 0042a the step's name is
/// stored as `prev_step_id`, an id into `dunning_step_name`, and `prev_step` left NULL (``stepSQL(_:)``).
///
/// `((last × 16,384) + first) × 3 + channel`, `last` in days since 1970-01-01, `first` 0 without
/// a first reminder, else `last − first + 1`; `channel` 0 none, 1 e-mail, 2 post. Four bytes until
/// 2089. A state that does not fit (no last reminder, a first reminder after the last or 44 years
/// before it, a day before 1970) keeps the text columns and `prev_state` NULL. Readers:
/// `DunningEventItemRecord`'s decoder, `DunningCommands.cancelEvent` and the export read either.
package enum DunningPriorState {
    static let span: Int64 = 16_384

    /// The packed state, or nil when it does not fit (the text columns then hold it).
    package static func pack(last: Day?, first: Day?, channel: ReminderChannel?) -> Int64? {
        guard let last, last.daysSinceEpoch >= 0 else { return nil }
        let l = Int64(last.daysSinceEpoch)
        var f: Int64 = 0
        if let first {
            let gap = l - Int64(first.daysSinceEpoch)
            guard gap >= 0, gap + 1 < span else { return nil }
            f = gap + 1
        }
        let c: Int64 = switch channel {
        case nil: 0
        case .email: 1
        case .post: 2
        }
        return (l * span + f) * 3 + c
    }

    /// The state `pack` packed; nil for a value it cannot have written.
    package static func unpack(_ value: Int64) -> (last: Day, first: Day?, channel: ReminderChannel?)? {
        guard value >= 0 else { return nil }
        let days = value / 3
        let l = days / span
        let f = days % span
        guard l <= Int64(Int32.max) else { return nil }
        let channel: ReminderChannel? = switch value % 3 {
        case 1: .email
        case 2: .post
        default: nil
        }
        return (Day(daysSinceEpoch: Int32(l)), f == 0 ? nil : Day(daysSinceEpoch: Int32(l - f + 1)), channel)
    }

    /// SQL reading `prev_last_reminder` as stored before: the text column, else the packed day.
    package static func lastSQL(_ alias: String = "") -> String {
        "COALESCE(\(alias)prev_last_reminder, date(\(alias)prev_state / 3 / \(span) * 86400, 'unixepoch'))"
    }

    /// SQL reading `prev_first_reminder` as stored before.
    package static func firstSQL(_ alias: String = "") -> String {
        "COALESCE(\(alias)prev_first_reminder, CASE WHEN \(alias)prev_state / 3 % \(span) > 0 THEN "
            + "date((\(alias)prev_state / 3 / \(span) - \(alias)prev_state / 3 % \(span) + 1) * 86400, 'unixepoch') END)"
    }

    /// SQL reading `prev_first_channel` as stored before.
    package static func channelSQL(_ alias: String = "") -> String {
        "COALESCE(\(alias)prev_first_channel, CASE \(alias)prev_state % 3 WHEN 1 THEN 'email' WHEN 2 THEN 'post' END)"
    }

    /// SQL reading `prev_step` as stored before: the text column, else the name `prev_step_id`
    /// points at in `dunning_step_name` (migration 0042a).
    package static func stepSQL(_ alias: String = "") -> String {
        "COALESCE(\(alias)prev_step, (SELECT n.name FROM dunning_step_name n WHERE n.id = \(alias)prev_step_id))"
    }
}
