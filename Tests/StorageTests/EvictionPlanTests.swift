import Registry
import Storage
import Testing

@Suite("which objects an eviction pass removes")
struct EvictionPlanTests {
    private func object(_ seed: String, size: Int64, lastUse: Double) -> StoredObject {
        StoredObject(key: .blob(ContentHasher.digest(of: Array(seed.utf8))), size: size, lastUse: lastUse)
    }

    @Test("objects unused for longer than the TTL go, the others stay")
    func ttl() {
        let old = object("old", size: 10, lastUse: 100)
        let recent = object("recent", size: 10, lastUse: 950)
        let plan = EvictionPlan(ttl: 500, maxSize: nil)
        #expect(plan.select(from: [recent, old], now: 1000) == [old])
    }

    @Test("over the size limit, the least recently used go until the store is under 90% of it")
    func sizeLimit() {
        let objects = (0..<10).map { object("o\($0)", size: 100, lastUse: Double($0)) }
        let selected = EvictionPlan(ttl: nil, maxSize: 950).select(from: objects.shuffled(), now: 20)
        // 1000 bytes > 950: remove oldest until <= 855, i.e. two objects.
        #expect(selected == Array(objects.prefix(2)))
    }

    @Test("under the limit and without a TTL nothing is removed")
    func nothing() {
        let objects = (0..<3).map { object("n\($0)", size: 100, lastUse: Double($0)) }
        #expect(EvictionPlan(ttl: nil, maxSize: 1000).select(from: objects, now: 5).isEmpty)
        #expect(!EvictionPlan(ttl: nil, maxSize: nil).isActive)
    }

    @Test("below minfree, the least recently used go until the volume has 10% more than minfree free")
    func minFree() {
        let objects = (0..<10).map { object("f\($0)", size: 100, lastUse: Double($0)) }
        let plan = EvictionPlan(ttl: nil, maxSize: nil, minFree: 1000)
        #expect(plan.isActive)
        // 800 free: 200 short, plus 100 to spare: three objects.
        #expect(plan.select(from: objects.shuffled(), now: 20, freeBytes: 800) == Array(objects.prefix(3)))
        #expect(plan.select(from: objects, now: 20, freeBytes: 1000).isEmpty)
        #expect(plan.select(from: objects, now: 20, freeBytes: nil).isEmpty, "an unknown free space evicts nothing")
    }
}
