import Dispatch

/// Runs blocking file work (open, write, fsync, rename) on a Dispatch worker thread so that
/// neither an event loop nor the cooperative thread pool waits on the disk.
enum BlockingIO {
    private static let queue = DispatchQueue(label: "wharf.acme.state", qos: .utility)

    static func run<T: Sendable>(_ work: @escaping @Sendable () throws(ACMEError) -> T) async throws(ACMEError) -> T {
        let result: Result<T, ACMEError> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(ACMEError) {
                    continuation.resume(returning: .success(try work()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}
