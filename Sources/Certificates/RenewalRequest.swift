import Foundation

/// A request from `wharf cert renew` to the running server, left as a file in the state folder
/// (which the server watches), so no admin port is needed.
public enum RenewalRequest: String, Sendable {
    /// Renew only if the certificate is inside its renewal window (or temporary).
    case ifDue = "due"
    /// Renew now, whatever the dates say.
    case force

    /// The marker file for a state folder.
    public static func path(in stateFolder: String) -> String { stateFolder + "/renew-requested" }

    /// Leaves the request for the server (atomically).
    public static func file(_ request: RenewalRequest, in stateFolder: String) throws {
        try FileManager.default.createDirectory(atPath: stateFolder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try Data(request.rawValue.utf8).write(to: URL(fileURLWithPath: path(in: stateFolder)), options: .atomic)
    }

    /// Takes a pending request, removing the file; `nil` when there is none.
    public static func take(in stateFolder: String) -> RenewalRequest? {
        let path = path(in: stateFolder)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        try? FileManager.default.removeItem(atPath: path)
        return RenewalRequest(rawValue: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? .ifDue
    }
}
