import WharfServer

/// The YAML configuration (distribution's config.yml): loading never traps, and a configuration
/// that loads prints as YAML that loads to the same configuration (when no secret was masked).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let loader = ConfigurationLoader()
    guard let loaded = try? loader.load(yaml: text, source: "fuzz.yml", environment: [:]) else { return 0 }
    let printed = ConfigurationPrinter.render(loaded.configuration)
    guard !printed.contains("\"********\"") else { return 0 }
    let reloaded: ConfigurationLoader.Loaded
    do {
        reloaded = try loader.load(yaml: printed, source: "printed.yml", environment: [:])
    } catch {
        preconditionFailure("the printed configuration does not load: \(error)\n\(printed)")
    }
    precondition(reloaded.configuration == loaded.configuration, "the printed configuration loads differently:\n\(printed)")
    return 0
}
