import Certificates
import Foundation
import S3
import Testing
import WharfTesting

/// The bucket's order lock (``S3Lease`` on `acme/order.lock`) against a real SeaweedFS.
@Suite("the order lock in a bucket")
struct CertificateStateBucketLockTests {
    @Test("of four instances racing for the lock exactly one wins, ten rounds in a row")
    func race() async throws {
        try await CertificateStateBucketTests.withBucket { store in
            for round in 0..<10 {
                let locks = (0..<4).map { _ in store.orderLock() }
                let now = Date()
                let won = await withTaskGroup(of: Bool.self) { group in
                    for lock in locks { group.addTask { await lock.acquire(now: now) } }
                    var count = 0
                    for await acquired in group where acquired { count += 1 }
                    return count
                }
                #expect(won == 1, "round \(round): \(won) holders")
                for lock in locks { await lock.release() }
                let left = try await store.client.headObject("acme/order.lock")
                #expect(left == nil, "round \(round): released by its holder")
            }
        }
    }

    @Test("a held lock is refused to others and kept when they release; an expired one is taken over, once")
    func heldAndExpired() async throws {
        try await CertificateStateBucketTests.withBucket { store in
            let first = store.orderLock()
            let second = store.orderLock()
            let third = store.orderLock()
            let now = Date()
            #expect(await first.acquire(now: now))
            #expect(await !second.acquire(now: now + 1))
            await second.release()
            #expect(await !second.acquire(now: now + 2), "a release by another holder leaves the lock")
            #expect(await first.acquire(now: now + 3), "the holder may take its own lock again")

            // The first holder dies: past its lifetime (600 s), one of the others takes it over.
            let later = now + 3 + store.lockLifetime + 1
            #expect(await second.acquire(now: later))
            #expect(await !third.acquire(now: later), "the lock is taken over once")
            await first.release()
            #expect(await !third.acquire(now: later + 1), "the dead holder's release does not free the new holder's lock")
            await second.release()
            #expect(await third.acquire(now: later + 2))
            await third.release()
        }
    }

    @Test("SeaweedFS refuses both conditions with 412: a create over an existing key, a replace with a stale ETag")
    func conditions() async throws {
        try await CertificateStateBucketTests.withBucket { store in
            let client = store.client
            try await client.putObject("acme/probe", bytes: Array("one".utf8), ifAbsent: true)
            await #expect {
                try await client.putObject("acme/probe", bytes: Array("two".utf8), ifAbsent: true)
            } throws: { error in
                (error as? S3Error)?.status == 412
            }
            let stale = try #require(try await client.headObject("acme/probe")?.eTag)
            try await client.putObject("acme/probe", bytes: Array("three".utf8), ifMatch: stale)
            await #expect {
                try await client.putObject("acme/probe", bytes: Array("four".utf8), ifMatch: stale)
            } throws: { error in
                (error as? S3Error)?.status == 412
            }
            #expect(try await client.getObject("acme/probe", limit: 64)?.bytes == Array("three".utf8))
        }
    }
}
