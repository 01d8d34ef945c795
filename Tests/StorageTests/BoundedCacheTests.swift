import Storage
import Testing

@Suite("the bounded in-memory cache")
struct BoundedCacheTests {
    @Test("past its capacity it forgets the least recently used entries first")
    func leastRecentlyUsed() {
        let cache = BoundedCache<String, Int>(capacity: 4)
        for (index, key) in ["a", "b", "c", "d"].enumerated() { cache.store(index, for: key) }
        #expect(cache.value(for: "a") == 0)  // "a" is now the most recently used
        cache.store(4, for: "e")
        #expect(cache.usage.entries <= 4)
        #expect(cache.value(for: "a") == 0)
        #expect(cache.value(for: "e") == 4)
        #expect(cache.value(for: "b") == nil)
    }

    @Test("the bound is on the summed cost, and a value dearer than the capacity is not kept")
    func costBound() {
        let cache = BoundedCache<Int, [UInt8]>(capacity: 1000) { $0.count }
        for key in 0..<50 { cache.store([UInt8](repeating: 1, count: 100), for: key) }
        #expect(cache.usage.cost <= 1000)
        #expect(cache.value(for: 49) != nil)
        cache.store([UInt8](repeating: 2, count: 1001), for: 99)
        #expect(cache.value(for: 99) == nil)
    }

    @Test("storing a key again replaces its value and its cost")
    func replace() {
        let cache = BoundedCache<String, [UInt8]>(capacity: 100) { $0.count }
        cache.store([1, 2, 3], for: "k")
        cache.store([4], for: "k")
        #expect(cache.value(for: "k") == [4])
        #expect(cache.usage.entries == 1 && cache.usage.cost == 1)
        cache.remove("k")
        #expect(cache.value(for: "k") == nil && cache.usage.cost == 0)
    }
}
